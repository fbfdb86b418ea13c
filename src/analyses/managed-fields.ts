import { asArray, asString, isRecord, metadataOf, type RawObject } from '../model/object.js';

/**
 * How much a change time says (DESIGN.md section 2): `exact` from value digests (the timeline),
 * `key` when the managedFields entry can move for that key alone, `manager` when the entry also
 * owns other fields (any of them moves its time), `object` when only whole-map ownership is
 * known, `created` when only the creation time is.
 */
export type Precision = 'exact' | 'key' | 'manager' | 'object' | 'created';
export const PRECISIONS: readonly Precision[] = ['exact', 'key', 'manager', 'object', 'created'];
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

function newest(entries: readonly ManagedEntry[]): ManagedEntry | undefined {
  let best: ManagedEntry | undefined;
  for (const entry of entries) if (!best || Date.parse(entry.time) > Date.parse(best.time)) best = entry;
  return best;
}

/*
 * What an entry owns, read from fieldsV1 in place: the `.` markers (the map itself) are not
 * fields of their own, and a node with a field under it owns those fields, not itself. This runs
 * once per key of every config a pod reads: no list of owned paths is built.
 */
function ownedFieldsOf(node: Record<string, unknown>): string[] {
  return Object.keys(node).filter((field) => field !== '.');
}

function ownsFieldsUnder(node: unknown): node is Record<string, unknown> {
  return isRecord(node) && Object.keys(node).some((field) => field !== '.');
}

const isDataField = (field: string): boolean => (DATA_FIELDS as readonly string[]).includes(field);

/** The entry owns data keys and nothing else (no label, annotation or other field). */
function ownsOnlyData(entry: ManagedEntry): boolean {
  const fields = ownedFieldsOf(entry.fieldsV1);
  return fields.length > 0 && fields.every((field) => isDataField(field) && ownsFieldsUnder(entry.fieldsV1[field]));
}

/**
 * An entry's time moves when its manager changes any field it owns: it dates this key alone only
 * when the key is the one field it owns (no other data key, label, annotation or other field).
 */
export function ownsOnlyKey(entry: ManagedEntry, key: string): boolean {
  const fields = ownedFieldsOf(entry.fieldsV1);
  if (fields.length !== 1 || !isDataField(fields[0]!)) return false;
  const map = entry.fieldsV1[fields[0]!];
  if (!isRecord(map)) return false;
  const keys = ownedFieldsOf(map);
  return keys.length === 1 && keys[0] === `f:${key}` && !ownsFieldsUnder(map[keys[0]]);
}

export function hasManagedFields(raw: RawObject): boolean {
  return asArray(metadataOf(raw).managedFields).length > 0;
}

/**
 * The latest time the value a reference reads may have changed (DESIGN.md section 2): the newest
 * managedFields entry that owns that key (`key` precision only when that key is all it owns,
 * `manager` otherwise), else the newest that owns any data field (object
 * precision), else the creation time (a lower bound: later edits are invisible).
 */
export function configChangeTime(raw: RawObject, key: string | null): ChangeTime | undefined {
  const entries = dataEntries(raw);
  if (key !== null) {
    const owner = newest(entries.filter((entry) => ownsKey(entry, key)));
    if (owner) return { time: owner.time, precision: ownsOnlyKey(owner, key) ? 'key' : 'manager' };
  }
  const objectTime = newest(entries.filter(ownsAnyData));
  // A reader of every key (envFrom, a whole volume): an entry that owns data and nothing else moves only when data changes.
  if (objectTime) return { time: objectTime.time, precision: key === null && ownsOnlyData(objectTime) ? 'key' : 'object' };
  const created = metadataOf(raw).creationTimestamp;
  return created ? { time: created, precision: 'created' } : undefined;
}
