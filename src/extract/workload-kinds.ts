import { apiGroupOf, isRecord, type K8sObject } from '../model/object.js';

/** How `kstale restart` can restart a kind: as `kubectl rollout restart` does, Argo's restartAt, or not at all. */
export type RestartMethod = 'rollout' | 'restartAt' | 'none';

export type WorkloadKind = Readonly<{
  kind: string;
  /** API groups that serve the kind ('' is the core group); old groups are kept for old manifests. */
  groups: readonly string[];
  podSpecPath: readonly string[];
  restart: RestartMethod;
  /** Why it is not restarted directly; empty when it is. */
  reason: string;
}>;

const TEMPLATE_SPEC = ['spec', 'template', 'spec'] as const;

/** Every kind that carries a pod spec (DESIGN.md section 1). A new kind is one row plus one fixture. */
export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  { kind: 'Deployment', groups: ['apps', 'extensions'], podSpecPath: TEMPLATE_SPEC, restart: 'rollout', reason: '' },
  { kind: 'StatefulSet', groups: ['apps'], podSpecPath: TEMPLATE_SPEC, restart: 'rollout', reason: '' },
  { kind: 'DaemonSet', groups: ['apps', 'extensions'], podSpecPath: TEMPLATE_SPEC, restart: 'rollout', reason: '' },
  { kind: 'Rollout', groups: ['argoproj.io'], podSpecPath: TEMPLATE_SPEC, restart: 'restartAt', reason: '' },
  { kind: 'ReplicaSet', groups: ['apps', 'extensions'], podSpecPath: TEMPLATE_SPEC, restart: 'none', reason: 'a ReplicaSet is restarted through the Deployment that owns it' },
  { kind: 'ReplicationController', groups: [''], podSpecPath: TEMPLATE_SPEC, restart: 'none', reason: 'a ReplicationController has no rollout: replace its pods by hand' },
  { kind: 'CronJob', groups: ['batch'], podSpecPath: ['spec', 'jobTemplate', 'spec', 'template', 'spec'], restart: 'none', reason: 'a CronJob picks up the new config at its next run' },
  { kind: 'Job', groups: ['batch'], podSpecPath: TEMPLATE_SPEC, restart: 'none', reason: 'a Job cannot be restarted: re-create it' },
  { kind: 'Pod', groups: [''], podSpecPath: ['spec'], restart: 'none', reason: 'a bare Pod cannot be restarted: delete and re-create it' },
  { kind: 'PodTemplate', groups: [''], podSpecPath: ['template', 'spec'], restart: 'none', reason: 'a PodTemplate runs nothing by itself' },
];

const BY_KIND = new Map(WORKLOAD_KINDS.map((row) => [row.kind, row]));

export function workloadKindOf(object: Pick<K8sObject, 'kind' | 'apiVersion'>): WorkloadKind | undefined {
  const row = BY_KIND.get(object.kind);
  return row && row.groups.includes(apiGroupOf(object.apiVersion)) ? row : undefined;
}

/** The pod spec of a workload object, or undefined (an Argo Rollout with `workloadRef` has none). */
export function podSpecOf(object: K8sObject, row: WorkloadKind): Record<string, unknown> | undefined {
  let node: unknown = object.raw;
  for (const step of row.podSpecPath) {
    if (!isRecord(node)) return undefined;
    node = node[step];
  }
  return isRecord(node) ? node : undefined;
}

/** The pod template's metadata (annotations live there), or undefined for a bare Pod. */
export function podTemplateMetadataOf(object: K8sObject, row: WorkloadKind): Record<string, unknown> | undefined {
  if (row.podSpecPath.length < 2) return undefined;
  let node: unknown = object.raw;
  for (const step of row.podSpecPath.slice(0, -1)) {
    if (!isRecord(node)) return undefined;
    node = node[step];
  }
  return isRecord(node) && isRecord(node.metadata) ? node.metadata : undefined;
}
