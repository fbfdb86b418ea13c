import { parseRef } from '../../../model/refs.js';
import { groupReferences, objectName } from '../describe.js';
import { findingAt, type LintRule } from '../types.js';

export const subpathConfigMount: LintRule = {
  id: 'subpath-config-mount',
  severity: 'warning',
  summary: 'A ConfigMap or Secret volume is mounted with subPath, so the mounted file never updates.',
  remediation:
    'The kubelet refreshes config volumes in place, but not subPath mounts: the container keeps the file it started with. Mount the whole volume at a directory (and point the program at the file there), or make sure something restarts the workload on change.',
  enabledByDefault: true,
  check(ctx) {
    const subPathMounts = ctx.built.graph.references.filter((reference) => reference.subPath && reference.protectedBy === null);
    return groupReferences(subPathMounts, (reference) => [reference.workload, reference.container, reference.mountPath, reference.config].join('\u0000')).map((references) => {
      const first = references[0]!;
      const { kind, name } = parseRef(first.config);
      return findingAt(this, first.workload, first.origin, `${objectName(first.workload)}: container ${first.container} mounts ${kind} ${name} at ${first.mountPath} with subPath; the file never updates after the container starts`);
    });
  },
};
