import type { TimelineLookup } from '../model/timeline.js';
import { DEFAULT_RELOADER_SETTINGS, type ReloaderSettings } from '../extract/reloader.js';
import type { ConfigNode, ProtectedBy } from '../model/graph.js';
import type { K8sObject } from '../model/object.js';
import { makeRef, parseRef, type Ref } from '../model/refs.js';
import { configFromObject } from '../extract/configs.js';
import { extractPodSpecReferences } from '../extract/pod-spec.js';
import { controllerRefOf, extractWorkload, type ExtractedWorkload } from '../extract/workloads.js';
import { compareStrings } from '../graph/missing.js';
import type { Precision } from './managed-fields.js';
import { findStale, newStalenessCache, type StalenessCache, type StalenessLookup, type StalenessOptions } from './staleness.js';
import { isRecord } from '../model/object.js';

/** One stale reference of a workload: which config and key changed, and when. */
export type StaleReference = Readonly<{ config: Ref; key: string | null; changedAt: string; precision: Precision; protectedBy: ProtectedBy | null }>;

/** What `kstale watch` says of a workload: stale with these references, in this many of its running pods. */
export type WorkloadVerdict = Readonly<{
  workload: Ref;
  stalePods: number;
  pods: number;
  references: readonly StaleReference[];
  /** the oldest change that made it stale */
  since: string;
  /** set when every stale reference is protected (Reloader, wave, …): it restarts by itself */
  protectedBy: ProtectedBy | null;
}>;

/** A required or optional config or key that running pods read and that does not exist. */
export type MissingVerdict = Readonly<{ config: Ref; key: string | null; required: boolean; workloads: readonly Ref[]; pods: readonly Ref[]; podsOf: Readonly<Record<Ref, number>> }>;

type PodVerdict = Readonly<{
  workload: Ref;
  running: boolean;
  stale: readonly StaleReference[];
  missing: readonly { config: Ref; key: string | null; optional: boolean }[];
}>;

export type Touched = { pods: Set<Ref>; workloads: Set<Ref> };

const refOf = (object: K8sObject) => makeRef(object.kind, object.namespace, object.name);
const missingId = (config: Ref, key: string | null) => `${config}\u0000${key ?? ''}`;

/**
 * The objects `kstale watch` keeps, with the indexes that let one change be judged by what it
 * touches: a config change re-judges the running pods that read it, a pod change that pod, a
 * workload or ReplicaSet change the pods under it. Pure: no I/O, `now` passed in.
 */
export class LiveState implements StalenessLookup {
  readonly configs = new Map<Ref, ConfigNode>();
  readonly declarations = new Map<Ref, K8sObject[]>();
  readonly controllerOf = new Map<Ref, Ref>();
  readonly extracted = new Map<Ref, ExtractedWorkload>();
  readonly unreadConfigs = new Set<string>();
  /** a value timeline kept beside this state (kstale watch): staleness by values where it knows them */
  timeline?: TimelineLookup;
  /** the Reloaders that run and their options (empty: none), as protection needs them */
  reloaders: readonly ReloaderSettings[] = [DEFAULT_RELOADER_SETTINGS];
  private readonly objects = new Map<Ref, K8sObject>();
  private readonly readersOf = new Map<Ref, Set<Ref>>();
  private readonly configsOfPod = new Map<Ref, readonly Ref[]>();
  private readonly childrenOf = new Map<Ref, Set<Ref>>();
  private readonly podVerdicts = new Map<Ref, PodVerdict>();
  private readonly podsOfWorkload = new Map<Ref, Set<Ref>>();
  private readonly workloadVerdicts = new Map<Ref, WorkloadVerdict>();
  private readonly missingVerdicts = new Map<string, MissingVerdict>();

  /** Every object kept, for a full graph when one is needed (planning an automatic restart). */
  allObjects(): K8sObject[] {
    return [...this.objects.values()];
  }

  count(kind: string): number {
    let n = 0;
    for (const object of this.objects.values()) if (object.kind === kind) n++;
    return n;
  }

  /** Replaces every object of a kind in a namespace (null: all) after a (re)list; returns what it touches. */
  reset(kind: string, namespace: string | null, objects: readonly K8sObject[], touched: Touched = emptyTouched()): Touched {
    const incoming = new Set(objects.map(refOf));
    for (const [ref, object] of [...this.objects]) {
      if (object.kind === kind && (namespace === null || object.namespace === namespace) && !incoming.has(ref)) this.remove(object, touched);
    }
    for (const object of objects) this.put(object, touched);
    return touched;
  }

  /** One change from a watch; returns what it touches. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: K8sObject, touched: Touched = emptyTouched()): Touched {
    if (type === 'DELETED') this.remove(object, touched);
    else this.put(object, touched);
    return touched;
  }

  private put(object: K8sObject, touched: Touched): void {
    const ref = refOf(object);
    const previous = this.objects.get(ref);
    // Most events of a cluster are pods' status heartbeats, which change nothing kstale keeps: the
    // object already kept stays (no judging again, and the new copy dies young instead of being
    // kept, which is what let a watch's memory creep up between full collections).
    if (previous && sameKeptObject(previous, object)) return;
    if (previous) this.forget(ref);
    this.objects.set(ref, object);
    const config = configFromObject(object);
    if (config && config.ref === ref) {
      this.configs.set(ref, config);
      this.declarations.set(ref, [object]);
      for (const pod of this.readersOf.get(ref) ?? []) touched.pods.add(pod);
      return;
    }
    const controller = controllerRefOf(object);
    if (controller) {
      this.controllerOf.set(ref, controller);
      link(this.childrenOf, controller, ref);
    }
    if (object.kind === 'Pod' && object.apiVersion === 'v1') {
      const spec = isRecord(object.raw.spec) ? object.raw.spec : {};
      const configs = [...new Set(extractPodSpecReferences(spec, { workload: ref, namespace: object.namespace, origin: null }).references.map((reference) => reference.config))];
      this.configsOfPod.set(ref, configs);
      for (const config of configs) link(this.readersOf, config, ref);
      touched.pods.add(ref);
      return;
    }
    const workload = extractWorkload(object);
    if (workload) {
      this.extracted.set(ref, workload);
      this.podsUnder(ref, touched.pods);
    }
  }

  private remove(object: K8sObject, touched: Touched): void {
    const ref = refOf(object);
    const known = this.objects.get(ref);
    if (!known) return;
    this.forget(ref);
    this.objects.delete(ref);
    if (this.configs.delete(ref)) {
      this.declarations.delete(ref);
      for (const pod of this.readersOf.get(ref) ?? []) touched.pods.add(pod);
      return;
    }
    if (known.kind === 'Pod') {
      touched.pods.add(ref);
      return;
    }
    if (this.extracted.delete(ref)) this.podsUnder(ref, touched.pods);
  }

  /** Drops the indexes an object's previous version made (its pod's config list, its controller link). */
  private forget(ref: Ref): void {
    const controller = this.controllerOf.get(ref);
    if (controller) {
      this.childrenOf.get(controller)?.delete(ref);
      this.controllerOf.delete(ref);
    }
    for (const config of this.configsOfPod.get(ref) ?? []) this.readersOf.get(config)?.delete(ref);
    this.configsOfPod.delete(ref);
  }

  private podsUnder(ref: Ref, into: Set<Ref>, depth = 0): void {
    if (depth > 10) return;
    for (const child of this.childrenOf.get(ref) ?? []) {
      if (parseRef(child).kind === 'Pod') into.add(child);
      else this.podsUnder(child, into, depth + 1);
    }
  }

  /**
   * Judges the touched pods again and recomputes the verdicts of their workloads and of the
   * configs they miss; returns the verdicts before and after, for the ones that changed.
   */
  judge(touched: Touched, options: StalenessOptions): { workloads: { before: WorkloadVerdict | undefined; after: WorkloadVerdict | undefined; running: number }[]; missing: { before: MissingVerdict | undefined; after: MissingVerdict | undefined; present: boolean }[] } {
    const affectedMissing = new Set<string>();
    // Nothing changes while one batch is judged: the pods of an edited config share its change time.
    const cache = newStalenessCache();
    for (const pod of touched.pods) {
      const previous = this.podVerdicts.get(pod);
      if (previous) {
        touched.workloads.add(previous.workload);
        this.podsOfWorkload.get(previous.workload)?.delete(pod);
        for (const entry of previous.missing) affectedMissing.add(missingId(entry.config, entry.key));
      }
      const object = this.objects.get(pod);
      if (!object) {
        this.podVerdicts.delete(pod);
        continue;
      }
      const verdict = this.judgePod(object, options, cache);
      this.podVerdicts.set(pod, verdict);
      link(this.podsOfWorkload, verdict.workload, pod);
      touched.workloads.add(verdict.workload);
      for (const entry of verdict.missing) affectedMissing.add(missingId(entry.config, entry.key));
    }
    const workloads = [...touched.workloads].sort(compareStrings).flatMap((workload) => {
      const before = this.workloadVerdicts.get(workload);
      const after = this.workloadVerdictOf(workload);
      if (after) this.workloadVerdicts.set(workload, after);
      else this.workloadVerdicts.delete(workload);
      return sameWorkloadVerdict(before, after) ? [] : [{ before, after, running: this.runningPods(workload) }];
    });
    const missing = [...affectedMissing].sort(compareStrings).flatMap((id) => {
      const before = this.missingVerdicts.get(id);
      const after = this.missingVerdictOf(id);
      if (after) this.missingVerdicts.set(id, after);
      else this.missingVerdicts.delete(id);
      return sameMissingVerdict(before, after) ? [] : [{ before, after, present: this.isPresent(id) }];
    });
    return { workloads, missing };
  }

  /** Every pod judged again (after the initial lists, or a relist that touched many). */
  judgeAll(options: StalenessOptions): ReturnType<LiveState['judge']> {
    const touched = emptyTouched();
    for (const [ref, object] of this.objects) if (object.kind === 'Pod') touched.pods.add(ref);
    for (const pod of this.podVerdicts.keys()) touched.pods.add(pod);
    return this.judge(touched, options);
  }

  staleWorkloads(): WorkloadVerdict[] {
    return [...this.workloadVerdicts.values()].sort((a, b) => compareStrings(a.workload, b.workload));
  }

  missing(): MissingVerdict[] {
    return [...this.missingVerdicts.values()].sort((a, b) => compareStrings(missingId(a.config, a.key), missingId(b.config, b.key)));
  }

  private judgePod(pod: K8sObject, options: StalenessOptions, cache: StalenessCache): PodVerdict {
    const { pods, stale } = findStale([pod], this, options, cache);
    const audit = pods[0]!;
    const references = new Map<string, StaleReference>();
    for (const entry of stale) references.set(missingId(entry.config, entry.key), { config: entry.config, key: entry.key, changedAt: entry.changedAt, precision: entry.precision, protectedBy: entry.protectedBy });
    return { workload: audit.workload, running: audit.state === 'running', stale: [...references.values()], missing: audit.missing };
  }

  private runningPods(workload: Ref): number {
    let running = 0;
    for (const pod of this.podsOfWorkload.get(workload) ?? []) if (this.podVerdicts.get(pod)?.running) running++;
    return running;
  }

  private workloadVerdictOf(workload: Ref): WorkloadVerdict | undefined {
    const pods = [...(this.podsOfWorkload.get(workload) ?? [])].map((pod) => this.podVerdicts.get(pod)!).filter((verdict) => verdict?.running);
    const stalePods = pods.filter((verdict) => verdict.stale.length > 0);
    if (stalePods.length === 0) return undefined;
    const references = new Map<string, StaleReference>();
    for (const verdict of stalePods) {
      for (const reference of verdict.stale) {
        const id = missingId(reference.config, reference.key);
        const known = references.get(id);
        if (!known || Date.parse(reference.changedAt) > Date.parse(known.changedAt)) references.set(id, reference);
      }
    }
    const sorted = [...references.values()].sort((a, b) => compareStrings(missingId(a.config, a.key), missingId(b.config, b.key)));
    const since = sorted.map((reference) => reference.changedAt).sort((a, b) => Date.parse(a) - Date.parse(b))[0]!;
    return { workload, stalePods: stalePods.length, pods: pods.length, references: sorted, since, protectedBy: sorted.every((reference) => reference.protectedBy !== null) ? sorted[0]!.protectedBy : null };
  }

  /** Whether a config (and key) that running pods read is missing now. */
  isMissing(config: Ref, key: string | null): boolean {
    return !this.isPresent(missingId(config, key));
  }

  /** Whether the config (and key) of a missing-verdict id exists now. */
  private isPresent(id: string): boolean {
    const [config, key] = id.split('\u0000') as [Ref, string];
    const node = this.configs.get(config);
    return node !== undefined && (key === '' || node.keys.includes(key) || node.keysFrom === null);
  }

  private missingVerdictOf(id: string): MissingVerdict | undefined {
    const [config, key] = id.split('\u0000') as [Ref, string];
    const pods: Ref[] = [];
    const workloads = new Set<Ref>();
    const podsOf: Record<Ref, number> = {};
    let required = false;
    for (const pod of this.readersOf.get(config) ?? []) {
      const verdict = this.podVerdicts.get(pod);
      const entry = verdict?.running ? verdict.missing.find((candidate) => candidate.config === config && (candidate.key ?? '') === key) : undefined;
      if (!entry || !verdict) continue;
      pods.push(pod);
      workloads.add(verdict.workload);
      podsOf[verdict.workload] = (podsOf[verdict.workload] ?? 0) + 1;
      required ||= !entry.optional;
    }
    return pods.length === 0 ? undefined : { config, key: key === '' ? null : key, required, workloads: [...workloads].sort(compareStrings), pods: pods.sort(compareStrings), podsOf };
  }
}

/**
 * Whether two versions of an object say the same to kstale: the same kept fields, apart from
 * metadata.resourceVersion, which every write moves (judging reads nothing else that an
 * unchanged object could differ in).
 */
export function sameKeptObject(a: K8sObject, b: K8sObject): boolean {
  const exceptResourceVersion = (field: string) => (field === 'resourceVersion' ? true : undefined);
  return a.kind === b.kind && a.apiVersion === b.apiVersion && sameDigests(a.valueDigests, b.valueDigests) && sameJson(a.raw, b.raw, (key, left, right) => (key === 'metadata' ? sameJson(left, right, exceptResourceVersion) : undefined));
}

/** A value edit that moves no managedFields time (servers before 1.25) shows only in the digests. */
function sameDigests(a: K8sObject['valueDigests'], b: K8sObject['valueDigests']): boolean {
  if (a === b) return true;
  if (!a || !b || a.size !== b.size) return false;
  for (const [key, digest] of a) if (b.get(key) !== digest) return false;
  return true;
}

/** Deep equality of decoded JSON; `decide` may settle a field of the top level itself (undefined: compare it as usual). */
function sameJson(a: unknown, b: unknown, decide?: (key: string, left: unknown, right: unknown) => boolean | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, index) => sameJson(item, other[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => key in right && (decide?.(key, left[key], right[key]) ?? sameJson(left[key], right[key])));
}

function emptyTouched(): Touched {
  return { pods: new Set(), workloads: new Set() };
}

function link(index: Map<Ref, Set<Ref>>, from: Ref, to: Ref): void {
  const set = index.get(from);
  if (set) set.add(to);
  else index.set(from, new Set([to]));
}

function sameWorkloadVerdict(a: WorkloadVerdict | undefined, b: WorkloadVerdict | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function sameMissingVerdict(a: MissingVerdict | undefined, b: MissingVerdict | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}


/** One change of verdict, as `kstale watch` prints it (DESIGN.md section 4: `WatchEvent`). */
export type WatchEvent = Readonly<{
  type: 'Stale' | 'Fresh' | 'Missing' | 'Found';
  time: string;
  workload: Ref;
  config: Ref;
  key: string | null;
  /** Stale: stale pods; Fresh: running pods; Missing: running pods that read it; Found: 0 */
  pods: number;
  protectedBy: ProtectedBy | null;
  /** Stale: when the config (key) changed, and how sure that is; Missing: whether a reference is required */
  changedAt?: string;
  precision?: Precision;
  required?: boolean;
}>;

type Judged = ReturnType<LiveState['judge']>;

/**
 * The events a judgement yields: per workload, a reference that became stale (Stale) or stopped
 * being stale (Fresh); per workload reading it, a config or key that went missing (Missing) or
 * came back (Found). Pod counts changing within a verdict are no event (metrics carry them).
 */
export function watchEvents(judged: Judged, time: string, isMissing: (config: Ref, key: string | null) => boolean = () => false): WatchEvent[] {
  const events: WatchEvent[] = [];
  for (const { before, after, running } of judged.workloads) {
    const workload = (after ?? before)!.workload;
    const old = new Map((before?.references ?? []).map((reference) => [missingId(reference.config, reference.key), reference]));
    const now = new Map((after?.references ?? []).map((reference) => [missingId(reference.config, reference.key), reference]));
    for (const [id, reference] of now) {
      const previous = old.get(id);
      if (previous && previous.changedAt === reference.changedAt) continue;
      events.push({ type: 'Stale', time, workload, config: reference.config, key: reference.key, pods: after!.stalePods, protectedBy: reference.protectedBy, changedAt: reference.changedAt, precision: reference.precision });
    }
    for (const [id, reference] of old) {
      // Gone from the stale list because it is missing now: the Missing event says so.
      if (now.has(id) || isMissing(reference.config, reference.key)) continue;
      events.push({ type: 'Fresh', time, workload, config: reference.config, key: reference.key, pods: running, protectedBy: reference.protectedBy });
    }
  }
  for (const { before, after, present } of judged.missing) {
    const entry = (after ?? before)!;
    for (const workload of after?.workloads ?? []) {
      if (before?.workloads.includes(workload)) continue;
      events.push({ type: 'Missing', time, workload, config: entry.config, key: entry.key, pods: after!.podsOf[workload] ?? 0, protectedBy: null, required: after!.required });
    }
    // Only when it exists again: a workload whose pods are merely gone (rolled, scaled down) is no news.
    for (const workload of present ? before?.workloads ?? [] : []) {
      if (after?.workloads.includes(workload)) continue;
      events.push({ type: 'Found', time, workload, config: entry.config, key: entry.key, pods: 0, protectedBy: null });
    }
  }
  return events;
}

/**
 * Workloads `kstale watch --restart-after` should restart now: stale, not protected (Reloader,
 * wave and checksums restart by themselves), stale for at least `afterMs` since the change, and
 * not restarted by kstale within `afterMs`. The restart plan's preflight still decides.
 */
export function dueForRestart(verdicts: readonly WorkloadVerdict[], lastRestart: ReadonlyMap<Ref, number>, nowMs: number, afterMs: number): Ref[] {
  return verdicts
    .filter((verdict) => verdict.protectedBy === null && nowMs - Date.parse(verdict.since) >= afterMs)
    .filter((verdict) => nowMs - (lastRestart.get(verdict.workload) ?? Number.NEGATIVE_INFINITY) >= afterMs)
    .map((verdict) => verdict.workload);
}
