import { annotationsOf, apiGroupOf, asArray, asString, isRecord, type K8sObject } from '../model/object.js';
import type { ConfigNode } from '../model/graph.js';
import { makeRef } from '../model/refs.js';

function keysOf(...maps: unknown[]): string[] {
  const keys = new Set<string>();
  for (const map of maps) if (isRecord(map)) for (const key of Object.keys(map)) keys.add(key);
  return [...keys].sort();
}

function configNode(object: K8sObject, kind: 'ConfigMap' | 'Secret', name: string, keys: string[], keysKnown: boolean): ConfigNode {
  const raw = object.raw;
  return {
    ref: makeRef(kind, object.namespace, name),
    kind,
    namespace: object.namespace,
    name,
    keys,
    keysKnown,
    immutable: raw.immutable === true,
    type: kind === 'Secret' ? asString(raw.type) ?? 'Opaque' : null,
    annotations: annotationsOf(raw),
    origin: object.origin,
  };
}

/**
 * The ConfigMap or Secret an object declares: the object itself, or the Secret that a
 * SealedSecret or ExternalSecret makes (the workload reads that Secret).
 */
export function configFromObject(object: K8sObject): ConfigNode | undefined {
  const { raw, kind } = object;
  const group = apiGroupOf(object.apiVersion);
  if (group === '' && kind === 'ConfigMap') return configNode(object, 'ConfigMap', object.name, keysOf(raw.data, raw.binaryData), true);
  if (group === '' && kind === 'Secret') {
    // Metadata-only reads (PartialObjectMetadata) carry no data map at all: keys unknown.
    return configNode(object, 'Secret', object.name, keysOf(raw.data, raw.stringData), !isMetadataOnly(raw));
  }
  const spec = isRecord(raw.spec) ? raw.spec : {};
  if (kind === 'SealedSecret' && group === 'bitnami.com') {
    const template = isRecord(spec.template) ? spec.template : {};
    return configNode(object, 'Secret', object.name, keysOf(spec.encryptedData, template.data), true);
  }
  if (kind === 'ExternalSecret' && group === 'external-secrets.io') {
    const target = isRecord(spec.target) ? spec.target : {};
    const template = isRecord(target.template) ? target.template : {};
    const keys = asArray(spec.data).map((item) => (isRecord(item) ? asString(item.secretKey) : undefined)).filter((key): key is string => Boolean(key));
    // dataFrom pulls keys decided by the secret store: unknown here.
    const keysKnown = asArray(spec.dataFrom).length === 0 && !isRecord(template.data);
    return configNode(object, 'Secret', asString(target.name) || object.name, [...new Set([...keys, ...keysOf(template.data)])].sort(), keysKnown);
  }
  return undefined;
}

/** A Secret read as PartialObjectMetadata has kind PartialObjectMetadata in its own list; sources mark it. */
export const METADATA_ONLY_MARK = 'kstale.io/metadata-only';

function isMetadataOnly(raw: Record<string, unknown>): boolean {
  return raw[METADATA_ONLY_MARK] === true;
}
