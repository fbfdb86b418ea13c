import type { BuiltGraph } from '../../graph/build.js';
import type { Finding, Severity } from '../../model/finding.js';
import type { Origin } from '../../model/object.js';
import type { Problem } from '../../model/problem.js';
import type { Ref } from '../../model/refs.js';

export type LintContext = Readonly<{
  built: BuiltGraph;
  problems: readonly Problem[];
  /** `--kube-version` as [major, minor], or null when not given */
  kubeVersion: readonly [number, number] | null;
  /** configs declared elsewhere (`--assume-exists`, `--external`): never missing */
  isExternal: (config: Ref) => boolean;
}>;

export type LintRule = Readonly<{
  id: string;
  severity: Severity;
  /** one line: what the rule finds */
  summary: string;
  /** why it matters and how to fix it; ends with a period */
  remediation: string;
  enabledByDefault: boolean;
  check: (ctx: LintContext) => Finding[];
}>;

/** A finding of `rule` at `origin` (file, line, column when known). */
export function findingAt(rule: Pick<LintRule, 'id' | 'severity'>, object: Ref | null, origin: Origin | null, message: string, severity: Severity = rule.severity): Finding {
  return { rule: rule.id, severity, message, object, file: origin?.file ?? null, line: origin?.line ?? null, column: origin?.column ?? null };
}
