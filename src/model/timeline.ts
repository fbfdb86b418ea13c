import type { RawObject } from './object.js';
import type { Ref } from './refs.js';

/** What staleness asks a value timeline (analyses/timeline.ts): exact verdicts by value, or undefined when it cannot tell. */
export type TimelineLookup = Readonly<{
  judge: (config: Ref, key: string | null, startedAt: string, raw: RawObject) => Readonly<{ stale: boolean; changedAt: string }> | undefined;
}>;
