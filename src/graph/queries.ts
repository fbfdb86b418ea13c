import type { ConfigNode, Missing, Reference } from '../model/graph.js';
import { makeRef, parseRef, type Ref } from '../model/refs.js';
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
