import { isRecord, type RawObject } from '../model/object.js';
import { WORKLOAD_KINDS, workloadKindOf } from '../extract/workload-kinds.js';
import { dropConfigMapValues, dropSecretValues } from './config-values.js';
import { isReloaderImage } from '../extract/reloader.js';
import { checkApiVersion } from '../extract/api-versions.js';

/*
 * What kstale keeps of an object read from a cluster or a large dump: what references configs
 * and dates their changes. A large cluster's pods and templates carry much more (images,
 * resources, probes, conditions, the kubelet's managedFields); dropping it at read time keeps
 * memory flat and lets the parsed tree be collected early. Nothing kstale prints is dropped.
 */

const CONTAINER_FIELDS = ['name', 'env', 'envFrom', 'volumeMounts'] as const;
const POD_SPEC_FIELDS = ['volumes', 'imagePullSecrets', 'serviceAccountName', 'serviceAccount'] as const;

/** A Reloader's container keeps its image, command and args: they say how it decides (DESIGN.md section 3). */
const RELOADER_CONTAINER_FIELDS = [...CONTAINER_FIELDS, 'image', 'command', 'args'] as const;

function slimContainer(container: Record<string, unknown>): Record<string, unknown> {
  const fields: readonly string[] = isReloaderImage(container.image) ? RELOADER_CONTAINER_FIELDS : CONTAINER_FIELDS;
  // Plain stores, not Object.fromEntries: this runs for every container of every pod of a dump.
  const slim: Record<string, unknown> = {};
  for (const field of fields) if (field in container) slim[field] = container[field];
  return slim;
}

/** The parts of a pod spec that reference configs; images, resources, probes and scheduling go. */
export function slimPodSpec(spec: unknown): unknown {
  if (!isRecord(spec)) return spec;
  const slim: Record<string, unknown> = {};
  for (const field of POD_SPEC_FIELDS) if (field in spec) slim[field] = spec[field];
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    if (!Array.isArray(spec[list])) continue;
    slim[list] = (spec[list] as unknown[]).map((container) => (isRecord(container) ? slimContainer(container) : container));
  }
  return slim;
}

/** Slims the pod spec inside a workload's template, where the workload-kind table says it is. */
function slimTemplate(item: Record<string, unknown>, podSpecPath: readonly string[]): void {
  let parent: unknown = item;
  for (const step of podSpecPath.slice(0, -1)) parent = isRecord(parent) ? parent[step] : undefined;
  const last = podSpecPath[podSpecPath.length - 1]!;
  if (isRecord(parent) && last in parent) parent[last] = slimPodSpec(parent[last]);
}

/**
 * What kstale keeps of a pod: identity, the spec it started with, and container start times.
 * A large cluster's pods carry much more (resources, probes, conditions); dropping it at read
 * time keeps memory flat.
 */
export function slimPod(item: Record<string, unknown>): Record<string, unknown> {
  const status = isRecord(item.status) ? item.status : {};
  const slimStatuses = (list: unknown) => (Array.isArray(list) ? list.map((entry) => (isRecord(entry) ? definedOnly({ name: entry.name, state: entry.state }) : entry)) : undefined);
  return definedOnly({
    metadata: slimPodMetadata(item.metadata),
    spec: slimPodSpec(item.spec),
    status: definedOnly({
      phase: status.phase,
      startTime: status.startTime,
      containerStatuses: slimStatuses(status.containerStatuses),
      initContainerStatuses: slimStatuses(status.initContainerStatuses),
      ephemeralContainerStatuses: slimStatuses(status.ephemeralContainerStatuses),
    }),
  });
}

/**
 * What is read of a pod's metadata: its identity, labels (-l) and annotations (protection of a
 * pod without a controller), its owners by kind and name, and whether it is being deleted. Uids,
 * resourceVersion, timestamps and finalizers go: a watch keeps 100k pods.
 */
function slimPodMetadata(metadata: unknown): unknown {
  if (!isRecord(metadata)) return metadata;
  const owners = Array.isArray(metadata.ownerReferences)
    ? metadata.ownerReferences.map((owner) => (isRecord(owner) ? definedOnly({ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, controller: owner.controller }) : owner))
    : metadata.ownerReferences;
  return definedOnly({ name: metadata.name, namespace: metadata.namespace, labels: metadata.labels, annotations: metadata.annotations, ownerReferences: owners, deletionTimestamp: metadata.deletionTimestamp });
}

/** Without the fields that are undefined: a slim object holds only what was read, as JSON would carry it (parse workers send JSON). */
function definedOnly(fields: Record<string, unknown>): Record<string, unknown> {
  // A new object rather than `delete`, which would turn V8's object into a slow dictionary.
  const defined: Record<string, unknown> = {};
  for (const key in fields) if (fields[key] !== undefined) defined[key] = fields[key];
  return defined;
}

/**
 * managedFields are kept only where they date config changes (ConfigMaps and Secrets); on pods
 * (the kubelet's status entries) and workloads they are the largest part of the metadata.
 */
function withoutManagedFields(metadata: unknown): unknown {
  if (!isRecord(metadata) || !('managedFields' in metadata)) return metadata;
  const { managedFields: _dropped, ...rest } = metadata;
  return rest;
}

/**
 * The slim form of one freshly parsed object (changed in place where that is cheaper): pods,
 * pod templates of workloads, managedFields outside configs, and config values (their key
 * names are all that is used; dashboards and scripts would dominate memory, and Secret values
 * must not stay).
 */
export function slimObject(item: Record<string, unknown>, options: { keepTemplates?: boolean } = {}): RawObject {
  const kind = item.kind;
  const apiVersion = typeof item.apiVersion === 'string' ? item.apiVersion : '';
  const isConfig = apiVersion === 'v1' && (kind === 'ConfigMap' || kind === 'Secret');
  if (kind === 'Pod' && apiVersion === 'v1') return { apiVersion, kind, ...slimPod(item) };
  const row = typeof kind === 'string' ? workloadKindOf({ kind, apiVersion }) : undefined;
  // impact compares whole templates (an image change rolls the pods): it keeps them.
  if (row && !options.keepTemplates) slimTemplate(item, row.podSpecPath);
  if (!isConfig) {
    const metadata = withoutManagedFields(item.metadata);
    return metadata === item.metadata ? item : { ...item, metadata };
  }
  return kind === 'ConfigMap' ? dropConfigMapValues(item) : dropSecretValues(item);
}

/** slimObject for an item of a List that may be anything: objects are slimmed, the rest is left as it is (and reported later). */
const slimItem = (item: unknown): unknown => (isRecord(item) ? slimObject(item) : item);

/** What a List reader leaves out. Only objects are ever left out, and no message names an object item by its index, so nothing shifts. */
export const SKIPPED_ITEM: unique symbol = Symbol('skipped item');

/**
 * Whether an item of a dump can be left unread when only `namespace` is asked for (who-uses -n,
 * audit -n): an object that names another namespace and that reading would keep without a word
 * (a kind, a name, an apiVersion served for its kind). Deployments are always read: a Reloader
 * in its own namespace decides protection in every other (loadSource).
 */
export function isUnaskedNamespace(item: unknown, namespace: string): boolean {
  if (!isRecord(item) || !isRecord(item.metadata)) return false;
  const { kind, apiVersion } = item;
  const { namespace: itemNamespace, name } = item.metadata;
  if (typeof itemNamespace !== 'string' || itemNamespace === '' || itemNamespace === namespace) return false;
  if (typeof kind !== 'string' || kind === 'Deployment' || kind.endsWith('List') || typeof name !== 'string' || name === '') return false;
  return typeof apiVersion === 'string' && checkApiVersion(kind, apiVersion).status === 'ok';
}

/** What a List reader does with each item of a large dump: nothing, slimItem, or slimItem leaving out what isUnaskedNamespace allows. */
export function listItemReader(options: { slim?: boolean; onlyNamespace?: string }): ((item: unknown) => unknown) | undefined {
  if (!options.slim) return undefined;
  const namespace = options.onlyNamespace;
  return namespace === undefined ? slimItem : (item) => (isUnaskedNamespace(item, namespace) ? SKIPPED_ITEM : slimItem(item));
}

/**
 * Kinds whose content kstale reads: workloads, configs (and what makes a Secret: SealedSecret,
 * ExternalSecret, Certificate, SecretProviderClass), and what uses Secrets outside pod specs
 * (Ingress TLS, ServiceAccounts). Other
 * kinds (CRDs, RBAC, Services…) count only by identity and metadata (duplicates, ignore
 * annotations), whatever their API group.
 */
const CONTENT_KINDS: ReadonlySet<string> = new Set(['ConfigMap', 'Secret', 'SealedSecret', 'ExternalSecret', 'Certificate', 'SecretProviderClass', 'Ingress', 'ServiceAccount', ...WORKLOAD_KINDS.map((row) => row.kind)]);

/**
 * What kstale keeps of an object of a kind it does not read: apiVersion, kind and metadata, or
 * undefined for a kind it reads. A repository's CRDs alone can be half of its manifests.
 */
export function metadataOnly(item: Record<string, unknown>): RawObject | undefined {
  if (typeof item.kind === 'string' && CONTENT_KINDS.has(item.kind)) return undefined;
  return { apiVersion: item.apiVersion, kind: item.kind, metadata: item.metadata };
}
