import { annotationsOf, apiGroupOf, asArray, asString, isRecord, metadataOf, type K8sObject, type RawObject } from '../model/object.js';
import type { ConfigNode, KeysFrom } from '../model/graph.js';
import { makeRef } from '../model/refs.js';

function keysOf(...maps: unknown[]): string[] {
  const records = maps.filter(isRecord);
  // Almost every config has one map (data): its keys are distinct already, no set is needed.
  if (records.length <= 1) return records.length === 0 ? [] : Object.keys(records[0]!).sort();
  const keys = new Set<string>();
  for (const map of records) for (const key of Object.keys(map)) keys.add(key);
  return [...keys].sort();
}

function configNode(object: K8sObject, kind: 'ConfigMap' | 'Secret', name: string, keys: string[], keysFrom: KeysFrom, produced = false): ConfigNode {
  const raw = object.raw;
  return {
    ref: makeRef(kind, object.namespace, name),
    kind,
    namespace: object.namespace,
    name,
    keys,
    keysFrom,
    immutable: raw.immutable === true,
    type: kind === 'Secret' ? asString(raw.type) ?? 'Opaque' : null,
    annotations: annotationsOf(raw),
    origin: object.origin,
    producedBy: produced ? makeRef(object.kind, object.namespace, object.name) : null,
  };
}

/**
 * The ConfigMap or Secret an object declares: the object itself, or the Secret that a
 * SealedSecret or ExternalSecret makes (the workload reads that Secret).
 */
export function configFromObject(object: K8sObject): ConfigNode | undefined {
  const { raw, kind } = object;
  const group = apiGroupOf(object.apiVersion);
  if (group === '' && kind === 'ConfigMap') return configNode(object, 'ConfigMap', object.name, keysOf(raw.data, raw.binaryData), 'data');
  if (group === '' && kind === 'Secret') {
    if (!isMetadataOnly(raw)) return configNode(object, 'Secret', object.name, keysOf(raw.data, raw.stringData), 'data');
    // Metadata-only reads (PartialObjectMetadata) carry no data map: the keys are those some manager owns.
    const owned = keysOwnedInManagedFields(raw);
    return owned ? configNode(object, 'Secret', object.name, owned, 'managedFields') : configNode(object, 'Secret', object.name, [], null);
  }
  const spec = isRecord(raw.spec) ? raw.spec : {};
  if (kind === 'SealedSecret' && group === 'bitnami.com') {
    const template = isRecord(spec.template) ? spec.template : {};
    return configNode(object, 'Secret', object.name, keysOf(spec.encryptedData, template.data), 'data', true);
  }
  if (kind === 'ExternalSecret' && group === 'external-secrets.io') {
    const target = isRecord(spec.target) ? spec.target : {};
    const template = isRecord(target.template) ? target.template : {};
    const keys = asArray(spec.data).map((item) => (isRecord(item) ? asString(item.secretKey) : undefined)).filter((key): key is string => Boolean(key));
    // dataFrom pulls keys decided by the secret store: unknown here.
    const keysKnown = asArray(spec.dataFrom).length === 0 && !isRecord(template.data);
    return configNode(object, 'Secret', asString(target.name) || object.name, [...new Set([...keys, ...keysOf(template.data)])].sort(), keysKnown ? 'data' : null, true);
  }
  if (kind === 'Certificate' && group === 'cert-manager.io') {
    const name = asString(spec.secretName);
    return name ? configNode(object, 'Secret', name, certificateKeys(spec), 'data', true) : undefined;
  }
  return undefined;
}

/** What cert-manager writes into a Certificate's Secret: the pair, the CA, and any additional output formats. */
function certificateKeys(spec: Record<string, unknown>): string[] {
  const extra = asArray(spec.additionalOutputFormats).map((format) => (isRecord(format) ? asString(format.type) : undefined));
  return ['ca.crt', 'tls.crt', 'tls.key', ...(extra.includes('DER') ? ['key.der'] : []), ...(extra.includes('CombinedPEM') ? ['tls-combined.pem'] : [])].sort();
}

/**
 * Every ConfigMap or Secret an object declares: the one of configFromObject, or each Secret a
 * SecretProviderClass syncs (`spec.secretObjects[]`, keys from `data[].key`).
 */
export function configsFromObject(object: K8sObject): ConfigNode[] {
  if (object.kind === 'SecretProviderClass' && apiGroupOf(object.apiVersion) === 'secrets-store.csi.x-k8s.io') {
    const spec = isRecord(object.raw.spec) ? object.raw.spec : {};
    return asArray(spec.secretObjects).flatMap((secretObject) => {
      const name = isRecord(secretObject) ? asString(secretObject.secretName) : undefined;
      if (!name) return [];
      const keys = asArray((secretObject as Record<string, unknown>).data).map((item) => (isRecord(item) ? asString(item.key) : undefined)).filter((key): key is string => Boolean(key));
      return [configNode(object, 'Secret', name, [...new Set(keys)].sort(), 'data', true)];
    });
  }
  const config = configFromObject(object);
  return config ? [config] : [];
}

/** A Secret read as PartialObjectMetadata has kind PartialObjectMetadata in its own list; sources mark it. */
export const METADATA_ONLY_MARK = 'kstale.io/metadata-only';

function isMetadataOnly(raw: Record<string, unknown>): boolean {
  return raw[METADATA_ONLY_MARK] === true;
}

/** Where a Secret's values live in fieldsV1: server-side apply of `stringData` is recorded under f:stringData. */
const SECRET_DATA_FIELDS = ['f:data', 'f:stringData'] as const;

/**
 * The key names of a Secret from its managedFields (DESIGN.md section 2): exactly the keys some
 * entry owns under f:data or f:stringData. Undefined when there are no managedFields at all (the
 * keys are then unknown). Ownership is not pruned when another manager removes a key, so a
 * removed key can still look present: a false "present", never a false "missing".
 */
export function keysOwnedInManagedFields(raw: RawObject): string[] | undefined {
  const entries = asArray(metadataOf(raw).managedFields);
  if (entries.length === 0) return undefined;
  const keys = new Set<string>();
  for (const entry of entries) {
    if (!isRecord(entry) || !isRecord(entry.fieldsV1)) continue;
    for (const field of SECRET_DATA_FIELDS) {
      const map = entry.fieldsV1[field];
      if (isRecord(map)) for (const owned of Object.keys(map)) if (owned.startsWith('f:')) keys.add(owned.slice(2));
    }
  }
  return [...keys].sort();
}
