/** A ref string names one object: `Kind/namespace/name`, e.g. `ConfigMap/shop/app-config`. */
export type Ref = string;

export type ConfigKind = 'ConfigMap' | 'Secret';

export function makeRef(kind: string, namespace: string, name: string): Ref {
  return `${kind}/${namespace}/${name}`;
}

export function parseRef(ref: Ref): { kind: string; namespace: string; name: string } {
  const first = ref.indexOf('/');
  const second = ref.indexOf('/', first + 1);
  return { kind: ref.slice(0, first), namespace: ref.slice(first + 1, second), name: ref.slice(second + 1) };
}

/**
 * Where a source could not list one kind of config: `Secret/shop`, or `Secret/*` for every
 * namespace. A config absent from such a scope is unknown, not missing.
 */
export function configScope(kind: string, namespace: string | null): string {
  return `${kind}/${namespace ?? '*'}`;
}
