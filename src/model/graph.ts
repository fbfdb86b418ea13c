import type { Origin } from './object.js';
import type { Ref } from './refs.js';

export type ContainerType = 'container' | 'initContainer' | 'ephemeralContainer';
/** `volumeSecretRef`: a Secret a volume plugin reads at mount time (csi.nodePublishSecretRef, azureFile.secretName, cephfs/rbd/iscsi/flexVolume/scaleIO/storageos secretRef). */
export type Via = 'env' | 'envFrom' | 'volume' | 'projected' | 'imagePullSecret' | 'volumeSecretRef';
/** How a change of the config reaches a running container (DESIGN.md section 1). */
export type Update = 'restart' | 'live' | 'none';
/** How a config's key names were learned; null: unknown. */
export type KeysFrom = 'data' | 'managedFields' | null;
export type ProtectedBy = 'reloader' | 'wave' | 'checksum' | 'kustomize-hash' | 'immutable';

/** One use of one config (and key) by one container of a workload. Field names match the JSON. */
export type Reference = Readonly<{
  workload: Ref;
  container: string | null;
  containerType: ContainerType | null;
  config: Ref;
  via: Via;
  key: string | null;
  optional: boolean;
  envVar: string | null;
  prefix: string | null;
  volume: string | null;
  mountPath: string | null;
  subPath: boolean;
  update: Update;
  protectedBy: ProtectedBy | null;
  origin: Origin | null;
}>;

export type WorkloadNode = Readonly<{
  ref: Ref;
  kind: string;
  namespace: string;
  name: string;
  origin: Origin | null;
}>;

export type ConfigNode = Readonly<{
  ref: Ref;
  kind: 'ConfigMap' | 'Secret';
  namespace: string;
  name: string;
  /** Key names only, never values. */
  keys: readonly string[];
  /**
   * How the key names were learned: from the data maps, from the managedFields of a Secret read
   * as metadata (DESIGN.md section 2), or null when they are unknown (no managedFields).
   */
  keysFrom: KeysFrom;
  immutable: boolean;
  /** Secret `type`, or null for ConfigMaps. */
  type: string | null;
  annotations: Readonly<Record<string, string>>;
  origin: Origin | null;
  /** the object that makes this Secret (a Certificate, SecretProviderClass, SealedSecret, ExternalSecret), or null */
  producedBy: Ref | null;
}>;

export type Missing = Readonly<{
  config: Ref;
  key: string | null;
  optional: boolean;
  referencedBy: readonly Ref[];
}>;

export type SourceInfo = Readonly<{
  type: 'manifests' | 'cluster';
  paths?: readonly string[];
  context?: string;
  now: string;
  /** the value timeline that judged staleness by values, where one was read (DESIGN.md section 2) */
  timeline?: Readonly<{ configMap: string; begins: string; savedAt: string }>;
}>;

/** The reference graph with its derived facts; `-o json` prints exactly these fields. */
export type Graph = Readonly<{
  source: SourceInfo;
  workloads: readonly WorkloadNode[];
  configs: readonly ConfigNode[];
  references: readonly Reference[];
  missing: readonly Missing[];
  unused: readonly Ref[];
}>;

/** Whether a config's key names are known, so that an absent key is really missing. */
export function keysKnown(config: Pick<ConfigNode, 'keysFrom'>): boolean {
  return config.keysFrom !== null;
}
