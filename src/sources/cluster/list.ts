import { KstaleError } from '../../model/errors.js';
import { asArray, isRecord } from '../../model/object.js';
import type { ClusterClient, ClusterResponse } from './http.js';

export type ListOutcome<T> =
  | { kind: 'ok'; items: T[]; resourceVersion: string }
  | { kind: 'forbidden'; message: string }
  | { kind: 'not-found' };

export const PAGE_SIZE = 500;

function statusMessage(response: ClusterResponse): string {
  try {
    const status = JSON.parse(response.body) as { message?: string };
    return status.message ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

/**
 * Lists one resource page by page (`limit`/`continue`). A 410 Gone (the continue token expired
 * while paging) restarts the list once from the beginning, as kubectl does. Each item goes
 * through `keep` as its page is read, so that only what is kept outlives the page.
 */
export async function listAll<T>(client: ClusterClient, path: string, keep: (item: Record<string, unknown>) => Promise<T>, options: { accept?: string; labelSelector?: string; pageSize?: number } = {}): Promise<ListOutcome<T>> {
  let restarted = false;
  let items: T[] = [];
  let token: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: String(options.pageSize ?? PAGE_SIZE) });
    if (token) query.set('continue', token);
    if (options.labelSelector) query.set('labelSelector', options.labelSelector);
    const response = await client.get(`${path}?${query}`, options.accept);
    if (response.status === 410 && token && !restarted) {
      restarted = true;
      items = [];
      token = undefined;
      continue;
    }
    if (response.status === 403) return { kind: 'forbidden', message: statusMessage(response) };
    if (response.status === 404) return { kind: 'not-found' };
    if (response.status === 401) {
      throw new KstaleError('cluster', `the API server rejected the credentials of context "${client.context}" (401 Unauthorized)`, { hint: 'they may have expired: log in again or refresh the kubeconfig' });
    }
    if (response.status !== 200) {
      throw new KstaleError('cluster', `GET ${path} on context "${client.context}" failed: ${response.status} ${statusMessage(response)}`, { hint: response.status >= 500 || response.status === 429 ? 'the API server is overloaded or failing; retried, still failing' : undefined });
    }
    const list = JSON.parse(response.body) as { items?: unknown; metadata?: { continue?: string; resourceVersion?: string } };
    for (const item of asArray(list.items)) if (isRecord(item)) items.push(await keep(item));
    token = list.metadata?.continue || undefined;
    if (!token) return { kind: 'ok', items, resourceVersion: list.metadata?.resourceVersion ?? '' };
  }
}
