import { asArray, asString, isRecord, type K8sObject } from '../model/object.js';
import type { ConfigNode, Reference } from '../model/graph.js';
import { makeRef, type Ref } from '../model/refs.js';
import { ALWAYS_PRESENT_CONFIGMAPS } from './missing.js';

/** Secrets that Kubernetes or Helm make for themselves: nobody mounts them, yet they are in use. */
const SELF_USED_SECRET_TYPES: ReadonlySet<string> = new Set(['kubernetes.io/service-account-token', 'helm.sh/release.v1']);

const SERVICE_ACCOUNT_ANNOTATION = 'kubernetes.io/service-account.name';
const HELM_RELEASE_PREFIX = 'sh.helm.release.v1.';

/** Uses of Secrets outside pod specs: Ingress TLS and ServiceAccount secrets / imagePullSecrets. */
function secretsUsedOutsidePods(objects: readonly K8sObject[]): Set<Ref> {
  const used = new Set<Ref>();
  const add = (namespace: string, name: unknown) => {
    const secretName = asString(name);
    if (secretName) used.add(makeRef('Secret', namespace, secretName));
  };
  for (const object of objects) {
    if (object.kind === 'Ingress') {
      const spec = isRecord(object.raw.spec) ? object.raw.spec : {};
      for (const tls of asArray(spec.tls)) if (isRecord(tls)) add(object.namespace, tls.secretName);
    } else if (object.kind === 'ServiceAccount') {
      for (const entry of [...asArray(object.raw.secrets), ...asArray(object.raw.imagePullSecrets)]) {
        if (isRecord(entry)) add(asString(entry.namespace) || object.namespace, entry.name);
      }
    }
  }
  return used;
}

/** Configs that nothing references (DESIGN.md section 5 lists what counts as a use). */
export function findUnused(configs: readonly ConfigNode[], references: readonly Reference[], objects: readonly K8sObject[]): Ref[] {
  const referenced = new Set(references.map((reference) => reference.config));
  const usedElsewhere = secretsUsedOutsidePods(objects);
  return configs
    .filter((config) => !referenced.has(config.ref) && !usedElsewhere.has(config.ref))
    .filter((config) => !(config.kind === 'ConfigMap' && ALWAYS_PRESENT_CONFIGMAPS.has(config.name)))
    .filter((config) => !(config.type && SELF_USED_SECRET_TYPES.has(config.type)))
    // Secrets read as metadata have no type: their annotation and name tell the same.
    .filter((config) => !(config.kind === 'Secret' && (config.annotations[SERVICE_ACCOUNT_ANNOTATION] !== undefined || config.name.startsWith(HELM_RELEASE_PREFIX))))
    .map((config) => config.ref)
    .sort();
}
