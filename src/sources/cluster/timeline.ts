import { isRecord } from '../../model/object.js';
import type { ClusterClient } from './http.js';

/** Where a value timeline lives: a ConfigMap (and, when large, its shards NAME-1, NAME-2, …). */
export type TimelineLocation = Readonly<{ namespace: string; name: string }>;

export const DEFAULT_TIMELINE: TimelineLocation = { namespace: 'kstale', name: 'kstale-timeline' };
/** The data key of each shard: the document, or a part of its configs. */
export const TIMELINE_KEY = 'timeline.json';

export type TimelineRead =
  | { kind: 'found'; document: Record<string, unknown>; resourceVersions: Readonly<Record<string, string>> }
  | { kind: 'absent' }
  | { kind: 'unreadable'; reason: string };

const configMapPath = (location: TimelineLocation, name = location.name) => `/api/v1/namespaces/${encodeURIComponent(location.namespace)}/configmaps/${encodeURIComponent(name)}`;

async function readShard(client: ClusterClient, location: TimelineLocation, name: string): Promise<{ data: Record<string, unknown>; resourceVersion: string } | number | string> {
  const response = await client.get(configMapPath(location, name));
  if (response.status !== 200) return response.status;
  const object = JSON.parse(response.body) as Record<string, unknown>;
  const text = isRecord(object.data) ? object.data[TIMELINE_KEY] : undefined;
  if (typeof text !== 'string') return `ConfigMap ${location.namespace}/${name} has no ${TIMELINE_KEY}`;
  try {
    const data = JSON.parse(text) as unknown;
    if (!isRecord(data)) return `${location.namespace}/${name}: ${TIMELINE_KEY} is not an object`;
    return { data, resourceVersion: String((isRecord(object.metadata) ? object.metadata.resourceVersion : '') ?? '') };
  } catch (error) {
    return `${location.namespace}/${name}: ${TIMELINE_KEY} is not JSON (${(error as Error).message})`;
  }
}

/** Reads the timeline ConfigMap and its shards, and joins them into one document. */
export async function readTimeline(client: ClusterClient, location: TimelineLocation): Promise<TimelineRead> {
  const main = await readShard(client, location, location.name);
  if (main === 404) return { kind: 'absent' };
  if (typeof main === 'number') return { kind: 'unreadable', reason: `GET ConfigMap ${location.namespace}/${location.name}: HTTP ${main}${main === 403 ? ' (forbidden)' : ''}` };
  if (typeof main === 'string') return { kind: 'unreadable', reason: main };
  const configs: Record<string, unknown> = { ...(isRecord(main.data.configs) ? main.data.configs : {}) };
  const resourceVersions: Record<string, string> = { [location.name]: main.resourceVersion };
  const shards = typeof main.data.shards === 'number' ? main.data.shards : 1;
  for (let index = 1; index < shards; index++) {
    const name = `${location.name}-${index}`;
    const shard = await readShard(client, location, name);
    if (typeof shard !== 'object') return { kind: 'unreadable', reason: typeof shard === 'number' ? `GET ConfigMap ${location.namespace}/${name}: HTTP ${shard}` : shard };
    Object.assign(configs, isRecord(shard.data.configs) ? shard.data.configs : {});
    resourceVersions[name] = shard.resourceVersion;
  }
  const { shards: _shards, ...document } = main.data;
  return { kind: 'found', document: { ...document, configs }, resourceVersions };
}

/** `NS/NAME` of --timeline. */
export function parseTimelineLocation(text: string): TimelineLocation | undefined {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(text);
  return match ? { namespace: match[1]!, name: match[3]! } : undefined;
}
