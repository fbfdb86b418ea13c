import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { connectToCluster, readCluster } from '../../src/sources/cluster/index.js';
import { FakeApiServer } from '../helpers/fake-api-server.js';
import { runCli } from '../helpers/cli.js';
import { reloaderObjects } from '../helpers/reloader.js';
import { BIN, fixture, REPO_ROOT } from '../helpers/paths.js';

const DUMP = fixture('demo', 'cluster-dump.json');
const NOW = '2026-11-24T16:00:00Z';
const dumpItems = () => (JSON.parse(readFileSync(DUMP, 'utf8')) as { items: Record<string, unknown>[] }).items;

/** The document without what names the source: origins, and how Secret keys were learned (data in a dump, managedFields live). */
function withoutOrigins(text: string): unknown {
  const document = JSON.parse(text);
  delete document.source;
  return JSON.parse(JSON.stringify(document, (key, value) => (key === 'origin' ? null : key === 'keysFrom' && value === 'managedFields' ? 'data' : value)));
}

describe('[E] live cluster source against the fake API server', () => {
  let server: FakeApiServer;
  let kubeconfig: string;
  let reloaderFile: string;
  before(async () => {
    // A Reloader runs, so that what it restarts is protected on the cluster as on the files (where one is assumed).
    server = await new FakeApiServer([...dumpItems(), ...reloaderObjects()]).start();
    kubeconfig = server.kubeconfig({ namespace: 'shop' });
    reloaderFile = join(mkdtempSync(join(tmpdir(), 'kstale-reloader-')), 'reloader.json');
    writeFileSync(reloaderFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: reloaderObjects() }));
  });
  after(() => server.stop());
  const cli = (args: string[]) => runCli([...args, '--kubeconfig', kubeconfig, '--now', NOW]);

  it('graph and who-uses give the same JSON from the cluster as from the dump file', async () => {
    for (const args of [['graph', '-A', '-o', 'json'], ['who-uses', 'secret/db-credentials', '-n', 'shop', '-o', 'json'], ['audit', '-A', '-o', 'json']]) {
      const fromCluster = await cli(args);
      const fromFile = await runCli([...args, '-f', DUMP, '-f', reloaderFile, '--now', NOW]);
      // audit's warnings about what it judged go to stderr, from both sources alike.
      assert.equal(fromCluster.stderr, fromFile.stderr, args.join(' '));
      assert.deepEqual(withoutOrigins(fromCluster.stdout), withoutOrigins(fromFile.stdout), args.join(' '));
      assert.equal(fromCluster.code, fromFile.code);
    }
  });

  it('Secret keys learned from managedFields (live, metadata only) are exactly the keys of the full dump', async () => {
    const live = JSON.parse((await cli(['graph', '-A', '-o', 'json'])).stdout) as { configs: { kind: string; keys: string[]; keysFrom: string }[] };
    const secrets = live.configs.filter((config) => config.kind === 'Secret');
    assert.ok(secrets.length > 10);
    assert.ok(secrets.every((secret) => secret.keysFrom === 'managedFields'));
    const dump = JSON.parse((await runCli(['graph', '-A', '-o', 'json', '-f', DUMP, '--now', NOW])).stdout) as typeof live;
    assert.deepEqual(secrets.map((secret) => secret.keys), dump.configs.filter((config) => config.kind === 'Secret').map((secret) => secret.keys));
  });

  it('ReplicaSets are listed as metadata (only their owners matter); one without a controller is fetched whole', async () => {
    server.add({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'bare', namespace: 'shop', uid: 'bare-rs' }, spec: { template: { spec: { containers: [{ name: 'app', image: 'x', envFrom: [{ configMapRef: { name: 'storefront-config' } }] }] } } } });
    server.requests.length = 0;
    const graph = JSON.parse((await cli(['graph', '-o', 'json'])).stdout) as { workloads: { ref: string }[]; references: { workload: string; config: string }[] };
    const rsList = server.requests.find((request) => request.path === '/apis/apps/v1/namespaces/shop/replicasets')!;
    assert.match(String(rsList.headers.accept), /as=PartialObjectMetadataList/);
    assert.deepEqual(server.requests.filter((request) => request.path.startsWith('/apis/apps/v1/namespaces/shop/replicasets/')).map((request) => request.path), ['/apis/apps/v1/namespaces/shop/replicasets/bare']);
    assert.ok(graph.references.some((reference) => reference.workload === 'ReplicaSet/shop/bare' && reference.config === 'ConfigMap/shop/storefront-config'));
    server.remove('ReplicaSet', 'shop', 'bare');
  });

  it('audit from the cluster finds the same stale pods as from the dump', async () => {
    const run = await cli(['audit', '-A']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^8 of 9 running pods stale in 6 workloads/);
  });

  it('Secrets are read as metadata only; no request asks for Secret values', async () => {
    server.requests.length = 0;
    await cli(['graph', '-A']);
    const secretLists = server.requests.filter((request) => request.path.endsWith('/secrets'));
    assert.ok(secretLists.length > 0);
    for (const request of secretLists) assert.match(String(request.headers.accept), /as=PartialObjectMetadataList;g=meta\.k8s\.io;v=v1/);
  });

  it('without -n the context namespace is read; -n reads one namespace; -A reads cluster-wide lists', async () => {
    // Finding Reloader looks cluster-wide for its meta-info ConfigMap and reads its Deployment.
    // and reads the value timeline ConfigMap where kstale watch keeps it (kstale/kstale-timeline).
    const isReloaderDiscovery = (request: { path: string; query: Record<string, string> }) => request.query.labelSelector === 'reloader.stakater.com/meta-info=reloader' || request.path.startsWith('/apis/apps/v1/namespaces/reloader/') || request.path === '/api/v1/namespaces/kstale/configmaps/kstale-timeline';
    const lists = () => server.requests.filter((request) => request.path !== '/version' && request.path !== '/apis' && !isReloaderDiscovery(request));
    server.requests.length = 0;
    await cli(['graph']);
    assert.ok(lists().every((request) => request.path.includes('/namespaces/shop/')), lists().map((request) => request.path).join('\n'));
    server.requests.length = 0;
    await cli(['graph', '-n', 'payments']);
    assert.ok(lists().every((request) => request.path.includes('/namespaces/payments/')));
    server.requests.length = 0;
    await cli(['graph', '-A']);
    assert.ok(lists().every((request) => !request.path.includes('/namespaces/')));
  });

  it('-l goes to the server for workloads and pods, never for configs', async () => {
    server.requests.length = 0;
    await cli(['audit', '-A', '-l', 'app=storefront']);
    const withSelector = server.requests.filter((request) => request.query.labelSelector === 'app=storefront').map((request) => request.path.split('/').pop());
    assert.ok(withSelector.includes('pods') && withSelector.includes('deployments'));
    assert.ok(!server.requests.some((request) => /configmaps|secrets/.test(request.path) && request.query.labelSelector && request.query.labelSelector !== 'reloader.stakater.com/meta-info=reloader'));
  });

  it('-l names the same top workload live as on files: a Deployment labelled only in its template is fetched by name', async () => {
    const live = JSON.parse((await cli(['audit', '-A', '-l', 'app=storefront', '-o', 'json'])).stdout) as { staleWorkloads: { workload: string }[]; workloads: { ref: string }[] };
    const fromFile = JSON.parse((await runCli(['audit', '-A', '-l', 'app=storefront', '-o', 'json', '-f', DUMP, '--now', NOW])).stdout) as typeof live;
    assert.deepEqual(live.staleWorkloads.map((entry) => entry.workload), ['Deployment/shop/storefront']);
    assert.deepEqual(live.workloads.map((workload) => workload.ref), fromFile.workloads.map((workload) => workload.ref));
  });

  it('an API server older than 1.25 gets a warning about same-manager edits (kubernetes#109576)', async () => {
    server.version = { major: '1', minor: '24', gitVersion: 'v1.24.17' };
    try {
      const run = await cli(['graph', '-A']);
      assert.equal(run.stderr, 'kstale: warning: the API server is v1.24.17: before 1.25, an edit by the manager that already owned a key does not move its managedFields time, so such edits may be missed\n');
    } finally {
      server.version = { major: '1', minor: '31', gitVersion: 'v1.31.0' };
    }
  });

  it('without -n, who-uses asks about the context namespace it read (shop), as kubectl would', async () => {
    const run = await cli(['who-uses', 'secret/db-credentials', '-o', 'json']);
    assert.deepEqual(JSON.parse(run.stdout).query.namespace, 'shop');
    assert.equal(JSON.parse(run.stdout).references.length, 5);
  });

  it('an unknown --context lists the known ones', async () => {
    const run = await runCli(['graph', '--kubeconfig', kubeconfig, '--context', 'prod']);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'kstale: error: context "prod" is not in the kubeconfig\n  hint: known contexts: fake\n');
  });
});

describe('[E] large lists come gzipped, as from kube-apiserver', () => {
  // 300 ConfigMaps of 1 KiB: one page is over the 128 KiB past which the server compresses.
  const items = [...dumpItems(), ...reloaderObjects(), ...Array.from({ length: 300 }, (_, index) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bulk-${index}`, namespace: 'shop', creationTimestamp: '2026-11-20T08:00:00Z' }, data: { blob: 'x'.repeat(1024) } }))];
  let server: FakeApiServer;
  before(async () => {
    server = await new FakeApiServer(items).start();
  });
  after(() => server.stop());

  it('every read asks for gzip; a compressed list gives the same answer as the same objects in a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstale-gzip-'));
    const file = join(dir, 'dump.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const live = await runCli(['graph', '-A', '-o', 'json', '--kubeconfig', server.kubeconfig(), '--now', NOW]);
    const fromFile = await runCli(['graph', '-A', '-o', 'json', '-f', file, '--now', NOW]);
    assert.equal(live.stderr, '');
    assert.ok(server.gzipped > 0, 'some answer was compressed');
    assert.ok(server.requests.filter((request) => request.method === 'GET').every((request) => /gzip/.test(String(request.headers['accept-encoding']))));
    assert.deepEqual(withoutOrigins(live.stdout), withoutOrigins(fromFile.stdout));
    assert.equal((JSON.parse(live.stdout) as { configs: unknown[] }).configs.length, (JSON.parse(fromFile.stdout) as { configs: unknown[] }).configs.length);
  });

  it('an answer that does not inflate is one line naming the request, exit 2', async () => {
    server.corruptGzip = true;
    try {
      const run = await runCli(['graph', '-A', '--kubeconfig', server.kubeconfig(), '--now', NOW]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^kstale: error: the gzipped answer to GET \/api\/v1\/configmaps on context "fake" does not inflate: .+\n$/);
    } finally {
      server.corruptGzip = false;
    }
  });
});

describe('[E] cluster failures are handled', () => {
  let server: FakeApiServer;
  before(async () => {
    server = await new FakeApiServer(dumpItems()).start();
  });
  after(() => server.stop());
  const connect = (options: { token?: string; timeoutMs?: number } = {}) =>
    connectToCluster({ kubeconfig: server.kubeconfig({ token: options.token }), env: {}, timeoutMs: options.timeoutMs ?? 5000, retryBaseMs: 5, maxRetryAfterMs: 50 });

  it('lists page by page with limit and continue, and restart once on 410 Gone', async () => {
    const { client } = await connect();
    server.requests.length = 0;
    server.expireNextContinue = true;
    // One list at a time: pods come first, page 2 of pods meets the 410 and the list restarts.
    const { objects } = await readCluster(client, { namespaces: ['shop'], secretKeys: false, pageSize: 2, concurrency: 1 });
    const podLists = server.requests.filter((request) => request.path === '/api/v1/namespaces/shop/pods');
    assert.ok(podLists.every((request) => request.query.limit === '2'));
    assert.ok(podLists.some((request) => request.query.continue));
    assert.equal(podLists.filter((request) => !request.query.continue).length, 2, 'the list started over once');
    assert.equal(objects.filter((object) => object.kind === 'Pod').length, 6, 'no pod twice, none lost');
  });

  it('a 403 on Secrets is a warning; who-uses of a ConfigMap is still answered (read-only identity)', async () => {
    server.forbidden.add('secrets');
    try {
      const run = await runCli(['who-uses', 'cm/storefront-config', '-n', 'shop', '--kubeconfig', server.kubeconfig(), '--now', NOW]);
      assert.equal(run.code, 0);
      assert.equal(run.stderr, 'kstale: warning: cannot list secrets in namespace shop: Secret references are shown but not checked for existence or change times\n');
      assert.match(run.stdout, /deployment\/storefront/);
    } finally {
      server.forbidden.clear();
    }
  });

  it('who-uses of a Secret when Secrets cannot be listed is no answer: exit 2, one line with what to try', async () => {
    server.forbidden.add('secrets');
    try {
      const run = await runCli(['who-uses', 'secret/db-credentials', '-n', 'shop', '--kubeconfig', server.kubeconfig(), '--now', NOW]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /kstale: error: cannot list secrets in namespace shop \(forbidden\): who-uses secret\/db-credentials needs them, so there is no answer\n  hint: run kstale auth/);
      assert.equal(run.stdout, '');
    } finally {
      server.forbidden.clear();
    }
  });

  it('an API group the server does not serve is skipped quietly; CronJobs fall back to batch/v1beta1', async () => {
    server.notServed.add('argoproj.io/v1alpha1/rollouts');
    server.notServed.add('batch/v1/cronjobs');
    try {
      const { client } = await connect();
      server.requests.length = 0;
      const { problems } = await readCluster(client, { namespaces: null, secretKeys: false });
      assert.deepEqual(problems, []);
      assert.ok(server.requests.some((request) => request.path === '/apis/batch/v1beta1/cronjobs'));
    } finally {
      server.notServed.clear();
    }
  });

  it('429 with Retry-After and 5xx are retried; a 5xx that persists is an error naming the request', async () => {
    const { client } = await connect();
    server.failures.push({ match: /\/configmaps$/, status: 429, retryAfter: '1', times: 1 }, { match: /\/pods$/, status: 503, times: 2 });
    const { objects } = await readCluster(client, { namespaces: ['shop'], secretKeys: false });
    assert.ok(objects.some((object) => object.kind === 'ConfigMap') && objects.some((object) => object.kind === 'Pod'));
    server.failures.push({ match: /\/pods$/, status: 500, times: 10 });
    await assert.rejects(readCluster(client, { namespaces: ['shop'], secretKeys: false }), /GET \/api\/v1\/namespaces\/shop\/pods on context "fake" failed: 500 injected failure/);
    server.failures.length = 0;
  });

  it('expired credentials (401) say to log in again', async () => {
    const run = await runCli(['graph', '--kubeconfig', server.kubeconfig({ token: 'expired' })]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^kstale: error: the API server rejected the credentials of context "fake" \(401 Unauthorized\)\n  hint: they may have expired/);
  });

  it('a slow server hits --request-timeout with a clear error', async () => {
    server.delayMs = 500;
    try {
      const run = await runCli(['graph', '--kubeconfig', server.kubeconfig(), '--request-timeout', '2s']);
      assert.equal(run.code, 0, 'a 0.5 s answer fits in 2 s');
      const slow = await runCli(['graph', '--kubeconfig', server.kubeconfig(), '--request-timeout', '200ms']);
      assert.equal(slow.code, 2);
      assert.match(slow.stderr, /^kstale: error: GET \/\S+ on context "fake" got no answer within 0\.2s\n  hint: /);
    } finally {
      server.delayMs = 0;
    }
  });

  it('an unreachable server is one line naming the context', async () => {
    const dead = await new FakeApiServer().start();
    const kubeconfig = dead.kubeconfig({ context: 'gone' });
    await dead.stop();
    const run = await runCli(['graph', '--kubeconfig', kubeconfig]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^kstale: error: cannot reach the API server http:\/\/127\.0\.0\.1:\d+ of context "gone": ECONNREFUSED\n/);
  });

  it('TLS: a self-signed server is refused unless the kubeconfig says insecure-skip-tls-verify', async () => {
    const tls = await new FakeApiServer(dumpItems()).start({ tls: true });
    try {
      const refused = await runCli(['graph', '--kubeconfig', tls.kubeconfig()]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /^kstale: error: TLS verification of the API server https:\/\/127\.0\.0\.1:\d+ of context "fake" failed/);
      const accepted = await runCli(['graph', '--kubeconfig', tls.kubeconfig({ insecure: true }), '-A']);
      assert.equal(accepted.code, 0);
    } finally {
      await tls.stop();
    }
  });
});

describe('[E] kstale auth', () => {
  it('reports each read and patch the identity may make, and prints the minimal ClusterRole', async () => {
    const server = await new FakeApiServer().start();
    server.forbidden.add('secrets');
    server.forbidden.add('patch:daemonsets');
    try {
      const run = await runCli(['auth', '--kubeconfig', server.kubeconfig({ namespace: 'shop' })]);
      assert.equal(run.code, 1, 'a denied read exits 1');
      assert.match(run.stdout, /^list\s+secrets\s+shop\s+no\s+reading$/m);
      assert.match(run.stdout, /^list\s+pods\s+shop\s+yes\s+reading$/m);
      assert.match(run.stdout, /^patch\s+daemonsets\.apps\s+shop\s+no\s+restart$/m);
      assert.match(run.stdout, /kind: ClusterRole\nmetadata:\n  name: kstale-reader/);
      assert.match(run.stdout, /^watch\s+pods\s+shop\s+yes\s+kstale watch$/m);
      assert.match(run.stdout, /^list\s+configmaps\s+\(all\)\s+yes\s+finding Reloader \(all namespaces\)$/m);
      assert.equal(server.requests.filter((request) => request.method === 'POST').length, 33, '13 lists, 13 watches, get secrets, 2 to find Reloader, 4 patches');
      assert.ok(server.requests.every((request) => request.method === 'GET' || request.path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'));
    } finally {
      await server.stop();
    }
  });
});

describe('[E] client-node is loaded only for exec plugins and auth providers', () => {
  const command = (args: string[]) => [['--import', `${REPO_ROOT}/test/helpers/forbid-client-node.mjs`, BIN, ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent-home', NO_COLOR: '1' } }] as const;
  const run = (args: string[]) => spawnSync(process.execPath, command(args)[0], { ...command(args)[1], encoding: 'utf8' });
  /** The fake server runs in this process: a live call must not block its event loop. */
  const runLive = (args: string[]) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, command(args)[0], { ...command(args)[1], stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (status) => resolve({ status, stderr }));
    });
  let server: FakeApiServer;
  before(async () => {
    server = await new FakeApiServer(dumpItems()).start();
  });
  after(() => server.stop());

  it('--help, lint, -f runs and token kubeconfigs never import it', async () => {
    assert.equal(run(['--help']).status, 0);
    assert.equal(run(['graph', '-f', 'fixtures/demo/manifests']).status, 0);
    assert.equal(run(['lint', 'fixtures/demo/manifests']).status, 0);
    const live = await runLive(['graph', '-A', '--kubeconfig', server.kubeconfig()]);
    assert.equal(live.status, 0, live.stderr);
  });

  it('kstale --help loads no command, renderer or parser: only commander and the catalog', () => {
    const help = spawnSync(process.execPath, ['--import', `${REPO_ROOT}/test/helpers/list-imports.mjs`, BIN, '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(help.status, 0);
    const loaded = help.stderr.split('\n').filter((line) => line.startsWith('import: ')).map((line) => line.slice('import: '.length).replace(/^.*?\/(dist|node_modules)\//, '$1/'));
    assert.ok(loaded.some((url) => url.startsWith('node_modules/commander/')), loaded.join('\n'));
    assert.deepEqual(loaded.filter((url) => /js-yaml|cli-table3|chalk|dist\/(report|analyses|graph|extract|sources)\/|dist\/cli\/commands\/(?!catalog)/.test(url)), []);
  });

  it('an exec-plugin kubeconfig does (so the check above can fail), and works through it', async () => {
    const kubeconfig = server.kubeconfig({ exec: true });
    assert.match((await runLive(['graph', '-A', '--kubeconfig', kubeconfig])).stderr, /kstale imported @kubernetes\/client-node/);
    const viaExec = await runCli(['graph', '-A', '--kubeconfig', kubeconfig, '-o', 'json']);
    assert.equal(viaExec.code, 0, viaExec.stderr);
    assert.equal(JSON.parse(viaExec.stdout).workloads.length, 8);
  });

  it('a broken kubeconfig is one line naming the file and line', async () => {
    const broken = await runCli(['graph', '--kubeconfig', fixture('cluster', 'tls', 'README.md')]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /^kstale: error: cannot read kubeconfig \S+README\.md:2: [^\n]+\n$/);
  });
});
