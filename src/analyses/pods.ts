import { asArray, asString, isRecord, type K8sObject } from '../model/object.js';
import type { ContainerType } from '../model/graph.js';

export type PodState = 'running' | 'pending' | 'terminating' | 'finished';

/** Running pods are audited; the others are counted (pending pods have read nothing yet). */
export function podStateOf(pod: K8sObject): PodState {
  if (isRecord(pod.raw.metadata) && pod.raw.metadata.deletionTimestamp) return 'terminating';
  const phase = isRecord(pod.raw.status) ? asString(pod.raw.status.phase) : undefined;
  if (phase === 'Running') return 'running';
  if (phase === 'Succeeded' || phase === 'Failed') return 'finished';
  return 'pending';
}

const STATUS_LISTS: readonly [string, ContainerType][] = [
  ['containerStatuses', 'container'],
  ['initContainerStatuses', 'initContainer'],
  ['ephemeralContainerStatuses', 'ephemeralContainer'],
];

/** Start times by container type, then container name. */
export type ContainerStarts = Readonly<Record<ContainerType, ReadonlyMap<string, string>>>;

/**
 * When each container of a pod last started: running containers by state.running.startedAt;
 * init containers ran once, by state.terminated.startedAt, else the pod's startTime.
 */
export function containerStartTimes(pod: K8sObject): ContainerStarts {
  const status = isRecord(pod.raw.status) ? pod.raw.status : {};
  const podStart = asString(status.startTime);
  const starts = { container: new Map<string, string>(), initContainer: new Map<string, string>(), ephemeralContainer: new Map<string, string>() };
  for (const [list, type] of STATUS_LISTS) {
    for (const entry of asArray(status[list])) {
      if (!isRecord(entry) || !isRecord(entry.state)) continue;
      const name = asString(entry.name);
      const running = isRecord(entry.state.running) ? asString(entry.state.running.startedAt) : undefined;
      const terminated = isRecord(entry.state.terminated) ? asString(entry.state.terminated.startedAt) : undefined;
      const started = type === 'initContainer' ? terminated ?? running ?? podStart : running;
      if (name && started) starts[type].set(name, started);
    }
  }
  return starts;
}
