import type { ConfigNode, Missing, Reference } from '../../model/graph.js';
import { groupBy } from '../../graph/build.js';
import type { LintContext } from './types.js';
import { parseRef, type Ref } from '../../model/refs.js';
import { editDistance } from '../../graph/queries.js';

/** `Deployment/shop/web` → `Deployment shop/web`: how messages name objects. */
export function objectName(ref: Ref): string {
  const { kind, namespace, name } = parseRef(ref);
  return `${kind} ${namespace}/${name}`;
}

/** Where in the pod spec a reference sits, e.g. `env DB_PASSWORD of container app`. */
export function referencePlace(reference: Reference): string {
  const container = reference.container === null ? '' : ` of ${reference.containerType === 'container' ? 'container' : reference.containerType} ${reference.container}`;
  switch (reference.via) {
    case 'env':
      return `env ${reference.envVar ?? '?'}${container}`;
    case 'envFrom':
      return `envFrom${reference.prefix ? ` (prefix ${reference.prefix})` : ''}${container}`;
    case 'imagePullSecret':
      return 'imagePullSecrets';
    case 'volumeSecretRef':
      return `volume ${reference.volume}'s plugin secret, read at mount`;
    default:
      return `${reference.via === 'projected' ? 'projected volume' : 'volume'} ${reference.volume}${reference.mountPath ? ` at ${reference.mountPath}` : ''}${container}`;
  }
}

/** The first few places, then a count: keeps one-line messages short. */
export function placesOf(references: readonly Reference[], limit = 2): string {
  const places = [...new Set(references.map(referencePlace))];
  const shown = places.slice(0, limit).join(', ');
  return places.length > limit ? `${shown} and ${places.length - limit} more` : shown;
}

export function groupReferences(references: readonly Reference[], keyOf: (reference: Reference) => string): Reference[][] {
  return [...groupBy(references, keyOf).values()];
}

export type MissingUse = Readonly<{ entry: Missing; workload: string; references: readonly Reference[]; optional: boolean }>;

/**
 * Each missing config (`withKey` false) or missing key (true) that is not declared external,
 * once per workload that reads it, with that workload's references to it.
 */
export function missingUses(ctx: LintContext, withKey: boolean): MissingUse[] {
  const { graph, index } = ctx.built;
  return graph.missing
    .filter((entry) => (entry.key !== null) === withKey && !ctx.isExternal(entry.config))
    .flatMap((entry) =>
      entry.referencedBy.map((workload) => {
        const references = (index.usesOf.get(workload) ?? []).filter((reference) => reference.config === entry.config && (entry.key === null || reference.key === entry.key));
        return { entry, workload, references, optional: references.every((reference) => reference.optional) };
      }),
    );
}

/** The configs grouped the two ways hints look for them, made once per graph: a lint of thousands of missing references must not scan every config for each. */
type ConfigsByName = Readonly<{ byKindName: Map<string, ConfigNode[]>; byKindNamespace: Map<string, ConfigNode[]> }>;
const configsByNameOf = new WeakMap<ReadonlyMap<Ref, ConfigNode>, ConfigsByName>();

function configsByName(configs: ReadonlyMap<Ref, ConfigNode>): ConfigsByName {
  let grouped = configsByNameOf.get(configs);
  if (!grouped) {
    const values = [...configs.values()];
    grouped = { byKindName: groupBy(values, (config) => `${config.kind}/${config.name}`), byKindNamespace: groupBy(values, (config) => `${config.kind}/${config.namespace}`) };
    configsByNameOf.set(configs, grouped);
  }
  return grouped;
}

/**
 * Where the config a reference misses may really be: a config of the same kind and name in
 * another namespace (with the key, when a key is missing), or a near name in the same namespace.
 * '' when there is nothing to suggest.
 */
export function missingHint(ctx: LintContext, config: Ref, key: string | null): string {
  const { kind, namespace, name } = parseRef(config);
  const { byKindName, byKindNamespace } = configsByName(ctx.built.index.configs);
  const elsewhere = (byKindName.get(`${kind}/${name}`) ?? []).filter((candidate) => candidate.namespace !== namespace && (key === null || candidate.keys.includes(key)));
  if (elsewhere.length > 0) {
    const where = elsewhere.map((candidate) => candidate.namespace).sort().join(', ');
    return ` — a ${kind} ${name}${key === null ? '' : ` with key ${key}`} exists in namespace ${where}: is the namespace missing?`;
  }
  if (key !== null) return '';
  const near = (byKindNamespace.get(`${kind}/${namespace}`) ?? [])
    .filter((candidate) => candidate.name !== name)
    .map((candidate) => ({ name: candidate.name, distance: editDistance(candidate.name, name, 3) }))
    .filter((candidate) => candidate.distance <= Math.min(3, Math.max(1, Math.floor(name.length / 4))))
    .sort((a, b) => a.distance - b.distance || (a.name < b.name ? -1 : 1));
  return near.length > 0 ? ` — did you mean ${near.slice(0, 3).map((candidate) => candidate.name).join(', ')}?` : '';
}
