import { parseRef } from '../../../model/refs.js';
import { missingHint, missingUses, objectName, placesOf } from '../describe.js';
import { findingAt, type LintRule } from '../types.js';

export const missingKey: LintRule = {
  id: 'missing-key',
  severity: 'error',
  summary: 'A workload reads a key that its ConfigMap or Secret does not have.',
  remediation:
    'A required key that is absent stops the container from starting (env) or the volume from mounting (items). Add the key to the config, fix the key name, or mark the reference `optional: true`; an optional absent key is reported as info.',
  enabledByDefault: true,
  check(ctx) {
    return missingUses(ctx, true).map(({ entry, workload, references, optional }) => {
      const { kind, name } = parseRef(entry.config);
      const keys = ctx.built.index.configs.get(entry.config)?.keys ?? [];
      const message = `${objectName(workload)} reads key "${entry.key}" of ${kind} ${name} (${placesOf(references)}), which has no such key${keys.length > 0 ? ` (it has: ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''})` : ''}${optional ? '; the reference is optional' : ''}${missingHint(ctx, entry.config, entry.key)}`;
      return findingAt(this, workload, references[0]?.origin ?? null, message, optional ? 'info' : 'error');
    });
  },
};
