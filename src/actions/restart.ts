import { patchFor, RESTARTED_AT_ANNOTATION, type PlanEntry, type RestartOutcome, type RestartPlan } from '../analyses/restart-plan.js';
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

/** kstale's own field manager: GitOps tools can tell its restartedAt from their fields (Argo CD managedFieldsManagers, Flux SSA). */
export const FIELD_MANAGER = 'kstale';

const isUnreachable = (error: unknown) => isKstaleError(error) && error.kind === 'cluster';

/**
 * The same strategic-merge patch as `kubectl rollout restart`, as field manager kstale; a 409
 * conflict is re-read and retried once. The patch sets one fixed time, so sending it again after
 * the API server was unreachable cannot roll the workload twice: it is retried until the timeout.
 */
async function patchWorkload(client: ClusterClient, entry: PlanEntry, options: ApplyOptions): Promise<string | undefined> {
  const patch = patchFor(entry, options.now, options.annotate)!;
  const { path: objectAt, resource } = objectPath(entry.workload);
  const path = `${objectAt}?fieldManager=${FIELD_MANAGER}`;
  const { namespace } = parseRef(entry.workload);
  const deadline = Date.now() + options.timeoutMs;
  const send = async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await client.send('PATCH', path, JSON.stringify(patch.body), patch.contentType);
      } catch (error) {
        if (!isUnreachable(error) || Date.now() >= deadline) throw error;
        if (attempt === 0) options.progress(`${entry.workload}: ${(error as Error).message}; sending the same patch again until --timeout`);
        await sleep(Math.min(5_000, options.pollMs * 2 ** attempt));
      }
    }
  };
  let response = await send();
  if (response.status === 409) {
    options.progress(`${entry.workload}: conflict (409), reading it again and retrying once`);
    await client.get(objectAt);
    response = await send();
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

/** Waiting reasons of a new pod that no amount of waiting fixes: the rollout has failed. */
const FAILING_REASONS = new Set(['CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'RunContainerError']);

/** A Deployment whose Progressing condition says ProgressDeadlineExceeded (what kubectl rollout status fails on). */
export function progressDeadlineExceeded(object: Record<string, unknown>): string | undefined {
  const status = isRecord(object.status) ? object.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  const condition = conditions.find((entry) => isRecord(entry) && entry.type === 'Progressing' && entry.reason === 'ProgressDeadlineExceeded');
  return isRecord(condition) ? `ProgressDeadlineExceeded${typeof condition.message === 'string' ? `: ${condition.message}` : ''}` : undefined;
}

/** The first new pod (made from the restarted template: it carries this restartedAt) stuck in a failing state, as "pod: reason: message". */
export function failingNewPod(pods: readonly Record<string, unknown>[], restartedAt: string): string | undefined {
  for (const pod of pods) {
    const metadata = isRecord(pod.metadata) ? pod.metadata : {};
    const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
    if (annotations[RESTARTED_AT_ANNOTATION] !== restartedAt) continue;
    const status = isRecord(pod.status) ? pod.status : {};
    for (const list of [status.initContainerStatuses, status.containerStatuses]) {
      for (const container of Array.isArray(list) ? list : []) {
        const waiting = isRecord(container) && isRecord(container.state) && isRecord(container.state.waiting) ? container.state.waiting : undefined;
        if (waiting && typeof waiting.reason === 'string' && FAILING_REASONS.has(waiting.reason)) {
          return `pod ${String(metadata.name)} container ${String((container as Record<string, unknown>).name)}: ${waiting.reason}${typeof waiting.message === 'string' ? ` (${waiting.message})` : ''}`;
        }
      }
    }
  }
  return undefined;
}

function selectorQuery(object: Record<string, unknown>): string | undefined {
  const spec = isRecord(object.spec) ? object.spec : {};
  const labels = isRecord(spec.selector) && isRecord(spec.selector.matchLabels) ? spec.selector.matchLabels : undefined;
  if (!labels || Object.keys(labels).length === 0) return undefined;
  return encodeURIComponent(Object.entries(labels).map(([key, value]) => `${key}=${String(value)}`).join(','));
}

/**
 * Follows the rollout as `kubectl rollout status` does, but fails at once when a new pod cannot
 * run (CrashLoopBackOff, CreateContainerConfigError, ImagePullBackOff…) or the Deployment's
 * progress deadline passes. An unreachable API server, 429 or 5xx is retried until the timeout.
 */
async function waitForRollout(client: ClusterClient, entry: PlanEntry, options: ApplyOptions): Promise<string | undefined> {
  const { path } = objectPath(entry.workload);
  const { kind, namespace } = parseRef(entry.workload);
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  let trouble = '';
  for (let attempt = 0; ; attempt++) {
    const timedOut = () => `rollout not finished after ${options.timeoutMs / 1000}s (${last || 'no answer'}${trouble ? `; last error: ${trouble}` : ''})`;
    let response: ClusterResponse;
    try {
      response = await client.get(path);
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      if (trouble === '') options.progress(`${entry.workload}: ${(error as Error).message}; still waiting (until --timeout)`);
      trouble = (error as Error).message;
      if (Date.now() >= deadline) return timedOut();
      await sleep(Math.min(5_000, options.pollMs * 2 ** Math.min(attempt, 6)));
      continue;
    }
    if (response.status === 429 || response.status >= 500) {
      trouble = `${response.status} ${apiMessage(response)}`;
      if (Date.now() >= deadline) return timedOut();
      await sleep(options.pollMs);
      continue;
    }
    if (response.status !== 200) return `could not follow the rollout: ${response.status} ${apiMessage(response)}`;
    if (trouble) options.progress(`${entry.workload}: the API server answers again`);
    trouble = '';
    const object = JSON.parse(response.body) as Record<string, unknown>;
    const state = rolloutState(kind, object);
    if (state.text !== last) options.progress(`${entry.workload}: ${state.text}`);
    last = state.text;
    if (state.done) return undefined;
    const deadlinePassed = kind === 'Deployment' ? progressDeadlineExceeded(object) : undefined;
    if (deadlinePassed) return `the rollout failed: ${deadlinePassed}`;
    const selector = entry.method === 'rollout' ? selectorQuery(object) : undefined;
    if (selector) {
      const pods = await client.get(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?labelSelector=${selector}`).catch(() => undefined);
      const items = pods?.status === 200 ? ((JSON.parse(pods.body) as { items?: unknown[] }).items ?? []).filter(isRecord) : [];
      const failing = failingNewPod(items, options.now);
      if (failing) return `the rollout failed: ${failing}`;
    }
    if (Date.now() >= deadline) return timedOut();
    await sleep(options.pollMs);
  }
}

async function restartOne(client: ClusterClient, entry: PlanEntry, options: ApplyOptions): Promise<RestartOutcome> {
  try {
    let failed: string | undefined;
    try {
      failed = entry.method === 'delete-pods' ? await deletePods(client, entry, options) : await patchWorkload(client, entry, options);
    } catch (error) {
      // The request may have reached the server before the connection broke: say so, never "not restarted".
      if (isUnreachable(error)) return { workload: entry.workload, result: 'failed', detail: `whether the restart was applied is unknown: ${(error as Error).message} (kubectl rollout status tells)` };
      throw error;
    }
    if (failed) return { workload: entry.workload, result: 'failed', detail: failed };
    options.progress(`${entry.workload}: restart requested`);
    if (!options.wait) return { workload: entry.workload, result: 'restarted', detail: entry.method === 'delete-pods' ? `${entry.podsToDelete.length} pods deleted` : 'patched' };
    // The patch went through: whatever happens next, the detail says it was restarted.
    const notDone = await waitForRollout(client, entry, options);
    return notDone ? { workload: entry.workload, result: 'failed', detail: `patched (restart requested), but ${notDone}` } : { workload: entry.workload, result: 'restarted', detail: 'rolled out' };
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
