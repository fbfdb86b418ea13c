import { groupBy, type BuiltGraph } from '../graph/build.js';
import { compareStrings, type Unverified } from '../graph/missing.js';
import type { Finding } from '../model/finding.js';
import { count as plural } from '../model/text.js';
import type { Graph, ProtectedBy, Reference } from '../model/graph.js';
import type { K8sObject } from '../model/object.js';
import { parseRef, type Ref } from '../model/refs.js';
import { workloadKindOf } from '../extract/workload-kinds.js';
import { hasManagedFields, type Precision } from './managed-fields.js';
import { DEFAULT_PROTECTION_GRACE_MS, findStale, type PodAudit, type StaleEntry, type StalenessOptions, type StalenessResult } from './staleness.js';

export type WorkloadAudit = Readonly<{
  workload: Ref;
  pods: number;
  stalePods: number;
  /** the pods' own controllers: more than one ReplicaSet means a rollout in progress */
  controllers: readonly Ref[];
  changes: readonly { config: Ref; key: string | null; changedAt: string; precision: Precision }[];
  oldestChange: string;
  protectedBy: ProtectedBy | null;
  /**
   * Protected, yet pods are still stale longer than the grace period after a change: the
   * protector missed it (not running, not watching, OnDelete, paused, an edit outside Helm).
   */
  protectionFailed: boolean;
}>;

export type MissingAudit = Readonly<{ config: Ref; key: string | null; optional: boolean; referencedBy: readonly Ref[]; runningPods: readonly Ref[] }>;

/** A required config or key of running pods whose presence cannot be known, and why. */
export type UnverifiedAudit = Readonly<{ config: Ref; key: string | null; reason: Unverified; runningPods: readonly Ref[] }>;

export type AuditResult = Readonly<{
  graph: Graph;
  staleness: StalenessResult;
  staleWorkloads: readonly WorkloadAudit[];
  missing: readonly MissingAudit[];
  unverified: readonly UnverifiedAudit[];
  /** running pods by the workload they belong to */
  runningByWorkload: ReadonlyMap<Ref, readonly PodAudit[]>;
  unprotected: readonly Reference[];
  podCounts: Readonly<Record<'total' | 'running' | 'pending' | 'terminating' | 'finished', number>>;
  precision: Readonly<Record<Precision, number>>;
  findings: readonly Finding[];
}>;

const ROLLING = new Set(['rollout', 'restartAt']);

function groupStale(stale: readonly StaleEntry[], runningByWorkload: ReadonlyMap<Ref, readonly PodAudit[]>, options: StalenessOptions): WorkloadAudit[] {
  const graceMs = options.protectionGraceMs ?? DEFAULT_PROTECTION_GRACE_MS;
  const nowMs = Date.parse(options.now);
  return [...groupBy(stale, (entry) => entry.workload).entries()]
    .map(([workload, entries]) => {
      const workloadPods = runningByWorkload.get(workload) ?? [];
      const changes = new Map<string, WorkloadAudit['changes'][number]>();
      for (const entry of entries) changes.set(`${entry.config}\u0000${entry.key ?? ''}`, { config: entry.config, key: entry.key, changedAt: entry.changedAt, precision: entry.precision });
      const sortedChanges = [...changes.values()].sort((a, b) => Date.parse(a.changedAt) - Date.parse(b.changedAt) || compareStrings(a.config, b.config));
      return {
        workload,
        pods: workloadPods.length,
        stalePods: workloadPods.filter((pod) => pod.stale).length,
        controllers: [...new Set(workloadPods.map((pod) => pod.controller).filter((ref): ref is Ref => ref !== null))].sort(),
        changes: sortedChanges,
        oldestChange: sortedChanges[0]!.changedAt,
        protectedBy: entries.every((entry) => entry.protectedBy !== null) ? entries[0]!.protectedBy : null,
        protectionFailed: entries.some((entry) => entry.protectedBy !== null && nowMs - Date.parse(entry.changedAt) > graceMs),
      };
    })
    .sort((a, b) => Date.parse(a.oldestChange) - Date.parse(b.oldestChange) || compareStrings(a.workload, b.workload));
}

/** Missing configs and keys: from the workloads' templates and from what running pods read. */
function missingWithPods(graph: Graph, pods: readonly PodAudit[]): MissingAudit[] {
  const entries = new Map<string, { config: Ref; key: string | null; optional: boolean; referencedBy: Set<Ref>; runningPods: Set<Ref> }>();
  const entryFor = (config: Ref, key: string | null, optional: boolean) => {
    const id = `${config}\u0000${key ?? ''}`;
    const entry = entries.get(id) ?? { config, key, optional: true, referencedBy: new Set<Ref>(), runningPods: new Set<Ref>() };
    entry.optional &&= optional;
    entries.set(id, entry);
    return entry;
  };
  for (const missing of graph.missing) missing.referencedBy.forEach((ref) => entryFor(missing.config, missing.key, missing.optional).referencedBy.add(ref));
  for (const pod of pods) {
    for (const missing of pod.missing) {
      const entry = entryFor(missing.config, missing.key, missing.optional);
      entry.referencedBy.add(pod.workload);
      entry.runningPods.add(pod.pod);
    }
  }
  return [...entries.values()]
    .map((entry) => ({ ...entry, referencedBy: [...entry.referencedBy].sort(), runningPods: [...entry.runningPods].sort() }))
    .sort((a, b) => compareStrings(a.config, b.config) || compareStrings(a.key ?? '', b.key ?? ''));
}

function unverifiedWithPods(pods: readonly PodAudit[]): UnverifiedAudit[] {
  // A Secret read by every pod of a large cluster has tens of thousands of them: a Set, not Array.includes.
  const entries = new Map<string, { config: Ref; key: string | null; reason: Unverified; runningPods: Set<Ref> }>();
  for (const pod of pods) {
    for (const { config, key, reason } of pod.unverified) {
      const id = `${config}\u0000${key ?? ''}`;
      const entry = entries.get(id) ?? { config, key, reason, runningPods: new Set<Ref>() };
      entry.runningPods.add(pod.pod);
      entries.set(id, entry);
    }
  }
  return [...entries.values()]
    .map((entry) => ({ ...entry, runningPods: [...entry.runningPods] }))
    .sort((a, b) => compareStrings(a.config, b.config) || compareStrings(a.key ?? '', b.key ?? ''));
}

const UNVERIFIED_WHY: Readonly<Record<Unverified, string>> = {
  'config-unread': 'their configs could not be listed (forbidden): whether they exist, and whether the pods are stale, is unknown (kstale auth shows what is missing)',
  'keys-unknown': 'they are keys of Secrets read as metadata without managedFields: whether the keys exist is unknown (--secret-keys reads the key names)',
};

function auditFindings(result: Omit<AuditResult, 'findings'>, objects: readonly K8sObject[]): Finding[] {
  const findings: Finding[] = [];
  const at = (rule: string, severity: Finding['severity'], object: Ref | null, message: string): Finding => ({ rule, severity, message, object, file: null, line: null, column: null });
  for (const workload of result.staleWorkloads) {
    findings.push(at('stale-pods', 'error', workload.workload, `${workload.stalePods} of ${workload.pods} pods of ${workload.workload} run with config older than the config now`));
    if (workload.protectionFailed) {
      const change = workload.changes[0]!;
      findings.push(at('protection-failed', 'error', workload.workload, `${workload.workload} is protected by ${workload.protectedBy ?? 'its protector'}, yet ${workload.stalePods} of ${workload.pods} pods still hold ${change.config}${change.key ? ` key ${change.key}` : ''} from before its change at ${change.changedAt}: the protector missed it (not running or not watching, an OnDelete StatefulSet, a paused Deployment, an edit outside the Helm release); restart --affected includes it`));
    }
  }
  for (const missing of result.missing) {
    const { kind, namespace, name } = parseRef(missing.config);
    const what = missing.key === null ? `${kind} ${namespace}/${name}` : `key "${missing.key}" of ${kind} ${namespace}/${name}`;
    const consequence = missing.optional ? 'it is optional: pods start without it' : 'their pods will fail to start when restarted (CreateContainerConfigError)';
    findings.push(at(missing.key === null ? 'missing-config' : 'missing-key', missing.optional ? 'warning' : 'error', missing.config, `${what} does not exist; read by ${missing.referencedBy.join(', ')} (${missing.runningPods.length} running pods still hold old values); ${consequence}`));
  }
  for (const reason of Object.keys(UNVERIFIED_WHY) as Unverified[]) {
    const entries = result.unverified.filter((entry) => entry.reason === reason);
    if (entries.length === 0) continue;
    const pods = new Set(entries.flatMap((entry) => entry.runningPods)).size;
    const named = entries.slice(0, 3).map((entry) => `${entry.config}${entry.key === null ? '' : ` key ${entry.key}`}`).join(', ');
    findings.push(at('unverified-reference', 'warning', null, `${plural(entries.length, 'required config reference')} of ${plural(pods, 'running pod')} cannot be checked (${named}${entries.length > 3 ? ', …' : ''}): ${UNVERIFIED_WHY[reason]}`));
  }
  const withoutHistory = objects.filter((object) => (object.kind === 'ConfigMap' || object.kind === 'Secret') && !hasManagedFields(object.raw));
  if (withoutHistory.length > 0 && result.podCounts.total > 0) {
    findings.push(at('no-managed-fields', 'warning', null, `${plural(withoutHistory.length, 'config has', 'configs have')} no managedFields: only their creation time is known, so later edits are invisible (for kubectl dumps add --show-managed-fields)`));
  }
  if (result.podCounts.total === 0) findings.push(at('no-pods', 'warning', null, 'the source has no pods: audit needs running pods (a `kubectl get pods,… -o json` dump or a live cluster)'));
  return findings;
}

/** The whole audit: staleness per pod grouped by workload, missing configs with the pods they strand, unprotected references. */
export function auditCluster(built: BuiltGraph, options: StalenessOptions): AuditResult {
  const { graph, index } = built;
  const pods = index.objects.filter((object) => object.kind === 'Pod' && object.apiVersion === 'v1');
  const staleness = findStale(pods, index, options);
  const count = (state: PodAudit['state']) => staleness.pods.filter((pod) => pod.state === state).length;
  const precision: Record<Precision, number> = { exact: 0, key: 0, manager: 0, object: 0, created: 0 };
  for (const entry of staleness.stale) precision[entry.precision]++;
  const unprotected = graph.references.filter((reference) => {
    if (reference.update !== 'restart' || reference.protectedBy !== null) return false;
    const object = index.extracted.get(reference.workload)?.object;
    return object !== undefined && ROLLING.has(workloadKindOf(object)?.restart ?? 'none');
  });
  const runningByWorkload = groupBy(staleness.pods.filter((pod) => pod.state === 'running'), (pod) => pod.workload);
  const partial = {
    graph,
    staleness,
    runningByWorkload,
    staleWorkloads: groupStale(staleness.stale, runningByWorkload, options),
    missing: missingWithPods(graph, staleness.pods),
    unverified: unverifiedWithPods(staleness.pods),
    unprotected,
    podCounts: { total: staleness.pods.length, running: count('running'), pending: count('pending'), terminating: count('terminating'), finished: count('finished') },
    precision,
  };
  return { ...partial, findings: auditFindings(partial, index.objects) };
}

/**
 * 1 when stale pods or missing required configs were found; 2 when none were but configs that
 * running pods need could not be listed, since what could not be read might change the answer.
 */
export function auditExitCode(result: AuditResult): 0 | 1 | 2 {
  if (result.staleness.stale.length > 0 || result.missing.some((entry) => !entry.optional)) return 1;
  return result.unverified.some((entry) => entry.reason === 'config-unread') ? 2 : 0;
}
