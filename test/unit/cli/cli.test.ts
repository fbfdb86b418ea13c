import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigTarget } from '../../../src/cli/target.js';
import { runCli } from '../../helpers/cli.js';
import { fixture } from '../../helpers/paths.js';

const APP = fixture('graph', 'app.yaml');

describe('[U] who-uses target spellings', () => {
  for (const spelling of ['configmap/x', 'configmaps/x', 'cm/x', 'ConfigMap/x', 'CM/x']) {
    it(`${spelling} is a ConfigMap`, () => assert.deepEqual(parseConfigTarget(spelling), { kind: 'ConfigMap', name: 'x' }));
  }
  for (const spelling of ['secret/y', 'secrets/y', 'Secret/y']) {
    it(`${spelling} is a Secret`, () => assert.deepEqual(parseConfigTarget(spelling), { kind: 'Secret', name: 'y' }));
  }
  it('a bare name needs --kind', () => {
    assert.deepEqual(parseConfigTarget('x', 'cm'), { kind: 'ConfigMap', name: 'x' });
    assert.throws(() => parseConfigTarget('x'), /names no kind/);
    assert.throws(() => parseConfigTarget('deployment/x'), /not a ConfigMap or Secret kind/);
  });
});

describe('[I] CLI in-process', () => {
  it('who-uses answers for the namespace given with -n', async () => {
    const run = await runCli(['who-uses', 'cm/app-config', '-n', 'shop', '-f', APP]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^ConfigMap shop\/app-config \(2 keys\): used by 1 workload, 2 references/);
    assert.equal(run.stderr, 'kstale: warning: key c of ConfigMap shop/app-config does not exist: pods that need it fail to start (CreateContainerConfigError)\n', 'problems go to stderr; stdout is the answer');
  });

  it('without -n on files, who-uses looks in every namespace of the files (README "Namespaces")', async () => {
    const run = await runCli(['who-uses', 'cm/app-config', '-f', APP]);
    assert.match(run.stdout, /^ConfigMap other\/app-config/m);
    assert.match(run.stdout, /^ConfigMap shop\/app-config/m);
  });

  it('a name that exists nowhere is an error naming the near ones, exit 2 (as kubectl get cm nope is NotFound)', async () => {
    const run = await runCli(['who-uses', 'cm/app-confg', '-n', 'shop', '-f', APP]);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^kstale: error: configmap "app-confg" not found in namespace shop: not declared, and nothing references it\n  hint: did you mean configmap\/app-config\?\n$/);
    const key = await runCli(['who-uses', 'cm/app-config', '-n', 'shop', '--key', 'NOPE', '-f', APP]);
    assert.equal(key.code, 2);
    assert.match(key.stderr, /"NOPE" is not a key of configmap\/app-config in namespace shop, and nothing reads it\n  hint: its keys: /);
  });

  it('-o json is the WhoUses document', async () => {
    const run = await runCli(['who-uses', 'secret/db', '-n', 'shop', '-f', APP, '-o', 'json']);
    const document = JSON.parse(run.stdout);
    assert.equal(document.kind, 'WhoUses');
    assert.equal(document.declared, true);
    assert.deepEqual(document.summary, { workloads: 1, references: 1, restart: 1, live: 0, none: 0, unprotectedRestart: 1 });
  });

  it('an unknown output format is a usage error naming the allowed ones', async () => {
    const run = await runCli(['graph', '-f', APP, '-o', 'xml']);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'kstale: error: unknown output format "xml"\n  hint: allowed: table, wide, json, yaml, dot, mermaid\n');
  });

  it('a bad --now is a usage error', async () => {
    const run = await runCli(['graph', '-f', APP, '--now', 'yesterday']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--now "yesterday" is not an RFC 3339 time/);
  });

  it('--now fixes the time in the output', async () => {
    const run = await runCli(['graph', '-f', APP, '-o', 'json', '--now', '2026-01-02T03:04:05Z']);
    assert.equal(JSON.parse(run.stdout).source.now, '2026-01-02T03:04:05Z');
  });

  it('an unknown command or option exits 2', async () => {
    assert.equal((await runCli(['frobnicate'])).code, 2);
    assert.equal((await runCli(['graph', '--frobnicate'])).code, 2);
  });

  it('--help and --version exit 0', async () => {
    const help = await runCli(['who-uses', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:\n  kstale who-uses configmap\/app-config -n shop -f k8s\//);
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('colour only on a terminal, never with NO_COLOR or --no-color', async () => {
    const args = ['graph', '-f', APP];
    assert.match((await runCli(args, { tty: true })).stdout, /\u001b\[/);
    assert.doesNotMatch((await runCli(args, { tty: false })).stdout, /\u001b\[/);
    assert.doesNotMatch((await runCli(args, { tty: true, env: { NO_COLOR: '1' } })).stdout, /\u001b\[/);
    assert.doesNotMatch((await runCli([...args, '--no-color'], { tty: true })).stdout, /\u001b\[/);
  });

  it('reads stdin with -f -', async () => {
    const run = await runCli(['graph', '-f', '-', '-o', 'json'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: piped\n' });
    assert.deepEqual(JSON.parse(run.stdout).configs.map((config: { ref: string }) => config.ref), ['ConfigMap/default/piped']);
  });

  it('without -f and without any kubeconfig it says so (client-node would silently try localhost:8080)', async () => {
    const run = await runCli(['graph'], { env: { HOME: '/nonexistent-home' } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^kstale: error: no kubeconfig found: looked at KUBECONFIG \(unset\), \/nonexistent-home\/.kube\/config, in-cluster service account\n  hint: /);
  });
});

describe('[I] lint CLI', () => {
  it('exit 1 when an error finding remains, 0 with --disable, 0 on warnings unless --fail-on warning', async () => {
    const fires = fixture('lint', 'missing-key', 'fires');
    assert.equal((await runCli(['lint', fires])).code, 1);
    assert.equal((await runCli(['lint', fires, '--disable', 'missing-key'])).code, 0);
    assert.equal((await runCli(['lint', fixture('lint', 'subpath-config-mount', 'fires')])).code, 0);
    assert.equal((await runCli(['lint', fixture('lint', 'subpath-config-mount', 'fires'), '--fail-on', 'warning'])).code, 1);
  });

  it('unused-config (off by default) finds the unused ConfigMap only when enabled', async () => {
    const path = 'fixtures/lint/unused-config/fires';
    assert.match((await runCli(['lint', path, '--enable', 'unused-config'])).stdout, /info \[unused-config\] ConfigMap shop\/leftover-config is not used/);
    assert.match((await runCli(['lint', path])).stdout, /^kstale lint: no findings in 1 file, 1 object$/m);
  });

  it('--debug is taken by every command, lint and impact included, before or after its name', async () => {
    const path = 'fixtures/lint/unused-config/fires';
    for (const args of [['lint', path, '--debug'], ['--debug', 'lint', path], ['impact', '-f', path, '--base', path, '--debug']]) {
      const run = await runCli(args);
      assert.doesNotMatch(run.stderr, /unknown option/, args.join(' '));
      assert.notEqual(run.code, 2, args.join(' '));
    }
  });

  it('an invalid document is a finding (exit 1), not a crash', async () => {
    const run = await runCli(['lint', fixture('bad-input', 'one-bad-document.yaml')]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /one-bad-document\.yaml:11: error \[invalid-manifest\]/);
  });

  it('exit 2 when nothing could be read, or for an unknown rule', async () => {
    assert.equal((await runCli(['lint', 'no/such/dir'])).code, 2);
    const unknown = await runCli(['lint', APP, '--disable', 'missing-keys']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--disable: unknown rule "missing-keys"\n  hint: rules: missing-config, missing-key/);
  });

  it('--explain prints why and how to fix', async () => {
    const run = await runCli(['lint', '--explain', 'subpath-config-mount']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^subpath-config-mount \(warning\)\n\nA ConfigMap or Secret volume is mounted with subPath/);
  });

  it('reads stdin with -', async () => {
    const run = await runCli(['lint', '-', '-o', 'json'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: piped\n' });
    assert.equal(JSON.parse(run.stdout).summary.objects, 1);
  });

  it('a bad --kube-version or --external is a usage error', async () => {
    assert.equal((await runCli(['lint', APP, '--kube-version', 'latest'])).code, 2);
    assert.equal((await runCli(['lint', APP, '--external', 'deployment/x'])).code, 2);
  });
});

describe('[I] audit CLI', () => {
  const DUMP = fixture('demo', 'cluster-dump.json');

  it('exit 1 when stale pods exist, 0 with --exit-zero', async () => {
    const run = await runCli(['audit', '-f', DUMP, '-A', '--now', '2026-11-24T16:00:00Z']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^8 of 9 running pods stale in 6 workloads; 0 missing configs or keys \(\+1 optional\); 12 restart-needed references unprotected\n/);
    assert.equal((await runCli(['audit', '-f', DUMP, '-A', '--exit-zero'])).code, 0);
  });

  it('-o json is the Audit document with stale entries', async () => {
    const document = JSON.parse((await runCli(['audit', '-f', DUMP, '-A', '-o', 'json', '--now', '2026-11-24T16:00:00Z'])).stdout);
    assert.equal(document.kind, 'Audit');
    assert.deepEqual(Object.keys(document.stale[0]), ['pod', 'workload', 'container', 'config', 'key', 'via', 'startedAt', 'changedAt', 'precision', 'protectedBy']);
    assert.doesNotMatch(JSON.stringify(document), /"data":|stringData/);
  });

  it('--unused adds the configs nothing uses, in JSON and in the table; without it the list is empty', async () => {
    const audit = async (...extra: string[]) => runCli(['audit', '-f', DUMP, '-A', '--now', '2026-11-24T16:00:00Z', '--exit-zero', ...extra]);
    assert.deepEqual(JSON.parse((await audit('-o', 'json', '--unused')).stdout).unused, ['ConfigMap/kube-system/extension-apiserver-authentication']);
    assert.deepEqual(JSON.parse((await audit('-o', 'json')).stdout).unused, []);
    assert.match((await audit('--unused')).stdout, /^Unused configs: configmap\/extension-apiserver-authentication \(ns kube-system\)$/m);
    assert.doesNotMatch((await audit()).stdout, /Unused configs/);
  });

  it('-n and -l narrow the pods audited', async () => {
    const shop = await runCli(['audit', '-f', DUMP, '-n', 'shop', '--now', '2026-11-24T16:00:00Z']);
    assert.match(shop.stdout, /^5 of 6 running pods stale in 3 workloads/);
    const web = await runCli(['audit', '-f', DUMP, '-A', '-l', 'app=storefront', '--now', '2026-11-24T16:00:00Z']);
    assert.match(web.stdout, /^2 of 2 running pods stale in 1 workload/);
    assert.equal((await runCli(['audit', '-f', DUMP, '-l', 'a b c'])).code, 2);
  });

  it('who-uses on a dump adds stale pod counts per workload', async () => {
    const run = await runCli(['who-uses', 'cm/storefront-config', '-n', 'shop', '-f', DUMP, '--now', '2026-11-24T16:00:00Z', '-o', 'json']);
    assert.deepEqual(JSON.parse(run.stdout).pods['Deployment/shop/storefront'], { pods: 2, stale: 2 });
  });
});
