import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphOf } from '../../helpers/graph.js';
import { fixture } from '../../helpers/paths.js';

describe('[U] graph: configs, missing and unused', () => {
  const { graph } = graphOf([fixture('graph', 'app.yaml')]);

  it('configs carry key names from data, binaryData and stringData, never values', () => {
    const db = graph.configs.find((config) => config.ref === 'Secret/shop/db');
    assert.deepEqual(db?.keys, ['password', 'user']);
    assert.doesNotMatch(JSON.stringify(graph), /hunter2/);
  });

  it('missing lists absent configs and absent keys of present configs, optional only when every use is', () => {
    assert.deepEqual(graph.missing, [
      { config: 'ConfigMap/shop/absent', key: null, optional: true, referencedBy: ['Deployment/shop/web'] },
      { config: 'ConfigMap/shop/app-config', key: 'c', optional: false, referencedBy: ['Deployment/shop/web'] },
      { config: 'Secret/shop/gone', key: null, optional: false, referencedBy: ['Deployment/shop/web'] },
    ]);
  });

  it('kube-root-ca.crt is never missing (the control plane makes it in every namespace)', () => {
    assert.ok(graph.references.some((reference) => reference.config === 'ConfigMap/shop/kube-root-ca.crt'));
    assert.ok(!graph.missing.some((entry) => entry.config.endsWith('kube-root-ca.crt')));
  });

  it('unused skips Ingress TLS and ServiceAccount secrets, token and Helm release Secrets, kube-root-ca.crt; the same name in another namespace is its own config', () => {
    assert.deepEqual(graph.unused, ['ConfigMap/other/app-config']);
  });
});

describe('[U] graph: declarations and ownership', () => {
  it('an object declared twice keeps the references of both declarations', () => {
    const { graph } = graphOf([fixture('graph', 'duplicate')]);
    assert.deepEqual(graph.workloads.map((workload) => workload.ref), ['Deployment/shop/web']);
    assert.deepEqual(graph.references.map((reference) => reference.config), ['ConfigMap/shop/first-config', 'ConfigMap/shop/second-config']);
  });

  it('ReplicaSets and Pods whose controller is in the source fold into it; a Pod whose owner is absent stays a workload', () => {
    const { graph, index } = graphOf([fixture('graph', 'owned')]);
    assert.deepEqual(graph.workloads.map((workload) => workload.ref), ['Deployment/shop/web', 'Pod/shop/orphan-of-absent-job']);
    assert.equal(index.controllerOf.get('Pod/shop/web-5d4f8-abcde'), 'ReplicaSet/shop/web-5d4f8');
    assert.equal(index.controllerOf.get('ReplicaSet/shop/web-5d4f8'), 'Deployment/shop/web');
  });
});

describe('[U] protection (DESIGN.md section 3)', () => {
  const { graph } = graphOf([fixture('graph', 'protection.yaml')]);
  const protectionOf = (workload: string, config: string) =>
    graph.references.find((reference) => reference.workload === workload && reference.config === config)?.protectedBy;

  it('reloader.stakater.com/auto protects every config except one that asks to be ignored', () => {
    assert.equal(protectionOf('Deployment/shop/auto', 'ConfigMap/shop/plain'), 'reloader');
    assert.equal(protectionOf('Deployment/shop/auto', 'Secret/shop/plain'), 'reloader');
    assert.equal(protectionOf('Deployment/shop/auto', 'ConfigMap/shop/ignored'), null);
  });

  it('configmap.reloader.stakater.com/auto protects ConfigMaps, not Secrets', () => {
    assert.equal(protectionOf('Deployment/shop/cm-auto', 'ConfigMap/shop/plain'), 'reloader');
    assert.equal(protectionOf('Deployment/shop/cm-auto', 'Secret/shop/plain'), null);
  });

  it('reload lists name configs, with spaces and anchored regular expressions', () => {
    assert.equal(protectionOf('Deployment/shop/reload-list', 'ConfigMap/shop/plain'), 'reloader');
    assert.equal(protectionOf('Deployment/shop/reload-list', 'Secret/shop/plain'), 'reloader');
  });

  it('search on the workload protects only configs with match', () => {
    assert.equal(protectionOf('Deployment/shop/search', 'ConfigMap/shop/matched'), 'reloader');
    assert.equal(protectionOf('Deployment/shop/search', 'ConfigMap/shop/plain'), null);
  });

  it('Reloader annotations on the pod template count', () => {
    assert.equal(protectionOf('Deployment/shop/template-annotation', 'ConfigMap/shop/plain'), 'reloader');
  });

  it('wave and checksum annotations protect', () => {
    assert.equal(protectionOf('Deployment/shop/wave', 'ConfigMap/shop/plain'), 'wave');
    assert.equal(protectionOf('Deployment/shop/checksum', 'ConfigMap/shop/plain'), 'checksum');
  });

  it('immutable configs and kustomize hash-suffixed names protect on their own', () => {
    assert.equal(protectionOf('Deployment/shop/none', 'ConfigMap/shop/plain'), null);
    assert.equal(protectionOf('Deployment/shop/none', 'ConfigMap/shop/frozen'), 'immutable');
    assert.equal(protectionOf('Deployment/shop/none', 'ConfigMap/shop/app-config-g7b2h9km4t'), 'kustomize-hash');
  });

  it('Reloader does not restart a bare Pod', () => {
    assert.equal(protectionOf('Pod/shop/bare', 'ConfigMap/shop/plain'), null);
  });
});
