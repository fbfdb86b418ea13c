import { Command, Option } from 'commander';
import { clusterReloaders } from '../reloaders.js';
import { reloadersDeclaredIn } from '../../extract/reloader.js';
import { descriptionOf } from './catalog.js';
import { appliedOver, assessImpact, impactExitCode, type FailOn } from '../../analyses/impact.js';
import { buildGraph } from '../../graph/build.js';
import { KstaleError } from '../../model/errors.js';
import type { K8sObject } from '../../model/object.js';
import type { Problem } from '../../model/problem.js';
import { IMPACT_FORMATS } from '../../report/index.js';
import { readManifestsAtRef, withWorktreeAt } from '../../sources/manifests/git.js';
import { loadKustomization } from '../../sources/manifests/render.js';
import { loadManifestsInParallel, loadManifestTexts } from '../../sources/manifests/index.js';
import type { CliIo } from '../io.js';
import type { ClusterConnection } from '../../sources/cluster/kubeconfig.js';
import { DEFAULT_NAMESPACE, exitCodeForProblems, loadLocalSources, reportProblems } from '../load-source.js';
import { checkFormat, jobsOption, clusterTargetOf, parseJobs, renderOptionsFor, resolveNow } from '../options.js';

const FORMATS = Object.keys(IMPACT_FORMATS);

type ImpactOptions = {
  filename: string[];
  kustomize: string[];
  base: string[];
  baseRef?: string;
  againstCluster?: boolean;
  namespace?: string;
  allNamespaces?: boolean;
  context?: string;
  kubeconfig?: string;
  requestTimeout: string;
  secretKeys?: boolean;
  jobs?: string;
  output: string;
  failOn: FailOn;
  color: boolean;
  now?: string;
};

const collect = (value: string, previous: string[]) => [...previous, value];

type Side = { objects: K8sObject[]; problems: Problem[]; name: string; unreadConfigs?: ReadonlySet<string> };

async function loadNew(options: ImpactOptions, io: CliIo, defaultNamespace: string): Promise<Side> {
  const loaded = await loadLocalSources({ filename: options.filename, kustomize: options.kustomize, namespace: defaultNamespace, jobs: options.jobs }, io, { digestValues: true });
  return { ...loaded, name: [...options.filename, ...options.kustomize.map((dir) => `-k ${dir}`)].join(', ') };
}

/** The old side: other files (--base), or the same -f paths and -k overlays at a git revision (--base-ref). */
async function loadBaseFiles(options: ImpactOptions, io: CliIo): Promise<Side> {
  const defaultNamespace = options.namespace ?? DEFAULT_NAMESPACE;
  if (options.base.length > 0) return { ...(await loadManifestsInParallel(options.base, { defaultNamespace, readStdin: io.readStdin, digestValues: true, jobs: parseJobs(options.jobs) })), name: options.base.join(', ') };
  const ref = options.baseRef!;
  const files = options.filename.length > 0 ? loadManifestTexts(readManifestsAtRef(ref, options.filename, process.cwd()), { defaultNamespace, digestValues: true }) : { objects: [], problems: [] };
  // An overlay is rendered as it was: from a temporary worktree of the revision.
  const overlays = options.kustomize.length === 0 ? [] : withWorktreeAt(ref, process.cwd(), (pathAtRef) => options.kustomize.map((dir) => {
    const rendered = loadKustomization(pathAtRef(dir), { defaultNamespace, digestValues: true });
    const label = (file: string) => file.split(pathAtRef(dir)).join(`${ref}:${dir}`);
    return { objects: rendered.objects.map((object) => ({ ...object, origin: object.origin && { ...object.origin, file: label(object.origin.file) } })), problems: rendered.problems };
  }));
  return { objects: [...files.objects, ...overlays.flatMap((overlay) => overlay.objects)], problems: [...files.problems, ...overlays.flatMap((overlay) => overlay.problems)], name: `git ${ref}` };
}

/**
 * --against-cluster: the files are what is about to be applied. The old side is the cluster now;
 * the new side is the cluster with the files' objects replacing their live copies (an apply, not
 * a replacement: nothing absent from the files is removed), so the cluster's workloads are the
 * readers.
 */
async function sidesAgainstCluster(connection: ClusterConnection, files: Side, options: ImpactOptions): Promise<{ before: Side; after: Side }> {
  const { readLive } = await import('../../sources/cluster/connect.js');
  const namespaces = options.allNamespaces ? 'all' : options.namespace ? [options.namespace] : [...new Set(files.objects.map((object) => object.namespace))];
  const live = await readLive(connection, { namespaces, secretKeys: Boolean(options.secretKeys), digestValues: true });
  const before: Side = { objects: live.objects, problems: live.problems, name: `context ${connection.context}`, unreadConfigs: live.unreadConfigs };
  return { before, after: { ...files, objects: appliedOver(live.objects, files.objects), unreadConfigs: live.unreadConfigs } };
}

export function impactCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const command = new Command('impact')
    .description(descriptionOf('impact'))
    .option('-f, --filename <path>', 'the new manifests (repeatable; directories recursive; - for stdin)', collect, [])
    .option('-k, --kustomize <dir>', 'a kustomize overlay as the new side (repeatable); with --base-ref it is rendered at both revisions', collect, [])
    .option('--base <path>', 'the old manifests, e.g. the main branch checked out elsewhere (repeatable)', collect, [])
    .option('--base-ref <ref>', 'the old manifests are the same paths at this git revision')
    .option('--against-cluster', 'the old side is what the cluster runs now (current context)')
    .option('-n, --namespace <ns>', 'namespace of objects that name none; with --against-cluster, the namespace to read')
    .addOption(jobsOption())
    .option('-A, --all-namespaces', 'with --against-cluster: read every namespace')
    .option('--context <name>', 'kubeconfig context (--against-cluster)')
    .option('--kubeconfig <path>', 'kubeconfig file (--against-cluster)')
    .option('--request-timeout <duration>', 'give up on an API request after this long', '30s')
    .option('--secret-keys', 'with --against-cluster: read whole Secrets so their values can be compared (in memory only)')
    .addOption(new Option('-o, --output <format>', `output format: ${FORMATS.join('|')}`).default('table'))
    .addOption(new Option('--fail-on <outcome>', 'exit 1 when an effect is this bad').choices(['breaks', 'restart-needed', 'never']).default('restart-needed'))
    .option('--no-color', 'never colour the output (also NO_COLOR=1)')
    .option('--now <time>', 'the current time, RFC 3339')
    .addHelpText('after', `
Examples:
  kstale impact -f k8s/ --base ../main/k8s/              # two trees, offline
  kstale impact -f k8s/ --base-ref origin/main -o markdown   # in CI, from git
  kstale impact -f k8s/ --against-cluster -n shop         # what the cluster runs now`);
  command.action(async (options: ImpactOptions) => {
    checkFormat(options.output, FORMATS);
    const sides = [options.base.length > 0, Boolean(options.baseRef), Boolean(options.againstCluster)].filter(Boolean).length;
    if (sides !== 1) throw new KstaleError('usage', 'say what to compare with: one of --base PATH, --base-ref REF or --against-cluster');
    if (options.filename.length === 0 && options.kustomize.length === 0) throw new KstaleError('usage', 'impact needs the new manifests with -f (or an overlay with -k)', { hint: 'kstale impact -f k8s/ --base-ref origin/main' });
    const now = resolveNow(options.now, io);
    // Objects in the files that name no namespace go to the context's when applied, as with kubectl.
    const connection = options.againstCluster ? await (await import('../../sources/cluster/connect.js')).openCluster(clusterTargetOf(options, io)) : undefined;
    const files = await loadNew(options, io, options.namespace ?? connection?.namespace ?? DEFAULT_NAMESPACE);
    if (files.objects.length === 0) {
      reportProblems(files.problems, io);
      throw new KstaleError('input', 'no new manifests could be read');
    }
    const { before, after } = connection ? await sidesAgainstCluster(connection, files, options) : { before: await loadBaseFiles(options, io), after: files };
    const problems = [...before.problems, ...after.problems];
    reportProblems(problems, io);
    const source = { type: 'manifests' as const, paths: [...options.filename, ...options.kustomize.map((dir) => `-k ${dir}`)], now };
    // Against a cluster, the Reloaders that run there; on files, the trees' own (or one with default options).
    const found = connection ? await clusterReloaders(connection.client, null, before.objects) : { reloaders: reloadersDeclaredIn([...before.objects, ...after.objects]), problems: [] };
    reportProblems(found.problems, io);
    const result = assessImpact(buildGraph(before.objects, source, { unreadConfigs: before.unreadConfigs, reloaders: found.reloaders }), buildGraph(after.objects, source, { unreadConfigs: after.unreadConfigs, reloaders: found.reloaders }));
    io.stdout(IMPACT_FORMATS[options.output]!({ result, source, base: before.name }, await renderOptionsFor(options, io)));
    setExitCode(Math.max(exitCodeForProblems(problems), impactExitCode(result, options.failOn)));
  });
  return command;
}
