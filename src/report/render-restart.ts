import type { PlanEntry, RestartOutcome, RestartPlan } from '../analyses/restart-plan.js';
import { kubectlName, namespaceOf } from './describe.js';
import { painter, renderTable, type RenderOptions } from './options.js';

function why(entry: PlanEntry): string {
  return entry.why.map((reason) => `${kubectlName(reason.config)}${reason.key ? ` ${reason.key}` : ''}${reason.changedAt ? ` (changed ${reason.changedAt})` : ''}`).join(', ');
}

export function renderPlanTable(plan: RestartPlan, options: RenderOptions): string {
  const paint = painter(options);
  const restart = plan.entries.filter((entry) => entry.action === 'restart').length;
  const rows = plan.entries.map((entry) => [
    namespaceOf(entry.workload),
    kubectlName(entry.workload),
    entry.action === 'restart' ? paint.green(entry.method === 'delete-pods' ? 'delete pods' : 'restart') : entry.action === 'refuse' ? paint.red('refuse') : paint.yellow('skip'),
    `${entry.stalePods}/${entry.pods}`,
    why(entry),
    entry.protectedBy ?? '-',
    entry.note || '-',
  ]);
  const table = rows.length > 0 ? `\n${renderTable(['NAMESPACE', 'WORKLOAD', 'ACTION', 'STALE PODS', 'WHY', 'PROTECTED', 'NOTE'], rows, options)}\n` : '\n';
  return `Restart plan: ${restart} to restart, ${plan.entries.length - restart} skipped or refused${table}`;
}

export function renderOutcomesTable(outcomes: readonly RestartOutcome[], options: RenderOptions): string {
  const paint = painter(options);
  const colour = { restarted: paint.green, skipped: paint.yellow, refused: paint.red, failed: paint.red, 'not-started': paint.red };
  const rows = outcomes.map((outcome) => [namespaceOf(outcome.workload), kubectlName(outcome.workload), colour[outcome.result](outcome.result), outcome.detail || '-']);
  const count = (result: RestartOutcome['result']) => outcomes.filter((outcome) => outcome.result === result).length;
  return `\n${renderTable(['NAMESPACE', 'WORKLOAD', 'RESULT', 'DETAIL'], rows, options)}\n\n${count('restarted')} restarted, ${count('skipped')} skipped, ${count('refused')} refused, ${count('failed')} failed, ${count('not-started')} not started\n`;
}

export function restartDocument(plan: RestartPlan, outcomes: readonly RestartOutcome[] | null, dryRun: boolean, patches: readonly unknown[]): Record<string, unknown> {
  return { apiVersion: 'kstale/v1', kind: 'RestartReport', dryRun, plan: plan.entries, patches, outcomes };
}
