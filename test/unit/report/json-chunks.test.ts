import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { jsonChunks, renderJson } from '../../../src/report/index.js';
import { fixture } from '../../helpers/paths.js';

describe('[U] JSON written piece by piece is exactly JSON.stringify(document, null, 2)', () => {
  const cases: [string, unknown][] = [
    ['a graph document', JSON.parse(readFileSync(fixture('report', 'graph', 'input.json'), 'utf8'))],
    ['nested arrays, empty arrays and objects, undefined and function values, strings with newlines', { a: [], b: {}, c: undefined, d: () => 1, e: [1, undefined, { x: 'line\nbreak', y: [[], [{}]] }], f: null, g: 'text' }],
    ['an empty object', {}],
    ['a long array with holes and functions', { items: Array.from({ length: 1300 }, (_, index) => (index % 7 === 0 ? undefined : index % 11 === 0 ? () => 1 : { index, tags: index % 2 ? [] : ['a'] })), tail: 1 }],
    ['a top-level array', [1, { a: 2 }]],
    ['a scalar', 'x'],
  ];
  for (const [name, document] of cases) {
    it(name, () => {
      assert.equal([...jsonChunks(document)].join(''), `${JSON.stringify(document, null, 2)}\n`);
      assert.equal(renderJson(document), `${JSON.stringify(document, null, 2)}\n`);
    });
  }

  it('a large array is written as many pieces, not one string', () => {
    const chunks = [...jsonChunks({ items: Array.from({ length: 10_000 }, (_, index) => ({ index })) })];
    assert.ok(chunks.length > 30);
  });
});
