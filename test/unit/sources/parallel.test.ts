import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifests, loadManifestsInParallel, type LoadedObjects, type ManifestOptions } from '../../../src/sources/manifests/index.js';
import type { K8sObject } from '../../../src/model/object.js';
import { defaultJobs } from '../../../src/sources/manifests/parallel.js';
import { CORPUS, FIXTURES, REAL_DUMP_FILE, REPO_ROOT, needsShared } from '../../helpers/paths.js';
import { runCli } from '../../helpers/cli.js';
import { TEST_NOW } from '../../helpers/graph.js';

/*
 * Parsing on several threads (issue 21) must give exactly what one thread gives: the same
 * objects in the same order, the same problems, and the same line and column for every node a
 * rule may point at.
 */

const OPTIONS: ManifestOptions = { defaultNamespace: 'default', readStdin: () => '' };

/** Every mapping and sequence of an object with its position, in walk order. */
function positionsOf(object: K8sObject): string[] {
  const found: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (typeof node !== 'object' || node === null) return;
    const at = object.positionOf?.(node);
    found.push(`${path} ${at ? `${at.line}:${at.column}` : '-'}`);
    for (const [key, value] of Object.entries(node)) walk(value, `${path}/${key}`);
  };
  walk(object.raw, '');
  return found;
}

const withoutFunctions = (loaded: LoadedObjects) => ({ problems: loaded.problems, objects: loaded.objects.map(({ positionOf: _positions, ...object }) => object) });

async function assertSameAsOneThread(paths: string[], options: ManifestOptions = OPTIONS, jobs = 3): Promise<LoadedObjects> {
  const one = loadManifests(paths, options);
  const many = await loadManifestsInParallel(paths, { ...options, jobs, minBytes: 0, splitLists: true });
  assert.deepEqual(withoutFunctions(many), withoutFunctions(one));
  assert.deepEqual(many.objects.map(positionsOf), one.objects.map(positionsOf));
  return many;
}

describe('[U] parsing on several threads', () => {
  it('reads the demo manifests and the real dump exactly as one thread does', async () => {
    const loaded = await assertSameAsOneThread([join(FIXTURES, 'demo', 'manifests')]);
    assert.ok(loaded.objects.length > 10);
    await assertSameAsOneThread([REAL_DUMP_FILE]);
    await assertSameAsOneThread([REAL_DUMP_FILE], { ...OPTIONS, slim: true });
    await assertSameAsOneThread([join(FIXTURES, 'demo', 'manifests')], { ...OPTIONS, digestValues: true });
  });

  it('keeps what JSON cannot carry, broken documents, duplicate keys, aliases and Windows lines as one thread reads them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstale-parallel-'));
    const files: Record<string, string> = {
      'a-nan.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\ndata:\n  ratio: .nan\n  limit: .inf\n  zero: -0.0\n',
      'b-broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\nkind: [unclosed\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: after\nspec:\n  containers:\n  - name: app\n    envFrom:\n    - configMapRef: {name: ok}\n',
      'c-duplicate.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  name: web2\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        env:\n        - name: A\n          valueFrom: {configMapKeyRef: {name: cfg, key: k}}\n',
      'd-alias.yaml': 'apiVersion: v1\nkind: List\nitems:\n- &pod\n  apiVersion: v1\n  kind: Pod\n  metadata: {name: p1}\n  spec: {containers: [{name: app, envFrom: [{secretRef: {name: s}}]}]}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p2}\n  spec:\n    <<: {containers: [{name: app}]}\n',
      'e-windows.yaml': '\ufeffapiVersion: v1\r\nkind: Secret\r\nmetadata:\r\n  name: win\r\ndata:\r\n  k: dmFsdWU=\r\n---\r\n# only a comment\r\n',
      'f-proto.json': '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "proto", "annotations": {"__proto__": "x"}}, "data": {"1": "a", "b": "c"}}',
      'g-not-kubernetes.yaml': 'just: data\n',
      'h-empty.yaml': '',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'kustomization.yaml'), 'resources: []\n');
    const loaded = await assertSameAsOneThread([dir, join(dir, 'missing.yaml')]);
    assert.ok(loaded.problems.some((problem) => problem.message.includes('duplicated mapping key')));
    assert.ok(loaded.problems.some((problem) => problem.code === 'unreadable'));
    const odd = loaded.objects.find((object) => object.name === 'odd')!;
    assert.ok(odd, 'the file with .nan is read (on this thread)');
  });

  it('uses workers by default only from 4 cores on, and at most 8', () => {
    assert.deepEqual([1, 2, 3, 4, 6, 8, 64].map((cores) => defaultJobs(cores)), [1, 1, 1, 4, 6, 8, 8]);
  });

  it('refuses a --jobs that is not a positive whole number, in one line', async () => {
    for (const bad of ['0', '-1', '1.5', 'many']) {
      const run = await runCli(['lint', join(FIXTURES, 'demo', 'manifests'), '--jobs', bad]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, new RegExp(`^kstale: error: --jobs "${bad.replace('.', '\\.')}" is not a positive whole number`));
    }
  });

  it('with one job, or less to read than the threshold, is the one-thread reader', async () => {
    const paths = [join(FIXTURES, 'demo', 'manifests')];
    assert.deepEqual(withoutFunctions(await loadManifestsInParallel(paths, { ...OPTIONS, jobs: 1 })), withoutFunctions(loadManifests(paths, OPTIONS)));
    assert.deepEqual(withoutFunctions(await loadManifestsInParallel(paths, { ...OPTIONS, jobs: 4 })), withoutFunctions(loadManifests(paths, OPTIONS)));
  });
});

describe('[U] a large dump read in ranges of items', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kstale-ranges-'));
    const made = spawnSync(process.execPath, [join(REPO_ROOT, 'test/bench/generate.mjs'), '--pods', '1500', '--out', dir], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
  });

  it('gives the objects one thread gives, slimmed as audit reads them', async () => {
    const dump = join(dir, 'dump.json');
    const loaded = await assertSameAsOneThread([dump], { ...OPTIONS, slim: true }, 2);
    assert.ok(loaded.objects.length > 5000);
    await assertSameAsOneThread([dump], { ...OPTIONS, slim: true }, 5);
    const oneNamespace = await assertSameAsOneThread([dump], { ...OPTIONS, slim: true, onlyNamespace: 'team-1' }, 3);
    assert.ok(oneNamespace.objects.every((object) => object.namespace === 'team-1' || object.kind === 'Deployment'));
    assert.ok(oneNamespace.objects.some((object) => object.kind === 'Pod'));
  });

  it('falls back to the whole file when the layout is not one item per line block, or an item is broken', async () => {
    const whole = JSON.parse(readFileSync(join(dir, 'dump.json'), 'utf8')) as { items: unknown[] };
    const compact = join(dir, 'compact.json');
    writeFileSync(compact, JSON.stringify(whole));
    await assertSameAsOneThread([compact], { ...OPTIONS, slim: true }, 2);
    const broken = join(dir, 'broken.json');
    const text = JSON.stringify(whole, null, 2);
    const middle = text.indexOf('"kind": "Pod"', text.length / 2);
    writeFileSync(broken, `${text.slice(0, middle)}"kind": Pod${text.slice(middle + '"kind": "Pod"'.length)}`);
    const loaded = await assertSameAsOneThread([broken], { ...OPTIONS, slim: true }, 2);
    assert.equal(loaded.objects.length, 0);
    assert.match(loaded.problems[0]!.message, /invalid YAML\/JSON/);
  });

  it('gives byte-identical audit output with --jobs 1 and --jobs 2', async () => {
    const dump = join(dir, 'dump.json');
    const one = await runCli(['audit', '-A', '-f', dump, '-o', 'json', '--now', TEST_NOW, '--exit-zero', '--jobs', '1']);
    const two = await runCli(['audit', '-A', '-f', dump, '-o', 'json', '--now', TEST_NOW, '--exit-zero', '--jobs', '2']);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.stdout, one.stdout);
    assert.equal(two.stderr, one.stderr);
    const whoUses = async (jobs: string) => runCli(['who-uses', 'cm/cfg-1', '-n', 'team-1', '-f', dump, '-o', 'json', '--now', TEST_NOW, '--jobs', jobs]);
    const [whoOne, whoTwo] = [await whoUses('1'), await whoUses('2')];
    assert.equal(whoOne.code, 0, whoOne.stderr);
    assert.equal(whoTwo.stdout, whoOne.stdout);
  });
});

describe('[U] the corpus on several threads', needsShared(CORPUS), () => {
  it('is read exactly as one thread reads it, and lints to the same bytes', async () => {
    await assertSameAsOneThread([CORPUS]);
    const one = await runCli(['lint', CORPUS, '-o', 'json', '--jobs', '1']);
    const two = await runCli(['lint', CORPUS, '-o', 'json', '--jobs', '2']);
    assert.equal(two.stdout, one.stdout);
    assert.equal(two.code, one.code);
  });
});

describe('[U] a large dump read for one namespace', () => {
  it('leaves out only objects of other namespaces that would be read without a word, keeping every message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstale-one-namespace-'));
    const filler = 'x'.repeat(200);
    const items: unknown[] = [];
    for (let index = 0; index < 40_000; index++) {
      items.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${index}`, namespace: index % 2 ? 'other' : 'shop', annotations: { filler } }, data: { k: 'v' } });
    }
    items.push(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'other' } },
      { apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'old', namespace: 'other' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'reloader', namespace: 'other' }, spec: { template: { spec: { containers: [{ name: 'r', image: 'ghcr.io/stakater/reloader:v1.4.0' }] } } } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'no-namespace' } },
      { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { namespace: 'other' }, items: [{ apiVersion: 'v1', kind: 'ConfigMap' }] },
    );
    const dump = join(dir, 'dump.json');
    writeFileSync(dump, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2));
    const options: ManifestOptions = { defaultNamespace: 'shop', readStdin: () => '', slim: true };
    const all = loadManifests([dump], options);
    const one = loadManifests([dump], { ...options, onlyNamespace: 'shop' });
    assert.deepEqual(one.problems, all.problems);
    assert.deepEqual(all.problems.map((problem) => problem.message.slice(0, 30)), ['ConfigMap has no metadata.name', 'Deployment old: apiVersion app', 'ConfigMap has no metadata.name']);
    const kept = (loaded: LoadedObjects) => withoutFunctions(loaded).objects.filter((object) => object.namespace === 'shop' || object.kind === 'Deployment');
    assert.deepEqual(withoutFunctions(one).objects, kept(all));
    assert.equal(one.objects.filter((object) => object.namespace === 'other').map((object) => object.name).join(','), 'old,reloader');
  });

  it('answers who-uses -n on a dump as before, reading far less', async () => {
    const dump = REAL_DUMP_FILE;
    const asked = await runCli(['who-uses', 'secret/db-credentials', '-n', 'shop', '-f', dump, '-o', 'json', '--now', TEST_NOW]);
    assert.equal(asked.code, 0, asked.stderr);
    assert.match(asked.stdout, /db-credentials/);
  });
});
