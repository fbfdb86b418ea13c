import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configChangeTime, ownsOnlyKey } from '../../../src/analyses/managed-fields.js';

/** A ConfigMap whose one managedFields entry owns `fieldsV1`. */
function configOwnedBy(fieldsV1: Record<string, unknown>) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n', creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{ manager: 'm', operation: 'Update', time: '2026-01-02T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1 }] }, data: { A: '1', B: '2' } };
}

const entryOwning = (fieldsV1: Record<string, unknown>) => ({ time: '2026-01-02T00:00:00Z', fieldsV1 });

describe('[U] managedFields: how precisely an entry dates a key (DESIGN.md section 2)', () => {
  // [fieldsV1, precision for key A, precision for a reader of the whole config]
  const cases: [string, Record<string, unknown>, string | undefined, string | undefined][] = [
    ['one data key and nothing else', { 'f:data': { '.': {}, 'f:A': {} } }, 'key', 'key'],
    ['two data keys', { 'f:data': { '.': {}, 'f:A': {}, 'f:B': {} } }, 'manager', 'key'],
    ['a data key and a label', { 'f:data': { 'f:A': {} }, 'f:metadata': { 'f:labels': { 'f:x': {} } } }, 'manager', 'object'],
    ['the data map alone, no key under it', { 'f:data': { '.': {} } }, 'object', 'object'],
    ['a key of stringData (server-side apply of a Secret)', { 'f:stringData': { 'f:A': {} } }, 'key', 'key'],
    ['a key with fields under it', { 'f:data': { 'f:A': { 'f:x': {} } } }, 'manager', 'key'],
    ['a key whose node holds only the map marker', { 'f:data': { 'f:A': { '.': {} } } }, 'key', 'key'],
    ['a key of binaryData and one of data', { 'f:binaryData': { 'f:A': {} }, 'f:data': { 'f:B': {} } }, 'manager', 'key'],
    ['another field only', { 'f:immutable': {} }, 'created', 'created'],
  ];
  for (const [what, fieldsV1, forKey, forWhole] of cases) {
    it(`${what}: key A is dated with ${forKey} precision, the whole config with ${forWhole}`, () => {
      assert.equal(configChangeTime(configOwnedBy(fieldsV1), 'A')?.precision, forKey);
      assert.equal(configChangeTime(configOwnedBy(fieldsV1), null)?.precision, forWhole);
    });
  }

  it('an entry owns only key A when A, with nothing under it, is the one field it owns', () => {
    assert.equal(ownsOnlyKey(entryOwning({ 'f:data': { 'f:A': {} } }), 'A'), true);
    assert.equal(ownsOnlyKey(entryOwning({ 'f:data': { 'f:A': {} } }), 'B'), false);
    assert.equal(ownsOnlyKey(entryOwning({ '.': {}, 'f:data': { '.': {}, 'f:A': { '.': {} } } }), 'A'), true);
    assert.equal(ownsOnlyKey(entryOwning({ 'f:data': 'not a map' }), 'A'), false);
    assert.equal(ownsOnlyKey(entryOwning({ 'f:data': { 'f:A': {} }, 'f:type': {} }), 'A'), false);
  });
});
