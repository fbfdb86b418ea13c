import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { Graph } from '../../../src/model/graph.js';
import { GRAPH_FORMATS, WHO_USES_FORMATS, type RenderOptions } from '../../../src/report/index.js';
import type { WhoUsesView } from '../../../src/report/render-who-uses.js';
import { fixture } from '../../helpers/paths.js';

const PLAIN: RenderOptions = { color: false, width: 200, Table };
const EXTENSION: Record<string, string> = { table: 'txt', wide: 'wide.txt', json: 'json', yaml: 'yaml', dot: 'dot', mermaid: 'mmd' };

/** Compares with fixtures/report/<case>/<format>; UPDATE_GOLDEN=1 rewrites the file. */
function assertGolden(caseName: string, format: string, actual: string): void {
  const path = fixture('report', caseName, `expected.${EXTENSION[format]}`);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.CI && !existsSync(path)) assert.fail(`golden file ${path} is missing: run UPDATE_GOLDEN=1 npm test locally`);
    writeFileSync(path, actual);
  }
  assert.equal(actual, readFileSync(path, 'utf8'));
}

describe('[U] renderers: golden output per format', () => {
  const graph = JSON.parse(readFileSync(fixture('report', 'graph', 'input.json'), 'utf8')) as Graph;
  for (const [format, render] of Object.entries(GRAPH_FORMATS)) {
    it(`graph -o ${format}`, () => assertGolden('graph', format, render(graph, PLAIN)));
  }

  const view = JSON.parse(readFileSync(fixture('report', 'who-uses', 'input.json'), 'utf8')) as WhoUsesView;
  for (const [format, render] of Object.entries(WHO_USES_FORMATS)) {
    it(`who-uses -o ${format}`, () => assertGolden('who-uses', format, render(view, PLAIN)));
  }

  it('tables carry colour escapes only when asked to', () => {
    assert.doesNotMatch(GRAPH_FORMATS.table!(graph, PLAIN), /\u001b\[/);
    assert.match(GRAPH_FORMATS.table!(graph, { color: true, width: 200, paint: new Chalk({ level: 1 }) }), /\u001b\[/);
    assert.doesNotMatch(GRAPH_FORMATS.table!(graph, { color: false, width: 200, paint: new Chalk({ level: 1 }) }), /\u001b\[/);
  });

  it('tables wrap to the terminal width', () => {
    const lines = GRAPH_FORMATS.table!(graph, { color: false, width: 100, Table }).split('\n').slice(2);
    assert.ok(lines.every((line) => line.length <= 100), lines.find((line) => line.length > 100));
  });

  it('the graph JSON has exactly the kstale/v1 fields, in order', () => {
    const document = JSON.parse(GRAPH_FORMATS.json!(graph, PLAIN));
    assert.deepEqual(Object.keys(document), ['apiVersion', 'kind', 'source', 'workloads', 'configs', 'references', 'missing', 'unused']);
    assert.deepEqual(Object.keys(document.configs[0]), ['ref', 'kind', 'namespace', 'name', 'keys', 'immutable', 'keysFrom', 'origin']);
    assert.deepEqual(Object.keys(document.references[0]), ['workload', 'container', 'containerType', 'config', 'via', 'key', 'optional', 'envVar', 'prefix', 'volume', 'mountPath', 'subPath', 'update', 'protectedBy', 'origin']);
  });
});
