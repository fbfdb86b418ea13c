import type { K8sObject } from '../model/object.js';
import type { SourceInfo } from '../model/graph.js';
import { buildGraph, type BuiltGraph } from '../graph/build.js';
import type { ClusterClient } from '../sources/cluster/http.js';
import { KstaleError } from '../model/errors.js';
import { describeProblem, type Problem } from '../model/problem.js';
import { loadManifests } from '../sources/manifests/index.js';
import { objectMatches, parseLabelSelectorOrFail } from '../graph/selector.js';
import { workloadKindOf } from '../extract/workload-kinds.js';
import type { CliIo } from './io.js';
import { parseDuration, type SourceOptions } from './options.js';

export type LoadedSource = {
  objects: K8sObject[];
  problems: Problem[];
  source: SourceInfo;
  client?: ClusterClient;
  /** the namespace a command means without -n: `default` for files, the context's for a cluster */
  namespace: string;
};

export const DEFAULT_NAMESPACE = 'default';

/** Reads objects from `-f` paths (or, without them, the cluster) and keeps the namespaces asked for. */
export async function loadSource(options: SourceOptions, io: CliIo, now: string): Promise<LoadedSource> {
  if (!options.filename || options.filename.length === 0) return loadFromCluster(options, io, now);
  const loaded = loadManifests(options.filename, { defaultNamespace: options.namespace ?? DEFAULT_NAMESPACE, readStdin: io.readStdin });
  const onlyNamespace = options.namespace !== undefined && !options.allNamespaces ? options.namespace : undefined;
  const inNamespace = onlyNamespace === undefined ? loaded.objects : loaded.objects.filter((object) => object.namespace === onlyNamespace);
  const objects = options.selector === undefined ? inNamespace : selectWorkloads(inNamespace, options.selector);
  return { objects, problems: loaded.problems, source: { type: 'manifests', paths: options.filename, now }, namespace: options.namespace ?? DEFAULT_NAMESPACE };
}

/** Without -f: the current kubeconfig context, in -n, -A or the context's namespace (kubectl's habit). */
async function loadFromCluster(options: SourceOptions, io: CliIo, now: string): Promise<LoadedSource> {
  if (options.selector !== undefined) parseLabelSelectorOrFail(options.selector); // a bad -l fails before any request
  // Loaded only for live reads: -f runs never pay for the cluster code or client-node.
  const { connectToCluster, readCluster, serverVersionProblems } = await import('../sources/cluster/index.js');
  const connection = await connectToCluster({ kubeconfig: options.kubeconfig, context: options.context, env: io.env, timeoutMs: parseDuration(options.requestTimeout, '--request-timeout') });
  const namespaces = options.allNamespaces ? null : [options.namespace ?? connection.namespace];
  const [versionProblems, { objects, problems }] = await Promise.all([
    serverVersionProblems(connection.client),
    readCluster(connection.client, { namespaces, selector: options.selector, secretKeys: Boolean(options.secretKeys) }),
  ]);
  problems.unshift(...versionProblems);
  return { objects, problems, source: { type: 'cluster', context: connection.context, now }, client: connection.client, namespace: options.namespace ?? connection.namespace };
}

/** -l filters workloads and pods by their labels, as kubectl does; configs are kept for lookups. */
export function selectWorkloads(objects: readonly K8sObject[], selector: string): K8sObject[] {
  const requirements = parseLabelSelectorOrFail(selector);
  return objects.filter((object) => !workloadKindOf(object) || objectMatches(object, requirements));
}

/** The common start of reading commands: read the source, report its problems, build the graph. */
export async function loadGraph(options: SourceOptions, io: CliIo, now: string): Promise<{ loaded: LoadedSource; built: BuiltGraph }> {
  const loaded = await loadSource(options, io, now);
  reportProblems(loaded.problems, io);
  ensureSomethingRead(loaded);
  return { loaded, built: buildGraph(loaded.objects, loaded.source) };
}

/** One line per problem on stderr; errors and warnings are labelled, notices are not. */
export function reportProblems(problems: readonly Problem[], io: CliIo): void {
  for (const problem of problems) {
    const label = problem.severity === 'notice' ? '' : `${problem.severity}: `;
    io.stderr(`kstale: ${label}${describeProblem(problem)}\n`);
  }
}

/** Exit 2 when any input could not be read, even though the rest was answered. */
export function exitCodeForProblems(problems: readonly Problem[]): 0 | 2 {
  return problems.some((problem) => problem.severity === 'error') ? 2 : 0;
}

export function ensureSomethingRead(loaded: LoadedSource): void {
  const errors = loaded.problems.filter((problem) => problem.severity === 'error');
  if (loaded.objects.length === 0 && errors.length > 0) {
    throw new KstaleError('input', 'no input could be read', { hint: 'see the errors above' });
  }
}
