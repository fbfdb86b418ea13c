import { parseRef } from '../../../model/refs.js';
import { workloadKindOf } from '../../../extract/workload-kinds.js';
import { groupReferences, objectName, placesOf } from '../describe.js';
import { findingAt, type LintRule } from '../types.js';

export const unprotectedRestartReference: LintRule = {
  id: 'unprotected-restart-reference',
  severity: 'warning',
  summary: 'A rolling workload reads a config through env, envFrom or a subPath mount, and nothing restarts it when that config changes.',
  remediation:
    'Running pods keep the old values until they restart, silently. Add a Reloader annotation (reloader.stakater.com/auto: "true"), a checksum/config annotation on the pod template, use a kustomize configMapGenerator (hashed names), mount the config as a volume without subPath, or make it immutable.',
  enabledByDefault: true,
  check(ctx) {
    const { graph, index } = ctx.built;
    const missing = new Set(graph.missing.filter((entry) => entry.key === null).map((entry) => entry.config));
    const candidates = graph.references.filter((reference) => {
      if (reference.update !== 'restart' || reference.protectedBy !== null || missing.has(reference.config)) return false;
      const object = index.extracted.get(reference.workload)?.object;
      return object !== undefined && workloadKindOf(object)?.restart !== 'none';
    });
    return groupReferences(candidates, (reference) => `${reference.workload}\u0000${reference.config}`).map((references) => {
      const first = references[0]!;
      const { kind, name } = parseRef(first.config);
      return findingAt(this, first.workload, first.origin, `${objectName(first.workload)} reads ${kind} ${name} through ${placesOf(references)}; nothing restarts it when the ${kind} changes`);
    });
  },
};
