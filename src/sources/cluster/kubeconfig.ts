import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { RequestOptions } from 'node:https';
import { KstaleError } from '../../model/errors.js';
import { createClusterClient, type ClusterClient } from './http.js';

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

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

type KubeConfig = InstanceType<typeof import('@kubernetes/client-node').KubeConfig>;

/**
 * Loads the kubeconfig the way kubectl finds it: --kubeconfig, KUBECONFIG (a list), ~/.kube/config,
 * then the in-cluster service account. client-node would fall back to http://localhost:8080
 * when nothing is found; kstale says so instead.
 */
async function loadKubeConfig(options: KubeconfigOptions): Promise<KubeConfig> {
  // Imported here: its load costs ~0.25 s, which --help, lint and -f runs must not pay.
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const fromEnv = (options.env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  const home = options.homeDir ?? options.env.HOME;
  const homeConfig = home ? join(home, '.kube', 'config') : undefined;
  const files = options.kubeconfig ? [options.kubeconfig] : fromEnv.length > 0 ? fromEnv.filter((file) => existsSync(file)) : homeConfig && existsSync(homeConfig) ? [homeConfig] : [];
  try {
    if (options.kubeconfig && !existsSync(options.kubeconfig)) throw new KstaleError('cluster', `--kubeconfig ${options.kubeconfig}: the file does not exist`);
    if (files.length > 0) {
      kc.loadFromFile(files[0]!);
      for (const file of files.slice(1)) {
        const other = new KubeConfig();
        other.loadFromFile(file);
        kc.mergeConfig(other, true);
      }
      return kc;
    }
  } catch (error) {
    if (error instanceof KstaleError) throw error;
    throw new KstaleError('cluster', `cannot read kubeconfig ${files.join(delimiter)}: ${(error as Error).message}`, { cause: error });
  }
  if (existsSync(IN_CLUSTER_TOKEN) && options.env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
    return kc;
  }
  const looked = fromEnv.length > 0 ? `KUBECONFIG (${fromEnv.join(delimiter)}: no such file)` : `KUBECONFIG (unset), ${homeConfig ?? '~/.kube/config'}, in-cluster service account`;
  throw new KstaleError('cluster', `no kubeconfig found: looked at ${looked}`, { hint: 'pass --kubeconfig FILE, or read manifests or a dump with -f' });
}

function selectContext(kc: KubeConfig, wanted: string | undefined): string {
  const names = kc.getContexts().map((context) => context.name);
  if (wanted !== undefined) {
    if (!names.includes(wanted)) throw new KstaleError('cluster', `context "${wanted}" is not in the kubeconfig`, { hint: `known contexts: ${names.join(', ') || '(none)'}` });
    kc.setCurrentContext(wanted);
    return wanted;
  }
  const current = kc.getCurrentContext();
  if (!current || !names.includes(current)) throw new KstaleError('cluster', 'the kubeconfig has no current-context', { hint: `pick one with --context (${names.join(', ') || 'none defined'})` });
  return current;
}

/** A ready client for the chosen context, with TLS and credentials (tokens, client certificates, exec plugins) from client-node. */
export async function connectToCluster(options: KubeconfigOptions): Promise<ClusterConnection> {
  const kc = await loadKubeConfig(options);
  const context = selectContext(kc, options.context);
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new KstaleError('cluster', `context "${context}" names no cluster with a server`, { hint: 'check the kubeconfig' });
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
  headers['User-Agent'] = 'kstale';
  const namespace = kc.getContextObject(context)?.namespace || 'default';
  const client = createClusterClient({
    server: cluster.server,
    agent: requestOptions.agent as never,
    headers,
    context,
    timeoutMs: options.timeoutMs,
    retryBaseMs: options.retryBaseMs,
    maxRetryAfterMs: options.maxRetryAfterMs,
  });
  return { client, context, namespace };
}
