import { Command } from 'commander';
import { descriptionOf } from './catalog.js';
import { auditCluster } from '../../analyses/audit.js';
import { explainWorkload } from '../../analyses/explain.js';
import { DEFAULT_SYNC_PERIOD_MS } from '../../analyses/staleness.js';
import { editDistance } from '../../graph/queries.js';
import { KstaleError } from '../../model/errors.js';
import { makeRef, parseRef } from '../../model/refs.js';
import { renderJson, renderYaml, type Renderer } from '../../report/index.js';
import { explainDocument, renderExplainText, type ExplainView } from '../../report/render-explain.js';
import { answerForContexts } from '../contexts.js';
import type { CliIo } from '../io.js';
import { exitCodeForProblems, loadGraph } from '../load-source.js';
import { addSourceOptions, checkFormat, parseDuration, resolveNow, type SourceOptions } from '../options.js';
import { parseConfigTarget, parseWorkloadTarget } from '../target.js';

const EXPLAIN_FORMATS: Readonly<Record<string, Renderer<ExplainView>>> = {
  table: renderExplainText,
  json: (view) => renderJson(explainDocument(view)),
  yaml: (view) => renderYaml(explainDocument(view)),
};
const FORMATS = Object.keys(EXPLAIN_FORMATS);

type ExplainOptions = SourceOptions & { config?: string; protectionGrace: string };

export function explainCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const command = new Command('explain')
    .description(descriptionOf('explain'))
    .argument('<workload>', 'deployment/NAME, sts/NAME, ds/NAME, cronjob/NAME, job/NAME, rollout/NAME, pod/NAME')
    .option('--config <config>', 'only this config (cm/NAME, secret/NAME)')
    .option('--protection-grace <duration>', 'a protected workload still stale this long after a change is a failed protection', '5m')
    .addHelpText('after', `
Examples:
  kstale explain deployment/web -n shop                 # live cluster
  kstale explain deploy/gateway -n payments -f dump.json
  kstale explain deployment/web -n shop --config cm/web-config -o json`);
  addSourceOptions(command, FORMATS).action(async (target: string, options: ExplainOptions) => {
    checkFormat(options.output, FORMATS);
    const { kind, name } = parseWorkloadTarget(target);
    const config = options.config ? parseConfigTarget(options.config) : undefined;
    const protectionGraceMs = parseDuration(options.protectionGrace, '--protection-grace');
    const now = resolveNow(options.now, io);
    if (options.allNamespaces) throw new KstaleError('usage', 'explain is about one workload: name its namespace with -n, not -A');
    await answerForContexts(options, io, async (single, contextIo) => {
      const { loaded, built } = await loadGraph(single, contextIo, now, { kinds: ['Pod'], for: `explain ${target}` }, { unused: false });
      // Without -n on files, the one workload of that kind and name in any namespace.
      const found = [...built.index.extracted.keys()].filter((ref) => { const candidate = parseRef(ref); return candidate.kind === kind && candidate.name === name && (loaded.scope === null || candidate.namespace === loaded.scope); });
      if (found.length > 1) throw new KstaleError('usage', `${kind} ${name} is in several namespaces: ${found.map((ref) => parseRef(ref).namespace).join(', ')}`, { hint: 'say which with -n' });
      const namespace = found.length === 1 ? parseRef(found[0]!).namespace : loaded.scope ?? loaded.namespace;
      const workload = makeRef(kind, namespace, name);
      const audit = auditCluster(built, { now, syncPeriodMs: DEFAULT_SYNC_PERIOD_MS, protectionGraceMs });
      const explanation = explainWorkload(built, audit, workload, config ? makeRef(config.kind, namespace, config.name) : null);
      if (!explanation) {
        const near = [...built.index.extracted.keys()].filter((ref) => {
          const candidate = parseRef(ref);
          return candidate.namespace === namespace && (candidate.kind === kind || candidate.name === name) && editDistance(candidate.name, name, 3) <= 3;
        });
        throw new KstaleError('input', `${kind} ${namespace}/${name} is not in the source`, { hint: near.length > 0 ? `did you mean ${near.map((ref) => `${parseRef(ref).kind.toLowerCase()}/${parseRef(ref).name}`).join(', ')}?` : `kstale graph -n ${namespace} lists the workloads there` });
      }
      const view: ExplainView = { source: loaded.source, explanation };
      return { document: () => explainDocument(view), render: (render) => EXPLAIN_FORMATS[options.output]!(view, render), code: exitCodeForProblems(loaded.problems) };
    }, setExitCode);
  });
  return command;
}
