import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FakeApiServer } from '../helpers/fake-api-server.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { WatchProcess } from '../helpers/watch-process.js';

const NOW = '2026-11-24T16:00:00Z';
const items = () => (JSON.parse(readFileSync(fixture('restart', 'rotated-secret.json'), 'utf8')) as { items: Record<string, any>[] }).items;
const OLD = 'new-password';
const NEW = 'hunter2-rotated-again';

/** Every form in which a value could leak: itself, base64 (as the API carries it), and unkeyed hashes of it. */
function leaksOf(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [value, bytes.toString('base64'), createHash('sha256').update(bytes).digest('hex'), createHash('sha256').update(bytes).digest('base64'), createHash('sha1').update(bytes).digest('hex'), createHash('md5').update(bytes).digest('hex')];
}

describe('[E] watch --secret-values: Secrets judged by values, and no value (or unkeyed hash) anywhere (issue 24)', () => {
  let server: FakeApiServer;
  before(async () => {
    server = await new FakeApiServer(items()).start();
    server.bookmarkMs = 100;
    // A pod that started after the last rotation: holds the current password.
    server.add({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'fresh', namespace: 'billing', uid: 'd-fresh' }, spec: { replicas: 1, selector: { matchLabels: { app: 'fresh' } }, template: { metadata: { labels: { app: 'fresh' } }, spec: { containers: [{ name: 'app', image: 'x', env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } } }] }] } } } });
    server.add({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fresh-1', namespace: 'billing', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'fresh', uid: 'd-fresh', controller: true }] }, spec: { containers: [{ name: 'app', image: 'x', env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } } }] }] }, status: { phase: 'Running', containerStatuses: [{ name: 'app', state: { running: { startedAt: '2026-11-24T13:00:00Z' } } }] } });
  });
  after(() => server.stop());

  it('a rotation makes the pod that held the old value stale (exact); nothing prints, serves or stores a value', async () => {
    const watch = new WatchProcess(['-n', 'billing', '-o', 'json', '--secret-values', '--timeline', 'billing/kstale-timeline', '--metrics-addr', '127.0.0.1:0', '--kubeconfig', server.kubeconfig({ namespace: 'billing' }), '--now', NOW, '--watch-seconds', '30']);
    let metrics = '';
    try {
      const url = await watch.metricsUrl();
      await watch.until('the initial state', () => watch.events().length >= 3);
      server.clock = '2026-11-24T14:00:00Z';
      const secret = structuredClone(server.objectsOf('Secret').find((object) => object.metadata.name === 'db-creds')!);
      secret.data = { password: Buffer.from(NEW).toString('base64') };
      const response = await fetch(`${server.url}/api/v1/namespaces/billing/secrets/db-creds?fieldManager=rotator`, { method: 'PUT', headers: { Authorization: 'Bearer test-token', 'Content-Type': 'application/json' }, body: JSON.stringify(secret) });
      assert.equal(response.status, 200);
      const stale = await watch.until('the fresh pod to turn stale', () => watch.events().find((event) => event.type === 'Stale' && event.workload === 'Deployment/billing/fresh'));
      assert.equal(stale.precision, 'exact');
      metrics = await (await fetch(`${url}/metrics`)).text();
    } finally {
      watch.child.kill('SIGTERM');
      await watch.exit;
    }
    const timeline = server.objectsOf('ConfigMap').find((object) => object.metadata.name === 'kstale-timeline')?.data?.['timeline.json'] as string;
    assert.ok(timeline.includes('Secret/billing/db-creds'), 'Secret keys are in the timeline, as ids and times');
    const audit = await runCli(['audit', '-n', 'billing', '-o', 'json', '--timeline', 'billing/kstale-timeline', '--kubeconfig', server.kubeconfig({ namespace: 'billing' }), '--now', NOW]);
    const explain = await runCli(['explain', 'deployment/fresh', '-n', 'billing', '--kubeconfig', server.kubeconfig({ namespace: 'billing' }), '--now', NOW]);
    const everything = { stdout: watch.stdout, stderr: watch.stderr, metrics, timeline, audit: audit.stdout + audit.stderr, explain: explain.stdout + explain.stderr };
    for (const [where, text] of Object.entries(everything)) {
      for (const leak of [...leaksOf(OLD), ...leaksOf(NEW)]) assert.ok(!text.includes(leak), `${where} holds a form of a Secret value (${leak})`);
    }
    assert.match(audit.stdout, /"workload": "Deployment\/billing\/fresh"[\s\S]*"precision": "exact"/);
  });
});
