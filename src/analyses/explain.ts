import { groupBy, type BuiltGraph } from '../graph/build.js';
import { compareStrings } from '../graph/missing.js';
import type { ProtectedBy, Reference, Update } from '../model/graph.js';
import { parseRef, type Ref } from '../model/refs.js';
import { CHECKSUM_ANNOTATION_PREFIX, KUSTOMIZE_HASH_SUFFIX, protectionFor, WAVE_ANNOTATION } from '../extract/protection.js';
import { reloaderDecision, type ReloaderVerdict } from '../extract/reloader.js';
import { workloadKindOf } from '../extract/workload-kinds.js';
import type { AuditResult } from './audit.js';
import type { Precision } from './managed-fields.js';
import { planRestart, targetsFromAudit, type PlanEntry } from './restart-plan.js';

/** One way a container (or the pod) reads the config. */
export type ExplainedUse = Readonly<Pick<Reference, 'container' | 'containerType' | 'via' | 'key' | 'envVar' | 'prefix' | 'volume' | 'mountPath' | 'subPath' | 'optional' | 'update'>>;

/** One running container's state for this config: stale (holds an older value), syncing, or fresh. */
export type ExplainedPod = Readonly<{ pod: Ref; container: string | null; key: string | null; state: 'stale' | 'syncing' | 'fresh'; startedAt: string | null; changedAt: string | null; precision: Precision | null }>;

export type ExplainedReloader = Readonly<{ reloader: string } & Pick<ReloaderVerdict, 'reloads' | 'decidedBy' | 'from' | 'why' | 'readsIt'>>;

export type ExplainedConfig = Readonly<{
  config: Ref;
  exists: boolean;
  uses: readonly ExplainedUse[];
  /** how a change reaches the workload: the strongest need of its uses */
  update: Update;
  pods: readonly ExplainedPod[];
  protectedBy: ProtectedBy | null;
  /** each running (or, on files, assumed) Reloader's decision for this config, in Reloader's order of rules */
  reloaders: readonly ExplainedReloader[];
  /** why the other protections do or do not apply */
  others: readonly string[];
  protectionFailed: boolean;
}>;

export type Explanation = Readonly<{
  workload: Ref;
  kind: string;
  /** no Reloader: none runs (cluster) */
  reloadersKnown: readonly string[];
  configs: readonly ExplainedConfig[];
  /** configs that a Reloader restarts this workload for although it does not read them (a reload-list match) */
  reloadedWithoutReading: readonly (ExplainedReloader & { config: Ref })[];
  /** what `kstale restart --affected` would do, with its preflight */
  restart: Pick<PlanEntry, 'action' | 'note' | 'method'> | null;
}>;

const UPDATE_ORDER: readonly Update[] = ['restart', 'live', 'none'];

function otherProtections(built: BuiltGraph, workload: Ref, config: Ref): string[] {
  const extracted = built.index.extracted.get(workload);
  const node = built.index.configs.get(config);
  const { kind, name } = parseRef(config);
  const lines: string[] = [];
  if (node?.immutable) lines.push(`immutable: the ${kind} is immutable: it cannot change, a new name is needed`);
  if (!extracted) return lines;
  const rolling = ['Deployment', 'StatefulSet', 'DaemonSet'].includes(extracted.annotations.kind);
  if (extracted.annotations.annotations[WAVE_ANNOTATION] === 'true') lines.push(rolling ? `wave: ${WAVE_ANNOTATION}: "true" on the workload (wave rolls it when a config it reads changes)` : `wave: annotated, but wave does not roll a ${extracted.annotations.kind}`);
  const checksums = Object.keys(extracted.annotations.templateAnnotations).filter((key) => key.startsWith(CHECKSUM_ANNOTATION_PREFIX));
  if (checksums.length > 0) lines.push(`checksum: ${checksums.join(', ')} on the pod template: a change applied through the same Helm release rolls it; a kubectl edit of the ${kind} does not`);
  if (KUSTOMIZE_HASH_SUFFIX.test(name)) lines.push(`kustomize-hash: the name ends in a kustomize hash: a changed generator makes a new ${kind} and rolls the workload; an in-place edit of this one does not`);
  return lines;
}

function explainPods(audit: AuditResult, workload: Ref, config: Ref): ExplainedPod[] {
  const pods: ExplainedPod[] = [];
  const seen = new Set<string>();
  for (const [entries, state] of [[audit.staleness.stale, 'stale'], [audit.staleness.syncing, 'syncing']] as const) {
    for (const entry of entries) {
      if (entry.workload !== workload || entry.config !== config) continue;
      seen.add(entry.pod);
      pods.push({ pod: entry.pod, container: entry.container, key: entry.key, state, startedAt: entry.startedAt, changedAt: entry.changedAt, precision: entry.precision });
    }
  }
  for (const pod of audit.runningByWorkload.get(workload) ?? []) {
    if (!seen.has(pod.pod)) pods.push({ pod: pod.pod, container: null, key: null, state: 'fresh', startedAt: null, changedAt: null, precision: null });
  }
  return pods.sort((a, b) => compareStrings(a.pod, b.pod) || compareStrings(a.container ?? '', b.container ?? '') || compareStrings(a.key ?? '', b.key ?? ''));
}

/**
 * For one workload, each config it reads: how, whether its pods are stale and on what evidence,
 * who restarts it on a change and why (Reloader's rules in Reloader's order), and what restart
 * would do (DESIGN.md section 3, `kstale explain`). Undefined when the workload is not in the source.
 */
export function explainWorkload(built: BuiltGraph, audit: AuditResult, workload: Ref, onlyConfig: Ref | null): Explanation | undefined {
  const { index } = built;
  const extracted = index.extracted.get(workload);
  if (!extracted) return undefined;
  const reloaders = index.reloaders;
  const references = (index.usesOf.get(workload) ?? []).filter((reference) => onlyConfig === null || reference.config === onlyConfig);
  const configs = [...groupBy(references, (reference) => reference.config).entries()].map(([config, uses]): ExplainedConfig => {
    const { kind, namespace, name } = parseRef(config);
    const node = index.configs.get(config);
    const target = { kind: kind as 'ConfigMap' | 'Secret', namespace, name, annotations: node?.annotations ?? {} };
    const update = UPDATE_ORDER.find((candidate) => uses.some((use) => use.update === candidate)) ?? 'none';
    const strongest = uses.find((use) => use.update === update)!;
    const stale = audit.staleWorkloads.find((entry) => entry.workload === workload);
    return {
      config,
      exists: node !== undefined,
      uses: uses.map(({ container, containerType, via, key, envVar, prefix, volume, mountPath, subPath, optional, update: useUpdate }) => ({ container, containerType, via, key, envVar, prefix, volume, mountPath, subPath, optional, update: useUpdate })),
      update,
      pods: explainPods(audit, workload, config),
      protectedBy: protectionFor(strongest, extracted.annotations, node, reloaders),
      reloaders: reloaders.map((reloader) => ({ reloader: reloader.describedAs, ...reloaderDecision(extracted.annotations, target, reloader) })),
      others: otherProtections(built, workload, config),
      protectionFailed: Boolean(stale?.protectionFailed && stale.changes.some((change) => change.config === config)),
    };
  });
  const read = new Set(configs.map((config) => config.config));
  // Reloader's own rule decides (a reload-list match restarts a workload that does not read the config).
  const reloadedWithoutReading = onlyConfig !== null ? [] : [...index.configs.values()]
    .filter((config) => config.namespace === extracted.object.namespace && !read.has(config.ref))
    .flatMap((config) =>
      reloaders.flatMap((reloader) => {
        const verdict = reloaderDecision(extracted.annotations, { kind: config.kind, namespace: config.namespace, name: config.name, annotations: config.annotations }, reloader);
        return verdict.reloads && !verdict.readsIt ? [{ config: config.ref, reloader: reloader.describedAs, ...verdict }] : [];
      }),
    )
    .sort((a, b) => compareStrings(a.config, b.config));
  const row = workloadKindOf(extracted.object);
  const target = targetsFromAudit(audit).find((candidate) => candidate.workload === workload);
  const plan = target ? planRestart(built, audit, [target], { includeProtected: false, deletePodsOnDeleteStrategy: false, force: false, exclude: [] }).entries[0] : undefined;
  return {
    workload,
    kind: extracted.annotations.kind,
    reloadersKnown: reloaders.map((reloader) => reloader.describedAs),
    configs: configs.sort((a, b) => compareStrings(a.config, b.config)),
    reloadedWithoutReading,
    restart: plan ? { action: plan.action, note: plan.note, method: plan.method } : row && row.restart === 'none' ? { action: 'skip', note: row.reason, method: 'none' } : null,
  };
}

/**
 * Workloads that a Reloader restarts on a change of this config although they do not read it (a
 * reload-list entry matches its name): who-uses lists them beside the readers.
 */
export function reloadedWithoutReadingConfig(index: BuiltGraph['index'], config: Ref): { workload: Ref; why: string }[] {
  const node = index.configs.get(config);
  const { kind, namespace, name } = parseRef(config);
  if (kind !== 'ConfigMap' && kind !== 'Secret') return [];
  const readers = new Set((index.usersOf.get(config) ?? []).map((reference) => reference.workload));
  const found: { workload: Ref; why: string }[] = [];
  for (const [workload, extracted] of index.extracted) {
    if (readers.has(workload) || extracted.object.namespace !== namespace) continue;
    for (const reloader of index.reloaders) {
      const verdict = reloaderDecision(extracted.annotations, { kind, namespace, name, annotations: node?.annotations ?? {} }, reloader);
      if (verdict.reloads && !verdict.readsIt) {
        found.push({ workload, why: verdict.why });
        break;
      }
    }
  }
  return found.sort((a, b) => compareStrings(a.workload, b.workload));
}
