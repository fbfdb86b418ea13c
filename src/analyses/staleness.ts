import type { GraphIndex } from '../graph/build.js';
import { findMissing, missingGiven, unverifiedGiven, type Unverified } from '../graph/missing.js';
import type { ProtectedBy, Reference, Via } from '../model/graph.js';
import { isRecord, metadataOf, type K8sObject } from '../model/object.js';
import { makeRef, type Ref } from '../model/refs.js';
import { extractPodSpecReferences } from '../extract/pod-spec.js';
import { protectionFor } from '../extract/protection.js';
import { configChangeTime, type ChangeTime, type Precision } from './managed-fields.js';
import { containerStartTimes, podStateOf, type PodState } from './pods.js';

/** The kubelet refreshes config volumes within its sync period plus the cache TTL: about a minute, 90 s to be safe. */
export const DEFAULT_SYNC_PERIOD_MS = 90_000;

export type StaleEntry = Readonly<{
  pod: Ref;
  workload: Ref;
  container: string | null;
  config: Ref;
  key: string | null;
  via: Via;
  startedAt: string;
  changedAt: string;
  precision: Precision;
  protectedBy: ProtectedBy | null;
}>;

export type PodAudit = Readonly<{
  pod: Ref;
  workload: Ref;
  /** the pod's own controller (a ReplicaSet for a Deployment), or null */
  controller: Ref | null;
  state: PodState;
  stale: boolean;
  /** configs or keys it reads that do not exist now */
  missing: readonly { config: Ref; key: string | null; optional: boolean }[];
  /** required configs or keys whose presence cannot be known (a forbidden list, a Secret without managedFields) */
  unverified: readonly { config: Ref; key: string | null; reason: Unverified }[];
}>;

export type StalenessResult = Readonly<{
  stale: readonly StaleEntry[];
  /** live mounts whose change is younger than the sync period: the kubelet has not caught up yet */
  syncing: readonly StaleEntry[];
  pods: readonly PodAudit[];
}>;

export type StalenessOptions = Readonly<{
  now: string;
  syncPeriodMs: number;
  /** how long a protector may take to restart after a change before its protection counts as failed (default 5m) */
  protectionGraceMs?: number;
}>;

/** A protected workload whose pods are still stale this long after the change: the protector missed it. */
export const DEFAULT_PROTECTION_GRACE_MS = 5 * 60_000;

/** The top controller through ownerReferences: Pod → ReplicaSet → Deployment, Job → CronJob; the pod itself without one. */
export function topControllerOf(ref: Ref, controllerOf: ReadonlyMap<Ref, Ref>): Ref {
  let current = ref;
  for (let depth = 0; depth < 10; depth++) {
    const next = controllerOf.get(current);
    if (next === undefined) break;
    current = next;
  }
  return current;
}

function podReferences(pod: K8sObject): Reference[] {
  const spec = isRecord(pod.raw.spec) ? pod.raw.spec : {};
  return extractPodSpecReferences(spec, { workload: makeRef('Pod', pod.namespace, pod.name), namespace: pod.namespace, origin: pod.origin }).references;
}

/**
 * Which running pods hold config older than the config now (DESIGN.md section 2). For each
 * restart-needing reference of each container: stale when the config (key) changed strictly after
 * the container started. Live mounts are never stale, only "syncing" inside the sync period.
 */
/** What judging a pod needs to look up: a built graph's index, or the live state of `kstale watch`. */
export type StalenessLookup = Pick<GraphIndex, 'controllerOf' | 'extracted' | 'configs' | 'declarations' | 'unreadConfigs' | 'reloaders' | 'timeline'>;

type TimedChange = Readonly<{ change: ChangeTime; ms: number }>;

/**
 * What judging pods looks up again and again, kept while the configs and workloads stay as they
 * are: for one audit, or one batch of a watch's changes (judged one pod at a time).
 */
export type StalenessCache = Readonly<{
  /** each config's (key's, '' for the whole config) change time, and that time in ms: thousands of pods read the same few configs */
  changeTimes: Map<Ref, Map<string, TimedChange | undefined>>;
  /** a workload's protection for one config, decided once, not per stale entry */
  protections: Map<string, ProtectedBy | null>;
}>;

export function newStalenessCache(): StalenessCache {
  return { changeTimes: new Map(), protections: new Map() };
}

export function findStale(pods: readonly K8sObject[], index: StalenessLookup, options: StalenessOptions, cache: StalenessCache = newStalenessCache()): StalenessResult {
  const stale: StaleEntry[] = [];
  const syncing: StaleEntry[] = [];
  const audits: PodAudit[] = [];
  const nowMs = Date.parse(options.now);
  const { changeTimes, protections } = cache;
  const protectionOf = (reference: Reference, workload: Ref, annotations: Parameters<typeof protectionFor>[1], config: Parameters<typeof protectionFor>[2]) => {
    const id = `${workload}\u0000${reference.config}\u0000${reference.update}`;
    if (!protections.has(id)) protections.set(id, protectionFor({ ...reference, workload }, annotations, config, index.reloaders));
    return protections.get(id)!;
  };
  // By config, then key: looked up with strings that exist already, not a joined one made per reference.
  const changeTimeOf = (config: Ref, raw: K8sObject['raw'], key: string | null) => {
    let byKey = changeTimes.get(config);
    if (!byKey) changeTimes.set(config, (byKey = new Map()));
    const keyId = key ?? '';
    if (byKey.has(keyId)) return byKey.get(keyId);
    const dated = configChangeTime(raw, key);
    // The timeline saw every change of the value since a moment: a managedFields time after it dates another field.
    const bound = dated && index.timeline?.lastChange(config, key, raw);
    const change = dated && bound && Date.parse(dated.time) > Date.parse(bound) ? { ...dated, time: bound } : dated;
    const timed = change && { change, ms: Date.parse(change.time) };
    byKey.set(keyId, timed);
    return timed;
  };
  for (const pod of pods) {
    const podRef = makeRef('Pod', pod.namespace, pod.name);
    const workload = topControllerOf(podRef, index.controllerOf);
    const controller = index.controllerOf.get(podRef) ?? null;
    const state = podStateOf(pod);
    if (state !== 'running') {
      audits.push({ pod: podRef, workload, controller, state, stale: false, missing: [], unverified: [] });
      continue;
    }
    const starts = containerStartTimes(pod);
    const annotations = index.extracted.get(workload)?.annotations ?? { kind: 'Pod', namespace: pod.namespace, annotations: metadataOf(pod.raw).annotations ?? {}, templateAnnotations: {}, podSpec: undefined };
    const lacking: Reference[] = [];
    const unverified: PodAudit['unverified'][number][] = [];
    let podIsStale = false;
    for (const reference of podReferences(pod)) {
      if (reference.update === 'none') continue;
      const config = index.configs.get(reference.config);
      if (missingGiven(reference, config, index.unreadConfigs)) {
        lacking.push(reference);
        continue;
      }
      const unknown = reference.optional ? undefined : unverifiedGiven(reference, config, index.unreadConfigs);
      if (unknown) unverified.push({ config: reference.config, key: reference.key, reason: unknown });
      const startedAt = reference.containerType && reference.container ? starts[reference.containerType].get(reference.container) : undefined;
      if (!startedAt) continue;
      // Declared by another kind (a SealedSecret), or always present but not in the source: no history to read.
      const object = config && index.declarations.get(reference.config)?.[0];
      if (!config || !object) continue;
      // By values where a timeline knows them; otherwise by managedFields' clock.
      const exact = index.timeline?.judge(reference.config, reference.key, startedAt, object.raw);
      let change: ChangeTime | undefined;
      if (exact) change = exact.stale ? { time: exact.changedAt, precision: 'exact' } : undefined;
      else {
        const timed = changeTimeOf(reference.config, object.raw, reference.key);
        change = timed && timed.ms > Date.parse(startedAt) ? timed.change : undefined;
      }
      if (!change) continue;
      const entry: StaleEntry = {
        pod: podRef,
        workload,
        container: reference.container,
        config: reference.config,
        key: reference.key,
        via: reference.via,
        startedAt,
        changedAt: change.time,
        precision: change.precision,
        protectedBy: protectionOf(reference, workload, annotations, config),
      };
      if (reference.update === 'restart') {
        stale.push(entry);
        podIsStale = true;
      } else if (nowMs - Date.parse(change.time) < options.syncPeriodMs) {
        syncing.push(entry);
      }
    }
    const missing = lacking.length === 0 ? [] : findMissing(lacking, index).map(({ config, key, optional }) => ({ config, key, optional }));
    audits.push({ pod: podRef, workload, controller, state, stale: podIsStale, missing, unverified });
  }
  return { stale: sortEntries(stale), syncing: sortEntries(syncing), pods: audits.sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0)) };
}

function sortEntries(entries: StaleEntry[]): StaleEntry[] {
  // The sort key is made once per entry, not twice per comparison.
  const keyed = entries.map((entry) => ({ entry, key: [entry.workload, entry.pod, entry.container ?? '', entry.config, entry.key ?? '', entry.via].join('\u0000') }));
  return keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ entry }) => entry);
}
