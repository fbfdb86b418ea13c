import type { RawObject } from './object.js';
import type { Ref } from './refs.js';

/** What staleness asks a value timeline (analyses/timeline.ts): exact verdicts by value, or undefined when it cannot tell. */
export type TimelineLookup = Readonly<{
  judge: (config: Ref, key: string | null, startedAt: string, raw: RawObject) => Readonly<{ stale: boolean; changedAt: string }> | undefined;
  /** the latest time the value(s) can have changed, by what the timeline saw; undefined when it cannot tell */
  lastChange: (config: Ref, key: string | null, raw: RawObject) => string | undefined;
}>;
