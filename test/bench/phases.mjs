// Where one run of a command spends its time, phase by phase, with the garbage collector's share
// of each (issue 21): the profile behind the bench's ratios, repeatable by anyone.
//   node test/bench/phases.mjs audit test/bench/out/20000/dump.json
//   node test/bench/phases.mjs lint ../shared/corpus
// Phases are those of the command (read, graph, analysis, render); `startup` is loading kstale's
// modules. One run, as the CLI does it (cold code): run it a few times, the first is the slowest.
import { PerformanceObserver, constants } from 'node:perf_hooks';

const [command, path] = process.argv.slice(2);
if (!['audit', 'lint'].includes(command) || !path) {
  console.error('usage: node test/bench/phases.mjs audit DUMP.json | lint PATH');
  process.exit(2);
}

const gcSpans = [];
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcSpans.push({ start: entry.startTime, end: entry.startTime + entry.duration, minor: entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR });
});
observer.observe({ entryTypes: ['gc'] });

const phases = [];
let last = performance.now();
function phase(name) {
  const now = performance.now();
  phases.push({ name, start: last, end: now });
  last = now;
}

const dist = new URL('../../dist/', import.meta.url);
const { loadLocalSources, loadSource } = await import(new URL('cli/load-source.js', dist));
const { buildGraph } = await import(new URL('graph/build.js', dist));
const { jsonChunks } = await import(new URL('report/index.js', dist));
const io = { readStdin: () => '' };
const now = '2026-11-24T16:00:00Z';
let bytes = 0;
if (command === 'audit') {
  const { auditCluster } = await import(new URL('analyses/audit.js', dist));
  const { auditDocument } = await import(new URL('report/render-audit.js', dist));
  phase('startup');
  const loaded = await loadSource({ filename: [path], allNamespaces: true }, io, now);
  phase('read');
  const built = buildGraph(loaded.objects, loaded.source, { unused: false, reloaders: loaded.reloaders });
  phase('graph');
  const audit = auditCluster(built, { now, syncPeriodMs: 90_000 });
  phase('audit');
  for (const chunk of jsonChunks(auditDocument(audit))) bytes += chunk.length;
  phase('render');
} else {
  const { runLint } = await import(new URL('analyses/lint/run-lint.js', dist));
  const { lintDocument } = await import(new URL('report/render-lint.js', dist));
  phase('startup');
  const { objects, problems } = await loadLocalSources({ filename: [path] }, io);
  phase('read');
  const built = buildGraph(objects, { type: 'manifests', paths: [path], now }, { unused: false });
  phase('graph');
  const report = runLint({ built, problems, kubeVersion: null, isExternal: () => false }, { disable: [], enable: [], failOn: 'error' });
  phase('lint');
  for (const chunk of jsonChunks(lintDocument({ report, toolVersion: 'bench', srcRootUri: 'file:///' }))) bytes += chunk.length;
  phase('render');
}
// The last collections are reported after the work that caused them.
await new Promise((resolve) => setTimeout(resolve, 50));
observer.disconnect();

const overlap = (span, phase) => Math.max(0, Math.min(span.end, phase.end) - Math.max(span.start, phase.start));
const rows = phases.map((entry) => {
  const gc = gcSpans.reduce((sum, span) => sum + overlap(span, entry), 0);
  return { phase: entry.name, ms: Math.round(entry.end - entry.start), gcMs: Math.round(gc) };
});
const total = rows.reduce((sum, row) => sum + row.ms, 0);
for (const row of rows) console.log(`${row.phase.padEnd(8)} ${String(row.ms).padStart(6)} ms  (GC ${String(row.gcMs).padStart(4)} ms)`);
console.log(`${'total'.padEnd(8)} ${String(total).padStart(6)} ms  (GC ${String(rows.reduce((sum, row) => sum + row.gcMs, 0)).padStart(4)} ms; ${(bytes / 1e6).toFixed(1)} MB of JSON; minor collections ${gcSpans.filter((span) => span.minor).length}, others ${gcSpans.filter((span) => !span.minor).length})`);
