import { parseRef } from '../../../model/refs.js';
import { missingHint, missingUses, objectName, placesOf } from '../describe.js';
import { findingAt, type LintRule } from '../types.js';

export const missingConfig: LintRule = {
  id: 'missing-config',
  severity: 'error',
  summary: 'A workload references a ConfigMap or Secret that is not declared in the files.',
  remediation:
    'A pod that needs a missing config does not start (CreateContainerConfigError) unless the reference is optional. Add the ConfigMap or Secret, fix the name, mark the reference `optional: true`, or declare that it comes from elsewhere with --assume-exists or --external.',
  enabledByDefault: true,
  check(ctx) {
    return missingUses(ctx, false).map(({ entry, workload, references, optional }) => {
      const { kind, name } = parseRef(entry.config);
      const message = `${objectName(workload)} reads ${kind} ${name} (${placesOf(references)}), which is not declared${optional ? '; every reference is optional, so the pod still starts' : ''}${missingHint(ctx, entry.config, null)}`;
      return findingAt(this, workload, references[0]?.origin ?? null, message, optional ? 'warning' : 'error');
    });
  },
};
