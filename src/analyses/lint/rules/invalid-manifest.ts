import { objectName } from '../describe.js';
import { findingAt, type LintRule } from '../types.js';

export const invalidManifest: LintRule = {
  id: 'invalid-manifest',
  severity: 'error',
  summary: 'A file or document cannot be read as a Kubernetes object (YAML/JSON syntax, not an object, no kind or name, an unrendered template, a reference without a name).',
  remediation:
    'kubectl would refuse the document, so nothing in it is checked. Fix the syntax or the missing field; render Helm charts first (helm template … | kstale lint -); `{{ }}` inside quoted strings is fine.',
  enabledByDefault: true,
  check(ctx) {
    const fromProblems = ctx.problems
      .filter((problem) => problem.severity !== 'notice')
      .map((problem) => findingAt(this, null, problem.file ? { file: problem.file, line: problem.line ?? 1 } : null, problem.message, problem.severity === 'error' || problem.refused ? 'error' : 'warning'));
    const unnamed = ctx.built.index.unnamed.map((reference) =>
      findingAt(this, reference.workload, reference.origin, `${objectName(reference.workload)}: ${reference.field} is empty; the API server rejects a reference without a name`),
    );
    return [...fromProblems, ...unnamed];
  },
};
