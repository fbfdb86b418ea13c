// `npm run bench`: every figure as a ratio against its floor, measured in the same run on the
// same input (issue 13): lint against js-yaml alone, dump reads against JSON.parse alone, live
// reads against kubectl on the same API server, start-up against `node -e 0`. kstale and the
// floor run alternately; times are medians over --runs, the ratio the median of the paired
// ratios; peak RSS via /usr/bin/time. Writes test/bench/results.json.
// Each row says how many threads kstale used (--jobs): the default for this machine (1 below 4
// cores, parallel.ts), and rows with every core so that both stay visible.
// Usage: node test/bench/run.mjs [--sizes 1000,5000,20000] [--runs 5] [--real-kit] [--watch-100k]
//   --watch-100k also runs the watch bench on 100k pods and 30k configs (minutes, about 3 GB).
//   --real-kit also measures live audit on the real kube-apiserver of ../shared/k8s (started,
//   with its perf estate) against kubectl get … --show-managed-fields.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const sizes = option('--sizes', '1000,5000,20000').split(',').map(Number);
const runs = Number(option('--runs', '5'));
const hasTime = existsSync('/usr/bin/time');
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const corpus = join(root, '..', 'shared', 'corpus');
const realKit = args.includes('--real-kit') ? '/tmp/k8s/kubeconfig' : undefined;
const cores = availableParallelism();
const { defaultJobs } = await import('../../dist/sources/manifests/parallel.js');
const defaultThreads = defaultJobs(cores);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One run of a command: wall time (ms) and peak RSS (MB, null without /usr/bin/time). */
function runOnce({ command, args: commandArgs, env = {} }) {
  const wrapped = hasTime ? ['/usr/bin/time', ['-f', '%M', command, ...commandArgs]] : [command, commandArgs];
  const start = process.hrtime.bigint();
  const result = spawnSync(wrapped[0], wrapped[1], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${command} ${commandArgs.join(' ')}: exit ${result.status}\n${result.stderr}`);
  return { ms, rssMb: hasTime ? Number(result.stderr.trim().split('\n').pop()) / 1024 : null };
}

/** Median wall time and the largest peak RSS of some runs. */
function summary(results) {
  return { ms: Math.round(median(results.map((result) => result.ms))), rssMb: hasTime ? Math.round(Math.max(...results.map((result) => result.rssMb))) : null };
}

async function serve(dump) {
  const child = spawn(process.execPath, ['test/bench/serve.mjs', dump], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const kubeconfig = await new Promise((resolve) => child.stdout.once('data', (data) => resolve(String(data).trim())));
  return { kubeconfig, stop: () => child.kill('SIGTERM') };
}

const node = (...nodeArgs) => ({ command: process.execPath, args: nodeArgs });
const kstale = (...kstaleArgs) => node('bin/kstale.js', ...kstaleArgs);
const kubectlGet = (kubeconfig, extra = []) => ({ command: 'kubectl', args: ['--kubeconfig', kubeconfig, '--cache-dir', mkdtempSync(join(tmpdir(), 'kstale-bench-kubectl-')), 'get', 'pods,rs,deploy,sts,ds,jobs,cronjobs,cm,secrets', '-A', '-o', 'json', ...extra] });

/**
 * One row: kstale and its floor on the same input, run alternately (`runs` times each), so that a
 * slow spell of a shared machine falls on both; the ratio is the median of the paired ratios.
 */
const rows = [];
function row(work, floorName, kstaleRun, floorRun, target, threads = 1) {
  const mine = [];
  const floor = [];
  for (let i = 0; i < runs; i++) {
    mine.push(runOnce(kstaleRun));
    floor.push(runOnce(floorRun));
  }
  const measured = summary(mine);
  const floorMeasured = summary(floor);
  const timeRatio = Number(median(mine.map((result, i) => result.ms / floor[i].ms)).toFixed(2));
  rows.push({ work, threads, floor: floorName, kstale: measured, floorMeasured, timeRatio, rssRatio: floorMeasured.rssMb && measured.rssMb ? Number((measured.rssMb / floorMeasured.rssMb).toFixed(2)) : null, target });
  console.error(`measured: ${work}`);
}

row('kstale --help', 'node -e 0', kstale('--help'), node('-e', '0'), '≤ 1.5×');
/** A row at --jobs 1 and, when this machine's default or all its cores differ, at those too. */
function rowsByThreads(work, floorName, kstaleArgs, floorRun, target) {
  for (const threads of [...new Set([1, defaultThreads, cores])]) row(work, floorName, kstale(...kstaleArgs, '--jobs', String(threads)), floorRun, target, threads);
}
if (existsSync(corpus)) rowsByThreads(`lint ../shared/corpus`, 'js-yaml parse of the same files', ['lint', corpus, '-o', 'json'], node('test/bench/parse-baseline.mjs', corpus), '≤ 1.1×');

for (const pods of sizes) {
  const dir = join(root, 'test', 'bench', 'out', String(pods));
  if (!existsSync(join(dir, 'dump.json'))) spawnSync(process.execPath, ['test/bench/generate.mjs', '--pods', String(pods), '--out', dir], { cwd: root, stdio: 'inherit' });
  const dump = join(dir, 'dump.json');
  rowsByThreads(`lint generated manifests, ${pods} pods`, 'js-yaml parse', ['lint', join(dir, 'manifests'), '-o', 'json'], node('test/bench/parse-baseline.mjs', join(dir, 'manifests')), '≤ 1.3×');
  const parse = node('test/bench/json-parse-baseline.mjs', dump);
  rowsByThreads(`audit -A -f dump -o json, ${pods} pods`, 'JSON.parse(readFileSync(dump))', ['audit', '-A', '-f', dump, '-o', 'json', '--exit-zero'], parse, '≤ 1.1× time, ≤ 1.2× memory');
  rowsByThreads(`who-uses cm/x -f dump, ${pods} pods`, 'JSON.parse(readFileSync(dump))', ['who-uses', 'cm/cfg-1', '-n', 'team-0', '-f', dump], parse, '≤ 1.0×');
  if (hasKubectl) {
    const server = await serve(dump);
    try {
      const cluster = ['--kubeconfig', server.kubeconfig, '-A', '-o', 'json'];
      row(`live audit -A -o json, ${pods} pods (fake API server)`, 'kubectl get … -A -o json', kstale('audit', ...cluster, '--exit-zero'), kubectlGet(server.kubeconfig), pods >= 20000 ? '≤ 0.15×, ≤ 350 MB' : '≤ 0.3×');
    } finally {
      server.stop();
    }
  }
}

if (realKit && existsSync(realKit)) {
  row('live audit -A -o json (real kube-apiserver kit, perf estate)', 'kubectl get … -A -o json --show-managed-fields', kstale('audit', '--kubeconfig', realKit, '-A', '-o', 'json', '--exit-zero'), kubectlGet(realKit, ['--show-managed-fields']), '≤ 0.3×');
}

// kstale watch (issue 14): 1,000 config edits on the fake API server, then 10,000 more events.
const watchRun = spawnSync(process.execPath, ['test/bench/watch.mjs', '--pods', '5000', '--edits', '1000', '--events', '10000'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
const watchResult = watchRun.status === 0 ? JSON.parse(watchRun.stdout.trim().split('\n').pop()) : undefined;
if (!watchResult) console.error(`watch bench failed:\n${watchRun.stderr}`);
// The same with the value timeline kept in a ConfigMap (issue 24): writes at most one per 10 s.
const timelineRun = spawnSync(process.execPath, ['test/bench/watch.mjs', '--pods', '5000', '--edits', '1000', '--events', '10000', '--timeline'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
const timelineResult = timelineRun.status === 0 ? JSON.parse(timelineRun.stdout.trim().split('\n').pop()) : undefined;
if (!timelineResult) console.error(`watch --timeline bench failed:\n${timelineRun.stderr}`);

// Watch at 100k pods and 30k configs (issue 21): only when asked, it takes minutes and gigabytes.
let watch100k;
if (args.includes('--watch-100k')) {
  const run = spawnSync(process.execPath, ['--max-old-space-size=12000', 'test/bench/watch.mjs', '--pods', '100000', '--configs', '30000', '--edits', '1000', '--events', '10000'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  watch100k = run.status === 0 ? JSON.parse(run.stdout.trim().split('\n').pop()) : undefined;
  if (!watch100k) console.error(`watch 100k bench failed:\n${run.stderr}`);
}

console.log(`machine: ${cores} cores; kstale's default --jobs here: ${defaultThreads}`);
const table = [['work', 'jobs', 'kstale', 'floor', 'ratio', 'RSS', 'RSS ratio', 'target', 'floor is']];
for (const entry of rows) {
  table.push([entry.work, String(entry.threads), `${entry.kstale.ms} ms`, `${entry.floorMeasured.ms} ms`, `${entry.timeRatio}×`, entry.kstale.rssMb === null ? 'n/a' : `${entry.kstale.rssMb} MB`, entry.rssRatio === null ? 'n/a' : `${entry.rssRatio}×`, entry.target, entry.floor]);
}
const widths = table[0].map((_, column) => Math.max(...table.map((cells) => String(cells[column]).length)));
for (const cells of table) console.log(cells.map((cell, column) => String(cell).padEnd(widths[column])).join('  ').trimEnd());
if (watchResult) {
  console.log(`\nwatch, ${watchResult.pods} pods: server event → changed verdict p50 ${watchResult.p50Ms} ms, p99 ${watchResult.p99Ms} ms (target < 200 ms) over ${watchResult.verdictsSeen} edits; RSS ${watchResult.rssStartMb} MB after start-up, ${watchResult.rssAfterEventsMb} MB after ${watchResult.events} events (${watchResult.rssGrowth}×, target ≤ 1.1×; heap used ${watchResult.heapStartMb} → ${watchResult.heapAfterEventsMb} MB)`);
}
if (!hasKubectl) console.log('kubectl is not installed: the live rows are skipped.');
if (watch100k) {
  console.log(`watch, ${watch100k.pods} pods, 30k configs: ready after ${(watch100k.readyMs / 1000).toFixed(1)} s, first verdict after ${((watch100k.firstVerdictMs ?? NaN) / 1000).toFixed(1)} s; p50 ${watch100k.p50Ms} ms, p99 ${watch100k.p99Ms} ms (target < 200 ms); RSS ${watch100k.rssStartMb} MB after start-up (target ≤ 1024 MB), ${watch100k.rssAfterEventsMb} MB after ${watch100k.events} events (${watch100k.rssGrowth}×, target ≤ 1.1×)`);
}
if (timelineResult) {
  console.log(`watch --timeline, ${timelineResult.pods} pods: p50 ${timelineResult.p50Ms} ms, p99 ${timelineResult.p99Ms} ms (target < 200 ms) over ${timelineResult.verdictsSeen} edits; ${timelineResult.timelineWrites} timeline saves in ${timelineResult.runSeconds} s (${timelineResult.timelineWritesPer10s} per 10 s besides the one on exit, target ≤ 1); RSS ${timelineResult.rssStartMb} → ${timelineResult.rssAfterEventsMb} MB (${timelineResult.rssGrowth}×, target ≤ 1.2×)`);
}
const results = { machine: { cpus: cpus().length, availableParallelism: cores, defaultJobs: defaultThreads, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version }, runs, rows, watch: watchResult ?? null, watchTimeline: timelineResult ?? null, watch100k: watch100k ?? null };
writeFileSync(join(root, 'test', 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
