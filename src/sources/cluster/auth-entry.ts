/** What `kstale auth` loads, in one lazy import. */
export { connectToCluster } from './kubeconfig.js';
export { checkAccess, READER_CLUSTER_ROLE, RESTARTER_CLUSTER_ROLE } from './access.js';
