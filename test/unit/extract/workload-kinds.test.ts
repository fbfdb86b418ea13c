import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WORKLOAD_KINDS } from '../../../src/extract/workload-kinds.js';
import { graphOf } from '../../helpers/graph.js';
import { fixture } from '../../helpers/paths.js';

const FIXTURE_OF_KIND: Record<string, string[]> = {
  Deployment: ['deployment.yaml', 'deployment-extensions-v1beta1.yaml'],
  StatefulSet: ['statefulset.yaml'],
  DaemonSet: ['daemonset.yaml'],
  Rollout: ['argo-rollout.yaml'],
  ReplicaSet: ['replicaset.yaml'],
  ReplicationController: ['replicationcontroller.yaml'],
  CronJob: ['cronjob.yaml', 'cronjob-batch-v1beta1.yaml'],
  Job: ['job.yaml'],
  Pod: ['pod.yaml'],
  PodTemplate: ['podtemplate.yaml'],
};

describe('[U] every workload kind that carries a pod template', () => {
  it('every kind of the table has a fixture', () => {
    assert.deepEqual(WORKLOAD_KINDS.map((row) => row.kind).sort(), Object.keys(FIXTURE_OF_KIND).sort());
  });

  for (const [kind, files] of Object.entries(FIXTURE_OF_KIND)) {
    for (const file of files) {
      it(`${kind} (${file}): the pod spec is found and its env keyRef extracted`, () => {
        const { graph } = graphOf([fixture('workload-kinds', file)]);
        assert.deepEqual(graph.workloads.map((workload) => workload.ref), [`${kind}/shop/worker`]);
        assert.deepEqual(
          graph.references.map((reference) => [reference.workload, reference.container, reference.config, reference.key, reference.update]),
          [[`${kind}/shop/worker`, 'app', 'ConfigMap/shop/app-config', 'log-level', 'restart']],
        );
      });
    }
  }

  it('an Argo Rollout with workloadRef has no template of its own: a workload without references', () => {
    const { graph } = graphOf([fixture('workload-kinds', 'argo-rollout-workloadref.yaml')]);
    assert.deepEqual(graph.workloads.map((workload) => workload.ref), ['Rollout/shop/worker']);
    assert.deepEqual(graph.references, []);
  });

  it('a kind named Deployment in another API group is not a workload', () => {
    const { graph } = graphOf([fixture('workload-kinds', 'not-a-workload.yaml')]);
    assert.deepEqual(graph.workloads, []);
    assert.deepEqual(graph.references, []);
  });
});
