import { groupBy, type BuiltGraph } from '../graph/build.js';
import { compareStrings, whatIsUnverified, type Unverified } from '../graph/missing.js';
import type { ProtectedBy } from '../model/graph.js';
import { isRecord, type K8sObject } from '../model/object.js';
import { parseRef, type Ref } from '../model/refs.js';
import { workloadKindOf, type RestartMethod } from '../extract/workload-kinds.js';
import type { AuditResult } from './audit.js';
import type { Precision } from './managed-fields.js';

export type RestartReason = Readonly<{ config: Ref; key: string | null; changedAt: string | null }>;

export type PlanEntry = Readonly<{
  workload: Ref;
  method: RestartMethod | 'delete-pods';
  action: 'restart' | 'skip' | 'refuse';
  /** why it is skipped or refused; for a restart, empty or what the user should know (a failed protection) */
  note: string;
  why: readonly RestartReason[];
  stalePods: number;
  pods: number;
  protectedBy: ProtectedBy | null;
  /** pods to delete for an OnDelete update strategy (with --delete-pods-on-delete-strategy) */
  podsToDelete: readonly Ref[];
  /** the GitOps tool that manages the workload, by its tracking label or annotation */
  gitOps: GitOps | null;
}>;

export type GitOps = 'argocd' | 'flux';

/** Argo CD's tracking annotation or label, Flux's kustomize/helm controller labels. */
export function gitOpsOf(object: K8sObject | undefined): GitOps | null {
  const metadata = object && isRecord(object.raw.metadata) ? object.raw.metadata : {};
  const labels = isRecord(metadata.labels) ? metadata.labels : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  if ('argocd.argoproj.io/tracking-id' in annotations || 'argocd.argoproj.io/instance' in labels) return 'argocd';
  if (Object.keys(labels).some((key) => key.startsWith('kustomize.toolkit.fluxcd.io/') || key.startsWith('helm.toolkit.fluxcd.io/'))) return 'flux';
  return null;
}

export type RestartPlan = Readonly<{ entries: readonly PlanEntry[] }>;

export type RestartResult = 'restarted' | 'skipped' | 'refused' | 'failed' | 'not-started';
/** What happened to one planned workload (src/actions fills these in). */
export type RestartOutcome = Readonly<{ workload: Ref; result: RestartResult; detail: string }>;

export type PlanOptions = Readonly<{
  includeProtected: boolean;
  deletePodsOnDeleteStrategy: boolean;
  force: boolean;
  exclude: readonly string[];
  /** restart only workloads with an exact or key-precise stale entry */
  exactOnly?: boolean;
}>;

/** What a workload needs a restart for: stale configs (--affected) or one config (--uses). */
export type RestartTarget = Readonly<{
  workload: Ref;
  why: readonly RestartReason[];
  stalePods: number;
  pods: number;
  protectedBy: ProtectedBy | null;
  protectionFailed?: boolean;
  /** how sure each stale entry is (DESIGN.md section 2); absent for --uses targets */
  precisions?: readonly Precision[];
}>;

/** Evidence that a value changed: by values, or a time that only this key could move. */
const SURE: ReadonlySet<Precision> = new Set(['exact', 'key']);

export function targetsFromAudit(audit: AuditResult): RestartTarget[] {
  return audit.staleWorkloads.map((workload) => ({
    workload: workload.workload,
    why: workload.changes.map((change) => ({ config: change.config, key: change.key, changedAt: change.changedAt })),
    stalePods: workload.stalePods,
    pods: workload.pods,
    protectedBy: workload.protectedBy,
    protectionFailed: workload.protectionFailed,
    precisions: workload.changes.map((change) => change.precision),
  }));
}

/** Every workload that needs a restart to see `config` (and `key`): its env, envFrom or subPath references. */
export function targetsForConfig(built: BuiltGraph, audit: AuditResult, config: Ref, key: string | null): RestartTarget[] {
  const readers = (built.index.usersOf.get(config) ?? []).filter((reference) => reference.update === 'restart' && (key === null || reference.key === null || reference.key === key));
  const staleOfConfig = groupBy(audit.staleness.stale.filter((entry) => entry.config === config), (entry) => entry.workload);
  return [...groupBy(readers, (reference) => reference.workload).entries()].map(([workload, references]) => {
    const pods = audit.runningByWorkload.get(workload) ?? [];
    const stale = new Set((staleOfConfig.get(workload) ?? []).map((entry) => entry.pod));
    return {
      workload,
      why: [...new Set(references.map((reference) => reference.key))].map((readKey) => ({ config, key: readKey, changedAt: null })),
      stalePods: stale.size,
      pods: pods.length,
      protectedBy: references.every((reference) => reference.protectedBy !== null) ? references[0]!.protectedBy : null,
    };
  });
}

function spec(object: K8sObject | undefined): Record<string, unknown> {
  return object && isRecord(object.raw.spec) ? object.raw.spec : {};
}

function updateStrategyType(object: K8sObject | undefined): string | undefined {
  const strategy = spec(object).updateStrategy;
  return isRecord(strategy) && typeof strategy.type === 'string' ? strategy.type : undefined;
}

function isExcluded(workload: Ref, exclude: readonly string[]): boolean {
  const { kind, name } = parseRef(workload);
  return exclude.some((pattern) => {
    const [patternKind, patternName] = pattern.includes('/') ? pattern.split('/') : ['', pattern];
    return patternName === name && (!patternKind || patternKind.toLowerCase() === kind.toLowerCase());
  });
}

const describeNeed = (entry: { config: Ref; key: string | null }) => `${entry.config}${entry.key ? ` key ${entry.key}` : ''}`;

/**
 * Why restarting a workload could start pods that cannot run: a required config or key it reads
 * is missing now, or its presence cannot be known (its config could not be listed, or it is a
 * key of a Secret read as metadata without managedFields). Undefined when it is safe.
 */
export function preflightRefusal(built: BuiltGraph, audit: AuditResult, workload: Ref): string | undefined {
  const missing = audit.missing.filter((entry) => !entry.optional && entry.referencedBy.includes(workload));
  if (missing.length > 0) return `would crash-loop: required ${missing.map(describeNeed).join(', ')} does not exist (--force to restart anyway)`;
  const required = (built.index.usesOf.get(workload) ?? []).filter((reference) => !reference.optional && reference.update !== 'none');
  const unknown = new Map<string, { config: Ref; key: string | null; reason: Unverified }>();
  for (const reference of required) {
    const reason = whatIsUnverified(reference, built.index);
    if (reason) unknown.set(`${reference.config}\u0000${reference.key ?? ''}`, { config: reference.config, key: reference.key, reason });
  }
  for (const pod of audit.runningByWorkload.get(workload) ?? []) for (const entry of pod.unverified) unknown.set(`${entry.config}\u0000${entry.key ?? ''}`, entry);
  if (unknown.size === 0) return undefined;
  const entries = [...unknown.values()].sort((a, b) => compareStrings(describeNeed(a), describeNeed(b)));
  const unread = entries.filter((entry) => entry.reason === 'config-unread');
  const why = unread.length > 0
    ? `whether required ${unread.map(describeNeed).join(', ')} exists cannot be known: it could not be listed (forbidden; kstale auth shows what to grant)`
    : `whether required ${entries.map(describeNeed).join(', ')} exists cannot be known: the Secret was read as metadata without managedFields (--secret-keys reads its key names)`;
  return `${why}; --force to restart anyway`;
}

/**
 * Decides, per workload, whether kstale restarts it and how, or why not (DESIGN.md section 4):
 * only rolling kinds, never a paused or empty one, OnDelete strategies only with consent,
 * protected ones only with --include-protected, and never into a missing or unverifiable required config.
 */
export function planRestart(built: BuiltGraph, audit: AuditResult, targets: readonly RestartTarget[], options: PlanOptions): RestartPlan {
  const entries = targets.map((target): PlanEntry => {
    const object = built.index.extracted.get(target.workload)?.object ?? built.index.declarations.get(target.workload)?.[0];
    const row = object ? workloadKindOf(object) : undefined;
    const base = { ...target, method: row?.restart ?? ('none' as RestartMethod), podsToDelete: [] as Ref[], gitOps: gitOpsOf(object) };
    const skip = (note: string): PlanEntry => ({ ...base, action: 'skip', note });
    if (isExcluded(target.workload, options.exclude)) return skip('excluded with --exclude');
    if (!object || !row) return skip(`${parseRef(target.workload).kind} is not in the source: restart its owner or delete the pods`);
    if (row.restart === 'none') return skip(row.reason);
    const unsure = target.precisions !== undefined && target.precisions.length > 0 && !target.precisions.some((precision) => SURE.has(precision));
    if (unsure && options.exactOnly) return skip(`no exact or key-precise evidence (${[...new Set(target.precisions)].join(', ')} only): it may hold current values (--exact-only)`);
    if (target.protectedBy && !options.includeProtected && !target.protectionFailed) return skip(`${target.protectedBy} already restarts it on change (--include-protected to restart anyway)`);
    if (spec(object).paused === true) return skip('the Deployment is paused: a restart would wait until it is resumed');
    if (spec(object).replicas === 0) return skip('0 replicas: nothing runs');
    const refusal = options.force ? undefined : preflightRefusal(built, audit, target.workload);
    if (refusal) return { ...base, action: 'refuse', note: refusal };
    if (updateStrategyType(object) === 'OnDelete') {
      if (!options.deletePodsOnDeleteStrategy) return skip('updateStrategy OnDelete: pods must be deleted (--delete-pods-on-delete-strategy)');
      const pods = (audit.runningByWorkload.get(target.workload) ?? []).map((pod) => pod.pod);
      return { ...base, method: 'delete-pods', action: 'restart', note: '', podsToDelete: pods };
    }
    const notes = [
      target.protectionFailed ? `protection failed: ${target.protectedBy} has not restarted it since the change` : '',
      unsure ? 'may hold current values: only a manager\'s clock moved (--exact-only skips it)' : '',
    ].filter(Boolean);
    return { ...base, action: 'restart', note: notes.join('; ') };
  });
  return { entries: entries.sort((a, b) => compareStrings(a.workload, b.workload)) };
}

/** The annotation `kubectl rollout restart` sets on the pod template. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
export const RESTARTED_FOR_ANNOTATION = 'kstale.io/restarted-for';

export type RestartPatch = Readonly<{ contentType: string; body: Record<string, unknown> }>;

/** The exact patch for a workload: kubectl's strategic-merge patch, or `spec.restartAt` for an Argo Rollout (a CRD: merge patch). */
export function patchFor(entry: PlanEntry, now: string, annotate: boolean): RestartPatch | undefined {
  const reason = entry.why.map((why) => `${why.config}${why.key ? `:${why.key}` : ''}`).join(',');
  if (entry.method === 'rollout') {
    const annotations: Record<string, string> = { [RESTARTED_AT_ANNOTATION]: now, ...(annotate ? { [RESTARTED_FOR_ANNOTATION]: reason } : {}) };
    return { contentType: 'application/strategic-merge-patch+json', body: { spec: { template: { metadata: { annotations } } } } };
  }
  if (entry.method === 'restartAt') {
    return { contentType: 'application/merge-patch+json', body: { spec: { restartAt: now }, ...(annotate ? { metadata: { annotations: { [RESTARTED_FOR_ANNOTATION]: reason } } } : {}) } };
  }
  return undefined;
}
