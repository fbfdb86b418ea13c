import type { ConfigNode, ProtectedBy, Reference } from '../model/graph.js';
import { parseRef } from '../model/refs.js';

/** stakater/Reloader's annotations (README of stakater/Reloader). */
export const RELOADER = {
  auto: 'reloader.stakater.com/auto',
  configMapAuto: 'configmap.reloader.stakater.com/auto',
  secretAuto: 'secret.reloader.stakater.com/auto',
  configMapReload: 'configmap.reloader.stakater.com/reload',
  secretReload: 'secret.reloader.stakater.com/reload',
  search: 'reloader.stakater.com/search',
  match: 'reloader.stakater.com/match',
  ignore: 'reloader.stakater.com/ignore',
} as const;

/** Every Reloader annotation key, including ones kstale does not interpret, for typo checks. */
export const RELOADER_KNOWN_KEYS: readonly string[] = [
  ...Object.values(RELOADER),
  'reloader.stakater.com/rollout-strategy',
  'reloader.stakater.com/pause-period',
  'secretproviderclass.reloader.stakater.com/auto',
  'secretproviderclass.reloader.stakater.com/reload',
  'deployment.reloader.stakater.com/pause-period',
];

export const WAVE_ANNOTATION = 'wave.pusher.com/update-on-config-change';
/** Helm's habit: `checksum/config: {{ include … | sha256sum }}` on the pod template. */
export const CHECKSUM_ANNOTATION_PREFIX = 'checksum/';
/** kustomize's configMapGenerator/secretGenerator suffix: a dash and 10 characters of this alphabet. */
export const KUSTOMIZE_HASH_SUFFIX = /-[bcdfghkmt2456789]{10}$/;

/** Kinds that a Reloader, wave or checksum change actually rolls (a bare Pod or Job does not). */
const ROLLING_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout']);
const RELOADER_KINDS = new Set([...ROLLING_KINDS, 'CronJob']);

export type WorkloadAnnotations = Readonly<{
  kind: string;
  /** Workload metadata annotations merged with the pod template's. */
  annotations: Readonly<Record<string, string>>;
  templateAnnotations: Readonly<Record<string, string>>;
}>;

const isTrue = (value: string | undefined) => value?.trim().toLowerCase() === 'true';

/** Each list entry compiled once: thousands of references share a few annotations. null: not a valid pattern. */
const reloadPatterns = new Map<string, RegExp | null>();

function reloadPattern(entry: string): RegExp | null {
  let pattern = reloadPatterns.get(entry);
  if (pattern === undefined) {
    try {
      pattern = new RegExp(`^(?:${entry})$`);
    } catch {
      pattern = null;
    }
    reloadPatterns.set(entry, pattern);
  }
  return pattern;
}

/** Reloader reads `reload` lists as comma-separated names, each an anchored regular expression. */
export function reloadListMatches(list: string | undefined, name: string): boolean {
  if (!list) return false;
  return list.split(',').map((entry) => entry.trim()).filter(Boolean).some((entry) => entry === name || (reloadPattern(entry)?.test(name) ?? false));
}

function isReloaderProtected(workload: WorkloadAnnotations, configKind: string, configName: string, config: ConfigNode | undefined): boolean {
  if (!RELOADER_KINDS.has(workload.kind)) return false;
  const configAnnotations = config?.annotations ?? {};
  if (isTrue(configAnnotations[RELOADER.ignore])) return false;
  const a = workload.annotations;
  const isConfigMap = configKind === 'ConfigMap';
  if (isTrue(a[RELOADER.auto])) return true;
  if (isTrue(a[isConfigMap ? RELOADER.configMapAuto : RELOADER.secretAuto])) return true;
  if (reloadListMatches(a[isConfigMap ? RELOADER.configMapReload : RELOADER.secretReload], configName)) return true;
  return isTrue(a[RELOADER.search]) && isTrue(configAnnotations[RELOADER.match]);
}

/**
 * What already restarts (or need not restart) the workload when this config changes
 * (DESIGN.md section 3), or null. References that need nothing on a change are never protected.
 */
export function protectionFor(reference: Reference, workload: WorkloadAnnotations, config: ConfigNode | undefined): ProtectedBy | null {
  if (reference.update === 'none') return null;
  const { kind, name } = parseRef(reference.config);
  if (config?.immutable) return 'immutable';
  if (isReloaderProtected(workload, kind, name, config)) return 'reloader';
  if (ROLLING_KINDS.has(workload.kind)) {
    if (isTrue(workload.annotations[WAVE_ANNOTATION])) return 'wave';
    if (Object.keys(workload.templateAnnotations).some((key) => key.startsWith(CHECKSUM_ANNOTATION_PREFIX))) return 'checksum';
  }
  if (KUSTOMIZE_HASH_SUFFIX.test(name)) return 'kustomize-hash';
  return null;
}
