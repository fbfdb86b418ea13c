import type { Reference } from '../model/graph.js';
import { parseRef, type Ref } from '../model/refs.js';

/** `1 error`, `2 errors`: counts in summaries read as English. */
export { count } from '../model/text.js';

/** `Deployment/shop/web` → `deployment/web`, kubectl's way of naming an object in a namespace. */
export function kubectlName(ref: Ref): string {
  const { kind, name } = parseRef(ref);
  return `${kind.toLowerCase()}/${name}`;
}

export function namespaceOf(ref: Ref): string {
  return parseRef(ref).namespace;
}

/** How the container reads the config, in the words of the pod spec. */
export function describeHow(reference: Reference): string {
  switch (reference.via) {
    case 'env':
      return `env ${reference.envVar ?? '?'}`;
    case 'envFrom':
      return reference.prefix ? `envFrom (prefix ${reference.prefix})` : 'envFrom';
    case 'imagePullSecret':
      return 'imagePullSecrets';
    case 'volumeSecretRef':
      return `volume ${reference.volume} plugin secret (read at mount)`;
    default: {
      const kind = reference.via === 'projected' ? 'projected volume' : 'volume';
      if (reference.mountPath === null) return `${kind} ${reference.volume} (not mounted)`;
      return `${kind} ${reference.volume} at ${reference.mountPath}${reference.subPath ? ' (subPath)' : ''}`;
    }
  }
}

export function describeContainer(reference: Reference): string {
  if (reference.container === null) return '-';
  const suffix = reference.containerType === 'initContainer' ? ' (init)' : reference.containerType === 'ephemeralContainer' ? ' (ephemeral)' : '';
  return `${reference.container}${suffix}`;
}

export function describeKey(reference: Reference): string {
  return reference.key ?? (reference.via === 'imagePullSecret' || reference.via === 'volumeSecretRef' ? '-' : '(all keys)');
}
