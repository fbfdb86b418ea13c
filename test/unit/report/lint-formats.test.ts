import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

type Validator = ((data: unknown) => boolean) & { errors?: unknown };
type AjvClass = new (options: Record<string, unknown>) => { compile: (schema: unknown) => Validator };
// ajv-draft-04 is CommonJS with `exports.default` (the schema is JSON Schema draft 04).
const AjvDraft04 = (createRequire(import.meta.url)('ajv-draft-04') as { default: AjvClass }).default;
import { activeRules, type LintReport } from '../../../src/analyses/lint/run-lint.js';
import { LINT_FORMATS } from '../../../src/report/index.js';
import type { LintView } from '../../../src/report/render-lint.js';
import { lintPaths } from '../../helpers/lint.js';
import { fixture, REPO_ROOT } from '../../helpers/paths.js';

const EXTENSION: Record<string, string> = { table: 'txt', json: 'json', sarif: 'sarif.json', github: 'github.txt', junit: 'junit.xml' };
const PLAIN = { color: false, width: 200 };

function assertGolden(name: string, actual: string): void {
  const path = fixture('report', 'lint', name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.CI && !existsSync(path)) assert.fail(`golden file ${path} is missing: run UPDATE_GOLDEN=1 npm test locally`);
    writeFileSync(path, actual);
  }
  assert.equal(actual, readFileSync(path, 'utf8'));
}

/** A report model kept as JSON, so extraction changes do not churn the format goldens. */
function viewFromInput(): LintView {
  const input = JSON.parse(readFileSync(fixture('report', 'lint', 'input.json'), 'utf8')) as Omit<LintReport, 'rules'>;
  return { report: { ...input, rules: activeRules({ disable: [], enable: ['unused-config'] }) }, toolVersion: '0.0.0-test', srcRootUri: 'file:///work/project/' };
}

describe('[U] lint formats', () => {
  it('the input model is a real lint run over every rule fixture', () => {
    process.chdir(REPO_ROOT); // paths as a user in the repository would pass them
    const rules = ['missing-config', 'missing-key', 'invalid-manifest', 'subpath-config-mount', 'unused-config'];
    const report = lintPaths(rules.map((rule) => `fixtures/lint/${rule}/fires`), { enable: ['unused-config'] });
    const input = { findings: report.findings, suppressed: report.suppressed, summary: report.summary };
    assertGolden('input.json', `${JSON.stringify(input, null, 2)}\n`);
  });

  for (const [format, render] of Object.entries(LINT_FORMATS)) {
    it(`lint -o ${format}`, () => assertGolden(`expected.${EXTENSION[format]}`, render(viewFromInput(), PLAIN)));
  }

  it('SARIF output is valid against the SARIF 2.1.0 schema', () => {
    const schema = JSON.parse(readFileSync(fixture('sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
    const validate = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false, validateFormats: false, logger: false }).compile(schema);
    const sarif = JSON.parse(LINT_FORMATS.sarif!(viewFromInput(), PLAIN));
    assert.equal(validate(sarif), true, JSON.stringify(validate.errors, null, 2));
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.ok(sarif.runs[0].tool.driver.rules.every((rule: { help: { text: string } }) => rule.help.text.endsWith('.')));
  });

  it('a clean tree prints one summary line', () => {
    const report = lintPaths([fixture('lint', 'invalid-manifest', 'quiet')]);
    const text = LINT_FORMATS.table!({ report, toolVersion: 'x', srcRootUri: 'file:///' }, PLAIN);
    assert.equal(text, 'kstale lint: no findings in 1 file, 2 objects\n');
  });

  it('github commands escape newlines, commas and colons', () => {
    const view = viewFromInput();
    const finding = { ...view.report.findings[0]!, message: 'a\nb, c: d', file: 'dir/x,y.yaml' };
    const text = LINT_FORMATS.github!({ ...view, report: { ...view.report, findings: [finding] } }, PLAIN);
    assert.match(text, /^::\w+ file=dir\/x%2Cy\.yaml,line=\d+,(col=\d+,)?title=kstale [a-z-]+::a%0Ab, c: d$/m);
  });
});
