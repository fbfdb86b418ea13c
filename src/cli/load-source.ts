import type { K8sObject } from '../model/object.js';
import type { SourceInfo } from '../model/graph.js';
import { buildGraph, type BuiltGraph } from '../graph/build.js';
import type { ClusterClient } from '../sources/cluster/http.js';
import { KstaleError } from '../model/errors.js';
import { describeProblem, type Problem } from '../model/problem.js';
import { loadManifestsInParallel, type LoadedObjects } from '../sources/manifests/index.js';
import { loadKustomization } from '../sources/manifests/render.js';
import { matchesLabels, objectMatches, parseLabelSelectorOrFail } from '../graph/selector.js';
import { podTemplateMetadataOf, workloadKindOf } from '../extract/workload-kinds.js';
import { isRecord } from '../model/object.js';
import { makeRef } from '../model/refs.js';
import { controllerRefOf } from '../extract/workloads.js';
import { clusterReloaders } from './reloaders.js';
import { loadTimeline, timelineChoiceOf } from './timeline.js';
import type { TimelineLookup } from '../model/timeline.js';
import { annotatedForNoReloader, reloadersDeclaredIn, type ReloaderSettings } from '../extract/reloader.js';
import type { CliIo } from './io.js';
import { clusterTargetOf, parseJobs, type SourceOptions } from './options.js';
import { appendAll } from '../model/arrays.js';

export type LoadedSource = {
  objects: K8sObject[];
  problems: Problem[];
  source: SourceInfo;
  client?: ClusterClient;
  /** the namespace a command means without -n: `default` for files, the context's for a cluster */
  namespace: string;
  /**
   * The namespace answers are limited to, one rule for every command (README "Namespaces"):
   * -A: none (null); -n NS: NS; neither: every namespace of files, the context's of a cluster.
   */
  scope: string | null;
  /** where ConfigMaps or Secrets could not be listed (a forbidden list): absent ones there are unknown */
  unreadConfigs: ReadonlySet<string>;
  /** kinds that could be listed in none of the namespaces read */
  forbiddenKinds: ReadonlySet<string>;
  /** the Reloaders that run (cluster) or are assumed (files: the tree's Reloader Deployment, else one with default options) */
  reloaders: readonly ReloaderSettings[];
  /** on a cluster, why whether a Reloader runs could not be read ('' when it could); on files one is assumed */
  reloaderUnknownBecause?: string;
  /** the value timeline read back from the cluster, when there is one */
  timeline?: TimelineLookup;
};

export const DEFAULT_NAMESPACE = 'default';

/** Reads objects from `-f` paths (or, without them, the cluster) and keeps the namespaces asked for. */
export async function loadSource(options: SourceOptions, io: CliIo, now: string): Promise<LoadedSource> {
  if (!options.filename?.length && !options.kustomize?.length) return loadFromCluster(options, io, now);
  // These commands work on a cluster's slim objects too: a large dump is slimmed as it is read.
  const onlyNamespace = options.namespace !== undefined && !options.allNamespaces ? options.namespace : undefined;
  const loaded = await loadLocalSources(options, io, { slim: true, onlyNamespace });
  const inNamespace = onlyNamespace === undefined ? loaded.objects : loaded.objects.filter((object) => object.namespace === onlyNamespace);
  const objects = options.selector === undefined ? inNamespace : selectWorkloads(inNamespace, options.selector);
  const paths = [...(options.filename ?? []), ...(options.kustomize ?? []).map((dir) => `-k ${dir}`)];
  return { objects, problems: loaded.problems, source: { type: 'manifests', paths, now }, namespace: options.namespace ?? DEFAULT_NAMESPACE, scope: onlyNamespace ?? null, unreadConfigs: new Set(), forbiddenKinds: new Set(), reloaders: reloadersDeclaredIn(loaded.objects) };
}

/** Objects of `-f` paths (Helm charts in them rendered or skipped) and of `-k` overlays, in that order. */
export async function loadLocalSources(options: Pick<SourceOptions, 'filename' | 'kustomize' | 'helmValues' | 'namespace' | 'jobs'>, io: Pick<CliIo, 'readStdin'>, extra: { digestValues?: boolean; slim?: boolean; onlyNamespace?: string } = {}): Promise<LoadedObjects> {
  const defaultNamespace = options.namespace ?? DEFAULT_NAMESPACE;
  const objects: K8sObject[] = [];
  const problems: Problem[] = [];
  if (options.filename?.length) {
    const loaded = await loadManifestsInParallel(options.filename, { defaultNamespace, readStdin: io.readStdin, namespaceGiven: options.namespace !== undefined, helmValues: options.helmValues, digestValues: extra.digestValues, slim: extra.slim, onlyNamespace: extra.onlyNamespace, jobs: parseJobs(options.jobs), splitLists: options.jobs !== undefined });
    appendAll(objects, loaded.objects);
    appendAll(problems, loaded.problems);
  }
  for (const dir of options.kustomize ?? []) {
    const rendered = loadKustomization(dir, { defaultNamespace, digestValues: extra.digestValues });
    appendAll(objects, rendered.objects);
    appendAll(problems, rendered.problems);
  }
  return { objects, problems };
}

/** Without -f: the current kubeconfig context, in -n, -A or the context's namespace (kubectl's habit). */
async function loadFromCluster(options: SourceOptions, io: CliIo, now: string): Promise<LoadedSource> {
  if (options.selector !== undefined) parseLabelSelectorOrFail(options.selector); // a bad -l fails before any request
  // Loaded only for live reads: -f runs never pay for the cluster code or client-node.
  const { openCluster, readLive, forbiddenEverywhere, resolveNamespaces } = await import('../sources/cluster/connect.js');
  const connection = await openCluster(clusterTargetOf(options, io));
  const namespaces = options.allNamespaces ? 'all' : options.namespace !== undefined ? [options.namespace] : 'context';
  // Reloader and the value timeline are looked up beside the lists, not after them.
  const reading = readLive(connection, { namespaces, selector: options.selector, secretKeys: Boolean(options.secretKeys), checkVersion: true });
  const objects = reading.then((done) => done.objects);
  objects.catch(() => undefined); // a failed read is reported once, through `reading`
  const [read, found, timeline] = await Promise.all([
    reading,
    clusterReloaders(connection.client, resolveNamespaces(namespaces, connection), objects),
    loadTimeline(connection.client, timelineChoiceOf(options.timeline)),
  ]);
  const forbiddenKinds = new Set(read.forbidden.map((entry) => entry.kind).filter((kind) => forbiddenEverywhere(read, kind)));
  if (options.selector !== undefined) {
    const { fetchMissingControllers } = await import('../sources/cluster/index.js');
    read.objects.push(...(await fetchMissingControllers(connection.client, read.objects, { secretKeys: Boolean(options.secretKeys) })));
  }
  const timelineInfo = timeline.loaded ? { configMap: `${timeline.loaded.location.namespace}/${timeline.loaded.location.name}`, begins: timeline.loaded.timeline.begins, savedAt: timeline.loaded.timeline.savedAt } : undefined;
  return {
    objects: read.objects,
    problems: [...read.problems, ...found.problems, ...timeline.problems],
    ...(timeline.loaded ? { timeline: timeline.loaded.timeline } : {}),
    reloaders: found.reloaders,
    reloaderUnknownBecause: found.unknownBecause,
    source: { type: 'cluster', context: connection.context, now, ...(timelineInfo ? { timeline: timelineInfo } : {}) },
    client: connection.client,
    namespace: options.namespace ?? connection.namespace,
    scope: options.allNamespaces ? null : options.namespace ?? connection.namespace,
    unreadConfigs: read.unreadConfigs,
    forbiddenKinds,
  };
}

/** What a command cannot answer without: the kinds whose lists it needs (pods for audit, the asked config's kind for who-uses). */
export type Needs = Readonly<{ kinds: readonly string[]; for: string }>;

const PLURALS: Readonly<Record<string, string>> = { Pod: 'pods', ConfigMap: 'configmaps', Secret: 'secrets' };

/**
 * Exit 2 with one line when a list the answer needs was forbidden in every namespace read: a
 * report of "0 stale" built on nothing would read as all clear to a cron job or CI gate.
 */
export function ensureNeedsRead(loaded: LoadedSource, needs: Needs, options: Pick<SourceOptions, 'allNamespaces'>): void {
  const denied = needs.kinds.filter((kind) => loaded.forbiddenKinds.has(kind));
  if (denied.length === 0) return;
  const what = denied.map((kind) => PLURALS[kind] ?? kind).join(' and ');
  const where = options.allNamespaces ? 'in any namespace' : `in namespace ${loaded.namespace}`;
  const narrower = options.allNamespaces ? `try -n ${loaded.namespace} (the context's namespace), or ` : '';
  throw new KstaleError('forbidden', `cannot list ${what} ${where} (forbidden): ${needs.for} needs them, so there is no answer`, { hint: `${narrower}run kstale auth to see what this identity may read` });
}

/**
 * -l selects workloads by their labels or their pod template's (a Deployment is often labelled
 * only in its template), with their whole ownership chain: a selected Deployment keeps its
 * ReplicaSets and pods, a selected pod its controllers, so every command names the same top
 * workload. Configs and other objects are kept for lookups.
 */
export function selectWorkloads(objects: readonly K8sObject[], selector: string): K8sObject[] {
  const requirements = parseLabelSelectorOrFail(selector);
  const refOf = (object: K8sObject) => makeRef(object.kind, object.namespace, object.name);
  const controllerOf = new Map<string, string>();
  const children = new Map<string, string[]>();
  for (const object of objects) {
    const parent = workloadKindOf(object) ? controllerRefOf(object) : undefined;
    if (!parent) continue;
    controllerOf.set(refOf(object), parent);
    children.set(parent, [...(children.get(parent) ?? []), refOf(object)]);
  }
  const selected = new Set<string>();
  const addDescendants = (ref: string) => {
    for (const child of children.get(ref) ?? []) if (!selected.has(child)) {
      selected.add(child);
      addDescendants(child);
    }
  };
  for (const object of objects) {
    const row = workloadKindOf(object);
    if (!row) continue;
    const templateLabels = podTemplateMetadataOf(object, row)?.labels;
    if (!objectMatches(object, requirements) && !(isRecord(templateLabels) && matchesLabels(templateLabels as Record<string, string>, requirements))) continue;
    const ref = refOf(object);
    selected.add(ref);
    addDescendants(ref);
    for (let up = controllerOf.get(ref), depth = 0; up && depth < 10; up = controllerOf.get(up), depth++) selected.add(up);
  }
  return objects.filter((object) => !workloadKindOf(object) || selected.has(refOf(object)));
}

/**
 * The common start of reading commands: read the source, report its problems, build the graph
 * (with the unused configs only when the answer shows them).
 */
export async function loadGraph(options: SourceOptions, io: CliIo, now: string, needs?: Needs, build: { unused?: boolean } = {}): Promise<{ loaded: LoadedSource; built: BuiltGraph }> {
  const loaded = await loadSource(options, io, now);
  reportProblems(loaded.problems, io);
  ensureSomethingRead(loaded);
  if (needs) ensureNeedsRead(loaded, needs, options);
  const built = buildGraph(loaded.objects, loaded.source, { unreadConfigs: loaded.unreadConfigs, unused: build.unused, reloaders: loaded.reloaders, ...(loaded.timeline ? { timeline: loaded.timeline } : {}) });
  const orphaned = loaded.source.type === 'manifests' ? undefined : annotatedForNoReloader(built.index, loaded.reloaders, loaded.reloaderUnknownBecause);
  if (orphaned) reportProblems([orphaned], io);
  let duplicated = 0;
  for (const declarations of built.index.declarations.values()) if (declarations.length > 1) duplicated++;
  if (duplicated > 0) io.stderr(`kstale: warning: ${duplicated === 1 ? '1 object is' : `${duplicated} objects are`} declared more than once (their references are merged); kstale lint reports them\n`);
  return { loaded, built };
}

/** One line per problem on stderr; errors and warnings are labelled, notices are not. */
export function reportProblems(problems: readonly Problem[], io: CliIo): void {
  for (const problem of problems) {
    const label = problem.severity === 'notice' ? '' : `${problem.severity}: `;
    io.stderr(`kstale: ${label}${describeProblem(problem)}\n`);
  }
}

/** Exit 2 when any input could not be read, even though the rest was answered. */
export function exitCodeForProblems(problems: readonly Problem[]): 0 | 2 {
  return problems.some((problem) => problem.severity === 'error') ? 2 : 0;
}

export function ensureSomethingRead(loaded: LoadedSource): void {
  const errors = loaded.problems.filter((problem) => problem.severity === 'error');
  if (loaded.objects.length === 0 && errors.length > 0) {
    throw new KstaleError('input', 'no input could be read', { hint: 'see the errors above' });
  }
}
