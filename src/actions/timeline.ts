import type { ClusterClient, ClusterResponse } from '../sources/cluster/http.js';
import { TIMELINE_KEY, type TimelineLocation } from '../sources/cluster/timeline.js';

/*
 * The one write outside `restart`: `kstale watch --timeline NS/NAME` keeps the value timeline in
 * that ConfigMap (issue 24). It holds version ids and times only: nothing a value could be
 * recovered from. One writer; large timelines are split over NAME, NAME-1, NAME-2 …
 */

/** Under the 1 MiB object limit with room for metadata. */
const SHARD_BYTES = 900 * 1024;

/** What a save needs of a timeline: its head, and its config entries one at a time. */
export type TimelineSource = Readonly<{ head: () => Record<string, unknown>; configEntries: () => Iterable<[string, unknown]> }>;

/**
 * The timeline as the JSON text of each shard (at most `maxBytes` of config entries each, whole
 * configs); the first carries the head and the count. Built from each entry's text once: no whole
 * document is made.
 */
export function shardTimeline(timeline: TimelineSource, maxBytes = SHARD_BYTES): string[] {
  const parts: string[][] = [[]];
  let size = 0;
  for (const [ref, entry] of timeline.configEntries()) {
    const text = `${JSON.stringify(ref)}:${JSON.stringify(entry)}`;
    if (size > 0 && size + text.length > maxBytes) {
      parts.push([]);
      size = 0;
    }
    parts[parts.length - 1]!.push(text);
    size += text.length + 1;
  }
  const head = JSON.stringify({ ...timeline.head(), shards: parts.length });
  return parts.map((part, index) => `${index === 0 ? `${head.slice(0, -1)},` : '{'}"configs":{${part.join(',')}}}`);
}

const path = (location: TimelineLocation, name?: string) => `/api/v1/namespaces/${encodeURIComponent(location.namespace)}/configmaps${name ? `/${encodeURIComponent(name)}` : ''}`;

function failure(response: ClusterResponse, what: string): string {
  let message = `HTTP ${response.status}`;
  try {
    message = (JSON.parse(response.body) as { message?: string }).message ?? message;
  } catch {
    // not a Status
  }
  return `${what}: ${message}${response.status === 403 ? ' (kstale install --timeline grants get/create/update on it)' : ''}`;
}

/** Writes one shard: update when it exists (with a fresh resourceVersion on a 409), create otherwise. */
async function writeShard(client: ClusterClient, location: TimelineLocation, name: string, text: string): Promise<string | undefined> {
  const body = (resourceVersion?: string) => JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: location.namespace, labels: { 'app.kubernetes.io/managed-by': 'kstale', 'kstale.io/timeline': location.name }, ...(resourceVersion ? { resourceVersion } : {}) },
    data: { [TIMELINE_KEY]: text },
  });
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await client.get(path(location, name));
    if (current.status === 404) {
      const created = await client.send('POST', `${path(location)}?fieldManager=kstale`, body(), 'application/json');
      if (created.status === 409) continue; // made meanwhile: update it
      return created.status < 300 ? undefined : failure(created, `create ConfigMap ${location.namespace}/${name}`);
    }
    if (current.status !== 200) return failure(current, `read ConfigMap ${location.namespace}/${name}`);
    const resourceVersion = String((JSON.parse(current.body) as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion ?? '');
    const updated = await client.send('PUT', `${path(location, name)}?fieldManager=kstale`, body(resourceVersion), 'application/json');
    if (updated.status === 409) continue;
    return updated.status < 300 ? undefined : failure(updated, `update ConfigMap ${location.namespace}/${name}`);
  }
  return `ConfigMap ${location.namespace}/${name} kept changing under kstale (409 three times): is another watcher writing it?`;
}

/** Saves the whole timeline; undefined when every shard was written, else what failed. */
export async function saveTimeline(client: ClusterClient, location: TimelineLocation, timeline: TimelineSource): Promise<string | undefined> {
  const shards = shardTimeline(timeline);
  for (let index = 0; index < shards.length; index++) {
    const failed = await writeShard(client, location, index === 0 ? location.name : `${location.name}-${index}`, shards[index]!);
    if (failed) return failed;
  }
  return undefined;
}
