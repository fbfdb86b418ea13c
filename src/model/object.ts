/** Where an object or field was declared; null for objects read from a cluster. */
export type Origin = Readonly<{ file: string; line: number; column?: number }>;

export type Position = Readonly<{ line: number; column: number }>;

/** A Kubernetes object as decoded JSON: kstale reads it, never mutates it. */
export type RawObject = Readonly<Record<string, unknown>>;

/**
 * One Kubernetes object from a source, with its identity resolved once.
 * `positionOf` maps a nested node of `raw` (a mapping or sequence) to its 1-based line and
 * column, where the source knows it (YAML files); it lets extractors point at the exact field.
 */
export type K8sObject = Readonly<{
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  raw: RawObject;
  origin: Origin | null;
  positionOf?: (node: object) => Position | undefined;
  /**
   * For ConfigMaps and Secrets when a command compares versions (impact): key → digest of the
   * decoded value. Kept in memory to tell changed keys apart; never rendered or stored.
   */
  valueDigests?: ReadonlyMap<string, string>;
}>;

export type ObjectMeta = Readonly<{
  name?: string;
  namespace?: string;
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
  ownerReferences?: ReadonlyArray<Readonly<{ apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean }>>;
  uid?: string;
  creationTimestamp?: string;
  managedFields?: ReadonlyArray<unknown>;
}>;

export function metadataOf(raw: RawObject): ObjectMeta {
  const meta = raw.metadata;
  return isRecord(meta) ? (meta as ObjectMeta) : {};
}

export function annotationsOf(raw: RawObject): Readonly<Record<string, string>> {
  const annotations = metadataOf(raw).annotations;
  return isRecord(annotations) ? annotations : {};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The group part of an apiVersion: "apps/v1" → "apps", "v1" → "" (the core group). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
