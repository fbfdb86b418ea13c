import { patchFor, type PlanEntry, type RestartOutcome, type RestartPlan } from '../analyses/restart-plan.js';
import { isKstaleError } from '../model/errors.js';
import { isRecord } from '../model/object.js';
import { parseRef, type Ref } from '../model/refs.js';
import type { ClusterClient, ClusterResponse } from '../sources/cluster/http.js';


export type ApplyOptions = Readonly<{
  now: string;
  annotate: boolean;
  maxParallel: number;
  wait: boolean;
  timeoutMs: number;
  pollMs: number;
  continueOnError: boolean;
  /** Ctrl-C: no new workload is started once it returns true */
  shouldStop: () => boolean;
  progress: (line: string) => void;
}>;

const PLURAL: Readonly<Record<string, { group: string; version: string; plural: string }>> = {
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments' },
  StatefulSet: { group: 'apps', version: 'v1', plural: 'statefulsets' },
  DaemonSet: { group: 'apps', version: 'v1', plural: 'daemonsets' },
  Rollout: { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts' },
};

function objectPath(workload: Ref): { path: string; resource: string } {
  const { kind, namespace, name } = parseRef(workload);
  const { group, version, plural } = PLURAL[kind]!;
  return { path: `/apis/${group}/${version}/namespaces/${encodeURIComponent(namespace)}/${plural}/${encodeURIComponent(name)}`, resource: `${plural}.${group}` };
}

function apiMessage(response: ClusterResponse): string {
  try {
    return (JSON.parse(response.body) as { message?: string }).message ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

function failureOf(response: ClusterResponse, verb: string, resource: string, namespace: string): string {
  if (response.status === 403) return `cannot ${verb} ${resource} in namespace ${namespace} (403 Forbidden: the identity lacks the "${verb}" verb): ${apiMessage(response)}`;
  if (response.status === 404) return `not found (deleted since the plan was made?)`;
  return `${verb} failed: ${response.status} ${apiMessage(response)}`;
}

/** The same strategic-merge patch as `kubectl rollout restart`; a 409 conflict is re-read and retried once. */
async function patchWorkload(client: ClusterClient, entry: PlanEntry, options: ApplyOptions): Promise<string | undefined> {
  const patch = patchFor(entry, options.now, options.annotate)!;
  const { path, resource } = objectPath(entry.workload);
  const { namespace } = parseRef(entry.workload);
  let response = await client.send('PATCH', path, JSON.stringify(patch.body), patch.contentType);
  if (response.status === 409) {
    options.progress(`${entry.workload}: conflict (409), reading it again and retrying once`);
    await client.get(path);
    response = await client.send('PATCH', path, JSON.stringify(patch.body), patch.contentType);
  }
  return response.status >= 200 && response.status < 300 ? undefined : failureOf(response, 'patch', resource, namespace);
}

async function deletePods(client: ClusterClient, entry: PlanEntry, options: ApplyOptions): Promise<string | undefined> {
  for (const pod of entry.podsToDelete) {
    const { namespace, name } = parseRef(pod);
    const response = await client.send('DELETE', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`, '', 'application/json');
    if (response.status >= 300 && response.status !== 404) return failureOf(response, 'delete', 'pods', namespace);
    options.progress(`${entry.workload}: deleted ${pod} (updateStrategy OnDelete)`);
  }
  return undefined;
}

const number = (value: unknown) => (typeof value === 'number' ? value : 0);

/** Rollout progress the way `kubectl rollout status` judges it, per kind. */
export function rolloutState(kind: string, object: Record<string, unknown>): { done: boolean; text: string } {
  const spec = isRecord(object.spec) ? object.spec : {};
  const status = isRecord(object.status) ? object.status : {};
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const observed = number(status.observedGeneration) >= number(metadata.generation);
  if (kind === 'DaemonSet') {
    const desired = number(status.desiredNumberScheduled);
    const done = observed && number(status.updatedNumberScheduled) >= desired && number(status.numberAvailable) >= desired;
    return { done, text: `${number(status.updatedNumberScheduled)}/${desired} updated, ${number(status.numberAvailable)}/${desired} available` };
  }
  if (kind === 'Rollout') return { done: status.phase === 'Healthy', text: `phase ${String(status.phase ?? 'unknown')}` };
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const ready = kind === 'StatefulSet' ? number(status.readyReplicas) : number(status.availableReplicas);
  const oldGone = kind === 'StatefulSet' ? status.currentRevision === undefined || status.currentRevision === status.updateRevision : number(status.replicas) <= number(status.updatedReplicas);
  const done = observed && number(status.updatedReplicas) >= replicas && ready >= replicas && oldGone;
  return { done, text: `${number(status.updatedReplicas)}/${replicas} updated, ${ready}/${replicas} ${kind === 'StatefulSet' ? 'ready' : 'available'}` };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForRollout(client: ClusterClient, entry: PlanEntry, options: ApplyOptions): Promise<string | undefined> {
  const { path } = objectPath(entry.workload);
  const { kind } = parseRef(entry.workload);
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  for (;;) {
    const response = await client.get(path);
    if (response.status !== 200) return `could not follow the rollout: ${response.status} ${apiMessage(response)}`;
    const state = rolloutState(kind, JSON.parse(response.body) as Record<string, unknown>);
    if (state.text !== last) options.progress(`${entry.workload}: ${state.text}`);
    last = state.text;
    if (state.done) return undefined;
    if (Date.now() >= deadline) return `rollout not finished after ${options.timeoutMs / 1000}s (${state.text})`;
    await sleep(options.pollMs);
  }
}

async function restartOne(client: ClusterClient, entry: PlanEntry, options: ApplyOptions): Promise<RestartOutcome> {
  try {
    const failed = entry.method === 'delete-pods' ? await deletePods(client, entry, options) : await patchWorkload(client, entry, options);
    if (failed) return { workload: entry.workload, result: 'failed', detail: failed };
    options.progress(`${entry.workload}: restart requested`);
    if (!options.wait) return { workload: entry.workload, result: 'restarted', detail: entry.method === 'delete-pods' ? `${entry.podsToDelete.length} pods deleted` : 'patched' };
    const notDone = await waitForRollout(client, entry, options);
    return notDone ? { workload: entry.workload, result: 'failed', detail: notDone } : { workload: entry.workload, result: 'restarted', detail: 'rolled out' };
  } catch (error) {
    if (isKstaleError(error)) return { workload: entry.workload, result: 'failed', detail: error.message };
    throw error;
  }
}

/**
 * The only code that writes to a cluster. Restarts the planned workloads, at most `maxParallel`
 * at a time; a failure (or Ctrl-C) stops new restarts unless --continue-on-error, and every
 * workload ends with an outcome, so nothing is left half-done without a word.
 */
export async function applyPlan(client: ClusterClient, plan: RestartPlan, options: ApplyOptions): Promise<RestartOutcome[]> {
  const outcomes = new Map<Ref, RestartOutcome>();
  for (const entry of plan.entries) {
    if (entry.action !== 'restart') outcomes.set(entry.workload, { workload: entry.workload, result: entry.action === 'refuse' ? 'refused' : 'skipped', detail: entry.note });
  }
  const queue = plan.entries.filter((entry) => entry.action === 'restart');
  let halted: string | undefined;
  const worker = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      if (halted || options.shouldStop()) {
        outcomes.set(entry.workload, { workload: entry.workload, result: 'not-started', detail: halted ?? 'interrupted' });
        continue;
      }
      const outcome = await restartOne(client, entry, options);
      outcomes.set(entry.workload, outcome);
      if (outcome.result === 'failed' && !options.continueOnError) halted = `stopped after ${entry.workload} failed`;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.maxParallel) }, worker));
  return plan.entries.map((entry) => outcomes.get(entry.workload)!);
}
