import { KstaleError } from '../model/errors.js';

const KIND_SPELLINGS: Readonly<Record<string, 'ConfigMap' | 'Secret'>> = {
  configmap: 'ConfigMap',
  configmaps: 'ConfigMap',
  cm: 'ConfigMap',
  secret: 'Secret',
  secrets: 'Secret',
};

/**
 * Reads a `who-uses`/`--uses` target the way kubectl does: `cm/x`, `configmaps/x`, `Secret/y`, or
 * a name with --kind; `cm/NAMESPACE/NAME` too, as lint's --assume-exists takes it.
 */
export function parseConfigTarget(target: string, kindOption?: string): { kind: 'ConfigMap' | 'Secret'; name: string; namespace?: string } {
  const slash = target.indexOf('/');
  const kindWord = slash >= 0 ? target.slice(0, slash) : kindOption;
  let name = slash >= 0 ? target.slice(slash + 1) : target;
  let namespace: string | undefined;
  const inner = name.indexOf('/');
  if (slash >= 0 && inner > 0 && name.indexOf('/', inner + 1) < 0) {
    namespace = name.slice(0, inner);
    name = name.slice(inner + 1);
  }
  const usage = 'write it as configmap/NAME, cm/NAME or secret/NAME (or NAME with --kind configmap|secret)';
  if (kindWord === undefined) throw new KstaleError('usage', `"${target}" names no kind`, { hint: usage });
  const kind = KIND_SPELLINGS[kindWord.toLowerCase()];
  if (!kind) throw new KstaleError('usage', `"${kindWord}" is not a ConfigMap or Secret kind`, { hint: usage });
  if (!name || name.includes('/')) throw new KstaleError('usage', `"${target}" has no valid name`, { hint: usage });
  return namespace ? { kind, name, namespace } : { kind, name };
}

/** The namespace a `cm/NS/NAME` target names, checked against -n/-A. */
export function withTargetNamespace<T extends { namespace?: string; allNamespaces?: boolean }>(options: T, target: { namespace?: string }): T {
  if (!target.namespace) return options;
  if (options.namespace !== undefined && options.namespace !== target.namespace) throw new KstaleError('usage', `the target names namespace ${target.namespace} and -n says ${options.namespace}`, { hint: 'say the namespace once' });
  return { ...options, namespace: target.namespace, allNamespaces: false };
}

const WORKLOAD_SPELLINGS: Readonly<Record<string, string>> = {
  deployment: 'Deployment', deployments: 'Deployment', deploy: 'Deployment',
  statefulset: 'StatefulSet', statefulsets: 'StatefulSet', sts: 'StatefulSet',
  daemonset: 'DaemonSet', daemonsets: 'DaemonSet', ds: 'DaemonSet',
  cronjob: 'CronJob', cronjobs: 'CronJob', cj: 'CronJob',
  job: 'Job', jobs: 'Job',
  rollout: 'Rollout', rollouts: 'Rollout', ro: 'Rollout',
  replicaset: 'ReplicaSet', replicasets: 'ReplicaSet', rs: 'ReplicaSet',
  replicationcontroller: 'ReplicationController', rc: 'ReplicationController',
  pod: 'Pod', pods: 'Pod', po: 'Pod',
};

/** A workload as kubectl names it: `deployment/web`, `deploy/web`, `sts/db`, `Deployment/web`. */
export function parseWorkloadTarget(target: string): { kind: string; name: string } {
  const usage = 'write it as KIND/NAME: deployment/web, sts/db, ds/agent, cronjob/report, job/x, rollout/x, pod/x';
  const slash = target.indexOf('/');
  if (slash < 0) throw new KstaleError('usage', `"${target}" names no kind`, { hint: usage });
  const kind = WORKLOAD_SPELLINGS[target.slice(0, slash).toLowerCase()];
  const name = target.slice(slash + 1);
  if (!kind) throw new KstaleError('usage', `"${target.slice(0, slash)}" is not a workload kind`, { hint: usage });
  if (!name || name.includes('/')) throw new KstaleError('usage', `"${target}" has no valid name`, { hint: usage });
  return { kind, name };
}
