import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, spawnCli } from '../helpers/cli.js';
import { BIN, fixture, REPO_ROOT } from '../helpers/paths.js';

const OVERLAY = 'fixtures/kustomize/overlays/prod';
const withoutOrigins = (text: string) => JSON.parse(JSON.stringify(JSON.parse(text), (key, value) => (key === 'origin' || key === 'source' ? null : value)));

describe('[E] kustomize overlays as a source (-k)', () => {
  it('gives the same graph as kubectl kustomize … | kstale graph -f -, with hashed names protected', async () => {
    const rendered = execFileSync('kubectl', ['kustomize', OVERLAY], { cwd: REPO_ROOT, encoding: 'utf8' });
    const viaStdin = await runCli(['graph', '-f', '-', '-o', 'json', '--now', '2026-11-24T16:00:00Z'], { stdin: rendered });
    const viaK = spawnCli(['graph', '-k', OVERLAY, '-o', 'json', '--now', '2026-11-24T16:00:00Z']);
    assert.equal(viaK.code, 0, viaK.stderr);
    assert.deepEqual(withoutOrigins(viaK.stdout), withoutOrigins(viaStdin.stdout));
    const graph = JSON.parse(viaK.stdout) as { references: { config: string; protectedBy: string | null; origin: { file: string } }[] };
    assert.deepEqual(graph.references.map((reference) => [reference.config.replace(/-[a-z0-9]{10}$/, '-<hash>'), reference.protectedBy]), [
      ['ConfigMap/shop/shared-settings', null],
      ['ConfigMap/shop/web-config-<hash>', 'kustomize-hash'],
      ['Secret/shop/web-secret-<hash>', 'kustomize-hash'],
    ]);
    assert.equal(graph.references[0]!.origin.file, 'fixtures/kustomize/base/deployment.yaml');
  });

  it('lint -k points every finding at the source file and the object\'s line in it, even when the overlay records no origins', () => {
    const copy = mkdtempSync(join(tmpdir(), 'kstale-kustomize-origins-'));
    cpSync(fixture('kustomize'), copy, { recursive: true });
    const overlay = join(copy, 'overlays', 'prod', 'kustomization.yaml');
    writeFileSync(overlay, readFileSync(overlay, 'utf8').replace('buildMetadata: [originAnnotations]\n', ''));
    const github = spawnSync(process.execPath, [BIN, 'lint', '-k', 'overlays/prod', '-o', 'github'], { cwd: copy, encoding: 'utf8' });
    assert.match(github.stdout, /^::warning file=base\/deployment\.yaml,line=1,title=kstale unprotected-restart-reference::/m);
    assert.doesNotMatch(github.stdout, /document \d+/);
    const sarif = JSON.parse(spawnSync(process.execPath, [BIN, 'lint', '-k', 'overlays/prod', '-o', 'sarif'], { cwd: copy, encoding: 'utf8' }).stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    assert.deepEqual([...new Set(sarif.runs[0]!.results.map((result) => result.locations[0]!.physicalLocation.artifactLocation.uri))], ['base/deployment.yaml']);
    const graph = JSON.parse(spawnSync(process.execPath, [BIN, 'graph', '-k', 'overlays/prod', '-o', 'json'], { cwd: copy, encoding: 'utf8' }).stdout) as { configs: { ref: string; origin: { file: string; line: number } }[] };
    assert.deepEqual(graph.configs.map((config) => [config.ref.replace(/-[a-z0-9]{10}$/, '-<hash>'), config.origin.file, config.origin.line]), [
      ['ConfigMap/shop/shared-settings', 'overlays/prod/settings.yaml', 1],
      ['ConfigMap/shop/web-config-<hash>', 'base/kustomization.yaml', 6],
      ['Secret/shop/web-secret-<hash>', 'base/kustomization.yaml', 11],
    ]);
  });

  it('lint -k and who-uses -k read the rendered overlay', () => {
    const lint = spawnCli(['lint', '-k', OVERLAY, '-o', 'json']);
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
    const whoUses = spawnCli(['who-uses', 'cm/shared-settings', '-n', 'shop', '-k', OVERLAY]);
    assert.match(whoUses.stdout, /deployment\/web\s+web\s+region\s+env REGION/);
  });

  it('impact -k overlay --base-ref: the overlay rendered at both revisions (the old one from a git worktree)', () => {
    const repo = mkdtempSync(join(tmpdir(), 'kstale-kustomize-git-'));
    cpSync(fixture('kustomize'), join(repo, 'k8s'), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    const overlay = join(repo, 'k8s', 'overlays', 'prod', 'kustomization.yaml');
    writeFileSync(overlay, readFileSync(overlay, 'utf8').replace('MODE=prod', 'MODE=canary'));
    const run = spawnSync(process.execPath, [BIN, 'impact', '-k', 'k8s/overlays/prod', '--base-ref', 'HEAD', '-o', 'json'], { cwd: repo, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const document = JSON.parse(run.stdout) as { changes: { config: string; change: string; keys: { changed: string[] } }[]; effects: { workload: string; outcome: string }[] };
    assert.deepEqual(document.changes.map((change) => [change.config.replace(/-[a-z0-9]{10}$/, '-<hash>'), change.change, change.keys.changed]), [['ConfigMap/shop/web-config-<hash>', 'renamed', ['MODE']]]);
    assert.deepEqual(document.effects.map((effect) => [effect.workload, effect.outcome]), [['Deployment/shop/web', 'rolls-on-apply']]);
    assert.equal(git('worktree', 'list').trim().split('\n').length, 1, 'the temporary worktree is gone');
  });

  it('without kubectl or kustomize on PATH: one line saying what to install, exit 2', () => {
    const run = spawnCli(['graph', '-k', OVERLAY], { env: { PATH: '/nonexistent' } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^kstale: error: -k fixtures\/kustomize\/overlays\/prod: neither kubectl nor kustomize is installed to render it\n  hint: install kubectl/);
  });
});

describe('[E] Helm charts in a tree', () => {
  const tree = 'fixtures/helm/tree';
  it('without helm: the chart is skipped whole with one notice, never an error per template; the rest is read', () => {
    const run = spawnCli(['lint', tree, '-o', 'json'], { env: { PATH: '/usr/bin:/bin' } });
    assert.match(run.stderr, /^kstale: fixtures\/helm\/tree\/charts\/web: skipped: a Helm chart; helm is not installed to render it \(helm template RELEASE fixtures\/helm\/tree\/charts\/web \| kstale … -f -\)\n$/);
    const findings = (JSON.parse(run.stdout) as { findings: { rule: string; file: string }[] }).findings;
    assert.ok(!findings.some((finding) => finding.rule === 'invalid-manifest'));
    assert.deepEqual(findings.map((finding) => `${finding.rule} ${finding.file}`), ['missing-config fixtures/helm/tree/plain/app.yaml']);
  });

  it('with helm on PATH: rendered with helm template (release from the directory, -n, --helm-values)', () => {
    const path = `${fixture('helm', 'bin')}:${process.env.PATH ?? ''}`;
    const run = spawnCli(['graph', '-f', tree, '-n', 'shop', '--helm-values', 'fixtures/helm/values-prod.yaml', '-o', 'json'], { env: { PATH: path } });
    assert.equal(run.code, 0, run.stderr);
    const graph = JSON.parse(run.stdout) as { configs: { ref: string; origin: { file: string } }[]; references: { workload: string; protectedBy: string | null }[] };
    assert.deepEqual(graph.configs.map((config) => config.ref), ['ConfigMap/shop/web-config']);
    assert.equal(graph.configs[0]!.origin.file, 'fixtures/helm/tree/charts/web (helm template) (document 1)');
    assert.deepEqual(graph.references.map((reference) => [reference.workload, reference.protectedBy]), [['Deployment/shop/web', 'checksum']]);
  });
});
