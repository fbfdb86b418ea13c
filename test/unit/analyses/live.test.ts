import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LiveState, watchEvents } from '../../../src/analyses/live.js';
import { loadManifests } from '../../../src/sources/manifests/index.js';
import type { K8sObject } from '../../../src/model/object.js';
import { fixture } from '../../helpers/paths.js';

const OPTIONS = { now: '2026-11-24T16:00:00Z', syncPeriodMs: 90_000 };
const demo = () => loadManifests([fixture('demo', 'cluster-dump.json')], { defaultNamespace: 'default' }).objects;

/** A copy of an object with its decoded JSON changed, as the next version from a watch would be. */
function edited(object: K8sObject, change: (raw: { metadata: { labels?: object; annotations?: object; resourceVersion?: string }; data?: object }) => void): K8sObject {
  const raw = JSON.parse(JSON.stringify(object.raw));
  change(raw);
  return { ...object, raw };
}

function loaded(objects: readonly K8sObject[]): LiveState {
  const state = new LiveState();
  for (const kind of new Set(objects.map((object) => object.kind))) state.reset(kind, null, objects.filter((object) => object.kind === kind));
  state.judgeAll(OPTIONS);
  return state;
}

describe('[U] live state of kstale watch', () => {
  it('after the initial lists it agrees with audit on the demo dump (6 stale workloads)', () => {
    const state = loaded(demo());
    assert.deepEqual(state.staleWorkloads().map((verdict) => [verdict.workload, verdict.stalePods, verdict.pods]), [
      ['DaemonSet/monitoring/node-agent', 1, 1],
      ['Deployment/payments/fraud-check', 1, 1],
      ['Deployment/payments/gateway', 1, 1],
      ['Deployment/shop/checkout', 2, 2],
      ['Deployment/shop/storefront', 2, 2],
      ['StatefulSet/shop/postgres', 1, 1],
    ]);
  });

  it('a config change touches only the pods that read it; a pod change only that pod', () => {
    const objects = demo();
    const state = loaded(objects);
    const config = objects.find((object) => object.kind === 'ConfigMap' && object.name === 'gateway-config')!;
    const touched = state.apply('MODIFIED', edited(config, (raw) => (raw.data = { ...raw.data, NEW_KEY: '' })));
    // gateway-config is read by the pods of gateway and fraud-check only
    assert.deepEqual([...touched.pods].map((ref) => ref.split('/')[2]!.replace(/-[^-]+-[^-]+$/, '')).sort(), ['fraud-check', 'gateway']);
    const pod = objects.find((object) => object.kind === 'Pod' && object.namespace === 'shop')!;
    assert.equal(state.apply('MODIFIED', edited(pod, (raw) => (raw.metadata.labels = { ...raw.metadata.labels, rolled: 'yes' }))).pods.size, 1);
  });

  it('an event that changes nothing kept (a status heartbeat: a new resourceVersion, conditions slimmed away) touches nothing', () => {
    const objects = demo();
    const state = loaded(objects);
    const pod = objects.find((object) => object.kind === 'Pod' && object.name.startsWith('node-agent'))!;
    const before = state.staleWorkloads();
    const heartbeat = edited(pod, (raw) => (raw.metadata.resourceVersion = '999999'));
    assert.deepEqual(state.apply('MODIFIED', heartbeat), { pods: new Set(), workloads: new Set() });
    const config = objects.find((object) => object.kind === 'ConfigMap' && object.name === 'gateway-config')!;
    assert.equal(state.apply('MODIFIED', edited(config, (raw) => (raw.metadata.resourceVersion = '999999'))).pods.size, 0);
    assert.deepEqual(state.judge({ pods: new Set(), workloads: new Set() }, OPTIONS), { workloads: [], missing: [] });
    assert.deepEqual(state.staleWorkloads(), before);
    // A change under metadata other than resourceVersion is a change.
    assert.equal(state.apply('MODIFIED', edited(heartbeat, (raw) => (raw.metadata.annotations = { 'kstale.io/x': 'y' }))).pods.size, 1);
  });

  it('a pod restarted after the change is Fresh; the config edited again is Stale again', () => {
    const objects = demo();
    const state = loaded(objects);
    const pod = objects.find((object) => object.kind === 'Pod' && object.name.startsWith('node-agent'))!;
    const raw = JSON.parse(JSON.stringify(pod.raw));
    for (const status of raw.status.containerStatuses) status.state = { running: { startedAt: '2026-11-24T15:30:00Z' } };
    const events = watchEvents(state.judge(state.apply('MODIFIED', { ...pod, raw }), OPTIONS), OPTIONS.now);
    assert.deepEqual(events.map((event) => [event.type, event.workload, event.config, event.key]), [['Fresh', 'DaemonSet/monitoring/node-agent', 'ConfigMap/monitoring/agent-config', 'labels.yaml']]);
    assert.ok(!state.staleWorkloads().some((verdict) => verdict.workload === 'DaemonSet/monitoring/node-agent'));
  });

  it('memory of the indexes follows the objects: deleting them leaves nothing behind', () => {
    const objects = demo();
    const state = loaded(objects);
    for (const object of objects) state.apply('DELETED', object);
    state.judgeAll(OPTIONS);
    assert.deepEqual([state.staleWorkloads(), state.missing(), state.count('Pod'), state.configs.size, state.controllerOf.size, state.extracted.size], [[], [], 0, 0, 0, 0]);
  });
});
