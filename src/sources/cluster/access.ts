import type { ClusterClient } from './http.js';
import { CLUSTER_RESOURCES } from './resources.js';

export type AccessCheck = Readonly<{ verb: string; group: string; resource: string; namespace: string | null; allowed: boolean; for: string }>;

/** What `restart` writes: the same patch `kubectl rollout restart` sends, and get to follow the rollout. */
export const RESTART_ACCESS: readonly { verb: string; group: string; resource: string }[] = [
  { verb: 'patch', group: 'apps', resource: 'deployments' },
  { verb: 'patch', group: 'apps', resource: 'statefulsets' },
  { verb: 'patch', group: 'apps', resource: 'daemonsets' },
  { verb: 'patch', group: 'argoproj.io', resource: 'rollouts' },
];

/**
 * Asks the API server what the current identity may do (SelfSubjectAccessReview): a question,
 * not a change; nothing is stored.
 */
export async function checkAccess(client: ClusterClient, namespace: string | null): Promise<AccessCheck[]> {
  const wanted = [
    ...CLUSTER_RESOURCES.map((resource) => ({ verb: 'list', group: resource.group, resource: resource.plural, for: 'reading' })),
    ...CLUSTER_RESOURCES.map((resource) => ({ verb: 'watch', group: resource.group, resource: resource.plural, for: 'kstale watch' })),
    { verb: 'get', group: '', resource: 'secrets', for: '--secret-keys' },
    { verb: 'list', group: '', resource: 'configmaps', for: 'finding Reloader (all namespaces)', clusterWide: true },
    { verb: 'get', group: 'apps', resource: 'deployments', for: 'finding Reloader', clusterWide: true },
    ...RESTART_ACCESS.map((entry) => ({ ...entry, for: 'restart' })),
  ];
  return Promise.all(
    wanted.map(async (entry) => {
      const where = 'clusterWide' in entry ? null : namespace;
      const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: entry.verb, group: entry.group, resource: entry.resource, ...(where ? { namespace: where } : {}) } } };
      const response = await client.send('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', JSON.stringify(review), 'application/json');
      const allowed = response.status === 201 || response.status === 200 ? Boolean((JSON.parse(response.body) as { status?: { allowed?: boolean } }).status?.allowed) : false;
      return { verb: entry.verb, group: entry.group, resource: entry.resource, for: entry.for, namespace: where, allowed };
    }),
  );
}

/** The least a read-only kstale needs; secrets only as `list` (kstale asks for metadata). */
export const READER_CLUSTER_ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: kstale-reader
rules:
  - apiGroups: [""]
    resources: [pods, configmaps, secrets, serviceaccounts, replicationcontrollers]
    verbs: [list, watch]
  - apiGroups: [apps]
    resources: [deployments, replicasets, statefulsets, daemonsets]
    verbs: [list, watch]
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [get]
  - apiGroups: [batch]
    resources: [jobs, cronjobs]
    verbs: [list, watch]
  - apiGroups: [networking.k8s.io]
    resources: [ingresses]
    verbs: [list, watch]
  - apiGroups: [argoproj.io]
    resources: [rollouts]
    verbs: [list, watch]
`;

export const RESTARTER_CLUSTER_ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: kstale-restarter
rules:
  - apiGroups: [apps]
    resources: [deployments, statefulsets, daemonsets]
    verbs: [get, patch]
  - apiGroups: [argoproj.io]
    resources: [rollouts]
    verbs: [get, patch]
`;
