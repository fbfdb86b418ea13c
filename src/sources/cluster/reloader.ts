import { asArray, isRecord } from '../../model/object.js';
import type { Problem } from '../../model/problem.js';
import { reloaderContainerOf, settingsFromReloaderOptions, watchedNamespacesOf, type ReloaderSettings } from '../../extract/reloader.js';
import type { ClusterClient } from './http.js';

/**
 * Which stakater/Reloaders run in a cluster, with their options (DESIGN.md section 3). A
 * Reloader publishes a `reloader-meta-info` ConfigMap (label reloader.stakater.com/meta-info=
 * reloader; keys reloaderOptions and deploymentInfo: its pkg/common/metainfo.go). The ConfigMap
 * outlives an uninstalled Reloader, so its Deployment must exist and have a ready pod.
 */
export type ReloaderDetection = Readonly<{
  running: readonly FoundReloader[];
  /** one line each, for stderr: what was left behind, what could not be read */
  problems: readonly Problem[];
  /** why the answer is unknown, and none is assumed (said only when some workload carries Reloader annotations); '' when it is sure */
  unknownBecause: string;
}>;

/** A running Reloader: its settings, and its raw options (selectors are applied by the caller, which has the objects). */
export type FoundReloader = Readonly<{ settings: ReloaderSettings; options: Record<string, unknown> }>;

const META_INFO_SELECTOR = 'reloader.stakater.com/meta-info=reloader';

type MetaInfo = Readonly<{ namespace: string; name: string; options: Record<string, unknown>; version: string }>;

function parseJson(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function metaInfoOf(item: Record<string, unknown>): MetaInfo | undefined {
  const data = isRecord(item.data) ? item.data : {};
  const metadata = isRecord(item.metadata) ? item.metadata : {};
  const deployment = parseJson(data.deploymentInfo);
  const build = parseJson(data.buildInfo);
  const namespace = typeof deployment.namespace === 'string' && deployment.namespace ? deployment.namespace : String(metadata.namespace ?? '');
  const name = typeof deployment.name === 'string' ? deployment.name : '';
  return { namespace, name, options: parseJson(data.reloaderOptions), version: typeof build.releaseVersion === 'string' ? build.releaseVersion : '' };
}

async function listMetaInfo(client: ClusterClient, namespaces: readonly string[] | null): Promise<{ items: Record<string, unknown>[]; denied: boolean }> {
  const query = `labelSelector=${encodeURIComponent(META_INFO_SELECTOR)}`;
  const everywhere = await client.get(`/api/v1/configmaps?${query}`);
  if (everywhere.status === 200) return { items: asArray((JSON.parse(everywhere.body) as { items?: unknown }).items).filter(isRecord), denied: false };
  // A namespaced identity may still see the namespaces it reads (a Reloader there, or in single-namespace mode).
  const items: Record<string, unknown>[] = [];
  let denied = everywhere.status === 403;
  for (const namespace of namespaces ?? []) {
    const response = await client.get(`/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps?${query}`);
    if (response.status === 200) items.push(...asArray((JSON.parse(response.body) as { items?: unknown }).items).filter(isRecord));
    else denied = true;
  }
  return { items, denied: denied && items.length === 0 };
}

const problem = (severity: Problem['severity'], message: string): Problem => ({ code: 'incomplete', severity, message });

/** Finds the running Reloaders. Never throws for a read it may not make: an unreadable answer is `unknown`, said once. */
export async function detectReloaders(client: ClusterClient, namespaces: readonly string[] | null): Promise<ReloaderDetection> {
  const { items, denied } = await listMetaInfo(client, namespaces);
  if (denied) {
    return { running: [], problems: [], unknownBecause: 'listing ConfigMaps labelled reloader.stakater.com/meta-info in all namespaces is forbidden' };
  }
  const running: FoundReloader[] = [];
  const problems: Problem[] = [];
  for (const info of items.map(metaInfoOf).filter((info): info is MetaInfo => info !== undefined && info.name !== '')) {
    const where = `${info.namespace}/${info.name}`;
    const response = await client.get(`/apis/apps/v1/namespaces/${encodeURIComponent(info.namespace)}/deployments/${encodeURIComponent(info.name)}`);
    if (response.status === 404) {
      problems.push(problem('notice', `Reloader's reloader-meta-info names Deployment ${where}, which does not exist: that Reloader is gone`));
      continue;
    }
    if (response.status !== 200) {
      problems.push(problem('warning', `cannot read Reloader's Deployment ${where} (HTTP ${response.status}): whether it runs is unknown, so it is not counted`));
      continue;
    }
    const deployment = JSON.parse(response.body) as Record<string, unknown>;
    const status = isRecord(deployment.status) ? deployment.status : {};
    const ready = Number(status.readyReplicas ?? 0);
    if (!(ready > 0)) {
      problems.push(problem('warning', `Reloader's Deployment ${where} has no ready pod: it restarts nothing now`));
      continue;
    }
    const spec = isRecord(deployment.spec) && isRecord(deployment.spec.template) && isRecord(deployment.spec.template.spec) ? deployment.spec.template.spec : undefined;
    const container = reloaderContainerOf(spec) ?? (asArray(spec?.containers).find(isRecord) as Record<string, unknown> | undefined);
    const settings = settingsFromReloaderOptions(info.options, `Reloader ${info.version || ''} (Deployment ${where}, options from its reloader-meta-info)`.replace('  ', ' '));
    running.push({ settings: { ...settings, watchedNamespaces: container ? watchedNamespacesOf(container, info.namespace) : null }, options: info.options });
  }
  return { running, problems, unknownBecause: '' };
}

/** Every namespace's labels, or the HTTP status that refused them. */
export async function namespaceLabels(client: ClusterClient): Promise<Map<string, Record<string, string>> | number> {
  const response = await client.get('/api/v1/namespaces');
  if (response.status !== 200) return response.status;
  const labels = new Map<string, Record<string, string>>();
  for (const item of asArray((JSON.parse(response.body) as { items?: unknown }).items).filter(isRecord)) {
    const metadata = isRecord(item.metadata) ? item.metadata : {};
    labels.set(String(metadata.name ?? ''), (isRecord(metadata.labels) ? metadata.labels : {}) as Record<string, string>);
  }
  return labels;
}
