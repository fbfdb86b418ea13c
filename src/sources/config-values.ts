import { createHmac, randomBytes } from 'node:crypto';
import { isRecord, type RawObject } from '../model/object.js';

/* What every source does with config values: Secrets keep key names only, and commands that
 * compare versions (impact) get digests that stay in memory. */

/** A map with its keys kept and every value emptied. */
export function blankValues(map: unknown): unknown {
  if (!isRecord(map)) return map;
  // Plain stores, not Object.fromEntries: this runs for every config of a dump.
  const blank: Record<string, string> = {};
  for (const key of Object.keys(map)) {
    // `__proto__` is a valid key name: kept as an own key, as JSON.parse made it.
    if (key === '__proto__') Object.defineProperty(blank, key, { value: '', enumerable: true, writable: true, configurable: true });
    else blank[key] = '';
  }
  return blank;
}

/**
 * Secret values are never kept in what kstale reads: only key names, as empty strings, so nothing
 * downstream can print or store a value (impact's digests are taken before, and stay in memory).
 * The maps of the freshly read object are replaced in place, not copied: a file's parsed
 * document stays alive for positions, and a copy would leave the values in it.
 */
export function dropSecretValues(item: Record<string, unknown>): RawObject {
  if ('data' in item) item.data = blankValues(item.data);
  if ('stringData' in item) item.stringData = blankValues(item.stringData);
  return item;
}

/** ConfigMap values are never read (only key names, and impact's digests taken before): dropped in place too. */
export function dropConfigMapValues(item: Record<string, unknown>): RawObject {
  if ('data' in item) item.data = blankValues(item.data);
  if ('binaryData' in item) item.binaryData = blankValues(item.binaryData);
  return item;
}

/*
 * Digests are keyed with a secret made when the process starts and never written anywhere: equal
 * values give equal digests inside one run, and no digest can be tested against a guessed value
 * outside it (no unkeyed hash of a Secret value exists anywhere).
 */
const PROCESS_KEY = randomBytes(32);
const digest = (bytes: Buffer) => createHmac('sha256', PROCESS_KEY).update(bytes).digest('base64');

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
