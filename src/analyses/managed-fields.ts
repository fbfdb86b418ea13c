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

/** Every field an entry owns, as paths of fieldsV1 keys; the `.` markers (the map itself) are not fields of their own. */
function ownedLeaves(node: Record<string, unknown>, path = '', into: string[] = []): string[] {
  for (const [field, child] of Object.entries(node)) {
    if (field === '.') continue;
    const childPath = path ? `${path}/${field}` : field;
    if (isRecord(child) && Object.keys(child).some((key) => key !== '.')) ownedLeaves(child, childPath, into);
    else into.push(childPath);
  }
  return into;
}

/** The entry owns data keys and nothing else (no label, annotation or other field). */
function ownsOnlyData(entry: ManagedEntry): boolean {
  const leaves = ownedLeaves(entry.fieldsV1);
  return leaves.length > 0 && leaves.every((leaf) => DATA_FIELDS.some((field) => leaf.startsWith(`${field}/`)));
}

/**
 * An entry's time moves when its manager changes any field it owns: it dates this key alone only
 * when the key is the one field it owns (no other data key, label, annotation or other field).
 */
export function ownsOnlyKey(entry: ManagedEntry, key: string): boolean {
  const leaves = ownedLeaves(entry.fieldsV1);
  return leaves.length === 1 && DATA_FIELDS.some((field) => leaves[0] === `${field}/f:${key}`);
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
