import type { PlanEntry, RestartOutcome, RestartPlan } from '../analyses/restart-plan.js';
import { kubectlName, namespaceOf } from './describe.js';
import { painter, renderTable, type RenderOptions } from './options.js';

function why(entry: PlanEntry): string {
  return entry.why.map((reason) => `${kubectlName(reason.config)}${reason.key ? ` ${reason.key}` : ''}${reason.changedAt ? ` (changed ${reason.changedAt})` : ''}`).join(', ');
}

/** Said once per plan: what a GitOps tool does with kstale's restartedAt (patched as field manager kstale). */
function gitOpsNotes(plan: RestartPlan): string {
  const restarting = plan.entries.filter((entry) => entry.action === 'restart');
  const notes: string[] = [];
  const flux = restarting.filter((entry) => entry.gitOps === 'flux');
  if (flux.length > 0) notes.push(`Flux manages ${flux.map((entry) => kubectlName(entry.workload)).join(', ')}: its server-side apply keeps restartedAt (owned by field manager kstale), so the next reconcile does not roll it again.`);
  const argo = restarting.filter((entry) => entry.gitOps === 'argocd');
  if (argo.length > 0) {
    notes.push(`Argo CD manages ${argo.map((entry) => kubectlName(entry.workload)).join(', ')}: the app may show OutOfSync for restartedAt. To ignore it, add to the Application:`);
    notes.push(ARGO_SNIPPET);
  }
  return notes.length > 0 ? `${notes.join('\n')}\n` : '';
}

const ARGO_SNIPPET = `  spec:
    ignoreDifferences:
      - group: apps
        kind: Deployment
        managedFieldsManagers: [kstale]
    syncPolicy:
      syncOptions: [RespectIgnoreDifferences=true]`;

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
  return `Restart plan: ${restart} to restart, ${plan.entries.length - restart} skipped or refused${table}${gitOpsNotes(plan)}`;
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
