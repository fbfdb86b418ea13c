import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { runCli } from '../helpers/cli.js';
import { BIN, REPO_ROOT, fixture } from '../helpers/paths.js';

const NOW = '2026-11-24T16:00:00Z';
const DUMP = fixture('demo', 'cluster-dump.json');

/** `kstale ARGS | head -1` in a shell with pipefail: the exit code of kstale, not of head. */
function throughHead(args: string[]): { code: number; stdout: string; stderr: string } {
  const quoted = [process.execPath, BIN, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  const run = spawnSync('bash', ['--norc', '--noprofile', '-c', `set -o pipefail; ${quoted} | head -c 10`], { cwd: REPO_ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

describe('[E] a newcomer\'s first hour (issue 25)', () => {
  it('a closed stdout (| head) ends quietly with the exit code the run would have had', () => {
    const lint = throughHead(['lint', 'fixtures/lint', '-o', 'json']);
    assert.equal(lint.code, 1, lint.stderr);
    assert.doesNotMatch(lint.stderr, /kstale|EPIPE|Error/);
    const graph = throughHead(['graph', '-f', 'fixtures/bad-input/one-bad-document.yaml', '-o', 'json']);
    assert.equal(graph.code, 2);
    const audit = throughHead(['audit', '-f', DUMP, '-A', '--now', NOW, '-o', 'json']);
    assert.equal(audit.code, 1);
  });

  it('tables keep every cell whole on a 100-column terminal, colours never split', async () => {
    const run = await runCli(['audit', '-f', DUMP, '-n', 'payments', '--now', NOW], { tty: true, columns: 100 });
    const lines = run.stdout.split('\n');
    assert.ok(lines.some((line) => /^NAMESPACE\s+WORKLOAD\s+STALE PODS\s+CONFIG\s+KEY\s+CHANGED\s+AGO\s+PRECISION\s+PROTECTED$/.test(line.replace(/\u001b\[[0-9;]*m/g, ''))), run.stdout);
    assert.match(run.stdout, /deployment\/fraud-check/);
    // eslint-disable-next-line no-control-regex
    assert.ok(!/\u001b(?!\[[0-9;]*m)/.test(run.stdout), 'every escape sequence whole');
  });

  it('no command prints a warning on stdout', async () => {
    const runs = [
      ['audit', '-f', 'fixtures/demo/manifests', '-A', '--now', NOW],
      ['who-uses', 'secret/db-credentials', '-f', 'fixtures/demo/manifests', '--now', NOW],
      ['who-uses', 'cm/app-config', '-n', 'shop', '-f', 'fixtures/graph/app.yaml', '--now', NOW],
      ['graph', '-f', 'fixtures/api-versions', '--now', NOW],
      ['impact', '-f', 'fixtures/demo/manifests', '--base', 'fixtures/demo/manifests', '--now', NOW],
      ['lint', 'fixtures/demo/manifests'],
      ['explain', 'deploy/gateway', '-n', 'payments', '-f', DUMP, '--now', NOW],
      ['restart', '--affected', '-f', DUMP, '-n', 'shop', '--dry-run', '--now', NOW],
    ];
    for (const args of runs) {
      const run = await runCli(args);
      assert.doesNotMatch(run.stdout, /^(kstale: )?warning:/m, args.join(' '));
    }
  });

  it('argument errors speak kstale\'s one style: one error line and a hint, exit 2', async () => {
    const unknown = await runCli(['aduit']);
    assert.deepEqual([unknown.code, unknown.stderr], [2, "kstale: error: unknown command 'aduit'\n  hint: did you mean audit?\n"]);
    const required = await runCli(['install']);
    assert.deepEqual([required.code, required.stderr], [2, "kstale: error: required option '--image <image>' not specified\n  hint: kstale install --help shows the usage\n"]);
    const both = await runCli(['restart', '--affected', '--uses', 'cm/x', '-f', DUMP]);
    assert.match(both.stderr, /^kstale: error: --affected and --uses exclude each other/);
  });

  it('a misspelled name in restart --uses is an error naming the near name', async () => {
    const run = await runCli(['restart', '--uses', 'cm/gateway-confg', '-n', 'payments', '--dry-run', '-f', DUMP, '--now', NOW]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /configmap "gateway-confg" not found in namespace payments.*\n  hint: did you mean configmap\/gateway-config\?/);
  });

  it('-l names the same top workload in every command, matched by its pod template\'s labels too', async () => {
    const audit = JSON.parse((await runCli(['audit', '-f', DUMP, '-A', '-l', 'app=storefront', '-o', 'json', '--now', NOW])).stdout) as { staleWorkloads: { workload: string }[]; summary: { unprotectedRestartReferences: number } };
    assert.deepEqual(audit.staleWorkloads.map((entry) => entry.workload), ['Deployment/shop/storefront']);
    const graph = JSON.parse((await runCli(['graph', '-f', DUMP, '-A', '-l', 'app=storefront', '-o', 'json', '--now', NOW])).stdout) as { workloads: { ref: string }[] };
    assert.deepEqual(graph.workloads.map((workload) => workload.ref), ['Deployment/shop/storefront']);
    const table = await runCli(['audit', '-f', DUMP, '-A', '-l', 'app=storefront', '--now', NOW]);
    assert.match(table.stdout, new RegExp(`${audit.summary.unprotectedRestartReferences} restart-needed references? unprotected`));
  });
});
