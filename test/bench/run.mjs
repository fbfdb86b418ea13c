// `npm run bench`: kstale against kubectl on the same fake API server, lint against js-yaml alone,
// who-uses latency and peak RSS, for several estate sizes. Medians over --runs (default 5).
// Usage: node test/bench/run.mjs [--sizes 1000,5000,20000] [--runs 5]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const sizes = option('--sizes', '1000,5000,20000').split(',').map(Number);
const runs = Number(option('--runs', '5'));
const hasTime = existsSync('/usr/bin/time');
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs a command `runs` times: median wall time (ms) and the largest peak RSS (MB). */
function measure(command, commandArgs) {
  const times = [];
  const rss = [];
  for (let i = 0; i < runs; i++) {
    const wrapped = hasTime ? ['/usr/bin/time', ['-f', '%M', command, ...commandArgs]] : [command, commandArgs];
    const start = process.hrtime.bigint();
    const result = spawnSync(wrapped[0], wrapped[1], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0 && result.status !== 1) throw new Error(`${command} ${commandArgs.join(' ')}: exit ${result.status}\n${result.stderr}`);
    if (hasTime) rss.push(Number(result.stderr.trim().split('\n').pop()) / 1024);
  }
  return { ms: Math.round(median(times)), rssMb: rss.length ? Math.round(Math.max(...rss)) : null };
}

async function serve(dump) {
  const child = spawn(process.execPath, ['test/bench/serve.mjs', dump], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const kubeconfig = await new Promise((resolve) => child.stdout.once('data', (data) => resolve(String(data).trim())));
  return { kubeconfig, stop: () => child.kill('SIGTERM') };
}

const results = { machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version }, runs, sizes: {} };
for (const pods of sizes) {
  const dir = join(root, 'test', 'bench', 'out', String(pods));
  if (!existsSync(join(dir, 'dump.json'))) spawnSync(process.execPath, ['test/bench/generate.mjs', '--pods', String(pods), '--out', dir], { cwd: root, stdio: 'inherit' });
  const server = await serve(join(dir, 'dump.json'));
  const cluster = ['--kubeconfig', server.kubeconfig, '-A', '-o', 'json'];
  const row = {};
  try {
    const cacheDir = mkdtempSync(join(tmpdir(), 'kstale-bench-kubectl-'));
    row.kubectl = hasKubectl ? measure('kubectl', ['--kubeconfig', server.kubeconfig, '--cache-dir', cacheDir, 'get', 'pods,rs,deploy,sts,ds,jobs,cronjobs,cm,secrets', '-A', '-o', 'json']) : null;
    row.graph = measure(process.execPath, ['bin/kstale.js', 'graph', ...cluster]);
    row.audit = measure(process.execPath, ['bin/kstale.js', 'audit', ...cluster, '--exit-zero']);
  } finally {
    server.stop();
  }
  row.parse = measure(process.execPath, ['test/bench/parse-baseline.mjs', join(dir, 'manifests')]);
  row.lint = measure(process.execPath, ['bin/kstale.js', 'lint', join(dir, 'manifests'), '-o', 'json']);
  row.whoUses = measure(process.execPath, ['bin/kstale.js', 'who-uses', 'cm/cfg-1', '-n', 'team-0', '-f', join(dir, 'dump.json')]);
  row.whoUsesQuery = JSON.parse(spawnSync(process.execPath, ['test/bench/who-uses-query.mjs', join(dir, 'dump.json')], { cwd: root, encoding: 'utf8' }).stdout);
  results.sizes[pods] = row;
  console.error(`measured ${pods} pods`);
}

const ratio = (a, b) => (a && b ? (a.ms / b.ms).toFixed(2) : 'n/a');
const rows = [['pods', 'kubectl get (ms)', 'graph (ms)', 'audit (ms)', 'audit/kubectl', 'audit RSS (MB)', 'parse (ms)', 'lint (ms)', 'lint/parse', 'who-uses (ms)', 'query (ms)']];
for (const [pods, row] of Object.entries(results.sizes)) {
  rows.push([pods, row.kubectl?.ms ?? 'skipped', row.graph.ms, row.audit.ms, ratio(row.audit, row.kubectl), row.audit.rssMb ?? 'n/a', row.parse.ms, row.lint.ms, ratio(row.lint, row.parse), row.whoUses.ms, row.whoUsesQuery.perQueryMs]);
}
const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
for (const row of rows) console.log(row.map((cell, column) => String(cell).padEnd(widths[column])).join('  '));
if (results.sizes[5000] && results.sizes[20000]) console.log(`growth 20k/5k (audit): ${(results.sizes[20000].audit.ms / results.sizes[5000].audit.ms).toFixed(2)}`);
if (!hasKubectl) console.log('kubectl is not installed: its column is skipped.');
writeFileSync(join(root, 'test', 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
