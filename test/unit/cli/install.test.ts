import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import { runCli } from '../../helpers/cli.js';

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [field: string]: any };

async function install(args: string[]): Promise<Manifest[]> {
  const run = await runCli(['install', ...args]);
  assert.equal(run.code, 0, run.stderr);
  return (yaml.loadAll(run.stdout) as (Manifest | null)[]).filter((document): document is Manifest => document !== null);
}

describe('[U] kstale install: the manifests that run kstale watch in a cluster', () => {
  it('ServiceAccount, a list+watch ClusterRole and its binding, a hardened Deployment, a Service', async () => {
    const manifests = (await install(['--image', 'registry.example/kstale:0.1.0', '-n', 'monitoring'])).slice(1);
    assert.deepEqual(manifests.map((manifest) => `${manifest.kind}/${manifest.metadata.namespace ?? ''}/${manifest.metadata.name}`), [
      'ServiceAccount/monitoring/kstale',
      'ClusterRole//kstale-watch',
      'ClusterRoleBinding//kstale-watch',
      'Deployment/monitoring/kstale',
      'Service/monitoring/kstale',
    ]);
    const role = manifests[1]!;
    const verbs = new Set(role.rules.flatMap((rule: { verbs: string[] }) => rule.verbs));
    assert.deepEqual([...verbs].sort(), ['get', 'list', 'watch'], 'reads only: never patch, create or delete');
    assert.ok(role.rules.some((rule: { resources: string[] }) => rule.resources.includes('secrets')));
    const deployment = manifests[3]!;
    const container = deployment.spec.template.spec.containers[0];
    assert.equal(deployment.spec.replicas, 1);
    assert.deepEqual(container.args, ['watch', '-A', '--metrics-addr', ':9090', '-o', 'json']);
    assert.equal(container.image, 'registry.example/kstale:0.1.0');
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(deployment.spec.template.spec.securityContext.runAsNonRoot, true);
    assert.ok(container.resources.requests.cpu && container.resources.requests.memory);
    assert.deepEqual(manifests[2]!.subjects, [{ kind: 'ServiceAccount', name: 'kstale', namespace: 'monitoring' }]);
  });

  it('--secrets none leaves Secrets out of the role; --prometheus-rule adds the alerts', async () => {
    const manifests = await install(['--image', 'x', '--secrets', 'none', '--prometheus-rule', '--no-namespace-object']);
    assert.ok(!manifests[1]!.rules.some((rule: { resources: string[] }) => rule.resources.includes('secrets')));
    const rule = manifests.find((manifest) => manifest.kind === 'PrometheusRule')!;
    assert.deepEqual(rule.spec.groups[0].rules.map((entry: { alert: string }) => entry.alert), ['KstaleStaleConfig', 'KstaleMissingRequiredConfig']);
    assert.match(rule.spec.groups[0].rules[0].expr, /kstale_stale_since_seconds\) > 1800/);
  });

  it('--restart grants get/patch on the workloads it restarts and runs the auto-restart; without it nothing may write', async () => {
    const manifests = await install(['--image', 'x', '--restart']);
    const restartRole = manifests.find((manifest) => manifest.kind === 'ClusterRole' && manifest.metadata.name === 'kstale-restart')!;
    assert.deepEqual(restartRole.rules.map((rule: { resources: string[]; verbs: string[] }) => `${rule.resources.join(',')}:${rule.verbs.join(',')}`), ['deployments,statefulsets,daemonsets:get,patch', 'rollouts:get,patch']);
    assert.ok(manifests.some((manifest) => manifest.kind === 'ClusterRoleBinding' && manifest.metadata.name === 'kstale-restart'));
    const container = manifests.find((manifest) => manifest.kind === 'Deployment')!.spec.template.spec.containers[0];
    assert.deepEqual(container.args.slice(-3), ['--restart-after', '30m', '--yes']);
    assert.deepEqual((await install(['--image', 'x', '--restart-after', '2h'])).find((manifest) => manifest.kind === 'Deployment')!.spec.template.spec.containers[0].args.slice(-3), ['--restart-after', '2h', '--yes']);
  });

  it('on a fresh cluster: the Namespace comes first (--no-namespace-object leaves it out); the PrometheusRule says it needs its CRD', async () => {
    const manifests = await install(['--image', 'x', '-n', 'tools']);
    assert.deepEqual([manifests[0]!.kind, manifests[0]!.metadata.name], ['Namespace', 'tools']);
    assert.ok(!(await install(['--image', 'x', '--no-namespace-object'])).some((manifest) => manifest.kind === 'Namespace'));
    assert.match((await runCli(['install', '--image', 'x', '--prometheus-rule'])).stdout, /---\n# needs the PrometheusRule CRD of prometheus-operator[^\n]*\napiVersion: monitoring.coreos.com\/v1/);
  });

  it('--timeline keeps the value timeline in kstale\'s namespace: create there, get/update on its ConfigMaps by name, nothing else', async () => {
    const manifests = await install(['--image', 'x', '--timeline']);
    const role = manifests.find((manifest) => manifest.kind === 'Role' && manifest.metadata.name === 'kstale-timeline')!;
    assert.equal(role.metadata.namespace, 'kstale');
    assert.deepEqual(role.rules, [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['kstale-timeline', ...Array.from({ length: 9 }, (_, index) => `kstale-timeline-${index + 1}`)], verbs: ['get', 'update'] },
    ]);
    assert.ok(manifests.some((manifest) => manifest.kind === 'RoleBinding' && manifest.metadata.name === 'kstale-timeline'));
    const container = manifests.find((manifest) => manifest.kind === 'Deployment')!.spec.template.spec.containers[0];
    assert.deepEqual(container.args.slice(-2), ['--timeline', 'kstale/kstale-timeline']);
  });

  it('--secret-values runs watch with it; with --secrets none it is refused', async () => {
    const container = (await install(['--image', 'x', '--secret-values'])).find((manifest) => manifest.kind === 'Deployment')!.spec.template.spec.containers[0];
    assert.ok(container.args.includes('--secret-values'));
    const refused = await runCli(['install', '--image', 'x', '--secret-values', '--secrets', 'none']);
    assert.equal(refused.code, 2);
  });

  it('--image is required', async () => {
    const run = await runCli(['install']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /required option '--image <image>'/);
  });
});
