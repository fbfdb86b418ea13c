import { asArray, asString, isRecord, type Origin, type Position } from '../model/object.js';
import type { ContainerType, Reference, Update, Via } from '../model/graph.js';
import { makeRef, type ConfigKind, type Ref } from '../model/refs.js';

export type PodSpecContext = Readonly<{
  workload: Ref;
  namespace: string;
  /** File of the workload, and where its declaration starts. */
  origin: Origin | null;
  positionOf?: (node: object) => Position | undefined;
}>;

/** A reference with no name cannot be resolved: reported, never guessed. */
export type UnnamedReference = Readonly<{ workload: Ref; field: string; origin: Origin | null }>;

export type PodSpecReferences = { references: Reference[]; unnamed: UnnamedReference[] };

const CONTAINER_LISTS: readonly [string, ContainerType][] = [
  ['containers', 'container'],
  ['initContainers', 'initContainer'],
  ['ephemeralContainers', 'ephemeralContainer'],
];

type ConfigItem = Readonly<{ key: string; path: string; node: object }>;
type ConfigSource = Readonly<{ kind: ConfigKind; name: string; optional: boolean; items: readonly ConfigItem[]; node: object }>;
/** `allSources`: every source a projected volume merges into one root (tokens, downwardAPI too); 1 otherwise. */
type ConfigVolume = Readonly<{ name: string; via: 'volume' | 'projected'; sources: readonly ConfigSource[]; allSources: number; node: object }>;

function originAt(ctx: PodSpecContext, ...nodes: (object | undefined)[]): Origin | null {
  if (!ctx.origin) return null;
  for (const node of nodes) {
    const position = node && ctx.positionOf?.(node);
    if (position) return { file: ctx.origin.file, line: position.line, column: position.column };
  }
  return ctx.origin;
}

/** The container a reference belongs to (null for pod-level volumes and imagePullSecrets). */
type Holder = Readonly<{ workload: Ref; container: string | null; containerType: ContainerType | null }>;
type Detail = Readonly<{ key?: string | null; optional?: boolean; envVar?: string | null; prefix?: string | null; volume?: string | null; mountPath?: string | null; subPath?: boolean }>;

/** Every reference is built here with all fields in one order: one object shape, no spreads (a large graph makes tens of thousands). */
export function newReference(holder: Holder, config: Ref, via: Via, update: Update, origin: Origin | null, detail: Detail): Reference {
  return {
    workload: holder.workload,
    container: holder.container,
    containerType: holder.containerType,
    config,
    via,
    key: detail.key ?? null,
    optional: detail.optional ?? false,
    envVar: detail.envVar ?? null,
    prefix: detail.prefix ?? null,
    volume: detail.volume ?? null,
    mountPath: detail.mountPath ?? null,
    subPath: detail.subPath ?? false,
    update,
    protectedBy: null,
    origin,
  };
}

/** `{name, items, optional}` of a configMap/secret volume or projected source. */
function readConfigSource(kind: ConfigKind, source: Record<string, unknown>, nameField: string): ConfigSource | { unnamed: true } {
  const name = asString(source[nameField]);
  if (!name) return { unnamed: true };
  const items: ConfigItem[] = [];
  for (const item of asArray(source.items)) {
    const key = isRecord(item) ? asString(item.key) : undefined;
    if (key) items.push({ key, path: asString((item as Record<string, unknown>).path) ?? key, node: item as object });
  }
  return { kind, name, optional: source.optional === true, items, node: source };
}

/** Pod volumes that bring in ConfigMaps or Secrets, by volume name. */
function readConfigVolumes(podSpec: Record<string, unknown>, ctx: PodSpecContext, unnamed: UnnamedReference[]): Map<string, ConfigVolume> {
  const volumes = new Map<string, ConfigVolume>();
  asArray(podSpec.volumes).forEach((volume, index) => {
    if (!isRecord(volume)) return;
    const volumeName = asString(volume.name) ?? `#${index}`;
    const sources: ConfigSource[] = [];
    const collect = (made: ConfigSource | { unnamed: true }, field: string, node: object) => {
      if ('unnamed' in made) unnamed.push({ workload: ctx.workload, field, origin: originAt(ctx, node) });
      else sources.push(made);
    };
    if (isRecord(volume.configMap)) {
      collect(readConfigSource('ConfigMap', volume.configMap, 'name'), `volumes[${volumeName}].configMap.name`, volume.configMap);
    }
    if (isRecord(volume.secret)) {
      collect(readConfigSource('Secret', volume.secret, 'secretName'), `volumes[${volumeName}].secret.secretName`, volume.secret);
    }
    if (isRecord(volume.projected)) {
      for (const source of asArray(volume.projected.sources)) {
        if (!isRecord(source)) continue;
        if (isRecord(source.configMap)) collect(readConfigSource('ConfigMap', source.configMap, 'name'), `volumes[${volumeName}].projected.sources[].configMap.name`, source.configMap);
        if (isRecord(source.secret)) collect(readConfigSource('Secret', source.secret, 'name'), `volumes[${volumeName}].projected.sources[].secret.name`, source.secret);
      }
    }
    if (sources.length > 0) {
      const allSources = isRecord(volume.projected) ? asArray(volume.projected.sources).length : 1;
      volumes.set(volumeName, { name: volumeName, via: isRecord(volume.projected) ? 'projected' : 'volume', sources, allSources, node: volume });
    }
  });
  return volumes;
}

function envReferences(container: Record<string, unknown>, holder: Holder, ctx: PodSpecContext, unnamed: UnnamedReference[]): Reference[] {
  const references: Reference[] = [];
  for (const env of asArray(container.env)) {
    if (!isRecord(env) || !isRecord(env.valueFrom)) continue;
    const selectors: [ConfigKind, unknown][] = [
      ['ConfigMap', env.valueFrom.configMapKeyRef],
      ['Secret', env.valueFrom.secretKeyRef],
    ];
    for (const [kind, selector] of selectors) {
      if (!isRecord(selector)) continue;
      const name = asString(selector.name);
      if (!name) {
        unnamed.push({ workload: ctx.workload, field: `env[${asString(env.name) ?? '?'}].valueFrom.${kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef'}.name`, origin: originAt(ctx, selector, env) });
        continue;
      }
      references.push(
        newReference(holder, makeRef(kind, ctx.namespace, name), 'env', 'restart', originAt(ctx, env), {
          key: asString(selector.key) ?? null,
          optional: selector.optional === true,
          envVar: asString(env.name) ?? null,
        }),
      );
    }
  }
  for (const envFrom of asArray(container.envFrom)) {
    if (!isRecord(envFrom)) continue;
    const sources: [ConfigKind, unknown][] = [
      ['ConfigMap', envFrom.configMapRef],
      ['Secret', envFrom.secretRef],
    ];
    for (const [kind, source] of sources) {
      if (!isRecord(source)) continue;
      const name = asString(source.name);
      if (!name) {
        unnamed.push({ workload: ctx.workload, field: `envFrom[].${kind === 'ConfigMap' ? 'configMapRef' : 'secretRef'}.name`, origin: originAt(ctx, source, envFrom) });
        continue;
      }
      references.push(
        newReference(holder, makeRef(kind, ctx.namespace, name), 'envFrom', 'restart', originAt(ctx, envFrom), {
          optional: source.optional === true,
          prefix: asString(envFrom.prefix) || null,
        }),
      );
    }
  }
  return references;
}

/**
 * The keys a mount reads (DESIGN.md section 1): a subPath mount reads one file. With items, the
 * item(s) whose path is (or is under) the subPath; without items, the files at the volume root
 * are named by their keys, so a subPath without `/` reads exactly that key, unless the volume
 * projects several sources into one root. Otherwise every item, or the whole config (null).
 */
function keysReadBy(source: ConfigSource, subPath: string | undefined, sourcesInVolume: number): (Pick<ConfigItem, 'key'> & { node?: object } | null)[] {
  if (source.items.length === 0) return subPath !== undefined && !subPath.includes('/') && sourcesInVolume === 1 ? [{ key: subPath }] : [null];
  const unique = source.items.filter((item, index) => source.items.findIndex((other) => other.key === item.key) === index);
  if (subPath === undefined) return unique;
  const read = unique.filter((item) => subPath === item.path || subPath.startsWith(`${item.path.replace(/\/+$/, '')}/`));
  return read.length > 0 ? read : unique;
}

function volumeReferences(volume: ConfigVolume, holder: Holder, mount: Record<string, unknown> | undefined, ctx: PodSpecContext): Reference[] {
  // subPath and subPathExpr mounts are bind mounts of one file: the kubelet never refreshes them.
  const literalSubPath = mount ? asString(mount.subPath) || undefined : undefined;
  const subPath = mount !== undefined && Boolean(literalSubPath || asString(mount.subPathExpr));
  const update: Update = subPath ? 'restart' : 'live';
  const references: Reference[] = [];
  for (const source of volume.sources) {
    for (const item of keysReadBy(source, literalSubPath, volume.allSources)) {
      references.push(
        newReference(holder, makeRef(source.kind, ctx.namespace, source.name), volume.via, update, originAt(ctx, mount, item?.node, source.node), {
          key: item?.key ?? null,
          optional: source.optional,
          volume: volume.name,
          mountPath: mount ? asString(mount.mountPath) ?? null : null,
          subPath,
        }),
      );
    }
  }
  return references;
}

/**
 * Every ConfigMap and Secret reference of one pod spec (DESIGN.md sections 1 and 5): env keyRefs,
 * envFrom, volume and projected mounts of every container kind, unmounted config volumes, and
 * imagePullSecrets. Pure: names are turned into refs, never looked up.
 */
export function extractPodSpecReferences(podSpec: Record<string, unknown>, ctx: PodSpecContext): PodSpecReferences {
  const unnamed: UnnamedReference[] = [];
  const references: Reference[] = [];
  const volumes = readConfigVolumes(podSpec, ctx, unnamed);
  const mountedVolumes = new Set<string>();
  for (const [listName, containerType] of CONTAINER_LISTS) {
    for (const container of asArray(podSpec[listName])) {
      if (!isRecord(container)) continue;
      const holder: Holder = { workload: ctx.workload, container: asString(container.name) ?? null, containerType };
      references.push(...envReferences(container, holder, ctx, unnamed));
      for (const mount of asArray(container.volumeMounts)) {
        if (!isRecord(mount)) continue;
        const volume = volumes.get(asString(mount.name) ?? '');
        if (!volume) continue;
        mountedVolumes.add(volume.name);
        references.push(...volumeReferences(volume, holder, mount, ctx));
      }
    }
  }
  for (const volume of volumes.values()) {
    if (!mountedVolumes.has(volume.name)) references.push(...volumeReferences(volume, { workload: ctx.workload, container: null, containerType: null }, undefined, ctx));
  }
  references.push(...volumePluginSecretReferences(podSpec, ctx, unnamed));
  for (const pullSecret of asArray(podSpec.imagePullSecrets)) {
    const name = isRecord(pullSecret) ? asString(pullSecret.name) : undefined;
    if (!name) continue; // an empty entry is allowed by the API and ignored by the kubelet
    references.push(imagePullSecretReference(name, ctx, originAt(ctx, pullSecret as object)));
  }
  return { references, unnamed };
}

/** Volume plugins that take a Secret, and where its name is: [plugin field, secret field, the name inside it (null: the field is the name)]. */
const VOLUME_PLUGIN_SECRETS: readonly (readonly [string, string, string | null])[] = [
  ['csi', 'nodePublishSecretRef', 'name'],
  ['azureFile', 'secretName', null],
  ['cephfs', 'secretRef', 'name'],
  ['rbd', 'secretRef', 'name'],
  ['iscsi', 'secretRef', 'name'],
  ['flexVolume', 'secretRef', 'name'],
  ['scaleIO', 'secretRef', 'name'],
  ['storageos', 'secretRef', 'name'],
];

/**
 * Secrets that volume plugins read when the volume is mounted (DESIGN.md section 1): the pod does
 * not start without them, and running containers never see a change (`update: none`).
 */
function volumePluginSecretReferences(podSpec: Record<string, unknown>, ctx: PodSpecContext, unnamed: UnnamedReference[]): Reference[] {
  const references: Reference[] = [];
  asArray(podSpec.volumes).forEach((volume, index) => {
    if (!isRecord(volume)) return;
    const volumeName = asString(volume.name) ?? `#${index}`;
    for (const [plugin, field, nameField] of VOLUME_PLUGIN_SECRETS) {
      const source = volume[plugin];
      if (!isRecord(source) || source[field] === undefined) continue;
      const holder = nameField === null ? source : source[field];
      const name = nameField === null ? asString(source[field]) : isRecord(holder) ? asString(holder[nameField]) : undefined;
      const node = isRecord(holder) ? holder : source;
      if (!name) {
        unnamed.push({ workload: ctx.workload, field: `volumes[${volumeName}].${plugin}.${field}${nameField ? `.${nameField}` : ''}`, origin: originAt(ctx, node, volume) });
        continue;
      }
      references.push(newReference({ workload: ctx.workload, container: null, containerType: null }, makeRef('Secret', ctx.namespace, name), 'volumeSecretRef', 'none', originAt(ctx, node, volume), { volume: volumeName }));
    }
  });
  return references;
}

/**
 * The kubelet pulls without a missing pull secret (event FailedToRetrieveImagePullSecret) and
 * reads it only at pull time, so the reference is optional and a change needs nothing.
 */
export function imagePullSecretReference(name: string, ctx: Pick<PodSpecContext, 'workload' | 'namespace'>, origin: Origin | null): Reference {
  return newReference({ workload: ctx.workload, container: null, containerType: null }, makeRef('Secret', ctx.namespace, name), 'imagePullSecret', 'none', origin, { optional: true });
}
