import { createHash } from 'node:crypto';
import { isRecord, type RawObject } from '../model/object.js';

/* What every source does with config values: Secrets keep key names only, and commands that
 * compare versions (impact) get digests that stay in memory. */

/** A map with its keys kept and every value emptied. */
export function blankValues(map: unknown): unknown {
  return isRecord(map) ? Object.fromEntries(Object.keys(map).map((key) => [key, ''])) : map;
}

/**
 * Secret values never stay in memory: only key names are kept, as empty strings, so nothing
 * downstream can print or store a value (impact's digests are taken before, and stay in memory).
 */
export function withoutSecretValues(raw: RawObject): RawObject {
  const copy: Record<string, unknown> = { ...raw };
  if ('data' in copy) copy.data = blankValues(copy.data);
  if ('stringData' in copy) copy.stringData = blankValues(copy.stringData);
  return copy;
}

const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');

/** Digests of a config's values by key, from the raw object before Secret values are dropped. */
export function valueDigestsOf(raw: Record<string, unknown>): Map<string, string> {
  const digests = new Map<string, string>();
  const add = (map: unknown, encoding: 'utf8' | 'base64') => {
    if (isRecord(map)) for (const [key, value] of Object.entries(map)) digests.set(key, digest(Buffer.from(String(value ?? ''), encoding)));
  };
  const isSecret = raw.kind === 'Secret';
  add(raw.data, isSecret ? 'base64' : 'utf8');
  add(raw.binaryData, 'base64');
  add(raw.stringData, 'utf8'); // the API server merges stringData into data: the same bytes, the same digest
  return digests;
}
