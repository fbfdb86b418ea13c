import { asArray, asString, isRecord, type K8sObject } from '../model/object.js';
import type { ConfigNode, Graph, Reference, SourceInfo, WorkloadNode } from '../model/graph.js';
import { makeRef, type Ref } from '../model/refs.js';
import type { TimelineLookup } from '../model/timeline.js';
import { configsFromObject } from '../extract/configs.js';
import type { UnnamedReference } from '../extract/pod-spec.js';
import { imagePullSecretReference } from '../extract/pod-spec.js';
import { protectionFor } from '../extract/protection.js';
import { DEFAULT_RELOADER_SETTINGS, type ReloaderSettings } from '../extract/reloader.js';
import { controllerRefOf, extractWorkload, type ExtractedWorkload } from '../extract/workloads.js';
import { workloadKindOf } from '../extract/workload-kinds.js';
import { compareStrings, findMissing, type UnreadConfigs } from './missing.js';
import { findUnused } from './unused.js';
import { appendAll } from '../model/arrays.js';

/** Lookups both ways, plus what later analyses need beyond the JSON graph. */
export type GraphIndex = Readonly<{
  workloads: ReadonlyMap<Ref, WorkloadNode>;
  configs: ReadonlyMap<Ref, ConfigNode>;
  /** where configs could not be listed: absent ones there are unknown, not missing */
  unreadConfigs: UnreadConfigs;
  /** config ref → references to it */
  usersOf: ReadonlyMap<Ref, readonly Reference[]>;
  /** workload ref → its references */
  usesOf: ReadonlyMap<Ref, readonly Reference[]>;
  /** every declaration of every object, by ref: more than one is a duplicate */
  declarations: ReadonlyMap<Ref, readonly K8sObject[]>;
  /** objects folded into a controller present in the source (Pod → ReplicaSet, ReplicaSet → Deployment) */
  controllerOf: ReadonlyMap<Ref, Ref>;
  /** workload ref → its extraction, for the workload's own annotations and object */
  extracted: ReadonlyMap<Ref, ExtractedWorkload>;
  unnamed: readonly UnnamedReference[];
  objects: readonly K8sObject[];
  /** the Reloaders that protection assumed run (empty: none) */
  reloaders: readonly ReloaderSettings[];
  timeline?: TimelineLookup;
}>;

export type BuiltGraph = Readonly<{ graph: Graph; index: GraphIndex }>;

export function groupBy<T, K = string>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function mergeConfigs(a: ConfigNode, b: ConfigNode): ConfigNode {
  return { ...a, keys: [...new Set([...a.keys, ...b.keys])].sort(), keysFrom: a.keysFrom === null || b.keysFrom === null ? null : a.keysFrom, immutable: a.immutable || b.immutable, annotations: { ...b.annotations, ...a.annotations }, producedBy: a.producedBy ?? b.producedBy };
}

const REFERENCE_ORDER: readonly (keyof Reference)[] = ['workload', 'config', 'containerType', 'container', 'via', 'key', 'envVar', 'prefix', 'volume', 'mountPath', 'subPath', 'optional', 'update'];

/** Field by field in REFERENCE_ORDER, as the strings kstale prints: the order of the JSON. */
function compareReferences(a: Reference, b: Reference): number {
  for (const field of REFERENCE_ORDER) {
    const order = compareStrings(String(a[field] ?? ''), String(b[field] ?? ''));
    if (order !== 0) return order;
  }
  return 0;
}

/** Sorted, with identical references (the same object declared twice) kept once: the first of them. */
export function sortReferences(references: readonly Reference[]): Reference[] {
  const sorted = [...references].sort(compareReferences);
  return sorted.filter((reference, index) => index === 0 || compareReferences(sorted[index - 1]!, reference) !== 0);
}

/** ServiceAccount imagePullSecrets are used for the pods that run as that account and name none of their own. */
function serviceAccountPullSecrets(objects: readonly K8sObject[]): Map<Ref, { name: string; origin: K8sObject['origin'] }[]> {
  const secrets = new Map<Ref, { name: string; origin: K8sObject['origin'] }[]>();
  for (const object of objects) {
    if (object.kind !== 'ServiceAccount') continue;
    const names = asArray(object.raw.imagePullSecrets).map((entry) => (isRecord(entry) ? asString(entry.name) : undefined)).filter((name): name is string => Boolean(name));
    if (names.length > 0) secrets.set(makeRef('ServiceAccount', object.namespace, object.name), names.map((name) => ({ name, origin: object.origin })));
  }
  return secrets;
}

/**
 * Builds the reference graph: configs and workloads by ref, every reference resolved against the
 * configs (protection, missing configs and keys), unused configs. Objects whose controller is in
 * the same source (a Deployment's ReplicaSets and Pods in a dump) are folded into it.
 */
export type BuildOptions = Readonly<{
  unreadConfigs?: UnreadConfigs;
  /** list the configs nothing uses (the default); false leaves `unused` empty for answers that never show it */
  unused?: boolean;
  /** the Reloaders that run, with their options (empty: none). Default: one with default options (files). */
  reloaders?: readonly ReloaderSettings[];
  /** a value timeline that judges staleness by values where it can (DESIGN.md section 2) */
  timeline?: TimelineLookup;
}>;

export function buildGraph(objects: readonly K8sObject[], source: SourceInfo, options: BuildOptions = {}): BuiltGraph {
  const unreadConfigs = options.unreadConfigs ?? new Set<string>();
  const reloaders = options.reloaders ?? [DEFAULT_RELOADER_SETTINGS];
  const declarations = groupBy(objects, (object) => makeRef(object.kind, object.namespace, object.name));
  const configs = new Map<Ref, ConfigNode>();
  for (const object of objects) {
    for (const config of configsFromObject(object)) configs.set(config.ref, configs.has(config.ref) ? mergeConfigs(configs.get(config.ref)!, config) : config);
  }
  const controllerOf = new Map<Ref, Ref>();
  const extracted = new Map<Ref, ExtractedWorkload>();
  const workloads = new Map<Ref, WorkloadNode>();
  const unnamed: UnnamedReference[] = [];
  const pullSecretsOf = serviceAccountPullSecrets(objects);
  let references: Reference[] = [];
  for (const object of objects) {
    if (!workloadKindOf(object)) continue;
    const controller = controllerRefOf(object);
    if (controller) controllerOf.set(makeRef(object.kind, object.namespace, object.name), controller);
    // Folded into its controller (a Deployment's ReplicaSets and pods): its pod spec is the controller's.
    if (controller && declarations.has(controller)) continue;
    const workload = extractWorkload(object)!;
    if (!workloads.has(workload.ref)) {
      workloads.set(workload.ref, { ref: workload.ref, kind: object.kind, namespace: object.namespace, name: object.name, origin: object.origin });
      extracted.set(workload.ref, workload);
    }
    appendAll(unnamed, workload.unnamed);
    // The ServiceAccount admission plugin copies the account's pull secrets only into a pod that names none of its own.
    const ownPullSecrets = asArray(workload.annotations.podSpec?.imagePullSecrets).length > 0;
    const fromAccount = ownPullSecrets || pullSecretsOf.size === 0 ? [] : pullSecretsOf.get(makeRef('ServiceAccount', object.namespace, workload.serviceAccountName)) ?? [];
    const accountReferences = fromAccount.map(({ name, origin }) => imagePullSecretReference(name, { workload: workload.ref, namespace: object.namespace }, origin));
    for (const own of [workload.references, accountReferences]) {
      for (const reference of own) {
        // Freshly made by extraction and not yet shared: filled in place rather than copied.
        (reference as { protectedBy: Reference['protectedBy'] }).protectedBy = protectionFor(reference, workload.annotations, configs.get(reference.config), reloaders);
        references.push(reference);
      }
    }
  }
  references = sortReferences(references);
  const sortedConfigs = [...configs.values()].sort((a, b) => compareStrings(a.ref, b.ref));
  const graph: Graph = {
    source,
    workloads: [...workloads.values()].sort((a, b) => compareStrings(a.ref, b.ref)),
    configs: sortedConfigs,
    references,
    missing: findMissing(references, { configs, unreadConfigs }),
    unused: options.unused === false ? [] : findUnused(sortedConfigs, references, objects),
  };
  const index: GraphIndex = {
    workloads,
    configs,
    unreadConfigs,
    usersOf: groupBy(references, (reference) => reference.config),
    usesOf: groupBy(references, (reference) => reference.workload),
    declarations,
    controllerOf,
    extracted,
    unnamed,
    objects,
    reloaders,
    ...(options.timeline ? { timeline: options.timeline } : {}),
  };
  return { graph, index };
}
