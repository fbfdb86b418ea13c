import { Command, Option } from 'commander';
import { descriptionOf } from './catalog.js';
import type { GraphIndex } from '../../graph/build.js';
import { DEFAULT_SYNC_PERIOD_MS, findStale, topControllerOf } from '../../analyses/staleness.js';
import { makeRef, type Ref } from '../../model/refs.js';
import { ensureConfigKnown, whoUses, type ConfigQuery } from '../../graph/queries.js';
import { reloadedWithoutReadingConfig } from '../../analyses/explain.js';
import { WHO_USES_FORMATS } from '../../report/index.js';
import { whoUsesDocument, whoUsesWarnings } from '../../report/render-who-uses.js';
import { answerForContexts } from '../contexts.js';
import type { CliIo } from '../io.js';
import { exitCodeForProblems, loadGraph } from '../load-source.js';
import { addSourceOptions, checkFormat, resolveNow, type SourceOptions } from '../options.js';
import { parseConfigTarget, withTargetNamespace } from '../target.js';

const FORMATS = Object.keys(WHO_USES_FORMATS);

/**
 * With pods in the source (a dump, a cluster): running pods per workload and how many hold these
 * configs stale. Only the pods of the workloads that use them are judged.
 */
function podCountsFor(configs: readonly Ref[], workloads: ReadonlySet<Ref>, index: GraphIndex, now: string): Record<Ref, { pods: number; stale: number }> | undefined {
  const pods = index.objects.filter((object) => object.kind === 'Pod');
  if (pods.length === 0) return undefined;
  const theirs = pods.filter((pod) => workloads.has(topControllerOf(makeRef('Pod', pod.namespace, pod.name), index.controllerOf)));
  const { pods: audited, stale } = findStale(theirs, index, { now, syncPeriodMs: DEFAULT_SYNC_PERIOD_MS });
  const stalePods = new Set(stale.filter((entry) => configs.includes(entry.config)).map((entry) => entry.pod));
  const counts: Record<Ref, { pods: number; stale: number }> = {};
  for (const pod of audited.filter((candidate) => candidate.state === 'running')) {
    const entry = (counts[pod.workload] ??= { pods: 0, stale: 0 });
    entry.pods++;
    if (stalePods.has(pod.pod)) entry.stale++;
  }
  return counts;
}

type WhoUsesOptions = SourceOptions & { key?: string; kind?: string };

export function whoUsesCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const command = new Command('who-uses')
    .description(descriptionOf('who-uses'))
    .argument('<config>', 'configmap/NAME, cm/NAME, secret/NAME (kubectl spellings), or NAME with --kind')
    .option('--key <key>', 'only references that read this key (or the whole config)')
    .addOption(new Option('--kind <kind>', 'kind of a bare NAME').choices(['configmap', 'cm', 'secret']))
    .addHelpText('after', `
Examples:
  kstale who-uses configmap/app-config -n shop -f k8s/
  kstale who-uses secret/db-credentials --key password -A -f k8s/
  kstale who-uses cm/app-config -n shop -f k8s/ -o json`);
  addSourceOptions(command, FORMATS).action(async (target: string, options: WhoUsesOptions) => {
    checkFormat(options.output, FORMATS);
    const parsed = parseConfigTarget(target, options.kind);
    const { kind, name } = parsed;
    options = withTargetNamespace(options, parsed);
    const now = resolveNow(options.now, io);
    await answerForContexts(options, io, async (single, contextIo) => {
      const { loaded, built } = await loadGraph(single, contextIo, now, { kinds: [kind], for: `who-uses ${kind === 'Secret' ? 'secret' : 'configmap'}/${name}` }, { unused: false });
      const { index } = built;
      const query: ConfigQuery = { kind, name, namespace: loaded.scope, key: options.key ?? null };
      ensureConfigKnown(index, query);
      const answer = whoUses(index, query);
      const podsByWorkload = podCountsFor(answer.matched, new Set(answer.references.map((reference) => reference.workload)), index, now);
      const reloadedWithoutReading = answer.matched.flatMap((config) => reloadedWithoutReadingConfig(index, config).map((entry) => ({ config, ...entry })));
      const view = { source: loaded.source, query, ...answer, reloadedWithoutReading, ...(podsByWorkload ? { podsByWorkload } : {}) };
      for (const warning of whoUsesWarnings(view)) contextIo.stderr(`kstale: warning: ${warning}\n`);
      return { document: () => whoUsesDocument(view), render: (render) => WHO_USES_FORMATS[options.output]!(view, render), code: exitCodeForProblems(loaded.problems) };
    }, setExitCode);
  });
  return command;
}
