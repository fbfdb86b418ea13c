import type { LintReport } from '../analyses/lint/run-lint.js';
import { SEVERITY_RANK, type Finding } from '../model/finding.js';
import { count } from './describe.js';
import { painter, type RenderOptions } from './options.js';

/** What lint renderers need besides the report: set by the CLI, so renderers stay pure. */
export type LintView = Readonly<{ report: LintReport; toolVersion: string; srcRootUri: string }>;

function place(finding: Finding): string {
  if (!finding.file) return '-';
  return `${finding.file}${finding.line ? `:${finding.line}${finding.column ? `:${finding.column}` : ''}` : ''}`;
}

export function lintSummaryLine(report: LintReport): string {
  const s = report.summary;
  const suppressed = s.suppressed > 0 ? ` (${s.suppressed} suppressed)` : '';
  const where = `${count(s.files, 'file')}, ${count(s.objects, 'object')}`;
  if (report.findings.length === 0) return `kstale lint: no findings in ${where}${suppressed}`;
  return `kstale lint: ${count(s.errors, 'error')}, ${count(s.warnings, 'warning')}, ${s.infos} info in ${where}${suppressed}; fails on ${s.failOn}: ${s.failed ? 'FAILED' : 'passed'}`;
}

/** One line per finding (file:line:col severity rule message), like compilers and kube-linter print. */
export function renderLintTable(view: LintView, options: RenderOptions): string {
  const paint = painter(options);
  const colour = { error: paint.red, warning: paint.yellow, info: paint.cyan };
  const lines = view.report.findings.map((finding) => `${place(finding)}: ${colour[finding.severity](finding.severity)} ${paint.dim(`[${finding.rule}]`)} ${finding.message}`);
  return [...lines, ...(lines.length > 0 ? [''] : []), lintSummaryLine(view.report)].join('\n') + '\n';
}

export function lintDocument(view: LintView): Record<string, unknown> {
  return {
    apiVersion: 'kstale/v1',
    kind: 'LintReport',
    findings: view.report.findings.map(({ rule, severity, message, object, file, line, column }) => ({ rule, severity, message, object, file, line, column })),
    summary: view.report.summary,
  };
}

/** GitHub Actions workflow commands: data escapes %, CR, LF; properties also : and ,. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function renderLintGithub(view: LintView): string {
  const command = { error: 'error', warning: 'warning', info: 'notice' };
  const lines = view.report.findings.map((finding) => {
    const properties = [
      ...(finding.file ? [`file=${escapeProperty(finding.file)}`] : []),
      ...(finding.line ? [`line=${finding.line}`] : []),
      ...(finding.column ? [`col=${finding.column}`] : []),
      `title=${escapeProperty(`kstale ${finding.rule}`)}`,
    ];
    return `::${command[finding.severity]} ${properties.join(',')}::${escapeData(finding.message)}`;
  });
  return [...lines, lintSummaryLine(view.report)].join('\n') + '\n';
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * JUnit XML: one testcase per object (or file, for findings that are not about an object), with a
 * failure per finding at or above --fail-on; lower findings go to system-out.
 */
export function renderLintJunit(view: LintView): string {
  const { findings, summary } = view.report;
  const cases = new Map<string, { classname: string; findings: Finding[] }>();
  for (const finding of findings) {
    const name = finding.object ?? finding.file ?? 'input';
    const entry = cases.get(name) ?? { classname: finding.file ?? 'kstale', findings: [] };
    entry.findings.push(finding);
    cases.set(name, entry);
  }
  const failing = (finding: Finding) => SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[summary.failOn];
  const failures = findings.filter(failing).length;
  const body = [...cases.entries()].map(([name, entry]) => {
    const failed = entry.findings.filter(failing).map((finding) => `      <failure type="${xml(finding.rule)}" message="${xml(finding.message)}">${xml(`${place(finding)} ${finding.severity} [${finding.rule}] ${finding.message}`)}</failure>`);
    const notes = entry.findings.filter((finding) => !failing(finding)).map((finding) => `${place(finding)} ${finding.severity} [${finding.rule}] ${finding.message}`);
    const out = notes.length > 0 ? [`      <system-out>${xml(notes.join('\n'))}</system-out>`] : [];
    return [`    <testcase classname="${xml(entry.classname)}" name="${xml(name)}">`, ...failed, ...out, '    </testcase>'].join('\n');
  });
  const passing = Math.max(0, summary.objects - [...cases.keys()].length);
  const passed = passing > 0 ? [`    <testcase classname="kstale" name="${passing} other objects without findings"/>`] : [];
  const tests = cases.size + passed.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kstale lint" tests="${tests}" failures="${failures}">`,
    `  <testsuite name="kstale lint" tests="${tests}" failures="${failures}" errors="0" skipped="0">`,
    ...body,
    ...passed,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
