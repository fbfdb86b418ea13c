import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FakeApiServer } from '../helpers/fake-api-server.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { WatchProcess } from '../helpers/watch-process.js';

const items = () => (JSON.parse(readFileSync(fixture('timeline', 'app-cfg.json'), 'utf8')) as { items: Record<string, any>[] }).items;
const NOW = '2026-11-24T16:00:00Z';

type Stale = { pod: string; workload: string; key: string | null; precision: string };

describe('[E] exact staleness: watch keeps a value timeline, audit reads it (issue 24)', () => {
  let server: FakeApiServer;
  let kubeconfig: string;
  /** A write through the API by one manager, at the server's clock: managedFields move as the real server moves them. */
  const put = async (at: string, change: (configMap: Record<string, any>) => void) => {
    server.clock = at;
    const current = structuredClone(server.objectsOf('ConfigMap').find((object) => object.metadata.name === 'app-cfg')!);
    change(current);
    const response = await fetch(`${server.url}/api/v1/namespaces/vals/configmaps/app-cfg?fieldManager=helm`, { method: 'PUT', headers: { Authorization: 'Bearer test-token', 'Content-Type': 'application/json' }, body: JSON.stringify(current) });
    assert.equal(response.status, 200, await response.text());
  };
  const audit = async (args: string[]) => JSON.parse((await runCli(['audit', '-n', 'vals', '-o', 'json', '--kubeconfig', kubeconfig, '--now', NOW, ...args])).stdout) as { stale: Stale[]; source: { timeline?: { configMap: string } } };
  const staleRows = (document: { stale: Stale[] }) => document.stale.map((entry) => `${entry.workload} ${entry.key} ${entry.precision}`).sort();

  before(async () => {
    server = await new FakeApiServer(items()).start();
    server.bookmarkMs = 100;
    kubeconfig = server.kubeconfig({ namespace: 'vals' });
  });
  after(() => server.stop());

  it('through a label-only re-apply, A changed, C changed and back: watch calls only the reader of A stale, and the reader of C ends fresh', async () => {
    const watch = new WatchProcess(['-n', 'vals', '-o', 'json', '--timeline', 'vals/kstale-timeline', '--kubeconfig', kubeconfig, '--now', NOW, '--watch-seconds', '30']);
    try {
      await watch.until('the watch to start', () => /watching|serving|value timeline/.test(watch.stderr) || server.requests.some((request) => request.query.watch === 'true' || request.query.watch === '1'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await put('2026-11-24T13:00:00Z', (cm) => (cm.metadata.labels.chart = 'app-1.0.1'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(watch.events(), [], 'a label-only edit is no change of any value');
      await put('2026-11-24T13:10:00Z', (cm) => (cm.data.A = '2'));
      await watch.until('the Stale event of ra', () => watch.events().some((event) => event.type === 'Stale'));
      await put('2026-11-24T13:20:00Z', (cm) => (cm.data.C = '2'));
      await watch.until('the Stale event of rc', () => watch.events().some((event) => event.type === 'Stale' && event.workload.endsWith('/rc')));
      await put('2026-11-24T13:30:00Z', (cm) => (cm.data.C = '1'));
      await watch.until('the Fresh event of rc', () => watch.events().some((event) => event.type === 'Fresh'));
      assert.deepEqual(watch.events().map((event) => `${event.type} ${event.workload} ${event.key} ${event.precision ?? ''}`.trim()), [
        'Stale Deployment/vals/ra A exact',
        'Stale Deployment/vals/rc C exact',
        'Fresh Deployment/vals/rc C',
      ]);
    } finally {
      watch.child.kill('SIGTERM');
      assert.equal(await watch.exit, 0, watch.stderr);
    }
    const saved = server.objectsOf('ConfigMap').find((object) => object.metadata.name === 'kstale-timeline');
    assert.ok(saved, 'written on exit');
    assert.ok(!/"(1|2)"/.test(saved.data['timeline.json']) || JSON.parse(saved.data['timeline.json']).kind === 'ValueTimeline');
  });

  it('after watch exits, audit --timeline lists exactly the reader of A, precision exact; without it the manager\'s clock calls all three stale', async () => {
    const exact = await audit(['--timeline', 'vals/kstale-timeline']);
    assert.deepEqual(staleRows(exact), ['Deployment/vals/ra A exact']);
    assert.equal(exact.source.timeline?.configMap, 'vals/kstale-timeline');
    const byClock = await audit(['--no-timeline']);
    assert.deepEqual(staleRows(byClock), ['Deployment/vals/ra A manager', 'Deployment/vals/rb B manager', 'Deployment/vals/rc C manager']);
  });

  it('a write after the timeline was saved falls back to managedFields for every key its manager owns, and says so by the precision', async () => {
    await put('2026-11-24T16:30:00Z', (cm) => (cm.data.B = '7'));
    const later = JSON.parse((await runCli(['audit', '-n', 'vals', '-o', 'json', '--kubeconfig', kubeconfig, '--now', '2026-11-24T17:00:00Z', '--timeline', 'vals/kstale-timeline'])).stdout) as { stale: Stale[] };
    // helm owns A, B and C: its time moved past the save, so no key of it can be judged by the saved values.
    assert.deepEqual(staleRows(later), ['Deployment/vals/ra A manager', 'Deployment/vals/rb B manager', 'Deployment/vals/rc C manager']);
  });

  it('the timeline holds no value and no digest of one', () => {
    const text = server.objectsOf('ConfigMap').find((object) => object.metadata.name === 'kstale-timeline')!.data['timeline.json'] as string;
    const document = JSON.parse(text);
    assert.equal(document.kind, 'ValueTimeline');
    assert.deepEqual(Object.keys(document.configs['ConfigMap/vals/app-cfg'].keys).sort(), ['A', 'B', 'C']);
    assert.ok(!/digest|sha256|[A-Za-z0-9+/]{40,}=/.test(text), text);
  });
});
