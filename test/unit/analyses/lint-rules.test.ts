import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LINT_RULES } from '../../../src/analyses/lint/rules/index.js';
import { lintPaths } from '../../helpers/lint.js';
import { fixture, REPO_ROOT } from '../../helpers/paths.js';

/** What each rule's fires/ fixtures must give: [file, line, severity] per finding of that rule. */
const EXPECTED: Record<string, [string, number, string][]> = {
  'missing-config': [['web-missing-config.yaml', 13, 'error'], ['web-missing-config.yaml', 37, 'warning']],
  'missing-key': [['web-missing-key.yaml', 21, 'error'], ['web-missing-key.yaml', 24, 'info'], ['web-missing-key.yaml', 28, 'error']],
  'invalid-manifest': [['broken.yaml', 6, 'error'], ['broken.yaml', 7, 'error'], ['broken.yaml', 26, 'error'], ['chart-template.yaml', 4, 'error']],
  'duplicate-object': [['one.yaml', 1, 'error'], ['two.yaml', 1, 'error']],
  'unprotected-restart-reference': [['web-unprotected.yaml', 20, 'warning'], ['web-unprotected.yaml', 36, 'warning']],
  'subpath-config-mount': [['web-subpath.yaml', 22, 'warning']],
  'reloader-misconfigured': [['web-reloader-mistakes.yaml', 6, 'warning'], ['web-reloader-mistakes.yaml', 15, 'warning'], ['web-reloader-mistakes.yaml', 31, 'warning'], ['web-reloader-mistakes.yaml', 47, 'warning'], ['web-reloader-mistakes.yaml', 63, 'warning']],
  'unused-config': [['unused.yaml', 1, 'info']],
  'invalid-env-name': [['web-invalid-env.yaml', 25, 'warning']],
};

const ALL_ON = { enable: ['unused-config'], kubeVersion: [1, 31] as [number, number] };

describe('[U] lint rules: each fires on its fixtures and stays quiet on the dont-fire ones', () => {
  for (const rule of LINT_RULES) {
    it(`${rule.id} fires exactly where expected`, () => {
      const report = lintPaths([fixture('lint', rule.id, 'fires')], ALL_ON);
      const found = report.findings.filter((finding) => finding.rule === rule.id).map((finding) => [basename(finding.file ?? ''), finding.line, finding.severity]);
      assert.deepEqual(found, EXPECTED[rule.id]);
    });

    it(`${rule.id} is quiet on dont-fire objects`, () => {
      const report = lintPaths([fixture('lint', rule.id, 'quiet')], ALL_ON);
      assert.deepEqual(report.findings.filter((finding) => finding.rule === rule.id), []);
    });
  }

  it('invalid-env-name applies only below Kubernetes 1.32', () => {
    const path = fixture('lint', 'invalid-env-name', 'fires');
    assert.equal(lintPaths([path], { kubeVersion: [1, 32] }).findings.filter((finding) => finding.rule === 'invalid-env-name').length, 0);
    assert.equal(lintPaths([path]).findings.filter((finding) => finding.rule === 'invalid-env-name').length, 0);
  });

  it('--external and --assume-exists patterns silence missing configs', () => {
    const path = fixture('lint', 'missing-config', 'fires');
    const rules = (external: string[]) => lintPaths([path], { external }).findings.filter((finding) => finding.rule === 'missing-config').length;
    assert.equal(rules([]), 2);
    assert.equal(rules(['secret/db-credentials']), 1);
    assert.equal(rules(['secret/shop/db-*', 'cm/*']), 0);
    assert.equal(rules(['secret/staging/db-credentials']), 2);
  });

  it('kstale.io/ignore on an object suppresses the rule for it; the summary counts it', () => {
    const report = lintPaths([fixture('lint', 'subpath-config-mount', 'fires')]);
    assert.deepEqual(report.findings.map((finding) => finding.rule), ['subpath-config-mount']);
    assert.deepEqual(report.suppressed.map((finding) => finding.rule), ['unprotected-restart-reference']);
    assert.equal(report.summary.suppressed, 1);
  });

  it('--disable turns a rule off; --fail-on decides what fails', () => {
    const path = fixture('lint', 'missing-key', 'fires');
    assert.equal(lintPaths([path]).summary.failed, true);
    assert.equal(lintPaths([path], { disable: ['missing-key'] }).summary.failed, false);
    const warningsOnly = fixture('lint', 'subpath-config-mount', 'fires');
    assert.equal(lintPaths([warningsOnly]).summary.failed, false);
    assert.equal(lintPaths([warningsOnly], { failOn: 'warning' }).summary.failed, true);
  });
});

describe('[U] lint rule registry (meta)', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

  it('rule ids are unique', () => {
    const ids = LINT_RULES.map((rule) => rule.id);
    assert.deepEqual(ids, [...new Set(ids)]);
  });

  for (const rule of LINT_RULES) {
    it(`${rule.id}: fixtures fires/ and quiet/, a remediation sentence, a README row`, () => {
      for (const kind of ['fires', 'quiet']) {
        const dir = fixture('lint', rule.id, kind);
        assert.ok(existsSync(dir) && readdirSync(dir).length > 0, `missing ${dir}`);
      }
      assert.match(rule.remediation, /\.$/);
      assert.match(rule.summary, /\S/);
      assert.ok(readme.includes(`| \`${rule.id}\` |`), `README has no row for ${rule.id}`);
    });
  }

  it('every fixture folder belongs to a rule', () => {
    assert.deepEqual(readdirSync(fixture('lint')).sort(), LINT_RULES.map((rule) => rule.id).sort());
  });
});
