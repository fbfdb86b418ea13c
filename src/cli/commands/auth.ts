import { Command } from 'commander';
import { descriptionOf } from './catalog.js';
import type { CliIo } from '../io.js';
import { renderTable } from '../../report/options.js';
import { clusterTargetOf, renderOptionsFor } from '../options.js';

type AuthOptions = { namespace?: string; allNamespaces?: boolean; context?: string; kubeconfig?: string; requestTimeout: string; color: boolean };

export function authCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('auth')
    .description(descriptionOf('auth'))
    .option('-n, --namespace <ns>', 'check in this namespace (default: the context namespace)')
    .option('-A, --all-namespaces', 'check at the cluster scope')
    .option('--context <name>', 'kubeconfig context')
    .option('--kubeconfig <path>', 'kubeconfig file')
    .option('--request-timeout <duration>', 'give up on an API request after this long', '30s')
    .option('--no-color', 'never colour the output')
    .action(async (options: AuthOptions) => {
      const { openCluster, checkAccess, READER_CLUSTER_ROLE, RESTARTER_CLUSTER_ROLE } = await import('../../sources/cluster/auth-entry.js');
      const connection = await openCluster(clusterTargetOf(options, io));
      const namespace = options.allNamespaces ? null : options.namespace ?? connection.namespace;
      const checks = await checkAccess(connection.client, namespace);
      const rows = checks.map((check) => [check.verb, check.group ? `${check.resource}.${check.group}` : check.resource, check.namespace ?? '(all)', check.allowed ? 'yes' : 'no', check.for]);
      io.stdout(`Context "${connection.context}":\n${renderTable(['VERB', 'RESOURCE', 'NAMESPACE', 'ALLOWED', 'NEEDED FOR'], rows, await renderOptionsFor(options, io))}\n`);
      io.stdout(`\nMinimal read-only ClusterRole (bind it with a ClusterRoleBinding, or a RoleBinding per namespace):\n---\n${READER_CLUSTER_ROLE}\nFor kstale restart, also:\n---\n${RESTARTER_CLUSTER_ROLE}`);
      const readsDenied = checks.filter((check) => check.for === 'reading' && !check.allowed).length;
      setExitCode(readsDenied > 0 ? 1 : 0);
    });
}
