import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditCluster, auditExitCode } from '../../../src/analyses/audit.js';
import { configChangeTime } from '../../../src/analyses/managed-fields.js';
import { graphOf } from '../../helpers/graph.js';
import { fixture, REAL_DUMP_FILE } from '../../helpers/paths.js';

function audit(file: string, now: string) {
  return auditCluster(graphOf([file]), { now, syncPeriodMs: 90_000 });
}

const staleRows = (result: ReturnType<typeof audit>) => result.staleness.stale.map((entry) => [entry.pod, entry.container, entry.config, entry.key, entry.via, entry.precision]);

describe('[U] staleness (DESIGN.md section 2)', () => {
  it('key-level: a change to key b makes only the readers of b stale; envFrom is stale on any key; a subPath of an unchanged key is fresh', () => {
    const result = audit(fixture('audit', 'key-level.yaml'), '2026-01-01T12:01:00Z');
    assert.deepEqual(staleRows(result), [
      // the entry that dates it owns data keys and nothing else: its time moved for data
      ['Pod/shop/web-1-aaaaa', 'reads-all', 'ConfigMap/shop/app-config', null, 'envFrom', 'key'],
      ['Pod/shop/web-1-aaaaa', 'reads-b', 'ConfigMap/shop/app-config', 'b', 'env', 'key'],
    ]);
    assert.deepEqual(result.staleWorkloads.map((workload) => [workload.workload, workload.stalePods, workload.pods]), [['Deployment/shop/web', 1, 1]]);
  });

  it('a subPath mount of a whole ConfigMap is judged by the key it names: another key\'s edit leaves it fresh; a key the config lacks is missing', () => {
    const result = audit(fixture('audit', 'subpath-key.yaml'), '2026-01-01T13:00:00Z');
    assert.deepEqual(staleRows(result), [['Pod/shop/grafana', 'sidecar', 'ConfigMap/shop/grafana', 'home.json', 'volume', 'key']]);
    assert.deepEqual(result.missing.map((entry) => [entry.config, entry.key, entry.optional, entry.runningPods]), [['ConfigMap/shop/grafana', 'ldap.toml', false, ['Pod/shop/grafana']]]);
  });

  it('a live mount is never stale, only syncing inside the sync period', () => {
    const inside = audit(fixture('audit', 'key-level.yaml'), '2026-01-01T12:01:00Z');
    assert.deepEqual(inside.staleness.syncing.map((entry) => [entry.container, entry.key, entry.via]), [['reads-all', 'b', 'volume']]);
    const after = audit(fixture('audit', 'key-level.yaml'), '2026-01-01T12:05:00Z');
    assert.deepEqual(after.staleness.syncing, []);
  });

  it('equal times are fresh; no managedFields falls back to creation time; stringData ownership counts; status entries do not; init containers by terminated.startedAt', () => {
    const result = audit(fixture('audit', 'edge-cases.yaml'), '2026-01-01T13:00:00Z');
    assert.deepEqual(staleRows(result), [
      ['Pod/shop/bare', 'app', 'ConfigMap/shop/no-history', 'k', 'env', 'created'],
      ['Pod/shop/bare', 'migrate', 'Secret/shop/db', 'password', 'env', 'key'],
    ]);
    assert.equal(result.staleness.stale.find((entry) => entry.container === 'migrate')?.changedAt, '2026-01-01T12:00:00Z');
    assert.ok(result.findings.some((finding) => finding.rule === 'no-managed-fields'));
  });

  it('pending and terminating pods are counted, not audited', () => {
    const result = audit(fixture('audit', 'edge-cases.yaml'), '2026-01-01T13:00:00Z');
    assert.deepEqual(result.podCounts, { total: 3, running: 1, pending: 1, terminating: 1, finished: 0 });
  });

  it('pods group under the top controller (Pod → ReplicaSet → Deployment, Job → CronJob); two ReplicaSets show a rollout', () => {
    const result = audit(fixture('audit', 'ownership.yaml'), '2026-01-01T13:00:00Z');
    assert.deepEqual(
      result.staleWorkloads.map((workload) => [workload.workload, workload.stalePods, workload.pods, workload.controllers]),
      [
        ['CronJob/shop/report', 1, 1, ['Job/shop/report-1']],
        ['Deployment/shop/api', 1, 2, ['ReplicaSet/shop/api-new', 'ReplicaSet/shop/api-old']],
      ],
    );
  });

  it('a Secret declared by a SealedSecret is present; only its absent key is missing', () => {
    const result = audit(fixture('audit', 'sealed-secret.yaml'), '2026-01-01T13:00:00Z');
    assert.deepEqual(result.staleness.pods[0]!.missing, [{ config: 'Secret/shop/api-token', key: 'absent', optional: false }]);
    assert.deepEqual(result.staleness.stale, []);
  });

  it('a deleted Secret that running pods still read is a required missing config, and audit exits 1', () => {
    const result = audit(fixture('audit', 'ownership.yaml'), '2026-01-01T13:00:00Z');
    assert.deepEqual(result.missing.map((entry) => [entry.config, entry.optional, entry.referencedBy, entry.runningPods]), [['Secret/shop/gone', false, ['Deployment/shop/api'], ['Pod/shop/api-old-1']]]);
    assert.match(result.findings.find((finding) => finding.rule === 'missing-config')!.message, /will fail to start when restarted/);
    assert.equal(auditExitCode(result), 1);
  });
});

describe('[U] managedFields change times', () => {
  const raw = (managedFields: unknown[]) => ({ metadata: { creationTimestamp: '2026-01-01T00:00:00Z', managedFields } });
  const entry = (time: string, fieldsV1: unknown, extra = {}) => ({ manager: 'm', operation: 'Update', time, fieldsV1, ...extra });

  it('the newest entry owning the key wins; other keys and metadata-only entries do not count', () => {
    const object = raw([entry('2026-01-01T01:00:00Z', { 'f:data': { 'f:a': {} } }), entry('2026-01-01T03:00:00Z', { 'f:data': { 'f:b': {} } }), entry('2026-01-01T05:00:00Z', { 'f:metadata': {} })]);
    assert.deepEqual(configChangeTime(object, 'a'), { time: '2026-01-01T01:00:00Z', precision: 'key' });
    assert.deepEqual(configChangeTime(object, null), { time: '2026-01-01T03:00:00Z', precision: 'key' }, 'that entry owns data and nothing else');
  });

  it('a key no entry owns falls back to object precision; binaryData keys count', () => {
    const object = raw([entry('2026-01-01T02:00:00Z', { 'f:binaryData': { 'f:blob': {} } })]);
    assert.deepEqual(configChangeTime(object, 'blob'), { time: '2026-01-01T02:00:00Z', precision: 'key' });
    assert.deepEqual(configChangeTime(object, 'other'), { time: '2026-01-01T02:00:00Z', precision: 'object' });
  });

  it('key precision only when the entry owns that one key and nothing else (issue 24)', () => {
    const only = raw([entry('2026-01-01T02:00:00Z', { 'f:data': { 'f:a': {} } })]);
    assert.deepEqual(configChangeTime(only, 'a'), { time: '2026-01-01T02:00:00Z', precision: 'key' });
    const withMarker = raw([entry('2026-01-01T02:00:00Z', { 'f:data': { '.': {}, 'f:a': {} } })]);
    assert.equal(configChangeTime(withMarker, 'a')?.precision, 'key', 'the map marker is not a field of its own');
    const twoKeys = raw([entry('2026-01-01T02:00:00Z', { 'f:data': { 'f:a': {}, 'f:b': {} } })]);
    assert.equal(configChangeTime(twoKeys, 'a')?.precision, 'manager', 'a change of b moves the time too');
    const keyAndLabel = raw([entry('2026-01-01T02:00:00Z', { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:chart': {} } } })]);
    assert.equal(configChangeTime(keyAndLabel, 'a')?.precision, 'manager', 'a label-only re-apply moves the time');
    const keyAndAnnotation = raw([entry('2026-01-01T02:00:00Z', { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:annotations': { 'f:kubectl.kubernetes.io/last-applied-configuration': {} } } })]);
    assert.equal(configChangeTime(keyAndAnnotation, 'a')?.precision, 'manager');
  });

  it('no managedFields: the creation time, marked as such', () => {
    assert.deepEqual(configChangeTime(raw([]), 'a'), { time: '2026-01-01T00:00:00Z', precision: 'created' });
  });
});

describe('[I] audit of the real dump (../shared/real-dumps/demo-cluster.json)', () => {
  const result = audit(REAL_DUMP_FILE, '2026-11-24T16:00:00Z');

  it('finds the pods that started before the changes made after them', () => {
    assert.deepEqual(
      result.staleWorkloads.map((workload) => [workload.workload, `${workload.stalePods}/${workload.pods}`, workload.changes.map((change) => `${change.config}:${change.key ?? '*'}`)]),
      [
        ['DaemonSet/monitoring/node-agent', '1/1', ['ConfigMap/monitoring/agent-config:labels.yaml']],
        ['Deployment/payments/fraud-check', '1/1', ['ConfigMap/payments/gateway-config:TIMEOUT_MS']],
        ['Deployment/payments/gateway', '1/1', ['ConfigMap/payments/gateway-config:*']],
        ['Deployment/shop/checkout', '2/2', ['ConfigMap/shop/checkout-config:*', 'Secret/shop/db-credentials:password', 'Secret/shop/db-credentials:username']],
        ['Deployment/shop/storefront', '2/2', ['ConfigMap/shop/storefront-config:FEATURE_FLAGS']],
        ['StatefulSet/shop/postgres', '1/1', ['Secret/shop/db-credentials:password', 'Secret/shop/db-credentials:username']],
      ],
    );
  });

  it('keys changed only at creation (CACHE_TTL, nginx.conf) leave their readers fresh', () => {
    assert.ok(!result.staleness.stale.some((entry) => entry.key === 'CACHE_TTL' || entry.key === 'nginx.conf'));
  });

  it('Reloader protection is reported on the stale gateway', () => {
    assert.equal(result.staleWorkloads.find((workload) => workload.workload === 'Deployment/payments/gateway')?.protectedBy, 'reloader');
  });

  it('a protected workload still stale 49 minutes after the change is a failed protection; within the grace it is not', () => {
    const gateway = result.staleWorkloads.find((workload) => workload.workload === 'Deployment/payments/gateway')!;
    assert.equal(gateway.protectionFailed, true);
    assert.deepEqual(result.findings.filter((finding) => finding.rule === 'protection-failed').map((finding) => finding.object), ['Deployment/payments/gateway']);
    assert.ok(result.staleWorkloads.filter((workload) => workload.protectedBy === null).every((workload) => !workload.protectionFailed));
    const early = audit(REAL_DUMP_FILE, '2026-11-24T15:14:00Z');
    assert.equal(early.staleWorkloads.find((workload) => workload.workload === 'Deployment/payments/gateway')?.protectionFailed, false);
  });

  it('precision is honest: secret-rotator owns both keys, so its time is the manager\'s, not the key\'s', () => {
    assert.deepEqual(result.precision, { exact: 0, key: 7, manager: 8, object: 0, created: 0 });
    assert.ok(result.staleness.stale.filter((entry) => entry.config === 'Secret/shop/db-credentials').every((entry) => entry.precision === 'manager'));
    assert.ok(result.staleness.stale.filter((entry) => entry.key === 'FEATURE_FLAGS').every((entry) => entry.precision === 'key'));
  });
});
