import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gitOpsOf, type PlanEntry } from '../../../src/analyses/restart-plan.js';
import { failingNewPod, progressDeadlineExceeded } from '../../../src/actions/restart.js';
import { renderPlanTable } from '../../../src/report/render-restart.js';
import type { K8sObject } from '../../../src/model/object.js';

const deployment = (metadata: Record<string, unknown>): K8sObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web', raw: { metadata: { name: 'web', namespace: 'shop', ...metadata } }, origin: null });
const entry = (gitOps: PlanEntry['gitOps']): PlanEntry => ({ workload: 'Deployment/shop/web', method: 'rollout', action: 'restart', note: '', why: [], stalePods: 1, pods: 1, protectedBy: null, podsToDelete: [], gitOps });

describe('[U] restarts that fit GitOps and fail fast (issue 23)', () => {
  it('Argo CD by its tracking annotation or instance label, Flux by its controller labels', () => {
    assert.equal(gitOpsOf(deployment({ annotations: { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:shop/web' } })), 'argocd');
    assert.equal(gitOpsOf(deployment({ labels: { 'argocd.argoproj.io/instance': 'shop' } })), 'argocd');
    assert.equal(gitOpsOf(deployment({ labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps' } })), 'flux');
    assert.equal(gitOpsOf(deployment({ labels: { 'helm.toolkit.fluxcd.io/name': 'web' } })), 'flux');
    assert.equal(gitOpsOf(deployment({ labels: { 'app.kubernetes.io/instance': 'web' } })), null, 'Helm\'s label is not Argo CD');
  });

  it('the plan says once what Flux does, and prints the Argo CD snippet once', () => {
    const text = renderPlanTable({ entries: [entry('argocd'), { ...entry('argocd'), workload: 'Deployment/shop/api' }, { ...entry('flux'), workload: 'Deployment/shop/worker' }] }, { color: false, width: Infinity });
    assert.equal(text.match(/managedFieldsManagers: \[kstale\]/g)?.length, 1);
    assert.match(text, /Flux manages deployment\/worker: its server-side apply keeps restartedAt/);
  });

  it('a new pod (with this restartedAt) waiting in CrashLoopBackOff fails the rollout; old pods and other reasons do not', () => {
    const pod = (restartedAt: string, reason: string) => ({ metadata: { name: 'web-1', annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } }, status: { containerStatuses: [{ name: 'app', state: { waiting: { reason } } }] } });
    assert.equal(failingNewPod([pod('T1', 'CrashLoopBackOff')], 'T1'), 'pod web-1 container app: CrashLoopBackOff');
    assert.equal(failingNewPod([pod('T0', 'CrashLoopBackOff')], 'T1'), undefined);
    assert.equal(failingNewPod([pod('T1', 'ContainerCreating')], 'T1'), undefined);
    assert.equal(progressDeadlineExceeded({ status: { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-2" has timed out progressing.' }] } }), 'ProgressDeadlineExceeded: ReplicaSet "web-2" has timed out progressing.');
  });
});
