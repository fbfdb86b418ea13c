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
    { verb: 'get', group: '', resource: 'secrets', for: '--secret-keys' },
    ...RESTART_ACCESS.map((entry) => ({ ...entry, for: 'restart' })),
  ];
  return Promise.all(
    wanted.map(async (entry) => {
      const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: entry.verb, group: entry.group, resource: entry.resource, ...(namespace ? { namespace } : {}) } } };
      const response = await client.send('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', JSON.stringify(review), 'application/json');
      const allowed = response.status === 201 || response.status === 200 ? Boolean((JSON.parse(response.body) as { status?: { allowed?: boolean } }).status?.allowed) : false;
      return { ...entry, namespace, allowed };
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
    verbs: [list]
  - apiGroups: [apps]
    resources: [deployments, replicasets, statefulsets, daemonsets]
    verbs: [list]
  - apiGroups: [batch]
    resources: [jobs, cronjobs]
    verbs: [list]
  - apiGroups: [networking.k8s.io]
    resources: [ingresses]
    verbs: [list]
  - apiGroups: [argoproj.io]
    resources: [rollouts]
    verbs: [list]
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
