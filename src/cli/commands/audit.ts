import { Command } from 'commander';
import { descriptionOf } from './catalog.js';
import { auditCluster, auditExitCode } from '../../analyses/audit.js';
import { DEFAULT_SYNC_PERIOD_MS } from '../../analyses/staleness.js';
import { AUDIT_FORMATS, auditDocument } from '../../report/index.js';
import { auditWarnings } from '../../report/render-audit.js';
import type { CliIo } from '../io.js';
import { answerForContexts } from '../contexts.js';
import { exitCodeForProblems, loadGraph } from '../load-source.js';
import { addSourceOptions, checkFormat, parseDuration, resolveNow, type SourceOptions } from '../options.js';

const FORMATS = Object.keys(AUDIT_FORMATS);

type AuditOptions = SourceOptions & { exitZero?: boolean; unused?: boolean; syncPeriod: string; protectionGrace: string };

export function auditCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const command = new Command('audit')
    .description(descriptionOf('audit'))
    .option('--exit-zero', 'exit 0 even when stale pods or missing configs are found')
    .option('--unused', 'also list configs that nothing uses')
    .option('--sync-period <duration>', 'how long the kubelet may take to refresh a mounted config', `${DEFAULT_SYNC_PERIOD_MS / 1000}s`)
    .option('--protection-grace <duration>', 'a protected workload still stale this long after a change is a failed protection', '5m')
    .addHelpText('after', `
Offline from a dump (take it with managedFields):
  kubectl get pods,rs,deploy,sts,ds,jobs,cronjobs,cm,secrets -A -o json --show-managed-fields > dump.json
  kstale audit -f dump.json -A

Examples:
  kstale audit -f dump.json -n shop -o wide
  kstale audit -f dump.json -A -o json --now 2026-11-24T16:00:00Z
  kstale audit -f dump.json -A --exit-zero   # report only`);
  addSourceOptions(command, FORMATS).action(async (options: AuditOptions) => {
    checkFormat(options.output, FORMATS);
    const syncPeriodMs = parseDuration(options.syncPeriod, '--sync-period');
    const protectionGraceMs = parseDuration(options.protectionGrace, '--protection-grace');
    const now = resolveNow(options.now, io);
    await answerForContexts(options, io, async (single, contextIo) => {
      const { loaded, built } = await loadGraph(single, contextIo, now, { kinds: ['Pod'], for: 'audit' }, { unused: Boolean(options.unused) });
      const result = auditCluster(built, { now, syncPeriodMs, protectionGraceMs });
      for (const warning of auditWarnings(result)) contextIo.stderr(`kstale: warning: ${warning}\n`);
      const found = auditExitCode(result);
      // --exit-zero silences findings, not an answer that could not be made (2).
      const code = Math.max(exitCodeForProblems(loaded.problems), options.exitZero && found === 1 ? 0 : found);
      return { document: () => auditDocument(result), render: (render) => AUDIT_FORMATS[options.output]!(result, render), code };
    }, setExitCode);
  });
  return command;
}
