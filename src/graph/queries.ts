import type { ConfigNode, Missing, Reference } from '../model/graph.js';
import { configScope, makeRef, parseRef, type Ref } from '../model/refs.js';
import { KstaleError } from '../model/errors.js';
import type { GraphIndex } from './build.js';
import { compareStrings, findMissing } from './missing.js';

export type ConfigQuery = Readonly<{
  kind: 'ConfigMap' | 'Secret';
  name: string;
  /** null: every namespace (-A) */
  namespace: string | null;
  key: string | null;
}>;

export type WhoUsesAnswer = Readonly<{
  /** the configs the query names that are declared in the source */
  configs: readonly ConfigNode[];
  /** the refs the query names (declared or only referenced) */
  matched: readonly Ref[];
  references: readonly Reference[];
  /** what those references need and the source lacks: the config, or keys of it */
  missing: readonly Missing[];
  /** declared or referenced configs of the same kind with a near name: a typo helper */
  nearNames: readonly Ref[];
}>;

function matchesQuery(ref: Ref, query: ConfigQuery): boolean {
  const { kind, namespace, name } = parseRef(ref);
  return kind === query.kind && name === query.name && (query.namespace === null || namespace === query.namespace);
}

/** Edit distance with an early cut: near names are those within `limit` edits. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      rowMin = Math.min(rowMin, current[j]!);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

function nearNamesOf(query: ConfigQuery, index: GraphIndex): Ref[] {
  const candidates = new Set<Ref>([...index.configs.keys(), ...index.usersOf.keys()]);
  const limit = Math.max(2, Math.floor(query.name.length / 4));
  return [...candidates]
    .filter((ref) => {
      const { kind, namespace, name } = parseRef(ref);
      if (kind !== query.kind || matchesQuery(ref, query)) return false;
      if (name === query.name) return true; // the same name in another namespace
      if (query.namespace !== null && namespace !== query.namespace) return false;
      return editDistance(name, query.name, limit) <= limit || name.includes(query.name) || query.name.includes(name);
    })
    .sort(compareStrings)
    .slice(0, 5);
}

/** Every reference to the named config (and key); a key query keeps references that read that key or the whole config. */
export function whoUses(index: GraphIndex, query: ConfigQuery): WhoUsesAnswer {
  const matched = new Set<Ref>();
  if (query.namespace !== null) {
    const ref = makeRef(query.kind, query.namespace, query.name);
    if (index.configs.has(ref) || index.usersOf.has(ref)) matched.add(ref);
  } else {
    for (const ref of [...index.configs.keys(), ...index.usersOf.keys()]) if (matchesQuery(ref, query)) matched.add(ref);
  }
  const references = [...matched]
    .flatMap((ref) => index.usersOf.get(ref) ?? [])
    .filter((reference) => query.key === null || reference.key === null || reference.key === query.key);
  const configs = [...matched].map((ref) => index.configs.get(ref)).filter((config): config is ConfigNode => config !== undefined);
  const nearNames = configs.length === 0 ? nearNamesOf(query, index) : [];
  return { configs, matched: [...matched].sort(compareStrings), references, missing: findMissing(references, index), nearNames };
}

const kubectlKind = (kind: string) => (kind === 'ConfigMap' ? 'configmap' : 'secret');

/**
 * A name that exists nowhere is an error, as `kubectl get cm nope` is NotFound: not declared,
 * referenced by nothing, and not in a namespace whose configs could not be listed. A --key that
 * the config does not have (and nothing reads) is one too, naming the keys it has.
 */
export function ensureConfigKnown(index: GraphIndex, query: ConfigQuery): void {
  const answer = whoUses(index, query);
  const where = query.namespace === null ? 'in any namespace' : `in namespace ${query.namespace}`;
  if (answer.matched.length === 0) {
    if (index.unreadConfigs.has(configScope(query.kind, null)) || (query.namespace !== null && index.unreadConfigs.has(configScope(query.kind, query.namespace)))) return;
    const near = answer.nearNames.map((ref) => {
      const { namespace, name } = parseRef(ref);
      return `${kubectlKind(query.kind)}/${name}${query.namespace !== null && namespace !== query.namespace ? ` (in namespace ${namespace})` : ''}`;
    });
    throw new KstaleError('input', `${kubectlKind(query.kind)} "${query.name}" not found ${where}: not declared, and nothing references it`, { hint: near.length > 0 ? `did you mean ${near.join(', ')}?` : 'check the name and the namespace (-n, -A)' });
  }
  if (query.key === null) return;
  const known = answer.configs.filter((config) => config.keysFrom !== null);
  const read = answer.matched.some((ref) => (index.usersOf.get(ref) ?? []).some((reference) => reference.key === query.key));
  if (known.length === 0 || read || known.some((config) => config.keys.includes(query.key!))) return;
  const keys = [...new Set(known.flatMap((config) => config.keys))].sort();
  throw new KstaleError('input', `"${query.key}" is not a key of ${kubectlKind(query.kind)}/${query.name} ${where}, and nothing reads it`, { hint: keys.length > 0 ? `its keys: ${keys.join(', ')}` : 'it has no keys' });
}
