import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { assessImpact, impactExitCode } from '../../../src/analyses/impact.js';
import { buildGraph } from '../../../src/graph/build.js';
import { loadManifests } from '../../../src/sources/manifests/index.js';
import { FakeApiServer } from '../../helpers/fake-api-server.js';
import { runCli } from '../../helpers/cli.js';
import { fixture } from '../../helpers/paths.js';

function impactOf(oldPath: string, newPath: string) {
  const load = (path: string) => buildGraph(loadManifests([path], { defaultNamespace: 'default', digestValues: true }).objects, { type: 'manifests', now: 'x' });
  return assessImpact(load(oldPath), load(newPath));
}

describe('[U] impact: what a config change does before it is applied', () => {
  const result = impactOf(fixture('impact', 'old'), fixture('impact', 'new'));
  const outcome = (workload: string, container?: string) => result.effects.filter((effect) => effect.workload === `Deployment/shop/${workload}` && (!container || effect.container === container)).map((effect) => effect.outcome);

  it('changes: modified keys (values compared in memory), removals, a kustomize rename', () => {
    assert.deepEqual(result.changes.map((change) => [change.config, change.change, change.keys]), [
      ['ConfigMap/shop/app-config', 'modified', { added: [], removed: ['LEGACY', 'OLD_FLAG'], changed: ['LOG_LEVEL'] }],
      ['ConfigMap/shop/app-env-k7m2t9h5bc', 'renamed', { added: [], removed: [], changed: ['MODE'] }],
      ['ConfigMap/shop/retired-config', 'removed', { added: [], removed: ['A'], changed: [] }],
      ['ConfigMap/shop/web-files', 'modified', { added: [], removed: [], changed: ['index.html'] }],
      ['Secret/shop/db', 'modified', { added: [], removed: [], changed: ['password'] }],
    ]);
    assert.equal(result.changes[1]!.renamedFrom, 'ConfigMap/shop/app-env-g7b2h9km4t');
  });

  it('a key change affects only the container that reads that key', () => {
    assert.deepEqual(outcome('split', 'reads-changed'), ['restart-needed']);
    assert.deepEqual(outcome('split', 'reads-unchanged'), ['unaffected']);
  });

  it('an envFrom consumer needs a restart for a change of any key', () => assert.deepEqual(outcome('envfrom'), ['restart-needed']));

  it('a removed key breaks a reader without optional; with optional it only needs a restart', () => {
    assert.deepEqual(outcome('legacy-required'), ['breaks']);
    assert.deepEqual(outcome('legacy-optional'), ['restart-needed']);
  });

  it('a removed config breaks its readers', () => assert.deepEqual(outcome('retired-reader'), ['breaks']));

  it('a kustomize rename and a changed checksum annotation roll on apply', () => {
    assert.deepEqual(outcome('kustomized'), ['rolls-on-apply']);
    assert.deepEqual(outcome('helm-style'), ['rolls-on-apply']);
  });

  it('Reloader protects; a plain env reader of the same Secret needs a restart; a volume is live', () => {
    assert.deepEqual(outcome('reloaded'), ['protected']);
    assert.deepEqual(outcome('plain-db'), ['restart-needed']);
    assert.deepEqual(outcome('web'), ['live']);
  });

  it('--fail-on decides the exit code', () => {
    assert.equal(impactExitCode(result, 'breaks'), 1);
    assert.equal(impactExitCode(result, 'never'), 0);
    const noBreaks = { ...result, effects: result.effects.filter((effect) => effect.outcome !== 'breaks') };
    assert.equal(impactExitCode(noBreaks, 'breaks'), 0);
    assert.equal(impactExitCode(noBreaks, 'restart-needed'), 1);
  });
});

describe('[I] impact CLI', () => {
  it('-o markdown is a pull-request table, and no Secret value or digest is printed in any format', async () => {
    const args = ['impact', '-f', fixture('impact', 'new'), '--base', fixture('impact', 'old')];
    const markdown = await runCli([...args, '-o', 'markdown']);
    assert.match(markdown.stdout, /^### kstale impact\n\n5 config changes; 11 effects: 2 breaks/);
    assert.match(markdown.stdout, /\| `Deployment\/shop\/legacy-required` \| app \| `ConfigMap\/shop\/app-config` \| ❌ breaks \| LEGACY \|/);
    for (const format of ['table', 'markdown', 'json', 'yaml']) {
      const run = await runCli([...args, '-o', format]);
      assert.doesNotMatch(run.stdout, /hunter2|rotated|sha256|[A-Za-z0-9+/]{43}=/, format);
    }
    assert.equal(markdown.code, 1);
  });

  it('--base-ref reads the old side from git', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'kstale-git-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } });
    git('init', '-q', '-b', 'main');
    cpSync(fixture('impact', 'old'), join(repo, 'k8s'), { recursive: true });
    git('add', '.');
    git('commit', '-qm', 'old');
    writeFileSync(join(repo, 'k8s', 'app.yaml'), readFileSync(fixture('impact', 'new', 'app.yaml')));
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      const run = await runCli(['impact', '-f', 'k8s', '--base-ref', 'HEAD', '-o', 'json']);
      const document = JSON.parse(run.stdout);
      assert.equal(document.base, 'git HEAD');
      assert.equal(document.effects.length, 11);
      const missing = await runCli(['impact', '-f', 'k8s', '--base-ref', 'no-such-ref']);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /git rev-parse --verify no-such-ref\^\{commit\} failed/);
    } finally {
      process.chdir(cwd);
    }
  });

  it('--against-cluster compares with what the cluster runs (fake API server)', async () => {
    const old = loadManifests([fixture('impact', 'old')], { defaultNamespace: 'default' }).objects;
    // the server keeps values: serve the original documents, not the value-less ones
    const raw = readFileSync(fixture('impact', 'old', 'app.yaml'), 'utf8').split('\n---\n').map((text) => JSON.parse(text));
    assert.equal(raw.length, old.length);
    const server = await new FakeApiServer(raw).start();
    try {
      const run = await runCli(['impact', '-f', fixture('impact', 'new'), '--against-cluster', '--kubeconfig', server.kubeconfig(), '-o', 'json', '--secret-keys']);
      const document = JSON.parse(run.stdout);
      // An apply, not a replacement: retired-config stays, and so does the old hashed app-env.
      assert.deepEqual(document.changes.map((change: { config: string; change: string }) => `${change.config}:${change.change}`), [
        'ConfigMap/shop/app-config:modified',
        'ConfigMap/shop/app-env-k7m2t9h5bc:added',
        'ConfigMap/shop/web-files:modified',
        'Secret/shop/db:modified',
      ]);
      const metadataOnly = JSON.parse((await runCli(['impact', '-f', fixture('impact', 'new'), '--against-cluster', '--kubeconfig', server.kubeconfig(), '-o', 'json'])).stdout);
      const db = metadataOnly.changes.find((change: { config: string }) => change.config === 'Secret/shop/db');
      assert.deepEqual([db.valuesCompared, db.keys.changed], [false, ['password', 'user']], 'metadata only: every key may have changed');
    } finally {
      await server.stop();
    }
  });

  it('--against-cluster is an apply: the file replaces its live copy, nothing else is removed, the cluster\'s workloads read it; server defaults are no template change, a new image is', async () => {
    const live = (yaml.loadAll(readFileSync(fixture('impact', 'against-cluster', 'cluster.yaml'), 'utf8')) as Record<string, unknown>[]).filter(Boolean);
    const server = await new FakeApiServer(live).start();
    try {
      const run = await runCli(['impact', '-f', fixture('impact', 'against-cluster', 'change.yaml'), '--against-cluster', '--kubeconfig', server.kubeconfig({ namespace: 'shop' }), '-o', 'json']);
      assert.equal(run.code, 1, run.stderr);
      const document = JSON.parse(run.stdout) as { changes: { config: string; change: string; keys: unknown }[]; effects: { workload: string; outcome: string; keys: string[] }[] };
      assert.deepEqual(document.changes.map((change) => [change.config, change.change, change.keys]), [['ConfigMap/shop/settings', 'modified', { added: [], removed: ['b'], changed: ['a'] }]]);
      assert.deepEqual(document.effects.map((effect) => [effect.workload, effect.outcome, effect.keys]), [
        ['Deployment/shop/reads-b', 'breaks', ['b']],
        ['Deployment/shop/reloaded', 'rolls-on-apply', ['a']],
        ['Deployment/shop/reads-a', 'restart-needed', ['a']],
        ['Deployment/shop/mounted', 'live', ['a']],
      ]);
      assert.deepEqual(server.writes(), []);
    } finally {
      await server.stop();
    }
  });

  it('workloads new in the change: breaks when they read what the change removes or nothing declares, rolls-on-apply when they read changed keys', () => {
    const result = impactOf(fixture('impact', 'new-workloads', 'old'), fixture('impact', 'new-workloads', 'new'));
    assert.deepEqual(result.effects.map((effect) => [effect.workload, effect.config, effect.outcome, effect.keys]), [
      ['Deployment/shop/legacy-bridge', 'ConfigMap/shop/features', 'breaks', ['LEGACY']],
      ['Deployment/shop/reporter', 'Secret/shop/reporter-key', 'breaks', ['key']],
      ['Deployment/shop/worker', 'ConfigMap/shop/features', 'rolls-on-apply', ['FLAG_A']],
      ['Deployment/shop/web', 'ConfigMap/shop/features', 'restart-needed', ['FLAG_A']],
    ]);
    assert.match(result.effects[0]!.why, /new workload: it reads key LEGACY of ConfigMap features, which the change removes/);
    assert.match(result.effects[1]!.why, /new workload: it reads Secret reporter-key, which the change does not declare/);
    assert.equal(impactExitCode(result, 'breaks'), 1);
  });

  it('needs exactly one old side', async () => {
    const run = await runCli(['impact', '-f', fixture('impact', 'new')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /one of --base PATH, --base-ref REF or --against-cluster/);
  });
});
