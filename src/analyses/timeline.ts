import { isRecord, type RawObject } from '../model/object.js';
import type { Ref } from '../model/refs.js';
import { configChangeTime } from './managed-fields.js';

/*
 * The value timeline (DESIGN.md section 2, issue 24): per config key, the versions of its value
 * that a watcher saw, as small ids (equal id = equal value) and the time each began. A container
 * holds the latest version that began at or before its start; it is stale exactly when that
 * version differs from the version now. No value, and no digest of one, is ever part of what is
 * persisted: digests (keyed by a secret that lives only in the watching process) map values to ids
 * while the process runs, and are dropped with it.
 */

/** Id 0 is "the key was absent". */
export const ABSENT = 0;

export type Version = Readonly<{
  id: number;
  since: string;
  /**
   * true: a watcher saw this version begin (or it is the version found at the first sight, which
   * began at the latest at its managedFields time); false: inferred after a watcher was down, when
   * only managedFields said that something changed: containers that started before it are judged by
   * managedFields, not exactly.
   */
  observed: boolean;
}>;

type KeyState = {
  versions: Version[];
  /** digest → id, in memory only; empty for a timeline read back from its ConfigMap */
  idOf: Map<string, number>;
  /** the digest of the value now, when a watcher of this process has seen it */
  current: string | undefined;
};

type ConfigState = { keys: Map<string, KeyState>; nextId: number; since: string };

/** The persisted form: ids and times only. */
export type TimelineDocument = Readonly<{
  apiVersion: 'kstale/v1';
  kind: 'ValueTimeline';
  /** when the first watcher began the timeline */
  begins: string;
  /** the last moment a watcher knew every watched key's version: after it, managedFields decide whether a key moved */
  savedAt: string;
  /** periods a watcher was running */
  watched: readonly { from: string; to: string }[];
  /** per key its versions, [id, since] (a third element 0: inferred); a bare id is one version that began at the config's since */
  configs: Readonly<Record<Ref, { since: string; keys: Readonly<Record<string, number | readonly (readonly [number, string] | readonly [number, string, 0])[]>> }>>;
}>;

export type ExactVerdict = Readonly<{ stale: boolean; changedAt: string }>;

/** Any object with managedFields dates a key: the managed-fields change time, else its creation. */
function changeTimeOf(raw: RawObject, key: string | null): string | undefined {
  return configChangeTime(raw, key)?.time;
}

const later = (a: string, b: string) => Date.parse(a) > Date.parse(b);

export class ValueTimeline {
  private readonly configs = new Map<Ref, ConfigState>();
  /** set when read back from a ConfigMap: the versions were true until then */
  private resumedFrom: string | undefined;
  private watched: { from: string; to: string }[] = [];
  begins: string;
  savedAt: string;
  /** bumped on every change of what would be persisted */
  revision = 0;

  constructor(begins: string) {
    this.begins = begins;
    this.savedAt = begins;
  }

  get size(): number {
    return this.configs.size;
  }

  /** A watcher runs from `at`: the period is recorded, and the previous one (if read back) is closed at its savedAt. */
  startWatching(at: string): void {
    this.watched.push({ from: at, to: at });
  }

  /** The watcher knows every key's version up to `at` (called as events arrive and before saving). */
  touch(at: string): void {
    const last = this.watched.at(-1);
    if (last && later(at, last.to)) last.to = at;
    if (later(at, this.savedAt)) this.savedAt = at;
  }

  /**
   * A config as a watcher sees it now (`digests`: key → keyed digest of its value), at time `at`.
   * The first sight of a key begins its first version at its managedFields time (when the value
   * was last written at the latest); a later sight with another digest begins a new version (or
   * returns to the id that value had). Returns the keys whose value changed.
   */
  observe(config: Ref, digests: ReadonlyMap<string, string>, raw: RawObject, at: string): string[] {
    const changed: string[] = [];
    let state = this.configs.get(config);
    const isNew = !state || state.keys.size === 0;
    if (!state) {
      state = { keys: new Map(), nextId: 1, since: changeTimeOf(raw, null) ?? at };
      this.configs.set(config, state);
      this.revision++;
    }
    for (const [key, digest] of digests) {
      const keyState = state.keys.get(key);
      if (!keyState) {
        // A key first seen now: present since its managedFields time, or, if the config was already watched, added just now.
        const firstSight = isNew;
        const since = firstSight ? (changeTimeOf(raw, key) ?? state.since) : at;
        const id = state.nextId++;
        const versions: Version[] = firstSight ? [{ id, since, observed: true }] : [{ id: ABSENT, since: state.since, observed: true }, { id, since: this.whenChanged(raw, key, at, state.since), observed: true }];
        state.keys.set(key, { versions, idOf: new Map([[digest, id]]), current: digest });
        if (!firstSight) changed.push(key);
        this.revision++;
        continue;
      }
      if (keyState.current === digest) continue;
      if (keyState.current === undefined) {
        this.resume(state, keyState, digest, raw, key, at);
        continue;
      }
      const last = keyState.versions.at(-1)!;
      const id = keyState.idOf.get(digest) ?? state.nextId++;
      keyState.idOf.set(digest, id);
      keyState.current = digest;
      keyState.versions.push({ id, since: this.whenChanged(raw, key, at, last.since), observed: true });
      changed.push(key);
      this.revision++;
    }
    for (const [key, keyState] of state.keys) {
      if (digests.has(key) || keyState.versions.at(-1)!.id === ABSENT) continue;
      keyState.versions.push({ id: ABSENT, since: at, observed: true });
      keyState.current = undefined;
      keyState.idOf.clear();
      changed.push(key);
      this.revision++;
    }
    return changed;
  }

  /** The config was deleted: every key is absent from now. */
  observeDeleted(config: Ref, at: string): void {
    const state = this.configs.get(config);
    if (!state) return;
    for (const keyState of state.keys.values()) {
      if (keyState.versions.at(-1)!.id === ABSENT) continue;
      keyState.versions.push({ id: ABSENT, since: at, observed: true });
      keyState.current = undefined;
      keyState.idOf.clear();
    }
    this.revision++;
  }

  /**
   * When the value seen at `at` began: the managedFields time of the key when it is newer than the
   * previous version (the write that changed it moved it), else the moment the watcher saw it.
   */
  private whenChanged(raw: RawObject, key: string, at: string, previous: string): string {
    const written = changeTimeOf(raw, key);
    return written && later(written, previous) && !later(written, at) ? written : at;
  }

  /**
   * After a watcher restart the ids are known but not the digests: a key whose managedFields time
   * is not after the timeline was last saved still holds its last version (exactly); otherwise it
   * may have changed while no one watched: a new version, marked as inferred.
   */
  private resume(state: ConfigState, keyState: KeyState, digest: string, raw: RawObject, key: string, at: string): void {
    const last = keyState.versions.at(-1)!;
    const written = changeTimeOf(raw, key);
    const unchanged = last.id !== ABSENT && this.resumedFrom !== undefined && (!written || !later(written, this.resumedFrom));
    if (unchanged) {
      keyState.idOf.set(digest, last.id);
      keyState.current = digest;
      return;
    }
    const id = state.nextId++;
    keyState.idOf.set(digest, id);
    keyState.current = digest;
    keyState.versions.push({ id, since: written && later(written, last.since) ? written : at, observed: false });
    this.revision++;
  }

  /**
   * Judges a container that started at `startedAt` and reads `key` (null: every key, as envFrom
   * or a whole volume does). undefined: the timeline cannot tell (the start is before what it
   * knows, a watcher was down after it, or the key changed since the timeline was saved); then
   * managedFields decide. `raw` is the config now, to tell whether a read-back timeline is current.
   */
  judge(config: Ref, key: string | null, startedAt: string, raw: RawObject): ExactVerdict | undefined {
    const keyStates = this.knownKeys(config, key, raw);
    if (!keyStates) return undefined;
    let stale = false;
    let changedAt: string | undefined;
    for (const keyState of keyStates) {
      const verdict = judgeVersions(keyState.versions, startedAt);
      if (!verdict) return undefined;
      if (verdict.stale) {
        stale = true;
        if (!changedAt || later(changedAt, verdict.changedAt)) changedAt = verdict.changedAt;
      }
    }
    return { stale, changedAt: changedAt ?? '' };
  }

  /**
   * The latest moment the value a reader of `key` (null: every key) can have changed: when its
   * current version began, for a key whose every change a watcher saw (the first version begins
   * at the managedFields time of the first sight). undefined when the timeline cannot tell, as
   * for judge. For a container that started before what the timeline knows, managedFields still
   * decide, but a time of theirs that moved later (the owning manager wrote another key, a label)
   * dates no change of this value.
   */
  lastChange(config: Ref, key: string | null, raw: RawObject): string | undefined {
    const keyStates = this.knownKeys(config, key, raw);
    if (!keyStates) return undefined;
    let latest: string | undefined;
    for (const keyState of keyStates) {
      if (keyState.versions.some((version) => !version.observed)) return undefined;
      const since = keyState.versions.at(-1)!.since;
      if (!latest || later(since, latest)) latest = since;
    }
    return latest;
  }

  /**
   * The keys a reader of `key` (null: every key) reads, when the timeline knows each of them up to
   * now: read back without digests, only while managedFields say nothing was written after it was saved.
   */
  private knownKeys(config: Ref, key: string | null, raw: RawObject): KeyState[] | undefined {
    const state = this.configs.get(config);
    if (!state) return undefined;
    const names = key === null ? [...state.keys.keys()] : [key];
    if (names.length === 0) return undefined;
    const known: KeyState[] = [];
    for (const name of names) {
      const keyState = state.keys.get(name);
      if (!keyState) return undefined;
      if (keyState.current === undefined && keyState.versions.at(-1)!.id !== ABSENT) {
        const written = changeTimeOf(raw, name);
        if (written && later(written, this.savedAt)) return undefined;
      }
      known.push(keyState);
    }
    return known;
  }

  /** Whether the timeline could judge a container of this start (for the summary: from when it covers). */
  coversFrom(): string | undefined {
    let earliest: string | undefined;
    for (const state of this.configs.values()) for (const keyState of state.keys.values()) {
      const first = keyState.versions[0]?.since;
      if (first && (!earliest || later(earliest, first))) earliest = first;
    }
    return earliest;
  }

  /** The document without its configs. */
  head(): Omit<TimelineDocument, 'configs'> {
    return { apiVersion: 'kstale/v1', kind: 'ValueTimeline', begins: this.begins, savedAt: this.savedAt, watched: this.watched.map((period) => ({ ...period })) };
  }

  /** Each config's entry, in ref order, one at a time (a save of a large timeline keeps no whole document). */
  *configEntries(): Generator<[Ref, TimelineDocument['configs'][Ref]]> {
    for (const [ref, state] of [...this.configs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const keys: Record<string, number | (readonly [number, string] | readonly [number, string, 0])[]> = {};
      for (const [key, keyState] of [...state.keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const [first] = keyState.versions;
        // Most keys never change: one version since the config's time is written as its id alone.
        if (keyState.versions.length === 1 && first!.observed && first!.since === state.since) keys[key] = first!.id;
        else keys[key] = keyState.versions.map((version) => (version.observed ? ([version.id, version.since] as const) : ([version.id, version.since, 0] as const)));
      }
      yield [ref, { since: state.since, keys }];
    }
  }

  toDocument(): TimelineDocument {
    return { ...this.head(), configs: Object.fromEntries(this.configEntries()) };
  }

  /** A timeline read back (from its ConfigMap): versions as saved, no digests; exact up to its savedAt. */
  static fromDocument(document: unknown): ValueTimeline | undefined {
    if (!isRecord(document) || document.kind !== 'ValueTimeline' || typeof document.begins !== 'string' || typeof document.savedAt !== 'string' || !isRecord(document.configs)) return undefined;
    const timeline = new ValueTimeline(document.begins);
    timeline.savedAt = document.savedAt;
    timeline.resumedFrom = document.savedAt;
    timeline.watched = Array.isArray(document.watched) ? document.watched.filter(isRecord).map((period) => ({ from: String(period.from), to: String(period.to) })) : [];
    for (const [ref, entry] of Object.entries(document.configs)) {
      if (!isRecord(entry) || !isRecord(entry.keys)) continue;
      const keys = new Map<string, KeyState>();
      let nextId = 1;
      const since = typeof entry.since === 'string' ? entry.since : document.begins;
      for (const [key, written] of Object.entries(entry.keys)) {
        const list = typeof written === 'number' ? [[written, since]] : written;
        if (!Array.isArray(list)) continue;
        const versions = list.filter((item): item is unknown[] => Array.isArray(item) && typeof item[0] === 'number' && typeof item[1] === 'string').map((item) => ({ id: item[0] as number, since: item[1] as string, observed: item[2] !== 0 }));
        if (versions.length === 0) continue;
        for (const version of versions) nextId = Math.max(nextId, version.id + 1);
        keys.set(key, { versions, idOf: new Map(), current: undefined });
      }
      timeline.configs.set(ref, { keys, nextId, since });
    }
    return timeline;
  }
}

/** The version a container of this start holds, against the version now. */
function judgeVersions(versions: readonly Version[], startedAt: string): ExactVerdict | undefined {
  let held = -1;
  for (let index = 0; index < versions.length; index++) if (!later(versions[index]!.since, startedAt)) held = index;
  if (held < 0) return undefined; // started before the timeline knows the value
  const after = versions.slice(held + 1);
  if (after.some((version) => !version.observed)) return undefined; // a change no watcher saw happened since
  const heldId = versions[held]!.id;
  const current = versions.at(-1)!.id;
  if (current === heldId) return { stale: false, changedAt: '' };
  return { stale: true, changedAt: after.find((version) => version.id !== heldId)!.since };
}
