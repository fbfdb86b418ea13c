import { setMaxListeners } from 'node:events';
import type { K8sObject } from '../../model/object.js';
import { isRecord } from '../../model/object.js';
import type { Problem } from '../../model/problem.js';
import type { ClusterClient } from './http.js';
import { keptObject, listResource, readsMetadataOnly, servedGroups, versionsToList, type ClusterReadOptions } from './index.js';
import { CLUSTER_RESOURCES, listPath, METADATA_ONLY_ACCEPT, type ClusterResource } from './resources.js';

/** What a watch reports, for metrics and for the operator. */
export type WatchRestartReason = 'expired' | 'closed' | 'disconnected' | 'error';

export type WatchHandlers = Readonly<{
  /** a (re)list of one resource in one namespace (null: all): its objects replace what was known */
  reset: (resource: ClusterResource, namespace: string | null, objects: readonly K8sObject[]) => void;
  /** one change, in the order the server sent them */
  change: (type: 'ADDED' | 'MODIFIED' | 'DELETED', resource: ClusterResource, object: K8sObject) => void;
  problem: (problem: Problem) => void;
  restart: (resource: ClusterResource, reason: WatchRestartReason) => void;
  /** the list could not be made (forbidden): this resource stays unwatched */
  forbidden: (resource: ClusterResource, namespace: string | null) => void;
  /** the first list is done and the watch is about to start */
  listed: (resource: ClusterResource, namespace: string | null) => void;
  connected: (resource: ClusterResource, namespace: string | null, connected: boolean) => void;
}>;

export type WatchOptions = Omit<ClusterReadOptions, 'namespaces' | 'concurrency'> & Readonly<{
  namespaces: readonly string[] | null;
  signal: AbortSignal;
  /** how long the server keeps one watch open before kstale opens the next (seconds) */
  watchSeconds?: number;
  /** first reconnect delay; doubles up to maxBackoffMs, with jitter */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** random in [0, 1): injected so tests are deterministic */
  random?: () => number;
}>;

/** A watch event's object shape: `{type, object}` per line (BOOKMARK and ERROR included). */
type WatchLine = { type?: string; object?: Record<string, unknown> };

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal.addEventListener('abort', wake, { once: true });
  });

function resourceVersionOf(object: Record<string, unknown> | undefined): string | undefined {
  const metadata = object && isRecord(object.metadata) ? object.metadata : undefined;
  return typeof metadata?.resourceVersion === 'string' ? metadata.resourceVersion : undefined;
}

/**
 * List, then watch from the list's resourceVersion (with bookmarks), for one resource in one
 * namespace, until the signal aborts: a 410 Gone (or an ERROR event saying so) relists, a closed
 * stream reopens from the last resourceVersion, a broken connection reconnects after a jittered,
 * growing delay. The semantics of client-go's reflector, on kstale's own HTTP.
 */
export async function watchResource(client: ClusterClient, resource: ClusterResource, versions: readonly string[], namespace: string | null, options: WatchOptions, handlers: WatchHandlers): Promise<void> {
  const random = options.random ?? Math.random;
  const baseBackoff = options.backoffMs ?? 500;
  let backoff = baseBackoff;
  let version: string | undefined;
  let resourceVersion: string | undefined;
  let listedOnce = false;
  while (!options.signal.aborted) {
    if (resourceVersion === undefined) {
      let listed: Awaited<ReturnType<typeof listResource>>;
      try {
        listed = await listResource(client, resource, version ? [version] : versions, namespace, options);
      } catch (error) {
        handlers.problem({ code: 'incomplete', severity: 'warning', message: `listing ${resource.plural} failed, retrying: ${(error as Error).message}` });
        handlers.restart(resource, 'disconnected');
        await sleep(backoff * (1 + random()), options.signal);
        backoff = Math.min(backoff * 2, options.maxBackoffMs ?? 30_000);
        continue;
      }
      if (listed.kind === 'not-served') return; // a 404 on every version
      if (listed.kind === 'forbidden') {
        handlers.problem(listed.problem);
        handlers.forbidden(resource, namespace);
        return;
      }
      version = listed.version;
      handlers.reset(resource, namespace, listed.objects);
      resourceVersion = listed.resourceVersion;
      if (!listedOnce) handlers.listed(resource, namespace);
      listedOnce = true;
    }
    const query = new URLSearchParams({ watch: '1', resourceVersion: resourceVersion!, allowWatchBookmarks: 'true', timeoutSeconds: String(options.watchSeconds ?? 300) });
    if (resource.selectable && options.selector) query.set('labelSelector', options.selector);
    // Changes are applied one at a time, in order, even when one needs a GET (a bare ReplicaSet).
    let queue = Promise.resolve();
    let expired = false;
    const onLine = (line: string) => {
      let event: WatchLine;
      try {
        event = JSON.parse(line) as WatchLine;
      } catch {
        return; // a torn line of a cut stream: the reconnect resumes from the last good resourceVersion
      }
      if (event.type === 'ERROR') {
        const code = event.object?.code;
        if (code === 410) expired = true;
        return;
      }
      const eventVersion = resourceVersionOf(event.object);
      if (event.type === 'BOOKMARK') {
        if (eventVersion) resourceVersion = eventVersion;
        return;
      }
      if ((event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') && event.object) {
        const type = event.type;
        const item = event.object;
        if (eventVersion) resourceVersion = eventVersion;
        backoff = baseBackoff;
        queue = queue.then(async () => handlers.change(type, resource, await keptObject(client, resource, version!, item, options)));
      }
    };
    handlers.connected(resource, namespace, true);
    try {
      const end = await client.stream(`${listPath(resource, version!, namespace)}?${query}`, readsMetadataOnly(resource, options).list ? METADATA_ONLY_ACCEPT.replace('PartialObjectMetadataList', 'PartialObjectMetadata') : undefined, onLine, { signal: options.signal, idleMs: ((options.watchSeconds ?? 300) + 30) * 1000 });
      await queue;
      handlers.connected(resource, namespace, false);
      if (options.signal.aborted) return;
      if (expired || end.status === 410) {
        resourceVersion = undefined;
        handlers.restart(resource, 'expired');
        continue;
      }
      if (end.status !== 200 && end.status !== 0) {
        handlers.restart(resource, 'error');
        await sleep(backoff * (1 + random()), options.signal);
        backoff = Math.min(backoff * 2, options.maxBackoffMs ?? 30_000);
        continue;
      }
      handlers.restart(resource, 'closed');
    } catch {
      await queue;
      handlers.connected(resource, namespace, false);
      if (options.signal.aborted) return;
      handlers.restart(resource, 'disconnected');
      await sleep(backoff * (1 + random()), options.signal);
      backoff = Math.min(backoff * 2, options.maxBackoffMs ?? 30_000);
    }
  }
}

/** Watches each resource (from watchedResources) in its namespace; resolves when the signal aborts. */
export async function watchCluster(client: ClusterClient, watched: readonly WatchedResource[], options: WatchOptions, handlers: WatchHandlers): Promise<void> {
  // One abort listener per open watch (13 resources × namespaces) is expected, not a leak.
  setMaxListeners(0, options.signal);
  await Promise.all(watched.map(({ resource, versions, namespace }) => watchResource(client, resource, versions, namespace, options, handlers)));
}

export type WatchedResource = Readonly<{ resource: ClusterResource; versions: readonly string[]; namespace: string | null }>;

/** What kstale watches: every resource it reads that the server serves (one discovery request), in each namespace. */
export async function watchedResources(client: ClusterClient, namespaces: readonly string[] | null): Promise<WatchedResource[]> {
  const served = await servedGroups(client);
  return CLUSTER_RESOURCES.flatMap((resource) => {
    const versions = versionsToList(resource, served);
    return versions.length === 0 ? [] : (namespaces ?? [null]).map((namespace) => ({ resource, versions, namespace }));
  });
}
