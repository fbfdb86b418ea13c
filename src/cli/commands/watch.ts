import { Command } from 'commander';
import { clusterReloaders } from '../reloaders.js';
import { startTimeline } from '../timeline.js';
import { isRecord, metadataOf, type K8sObject } from '../../model/object.js';
import { reloaderContainerOf } from '../../extract/reloader.js';
import { descriptionOf } from './catalog.js';
import { isKstaleError, KstaleError } from '../../model/errors.js';
import { configScope } from '../../model/refs.js';
import type { CliIo } from '../io.js';
import type { ClusterConnection } from '../../sources/cluster/kubeconfig.js';
import { reportProblems } from '../load-source.js';
import { addSourceOptions, checkFormat, clusterTargetOf, parseDuration, renderOptionsFor, resolveNow, type SourceOptions } from '../options.js';

const FORMATS = ['table', 'json'];
const DEFAULT_SYNC_PERIOD = '90s';

type WatchCommandOptions = SourceOptions & {
  metricsAddr?: string;
  syncPeriod: string;
  watchSeconds: string;
  restartAfter?: string;
  yes?: boolean;
  dryRun?: boolean;
  maxParallel: string;
  exclude: string[];
  annotate?: boolean;
  secretValues?: boolean;
  protectionGrace: string;
};

const collect = (value: string, previous: string[]) => [...previous, value];

export function watchCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const command = new Command('watch')
    .description(descriptionOf('watch'))
    .option('--metrics-addr <host:port>', 'serve Prometheus metrics on /metrics, and /healthz, /readyz (e.g. :9090)')
    .option('--sync-period <duration>', 'how long the kubelet may take to refresh a mounted config', DEFAULT_SYNC_PERIOD)
    .option('--watch-seconds <n>', 'how long the API server keeps one watch open before it is reopened', '300')
    .option('--restart-after <duration>', 'restart a workload that has stayed stale and unprotected this long (off by default; needs --yes or --dry-run)')
    .option('-y, --yes', 'with --restart-after: restart without asking (there is no one to ask)')
    .option('--dry-run', 'with --restart-after: log what would be restarted; write nothing')
    .option('--max-parallel <n>', 'with --restart-after: workloads restarted at the same time', '1')
    .option('--exclude <kind/name>', 'with --restart-after: never restart this workload (repeatable)', collect, [])
    .option('--annotate', 'with --restart-after: also set kstale.io/restarted-for on the pod template')
    .option('--protection-grace <duration>', 'a protected reference still stale this long after its change is exported as kstale_protection_failed', '5m')
    .option('--secret-values', 'judge Secrets by their values too (needs get/list/watch secrets; values are hashed with a key that lives only in this process, then dropped)')
    .addHelpText('after', `
Lists every resource kstale reads, then watches it from the list's resourceVersion (bookmarks,
relist on 410 Gone, reconnect with backoff). Prints the current state once, then one line per
change of verdict: Stale, Fresh, Missing, Found. SIGTERM or Ctrl-C ends it (exit 0).

Examples:
  kstale watch -A
  kstale watch -n shop -o json | jq -c 'select(.type == "Stale")'
  kstale watch -A --metrics-addr :9090`);
  addSourceOptions(command, FORMATS, { files: false }).action(async (options: WatchCommandOptions) => {
    checkFormat(options.output, FORMATS);
    if (options.filename?.length) throw new KstaleError('usage', 'watch follows a live cluster: -f is not possible', { hint: 'kstale audit -f … judges files once' });
    const syncPeriodMs = parseDuration(options.syncPeriod, '--sync-period');
    const protectionGraceMs = parseDuration(options.protectionGrace, '--protection-grace');
    const watchSeconds = Number(options.watchSeconds);
    if (!Number.isInteger(watchSeconds) || watchSeconds < 1) throw new KstaleError('usage', `--watch-seconds "${options.watchSeconds}" is not a positive whole number`);
    const restartAfterMs = options.restartAfter === undefined ? undefined : parseDuration(options.restartAfter, '--restart-after');
    if (restartAfterMs !== undefined && !options.yes && !options.dryRun) throw new KstaleError('usage', '--restart-after restarts workloads unattended: add --yes (or --dry-run to log what it would do)');
    const maxParallel = Number(options.maxParallel);
    if (!Number.isInteger(maxParallel) || maxParallel < 1) throw new KstaleError('usage', `--max-parallel "${options.maxParallel}" is not a positive whole number`);
    const fixedNow = options.now === undefined ? undefined : resolveNow(options.now, io);
    const now = () => fixedNow ?? resolveNow(undefined, io);
    const [{ LiveState, watchEvents }, { openCluster, resolveNamespaces }, { watchCluster, watchedResources }, { watchEventJson, watchEventLine }, { createWatchMetrics, parseListenAddress, serveMetrics }, { contextsAskedFor, ioForContext }] = await Promise.all([
      import('../../analyses/live.js'),
      import('../../sources/cluster/connect.js'),
      import('../../sources/cluster/watch.js'),
      import('../../report/render-watch.js'),
      import('../watch-metrics.js'),
      import('../contexts.js'),
    ]);
    const render = await renderOptionsFor(options, io);
    if (options.metricsAddr) parseListenAddress(options.metricsAddr); // a bad address fails before any request
    const contexts = await contextsAskedFor(options, io);
    const many = contexts !== undefined;
    const controller = new AbortController();
    const failures: KstaleError[] = [];

    /** One watched context: its connection, live state, readiness, and (optionally) its auto-restart. */
    const follow = async (context: string | undefined) => {
      const contextIo = ioForContext(io, context);
      const connection = await openCluster(clusterTargetOf({ ...options, context: context === undefined ? options.context : [context] }, io));
      const namespaces = resolveNamespaces(options.allNamespaces ? 'all' : options.namespace !== undefined ? [options.namespace] : 'context', connection);
      const watched = await watchedResources(connection.client, namespaces);
      const key = (plural: string, namespace: string | null) => `${plural}@${namespace ?? '*'}`;
      const waitingForList = new Set(watched.map((entry) => key(entry.resource.plural, entry.namespace)));
      const disconnected = new Set(waitingForList);
      const state = new LiveState();
      // Judged by values: a timeline of every watched key, kept (with --timeline) in a ConfigMap.
      const values = await startTimeline(connection.client, options, now(), contextIo);
      state.timeline = values.timeline;
      // Whether every watch was current when the watch was ended: then the timeline is true up to that moment.
      let connectedAtStop = false;
      controller.signal.addEventListener('abort', () => (connectedAtStop = synced && disconnected.size === 0));
      // Found at the start, and again when a Reloader's meta-info or Deployment changes (and every 5 minutes, for one outside the watched namespaces).
      const found = await clusterReloaders(connection.client, namespaces, []);
      state.reloaders = found.reloaders;
      reportProblems(found.problems, contextIo);
      if (found.unknownBecause) contextIo.stderr(`kstale: warning: whether a Reloader runs cannot be told (${found.unknownBecause}): Reloader annotations are not counted as protection\n`);
      let knownReloaders = JSON.stringify(state.reloaders);
      let refreshing = false;
      let refreshSoon: NodeJS.Timeout | undefined;
      const refreshReloaders = async () => {
        if (refreshing || controller.signal.aborted) return;
        refreshing = true;
        try {
          const again = await clusterReloaders(connection.client, namespaces, state.allObjects()).catch(() => undefined);
          // What cannot be read now keeps the last answer.
          if (!again || again.unknownBecause || JSON.stringify(again.reloaders) === knownReloaders) return;
          knownReloaders = JSON.stringify(again.reloaders);
          state.reloaders = again.reloaders;
          contextIo.stderr(`kstale: Reloader ${again.reloaders.length === 0 ? 'no longer runs: its annotations protect nothing' : `runs: ${again.reloaders.map((reloader) => reloader.describedAs).join('; ')}`}\n`);
          if (synced) emit(state.judgeAll(stalenessOptions()));
        } finally {
          refreshing = false;
        }
      };
      const reloaderPeriodically = setInterval(() => void refreshReloaders(), 5 * 60_000);
      reloaderPeriodically.unref();
      controller.signal.addEventListener('abort', () => {
        clearInterval(reloaderPeriodically);
        if (refreshSoon) clearTimeout(refreshSoon);
      });
      const isReloaderObject = (object: K8sObject) =>
        (object.kind === 'ConfigMap' && metadataOf(object.raw).labels?.['reloader.stakater.com/meta-info'] === 'reloader') ||
        (object.kind === 'Deployment' && reloaderContainerOf(isRecord(object.raw.spec) && isRecord(object.raw.spec.template) && isRecord(object.raw.spec.template.spec) ? object.raw.spec.template.spec : undefined) !== undefined);
      const reloaderMayHaveChanged = (object: K8sObject) => {
        if (!synced || !isReloaderObject(object)) return;
        if (refreshSoon) clearTimeout(refreshSoon);
        refreshSoon = setTimeout(() => void refreshReloaders(), 1000);
      };
      let synced = false;
      let forbiddenPodLists = 0;
      const emit = (judged: ReturnType<InstanceType<typeof LiveState>['judge']>) => {
        for (const event of watchEvents(judged, now(), (config, configKey) => state.isMissing(config, configKey))) {
          io.stdout(options.output === 'json' ? watchEventJson(event, many ? connection.context : undefined) : `${many ? `${connection.context}  ` : ''}${watchEventLine(event, render)}`);
        }
      };
      const stalenessOptions = () => ({ now: now(), syncPeriodMs });
      const markListed = () => {
        if (synced || waitingForList.size > 0 || controller.signal.aborted) return;
        synced = true;
        // The current state once, like audit, as events; then only changes.
        emit(state.judgeAll(stalenessOptions()));
      };
      return {
        context: connection.context,
        state,
        kinds: watched.map((entry) => entry.resource),
        ready: () => synced && disconnected.size === 0,
        run: async (metrics: Awaited<ReturnType<typeof createWatchMetrics>>) => {
          const restarter = restartAfterMs === undefined ? undefined : startRestarter(restartAfterMs, connection, state, () => synced, contextIo);
          try {
            const readSecrets = Boolean(options.secretKeys || options.secretValues);
            await watchCluster(connection.client, watched, { namespaces, selector: options.selector, secretKeys: readSecrets, valueDigests: options.secretValues ? 'configmaps-and-secrets' : 'configmaps', signal: controller.signal, watchSeconds }, {
              reset: (resource, namespace, objects) => {
                for (const object of objects) values.observe('MODIFIED', object, now());
                const touched = state.reset(resource.kind, namespace, objects);
                if (synced) emit(state.judge(touched, stalenessOptions()));
              },
              change: (type, resource, object) => {
                metrics.event(resource.plural, io.clock().getTime(), connection.context);
                values.observe(type, object, now());
                reloaderMayHaveChanged(object);
                const touched = state.apply(type, object);
                if (synced) emit(state.judge(touched, stalenessOptions()));
              },
              problem: (problem) => reportProblems([problem], contextIo),
              restart: (resource, reason) => metrics.restart(resource.plural, reason, connection.context),
              forbidden: (resource, namespace) => {
                if (resource.kind === 'ConfigMap' || resource.kind === 'Secret') state.unreadConfigs.add(configScope(resource.kind, namespace));
                waitingForList.delete(key(resource.plural, namespace));
                disconnected.delete(key(resource.plural, namespace));
                if (resource.kind === 'Pod') forbiddenPodLists++;
                if (forbiddenPodLists === (namespaces?.length ?? 1)) {
                  failures.push(new KstaleError('forbidden', `cannot list pods ${namespaces === null ? 'in any namespace' : `in namespace ${namespaces.join(', ')}`} (forbidden)${many ? ` in context "${connection.context}"` : ''}: watch needs them, so there is nothing to watch`, { hint: `${namespaces === null ? `try -n ${connection.namespace} (the context's namespace), or ` : ''}run kstale auth to see what this identity may read` }));
                  controller.abort();
                }
                markListed();
              },
              listed: (resource, namespace) => {
                waitingForList.delete(key(resource.plural, namespace));
                markListed();
              },
              connected: (resource, namespace, isConnected) => {
                if (isConnected) disconnected.delete(key(resource.plural, namespace));
                else disconnected.add(key(resource.plural, namespace));
              },
            });
          } finally {
            if (restarter) await restarter.stop();
            await values.stop(now(), connectedAtStop);
          }
        },
      };
    };

    // With several contexts, one that cannot be reached is one line and an exit code of 2; the others are watched.
    let unreachable = false;
    const followers = (await Promise.all((contexts ?? [undefined]).map(async (context) => {
      try {
        return await follow(context);
      } catch (error) {
        if (!many || !isKstaleError(error)) throw error;
        io.stderr(`kstale: error: context "${context}": ${error.message}\n`);
        unreachable = true;
        return undefined;
      }
    }))).filter((follower): follower is NonNullable<typeof follower> => follower !== undefined);
    const metrics = await createWatchMetrics(followers.map(({ context, state, kinds }) => ({ context, state, kinds })), () => new Date(now()), protectionGraceMs);
    const served = options.metricsAddr ? await serveMetrics(options.metricsAddr, metrics, () => followers.every((follower) => follower.ready())) : undefined;
    if (served) io.stderr(`kstale: serving metrics on ${served.url}/metrics\n`);
    const removeHandler = io.onInterrupt(() => controller.abort());
    try {
      await Promise.all(followers.map((follower) => follower.run(metrics)));
    } finally {
      removeHandler();
      if (served) await new Promise<void>((resolve) => served.server.close(() => resolve()));
    }
    if (failures.length > 0) throw failures[0]!;
    setExitCode(unreachable ? 2 : 0);

    /**
     * Safe auto-restart: on a timer, the workloads due (stale, unprotected, for restartAfterMs)
     * go through the same plan as `kstale restart` (preflight refusals, skips, exclusions) and the
     * same writes (strategic-merge patch, 409 retried once, 403 named). At most one restart per
     * workload per restartAfterMs; a failure is logged and the next tick goes on.
     */
    function startRestarter(afterMs: number, connection: ClusterConnection, state: InstanceType<typeof LiveState>, isSynced: () => boolean, log: CliIo): { stop: () => Promise<void> } {
      const lastRestart = new Map<string, number>();
      let running: Promise<void> = Promise.resolve();
      const tick = () => {
        running = running.then(async () => {
          if (!isSynced() || controller.signal.aborted) return;
          const { dueForRestart } = await import('../../analyses/live.js');
          const nowMs = Date.parse(now());
          const due = dueForRestart(state.staleWorkloads(), lastRestart, nowMs, afterMs);
          if (due.length === 0) return;
          const [{ buildGraph }, { auditCluster }, { planRestart, targetsFromAudit, patchFor }, { applyPlan }] = await Promise.all([
            import('../../graph/build.js'),
            import('../../analyses/audit.js'),
            import('../../analyses/restart-plan.js'),
            import('../../actions/restart.js'),
          ]);
          const built = buildGraph(state.allObjects(), { type: 'cluster', context: connection.context, now: now() }, { unreadConfigs: state.unreadConfigs, reloaders: state.reloaders, ...(state.timeline ? { timeline: state.timeline } : {}) });
          const audit = auditCluster(built, { now: now(), syncPeriodMs });
          const targets = targetsFromAudit(audit).filter((target) => due.includes(target.workload));
          const plan = planRestart(built, audit, targets, { includeProtected: false, deletePodsOnDeleteStrategy: false, force: false, exclude: options.exclude });
          for (const workload of due) lastRestart.set(workload, nowMs);
          for (const entry of plan.entries.filter((candidate) => candidate.action !== 'restart')) log.stderr(`kstale: restart: ${entry.workload}: ${entry.action === 'refuse' ? 'refused' : 'skipped'}: ${entry.note}\n`);
          const planned = plan.entries.filter((entry) => entry.action === 'restart');
          if (planned.length === 0) return;
          if (options.dryRun) {
            for (const entry of planned) log.stderr(`kstale: restart: ${entry.workload}: would restart (dry run): PATCH ${JSON.stringify(patchFor(entry, now(), Boolean(options.annotate))?.body)}\n`);
            return;
          }
          const outcomes = await applyPlan(connection.client, { entries: planned }, {
            now: now(),
            annotate: Boolean(options.annotate),
            maxParallel,
            wait: false,
            timeoutMs: 0,
            pollMs: 1000,
            continueOnError: true,
            shouldStop: () => controller.signal.aborted,
            progress: (line) => log.stderr(`kstale: restart: ${line}\n`),
          });
          for (const outcome of outcomes) log.stderr(`kstale: restart: ${outcome.workload}: ${outcome.result}${outcome.detail ? `: ${outcome.detail}` : ''}\n`);
        }).catch((error: unknown) => log.stderr(`kstale: restart: ${(error as Error).message}\n`));
      };
      const timer = setInterval(tick, Math.max(200, Math.min(afterMs / 4, 10_000)));
      return {
        stop: async () => {
          clearInterval(timer);
          await running;
        },
      };
    }
  });
  return command;
}
