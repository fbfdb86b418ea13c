import { configScope } from '../../model/refs.js';
import type { Problem } from '../../model/problem.js';
import { readCluster, serverVersionProblems, type ClusterRead, type ClusterReadOptions, type ForbiddenList } from './index.js';
import { connectToCluster, type ClusterConnection } from './kubeconfig.js';

/** Which cluster to talk to, as kubectl's flags say it. */
export type ClusterTarget = Readonly<{
  kubeconfig?: string;
  context?: string;
  timeoutMs: number;
  env: Readonly<Record<string, string | undefined>>;
}>;

/** Which namespaces to read: every one (-A), the context's (kubectl's default), or a given list. */
export type NamespaceChoice = 'all' | 'context' | readonly string[];

export type LiveReadOptions = Omit<ClusterReadOptions, 'namespaces'> & Readonly<{
  namespaces: NamespaceChoice;
  /** warn about API servers whose managedFields times miss same-manager edits */
  checkVersion?: boolean;
}>;

export type LiveRead = ClusterRead & Readonly<{
  connection: ClusterConnection;
  /** null: every namespace */
  namespaces: readonly string[] | null;
  /** where ConfigMaps or Secrets could not be listed (see configScope) */
  unreadConfigs: ReadonlySet<string>;
}>;

/** The one way every command connects: the kubeconfig found as kubectl finds it, and the chosen context. */
export function openCluster(target: ClusterTarget): Promise<ClusterConnection> {
  return connectToCluster({ kubeconfig: target.kubeconfig, context: target.context, env: target.env, timeoutMs: target.timeoutMs });
}

export function resolveNamespaces(choice: NamespaceChoice, connection: ClusterConnection): readonly string[] | null {
  if (choice === 'all') return null;
  if (choice === 'context') return [connection.namespace];
  return choice;
}

/** Reads what kstale needs over an open connection; the read options are plain data. */
export async function readLive(connection: ClusterConnection, options: LiveReadOptions): Promise<LiveRead> {
  const namespaces = resolveNamespaces(options.namespaces, connection);
  const [versionProblems, read] = await Promise.all([
    options.checkVersion ? serverVersionProblems(connection.client) : Promise.resolve([] as Problem[]),
    readCluster(connection.client, { ...options, namespaces }),
  ]);
  const unreadConfigs = new Set(read.forbidden.filter((entry) => entry.kind === 'ConfigMap' || entry.kind === 'Secret').map((entry) => configScope(entry.kind, entry.namespace)));
  return { ...read, problems: [...versionProblems, ...read.problems], connection, namespaces, unreadConfigs };
}

/** True when a resource could be listed in none of the namespaces read: an answer that needs it has nothing to stand on. */
export function forbiddenEverywhere(read: Pick<LiveRead, 'forbidden' | 'namespaces'>, kind: string): boolean {
  const denied = read.forbidden.filter((entry: ForbiddenList) => entry.kind === kind).length;
  return denied > 0 && denied === (read.namespaces === null ? 1 : read.namespaces.length);
}
