import { objectName } from '../describe.js';
import { findingAt, type LintRule } from '../types.js';

export const duplicateObject: LintRule = {
  id: 'duplicate-object',
  severity: 'error',
  summary: 'The same object (kind, namespace, name) is declared more than once.',
  remediation:
    'When both copies are applied the last one wins, and its references may not be the ones you reviewed. Keep one declaration, or give the copies different names or namespaces.',
  enabledByDefault: true,
  check(ctx) {
    return [...ctx.built.index.declarations.entries()]
      .filter(([, copies]) => copies.length > 1)
      .flatMap(([ref, copies]) =>
        copies.map((copy, index) => {
          const others = copies.filter((_, other) => other !== index).map((other) => (other.origin ? `${other.origin.file}:${other.origin.line}` : 'the cluster'));
          const shown = others.slice(0, 3).join(', ') + (others.length > 3 ? ` and ${others.length - 3} more` : '');
          return findingAt(this, ref, copy.origin, `${objectName(ref)} is declared ${copies.length} times (also at ${shown})`);
        }),
      );
  },
};
