import { Command } from 'commander';
import { ensureConfigKnown } from '../../graph/queries.js';
import { descriptionOf } from './catalog.js';
import { auditCluster } from '../../analyses/audit.js';
import { patchFor, planRestart, targetsForConfig, targetsFromAudit, type RestartOutcome, type RestartPlan } from '../../analyses/restart-plan.js';
import type { BuiltGraph } from '../../graph/build.js';
import { contextsAskedFor, ioForContext } from '../contexts.js';
import { DEFAULT_SYNC_PERIOD_MS } from '../../analyses/staleness.js';
import { isKstaleError, KstaleError } from '../../model/errors.js';
import { makeRef } from '../../model/refs.js';
import { renderJson } from '../../report/index.js';
import { renderOutcomesTable, renderPlanTable, restartDocument } from '../../report/render-restart.js';
import type { CliIo } from '../io.js';
import { loadGraph, type LoadedSource } from '../load-source.js';
import { addSourceOptions, checkFormat, parseDuration, renderOptionsFor, resolveNow, type SourceOptions } from '../options.js';
import { parseConfigTarget } from '../target.js';

const FORMATS = ['table', 'json'];

type RestartOptions = SourceOptions & {
  affected?: boolean;
  uses?: string;
  key?: string;
  exclude: string[];
  includeProtected?: boolean;
  protectionGrace: string;
  exactOnly?: boolean;
  deletePodsOnDeleteStrategy?: boolean;
  force?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  maxParallel: string;
  wait?: boolean;
  timeout: string;
  continueOnError?: boolean;
  annotate?: boolean;
};

const collect = (value: string, previous: string[]) => [...previous, value];

function patchesOf(plan: RestartPlan, now: string, annotate: boolean): { workload: string; method: string; contentType?: string; body?: unknown; delete?: readonly string[] }[] {
  return plan.entries
    .filter((entry) => entry.action === 'restart')
    .map((entry) => {
      if (entry.method === 'delete-pods') return { workload: entry.workload, method: 'DELETE', delete: entry.podsToDelete };
      const patch = patchFor(entry, now, annotate)!;
      return { workload: entry.workload, method: 'PATCH', contentType: patch.contentType, body: patch.body };
    });
}

/** What to restart in one context, and the plan with its preflight. */
function planFor(built: BuiltGraph, loaded: LoadedSource, options: RestartOptions, now: string): RestartPlan {
  const audit = auditCluster(built, { now, syncPeriodMs: DEFAULT_SYNC_PERIOD_MS, protectionGraceMs: parseDuration(options.protectionGrace, '--protection-grace') });
  let targets = targetsFromAudit(audit);
  if (options.uses) {
    const { kind, name } = parseConfigTarget(options.uses);
    ensureConfigKnown(built.index, { kind, name, namespace: loaded.scope, key: options.key ?? null });
    const namespaces = loaded.scope === null ? [...new Set(loaded.objects.map((object) => object.namespace))] : [loaded.scope];
    targets = namespaces.flatMap((ns) => targetsForConfig(built, audit, makeRef(kind, ns, name), options.key ?? null));
  }
  return planRestart(built, audit, targets, {
    includeProtected: Boolean(options.includeProtected),
    deletePodsOnDeleteStrategy: Boolean(options.deletePodsOnDeleteStrategy),
    force: Boolean(options.force),
    exactOnly: Boolean(options.exactOnly),
    exclude: options.exclude,
  });
}

export function restartCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const command = new Command('restart')
    .description(descriptionOf('restart'))
    .option('--affected', 'every workload audit finds stale and that can be restarted')
    .option('--uses <config>', 'every workload that needs a restart to see this config (cm/NAME, secret/NAME)')
    .option('--key <key>', 'with --uses: only workloads that read this key (or the whole config)')
    .option('--exclude <kind/name>', 'never restart this workload (repeatable)', collect, [])
    .option('--include-protected', 'also restart workloads that Reloader, wave or a checksum already restart')
    .option('--exact-only', 'restart only workloads whose staleness is sure: judged by values (a timeline) or by a time only that key could move')
    .option('--protection-grace <duration>', 'a protected workload still stale this long after a change is restarted too (its protector missed it)', '5m')
    .option('--delete-pods-on-delete-strategy', 'for updateStrategy OnDelete, delete the stale pods so they are recreated')
    .option('--force', 'restart even when a required config or key is missing (it will crash-loop)')
    .option('--dry-run', 'print the plan and the exact patches; write nothing')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .option('--max-parallel <n>', 'workloads restarted at the same time', '1')
    .option('--wait', 'follow each rollout until it is done')
    .option('--timeout <duration>', 'with --wait: how long one rollout may take', '5m')
    .option('--continue-on-error', 'go on with the next workloads after a failure')
    .option('--annotate', 'also set kstale.io/restarted-for on the pod template (an audit trail)')
    .addHelpText('after', `
Examples:
  kstale restart --affected -n shop --dry-run        # the plan and the patches, nothing written
  kstale restart --affected -A --wait                 # asks y/N, then restarts one by one
  kstale restart --uses secret/db-credentials --key password -n shop --yes --wait`);
  addSourceOptions(command, FORMATS).action(async (options: RestartOptions) => {
    checkFormat(options.output, FORMATS);
    if (options.affected && options.uses) throw new KstaleError('usage', '--affected and --uses exclude each other: restart every stale workload, or the readers of one config', { hint: 'kstale restart --affected --dry-run, or kstale restart --uses cm/NAME --dry-run' });
    if (!options.affected && !options.uses) throw new KstaleError('usage', 'say what to restart: --affected or --uses cm/NAME', { hint: 'kstale restart --affected --dry-run' });
    if (options.filename?.length && !options.dryRun) throw new KstaleError('usage', 'restart writes to a cluster: with -f only --dry-run is possible', { hint: 'drop -f to restart in the current context, or add --dry-run to see the plan' });
    const maxParallel = Number(options.maxParallel);
    if (!Number.isInteger(maxParallel) || maxParallel < 1) throw new KstaleError('usage', `--max-parallel "${options.maxParallel}" is not a positive whole number`);
    const timeoutMs = parseDuration(options.timeout, '--timeout');
    const now = resolveNow(options.now, io);
    const contexts = await contextsAskedFor(options, io);
    const many = contexts !== undefined;
    // Each context is read and planned on its own (its own preflight); one that cannot be read is reported and left out.
    const planned: { context: string | undefined; loaded: LoadedSource; plan: RestartPlan; patches: ReturnType<typeof patchesOf> }[] = [];
    const failedContexts: { context: string; message: string }[] = [];
    for (const context of contexts ?? [undefined]) {
      const contextIo = ioForContext(io, context);
      try {
        const single = context === undefined ? options : { ...options, context: [context] };
        const { loaded, built } = await loadGraph(single, contextIo, now, { kinds: ['Pod'], for: 'restart' }, { unused: false });
        const plan = planFor(built, loaded, options, now);
        planned.push({ context, loaded, plan, patches: patchesOf(plan, now, Boolean(options.annotate)) });
      } catch (error) {
        if (!many || !isKstaleError(error)) throw error;
        failedContexts.push({ context: context!, message: error.message });
        io.stderr(`kstale: error: context "${context}": ${error.message}\n`);
      }
    }
    const failedExit = failedContexts.length > 0 ? 2 : 0;
    const render = await renderOptionsFor(options, io);
    const json = options.output === 'json';
    const renderFor = (context: string | undefined) => (context === undefined ? render : { ...render, context });
    const prefix = (context: string | undefined, text: string) => (context === undefined ? text : `${context}: ${text}`);
    const report = (outcomesOf: (entry: (typeof planned)[number]) => readonly RestartOutcome[] | null, dryRun: boolean) => {
      const documents = planned.map((entry) => ({ ...restartDocument(entry.plan, outcomesOf(entry), dryRun, entry.patches), ...(many ? { context: entry.context } : {}) }));
      return renderJson(many ? { apiVersion: 'kstale/v1', kind: 'List', items: documents, errors: failedContexts } : documents[0]);
    };
    if (!json) for (const entry of planned) io.stdout(prefix(entry.context, renderPlanTable(entry.plan, renderFor(entry.context))));
    const total = planned.reduce((sum, entry) => sum + entry.patches.length, 0);
    if (options.dryRun || total === 0) {
      if (json) io.stdout(report(() => null, Boolean(options.dryRun)));
      else if (total === 0) io.stdout('Nothing to restart.\n');
      else {
        const requests = planned.flatMap((entry) => entry.patches.map((patch) => prefix(entry.context, patch.method === 'DELETE' ? `DELETE ${patch.delete!.join(', ')}` : `PATCH ${patch.workload} (Content-Type: ${patch.contentType})\n  ${JSON.stringify(patch.body)}`)));
        io.stdout(`\nDry run: nothing is written. The requests would be:\n${requests.join('\n')}\n`);
      }
      setExitCode(Math.max(failedExit, planned.some((entry) => entry.plan.entries.some((planEntry) => planEntry.action === 'refuse')) ? 1 : 0));
      return;
    }
    const where = many ? `contexts ${planned.filter((entry) => entry.patches.length > 0).map((entry) => `"${entry.context}"`).join(', ')}` : `context "${planned[0]!.loaded.source.context ?? ''}"`;
    if (!options.yes) {
      if (!io.canPrompt) throw new KstaleError('usage', `refusing to restart ${total} workload${total === 1 ? '' : 's'} without confirmation: there is no terminal to ask on`, { hint: 'read the plan above, then run again with --yes' });
      const answer = await io.prompt(`Restart ${total} workload${total === 1 ? '' : 's'} in ${where}? [y/N] `);
      if (!/^y(es)?$/i.test(answer.trim())) {
        io.stderr('Not confirmed: nothing was written.\n');
        setExitCode(1);
        return;
      }
    }
    let interrupted = false;
    const removeHandler = io.onInterrupt(() => {
      interrupted = true;
      io.stderr('\nInterrupted: finishing the restarts under way, starting no new one.\n');
    });
    try {
      const { applyPlan } = await import('../../actions/restart.js');
      // Contexts go side by side; within one, --max-parallel and --wait pace the restarts.
      const outcomes = await Promise.all(planned.map((entry) => applyPlan(entry.loaded.client!, entry.plan, {
        now,
        annotate: Boolean(options.annotate),
        maxParallel,
        wait: Boolean(options.wait),
        timeoutMs,
        pollMs: 1000,
        continueOnError: Boolean(options.continueOnError),
        shouldStop: () => interrupted,
        progress: (line) => io.stderr(`${prefix(entry.context, line)}\n`),
      })));
      if (json) io.stdout(report((entry) => outcomes[planned.indexOf(entry)]!, false));
      else planned.forEach((entry, index) => io.stdout(prefix(entry.context, renderOutcomesTable(outcomes[index]!, renderFor(entry.context)))));
      const all = outcomes.flat().filter((outcome) => outcome.result !== 'skipped');
      setExitCode(Math.max(failedExit, all.every((outcome) => outcome.result === 'restarted') ? 0 : 1));
    } finally {
      removeHandler();
    }
  });
  return command;
}

