import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Agent, type RequestOptions } from 'node:https';
import { KstaleError } from '../../model/errors.js';
import { createClusterClient, type ClusterClient } from './http.js';
import { contextNames, readKubeconfigFiles, resolveContext, type KubeconfigData, type ResolvedContext } from './kubeconfig-file.js';

export type KubeconfigOptions = Readonly<{
  kubeconfig?: string;
  context?: string;
  env: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
  timeoutMs: number;
  retryBaseMs?: number;
  maxRetryAfterMs?: number;
}>;

export type ClusterConnection = Readonly<{ client: ClusterClient; context: string; namespace: string }>;

const IN_CLUSTER_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const IN_CLUSTER_TOKEN = `${IN_CLUSTER_DIR}/token`;

type KubeConfig = InstanceType<typeof import('@kubernetes/client-node').KubeConfig>;

/** The kubeconfig files kubectl would read: --kubeconfig, KUBECONFIG (a list), ~/.kube/config. */
export function kubeconfigFiles(options: KubeconfigOptions): { files: string[]; looked: string } {
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) throw new KstaleError('cluster', `--kubeconfig ${options.kubeconfig}: the file does not exist`);
    return { files: [options.kubeconfig], looked: options.kubeconfig };
  }
  const fromEnv = (options.env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (fromEnv.length > 0) return { files: fromEnv.filter((file) => existsSync(file)), looked: `KUBECONFIG (${fromEnv.join(delimiter)}: no such file)` };
  const home = options.homeDir ?? options.env.HOME;
  const homeConfig = home ? join(home, '.kube', 'config') : '~/.kube/config';
  return { files: existsSync(homeConfig) ? [homeConfig] : [], looked: `KUBECONFIG (unset), ${homeConfig}, in-cluster service account` };
}

function inClusterContext(options: KubeconfigOptions): ResolvedContext | undefined {
  const host = options.env.KUBERNETES_SERVICE_HOST;
  if (!host || !existsSync(IN_CLUSTER_TOKEN)) return undefined;
  const namespaceFile = `${IN_CLUSTER_DIR}/namespace`;
  return {
    name: 'in-cluster',
    namespace: existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : 'default',
    server: `https://${host.includes(':') ? `[${host}]` : host}:${options.env.KUBERNETES_SERVICE_PORT ?? '443'}`,
    ca: existsSync(`${IN_CLUSTER_DIR}/ca.crt`) ? readFileSync(`${IN_CLUSTER_DIR}/ca.crt`) : undefined,
    insecure: false,
    token: readFileSync(IN_CLUSTER_TOKEN, 'utf8').trim(),
    needsClientNode: false,
  };
}

function selectContext(config: KubeconfigData, wanted: string | undefined): string {
  const names = contextNames(config);
  if (wanted !== undefined) {
    if (!names.includes(wanted)) throw new KstaleError('cluster', `context "${wanted}" is not in the kubeconfig`, { hint: `known contexts: ${names.join(', ') || '(none)'}` });
    return wanted;
  }
  const current = config.currentContext;
  if (!current || !names.includes(current)) throw new KstaleError('cluster', 'the kubeconfig has no current-context', { hint: `pick one with --context (${names.join(', ') || 'none defined'})` });
  return current;
}

/** Exec plugins and auth providers (cloud logins) go through client-node, which knows them all. */
async function clientNodeCredentials(files: readonly string[], context: string): Promise<{ agent?: Agent; headers: Record<string, string> }> {
  // Imported here only: its load costs ~0.65 s and ~70 MB, which token and certificate users never pay.
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc: KubeConfig = new KubeConfig();
  kc.loadFromFile(files[0]!);
  for (const file of files.slice(1)) {
    const other = new KubeConfig();
    other.loadFromFile(file);
    kc.mergeConfig(other, true);
  }
  kc.setCurrentContext(context);
  const cluster = kc.getCurrentCluster()!;
  // client-node refuses plain-http servers (kubectl proxy) unless TLS checks are off; over http there are none to skip.
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    kc.loadFromOptions({ clusters: kc.clusters.map((candidate) => (candidate.name === cluster.name ? { ...candidate, skipTLSVerify: true } : candidate)), users: kc.users, contexts: kc.contexts, currentContext: context });
  }
  const requestOptions: RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(requestOptions);
  } catch (error) {
    throw new KstaleError('cluster', `cannot get credentials for context "${context}": ${(error as Error).message}`, { hint: 'log in again (expired token or failing exec plugin)', cause: error });
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(requestOptions.headers ?? {})) if (value !== undefined) headers[key] = String(value);
  if (requestOptions.auth) headers.Authorization = `Basic ${Buffer.from(requestOptions.auth).toString('base64')}`;
  return { agent: requestOptions.agent as Agent | undefined, headers };
}

function nativeCredentials(resolved: ResolvedContext): { agent: Agent; headers: Record<string, string> } {
  // Idle keep-alive sockets do not hold the process open; they save a TLS handshake per page.
  const agent = new Agent({ ca: resolved.ca, cert: resolved.cert, key: resolved.key, rejectUnauthorized: !resolved.insecure, servername: resolved.tlsServerName, keepAlive: true });
  const headers: Record<string, string> = {};
  if (resolved.token) headers.Authorization = `Bearer ${resolved.token}`;
  else if (resolved.basic) headers.Authorization = `Basic ${Buffer.from(`${resolved.basic.username}:${resolved.basic.password}`).toString('base64')}`;
  return { agent, headers };
}

/**
 * A ready client for the chosen context. The kubeconfig is found the way kubectl finds it, and
 * kstale says so when there is none (client-node would silently try http://localhost:8080).
 * Tokens, token files, basic auth and client certificates are handled here; exec plugins and
 * auth providers through client-node.
 */
export async function connectToCluster(options: KubeconfigOptions): Promise<ClusterConnection> {
  const { files, looked } = kubeconfigFiles(options);
  let resolved: ResolvedContext;
  if (files.length > 0) {
    const config = readKubeconfigFiles(files);
    resolved = resolveContext(config, selectContext(config, options.context));
  } else {
    const inCluster = inClusterContext(options);
    if (!inCluster) throw new KstaleError('cluster', `no kubeconfig found: looked at ${looked}`, { hint: 'pass --kubeconfig FILE or set KUBECONFIG (audit, who-uses, graph, explain and lint also read manifests or a dump with -f)' });
    resolved = inCluster;
  }
  const { agent, headers } = resolved.needsClientNode ? await clientNodeCredentials(files, resolved.name) : nativeCredentials(resolved);
  const client = createClusterClient({
    server: resolved.server,
    agent,
    headers: { ...headers, 'User-Agent': 'kstale' },
    context: resolved.name,
    timeoutMs: options.timeoutMs,
    retryBaseMs: options.retryBaseMs,
    maxRetryAfterMs: options.maxRetryAfterMs,
  });
  return { client, context: resolved.name, namespace: resolved.namespace };
}
