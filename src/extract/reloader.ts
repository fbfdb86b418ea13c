import { asArray, asString, isRecord, type K8sObject } from '../model/object.js';
import type { Problem } from '../model/problem.js';
import { podSpecOf, workloadKindOf } from './workload-kinds.js';
import { compileGoAnchored } from './go-regexp.js';

/**
 * stakater/Reloader's decision, step by step as its code takes it (v1.4.x):
 * `pkg/common/common.go` ShouldReload and checkIfResourceIsExcluded,
 * `internal/pkg/handler/upgrade.go` doRollingUpgrade (which kinds) and getContainerUsingResource
 * (what counts as a use). Pure: the workload and config come in as plain data.
 */

/** Reloader's annotation keys; each can be renamed by a flag of Reloader's (its `reloaderOptions`). */
export type ReloaderAnnotations = Readonly<{
  configMapReload: string;
  secretReload: string;
  auto: string;
  configMapAuto: string;
  secretAuto: string;
  search: string;
  match: string;
  ignore: string;
  configMapExclude: string;
  secretExclude: string;
}>;

export const DEFAULT_RELOADER_ANNOTATIONS: ReloaderAnnotations = {
  configMapReload: 'configmap.reloader.stakater.com/reload',
  secretReload: 'secret.reloader.stakater.com/reload',
  auto: 'reloader.stakater.com/auto',
  configMapAuto: 'configmap.reloader.stakater.com/auto',
  secretAuto: 'secret.reloader.stakater.com/auto',
  search: 'reloader.stakater.com/search',
  match: 'reloader.stakater.com/match',
  ignore: 'reloader.stakater.com/ignore',
  configMapExclude: 'configmaps.exclude.reloader.stakater.com/reload',
  secretExclude: 'secrets.exclude.reloader.stakater.com/reload',
};

/** The options of a running Reloader that change its decision (Reloader's ReloaderOptions, by the same names). */
export type ReloaderSettings = Readonly<{
  annotations: ReloaderAnnotations;
  autoReloadAll: boolean;
  isArgoRollouts: boolean;
  /** "jobs", "cronjobs": any other entry makes Reloader ignore the whole list */
  workloadTypesToIgnore: readonly string[];
  /** "configmaps", "secrets": not watched at all */
  resourcesToIgnore: readonly string[];
  namespacesToIgnore: readonly string[];
  /** when set, Reloader calls the webhook instead of restarting anything */
  webhookUrl: string;
  /** single-namespace mode: the only namespaces watched; null watches all */
  watchedNamespaces: readonly string[] | null;
  /** namespaces whose labels fail Reloader's namespaceSelectors (known only on a cluster) */
  namespacesNotSelected: readonly string[];
  /** configs whose labels fail Reloader's resourceSelectors, as refs (known only on a cluster) */
  configsNotSelected: readonly string[];
  /** where this came from, for explain: "default options (files)", "reloader-meta-info in ns reloader" */
  describedAs: string;
}>;

export const DEFAULT_RELOADER_SETTINGS: ReloaderSettings = {
  annotations: DEFAULT_RELOADER_ANNOTATIONS,
  autoReloadAll: false,
  isArgoRollouts: false,
  workloadTypesToIgnore: [],
  resourcesToIgnore: [],
  namespacesToIgnore: [],
  webhookUrl: '',
  watchedNamespaces: null,
  namespacesNotSelected: [],
  configsNotSelected: [],
  describedAs: 'a Reloader with default options (assumed on files)',
};

/** What Reloader sees of a workload: its kind, both annotation maps, and its pod spec. */
export type ReloaderWorkload = Readonly<{
  kind: string;
  namespace: string;
  annotations: Readonly<Record<string, string>>;
  templateAnnotations: Readonly<Record<string, string>>;
  podSpec: Readonly<Record<string, unknown>> | undefined;
}>;

export type ReloaderConfig = Readonly<{ kind: 'ConfigMap' | 'Secret'; namespace: string; name: string; annotations: Readonly<Record<string, string>> }>;

export type ReloaderVerdict = Readonly<{
  reloads: boolean;
  /** the annotation (or option) that decided, as Reloader names it; null when nothing applied */
  decidedBy: string | null;
  /** where that annotation was read: the workload's metadata, its pod template, the config, or Reloader's options */
  from: 'workload' | 'template' | 'config' | 'options' | null;
  /** one sentence for people */
  why: string;
  /** a reload-list match restarts the workload even when no container reads the config */
  readsIt: boolean;
}>;

/** Go's strconv.ParseBool: true only for these spellings; anything else is an error Reloader reads as false. */
export function goParseBool(value: string | undefined): boolean {
  return value === '1' || value === 't' || value === 'T' || value === 'TRUE' || value === 'true' || value === 'True';
}

export function isGoBool(value: string): boolean {
  return goParseBool(value) || ['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value);
}

/** Kinds Reloader lists and rolls (doRollingUpgrade); a Rollout only with its Argo option. */
function reloaderHandlesKind(kind: string, settings: ReloaderSettings): boolean {
  if (kind === 'Rollout') return settings.isArgoRollouts;
  return kind === 'Deployment' || kind === 'DaemonSet' || kind === 'StatefulSet' || kind === 'CronJob' || kind === 'Job';
}

function ignoredWorkloadType(kind: string, settings: ReloaderSettings): boolean {
  const list = settings.workloadTypesToIgnore;
  if (list.length === 0 || !list.every((entry) => entry === 'jobs' || entry === 'cronjobs')) return false;
  return (kind === 'Job' && list.includes('jobs')) || (kind === 'CronJob' && list.includes('cronjobs'));
}

/** checkIfResourceIsExcluded: comma-split, trimmed, exact names. */
function isExcluded(name: string, list: string | undefined): boolean {
  return Boolean(list) && list!.split(',').some((entry) => entry.trim() === name);
}

const compiled = new Map<string, RegExp | null>();
function anchoredPattern(entry: string): RegExp | null {
  let pattern = compiled.get(entry);
  if (pattern === undefined) {
    pattern = compileGoAnchored(entry);
    compiled.set(entry, pattern);
  }
  return pattern;
}

/** The reload-list entry that matches the name (Go `"^" + entry + "$"`, entries that Go cannot compile skipped), or undefined. */
function reloadListMatch(list: string | undefined, name: string): string | undefined {
  // strings.Split of "" gives [""], whose pattern ^$ matches no name.
  for (const raw of (list ?? '').split(',')) {
    const entry = raw.trim();
    if (anchoredPattern(entry)?.test(name)) return entry;
  }
  return undefined;
}

/** Reload-list entries Go cannot compile: Reloader logs and skips them. */
export function invalidReloadEntries(list: string): string[] {
  return list.split(',').map((entry) => entry.trim()).filter((entry) => anchoredPattern(entry) === null);
}

type Container = Readonly<Record<string, unknown>>;
const containersOf = (podSpec: ReloaderWorkload['podSpec'], field: 'containers' | 'initContainers'): Container[] => asArray(podSpec?.[field]).filter(isRecord);

/** getVolumeMountName: the first volume (or projected source) that brings in the config. */
function volumeNameOf(podSpec: ReloaderWorkload['podSpec'], kind: ReloaderConfig['kind'], name: string): string | undefined {
  for (const volume of asArray(podSpec?.volumes)) {
    if (!isRecord(volume)) continue;
    const direct = kind === 'ConfigMap' ? volume.configMap : volume.secret;
    if (isRecord(direct) && direct[kind === 'ConfigMap' ? 'name' : 'secretName'] === name) return asString(volume.name) ?? '';
    if (isRecord(volume.projected)) {
      for (const source of asArray(volume.projected.sources)) {
        const projected = isRecord(source) ? source[kind === 'ConfigMap' ? 'configMap' : 'secret'] : undefined;
        if (isRecord(projected) && projected.name === name) return asString(volume.name) ?? '';
      }
    }
  }
  return undefined;
}

function mounts(containers: readonly Container[], volumeName: string): boolean {
  return containers.some((container) => asArray(container.volumeMounts).some((mount) => isRecord(mount) && mount.name === volumeName));
}

function readsThroughEnv(containers: readonly Container[], kind: ReloaderConfig['kind'], name: string): boolean {
  const keyRef = kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef';
  const fromRef = kind === 'ConfigMap' ? 'configMapRef' : 'secretRef';
  return containers.some(
    (container) =>
      asArray(container.env).some((env) => isRecord(env) && isRecord(env.valueFrom) && isRecord(env.valueFrom[keyRef]) && (env.valueFrom[keyRef] as Record<string, unknown>).name === name) ||
      asArray(container.envFrom).some((source) => isRecord(source) && isRecord(source[fromRef]) && (source[fromRef] as Record<string, unknown>).name === name),
  );
}

/**
 * getContainerUsingResource for auto and search: a configMap/secret (or projected) volume that a
 * container or init container mounts, or env/envFrom of one. Ephemeral containers, unmounted
 * volumes and imagePullSecrets are not uses. An init container's use counts only when the pod has
 * a regular container (Reloader records its change on the first one).
 */
export function reloaderSeesUse(workload: Pick<ReloaderWorkload, 'podSpec'>, config: Pick<ReloaderConfig, 'kind' | 'name'>): boolean {
  const containers = containersOf(workload.podSpec, 'containers');
  const initContainers = containersOf(workload.podSpec, 'initContainers');
  const volumeName = volumeNameOf(workload.podSpec, config.kind, config.name);
  if (volumeName !== undefined) {
    if (mounts(containers, volumeName)) return true;
    if (mounts(initContainers, volumeName)) return containers.length > 0;
  }
  if (readsThroughEnv(containers, config.kind, config.name)) return true;
  return readsThroughEnv(initContainers, config.kind, config.name) && containers.length > 0;
}

const verdict = (reloads: boolean, decidedBy: string | null, from: ReloaderVerdict['from'], why: string, readsIt = true): ReloaderVerdict => ({ reloads, decidedBy, from, why, readsIt });
const NO_ANNOTATION_CONFIGMAP = verdict(false, null, null, 'no Reloader annotation for this ConfigMap on the workload or its pod template');
const NO_ANNOTATION_SECRET = verdict(false, null, null, 'no Reloader annotation for this Secret on the workload or its pod template');

/** Whether a running Reloader with these settings restarts this workload when the config's data changes, and why. */
export function reloaderDecision(workload: ReloaderWorkload, config: ReloaderConfig, settings: ReloaderSettings): ReloaderVerdict {
  const keys = settings.annotations;
  const isConfigMap = config.kind === 'ConfigMap';
  const configRef = `${config.kind}/${config.namespace}/${config.name}`;
  // What Reloader never looks at: its options, before any annotation.
  if (!reloaderHandlesKind(workload.kind, settings)) {
    const why = workload.kind === 'Rollout' ? 'Reloader restarts Argo Rollouts only when it runs with --is-Argo-Rollouts' : `Reloader does not restart a ${workload.kind}`;
    return verdict(false, null, 'options', why);
  }
  if (settings.webhookUrl) return verdict(false, 'webhookUrl', 'options', 'Reloader runs with a webhook URL: it calls the webhook instead of restarting');
  if (settings.resourcesToIgnore.includes(isConfigMap ? 'configmaps' : 'secrets')) return verdict(false, 'resourcesToIgnore', 'options', `Reloader ignores ${isConfigMap ? 'configmaps' : 'secrets'} (resources-to-ignore)`);
  if (settings.watchedNamespaces && !settings.watchedNamespaces.includes(config.namespace)) return verdict(false, 'namespaces', 'options', `Reloader watches only namespace(s) ${settings.watchedNamespaces.join(', ')}`);
  // namespaces-to-ignore is honoured only when Reloader watches every namespace (cmd/reloader.go).
  if (settings.watchedNamespaces === null && settings.namespacesToIgnore.includes(config.namespace)) return verdict(false, 'namespacesToIgnore', 'options', `Reloader ignores namespace ${config.namespace} (namespaces-to-ignore)`);
  if (settings.namespacesNotSelected.includes(config.namespace)) return verdict(false, 'namespaceSelectors', 'options', `namespace ${config.namespace} does not match Reloader's namespace selector`);
  if (settings.configsNotSelected.includes(configRef)) return verdict(false, 'resourceSelectors', 'options', `the ${config.kind} does not match Reloader's resource selector`);
  if (ignoredWorkloadType(workload.kind, settings)) return verdict(false, 'workloadTypesToIgnore', 'options', `Reloader ignores ${workload.kind === 'Job' ? 'jobs' : 'cronjobs'} (ignored-workload-types)`);

  if (config.annotations[keys.ignore] === 'true') return verdict(false, keys.ignore, 'config', `the ${config.kind} has ${keys.ignore}: "true"`);

  const listKey = isConfigMap ? keys.configMapReload : keys.secretReload;
  const typedAutoKey = isConfigMap ? keys.configMapAuto : keys.secretAuto;
  const own = workload.annotations;
  // Most workloads carry no Reloader key at all: nothing below can apply (graphs ask this per reference).
  const anywhere = (key: string) => key in own || key in workload.templateAnnotations;
  if (!settings.autoReloadAll && !anywhere(listKey) && !anywhere(keys.search) && !anywhere(keys.auto) && !anywhere(typedAutoKey) && !((isConfigMap ? keys.configMapExclude : keys.secretExclude) in own)) {
    return isConfigMap ? NO_ANNOTATION_CONFIGMAP : NO_ANNOTATION_SECRET;
  }
  // The pod template is read only when the workload carries none of these (presence counts, even "false").
  const onWorkload = listKey in own || keys.search in own || keys.auto in own || typedAutoKey in own;
  const read = onWorkload ? own : workload.templateAnnotations;
  const from = onWorkload ? 'workload' : 'template';
  const ignoredOnTemplate = onWorkload ? [listKey, keys.search, keys.auto, typedAutoKey].filter((key) => key in workload.templateAnnotations) : [];
  const place = onWorkload
    ? `the ${workload.kind}'s metadata${ignoredOnTemplate.length > 0 ? ` (${ignoredOnTemplate.join(', ')} on the pod template is ignored: Reloader reads the template only when the workload's metadata has none of its keys)` : ''}`
    : "the pod template (the workload's metadata has none of Reloader's keys)";

  const excludeKey = isConfigMap ? keys.configMapExclude : keys.secretExclude;
  if (isExcluded(config.name, own[excludeKey])) return verdict(false, excludeKey, 'workload', `${excludeKey} on the ${workload.kind} names ${config.name}`);

  const entry = reloadListMatch(read[listKey], config.name);
  if (entry !== undefined) {
    const hasContainer = containersOf(workload.podSpec, 'containers').length > 0;
    const readsIt = reloaderSeesUse(workload, config);
    const pattern = entry === config.name ? '' : ` (entry "${entry}")`;
    // A match restarts even a workload that does not read the config (Reloader then updates its first container).
    return verdict(hasContainer, listKey, from, `${listKey} in ${place} matches ${config.name}${pattern}`, readsIt);
  }

  const uses = () => reloaderSeesUse(workload, config);
  const noUse = (what: string) => `${what}, but no container mounts it or reads it through env/envFrom, so Reloader finds no container to update`;
  if (read[keys.search] === 'true' && config.annotations[keys.match] === 'true') {
    return uses() ? verdict(true, keys.search, from, `${keys.search}: "true" in ${place} and ${keys.match}: "true" on the ${config.kind}`) : verdict(false, keys.search, from, noUse(`${keys.search} with ${keys.match}`));
  }

  const autoValue = read[keys.auto] ?? '';
  const typedValue = read[typedAutoKey] ?? '';
  let decidedBy: string | null = null;
  if (goParseBool(autoValue)) decidedBy = keys.auto;
  else if (goParseBool(typedValue)) decidedBy = typedAutoKey;
  else if (autoValue === '' && typedValue === '' && settings.autoReloadAll) decidedBy = 'autoReloadAll';
  if (decidedBy) {
    const how = decidedBy === 'autoReloadAll' ? 'Reloader runs with --auto-reload-all' : `${decidedBy}: "${decidedBy === keys.auto ? autoValue : typedValue}" in ${place}`;
    return uses() ? verdict(true, decidedBy, decidedBy === 'autoReloadAll' ? 'options' : from, how) : verdict(false, decidedBy, from, noUse(how));
  }
  return verdict(false, null, null, explainNoMatch(read, keys, listKey, typedAutoKey, config, place));
}

/** Why nothing applied, naming the nearest mistake (a search without match, a value Go does not read as true). */
function explainNoMatch(read: Readonly<Record<string, string>>, keys: ReloaderAnnotations, listKey: string, typedAutoKey: string, config: ReloaderConfig, place: string): string {
  if (read[keys.search] !== undefined && read[keys.search] !== 'true') return `${keys.search} is "${read[keys.search]}" in ${place}; Reloader acts only on exactly "true"`;
  if (read[keys.search] === 'true') return `${keys.search}: "true" is set, but the ${config.kind} lacks ${keys.match}: "true"`;
  for (const key of [keys.auto, typedAutoKey]) {
    const value = read[key];
    if (value !== undefined && !isGoBool(value)) return `${key} is "${value}" in ${place}, which Go's ParseBool does not read as true`;
    if (value !== undefined) return `${key} is "${value}" in ${place}`;
  }
  if (read[listKey] !== undefined) return `${listKey} in ${place} does not match ${config.name}`;
  return `no Reloader annotation for this ${config.kind} on the workload or its pod template`;
}

/** Reloader's settings from its published `reloaderOptions` JSON (metainfo.go); unknown fields keep their defaults. */
export function settingsFromReloaderOptions(options: Readonly<Record<string, unknown>>, describedAs: string): ReloaderSettings {
  const text = (key: string, fallback: string) => (typeof options[key] === 'string' && options[key] ? (options[key] as string) : fallback);
  const list = (key: string) => asArray(options[key]).filter((entry): entry is string => typeof entry === 'string' && entry !== '');
  const d = DEFAULT_RELOADER_ANNOTATIONS;
  return {
    annotations: {
      configMapReload: text('configmapUpdateOnChangeAnnotation', d.configMapReload),
      secretReload: text('secretUpdateOnChangeAnnotation', d.secretReload),
      auto: text('reloaderAutoAnnotation', d.auto),
      configMapAuto: text('configmapReloaderAutoAnnotation', d.configMapAuto),
      secretAuto: text('secretReloaderAutoAnnotation', d.secretAuto),
      search: text('autoSearchAnnotation', d.search),
      match: text('searchMatchAnnotation', d.match),
      ignore: text('ignoreResourceAnnotation', d.ignore),
      configMapExclude: text('configmapExcludeReloaderAnnotation', d.configMapExclude),
      secretExclude: text('secretExcludeReloaderAnnotation', d.secretExclude),
    },
    autoReloadAll: options.autoReloadAll === true,
    isArgoRollouts: options.isArgoRollouts === true,
    workloadTypesToIgnore: list('workloadTypesToIgnore'),
    resourcesToIgnore: list('resourcesToIgnore').map((entry) => entry.toLowerCase()),
    namespacesToIgnore: list('namespacesToIgnore'),
    webhookUrl: typeof options.webhookUrl === 'string' ? options.webhookUrl : '',
    watchedNamespaces: null,
    namespacesNotSelected: [],
    configsNotSelected: [],
    describedAs,
  };
}

/** A container image of stakater/Reloader (Docker Hub, ghcr.io, or a mirror keeping the path). */
export function isReloaderImage(image: unknown): boolean {
  return typeof image === 'string' && /(^|\/)stakater\/reloader(:|@|$)/.test(image);
}

/** pflag's way: `--flag=value`, `--flag value`, a bare boolean `--flag`; slices comma-split and repeated flags appended. */
function parseFlags(args: readonly string[]): Map<string, string[]> {
  const flags = new Map<string, string[]>();
  const add = (name: string, value: string) => flags.set(name, [...(flags.get(name) ?? []), value]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    if (eq > 0) add(arg.slice(2, eq), arg.slice(eq + 1));
    else if (i + 1 < args.length && !args[i + 1]!.startsWith('--') && !BOOLEAN_FLAGS.has(arg.slice(2))) add(arg.slice(2), args[++i]!);
    else add(arg.slice(2), 'true');
  }
  return flags;
}

const BOOLEAN_FLAGS = new Set(['auto-reload-all', 'enable-ha', 'sync-after-restart', 'enable-pprof', 'enable-csi-integration']);

/**
 * The settings of a Reloader Deployment read from its container's args and env (util.go's flags;
 * KUBERNETES_NAMESPACE is single-namespace mode, `--namespaces` scoped mode), for files and for
 * a cluster whose Reloader publishes no meta-info.
 */
function settingsFromReloaderContainer(container: Readonly<Record<string, unknown>>, deploymentNamespace: string, describedAs: string): ReloaderSettings {
  const args = [...asArray(container.command), ...asArray(container.args)].filter((arg): arg is string => typeof arg === 'string');
  const flags = parseFlags(args);
  const last = (name: string) => flags.get(name)?.at(-1);
  const slice = (name: string) => (flags.get(name) ?? []).flatMap((value) => value.split(',')).map((entry) => entry.trim()).filter(Boolean);
  const options: Record<string, unknown> = {
    autoReloadAll: last('auto-reload-all') !== undefined && goParseBool(last('auto-reload-all')),
    isArgoRollouts: goParseBool(last('is-Argo-Rollouts')),
    configmapUpdateOnChangeAnnotation: last('configmap-annotation'),
    secretUpdateOnChangeAnnotation: last('secret-annotation'),
    reloaderAutoAnnotation: last('auto-annotation'),
    ignoreResourceAnnotation: last('ignore-annotation'),
    configmapReloaderAutoAnnotation: last('configmap-auto-annotation'),
    secretReloaderAutoAnnotation: last('secret-auto-annotation'),
    autoSearchAnnotation: last('auto-search-annotation'),
    searchMatchAnnotation: last('search-match-annotation'),
    webhookUrl: last('webhook-url') ?? '',
    resourcesToIgnore: slice('resources-to-ignore'),
    workloadTypesToIgnore: slice('ignored-workload-types'),
    namespacesToIgnore: slice('namespaces-to-ignore'),
  };
  return { ...settingsFromReloaderOptions(options, describedAs), watchedNamespaces: watchedNamespacesOf(container, deploymentNamespace) };
}

/** resolveWatchNamespaces: `--namespaces` (scoped), else KUBERNETES_NAMESPACE (one namespace), else all (null). */
export function watchedNamespacesOf(container: Readonly<Record<string, unknown>>, deploymentNamespace: string): readonly string[] | null {
  const args = [...asArray(container.command), ...asArray(container.args)].filter((arg): arg is string => typeof arg === 'string');
  const scoped = (parseFlags(args).get('namespaces') ?? []).flatMap((value) => value.split(',')).map((entry) => entry.trim()).filter(Boolean);
  if (scoped.length > 0) return scoped;
  const env = asArray(container.env).find((entry) => isRecord(entry) && entry.name === 'KUBERNETES_NAMESPACE');
  if (!isRecord(env)) return null;
  if (typeof env.value === 'string') return env.value ? [env.value] : null;
  // The chart's watchGlobally=false sets it from the downward API: the Deployment's own namespace.
  const fieldPath = isRecord(env.valueFrom) && isRecord(env.valueFrom.fieldRef) ? env.valueFrom.fieldRef.fieldPath : undefined;
  return fieldPath === 'metadata.namespace' ? [deploymentNamespace] : null;
}

/** The Reloader container of a pod spec, if any. */
export function reloaderContainerOf(podSpec: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, unknown>> | undefined {
  return asArray(podSpec?.containers).find((container): container is Record<string, unknown> => isRecord(container) && isReloaderImage(container.image));
}

/** GetResourceLabelSelector / GetNamespaceLabelSelector: `key:value` (legacy) and `key=*` / `key:*` (any value) made a label selector. */
export function reloaderSelector(entries: readonly string[]): string {
  return entries
    .map((entry) => {
      let selector = entry;
      if (selector.includes(':')) {
        const [key, value] = selector.split(':');
        selector = value === '*' ? key! : `${key}=${value}`;
      }
      if (selector.includes('=')) {
        const [key, value] = selector.split('=');
        if (value === '*') selector = key!;
      }
      return selector;
    })
    .join(',');
}

/**
 * On files: the tree's own Reloader Deployments (their args say how they decide), else one
 * Reloader with default options is assumed.
 */
export function reloadersDeclaredIn(objects: readonly K8sObject[]): ReloaderSettings[] {
  const declared: ReloaderSettings[] = [];
  for (const object of objects) {
    if (object.kind !== 'Deployment' || !workloadKindOf(object)) continue;
    const podSpec = podSpecOf(object, workloadKindOf(object)!);
    const container = reloaderContainerOf(podSpec);
    if (container) declared.push(settingsFromReloaderContainer(container, object.namespace, `the Reloader Deployment ${object.namespace}/${object.name} in the files (its args)`));
  }
  return declared.length > 0 ? declared : [DEFAULT_RELOADER_SETTINGS];
}

const RELOADER_KEY = /(^|\.)reloader\.stakater\.com\//;

/** Said once when workloads carry Reloader annotations but no Reloader runs: they look protected and are not. */
export function annotatedForNoReloader(index: { extracted: ReadonlyMap<string, { annotations: ReloaderWorkload }> }, reloaders: readonly ReloaderSettings[], unknownBecause?: string): Problem | undefined {
  if (reloaders.length > 0) return undefined;
  let annotated = 0;
  for (const workload of index.extracted.values()) {
    const { annotations, templateAnnotations } = workload.annotations;
    if (Object.keys(annotations).some((key) => RELOADER_KEY.test(key)) || Object.keys(templateAnnotations).some((key) => RELOADER_KEY.test(key))) annotated++;
  }
  if (annotated === 0) return undefined;
  const what = annotated === 1 ? '1 workload carries' : `${annotated} workloads carry`;
  if (unknownBecause) return { code: 'incomplete', severity: 'warning', message: `${what} Reloader annotations, but whether a Reloader runs cannot be told (${unknownBecause}): they are not counted as protected` };
  return { code: 'incomplete', severity: 'warning', message: `${what} Reloader annotations, but no Reloader runs in this cluster: they are not protected` };
}
