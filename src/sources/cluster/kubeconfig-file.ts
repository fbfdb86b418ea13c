import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import yaml from 'js-yaml';
import { KstaleError } from '../../model/errors.js';
import { isRecord } from '../../model/object.js';

type Entry = Record<string, unknown>;

export type KubeconfigData = Readonly<{
  currentContext: string | undefined;
  contexts: ReadonlyMap<string, Entry>;
  clusters: ReadonlyMap<string, Entry>;
  users: ReadonlyMap<string, Entry>;
}>;

/** What kstale needs of a context to make requests itself. */
export type ResolvedContext = Readonly<{
  name: string;
  namespace: string;
  server: string;
  ca?: Buffer;
  insecure: boolean;
  tlsServerName?: string;
  token?: string;
  basic?: { username: string; password: string };
  cert?: Buffer;
  key?: Buffer;
  /** exec plugins and auth providers are left to client-node */
  needsClientNode: boolean;
}>;

const PATH_FIELDS = ['certificate-authority', 'client-certificate', 'client-key', 'tokenFile'];

/** Relative paths in a kubeconfig are relative to that file, as kubectl reads them. */
function absolutize(entry: Entry, base: string): Entry {
  const copy: Entry = { ...entry };
  for (const field of PATH_FIELDS) if (typeof copy[field] === 'string' && !isAbsolute(copy[field] as string)) copy[field] = join(base, copy[field] as string);
  return copy;
}

/** Merges kubeconfig files the way kubectl does for a KUBECONFIG list: the first definition of a name wins. */
export function readKubeconfigFiles(files: readonly string[]): KubeconfigData {
  const contexts = new Map<string, Entry>();
  const clusters = new Map<string, Entry>();
  const users = new Map<string, Entry>();
  let currentContext: string | undefined;
  for (const file of files) {
    let document: unknown;
    try {
      document = yaml.load(readFileSync(file, 'utf8'));
    } catch (error) {
      const mark = (error as { mark?: { line?: number } }).mark;
      const reason = (error as { reason?: string }).reason ?? (error as Error).message;
      throw new KstaleError('cluster', `cannot read kubeconfig ${file}${mark?.line !== undefined ? `:${mark.line + 1}` : ''}: ${reason}`, { cause: error });
    }
    if (!isRecord(document)) continue;
    const base = dirname(file);
    const collect = (list: unknown, field: string, into: Map<string, Entry>) => {
      for (const item of Array.isArray(list) ? list : []) {
        if (isRecord(item) && typeof item.name === 'string' && !into.has(item.name)) into.set(item.name, absolutize(isRecord(item[field]) ? item[field] : {}, base));
      }
    };
    collect(document.contexts, 'context', contexts);
    collect(document.clusters, 'cluster', clusters);
    collect(document.users, 'user', users);
    if (!currentContext && typeof document['current-context'] === 'string' && document['current-context']) currentContext = document['current-context'];
  }
  return { currentContext, contexts, clusters, users };
}

const readBytes = (data: unknown, file: unknown): Buffer | undefined =>
  typeof data === 'string' && data ? Buffer.from(data, 'base64') : typeof file === 'string' && file ? readFileSync(file) : undefined;

export function contextNames(config: KubeconfigData): string[] {
  return [...config.contexts.keys()];
}

/** The cluster and credentials of one context; files named in it are read now. */
export function resolveContext(config: KubeconfigData, name: string): ResolvedContext {
  const context = config.contexts.get(name)!;
  const cluster = config.clusters.get(String(context.cluster ?? ''));
  if (!cluster || typeof cluster.server !== 'string') throw new KstaleError('cluster', `context "${name}" names no cluster with a server`, { hint: 'check the kubeconfig' });
  const user = config.users.get(String(context.user ?? '')) ?? {};
  try {
    const token = typeof user.token === 'string' && user.token ? user.token : typeof user.tokenFile === 'string' ? readFileSync(user.tokenFile, 'utf8').trim() : undefined;
    return {
      name,
      namespace: typeof context.namespace === 'string' && context.namespace ? context.namespace : 'default',
      server: cluster.server,
      ca: readBytes(cluster['certificate-authority-data'], cluster['certificate-authority']),
      insecure: cluster['insecure-skip-tls-verify'] === true,
      tlsServerName: typeof cluster['tls-server-name'] === 'string' ? cluster['tls-server-name'] : undefined,
      token,
      basic: typeof user.username === 'string' && typeof user.password === 'string' ? { username: user.username, password: user.password } : undefined,
      cert: readBytes(user['client-certificate-data'], user['client-certificate']),
      key: readBytes(user['client-key-data'], user['client-key']),
      needsClientNode: isRecord(user.exec) || isRecord(user['auth-provider']),
    };
  } catch (error) {
    throw new KstaleError('cluster', `cannot read the credentials of context "${name}": ${(error as Error).message}`, { cause: error });
  }
}
