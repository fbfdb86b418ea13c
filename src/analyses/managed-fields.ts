import { asArray, asString, isRecord, metadataOf, type RawObject } from '../model/object.js';

export type Precision = 'key' | 'object' | 'created';
export type ChangeTime = Readonly<{ time: string; precision: Precision }>;

/** Where a ConfigMap's or Secret's values live in fieldsV1 (server-side apply of a Secret's stringData stays under f:stringData). */
const DATA_FIELDS = ['f:data', 'f:binaryData', 'f:stringData'] as const;

type ManagedEntry = Readonly<{ time: string; fieldsV1: Record<string, unknown> }>;

/** managedFields entries that can own data: status and other subresource entries never do. */
function dataEntries(raw: RawObject): ManagedEntry[] {
  return asArray(metadataOf(raw).managedFields).flatMap((entry) => {
    if (!isRecord(entry) || asString(entry.subresource)) return [];
    const time = asString(entry.time);
    return time && isRecord(entry.fieldsV1) ? [{ time, fieldsV1: entry.fieldsV1 }] : [];
  });
}

function ownsKey(entry: ManagedEntry, key: string): boolean {
  return DATA_FIELDS.some((field) => {
    const map = entry.fieldsV1[field];
    return isRecord(map) && `f:${key}` in map;
  });
}

/** Owning the map itself (`.`) or any key under it. */
function ownsAnyData(entry: ManagedEntry): boolean {
  return DATA_FIELDS.some((field) => isRecord(entry.fieldsV1[field]) && Object.keys(entry.fieldsV1[field] as object).length > 0);
}

function newest(entries: readonly ManagedEntry[]): string | undefined {
  let best: ManagedEntry | undefined;
  for (const entry of entries) if (!best || Date.parse(entry.time) > Date.parse(best.time)) best = entry;
  return best?.time;
}

export function hasManagedFields(raw: RawObject): boolean {
  return asArray(metadataOf(raw).managedFields).length > 0;
}

/**
 * The latest time the value a reference reads may have changed (DESIGN.md section 2): the newest
 * managedFields entry that owns that key, else the newest that owns any data field (object
 * precision), else the creation time (a lower bound: later edits are invisible).
 */
export function configChangeTime(raw: RawObject, key: string | null): ChangeTime | undefined {
  const entries = dataEntries(raw);
  if (key !== null) {
    const keyTime = newest(entries.filter((entry) => ownsKey(entry, key)));
    if (keyTime) return { time: keyTime, precision: 'key' };
  }
  const objectTime = newest(entries.filter(ownsAnyData));
  if (objectTime) return { time: objectTime, precision: 'object' };
  const created = metadataOf(raw).creationTimestamp;
  return created ? { time: created, precision: 'created' } : undefined;
}
