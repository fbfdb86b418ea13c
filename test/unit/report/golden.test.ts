import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Chalk } from 'chalk';
import type { Graph } from '../../../src/model/graph.js';
import { AUDIT_FORMATS, GRAPH_FORMATS, IMPACT_FORMATS, WHO_USES_FORMATS, type RenderOptions } from '../../../src/report/index.js';
import { auditCluster } from '../../../src/analyses/audit.js';
import { assessImpact } from '../../../src/analyses/impact.js';
import { buildGraph } from '../../../src/graph/build.js';
import { loadManifests } from '../../../src/sources/manifests/index.js';
import { graphOf } from '../../helpers/graph.js';
import type { WhoUsesView } from '../../../src/report/render-who-uses.js';
import { fixture } from '../../helpers/paths.js';

const PLAIN: RenderOptions = { color: false, width: 200 };
const EXTENSION: Record<string, string> = { table: 'txt', wide: 'wide.txt', json: 'json', yaml: 'yaml', dot: 'dot', mermaid: 'mmd', markdown: 'md' };

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

  // Pictures of the answers: audit of the real dump, impact of the fixture change.
  const audit = auditCluster(graphOf([fixture('demo', 'cluster-dump.json')]), { now: '2026-11-24T16:00:00Z', syncPeriodMs: 90_000 });
  for (const format of ['dot', 'mermaid'] as const) {
    it(`audit -o ${format}: stale edges red with key and age, missing dashed, protected marked`, () => assertGolden('audit', format, AUDIT_FORMATS[format]!(audit, PLAIN)));
  }
  it('impact -o markdown ends with a collapsible mermaid diagram of outcomes', () => {
    const load = (path: string) => buildGraph(loadManifests([path], { defaultNamespace: 'default', digestValues: true }).objects, { type: 'manifests', now: '2026-11-24T16:00:00Z' });
    const result = assessImpact(load(fixture('impact', 'old')), load(fixture('impact', 'new')));
    assertGolden('impact', 'markdown', IMPACT_FORMATS.markdown!({ result, source: { type: 'manifests', now: '2026-11-24T16:00:00Z' }, base: 'fixtures/impact/old' }, PLAIN));
  });

  it('tables carry colour escapes only when asked to', () => {
    assert.doesNotMatch(GRAPH_FORMATS.table!(graph, PLAIN), /\u001b\[/);
    assert.match(GRAPH_FORMATS.table!(graph, { color: true, width: 200, paint: new Chalk({ level: 1 }) }), /\u001b\[/);
    assert.doesNotMatch(GRAPH_FORMATS.table!(graph, { color: false, width: 200, paint: new Chalk({ level: 1 }) }), /\u001b\[/);
  });

  it('tables never wrap, as kubectl: every cell whole however narrow the terminal; lines may run past the edge', () => {
    const narrow = GRAPH_FORMATS.table!(graph, { color: false, width: 40 });
    assert.equal(narrow, GRAPH_FORMATS.table!(graph, PLAIN), 'the width changes nothing');
    for (const reference of graph.references) assert.ok(narrow.includes(`${reference.workload.split('/')[0]!.toLowerCase()}/${reference.workload.split('/')[2]}`));
  });

  it('the graph JSON has exactly the kstale/v1 fields, in order', () => {
    const document = JSON.parse(GRAPH_FORMATS.json!(graph, PLAIN));
    assert.deepEqual(Object.keys(document), ['apiVersion', 'kind', 'source', 'workloads', 'configs', 'references', 'missing', 'unused']);
    assert.deepEqual(Object.keys(document.configs[0]), ['ref', 'kind', 'namespace', 'name', 'keys', 'immutable', 'keysFrom', 'producedBy', 'origin']);
    assert.deepEqual(Object.keys(document.references[0]), ['workload', 'container', 'containerType', 'config', 'via', 'key', 'optional', 'envVar', 'prefix', 'volume', 'mountPath', 'subPath', 'update', 'protectedBy', 'origin']);
  });
});
