import { keysKnown, type ConfigNode, type Missing, type Reference } from '../model/graph.js';
import { configScope, parseRef, type Ref } from '../model/refs.js';

/** Made in every namespace by kube-controller-manager: never declared in manifests, never missing. */
export const ALWAYS_PRESENT_CONFIGMAPS: ReadonlySet<string> = new Set(['kube-root-ca.crt']);

function isAlwaysPresent(config: Ref): boolean {
  // Asked for every reference of every pod: the ref is looked at in place, not parsed.
  if (!config.startsWith('ConfigMap/')) return false;
  return ALWAYS_PRESENT_CONFIGMAPS.has(config.slice(config.indexOf('/', 'ConfigMap/'.length) + 1));
}

/**
 * Where the source could not list configs (a forbidden list): `Kind/namespace`, or `Kind/*` for
 * every namespace. A config absent there is unknown, not missing.
 */
export type UnreadConfigs = ReadonlySet<string>;

/** What the graph knows of the configs: the ones read, and where none could be read. */
export type ConfigLookup = Readonly<{ configs: ReadonlyMap<Ref, ConfigNode>; unreadConfigs: UnreadConfigs }>;

function wasUnread(config: Ref, unread: UnreadConfigs): boolean {
  if (unread.size === 0) return false;
  const { kind, namespace } = parseRef(config);
  return unread.has(configScope(kind, namespace)) || unread.has(configScope(kind, null));
}

/** What a reference lacks: its whole config (key null), one key of a present config whose keys are known, or nothing. */
export function whatIsMissing(reference: Reference, lookup: ConfigLookup): { key: string | null } | undefined {
  return missingGiven(reference, lookup.configs.get(reference.config), lookup.unreadConfigs);
}

/** whatIsMissing, given the reference's config as looked up already (undefined: absent from the source). */
export function missingGiven(reference: Reference, config: ConfigNode | undefined, unread: UnreadConfigs): { key: string | null } | undefined {
  if (isAlwaysPresent(reference.config)) return undefined;
  if (!config) return wasUnread(reference.config, unread) ? undefined : { key: null };
  if (reference.key !== null && keysKnown(config) && !config.keys.includes(reference.key)) return { key: reference.key };
  return undefined;
}

/** Why the presence of what a reference needs cannot be known: its config could not be listed, or its keys are unknown. */
export type Unverified = 'config-unread' | 'keys-unknown';

export function whatIsUnverified(reference: Reference, lookup: ConfigLookup): Unverified | undefined {
  return unverifiedGiven(reference, lookup.configs.get(reference.config), lookup.unreadConfigs);
}

/** whatIsUnverified, given the reference's config as looked up already. */
export function unverifiedGiven(reference: Reference, config: ConfigNode | undefined, unread: UnreadConfigs): Unverified | undefined {
  if (isAlwaysPresent(reference.config)) return undefined;
  if (!config) return wasUnread(reference.config, unread) ? 'config-unread' : undefined;
  return reference.key !== null && !keysKnown(config) ? 'keys-unknown' : undefined;
}

/**
 * Configs referenced but absent, and absent keys of present configs whose keys are known.
 * An entry is optional only when every reference behind it is optional.
 */
export function findMissing(references: readonly Reference[], lookup: ConfigLookup): Missing[] {
  const entries = new Map<string, { config: Ref; key: string | null; optional: boolean; referencedBy: Set<Ref> }>();
  for (const reference of references) {
    const lacking = whatIsMissing(reference, lookup);
    if (!lacking) continue;
    const { key } = lacking;
    const id = `${reference.config}\u0000${key ?? ''}`;
    const entry = entries.get(id) ?? { config: reference.config, key, optional: true, referencedBy: new Set<Ref>() };
    entry.optional &&= reference.optional;
    entry.referencedBy.add(reference.workload);
    entries.set(id, entry);
  }
  return [...entries.values()]
    .map((entry) => ({ ...entry, referencedBy: [...entry.referencedBy].sort() }))
    .sort((a, b) => compareStrings(a.config, b.config) || compareStrings(a.key ?? '', b.key ?? ''));
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
