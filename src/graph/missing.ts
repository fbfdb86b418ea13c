import type { ConfigNode, Missing, Reference } from '../model/graph.js';
import { parseRef, type Ref } from '../model/refs.js';

/** Made in every namespace by kube-controller-manager: never declared in manifests, never missing. */
export const ALWAYS_PRESENT_CONFIGMAPS: ReadonlySet<string> = new Set(['kube-root-ca.crt']);

function isAlwaysPresent(config: Ref): boolean {
  const { kind, name } = parseRef(config);
  return kind === 'ConfigMap' && ALWAYS_PRESENT_CONFIGMAPS.has(name);
}

/** What a reference lacks: its whole config (key null), one key of a present config whose keys are known, or nothing. */
export function whatIsMissing(reference: Reference, configs: ReadonlyMap<Ref, ConfigNode>): { key: string | null } | undefined {
  if (isAlwaysPresent(reference.config)) return undefined;
  const config = configs.get(reference.config);
  if (!config) return { key: null };
  if (reference.key !== null && config.keysKnown && !config.keys.includes(reference.key)) return { key: reference.key };
  return undefined;
}

/**
 * Configs referenced but absent, and absent keys of present configs whose keys are known.
 * An entry is optional only when every reference behind it is optional.
 */
export function findMissing(references: readonly Reference[], configs: ReadonlyMap<Ref, ConfigNode>): Missing[] {
  const entries = new Map<string, { config: Ref; key: string | null; optional: boolean; referencedBy: Set<Ref> }>();
  for (const reference of references) {
    const lacking = whatIsMissing(reference, configs);
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
