import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FakeApiServer } from '../helpers/fake-api-server.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';

const NOW = '2026-11-24T16:00:00Z';
const items = (file: string) => (JSON.parse(readFileSync(fixture(...file.split('/')), 'utf8')) as { items: Record<string, unknown>[] }).items;

/**
 * The live default path (Secrets read as metadata) after a force-conflicts server-side apply
 * dropped key `user` of Secret db-creds: the managedFields shape is the one a real server
 * records (one entry, manager rotator, f:stringData with the remaining key only).
 */
describe('[E] live path: Secret keys from managedFields, a restart that never starts a pod that cannot run', () => {
  let server: FakeApiServer;
  let kubeconfig: string;
  beforeEach(async () => {
    server = await new FakeApiServer(items('restart/rotated-secret.json')).start();
    kubeconfig = server.kubeconfig({ namespace: 'billing' });
  });
  afterEach(() => server.stop());
  const cli = (args: string[]) => runCli([...args, '--kubeconfig', kubeconfig, '--now', NOW]);
  const patched = () => server.writes().map((request) => `${request.method} ${request.path}`);

  it('audit: the dropped key is a missing key, never stale; the changed key is stale at key precision', async () => {
    const run = await cli(['audit', '-o', 'json']);
    assert.equal(run.code, 1);
    const document = JSON.parse(run.stdout);
    assert.deepEqual(document.missing.map((entry: { config: string; key: string; optional: boolean; runningPods: string[] }) => [entry.config, entry.key, entry.optional, entry.runningPods]), [
      ['Secret/billing/db-creds', 'user', false, ['Pod/billing/api-5f7d9-x1']],
    ]);
    assert.deepEqual(document.stale.map((entry: { pod: string; key: string; precision: string }) => [entry.pod, entry.key, entry.precision]), [
      ['Pod/billing/api-5f7d9-x1', 'password', 'key'],
      ['Pod/billing/legacy-5f7d9-x1', 'token', 'created'],
      ['Pod/billing/worker-5f7d9-x1', 'password', 'key'],
    ]);
    const db = document.configs.find((config: { ref: string }) => config.ref === 'Secret/billing/db-creds');
    assert.deepEqual([db.keys, db.keysFrom], [['password'], 'managedFields']);
    const legacy = document.configs.find((config: { ref: string }) => config.ref === 'Secret/billing/legacy-token');
    assert.deepEqual([legacy.keys, legacy.keysFrom], [[], null]);
    assert.deepEqual(document.unverified, [{ config: 'Secret/billing/legacy-token', key: 'token', reason: 'keys-unknown', runningPods: ['Pod/billing/legacy-5f7d9-x1'] }]);
    assert.ok(server.requests.filter((request) => request.path.endsWith('/secrets')).every((request) => /PartialObjectMetadataList/.test(String(request.headers.accept))));
  });

  it('who-uses and graph name the missing key too', async () => {
    const table = await cli(['who-uses', 'secret/db-creds']);
    assert.match(table.stdout, /^Secret billing\/db-creds \(1 key \(from managedFields\)\)/);
    assert.match(table.stderr, /warning: key user of Secret billing\/db-creds does not exist: pods that need it fail to start/);
    assert.match(table.stdout, /deployment\/api\s+app\s+user \(MISSING\)/);
    assert.deepEqual(JSON.parse((await cli(['who-uses', 'secret/db-creds', '-o', 'json'])).stdout).missing, [{ config: 'Secret/billing/db-creds', key: 'user', optional: false, referencedBy: ['Deployment/billing/api'] }]);
    const graph = JSON.parse((await cli(['graph', '-o', 'json'])).stdout);
    assert.deepEqual(graph.missing.map((entry: { config: string; key: string }) => `${entry.config}:${entry.key}`), ['Secret/billing/db-creds:user']);
  });

  it('restart --affected refuses the workload whose key is missing and the one whose key cannot be verified, and restarts the rest', async () => {
    const run = await cli(['restart', '--affected', '--yes']);
    assert.equal(run.code, 1, 'a refusal needs attention');
    assert.match(run.stdout, /deployment\/api\s+refuse\s+.*would crash-loop: required Secret\/billing\/db-creds key user does not exist/);
    assert.match(run.stdout, /deployment\/legacy\s+refuse\s+.*whether required Secret\/billing\/legacy-token key token exists cannot be known: the Secret was read as metadata without managedFields \(--secret-keys reads its key names\)/);
    assert.deepEqual(patched(), ['PATCH /apis/apps/v1/namespaces/billing/deployments/worker']);
  });

  it('--dry-run shows the same refusals and writes nothing', async () => {
    const run = await cli(['restart', '--affected', '--dry-run']);
    assert.match(run.stdout, /deployment\/api\s+refuse/);
    assert.match(run.stdout, /deployment\/legacy\s+refuse/);
    assert.match(run.stdout, /PATCH Deployment\/billing\/worker/);
    assert.doesNotMatch(run.stdout, /PATCH Deployment\/billing\/(api|legacy)/);
    assert.deepEqual(server.writes(), []);
  });

  it('--secret-keys makes the unknown keys known: the legacy workload restarts; --force overrides a refusal', async () => {
    await cli(['restart', '--affected', '--yes', '--secret-keys']);
    assert.deepEqual(patched().sort(), ['PATCH /apis/apps/v1/namespaces/billing/deployments/legacy', 'PATCH /apis/apps/v1/namespaces/billing/deployments/worker']);
    server.requests.length = 0;
    await cli(['restart', '--uses', 'secret/db-creds', '--yes', '--force']);
    assert.ok(patched().includes('PATCH /apis/apps/v1/namespaces/billing/deployments/api'));
  });

  it('Secrets that cannot be listed: every workload that needs one is refused, with what to do', async () => {
    server.forbidden.add('secrets');
    const run = await cli(['restart', '--uses', 'secret/db-creds', '--yes']);
    assert.match(run.stderr, /warning: cannot list secrets in namespace billing/);
    assert.match(run.stdout, /deployment\/api\s+refuse\s+.*whether required Secret\/billing\/db-creds key password, Secret\/billing\/db-creds key user exists cannot be known/);
    assert.match(run.stdout, /deployment\/worker\s+refuse\s+.*whether required Secret\/billing\/db-creds key password exists cannot be known: it could not be listed \(forbidden; kstale auth shows what to grant\)/);
    assert.deepEqual(server.writes(), []);
  });
});

describe('[E] forbidden is not "nothing found"', () => {
  let server: FakeApiServer;
  beforeEach(async () => {
    server = await new FakeApiServer(items('restart/rotated-secret.json')).start();
    server.readableNamespaces = new Set(['billing']);
  });
  afterEach(() => server.stop());
  const cli = (args: string[]) => runCli([...args, '--kubeconfig', server.kubeconfig({ namespace: 'billing' }), '--now', NOW]);

  it('audit -A with a namespace-scoped token: exit 2, one line saying what could not be read and what to try', async () => {
    const run = await cli(['audit', '-A']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /kstale: error: cannot list pods in any namespace \(forbidden\): audit needs them, so there is no answer\n  hint: try -n billing \(the context's namespace\), or run kstale auth to see what this identity may read\n$/);
  });

  it('restart -A the same: nothing planned, nothing written', async () => {
    const run = await cli(['restart', '--affected', '-A', '--yes']);
    assert.equal(run.code, 2);
    assert.deepEqual(server.writes(), []);
  });

  it('in the namespace it may read, the answer comes, and no group the server does not serve is asked for (no warning)', async () => {
    server.notServed.add('argoproj.io/v1alpha1/rollouts');
    const run = await cli(['audit']);
    // Only audit's own warnings about what it judged (on stderr), none about lists or groups.
    assert.doesNotMatch(run.stderr, /cannot list|forbidden|rollouts|not served/);
    assert.equal(run.code, 1);
    assert.ok(!server.requests.some((request) => request.path.includes('argoproj.io/v1alpha1/namespaces')), 'rollouts are never listed');
    assert.equal(server.requests.filter((request) => request.path === '/apis').length, 1, 'one discovery request');
  });

  it('audit that finds nothing stale but could not list Secrets exits 2: what was not read could change the answer', async () => {
    server.readableNamespaces = null;
    server.forbidden.add('secrets');
    const run = await cli(['audit', '-l', 'app=worker', '--exit-zero']);
    assert.match(run.stderr, /cannot be checked .*could not be listed \(forbidden\)/);
    assert.equal(run.code, 2);
  });
});
