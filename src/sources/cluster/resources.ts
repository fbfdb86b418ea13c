/** What kstale lists from a cluster; each row is one list endpoint (DESIGN.md section 4). */
export type ClusterResource = Readonly<{
  kind: string;
  plural: string;
  /** '' for the core group */
  group: string;
  versions: readonly string[];
  /** workloads and pods take -l; configs are always read whole so lookups work */
  selectable: boolean;
  /** an API group that may not be served (a CRD): 404 is skipped quietly */
  optional: boolean;
  /** what answers lack without this list, for the warning on 403 */
  withoutIt: string;
  /**
   * Listed as metadata (PartialObjectMetadataList): only ownerReferences are needed, since its
   * controller carries the template. One without a controller is fetched whole.
   */
  ownersOnly?: boolean;
}>;

export const CLUSTER_RESOURCES: readonly ClusterResource[] = [
  { kind: 'Pod', plural: 'pods', group: '', versions: ['v1'], selectable: true, optional: false, withoutIt: 'no pod is audited for staleness' },
  { kind: 'Deployment', plural: 'deployments', group: 'apps', versions: ['v1'], selectable: true, optional: false, withoutIt: 'Deployments are not shown and their pods are grouped by ReplicaSet' },
  { kind: 'ReplicaSet', plural: 'replicasets', group: 'apps', versions: ['v1'], selectable: true, optional: false, withoutIt: 'pods of Deployments are grouped by ReplicaSet name only', ownersOnly: true },
  { kind: 'StatefulSet', plural: 'statefulsets', group: 'apps', versions: ['v1'], selectable: true, optional: false, withoutIt: 'StatefulSets are not shown' },
  { kind: 'DaemonSet', plural: 'daemonsets', group: 'apps', versions: ['v1'], selectable: true, optional: false, withoutIt: 'DaemonSets are not shown' },
  { kind: 'Job', plural: 'jobs', group: 'batch', versions: ['v1'], selectable: true, optional: false, withoutIt: 'Jobs are not shown' },
  { kind: 'CronJob', plural: 'cronjobs', group: 'batch', versions: ['v1', 'v1beta1'], selectable: true, optional: false, withoutIt: 'CronJobs are not shown' },
  { kind: 'ReplicationController', plural: 'replicationcontrollers', group: '', versions: ['v1'], selectable: true, optional: false, withoutIt: 'ReplicationControllers are not shown' },
  { kind: 'Rollout', plural: 'rollouts', group: 'argoproj.io', versions: ['v1alpha1'], selectable: true, optional: true, withoutIt: 'Argo Rollouts are not shown' },
  { kind: 'ConfigMap', plural: 'configmaps', group: '', versions: ['v1'], selectable: false, optional: false, withoutIt: 'ConfigMap references are shown but not checked for existence or change times' },
  { kind: 'Secret', plural: 'secrets', group: '', versions: ['v1'], selectable: false, optional: false, withoutIt: 'Secret references are shown but not checked for existence or change times' },
  { kind: 'ServiceAccount', plural: 'serviceaccounts', group: '', versions: ['v1'], selectable: false, optional: false, withoutIt: "imagePullSecrets of ServiceAccounts are not counted" },
  { kind: 'Ingress', plural: 'ingresses', group: 'networking.k8s.io', versions: ['v1'], selectable: false, optional: true, withoutIt: 'TLS Secrets of Ingresses may be reported unused' },
];

export function apiVersionOf(resource: Pick<ClusterResource, 'group'>, version: string): string {
  return resource.group === '' ? version : `${resource.group}/${version}`;
}

/** `/api/v1/namespaces/shop/pods`, `/apis/apps/v1/deployments` (every namespace when namespace is null). */
export function listPath(resource: Pick<ClusterResource, 'group' | 'plural'>, version: string, namespace: string | null): string {
  const base = resource.group === '' ? `/api/${version}` : `/apis/${resource.group}/${version}`;
  return namespace === null ? `${base}/${resource.plural}` : `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`;
}

/** `/apis/apps/v1/namespaces/shop/replicasets/web-5d9f` */
export function objectPath(resource: Pick<ClusterResource, 'group' | 'plural'>, version: string, namespace: string, name: string): string {
  return `${listPath(resource, version, namespace)}/${encodeURIComponent(name)}`;
}

/** Secrets are read as metadata: no value ever leaves the API server (DESIGN.md section 5). */
export const METADATA_ONLY_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/** The warning for a list the identity may not make: what could not be read, and what answers lack without it. */
export function forbiddenListMessage(resource: ClusterResource, namespace: string | null): string {
  const where = namespace === null ? 'in any namespace' : `in namespace ${namespace}`;
  return `cannot list ${resource.plural}${resource.group ? `.${resource.group}` : ''} ${where}: ${resource.withoutIt}`;
}
