import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeApiServer } from '../helpers/fake-api-server.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { reloaderObjects } from '../helpers/reloader.js';

const NOW = '2026-11-24T16:00:00Z';
const dumpItems = () => (JSON.parse(readFileSync(fixture('demo', 'cluster-dump.json'), 'utf8')) as { items: Record<string, unknown>[] }).items;

type WhoUses = { references: { workload: string; protectedBy: string | null }[] };
const gatewayProtection = (stdout: string) => [...new Set((JSON.parse(stdout) as WhoUses).references.filter((reference) => reference.workload === 'Deployment/payments/gateway').map((reference) => reference.protectedBy))];

describe('[E] "protected by reloader" only where a Reloader runs, with its options (issue 23)', () => {
  let server: FakeApiServer;
  before(async () => {
    server = await new FakeApiServer(dumpItems()).start();
  });
  after(() => server.stop());
  const whoUses = () => runCli(['who-uses', 'configmap/gateway-config', '-n', 'payments', '-o', 'json', '--kubeconfig', server.kubeconfig({ namespace: 'payments' }), '--now', NOW]);
  const withReloader = async (objects: Record<string, unknown>[], run: () => Promise<void>) => {
    for (const object of objects) server.add(object);
    try {
      await run();
    } finally {
      for (const object of objects) {
        const metadata = object.metadata as { name: string; namespace: string };
        server.remove(String(object.kind), metadata.namespace, metadata.name);
      }
    }
  };

  it('no Reloader runs: the annotated gateway is not protected, and that is said once on stderr', async () => {
    const run = await whoUses();
    assert.deepEqual(gatewayProtection(run.stdout), [null]);
    assert.equal(run.stderr, 'kstale: warning: 1 workload carries Reloader annotations, but no Reloader runs in this cluster: they are not protected\n');
  });

  it('a Reloader with default options runs: protected', async () => {
    await withReloader(reloaderObjects(), async () => {
      const run = await whoUses();
      assert.deepEqual(gatewayProtection(run.stdout), ['reloader']);
      assert.equal(run.stderr, '');
    });
  });

  it("the namespace is in the running Reloader's namespacesToIgnore: not protected", async () => {
    await withReloader(reloaderObjects({ reloaderOptions: { namespacesToIgnore: ['payments'] } }), async () => {
      assert.deepEqual(gatewayProtection((await whoUses()).stdout), [null]);
    });
  });

  it('a renamed auto annotation, a webhook instead of restarts, single-namespace mode elsewhere: not protected', async () => {
    for (const objects of [
      reloaderObjects({ reloaderOptions: { reloaderAutoAnnotation: 'example.com/auto' } }),
      reloaderObjects({ reloaderOptions: { webhookUrl: 'http://hooks.example/reload' } }),
      reloaderObjects({ env: [{ name: 'KUBERNETES_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }] }),
    ]) {
      await withReloader(objects, async () => {
        assert.deepEqual(gatewayProtection((await whoUses()).stdout), [null]);
      });
    }
  });

  it("Reloader's resource selector: a config without the label is not watched; with it, it is", async () => {
    await withReloader(reloaderObjects({ reloaderOptions: { resourceSelectors: ['reloader:enabled'] } }), async () => {
      assert.deepEqual(gatewayProtection((await whoUses()).stdout), [null]);
      const config = structuredClone(server.objectsOf('ConfigMap').find((object) => object.metadata.name === 'gateway-config')!);
      server.update({ ...config, metadata: { ...config.metadata, labels: { ...(config.metadata.labels ?? {}), reloader: 'enabled' } } });
      try {
        assert.deepEqual(gatewayProtection((await whoUses()).stdout), ['reloader']);
      } finally {
        server.update(config);
      }
    });
  });

  it("a namespace selector that cannot be checked (namespaces not listable) counts no protection, and says so", async () => {
    await withReloader(reloaderObjects({ reloaderOptions: { namespaceSelectors: ['team=payments'] } }), async () => {
      const run = await whoUses();
      assert.deepEqual(gatewayProtection(run.stdout), [null]);
      assert.match(run.stderr, /a Reloader watches only namespaces labelled team=payments, and namespaces cannot be listed/);
    });
  });

  it('a Reloader with no ready pod, or meta-info left behind by one that is gone: not protected', async () => {
    await withReloader(reloaderObjects({ readyReplicas: 0 }), async () => {
      const run = await whoUses();
      assert.deepEqual(gatewayProtection(run.stdout), [null]);
      assert.match(run.stderr, /Reloader's Deployment reloader\/reloader-reloader has no ready pod/);
    });
    await withReloader([reloaderObjects()[0]!], async () => {
      const run = await whoUses();
      assert.deepEqual(gatewayProtection(run.stdout), [null]);
      assert.match(run.stderr, /names Deployment reloader\/reloader-reloader, which does not exist/);
    });
  });

  it('whether a Reloader runs cannot be read: said plainly, and nothing is counted as protected', async () => {
    await withReloader(reloaderObjects(), async () => {
      server.readableNamespaces = new Set(['payments']);
      try {
        const run = await whoUses();
        assert.deepEqual(gatewayProtection(run.stdout), [null]);
        assert.match(run.stderr, /whether a Reloader runs cannot be told \(listing ConfigMaps labelled reloader.stakater.com\/meta-info in all namespaces is forbidden\)/);
      } finally {
        server.readableNamespaces = null;
      }
    });
  });

  it('on files a Reloader with default options is assumed, unless the tree holds a Reloader Deployment whose args say otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstale-reloader-files-'));
    const dump = fixture('demo', 'cluster-dump.json');
    const files = (extra: string[]) => runCli(['who-uses', 'configmap/gateway-config', '-n', 'payments', '-o', 'json', '-f', dump, ...extra, '--now', NOW]);
    assert.deepEqual(gatewayProtection((await files([])).stdout), ['reloader']);
    const ignoring = join(dir, 'reloader.json');
    writeFileSync(ignoring, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: reloaderObjects({ args: ['--namespaces-to-ignore=kube-system,payments'] }).slice(1) }));
    assert.deepEqual(gatewayProtection((await files(['-f', ignoring])).stdout), [null]);
    const defaults = join(dir, 'reloader-defaults.json');
    writeFileSync(defaults, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: reloaderObjects({ args: ['--log-format=json'] }).slice(1) }));
    assert.deepEqual(gatewayProtection((await files(['-f', defaults])).stdout), ['reloader']);
  });
});

describe('[E] kstale watch follows Reloader coming and going', () => {
  it('a Reloader installed while watching protects from then on; removed, it protects nothing', async () => {
    const server = await new FakeApiServer(dumpItems()).start();
    server.bookmarkMs = 100;
    const { WatchProcess } = await import('../helpers/watch-process.js');
    const watch = new WatchProcess(['-A', '-o', 'json', '--kubeconfig', server.kubeconfig(), '--metrics-addr', '127.0.0.1:0', '--now', NOW, '--watch-seconds', '30']);
    try {
      const url = await watch.metricsUrl();
      const gateway = async () => /kstale_stale_references\{[^}]*workload="gateway"[^}]*protected_by="([a-z-]*)"\}/.exec(await (await fetch(`${url}/metrics`)).text())?.[1];
      await watch.until('the initial state', () => watch.events().length > 0);
      assert.equal(await gateway(), '');
      for (const object of reloaderObjects()) server.add(object);
      await watch.until('Reloader to be seen', () => /Reloader runs: Reloader v1\.4\.21/.test(watch.stderr));
      assert.equal(await gateway(), 'reloader');
      server.remove('Deployment', 'reloader', 'reloader-reloader');
      await watch.until('Reloader to be gone', () => /Reloader no longer runs/.test(watch.stderr));
      assert.equal(await gateway(), '');
    } finally {
      watch.child.kill('SIGTERM');
      await watch.exit;
      await server.stop();
    }
  });
});
