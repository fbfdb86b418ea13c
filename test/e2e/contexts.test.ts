import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { FakeApiServer } from '../helpers/fake-api-server.js';
import { runCli } from '../helpers/cli.js';
import { BIN, fixture } from '../helpers/paths.js';

const NOW = '2026-11-24T16:00:00Z';
const items = (file: string) => (JSON.parse(readFileSync(fixture(...file.split('/')), 'utf8')) as { items: Record<string, any>[] }).items;

/** One kubeconfig, three contexts: two fake API servers and one that nothing answers. */
function kubeconfigFor(stale: FakeApiServer, healthy: FakeApiServer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kstale-contexts-')), 'config');
  const cluster = (name: string, server: string) => `- name: ${name}\n  cluster:\n    server: ${server}`;
  const context = (name: string, namespace: string) => `- name: ${name}\n  context:\n    cluster: ${name}\n    user: tester\n    namespace: ${namespace}`;
  writeFileSync(path, [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    cluster('prod-eu', stale.url),
    cluster('prod-us', healthy.url),
    cluster('gone', 'http://127.0.0.1:9'),
    'users:',
    '- name: tester\n  user:\n    token: test-token',
    'contexts:',
    context('prod-eu', 'billing'),
    context('prod-us', 'billing'),
    context('gone', 'billing'),
    'current-context: prod-eu',
    '',
  ].join('\n'));
  return path;
}

describe('[E] many clusters at once: --context a,b and --all-contexts', () => {
  let stale: FakeApiServer;
  let healthy: FakeApiServer;
  let kubeconfig: string;
  before(async () => {
    stale = await new FakeApiServer(items('restart/rotated-secret.json')).start();
    // The same estate, every pod started after every change: nothing stale.
    const fresh = items('restart/rotated-secret.json').map((item) => (item.kind === 'Pod' ? { ...item, status: { ...item.status, containerStatuses: [{ name: 'app', ready: true, state: { running: { startedAt: '2026-11-24T15:00:00Z' } } }] } } : item));
    healthy = await new FakeApiServer(fresh.filter((item) => !String(item.metadata.name).startsWith('api'))).start();
    kubeconfig = kubeconfigFor(stale, healthy);
  });
  after(async () => {
    await stale.stop();
    await healthy.stop();
  });
  const cli = (args: string[]) => runCli([...args, '--kubeconfig', kubeconfig, '--now', NOW, '--request-timeout', '2s']);

  it('-o json: a List with each answered context and an error for the unreachable one; exit 2', async () => {
    const run = await cli(['audit', '--context', 'prod-eu,prod-us', '--context', 'gone', '-o', 'json']);
    assert.equal(run.code, 2);
    const list = JSON.parse(run.stdout) as { apiVersion: string; kind: string; items: { context: string; kind: string; summary: { stalePods: number } }[]; errors: { context: string; message: string }[] };
    assert.deepEqual([list.apiVersion, list.kind], ['kstale/v1', 'List']);
    assert.deepEqual(list.items.map((item) => [item.context, item.kind, item.summary.stalePods]), [['prod-eu', 'Audit', 3], ['prod-us', 'Audit', 0]]);
    assert.deepEqual(list.errors.map((error) => error.context), ['gone']);
    assert.match(list.errors[0]!.message, /cannot reach the API server http:\/\/127\.0\.0\.1:9 of context "gone"/);
    assert.match(run.stderr, /^kstale: error: context "gone": cannot reach/m);
  });

  it('tables get a leading CONTEXT column; nothing is missing from the contexts that answered', async () => {
    const run = await cli(['audit', '--all-contexts']);
    assert.equal(run.code, 2);
    assert.match(run.stdout, /^prod-eu: 3 of 3 running pods stale in 3 workloads/m);
    assert.match(run.stdout, /^prod-us: 0 of 2 running pods stale in 0 workloads/m);
    assert.match(run.stdout, /^CONTEXT\s+NAMESPACE\s+WORKLOAD\s+STALE PODS/m);
    assert.match(run.stdout, /^prod-eu\s+billing\s+deployment\/worker\s+1\/1/m);
    assert.match(run.stdout, /^gone: not answered: cannot reach/m);
  });

  it('who-uses and graph take several contexts too; with one context the output is exactly as before', async () => {
    const whoUses = await cli(['who-uses', 'secret/db-creds', '--context', 'prod-eu,prod-us', '-o', 'json']);
    assert.equal(whoUses.code, 0, whoUses.stderr);
    assert.deepEqual((JSON.parse(whoUses.stdout) as { items: { context: string; references: unknown[] }[] }).items.map((item) => [item.context, item.references.length]), [['prod-eu', 3], ['prod-us', 1]]);
    const one = await cli(['graph', '--context', 'prod-eu', '-o', 'json']);
    const plain = await cli(['graph', '-o', 'json']);
    assert.equal(one.stdout, plain.stdout);
    assert.equal(JSON.parse(one.stdout).kind, 'Graph');
  });

  it('restart across contexts: one plan with a CONTEXT column, one confirmation, preflight per context', async () => {
    const run = await runCli(['restart', '--affected', '--context', 'prod-eu,prod-us', '--kubeconfig', kubeconfig, '--now', NOW], { answer: 'y' });
    assert.equal(run.code, 1, 'refusals need attention');
    assert.match(run.stdout, /^prod-eu: Restart plan: 1 to restart, 2 skipped or refused\nCONTEXT\s+NAMESPACE\s+WORKLOAD\s+ACTION/m);
    assert.match(run.stdout, /^prod-eu\s+billing\s+deployment\/api\s+refuse/m);
    assert.match(run.stdout, /^prod-us: Restart plan: 0 to restart, 0 skipped or refused/m);
    assert.equal(run.stderr.match(/\[y\/N\]/g)?.length, 1);
    assert.match(run.stderr, /Restart 1 workload in contexts "prod-eu"\? \[y\/N\]/);
    assert.deepEqual(stale.writes().map((request) => `${request.method} ${request.path}`), ['PATCH /apis/apps/v1/namespaces/billing/deployments/worker']);
    assert.deepEqual(healthy.writes(), []);
    assert.match(run.stdout, /^prod-eu\s+billing\s+deployment\/worker\s+restarted/m);
  });

  it('watch several contexts: events carry the context, metrics get a context label, one unreachable context is one line', async () => {
    const child = spawn(process.execPath, [BIN, 'watch', '--context', 'prod-eu,prod-us,gone', '-o', 'json', '--kubeconfig', kubeconfig, '--now', NOW, '--request-timeout', '2s', '--metrics-addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const deadline = Date.now() + 10_000;
      while (!/serving metrics on (\S+)\/metrics/.test(stderr) || stdout.split('\n').filter(Boolean).length < 3) {
        if (Date.now() > deadline) throw new Error(`timed out\n${stdout}\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const events = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { context: string; type: string; workload: string });
      assert.ok(events.every((event) => event.context === 'prod-eu'), stdout);
      assert.match(stderr, /kstale: error: context "gone": cannot reach/);
      const metricsUrl = /serving metrics on (\S+)\/metrics/.exec(stderr)![1];
      const text = await (await fetch(`${metricsUrl}/metrics`)).text();
      // (worker was restarted by the test before: api and legacy are the stale ones now)
      assert.match(text, /^kstale_stale_pods\{context="prod-eu",namespace="billing",kind="Deployment",workload="api"\} 1$/m);
      assert.match(text, /^kstale_objects\{context="prod-us",resource="pods"\} 2$/m);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exit, 2, 'a context that could not be watched');
  });
});
