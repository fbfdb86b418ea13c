import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';

const NOW = '2026-11-24T16:00:00Z';
const SHOP = fixture('explain', 'shop.yaml');
const DUMP = fixture('demo', 'cluster-dump.json');

describe('[E] kstale explain: one workload, each config, who restarts it and why (issue 23)', () => {
  it('names the config and the annotation that decided, for a protection and for each common mistake', async () => {
    const run = await runCli(['explain', 'deployment/web', '-n', 'shop', '-f', SHOP, '--now', NOW]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /configmap\/web-config\n[\s\S]*Reloader restarts it: reloader.stakater.com\/search: "true" in the Deployment's metadata \(reloader.stakater.com\/auto on the pod template is ignored/);
    assert.match(run.stdout, /configmap\/web-flags\n[\s\S]*Reloader does not restart it: configmaps.exclude.reloader.stakater.com\/reload on the Deployment names web-flags/);
    assert.match(run.stdout, /secret\/web-db\n[\s\S]*search: "true" is set, but the Secret lacks reloader.stakater.com\/match: "true"/);
  });

  it('-o json carries each Reloader decision with the annotation and where it was read', async () => {
    const run = await runCli(['explain', 'deployment/web', '-n', 'shop', '-f', SHOP, '-o', 'json', '--now', NOW]);
    const document = JSON.parse(run.stdout) as { kind: string; workload: string; configs: { config: string; protectedBy: string | null; reloaders: { reloads: boolean; decidedBy: string | null; from: string | null }[] }[] };
    assert.equal(document.kind, 'Explain');
    assert.deepEqual(document.configs.map((config) => [config.config, config.protectedBy, config.reloaders[0]!.decidedBy, config.reloaders[0]!.from]), [
      ['ConfigMap/shop/web-config', 'reloader', 'reloader.stakater.com/search', 'workload'],
      ['ConfigMap/shop/web-flags', null, 'configmaps.exclude.reloader.stakater.com/reload', 'workload'],
      ['Secret/shop/web-db', null, null, null],
    ]);
  });

  it('a workload restarted for a config it does not read: explain and who-uses both say so', async () => {
    const explain = await runCli(['explain', 'deployment/reporter', '-n', 'shop', '-f', SHOP, '--now', NOW]);
    assert.match(explain.stdout, /configmap\/web-config \(not read\)\n\s+on change:\s+Reloader restarts it on a change of web-config, which it does not read/);
    const whoUses = await runCli(['who-uses', 'cm/web-config', '-n', 'shop', '-f', SHOP, '-o', 'json', '--now', NOW]);
    assert.deepEqual((JSON.parse(whoUses.stdout) as { reloadedWithoutReading: { workload: string }[] }).reloadedWithoutReading.map((entry) => entry.workload), ['Deployment/shop/reporter']);
  });

  it('on a dump: the stale pod with its evidence, the failed protection, and what restart would do', async () => {
    const run = await runCli(['explain', 'deploy/gateway', '-n', 'payments', '-f', DUMP, '--now', NOW]);
    assert.match(run.stdout, /STALE: started 2026-11-24T15:10:42Z, changed 2026-11-24T15:10:46Z \(49m ago; its data was last written then \(precision key\)\)/);
    assert.match(run.stdout, /PROTECTION FAILED/);
    assert.match(run.stdout, /restart:\s+restart --affected would restart it \(as kubectl rollout restart\): protection failed/);
  });

  it('an unknown workload is an error naming the near one, exit 2', async () => {
    const run = await runCli(['explain', 'deployment/wbe', '-n', 'shop', '-f', SHOP, '--now', NOW]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'kstale: error: Deployment shop/wbe is not in the source\n  hint: did you mean deployment/web?\n');
  });
});
