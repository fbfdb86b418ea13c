import { objectName } from '../describe.js';
import { findingAt, type LintRule } from '../types.js';

export const unusedConfig: LintRule = {
  id: 'unused-config',
  severity: 'info',
  summary: 'A ConfigMap or Secret is used by no workload, Ingress or ServiceAccount in the files (off by default: --enable unused-config).',
  remediation:
    'An unused config may be dead weight, or read by something kstale cannot see (an operator, an application through the API). Delete it, or silence it with the annotation kstale.io/ignore: "unused-config".',
  enabledByDefault: false,
  check(ctx) {
    const { graph, index } = ctx.built;
    return graph.unused.map((ref) => findingAt(this, ref, index.configs.get(ref)?.origin ?? null, `${objectName(ref)} is not used by any workload, Ingress or ServiceAccount in the files`));
  },
};
