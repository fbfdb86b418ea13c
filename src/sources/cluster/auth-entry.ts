/** What `kstale auth` loads, in one lazy import. */
export { openCluster } from './connect.js';
export { checkAccess, READER_CLUSTER_ROLE, RESTARTER_CLUSTER_ROLE } from './access.js';
