import type { ConfigNode, ProtectedBy, Reference } from '../model/graph.js';
import { parseRef } from '../model/refs.js';
import { DEFAULT_RELOADER_ANNOTATIONS, reloaderDecision, type ReloaderSettings, type ReloaderWorkload } from './reloader.js';

/** stakater/Reloader's annotations with their default names (its options can rename them). */
export const RELOADER = DEFAULT_RELOADER_ANNOTATIONS;

/** Every Reloader annotation key, including ones kstale does not interpret, for typo checks (Reloader's options/flags.go). */
export const RELOADER_KNOWN_KEYS: readonly string[] = [
  ...Object.values(RELOADER),
  'reloader.stakater.com/rollout-strategy',
  'reloader.stakater.com/last-reloaded-from',
  'secretproviderclass.reloader.stakater.com/auto',
  'secretproviderclass.reloader.stakater.com/reload',
  'secretproviderclasses.exclude.reloader.stakater.com/reload',
  'deployment.reloader.stakater.com/pause-period',
  'deployment.reloader.stakater.com/paused-at',
];

export const WAVE_ANNOTATION = 'wave.pusher.com/update-on-config-change';
/** Helm's habit: `checksum/config: {{ include … | sha256sum }}` on the pod template. */
export const CHECKSUM_ANNOTATION_PREFIX = 'checksum/';
/** kustomize's configMapGenerator/secretGenerator suffix: a dash and 10 characters of this alphabet. */
export const KUSTOMIZE_HASH_SUFFIX = /-[bcdfghkmt2456789]{10}$/;

/** Kinds that a checksum change of the pod template actually rolls (a bare Pod or Job does not). */
const ROLLING_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout']);
/** wave (wave-k8s/wave) updates Deployments, StatefulSets and DaemonSets only. */
const WAVE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** What protection needs of a workload: Reloader's view of it (metadata and template annotations apart, never merged). */
export type WorkloadAnnotations = ReloaderWorkload;

/**
 * What already restarts (or need not restart) the workload when this config changes
 * (DESIGN.md section 3), or null. References that need nothing on a change are never protected.
 * `reloaders`: the settings of each Reloader that runs (none: empty).
 */
export function protectionFor(reference: Reference, workload: WorkloadAnnotations, config: ConfigNode | undefined, reloaders: readonly ReloaderSettings[]): ProtectedBy | null {
  if (reference.update === 'none') return null;
  const { kind, namespace, name } = parseRef(reference.config);
  if (config?.immutable) return 'immutable';
  if (kind === 'ConfigMap' || kind === 'Secret') {
    const target = { kind: kind as 'ConfigMap' | 'Secret', namespace, name, annotations: config?.annotations ?? {} };
    if (reloaders.some((reloader) => reloaderDecision(workload, target, reloader).reloads)) return 'reloader';
  }
  // wave reads its annotation from the workload's own metadata.
  if (WAVE_KINDS.has(workload.kind) && workload.annotations[WAVE_ANNOTATION] === 'true') return 'wave';
  if (ROLLING_KINDS.has(workload.kind) && Object.keys(workload.templateAnnotations).some((key) => key.startsWith(CHECKSUM_ANNOTATION_PREFIX))) return 'checksum';
  if (KUSTOMIZE_HASH_SUFFIX.test(name)) return 'kustomize-hash';
  return null;
}
