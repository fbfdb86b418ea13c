import { isRecord, type K8sObject, type RawObject } from '../../model/object.js';
import { makeRef, parseRef } from '../../model/refs.js';
import { controllerRefOf } from '../../extract/workloads.js';
import type { Problem } from '../../model/problem.js';
import { METADATA_ONLY_MARK } from '../../extract/configs.js';
import { valueDigestsOf } from '../config-values.js';
import { slimObject } from '../slim.js';
import type { ClusterClient } from './http.js';
import { listAll } from './list.js';
import { apiVersionOf, CLUSTER_RESOURCES, forbiddenListMessage, listPath, METADATA_ONLY_ACCEPT, objectPath, type ClusterResource } from './resources.js';
import { appendAll } from '../../model/arrays.js';

export { connectToCluster } from './kubeconfig.js';

export type ClusterReadOptions = Readonly<{
  /** null: every namespace (-A) */
  namespaces: readonly string[] | null;
  selector?: string;
  /** read full Secrets to learn their keys (values dropped at once); otherwise metadata only */
  secretKeys: boolean;
  concurrency?: number;
  pageSize?: number;
  /** keep digests of config values before they are dropped (impact --against-cluster) */
  digestValues?: boolean;
  /** keep digests of values (not templates) for a value timeline: ConfigMaps, or Secrets too (watch --secret-values) */
  valueDigests?: 'configmaps' | 'configmaps-and-secrets';
}>;

function toObject(resource: ClusterResource, version: string, item: Record<string, unknown>, metadataOnly: boolean, digestValues: boolean, valueDigests?: ClusterReadOptions['valueDigests']): K8sObject {
  const metadata = isRecord(item.metadata) ? item.metadata : {};
  const apiVersion = apiVersionOf(resource, version);
  const isConfig = resource.kind === 'ConfigMap' || resource.kind === 'Secret';
  const wanted = digestValues || valueDigests === 'configmaps-and-secrets' || (valueDigests === 'configmaps' && resource.kind === 'ConfigMap');
  const digests = wanted && isConfig && !metadataOnly ? valueDigestsOf({ ...item, kind: resource.kind }) : undefined;
  const raw: RawObject = metadataOnly ? { apiVersion, kind: 'Secret', metadata, [METADATA_ONLY_MARK]: true } : slimObject({ apiVersion, kind: resource.kind, ...item }, { keepTemplates: digestValues });
  return { apiVersion, kind: resource.kind, namespace: String(metadata.namespace ?? ''), name: String(metadata.name ?? ''), raw, origin: null, ...(digests ? { valueDigests: digests } : {}) };
}

type Task = () => Promise<void>;

async function runBounded(tasks: readonly Task[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/** A list the identity may not make: the resource, and the namespace (null: every namespace). */
export type ForbiddenList = Readonly<{ kind: string; plural: string; group: string; namespace: string | null }>;

export type ClusterRead = { objects: K8sObject[]; problems: Problem[]; forbidden: ForbiddenList[] };

type ResourceRead = { objects: K8sObject[]; problems: Problem[]; forbidden: ForbiddenList[] };

function hasController(item: Record<string, unknown>): boolean {
  const owners = isRecord(item.metadata) ? item.metadata.ownerReferences : undefined;
  return Array.isArray(owners) && owners.some((owner) => isRecord(owner) && owner.controller === true);
}

/** One resource listed in one namespace: its objects as kstale keeps them, with the list's resourceVersion. */
export type ResourceList =
  | { kind: 'ok'; version: string; resourceVersion: string; objects: K8sObject[] }
  | { kind: 'forbidden'; problem: Problem }
  | { kind: 'not-served' };

/** Secrets are read as metadata unless --secret-keys; a ReplicaSet always (its owners are what matters). */
export function readsMetadataOnly(resource: ClusterResource, options: Pick<ClusterReadOptions, 'secretKeys'>): { secret: boolean; list: boolean } {
  const secret = resource.kind === 'Secret' && !options.secretKeys;
  return { secret, list: secret || Boolean(resource.ownersOnly) };
}

/** One listed (or watched) item as kstale keeps it: an owned ReplicaSet as metadata, a bare one read whole. */
export async function keptObject(client: ClusterClient, resource: ClusterResource, version: string, item: Record<string, unknown>, options: Pick<ClusterReadOptions, 'secretKeys' | 'digestValues' | 'valueDigests'>): Promise<K8sObject> {
  const whole = resource.ownersOnly && !hasController(item) ? await getWhole(client, resource, version, item) : item;
  return toObject(resource, version, whole, readsMetadataOnly(resource, options).secret, Boolean(options.digestValues), options.valueDigests);
}

/**
 * Lists one resource in one namespace at the first of `versions` the server answers (a 404 is a
 * group or version it does not serve); the list path of both reading and watching.
 */
export async function listResource(client: ClusterClient, resource: ClusterResource, versions: readonly string[], namespace: string | null, options: Omit<ClusterReadOptions, 'namespaces'>): Promise<ResourceList> {
  for (const version of versions) {
    const outcome = await listAll(client, listPath(resource, version, namespace), (item) => keptObject(client, resource, version, item, options), {
      accept: readsMetadataOnly(resource, options).list ? METADATA_ONLY_ACCEPT : undefined,
      labelSelector: resource.selectable ? options.selector : undefined,
      pageSize: options.pageSize,
    });
    if (outcome.kind === 'not-found') continue;
    if (outcome.kind === 'forbidden') return { kind: 'forbidden', problem: { code: 'forbidden', severity: 'warning', message: forbiddenListMessage(resource, namespace), object: resource.plural } };
    return { kind: 'ok', version, resourceVersion: outcome.resourceVersion, objects: outcome.items };
  }
  return { kind: 'not-served' };
}

async function readResource(client: ClusterClient, resource: ClusterResource, versions: readonly string[], namespace: string | null, options: ClusterReadOptions, into: ResourceRead): Promise<void> {
  const listed = await listResource(client, resource, versions, namespace, options);
  if (listed.kind === 'ok') appendAll(into.objects, listed.objects);
  if (listed.kind === 'forbidden') {
    into.problems.push(listed.problem);
    into.forbidden.push({ kind: resource.kind, plural: resource.plural, group: resource.group, namespace });
  }
}

async function getWhole(client: ClusterClient, resource: ClusterResource, version: string, item: Record<string, unknown>): Promise<Record<string, unknown>> {
  const metadata = isRecord(item.metadata) ? item.metadata : {};
  const response = await client.get(objectPath(resource, version, String(metadata.namespace ?? ''), String(metadata.name ?? '')));
  // Gone since the list (deleted meanwhile): keep what the list said.
  return response.status === 200 ? (JSON.parse(response.body) as Record<string, unknown>) : item;
}

/**
 * The API groups the server serves, with their versions, from one discovery request (/apis), so
 * that kstale never lists a group that is not there: for a user with narrow RBAC such a list
 * answers 403, not 404, and would be warned about on every run. Undefined when discovery fails
 * (then every group is tried and a 404 is skipped quietly).
 */
export async function servedGroups(client: ClusterClient): Promise<ReadonlyMap<string, readonly string[]> | undefined> {
  const response = await client.get('/apis');
  if (response.status !== 200) return undefined;
  const list = JSON.parse(response.body) as { groups?: { name?: string; versions?: { version?: string }[] }[] };
  const served = new Map<string, string[]>();
  for (const group of list.groups ?? []) if (group.name) served.set(group.name, (group.versions ?? []).flatMap((entry) => (entry.version ? [entry.version] : [])));
  return served;
}

/** The versions of a resource to try, in the table's order: only those the server serves, when discovery answered. */
export function versionsToList(resource: ClusterResource, served: ReadonlyMap<string, readonly string[]> | undefined): readonly string[] {
  if (!served || resource.group === '') return resource.versions;
  const versions = served.get(resource.group);
  return versions ? resource.versions.filter((version) => versions.includes(version)) : [];
}

/**
 * Before Kubernetes 1.25 a value-only change by the manager that already owned a key did not
 * move its managedFields time (kubernetes/kubernetes#109576, fixed by #110058): say so, since
 * audit may then miss such edits. An unreadable /version is not worth a warning.
 */
export async function serverVersionProblems(client: ClusterClient): Promise<Problem[]> {
  const response = await client.get('/version');
  if (response.status !== 200) return [];
  const version = JSON.parse(response.body) as { major?: string; minor?: string; gitVersion?: string };
  const minor = Number.parseInt(version.minor ?? '', 10);
  if (version.major !== '1' || !Number.isFinite(minor) || minor >= 25) return [];
  return [{ code: 'incomplete', severity: 'warning', message: `the API server is ${version.gitVersion ?? `1.${minor}`}: before 1.25, an edit by the manager that already owned a key does not move its managedFields time, so such edits may be missed` }];
}

/** Reads every resource kstale needs, in the namespaces asked for, a few lists at a time; groups the server does not serve are not asked for. */
export async function readCluster(client: ClusterClient, options: ClusterReadOptions): Promise<ClusterRead> {
  const served = await servedGroups(client);
  const namespaces: (string | null)[] = options.namespaces === null ? [null] : [...options.namespaces];
  const results = CLUSTER_RESOURCES.flatMap((resource) => {
    const versions = versionsToList(resource, served);
    return versions.length === 0 ? [] : namespaces.map((namespace) => ({ resource, versions, namespace, read: { objects: [], problems: [], forbidden: [] } as ResourceRead }));
  });
  await runBounded(
    results.map((result) => () => readResource(client, result.resource, result.versions, result.namespace, options, result.read)),
    options.concurrency ?? 6,
  );
  // Joined in table order, so the output does not depend on which list answered first.
  return { objects: results.flatMap((result) => result.read.objects), problems: results.flatMap((result) => result.read.problems), forbidden: results.flatMap((result) => result.read.forbidden) };
}

/**
 * With -l, a list filters by the workload's own labels, and a Deployment is often labelled only in
 * its pod template: its ReplicaSets and pods match, it does not. The controllers of what was read
 * that are missing are fetched by name (up the chain), so every command names the same top
 * workload as it does on files. A controller that is gone or may not be read is left out.
 */
export async function fetchMissingControllers(client: ClusterClient, objects: readonly K8sObject[], options: Pick<ClusterReadOptions, 'secretKeys'>): Promise<K8sObject[]> {
  const have = new Set(objects.map((object) => makeRef(object.kind, object.namespace, object.name)));
  const fetched: K8sObject[] = [];
  let wanted = objects;
  for (let depth = 0; depth < 3 && wanted.length > 0; depth++) {
    const next: K8sObject[] = [];
    for (const object of wanted) {
      const ref = controllerRefOf(object);
      if (!ref || have.has(ref)) continue;
      const owner = parseRef(ref);
      const resource = CLUSTER_RESOURCES.find((candidate) => candidate.kind === owner.kind);
      if (!resource) continue;
      have.add(ref);
      for (const version of resource.versions) {
        const response = await client.get(objectPath(resource, version, owner.namespace, owner.name));
        if (response.status === 404) continue;
        if (response.status !== 200) break;
        const controller = await keptObject(client, resource, version, JSON.parse(response.body) as Record<string, unknown>, options);
        fetched.push(controller);
        next.push(controller);
        break;
      }
    }
    wanted = next;
  }
  return fetched;
}
