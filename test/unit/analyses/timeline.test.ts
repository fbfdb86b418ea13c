import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ValueTimeline } from '../../../src/analyses/timeline.js';
import { shardTimeline } from '../../../src/actions/timeline.js';
import { buildGraph } from '../../../src/graph/build.js';
import { findStale } from '../../../src/analyses/staleness.js';
import type { K8sObject } from '../../../src/model/object.js';

const CM = 'ConfigMap/vals/app-cfg';
/** A config object with one manager entry owning `keys` at `time`. */
const raw = (time: string, keys: string[] = ['A', 'B', 'C']) => ({ metadata: { creationTimestamp: '2026-11-24T09:00:00Z', managedFields: [{ manager: 'helm', operation: 'Update', time, fieldsV1: { 'f:data': Object.fromEntries(keys.map((key) => [`f:${key}`, {}])), 'f:metadata': { 'f:labels': { 'f:chart': {} } } } }] } });
const digests = (values: Record<string, string>) => new Map(Object.entries(values).map(([key, value]) => [key, `digest-of-${value}`]));

describe('[U] value timeline: staleness by values, not by a manager\'s clock (issue 24)', () => {
  const watched = () => {
    const timeline = new ValueTimeline('2026-11-24T11:00:00Z');
    timeline.startWatching('2026-11-24T11:00:00Z');
    timeline.observe(CM, digests({ A: '1', B: '1', C: '1' }), raw('2026-11-24T10:00:00Z'), '2026-11-24T11:00:00Z');
    return timeline;
  };
  const started = '2026-11-24T12:00:00Z';

  it('a label-only edit (the manager\'s time moves) changes no version: every reader stays fresh', () => {
    const timeline = watched();
    assert.deepEqual(timeline.observe(CM, digests({ A: '1', B: '1', C: '1' }), raw('2026-11-24T13:00:00Z'), '2026-11-24T13:00:05Z'), []);
    for (const key of ['A', 'B', 'C']) assert.deepEqual(timeline.judge(CM, key, started, raw('2026-11-24T13:00:00Z')), { stale: false, changedAt: '' });
  });

  it('A changed: the reader of A is stale since the write (the owning entry\'s new time), the reader of B is not', () => {
    const timeline = watched();
    assert.deepEqual(timeline.observe(CM, digests({ A: '2', B: '1', C: '1' }), raw('2026-11-24T13:10:00Z'), '2026-11-24T13:10:02Z'), ['A']);
    assert.deepEqual(timeline.judge(CM, 'A', started, raw('2026-11-24T13:10:00Z')), { stale: true, changedAt: '2026-11-24T13:10:00Z' });
    assert.deepEqual(timeline.judge(CM, 'B', started, raw('2026-11-24T13:10:00Z')), { stale: false, changedAt: '' });
    assert.deepEqual(timeline.judge(CM, null, started, raw('2026-11-24T13:10:00Z')), { stale: true, changedAt: '2026-11-24T13:10:00Z' }, 'envFrom reads every key');
    assert.deepEqual(timeline.judge(CM, 'A', '2026-11-24T14:00:00Z', raw('2026-11-24T13:10:00Z')), { stale: false, changedAt: '' }, 'started after the change');
  });

  it('A→B→A ends fresh for a container that started with A; one that started with B is stale', () => {
    const timeline = watched();
    timeline.observe(CM, digests({ A: '1', B: '1', C: '2' }), raw('2026-11-24T13:20:00Z'), '2026-11-24T13:20:00Z');
    timeline.observe(CM, digests({ A: '1', B: '1', C: '1' }), raw('2026-11-24T13:30:00Z'), '2026-11-24T13:30:00Z');
    assert.deepEqual(timeline.judge(CM, 'C', started, raw('2026-11-24T13:30:00Z')), { stale: false, changedAt: '' });
    assert.deepEqual(timeline.judge(CM, 'C', '2026-11-24T13:25:00Z', raw('2026-11-24T13:30:00Z')), { stale: true, changedAt: '2026-11-24T13:30:00Z' });
    assert.deepEqual(timeline.toDocument().configs[CM]!.keys.C, [[3, '2026-11-24T10:00:00Z'], [4, '2026-11-24T13:20:00Z'], [3, '2026-11-24T13:30:00Z']], 'equal id = equal value');
  });

  it('a container that started before what the timeline knows is left to managedFields', () => {
    assert.equal(watched().judge(CM, 'A', '2026-11-24T09:30:00Z', raw('2026-11-24T10:00:00Z')), undefined);
  });

  it('the latest moment a value can have changed: when its current version began, for keys whose every change a watcher saw', () => {
    const timeline = watched();
    timeline.observe(CM, digests({ A: '1', B: '1', C: '2' }), raw('2026-11-24T13:20:00Z'), '2026-11-24T13:20:03Z');
    const now = raw('2026-11-24T13:20:00Z');
    assert.equal(timeline.lastChange(CM, 'A', now), '2026-11-24T10:00:00Z', 'unchanged since the first sight: its managedFields time then, not the manager\'s time now');
    assert.equal(timeline.lastChange(CM, 'C', now), '2026-11-24T13:20:00Z');
    assert.equal(timeline.lastChange(CM, null, now), '2026-11-24T13:20:00Z', 'a reader of every key: the latest of them');
    assert.equal(timeline.lastChange(CM, 'D', now), undefined, 'a key it never saw');
    assert.equal(timeline.lastChange('ConfigMap/vals/other', 'A', now), undefined);
    timeline.touch('2026-11-24T14:00:00Z');
    const back = ValueTimeline.fromDocument(JSON.parse(JSON.stringify(timeline.toDocument())))!;
    assert.equal(back.lastChange(CM, 'A', now), '2026-11-24T10:00:00Z', 'read back, nothing written since the save');
    assert.equal(back.lastChange(CM, 'A', raw('2026-11-24T15:00:00Z')), undefined, 'written after the save: unknown');
  });

  it('a container older than the timeline is judged by managedFields, dated no later than the timeline allows', () => {
    const timeline = watched();
    // C changes at 13:20: helm owns A, B and C, so its entry (and A's managedFields time) moves to 13:20 too.
    timeline.observe(CM, digests({ A: '1', B: '1', C: '2' }), raw('2026-11-24T13:20:00Z'), '2026-11-24T13:20:03Z');
    const config: K8sObject = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'vals', name: 'app-cfg', origin: null, raw: { apiVersion: 'v1', kind: 'ConfigMap', ...raw('2026-11-24T13:20:00Z'), data: { A: '1', B: '1', C: '2' } } };
    const podReading = (name: string, key: string): K8sObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: 'vals',
      name,
      origin: null,
      raw: {
        metadata: { name, namespace: 'vals' },
        spec: { containers: [{ name: 'app', env: [{ name: key, valueFrom: { configMapKeyRef: { name: 'app-cfg', key } } }] }] },
        status: { phase: 'Running', containerStatuses: [{ name: 'app', state: { running: { startedAt: '2026-11-24T09:30:00Z' } } }] },
      },
    });
    const objects = [config, podReading('reads-a', 'A'), podReading('reads-c', 'C')];
    const judged = (withTimeline: boolean) => {
      const { index } = buildGraph(objects, { type: 'manifests', paths: [], now: '2026-11-24T16:00:00Z' }, withTimeline ? { timeline } : {});
      return findStale(objects.slice(1), index, { now: '2026-11-24T16:00:00Z', syncPeriodMs: 90_000 }).stale.map((entry) => [entry.pod, entry.key, entry.changedAt, entry.precision]);
    };
    assert.deepEqual(judged(false), [
      ['Pod/vals/reads-a', 'A', '2026-11-24T13:20:00Z', 'manager'],
      ['Pod/vals/reads-c', 'C', '2026-11-24T13:20:00Z', 'manager'],
    ]);
    assert.deepEqual(judged(true), [
      ['Pod/vals/reads-a', 'A', '2026-11-24T10:00:00Z', 'manager'],
      ['Pod/vals/reads-c', 'C', '2026-11-24T13:20:00Z', 'manager'],
    ], 'A did not change at 13:20: the timeline saw its value stay');
  });

  it('read back: exact while managedFields say nothing was written after it was saved; a later write falls back', () => {
    const timeline = watched();
    timeline.observe(CM, digests({ A: '2', B: '1', C: '1' }), raw('2026-11-24T13:10:00Z'), '2026-11-24T13:10:00Z');
    timeline.touch('2026-11-24T14:00:00Z');
    const document = JSON.parse(JSON.stringify(timeline.toDocument()));
    const back = ValueTimeline.fromDocument(document)!;
    assert.deepEqual(back.judge(CM, 'A', started, raw('2026-11-24T13:10:00Z')), { stale: true, changedAt: '2026-11-24T13:10:00Z' });
    assert.deepEqual(back.judge(CM, 'B', started, raw('2026-11-24T13:10:00Z')), { stale: false, changedAt: '' });
    assert.equal(back.judge(CM, 'B', started, raw('2026-11-24T15:00:00Z')), undefined, 'written after the save: unknown');
  });

  it('a watcher that restarts: keys not written while it was down stay exact; one written meanwhile is an inferred version', () => {
    const first = watched();
    first.touch('2026-11-24T14:00:00Z');
    const second = ValueTimeline.fromDocument(JSON.parse(JSON.stringify(first.toDocument())))!;
    second.startWatching('2026-11-24T15:00:00Z');
    // B was rewritten at 14:30 while no one watched (maybe a new value, maybe not)
    second.observe(CM, digests({ A: '1', B: '9', C: '1' }), { metadata: { managedFields: [{ manager: 'helm', time: '2026-11-24T10:00:00Z', fieldsV1: { 'f:data': { 'f:A': {}, 'f:C': {} } } }, { manager: 'kubectl-edit', time: '2026-11-24T14:30:00Z', fieldsV1: { 'f:data': { 'f:B': {} } } }] } }, '2026-11-24T15:00:00Z');
    const now = { metadata: { managedFields: [{ manager: 'helm', time: '2026-11-24T10:00:00Z', fieldsV1: { 'f:data': { 'f:A': {}, 'f:C': {} } } }, { manager: 'kubectl-edit', time: '2026-11-24T14:30:00Z', fieldsV1: { 'f:data': { 'f:B': {} } } }] } };
    assert.deepEqual(second.judge(CM, 'A', started, now), { stale: false, changedAt: '' });
    assert.equal(second.judge(CM, 'B', started, now), undefined, 'what no watcher saw is judged by managedFields');
    assert.deepEqual(second.toDocument().configs[CM]!.keys.B, [[2, '2026-11-24T10:00:00Z'], [4, '2026-11-24T14:30:00Z', 0]]);
  });

  it('what is persisted holds ids and times only: no digest, no value', () => {
    const timeline = watched();
    timeline.observe(CM, digests({ A: 'hunter2', B: '1', C: '1' }), raw('2026-11-24T13:10:00Z'), '2026-11-24T13:10:00Z');
    const text = JSON.stringify(timeline.toDocument());
    assert.ok(!/digest-of|hunter2/.test(text), text);
  });

  it('a large timeline is split into shards of whole configs; joined, they are the document', () => {
    const timeline = new ValueTimeline('2026-11-24T11:00:00Z');
    for (let index = 0; index < 50; index++) timeline.observe(`ConfigMap/vals/c${index}`, digests({ A: '1', B: String(index) }), raw('2026-11-24T10:00:00Z', ['A', 'B']), '2026-11-24T11:00:00Z');
    const shards = shardTimeline(timeline, 600).map((text) => JSON.parse(text) as { shards?: number; kind?: string; configs: Record<string, unknown> });
    assert.ok(shards.length > 3);
    assert.equal(shards[0]!.shards, shards.length);
    assert.equal(shards[0]!.kind, 'ValueTimeline');
    assert.deepEqual(Object.assign({}, ...shards.map((shard) => shard.configs)), timeline.toDocument().configs);
  });
});
