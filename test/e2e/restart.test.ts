import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FakeApiServer } from '../helpers/fake-api-server.js';
import { reloaderObjects } from '../helpers/reloader.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';

const NOW = '2026-11-24T16:00:00Z';
const RESTARTED_AT = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': NOW } } } } };
const items = (file: string) => (JSON.parse(readFileSync(fixture(...file.split('/')), 'utf8')) as { items: Record<string, unknown>[] }).items;

describe('[E] kstale restart against the fake API server', () => {
  let server: FakeApiServer;
  let kubeconfig: string;
  beforeEach(async () => {
    server = await new FakeApiServer([...items('demo/cluster-dump.json'), ...items('restart/cluster.json'), ...reloaderObjects()]).start();
    kubeconfig = server.kubeconfig();
  });
  afterEach(() => server.stop());
  const restart = (args: string[], options: { answer?: string; interruptAfter?: number } = {}) => runCli(['restart', ...args, '--kubeconfig', kubeconfig, '--now', NOW], options);
  const patched = () => server.writes().filter((request) => request.method === 'PATCH').map((request) => request.path);

  it('--dry-run prints the plan and the exact patches and writes nothing', async () => {
    const run = await restart(['--affected', '-n', 'shop', '--dry-run']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Restart plan: 3 to restart, 0 skipped or refused\n/);
    assert.match(run.stdout, /PATCH Deployment\/shop\/storefront \(Content-Type: application\/strategic-merge-patch\+json\)\n  \{"spec":\{"template":\{"metadata":\{"annotations":\{"kubectl\.kubernetes\.io\/restartedAt":"2026-11-24T16:00:00Z"\}\}\}\}\}/);
    assert.deepEqual(server.writes(), []);
  });

  it('without a terminal and without --yes it refuses, exit 2, nothing written', async () => {
    const run = await restart(['--affected', '-n', 'shop']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /refusing to restart 3 workloads without confirmation: there is no terminal to ask on/);
    assert.deepEqual(server.writes(), []);
  });

  it('on a terminal it asks; "n" writes nothing, "y" restarts', async () => {
    const declined = await restart(['--affected', '-n', 'shop'], { answer: 'n' });
    assert.equal(declined.code, 1);
    assert.match(declined.stderr, /Restart 3 workloads in context "fake"\? \[y\/N\] Not confirmed: nothing was written\./);
    assert.deepEqual(server.writes(), []);
    const confirmed = await restart(['--affected', '-n', 'shop'], { answer: 'y' });
    assert.equal(confirmed.code, 0);
    assert.equal(patched().length, 3);
  });

  it('a protected workload still stale past --protection-grace is planned: its protector missed the change', async () => {
    const run = await restart(['--affected', '-n', 'payments', '--dry-run']);
    assert.match(run.stdout, /payments\s+deployment\/gateway\s+restart\s+1\/1\s+.*reloader\s+protection failed: reloader has not restarted it since the change/);
    assert.deepEqual(server.writes(), []);
  });

  it('--yes sends kubectl rollout restart patches with the strategic-merge content type, and skips what Reloader restarts', async () => {
    // Within the grace period Reloader may still be about to restart it.
    const run = await restart(['--affected', '-A', '--yes', '--exclude', 'deployment/needs-token', '--protection-grace', '2h']);
    assert.equal(run.code, 0, run.stderr);
    const writes = server.writes().filter((request) => request.path.includes('/shop/') || request.path.includes('/payments/') || request.path.includes('/monitoring/'));
    assert.deepEqual(writes.map((request) => request.path).sort(), [
      '/apis/apps/v1/namespaces/monitoring/daemonsets/node-agent',
      '/apis/apps/v1/namespaces/payments/deployments/fraud-check',
      '/apis/apps/v1/namespaces/shop/deployments/checkout',
      '/apis/apps/v1/namespaces/shop/deployments/storefront',
      '/apis/apps/v1/namespaces/shop/statefulsets/postgres',
    ]);
    for (const request of writes) {
      assert.equal(request.headers['content-type'], 'application/strategic-merge-patch+json');
      assert.deepEqual(JSON.parse(request.body), RESTARTED_AT);
    }
    assert.match(run.stdout, /payments\s+deployment\/gateway\s+skipped\s+reloader already restarts it on change/);
  });

  it('patches carry fieldManager=kstale, so GitOps tools can tell kstale\'s restartedAt from their own fields', async () => {
    await restart(['--affected', '-n', 'shop', '--yes']);
    const patches = server.writes().filter((request) => request.method === 'PATCH');
    assert.equal(patches.length, 3);
    assert.ok(patches.every((request) => request.query.fieldManager === 'kstale'));
  });

  it('--wait fails a workload at once when its new pods cannot start, with the reason, and stops the rest', async () => {
    server.failingRollouts.set('checkout', 'CreateContainerConfigError');
    const started = Date.now();
    const run = await restart(['--affected', '-n', 'shop', '--yes', '--wait', '--timeout', '60s']);
    assert.ok(Date.now() - started < 20_000, 'not at the timeout');
    assert.equal(run.code, 1);
    assert.match(run.stdout, /deployment\/checkout\s+failed\s+patched \(restart requested\), but the rollout failed: pod checkout-new-\d+ container \w+: CreateContainerConfigError/);
    assert.match(run.stdout, /deployment\/storefront\s+not-started\s+stopped after Deployment\/shop\/checkout failed/);
  });

  it('--wait rides out API-server errors while following a rollout (retried until --timeout, as kubectl rollout status does)', async () => {
    server.failures.push({ match: /\/deployments\/storefront$/, method: 'GET', status: 503, times: 4 });
    const run = await restart(['--affected', '-n', 'shop', '--yes', '--wait', '--timeout', '60s', '--exclude', 'deployment/checkout', '--exclude', 'statefulset/postgres']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /deployment\/storefront\s+restarted\s+rolled out/);
  });

  it('after the restart a fresh audit finds nothing stale in the restarted workloads', async () => {
    await restart(['--affected', '-n', 'shop', '--yes', '--wait']);
    const audit = await runCli(['audit', '-n', 'shop', '--kubeconfig', kubeconfig, '--now', '2026-11-24T16:10:00Z']);
    assert.match(audit.stdout, /^0 of 6 running pods stale in 0 workloads/);
    assert.equal(audit.code, 0);
  });

  it('preflight refuses a workload whose required Secret is missing (it would crash-loop); --force overrides', async () => {
    const refused = await restart(['--affected', '-n', 'ops', '--yes']);
    assert.match(refused.stdout, /deployment\/needs-token\s+refuse\s+1\/1\s+.*would crash-loop: required Secret\/ops\/api-token does not exist/);
    assert.ok(!patched().some((path) => path.endsWith('/needs-token')));
    assert.equal(refused.code, 1, 'a refusal needs attention');
    const forced = await restart(['--affected', '-n', 'ops', '--yes', '--force']);
    assert.ok(patched().some((path) => path.endsWith('/needs-token')), forced.stdout);
  });

  it('paused Deployments, OnDelete StatefulSets and 0-replica workloads are skipped with the reason; Argo Rollouts get spec.restartAt', async () => {
    const run = await restart(['--uses', 'cm/app-config', '-n', 'ops', '--yes', '--exclude', 'deployment/needs-token']);
    assert.match(run.stdout, /deployment\/paused\s+skipped\s+the Deployment is paused/);
    assert.match(run.stdout, /statefulset\/queue\s+skipped\s+updateStrategy OnDelete: pods must be deleted/);
    assert.match(run.stdout, /deployment\/scaled-down\s+skipped\s+0 replicas: nothing runs/);
    assert.match(run.stdout, /deployment\/needs-token\s+skipped\s+excluded with --exclude/);
    const rollout = server.writes().find((request) => request.path === '/apis/argoproj.io/v1alpha1/namespaces/ops/rollouts/canary')!;
    assert.equal(rollout.headers['content-type'], 'application/merge-patch+json');
    assert.deepEqual(JSON.parse(rollout.body), { spec: { restartAt: NOW } });
  });

  it('--delete-pods-on-delete-strategy deletes the stale pods of an OnDelete StatefulSet', async () => {
    await restart(['--affected', '-n', 'ops', '--yes', '--delete-pods-on-delete-strategy', '--exclude', 'needs-token']);
    assert.deepEqual(server.writes().filter((request) => request.method === 'DELETE').map((request) => request.path), ['/api/v1/namespaces/ops/pods/queue-p1']);
  });

  it('a 409 conflict is read again and retried once', async () => {
    server.failures.push({ match: /\/deployments\/storefront$/, method: 'PATCH', status: 409, times: 1 });
    const run = await restart(['--uses', 'cm/storefront-config', '-n', 'shop', '--yes']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const storefront = server.requests.filter((request) => request.path.endsWith('/deployments/storefront')).map((request) => request.method);
    assert.deepEqual(storefront, ['PATCH', 'GET', 'PATCH']);
  });

  it('a 403 names the missing verb and stops the run; --continue-on-error goes on', async () => {
    server.forbidden.add('patch:deployments');
    const run = await restart(['--affected', '-n', 'shop', '--yes']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /deployment\/checkout\s+failed\s+cannot patch deployments\.apps in namespace shop \(403 Forbidden: the identity lacks the "patch" verb\)/);
    assert.match(run.stdout, /statefulset\/postgres\s+not-started\s+stopped after Deployment\/shop\/checkout failed/);
    const goOn = await restart(['--affected', '-n', 'shop', '--yes', '--continue-on-error']);
    assert.match(goOn.stdout, /statefulset\/postgres\s+restarted/);
  });

  it('--wait follows each rollout; one that does not finish in --timeout fails and stops the run', async () => {
    server.stuckRollouts.add('checkout');
    const run = await restart(['--affected', '-n', 'shop', '--yes', '--wait', '--timeout', '300ms']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /deployment\/checkout\s+failed\s+patched \(restart requested\), but rollout not finished after 0\.3s/);
    assert.match(run.stdout, /deployment\/storefront\s+not-started/);
    assert.match(run.stderr, /Deployment\/shop\/checkout: restart requested/);
  });

  it('--annotate leaves an audit trail on the pod template', async () => {
    await restart(['--uses', 'secret/db-credentials', '--key', 'password', '-n', 'shop', '--yes', '--annotate']);
    const body = JSON.parse(server.writes().find((request) => request.path.endsWith('/statefulsets/postgres'))!.body);
    assert.equal(body.spec.template.metadata.annotations['kstale.io/restarted-for'], 'Secret/shop/db-credentials:password');
  });

  it('Ctrl-C stops before the next workload and says what was not restarted', async () => {
    server.delayMs = 50;
    const run = await restart(['--affected', '-n', 'shop', '--yes'], { interruptAfter: 1 });
    assert.match(run.stdout, /not-started\s+interrupted/);
    assert.ok(patched().length < 3);
  });

  it('with -f only --dry-run is possible', async () => {
    const run = await runCli(['restart', '--affected', '-f', fixture('demo', 'cluster-dump.json')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /restart writes to a cluster: with -f only --dry-run is possible/);
  });
});
