import type { ConfigNode, Graph, Reference, WorkloadNode } from '../model/graph.js';
import type { Origin } from '../model/object.js';

/** The `kstale/v1` Graph document: exactly the fields of DESIGN.md section 5, in that order. */
export function graphDocument(graph: Graph): Record<string, unknown> {
  return {
    apiVersion: 'kstale/v1',
    kind: 'Graph',
    source: graph.source,
    workloads: graph.workloads.map(workloadJson),
    configs: graph.configs.map(configJson),
    references: graph.references.map(referenceJson),
    missing: graph.missing,
    unused: graph.unused,
  };
}

/** The schema's origin is `{file, line}`; the column is kept for lint findings only. */
export function originJson(origin: Origin | null): { file: string; line: number } | null {
  return origin ? { file: origin.file, line: origin.line } : null;
}

export function workloadJson(workload: WorkloadNode): Record<string, unknown> {
  const { ref, kind, namespace, name, origin } = workload;
  return { ref, kind, namespace, name, origin: originJson(origin) };
}

export function configJson(config: ConfigNode): Record<string, unknown> {
  const { ref, kind, namespace, name, keys, immutable, keysFrom, origin, producedBy } = config;
  return { ref, kind, namespace, name, keys, immutable, keysFrom, producedBy: producedBy ?? null, origin: originJson(origin) };
}

export function referenceJson(reference: Reference): Record<string, unknown> {
  const { workload, container, containerType, config, via, key, optional, envVar, prefix, volume, mountPath, subPath, update, protectedBy, origin } = reference;
  return { workload, container, containerType, config, via, key, optional, envVar, prefix, volume, mountPath, subPath, update, protectedBy, origin: originJson(origin) };
}
