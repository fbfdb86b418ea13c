import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { graphOf } from '../../helpers/graph.js';
import { fixture } from '../../helpers/paths.js';

const lint = (path: string) => runCli(['lint', path, '-o', 'json']);
type LintJson = { findings: { rule: string; severity: string; message: string }[] };

describe('[U] what repositories no one here chose taught (issue 22)', () => {
  it('a Certificate and a SecretProviderClass make their Secrets (with the keys they write); the CSI nodePublishSecretRef is a reference', async () => {
    const run = await lint(fixture('producers'));
    const findings = (JSON.parse(run.stdout) as LintJson).findings.filter((finding) => finding.rule === 'missing-config');
    assert.deepEqual(findings.map((finding) => finding.message), ["Deployment shop/web reads Secret vault-creds (volume secrets-store's plugin secret, read at mount), which is not declared"]);
    assert.equal(run.code, 1);
    const { graph } = graphOf([fixture('producers')]);
    assert.deepEqual(graph.configs.map((config) => [config.ref, config.keys, config.producedBy]), [
      ['Secret/shop/db-synced', ['password', 'username'], 'SecretProviderClass/shop/vault-db'],
      ['Secret/shop/web-tls', ['ca.crt', 'tls.crt', 'tls.key'], 'Certificate/shop/web-cert'],
    ]);
    const csi = graph.references.find((reference) => reference.via === 'volumeSecretRef')!;
    assert.deepEqual([csi.config, csi.volume, csi.update, csi.optional, csi.container], ['Secret/shop/vault-creds', 'secrets-store', 'none', false, null]);
    assert.match((await runCli(['who-uses', 'secret/web-tls', '-n', 'shop', '-f', fixture('producers')])).stdout, /made by Certificate shop\/web-cert/);
  });

  it('every pod-volume Secret reference of the API is followed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstale-volume-secrets-'));
    const volumes = [
      { name: 'a', azureFile: { secretName: 'azure', shareName: 's' } },
      { name: 'b', cephfs: { monitors: ['m'], secretRef: { name: 'ceph' } } },
      { name: 'c', rbd: { monitors: ['m'], image: 'i', secretRef: { name: 'rbd' } } },
      { name: 'd', iscsi: { targetPortal: 't', iqn: 'q', lun: 0, secretRef: { name: 'chap' } } },
      { name: 'e', flexVolume: { driver: 'x/y', secretRef: { name: 'flex' } } },
      { name: 'f', scaleIO: { gateway: 'g', system: 's', secretRef: { name: 'sio' } } },
      { name: 'g', storageos: { volumeName: 'v', secretRef: { name: 'sos' } } },
      { name: 'h', csi: { driver: 'd', nodePublishSecretRef: { name: 'csi' } } },
    ];
    writeFileSync(join(dir, 'pod.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'x' }], volumes } }));
    const { graph } = graphOf([dir]);
    assert.deepEqual(graph.references.map((reference) => `${reference.volume}:${reference.config}:${reference.via}:${reference.update}`), [
      'a:Secret/shop/azure:volumeSecretRef:none',
      'b:Secret/shop/ceph:volumeSecretRef:none',
      'd:Secret/shop/chap:volumeSecretRef:none',
      'h:Secret/shop/csi:volumeSecretRef:none',
      'e:Secret/shop/flex:volumeSecretRef:none',
      'c:Secret/shop/rbd:volumeSecretRef:none',
      'f:Secret/shop/sio:volumeSecretRef:none',
      'g:Secret/shop/sos:volumeSecretRef:none',
    ]);
  });

  it('a workload kind under an API version that does not serve it, or without apiVersion, is an invalid-manifest error in lint, and is still read', async () => {
    const run = await lint(fixture('api-versions'));
    const findings = (JSON.parse(run.stdout) as LintJson).findings;
    assert.equal(run.code, 1);
    assert.deepEqual(findings.filter((finding) => finding.rule === 'invalid-manifest').map((finding) => [finding.severity, finding.message]), [
      ['error', 'Deployment api: apiVersion v1 does not serve Deployment (kubectl: no matches for kind "Deployment" in version "v1"; use apps/v1); read as apps/v1'],
      ['warning', 'Deployment old: apiVersion apps/v1beta2 was removed in Kubernetes 1.16 (use apps/v1); read anyway'],
      ['error', 'ConfigMap no-version has no apiVersion: kubectl would refuse it (use apiVersion: v1); read as v1'],
    ]);
    assert.ok(findings.some((finding) => finding.rule === 'missing-config' && /ConfigMap api-settings/.test(finding.message)), 'its missing ConfigMap is reported');
    const audit = await runCli(['graph', '-f', fixture('api-versions', 'deployment-v1.yaml'), '--now', '2026-11-24T16:00:00Z']);
    assert.match(audit.stderr, /warning: .*apiVersion v1 does not serve Deployment/, 'a warning elsewhere');
  });

  it('a kind named like a built-in one in a CRD group is another kind, never an apiVersion problem', () => {
    const { graph } = graphOf([fixture('workload-kinds', 'not-a-workload.yaml')]);
    assert.deepEqual(graph.workloads, []);
  });

  it('ServiceAccount pull secrets reach only pods that name none of their own (the ServiceAccount admission plugin)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstale-sa-pull-'));
    const deployment = (name: string, pullSecrets?: unknown[]) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'shop' }, spec: { selector: {}, template: { spec: { serviceAccountName: 'builder', containers: [{ name: 'c', image: 'x' }], ...(pullSecrets ? { imagePullSecrets: pullSecrets } : {}) } } } });
    writeFileSync(join(dir, 'all.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'shop' }, imagePullSecrets: [{ name: 'from-account' }] },
      deployment('own', [{ name: 'own-pull' }]),
      deployment('inherits'),
    ] }));
    const { graph } = graphOf([dir]);
    assert.deepEqual(graph.references.map((reference) => `${reference.workload} ${reference.config}`), ['Deployment/shop/inherits Secret/shop/from-account', 'Deployment/shop/own Secret/shop/own-pull']);
  });

  it('missing-key names a config with that key in another namespace; missing-config names a near name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstale-hints-'));
    writeFileSync(join(dir, 'all.yaml'), [
      'apiVersion: v1\nkind: Secret\nmetadata: {name: cloud-config}\nstringData: {access-key-id: x}',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: cloud-config, namespace: kube-system}\nstringData: {other: x}',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: api-secrets, namespace: kube-system}\nstringData: {token: x}',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ccm, namespace: kube-system}\nspec:\n  selector: {}\n  template:\n    spec:\n      containers:\n        - name: c\n          image: x\n          env:\n            - {name: A, valueFrom: {secretKeyRef: {name: cloud-config, key: access-key-id}}}\n            - {name: T, valueFrom: {secretKeyRef: {name: api-secret, key: token}}}',
    ].join('\n---\n'));
    const findings = (JSON.parse((await lint(dir)).stdout) as LintJson).findings;
    assert.match(findings.find((finding) => finding.rule === 'missing-key')!.message, / — a Secret cloud-config with key access-key-id exists in namespace default: is the namespace missing\?$/);
    assert.match(findings.find((finding) => finding.rule === 'missing-config')!.message, / — did you mean api-secrets\?$/);
  });

  it('graph and who-uses say once on stderr that objects declared more than once were merged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstale-dups-'));
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\ndata: {k: v}\n';
    writeFileSync(join(dir, 'one.yaml'), cm);
    writeFileSync(join(dir, 'two.yaml'), cm);
    const run = await runCli(['graph', '-f', dir, '--now', '2026-11-24T16:00:00Z']);
    assert.equal(run.stderr, 'kstale: warning: 1 object is declared more than once (their references are merged); kstale lint reports them\n');
  });
});
