import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, whoUses } from '../../../src/graph/queries.js';
import { graphOf } from '../../helpers/graph.js';
import { fixture } from '../../helpers/paths.js';

describe('[U] who-uses query', () => {
  const { index } = graphOf([fixture('graph', 'app.yaml')]);

  it('finds every reference to a config in one namespace', () => {
    const answer = whoUses(index, { kind: 'ConfigMap', name: 'app-config', namespace: 'shop', key: null });
    assert.deepEqual(answer.matched, ['ConfigMap/shop/app-config']);
    assert.deepEqual(answer.references.map((reference) => reference.key), ['a', 'c']);
  });

  it('--key keeps references to that key and to the whole config', () => {
    const answer = whoUses(index, { kind: 'Secret', name: 'db', namespace: 'shop', key: 'password' });
    assert.deepEqual(answer.references.map((reference) => [reference.via, reference.key]), [['envFrom', null]]);
    const keyed = whoUses(index, { kind: 'ConfigMap', name: 'app-config', namespace: 'shop', key: 'a' });
    assert.deepEqual(keyed.references.map((reference) => reference.key), ['a']);
  });

  it('-A looks in every namespace', () => {
    const answer = whoUses(index, { kind: 'ConfigMap', name: 'app-config', namespace: null, key: null });
    assert.deepEqual(answer.matched, ['ConfigMap/other/app-config', 'ConfigMap/shop/app-config']);
  });

  it('a config that is referenced but not declared is still answered', () => {
    const answer = whoUses(index, { kind: 'Secret', name: 'gone', namespace: 'shop', key: null });
    assert.deepEqual(answer.configs, []);
    assert.equal(answer.references.length, 1);
  });

  it('an unknown name suggests near names and the same name in other namespaces', () => {
    assert.deepEqual(whoUses(index, { kind: 'ConfigMap', name: 'app-confg', namespace: 'shop', key: null }).nearNames, ['ConfigMap/shop/app-config']);
    assert.deepEqual(whoUses(index, { kind: 'ConfigMap', name: 'app-config', namespace: 'prod', key: null }).nearNames, ['ConfigMap/other/app-config', 'ConfigMap/shop/app-config']);
  });

  it('edit distance stops early past its limit', () => {
    assert.equal(editDistance('kitten', 'sitting', 3), 3);
    assert.equal(editDistance('a', 'abcdef', 2), 3);
  });
});
