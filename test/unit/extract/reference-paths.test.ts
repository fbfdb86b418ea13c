import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { essence, graphOf, ref } from '../../helpers/graph.js';
import { fixture } from '../../helpers/paths.js';

const POD = 'Pod/shop/web';
const APP = { workload: POD, container: 'app', containerType: 'container' as const };

function referencesOf(file: string) {
  return graphOf([fixture('reference-paths', file)]).graph.references.map(essence);
}

describe('[U] every reference path of the pod spec', () => {
  it('env configMapKeyRef reads one key and needs a restart; plain and fieldRef env vars are not references', () => {
    assert.deepEqual(referencesOf('env-configmapkeyref.yaml'), [
      ref({ ...APP, config: 'ConfigMap/shop/app-config', via: 'env', key: 'log-level', envVar: 'LOG_LEVEL' }),
    ]);
  });

  it('env secretKeyRef reads one key of a Secret', () => {
    assert.deepEqual(referencesOf('env-secretkeyref.yaml'), [
      ref({ ...APP, config: 'Secret/shop/db-credentials', via: 'env', key: 'password', envVar: 'DB_PASSWORD' }),
    ]);
  });

  it('envFrom configMapRef keeps its prefix and reads every key', () => {
    assert.deepEqual(referencesOf('envfrom-configmap-prefix.yaml'), [
      ref({ ...APP, config: 'ConfigMap/shop/app-config', via: 'envFrom', prefix: 'APP_' }),
    ]);
  });

  it('envFrom secretRef keeps optional', () => {
    assert.deepEqual(referencesOf('envfrom-secret.yaml'), [ref({ ...APP, config: 'Secret/shop/api-keys', via: 'envFrom', optional: true })]);
  });

  it('a configMap volume without items is one live reference to the whole config', () => {
    assert.deepEqual(referencesOf('volume-configmap.yaml'), [
      ref({ ...APP, config: 'ConfigMap/shop/app-config', via: 'volume', volume: 'conf', mountPath: '/etc/app', update: 'live' }),
    ]);
  });

  it('a configMap volume with items is one reference per item key, optional carried over', () => {
    assert.deepEqual(referencesOf('volume-configmap-items.yaml'), [
      ref({ ...APP, config: 'ConfigMap/shop/app-config', via: 'volume', key: 'app.properties', optional: true, volume: 'conf', mountPath: '/etc/app', update: 'live' }),
      ref({ ...APP, config: 'ConfigMap/shop/app-config', via: 'volume', key: 'logging.xml', optional: true, volume: 'conf', mountPath: '/etc/app', update: 'live' }),
    ]);
  });

  it('a secret volume is named by secretName', () => {
    assert.deepEqual(referencesOf('volume-secret.yaml'), [
      ref({ ...APP, config: 'Secret/shop/web-tls', via: 'volume', volume: 'tls', mountPath: '/etc/tls', update: 'live' }),
    ]);
  });

  it('a subPath mount needs a restart and reads only the item at that path; a plain mount of the same volume stays live', () => {
    const base = { ...APP, config: 'ConfigMap/shop/nginx-config', via: 'volume' as const, volume: 'conf' };
    assert.deepEqual(referencesOf('volume-subpath.yaml'), [
      ref({ ...base, key: 'mime.types', mountPath: '/srv/conf', update: 'live' }),
      ref({ ...base, key: 'nginx.conf', mountPath: '/etc/nginx/nginx.conf', subPath: true, update: 'restart' }),
      ref({ ...base, key: 'nginx.conf', mountPath: '/srv/conf', update: 'live' }),
    ]);
  });

  it('a subPath mount of a whole volume reads the key its subPath names; a path with "/" or a root shared by several sources stays key null', () => {
    const restart = { ...APP, subPath: true, update: 'restart' as const };
    assert.deepEqual(referencesOf('volume-subpath-whole.yaml'), [
      ref({ ...restart, config: 'ConfigMap/shop/grafana', via: 'volume', volume: 'config', mountPath: '/etc/grafana/dashboards' }),
      ref({ ...restart, config: 'ConfigMap/shop/grafana', via: 'volume', key: 'grafana.ini', volume: 'config', mountPath: '/etc/grafana/grafana.ini' }),
      ref({ ...restart, config: 'ConfigMap/shop/part-a', via: 'projected', volume: 'merged', mountPath: '/etc/merged/a.conf' }),
      ref({ ...restart, config: 'ConfigMap/shop/part-b', via: 'projected', volume: 'merged', mountPath: '/etc/merged/a.conf' }),
      ref({ ...restart, config: 'ConfigMap/shop/part-b', via: 'projected', key: 'b.conf', volume: 'single', mountPath: '/etc/single/b.conf' }),
      ref({ ...restart, config: 'Secret/shop/grafana-tls', via: 'volume', key: 'tls.crt', volume: 'certs', mountPath: '/etc/tls/tls.crt' }),
    ]);
  });

  it('a subPathExpr mount needs a restart too', () => {
    assert.deepEqual(referencesOf('volume-subpathexpr.yaml'), [
      ref({ ...APP, config: 'ConfigMap/shop/per-pod-config', via: 'volume', volume: 'conf', mountPath: '/etc/app/config.yaml', subPath: true, update: 'restart' }),
    ]);
  });

  it('projected volumes give one reference per configMap and secret source; token and downwardAPI sources are not configs', () => {
    const base = { ...APP, via: 'projected' as const, volume: 'all-in-one', mountPath: '/projected', update: 'live' as const };
    assert.deepEqual(referencesOf('projected.yaml'), [
      ref({ ...base, config: 'ConfigMap/shop/app-config', key: 'settings.json' }),
      ref({ ...base, config: 'Secret/shop/api-keys', optional: true }),
    ]);
  });

  it('init containers are read, with their container type', () => {
    assert.deepEqual(referencesOf('init-container.yaml'), [
      ref({ workload: POD, container: 'migrate', containerType: 'initContainer', config: 'Secret/shop/db-credentials', via: 'env', key: 'url', envVar: 'DB_URL' }),
    ]);
  });

  it('ephemeral containers are read, with their container type', () => {
    assert.deepEqual(referencesOf('ephemeral-container.yaml'), [
      ref({ workload: POD, container: 'debugger', containerType: 'ephemeralContainer', config: 'ConfigMap/shop/debug-config', via: 'envFrom' }),
    ]);
  });

  it('imagePullSecrets are pod-level, optional for the kubelet, and need nothing on change; an empty name is ignored', () => {
    assert.deepEqual(referencesOf('image-pull-secrets.yaml'), [
      ref({ workload: POD, config: 'Secret/shop/registry-cred', via: 'imagePullSecret', optional: true, update: 'none' }),
    ]);
  });

  it("the ServiceAccount's imagePullSecrets count for pods that run as it", () => {
    assert.deepEqual(referencesOf('serviceaccount-image-pull-secrets.yaml'), [
      ref({ workload: POD, config: 'Secret/shop/registry-cred', via: 'imagePullSecret', optional: true, update: 'none' }),
    ]);
  });

  it('a config volume that no container mounts is listed once with container null', () => {
    assert.deepEqual(referencesOf('unmounted-volume.yaml'), [
      ref({ workload: POD, config: 'ConfigMap/shop/spare-config', via: 'volume', volume: 'spare', update: 'live' }),
    ]);
  });

  it('optional: true on a keyRef is kept', () => {
    assert.deepEqual(referencesOf('optional-keyref.yaml'), [
      ref({ ...APP, config: 'ConfigMap/shop/region-config', via: 'env', key: 'REGION', envVar: 'REGION', optional: true }),
    ]);
  });

  it('references point at the line of the field that makes them', () => {
    const [envRef] = graphOf([fixture('reference-paths', 'env-configmapkeyref.yaml')]).graph.references;
    assert.deepEqual(envRef!.origin?.line, 13);
    const [mount] = graphOf([fixture('reference-paths', 'volume-secret.yaml')]).graph.references;
    assert.deepEqual(mount!.origin?.line, 11);
  });
});
