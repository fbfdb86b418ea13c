import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FakeApiServer } from '../helpers/fake-api-server.js';
import { fixture } from '../helpers/paths.js';
import { WatchProcess, type WatchEvent as Event } from '../helpers/watch-process.js';


const items = (file: string) => (JSON.parse(readFileSync(fixture(...file.split('/')), 'utf8')) as { items: Record<string, any>[] }).items;
const clone = <T>(value: T): T => structuredClone(value);

const eventKey = (event: Event) => `${event.type} ${event.workload} ${event.config}${event.key === null ? '' : `:${event.key}`}`;

describe('[E] kstale watch against the fake API server (list, watch, bookmarks, 410, reconnect)', () => {
  let server: FakeApiServer;
  let watch: WatchProcess;
  let metrics: string;
  const secret = () => clone(server.objectsOf('Secret').find((object) => object.metadata.name === 'db-creds')!);
  const pod = (name: string) => clone(server.objectsOf('Pod').find((object) => object.metadata.name.startsWith(`${name}-`))!);
  const scrape = async (path = '/metrics') => {
    const response = await fetch(`${metrics}${path}`);
    return { status: response.status, text: await response.text() };
  };

  before(async () => {
    server = await new FakeApiServer(items('restart/rotated-secret.json')).start();
    server.bookmarkMs = 100;
    server.forbidden.add('ingresses');
    watch = new WatchProcess(['-n', 'billing', '-o', 'json', '--kubeconfig', server.kubeconfig({ namespace: 'billing' }), '--metrics-addr', '127.0.0.1:0', '--now', '2026-11-24T16:00:00Z', '--watch-seconds', '30']);
    metrics = await watch.metricsUrl();
  });
  after(async () => {
    watch.child.kill('SIGKILL');
    await server.stop();
  });

  it('prints the current state once: stale workloads and the missing key', async () => {
    await watch.until('the initial state', () => watch.events().length >= 4);
    assert.deepEqual(watch.events().map(eventKey).sort(), [
      'Missing Deployment/billing/api Secret/billing/db-creds:user',
      'Stale Deployment/billing/api Secret/billing/db-creds:password',
      'Stale Deployment/billing/legacy Secret/billing/legacy-token:token',
      'Stale Deployment/billing/worker Secret/billing/db-creds:password',
    ]);
    const first = watch.events()[0]!;
    assert.deepEqual([first.apiVersion, first.kind, first.time], ['kstale/v1', 'WatchEvent', '2026-11-24T16:00:00Z']);
  });

  it('a 403 on one resource is a warning; the rest is watched', () => {
    assert.match(watch.stderr, /warning: cannot list ingresses\.networking\.k8s\.io in namespace billing/);
  });

  it('/metrics has a series per stale workload and reference and per missing key; /healthz and /readyz answer', async () => {
    await watch.until('readiness', async () => (await scrape('/readyz')).status === 200);
    const { text } = await scrape();
    assert.match(text, /^kstale_stale_pods\{namespace="billing",kind="Deployment",workload="worker"\} 1$/m);
    assert.match(text, /^kstale_stale_references\{namespace="billing",kind="Deployment",workload="worker",config_kind="Secret",config="db-creds",key="password",protected_by=""\} 1$/m);
    assert.match(text, /^kstale_stale_since_seconds\{namespace="billing",kind="Deployment",workload="worker"\} 14400$/m);
    assert.match(text, /^kstale_missing_references\{namespace="billing",config_kind="Secret",config="db-creds",key="user",required="true"\} 1$/m);
    assert.match(text, /^kstale_objects\{resource="pods"\} 3$/m);
    assert.equal((await scrape('/healthz')).status, 200);
  });

  it('rolling the workload makes it Fresh and removes its series', async () => {
    const rolled = pod('worker');
    rolled.status.containerStatuses[0].state = { running: { startedAt: '2026-11-24T15:00:00Z' } };
    server.update(rolled);
    await watch.until('Fresh worker', () => watch.events().some((event) => event.type === 'Fresh' && event.workload === 'Deployment/billing/worker'));
    const { text } = await scrape();
    assert.doesNotMatch(text, /workload="worker"/);
    assert.match(text, /^kstale_watch_events_total\{resource="pods"\} 1$/m);
  });

  it('the key coming back is Found; deleting a key is Missing (never Fresh)', async () => {
    const restored = secret();
    restored.metadata.managedFields.push({ manager: 'kubectl-edit', operation: 'Update', apiVersion: 'v1', time: '2026-11-24T12:30:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:user': {} } } });
    server.update(restored);
    await watch.until('Found user', () => watch.events().some((event) => eventKey(event) === 'Found Deployment/billing/api Secret/billing/db-creds:user'));
    const dropped = secret();
    dropped.metadata.managedFields = [{ manager: 'rotator', operation: 'Apply', apiVersion: 'v1', time: '2026-11-24T13:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:stringData': { 'f:user': {} } } }];
    server.update(dropped);
    await watch.until('Missing password', () => watch.events().some((event) => eventKey(event) === 'Missing Deployment/billing/worker Secret/billing/db-creds:password'));
    assert.ok(!watch.events().some((event) => event.type === 'Fresh' && event.workload === 'Deployment/billing/api'), `a stale reference that became missing is not announced as fresh:\n${watch.stdout}`);
  });

  it('a dropped connection and a 410 relist: no verdict lost, none repeated', async () => {
    const before = watch.events().length;
    // The connection drops, a change happens while kstale is away, and the server forgets the
    // history before it: kstale's resourceVersion is too old, so it must relist to see it.
    server.dropWatches();
    const legacy = pod('legacy');
    legacy.status.containerStatuses[0].state = { running: { startedAt: '2026-11-24T15:30:00Z' } };
    server.update(legacy);
    server.compact();
    await watch.until('Fresh legacy after the relist', () => watch.events().some((event) => eventKey(event) === 'Fresh Deployment/billing/legacy Secret/billing/legacy-token:token'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = watch.events().slice(before);
    assert.deepEqual(after.map(eventKey), ['Fresh Deployment/billing/legacy Secret/billing/legacy-token:token']);
    const { text } = await scrape();
    assert.match(text, /^kstale_watch_restarts_total\{resource="pods",reason="expired"\} [1-9]/m);
  });

  it('SIGTERM ends it cleanly with exit 0', async () => {
    watch.child.kill('SIGTERM');
    assert.equal(await watch.exit, 0, watch.stderr);
  });
});

describe('[E] kstale watch --restart-after: safe auto-restart, off by default', () => {
  const start = async (extra: string[]) => {
    const server = await new FakeApiServer(items('restart/rotated-secret.json')).start();
    const watch = new WatchProcess(['-n', 'billing', '-o', 'json', '--kubeconfig', server.kubeconfig({ namespace: 'billing' }), '--now', '2026-11-24T16:00:00Z', ...extra]);
    return { server, watch };
  };

  it('restarts the stale, unprotected workload once; refuses the one whose key is missing and the one whose keys cannot be verified', async () => {
    const { server, watch } = await start(['--restart-after', '1s', '--yes']);
    try {
      await watch.until('the restart', () => /restart: Deployment\/billing\/worker: restarted/.test(watch.stderr));
      await watch.until('the refusals', () => /Deployment\/billing\/api: refused: would crash-loop: required Secret\/billing\/db-creds key user does not exist/.test(watch.stderr) && /Deployment\/billing\/legacy: refused: whether required Secret\/billing\/legacy-token key token exists cannot be known/.test(watch.stderr));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.deepEqual(server.writes().map((request) => `${request.method} ${request.path}`), ['PATCH /apis/apps/v1/namespaces/billing/deployments/worker']);
      assert.equal(server.writes()[0]!.headers['content-type'], 'application/strategic-merge-patch+json');
      await watch.until('Fresh worker', () => watch.events().some((event) => event.type === 'Fresh' && event.workload === 'Deployment/billing/worker'));
    } finally {
      watch.child.kill('SIGTERM');
      await watch.exit;
      await server.stop();
    }
  });

  it('--dry-run logs what it would do and writes nothing; without --yes it refuses to start', async () => {
    const { server, watch } = await start(['--restart-after', '1s', '--dry-run']);
    try {
      await watch.until('the dry run', () => /restart: Deployment\/billing\/worker: would restart \(dry run\)/.test(watch.stderr));
      assert.deepEqual(server.writes(), []);
    } finally {
      watch.child.kill('SIGTERM');
      await watch.exit;
      await server.stop();
    }
    const { server: second, watch: unconfirmed } = await start(['--restart-after', '1s']);
    try {
      assert.equal(await unconfirmed.exit, 2);
      assert.match(unconfirmed.stderr, /--restart-after restarts workloads unattended: add --yes/);
    } finally {
      await second.stop();
    }
  });
});
