import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { slimObject } from '../../../src/sources/slim.js';

describe('[U] what kstale keeps of a pod', () => {
  it('keeps identity, labels, annotations, owners by kind and name, deletion, the config-reading spec and start times; drops uids, versions and the rest', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-5d4f8c-x1',
        namespace: 'shop',
        generateName: 'web-5d4f8c-',
        uid: '0b6c1b5e-1111-2222-3333-444455556666',
        resourceVersion: '123',
        creationTimestamp: '2026-11-21T09:00:00Z',
        deletionTimestamp: '2026-11-24T09:00:00Z',
        labels: { app: 'web' },
        annotations: { 'reloader.stakater.com/auto': 'true' },
        finalizers: ['example.com/x'],
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4f8c', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }],
        managedFields: [{ manager: 'kubelet' }],
      },
      spec: { containers: [{ name: 'app', image: 'nginx', resources: {}, envFrom: [{ configMapRef: { name: 'cfg' } }] }], nodeName: 'n1' },
      status: { phase: 'Running', startTime: '2026-11-21T09:00:00Z', podIP: '10.0.0.1', containerStatuses: [{ name: 'app', ready: true, state: { running: { startedAt: '2026-11-21T09:00:01Z' } } }] },
    };
    assert.deepEqual(slimObject(structuredClone(pod)), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-5d4f8c-x1',
        namespace: 'shop',
        labels: { app: 'web' },
        annotations: { 'reloader.stakater.com/auto': 'true' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4f8c', controller: true }],
        deletionTimestamp: '2026-11-24T09:00:00Z',
      },
      spec: { containers: [{ name: 'app', envFrom: [{ configMapRef: { name: 'cfg' } }] }] },
      status: { phase: 'Running', startTime: '2026-11-21T09:00:00Z', containerStatuses: [{ name: 'app', state: { running: { startedAt: '2026-11-21T09:00:01Z' } } }] },
    });
  });

  it('holds no undefined fields (what JSON carries between threads is what one thread keeps)', () => {
    const slim = slimObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} });
    assert.deepEqual(slim, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {}, status: {} });
    assert.deepEqual(JSON.parse(JSON.stringify(slim)), slim);
  });
});
