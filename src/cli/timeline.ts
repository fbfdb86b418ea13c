import { ValueTimeline } from '../analyses/timeline.js';
import { KstaleError } from '../model/errors.js';
import type { Problem } from '../model/problem.js';
import { metadataOf, type K8sObject } from '../model/object.js';
import { makeRef } from '../model/refs.js';
import type { CliIo } from './io.js';
import type { ClusterClient } from '../sources/cluster/http.js';
import { DEFAULT_TIMELINE, parseTimelineLocation, readTimeline, type TimelineLocation } from '../sources/cluster/timeline.js';

/** What --timeline / --no-timeline ask for: a named timeline, the default one when readable, or none. */
export type TimelineChoice = Readonly<{ location: TimelineLocation; explicit: boolean }> | null;

export function timelineChoiceOf(option: string | false | undefined): TimelineChoice {
  if (option === false) return null;
  if (option === undefined) return { location: DEFAULT_TIMELINE, explicit: false };
  const location = parseTimelineLocation(option);
  if (!location) throw new KstaleError('usage', `--timeline "${option}" is not NAMESPACE/NAME`, { hint: 'example: --timeline kstale/kstale-timeline' });
  return { location, explicit: true };
}

export type LoadedTimeline = Readonly<{ timeline: ValueTimeline; location: TimelineLocation }>;

/**
 * The persisted value timeline, read back: the default one silently when it is absent or not
 * readable (most clusters have none), a named one with a warning.
 */
export async function loadTimeline(client: ClusterClient, choice: TimelineChoice): Promise<{ loaded?: LoadedTimeline; problems: Problem[] }> {
  if (!choice) return { problems: [] };
  const read = await readTimeline(client, choice.location);
  const where = `${choice.location.namespace}/${choice.location.name}`;
  if (read.kind === 'absent') return { problems: choice.explicit ? [{ code: 'incomplete', severity: 'warning', message: `no value timeline in ConfigMap ${where} (kstale watch --timeline ${where} keeps one): change times come from managedFields` }] : [] };
  if (read.kind === 'unreadable') return { problems: choice.explicit ? [{ code: 'incomplete', severity: 'warning', message: `the value timeline cannot be read (${read.reason}): change times come from managedFields` }] : [] };
  const timeline = ValueTimeline.fromDocument(read.document);
  if (!timeline) return { problems: [{ code: 'incomplete', severity: 'warning', message: `ConfigMap ${where} does not hold a kstale value timeline: ignored` }] };
  return { loaded: { timeline, location: choice.location }, problems: [] };
}

/** How often, at most, a watcher writes its timeline (and so, at the latest, how long after a change). */
export const TIMELINE_WRITE_MS = 10_000;

export type WatchTimeline = Readonly<{
  timeline: ValueTimeline;
  /** one watched object as it arrives: a config's digests become versions */
  observe: (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: K8sObject, at: string) => void;
  /** the last write, when the watch ends */
  stop: (at: string, connected: boolean) => Promise<void>;
}>;

/**
 * The timeline of `kstale watch`: read back from `--timeline NS/NAME` (or the default one, when
 * readable, without writing it), then kept current from every config event; with --timeline it
 * is written at most once per TIMELINE_WRITE_MS, within that time of a change, and on exit.
 */
export async function startTimeline(client: ClusterClient, options: { timeline?: string | false }, at: string, io: Pick<CliIo, 'stderr'>): Promise<WatchTimeline> {
  const choice = timelineChoiceOf(options.timeline);
  const read = await loadTimeline(client, choice);
  for (const problem of read.problems.filter((entry) => !(choice?.explicit && /^no value timeline in/.test(entry.message)))) io.stderr(`kstale: ${problem.severity}: ${problem.message}\n`);
  const timeline = read.loaded?.timeline ?? new ValueTimeline(at);
  timeline.startWatching(at);
  const persistTo = choice?.explicit ? choice.location : undefined;
  if (persistTo && read.loaded) io.stderr(`kstale: value timeline ${persistTo.namespace}/${persistTo.name}: resumed (begins ${timeline.begins}; a key written while no watcher ran is judged by managedFields)\n`);
  let savedRevision = timeline.revision;
  let savedAt = timeline.savedAt;
  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    if (!persistTo) return saving;
    saving = saving.then(async () => {
      if (timeline.revision === savedRevision && timeline.savedAt === savedAt) return;
      const revision = timeline.revision;
      const stamp = timeline.savedAt;
      const { saveTimeline } = await import('../actions/timeline.js');
      const failed = await saveTimeline(client, persistTo, timeline).catch((error: Error) => error.message);
      if (failed) io.stderr(`kstale: warning: the value timeline could not be written: ${failed}\n`);
      else {
        savedRevision = revision;
        savedAt = stamp;
      }
    });
    return saving;
  };
  const timer = persistTo ? setInterval(() => void save(), TIMELINE_WRITE_MS) : undefined;
  timer?.unref();
  return {
    timeline,
    observe: (type, object, now) => {
      if (object.kind !== 'ConfigMap' && object.kind !== 'Secret') return;
      // The timeline's own ConfigMaps change at every save: following them would only feed the next save.
      if (object.kind === 'ConfigMap' && metadataOf(object.raw).labels?.['kstale.io/timeline'] !== undefined) return;
      const ref = makeRef(object.kind, object.namespace, object.name);
      if (type === 'DELETED') timeline.observeDeleted(ref, now);
      else if (object.valueDigests) timeline.observe(ref, object.valueDigests, object.raw, now);
      timeline.touch(now);
    },
    stop: async (now, connected) => {
      if (timer) clearInterval(timer);
      if (connected) timeline.touch(now);
      await save();
    },
  };
}
