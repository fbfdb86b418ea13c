import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildGraph, type BuiltGraph } from '../../src/graph/build.js';
import { loadManifests } from '../../src/sources/manifests/index.js';
import { CORPUS, needsShared, REPO_ROOT } from '../helpers/paths.js';
import { relative } from 'node:path';

/** [workloads, configs, references, missing, unused] per corpus, checked by reading the files. */
const COUNTS: Record<string, [number, number, number, number, number]> = {
  'argo-cd': [14, 13, 366, 200, 4],
  'argo-workflows': [11, 16, 5, 0, 9],
  'calico': [12, 7, 76, 4, 1],
  'gke-samples': [146, 28, 136, 48, 8],
  'ingress-nginx': [4, 1, 2, 1, 1],
  'istio': [43, 16, 27, 9, 1],
  'knative-serving': [6, 12, 0, 0, 12],
  'kube-prometheus': [6, 39, 39, 0, 1],
  // 12 references, 5 unused: the Secrets of azureFile, cephfs, rbd, iscsi and scaleIO volumes are references (issue 22).
  'kubernetes-examples': [107, 10, 12, 5, 5],
  'microservices-demo': [14, 1, 1, 0, 0],
  'opentelemetry-demo': [25, 18, 16, 2, 12],
  'prometheus-operator': [4, 2, 2, 1, 2],
  'rook': [20, 5, 21, 3, 5],
};

/** [corpus, workload, container, config, via, key]: each read by hand at the file and line noted. */
const KNOWN_REFERENCES: [string, string, string | null, string, string, string | null][] = [
  ['argo-cd', 'Deployment/argocd/argocd-redis-ha-haproxy', 'haproxy', 'Secret/argocd/argocd-redis', 'env', 'auth'], // ha/base/redis-ha/chart/upstream.yaml:1252
  ['argo-cd', 'Deployment/default/argocd-application-controller', 'argocd-application-controller', 'ConfigMap/default/argocd-cm', 'env', 'timeout.hard.reconciliation'],
  ['calico', 'DaemonSet/kube-system/calico-node', 'calico-node', 'ConfigMap/kube-system/calico-config', 'env', 'calico_backend'], // calico-bpf.yaml:12695
  ['calico', 'DaemonSet/kube-system/calico-node', 'calico-node', 'ConfigMap/kube-system/kubernetes-services-endpoint', 'envFrom', null], // calico-bpf.yaml:12664, optional
  ['calico', 'DaemonSet/kube-system/canal', 'kube-flannel', 'ConfigMap/kube-system/canal-config', 'env', 'canal_iface'],
  ['kube-prometheus', 'Deployment/monitoring/grafana', 'grafana', 'Secret/monitoring/grafana-config', 'volume', null], // grafana-deployment.yaml:169, /etc/grafana
  ['kube-prometheus', 'Deployment/monitoring/blackbox-exporter', 'module-configmap-reloader', 'ConfigMap/monitoring/blackbox-exporter-configuration', 'volume', null],
  ['kube-prometheus', 'Deployment/monitoring/prometheus-adapter', 'prometheus-adapter', 'ConfigMap/monitoring/adapter-config', 'volume', null],
  ['istio', 'Deployment/default/mysqldb-v1', 'mysqldb', 'Secret/default/mysql-credentials', 'env', 'rootpasswd'], // bookinfo-mysql.yaml:67
  ['istio', 'Deployment/default/mtls-echo-v1', null, 'Secret/default/mtls-echo-ca', 'volume', null], // mtls-echo.yaml: volume "ca" is mounted by no container
  // subPath mounts of whole ConfigMap volumes read exactly the key named by the subPath (DESIGN.md section 1)
  ['istio', 'Deployment/istio-system/grafana', 'grafana', 'ConfigMap/istio-system/grafana', 'volume', 'grafana.ini'], // samples/addons/grafana.yaml:155
  ['istio', 'Deployment/istio-system/grafana', 'grafana', 'ConfigMap/istio-system/grafana', 'volume', 'datasources.yaml'], // samples/addons/grafana.yaml:164
  ['istio', 'Deployment/spire/spire-server', 'spire-controller-manager', 'ConfigMap/spire/spire-controller-manager-config', 'volume', 'spire-controller-manager-config.yaml'], // spire-quickstart.yaml:353
  ['opentelemetry-demo', 'Deployment/otel-demo/grafana', 'grafana', 'ConfigMap/otel-demo/grafana', 'volume', 'grafana.ini'], // opentelemetry-demo.yaml:18109
  ['opentelemetry-demo', 'StatefulSet/default/opensearch', 'configfile', 'ConfigMap/default/opensearch-config', 'volume', 'opensearch.yml'], // opentelemetry-demo.yaml:20080
  ['argo-workflows', 'Deployment/default/tempo', 'tempo', 'ConfigMap/default/tempo-config', 'volume', 'tempo.yaml'], // components/tempo/tempo-deployment.yaml:28
  ['argo-workflows', 'Deployment/default/otel-collector', 'collector', 'ConfigMap/default/otel-collector-config', 'volume', 'config.yaml'],
  ['gke-samples', 'Deployment/kube-system/hubble-ui', 'frontend', 'ConfigMap/kube-system/hubble-ui-nginx', 'volume', 'nginx.conf'], // networking/dpv2-observability/hubble-ui-std.yaml:157
  ['gke-samples', 'Deployment/default/mysql', 'mysql', 'Secret/default/mysql', 'env', 'password'], // quickstarts/wordpress-persistent-disks/mysql.yaml:39
  ['gke-samples', 'Deployment/default/metrics-proxy', 'nginx', 'ConfigMap/default/nginx-conf', 'volume', 'nginx.conf'], // subPath nginx.conf
  ['gke-samples', 'Deployment/default/loadgenerator', 'loadgenerator', 'ConfigMap/default/loadgenerator-env', 'envFrom', null],
  ['gke-samples', 'Deployment/default/nim-gemma-3-27b-deployment', null, 'Secret/default/ngc-secret', 'imagePullSecret', null],
  ['rook', 'Job/rook-ceph/rook-ceph-purge-osd', 'osd-removal', 'ConfigMap/rook-ceph/rook-ceph-mon-endpoints', 'env', 'data'], // osd-purge.yaml:53
  ['rook', 'Deployment/rook-ceph/rook-ceph-tools', 'rook-ceph-tools', 'Secret/rook-ceph/rook-ceph-mon', 'env', 'ceph-username'], // toolbox.yaml:168
  ['opentelemetry-demo', 'Deployment/otel-demo/grafana', 'grafana', 'ConfigMap/otel-demo/grafana', 'env', 'plugins'], // opentelemetry-demo.yaml:18151
  ['kubernetes-examples', 'Deployment/default/vllm-gemma-deployment', 'inference-server', 'Secret/default/hf-secret', 'env', 'hf_token'], // AI/vllm-deployment/vllm-deployment.yaml:50
  ['kubernetes-examples', 'Pod/default/azure', null, 'Secret/default/azure-secret', 'volumeSecretRef', null], // _archived/volumes/azure_file/azure.yaml:15 (azureFile.secretName)
  ['kubernetes-examples', 'Pod/default/cephfs2', null, 'Secret/default/ceph-secret', 'volumeSecretRef', null], // _archived/volumes/cephfs/cephfs-with-secret.yaml:22 (cephfs.secretRef)
  ['kubernetes-examples', 'ReplicationController/default/my-nginx', 'nginxhttps', 'ConfigMap/default/nginxconfigmap', 'volume', null], // _archived/https-nginx/nginx-app.yaml
  ['prometheus-operator', 'Deployment/default/prometheus-operator-admission-webhook', 'prometheus-operator-admission-webhook', 'Secret/default/admission-webhook-certs', 'volume', 'tls.crt'],
  ['microservices-demo', 'Deployment/default/opentelemetrycollector', 'otel-gateway-init', 'ConfigMap/default/collector-gateway-config-template', 'volume', 'collector-gateway-config-template.yaml'],
];

/** [corpus, config ref, keys]: key names read from the files. */
const KNOWN_CONFIGS: [string, string, string[]][] = [
  ['kube-prometheus', 'ConfigMap/monitoring/adapter-config', ['config.yaml']],
  ['kube-prometheus', 'ConfigMap/monitoring/blackbox-exporter-configuration', ['config.yml']],
  ['kube-prometheus', 'ConfigMap/monitoring/grafana-dashboard-apiserver', ['apiserver.json']],
  ['istio', 'ConfigMap/istio-system/grafana', ['dashboardproviders.yaml', 'datasources.yaml', 'grafana.ini']],
  ['istio', 'ConfigMap/default/istio-custom-bootstrap-config', ['custom_bootstrap.json']],
  ['prometheus-operator', 'Secret/default/thanos-ruler', ['query.yaml']], // stringData
  ['prometheus-operator', 'Secret/default/additional-scrape-configs', ['prometheus-additional.yaml']],
  ['calico', 'ConfigMap/kube-system/flannel-migration-config', ['flannel_subnet_env']],
  ['argo-cd', 'ConfigMap/argocd/argocd-redis-ha-health-configmap', ['redis_liveness.sh', 'redis_readiness.sh', 'sentinel_liveness.sh']],
  ['knative-serving', 'ConfigMap/knative-serving/config-autoscaler', ['_example']],
  ['knative-serving', 'ConfigMap/knative-serving/config-deployment', ['_example', 'queue-sidecar-image']],
];

describe('[I] real manifests from public projects (../shared/corpus)', needsShared(CORPUS), () => {
  if (!existsSync(CORPUS)) return;
  const corpora = readdirSync(CORPUS, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const graphs = new Map<string, BuiltGraph & { errors: string[] }>();
  const graphOf = (name: string) => {
    if (!graphs.has(name)) {
      // Paths relative to the repository, as a user would pass them.
      const path = relative(REPO_ROOT, join(CORPUS, name));
      const { objects, problems } = loadManifests([path], { defaultNamespace: 'default' });
      const errors = problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.file}:${problem.line}: ${problem.message}`);
      graphs.set(name, { ...buildGraph(objects, { type: 'manifests', paths: [path], now: '2026-11-24T16:00:00Z' }), errors });
    }
    return graphs.get(name)!;
  };

  it('every corpus has pinned counts', () => assert.deepEqual(corpora, Object.keys(COUNTS).sort()));

  for (const name of Object.keys(COUNTS)) {
    it(`${name}: every file is read without an error, and the graph has the expected size`, () => {
      const { graph, errors } = graphOf(name);
      assert.deepEqual(errors, []);
      assert.deepEqual([graph.workloads.length, graph.configs.length, graph.references.length, graph.missing.length, graph.unused.length], COUNTS[name]);
    });
  }

  it('references read by hand from the files are found exactly', () => {
    for (const [corpus, workload, container, config, via, key] of KNOWN_REFERENCES) {
      const found = graphOf(corpus).graph.references.some(
        (reference) => reference.workload === workload && reference.container === container && reference.config === config && reference.via === via && reference.key === key,
      );
      assert.ok(found, `${corpus}: ${workload} ${container} → ${config} via ${via} key ${key}`);
    }
    assert.ok(KNOWN_REFERENCES.length >= 20);
  });

  it('configs read by hand have exactly their key names', () => {
    for (const [corpus, ref, keys] of KNOWN_CONFIGS) {
      assert.deepEqual(graphOf(corpus).index.configs.get(ref)?.keys, keys, `${corpus}: ${ref}`);
    }
    assert.ok(KNOWN_CONFIGS.length >= 10);
  });
});
