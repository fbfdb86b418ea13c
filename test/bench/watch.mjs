// The watch row of `npm run bench` (issue 14): an estate served by the fake API server, kstale
// watch following it, then config edits one at a time: the time from the server sending the
// change to kstale printing the changed verdict (the metrics are computed from the same state
// at scrape time), and RSS after start-up against RSS after many more events.
// Edits change a value (watch judges by values): each one turns its readers Stale, the next edit of
// the same config turns the value back and them Fresh, so every edit yields a verdict.
// --timeline: kstale watch keeps the value timeline in a ConfigMap; its writes are counted.
// --configs N: generate the estate with about N configs (default: about 2 per pod).
// Usage: node test/bench/watch.mjs [--pods 5000] [--configs N] [--edits 1000] [--events 10000] [--timeline]
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeApiServer } from '../../.test-dist/test/helpers/fake-api-server.js';
import { fileSource, parseJsonList } from '../../dist/sources/manifests/json-list.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => Number(args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const pods = option('--pods', 5000);
const edits = option('--edits', 1000);
const extraEvents = option('--events', 10000);
const withTimeline = args.includes('--timeline');
const configs = args.includes('--configs') ? option('--configs') : undefined;
const dir = join(root, 'test', 'bench', 'out', configs === undefined ? String(pods) : `${pods}-${configs}`);
if (!existsSync(join(dir, 'dump.json'))) spawnSync(process.execPath, ['test/bench/generate.mjs', '--pods', String(pods), ...(configs === undefined ? [] : ['--configs', String(configs)]), '--out', dir], { cwd: root, stdio: 'inherit' });
// Read item by item: a dump of 100k pods is longer than one string may be.
const dumpFd = openSync(join(dir, 'dump.json'), 'r');
const { items } = parseJsonList(fileSource(dumpFd))[0].value;
closeSync(dumpFd);

// ConfigMaps that running pods read through envFrom: editing one makes its readers stale.
const readByEnvFrom = new Set(items.filter((item) => item.kind === 'Pod').flatMap((pod) => pod.spec.containers.flatMap((container) => (container.envFrom ?? []).map((source) => source.configMapRef && `${pod.metadata.namespace}/${source.configMapRef.name}`).filter(Boolean))));
const targets = items.filter((item) => item.kind === 'ConfigMap' && readByEnvFrom.has(`${item.metadata.namespace}/${item.metadata.name}`));

const server = await new FakeApiServer(items).start();
server.bookmarkMs = 5000;
const child = spawn(process.execPath, ['bin/kstale.js', 'watch', '-A', '-o', 'json', '--kubeconfig', server.kubeconfig(), '--metrics-addr', '127.0.0.1:0', ...(withTimeline ? ['--timeline', 'kstale/kstale-timeline'] : [])], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
const startedAt = performance.now();
let stderr = '';
child.stderr.on('data', (chunk) => (stderr += chunk));
const waiters = [];
let pending = '';
let firstVerdictMs;
child.stdout.on('data', (chunk) => {
  firstVerdictMs ??= performance.now() - startedAt;
  pending += chunk;
  for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
    const line = pending.slice(0, newline);
    pending = pending.slice(newline + 1);
    for (const waiter of [...waiters]) if (line.includes(waiter.match)) waiter.resolve(performance.now());
  }
});
const until = async (check, what, ms = 60_000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
const metricsUrl = await until(() => /serving metrics on (\S+)\/metrics/.exec(stderr)?.[1], 'metrics address');
const scrape = async () => (await fetch(`${metricsUrl}/metrics`)).text();
const metric = async (name) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(await scrape())?.[1] ?? NaN) / 2 ** 20;
const rss = () => metric('kstale_process_resident_memory_bytes');
const heap = () => metric('kstale_nodejs_heap_size_used_bytes');
await until(async () => (await fetch(`${metricsUrl}/readyz`)).status === 200, 'initial lists', 900_000);
const readyMs = performance.now() - startedAt;
const rssStart = await rss();
const heapStart = await heap();

const latencies = [];
const time = (index) => new Date(Date.parse('2026-12-01T00:00:00Z') + index * 1000).toISOString().replace('.000Z', 'Z');
const editsOf = new Map();
for (let index = 0; index < edits; index++) {
  const target = targets[index % targets.length];
  const ref = `ConfigMap/${target.metadata.namespace}/${target.metadata.name}`;
  const round = editsOf.get(ref) ?? 0;
  editsOf.set(ref, round + 1);
  const config = structuredClone(target);
  // Odd rounds change LOG_LEVEL, even rounds put the original value back.
  if (round % 2 === 0) config.data = { ...config.data, LOG_LEVEL: `bench-${index}` };
  config.metadata.managedFields = [...(config.metadata.managedFields ?? []), { manager: 'bench', operation: 'Update', apiVersion: 'v1', time: time(index), fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:LOG_LEVEL': {} } } }];
  const seen = new Promise((resolve) => waiters.push({ match: `"config":"${ref}"`, resolve }));
  const sent = performance.now();
  server.update(config);
  const shown = await Promise.race([seen, new Promise((resolve) => setTimeout(() => resolve(undefined), 5000))]);
  waiters.length = 0;
  if (shown !== undefined) latencies.push(shown - sent);
}
// Many more events that change no verdict: the same pods again.
const podItems = items.filter((item) => item.kind === 'Pod');
for (let index = 0; index < extraEvents; index++) {
  server.update(podItems[index % podItems.length]);
  if (index % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
}
// Measured once kstale has taken in every event (a backlog in its socket is not its memory).
await until(async () => Number(/^kstale_watch_events_total\{resource="pods"\} (\d+)/m.exec(await scrape())?.[1] ?? 0) >= extraEvents, 'every event processed', 300_000);
await new Promise((resolve) => setTimeout(resolve, 1000));
const rssAfter = await rss();
const heapAfter = await heap();
child.kill('SIGTERM');
await new Promise((resolve) => child.on('close', resolve));
const runSeconds = (performance.now() - startedAt) / 1000;
// One save writes every shard; it is counted once, by its write of the first ConfigMap.
const saveTimes = server.requests.filter((request) => (request.method === 'PUT' || request.method === 'POST') && /\/configmaps(\/kstale-timeline)?$/.test(request.path) && request.body.includes('"name":"kstale-timeline"')).map((request) => request.at);
const timelineWrites = saveTimes.length;
// The last save is the one on exit; the others come from the 10 s timer.
const shortestGapSeconds = saveTimes.length > 2 ? Math.min(...saveTimes.slice(1, -1).map((at, index) => (at - saveTimes[index]) / 1000)) : null;
if (process.env.BENCH_DEBUG) console.error(stderr, server.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`).join('\n'));
await server.stop();

latencies.sort((a, b) => a - b);
const percentile = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
const result = {
  pods,
  edits,
  verdictsSeen: latencies.length,
  p50Ms: Number(percentile(50).toFixed(1)),
  p99Ms: Number(percentile(99).toFixed(1)),
  readyMs: Math.round(readyMs),
  firstVerdictMs: firstVerdictMs === undefined ? null : Math.round(firstVerdictMs),
  rssStartMb: Math.round(rssStart),
  rssAfterEventsMb: Math.round(rssAfter),
  rssGrowth: Number((rssAfter / rssStart).toFixed(2)),
  heapStartMb: Math.round(heapStart),
  heapAfterEventsMb: Math.round(heapAfter),
  events: edits + extraEvents,
  ...(withTimeline ? { timelineWrites, runSeconds: Math.round(runSeconds), timelineWritesPer10s: Number((((timelineWrites - 1) / runSeconds) * 10).toFixed(2)), shortestGapSeconds } : {}),
};
console.log(JSON.stringify(result));
