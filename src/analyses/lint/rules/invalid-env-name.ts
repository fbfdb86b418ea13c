import { keysKnown } from '../../../model/graph.js';
import { parseRef } from '../../../model/refs.js';
import { objectName, referencePlace } from '../describe.js';
import { findingAt, type LintRule } from '../types.js';

/** The env var name rule before Kubernetes 1.32 relaxed it (RelaxedEnvironmentVariableValidation). */
export const CLASSIC_ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const RELAXED_FROM: readonly [number, number] = [1, 32];

export function isBefore(version: readonly [number, number], than: readonly [number, number]): boolean {
  return version[0] < than[0] || (version[0] === than[0] && version[1] < than[1]);
}

export const invalidEnvName: LintRule = {
  id: 'invalid-env-name',
  severity: 'warning',
  summary: 'An envFrom config has keys that are not valid environment variable names before Kubernetes 1.32 (applies with --kube-version below 1.32).',
  remediation:
    'Before 1.32 the kubelet skips such keys silently (an InvalidEnvironmentVariableNames event), so the variable is simply not set. Rename the keys, add a prefix that makes them valid, or read them one by one with env[].valueFrom.',
  enabledByDefault: true,
  check(ctx) {
    if (ctx.kubeVersion === null || !isBefore(ctx.kubeVersion, RELAXED_FROM)) return [];
    const { graph, index } = ctx.built;
    return graph.references
      .filter((reference) => reference.via === 'envFrom')
      .flatMap((reference) => {
        const config = index.configs.get(reference.config);
        if (!config || !keysKnown(config)) return [];
        const invalid = config.keys.filter((key) => !CLASSIC_ENV_NAME.test(`${reference.prefix ?? ''}${key}`));
        if (invalid.length === 0) return [];
        const { kind, name } = parseRef(reference.config);
        const shown = invalid.slice(0, 5).map((key) => `"${key}"`).join(', ') + (invalid.length > 5 ? ` and ${invalid.length - 5} more` : '');
        return [findingAt(this, reference.workload, reference.origin, `${objectName(reference.workload)}: ${referencePlace(reference)} of ${kind} ${name} skips keys that are not valid env var names before Kubernetes 1.32: ${shown}`)];
      });
  },
};
