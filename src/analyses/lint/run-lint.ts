import { SEVERITY_RANK, type Finding, type Severity } from '../../model/finding.js';
import { annotationsOf } from '../../model/object.js';
import { compareStrings } from '../../graph/missing.js';
import { LINT_RULES } from './rules/index.js';
import type { LintContext, LintRule } from './types.js';

/** `kstale.io/ignore: "rule-a,rule-b"` on an object silences those rules for it ("all" for every rule). */
export const IGNORE_ANNOTATION = 'kstale.io/ignore';

export type LintSelection = Readonly<{ disable: readonly string[]; enable: readonly string[]; failOn: Severity }>;

export type LintReport = Readonly<{
  findings: readonly Finding[];
  suppressed: readonly Finding[];
  rules: readonly LintRule[];
  summary: Readonly<{ files: number; objects: number; errors: number; warnings: number; infos: number; suppressed: number; failOn: Severity; failed: boolean }>;
}>;

export function activeRules(selection: Pick<LintSelection, 'disable' | 'enable'>): LintRule[] {
  return LINT_RULES.filter((rule) => !selection.disable.includes(rule.id) && (rule.enabledByDefault || selection.enable.includes(rule.id)));
}

function isSuppressed(finding: Finding, ctx: LintContext): boolean {
  if (finding.object === null) return false;
  const copies = ctx.built.index.declarations.get(finding.object) ?? [];
  return copies.some((copy) => {
    const rules = (annotationsOf(copy.raw)[IGNORE_ANNOTATION] ?? '').split(',').map((rule) => rule.trim());
    return rules.includes(finding.rule) || rules.includes('all');
  });
}

function compareFindings(a: Finding, b: Finding): number {
  return compareStrings(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || compareStrings(a.rule, b.rule) || compareStrings(a.message, b.message);
}

/** Runs the selected rules; findings are sorted by place, suppressed ones kept apart for the summary. */
export function runLint(ctx: LintContext, selection: LintSelection): LintReport {
  const rules = activeRules(selection);
  const all = rules.flatMap((rule) => rule.check(ctx)).sort(compareFindings);
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const finding of all) (isSuppressed(finding, ctx) ? suppressed : findings).push(finding);
  const count = (severity: Severity) => findings.filter((finding) => finding.severity === severity).length;
  const files = new Set([...ctx.built.index.objects.map((object) => object.origin?.file), ...ctx.problems.map((problem) => problem.file)].filter(Boolean));
  return {
    findings,
    suppressed,
    rules,
    summary: {
      files: files.size,
      objects: ctx.built.index.objects.length,
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
      suppressed: suppressed.length,
      failOn: selection.failOn,
      failed: findings.some((finding) => SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[selection.failOn]),
    },
  };
}
