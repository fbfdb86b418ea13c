import type { AuditResult } from '../analyses/audit.js';
import { PRECISIONS } from '../analyses/managed-fields.js';
import { configJson, referenceJson, workloadJson } from './graph-json.js';
import { count, describeKey, kubectlName, namespaceOf } from './describe.js';
import { ageBetween } from './durations.js';
import { painter, renderTable, type RenderOptions } from './options.js';
import { renderMissing, renderUnused, type Decorate } from './render-graph.js';

export function auditSummary(result: AuditResult): string {
  const stalePods = new Set(result.staleness.stale.map((entry) => entry.pod)).size;
  const required = result.missing.filter((entry) => !entry.optional).length;
  const optional = result.missing.length - required;
  const counts = result.podCounts;
  const ignored = counts.pending + counts.terminating + counts.finished;
  return (
    `${stalePods} of ${count(counts.running, 'running pod')} stale in ${count(result.staleWorkloads.length, 'workload')}; ` +
    `${count(required, 'missing config or key', 'missing configs or keys')}${optional > 0 ? ` (+${optional} optional)` : ''}; ` +
    `${count(result.unprotected.length, 'restart-needed reference')} unprotected` +
    (ignored > 0 ? `\n${count(ignored, 'pod')} not audited (${counts.pending} pending, ${counts.terminating} terminating, ${counts.finished} finished)` : '') +
    `\nchange times: ${PRECISIONS.map((precision) => `${result.precision[precision]} ${precision}`).join(', ')}` +
    timelineLine(result)
  );
}

/** Whether a value timeline judged by values, and what it covers. */
function timelineLine(result: AuditResult): string {
  const timeline = result.graph.source.timeline;
  if (!timeline) return result.graph.source.type === 'cluster' ? '\nvalue timeline: none (kstale watch --timeline NS/NAME keeps one): staleness by managedFields' : '';
  return `\nvalue timeline ${timeline.configMap}: begins ${timeline.begins}, saved ${timeline.savedAt}; containers it covers are judged by values (exact), the rest by managedFields`;
}

function staleTable(result: AuditResult, options: RenderOptions): string {
  if (result.staleWorkloads.length === 0) return '';
  const now = result.graph.source.now;
  const rows = result.staleWorkloads.flatMap((workload) => {
    const rollout = workload.controllers.length > 1 ? ` (${workload.controllers.length} ReplicaSets: rollout in progress)` : '';
    return workload.changes.map((change) => [
      namespaceOf(workload.workload),
      kubectlName(workload.workload),
      `${workload.stalePods}/${workload.pods}${rollout}`,
      kubectlName(change.config),
      change.key ?? '(any key)',
      change.changedAt,
      ageBetween(change.changedAt, now),
      change.precision,
      workload.protectedBy === null ? '-' : workload.protectionFailed ? `${workload.protectedBy} (failed)` : workload.protectedBy,
    ]);
  });
  return `\nStale workloads (oldest change first):\n${renderTable(['NAMESPACE', 'WORKLOAD', 'STALE PODS', 'CONFIG', 'KEY', 'CHANGED', 'AGO', 'PRECISION', 'PROTECTED'], rows, options)}\n`;
}

function podTable(result: AuditResult, options: RenderOptions): string {
  const entries = [...result.staleness.stale.map((entry) => ({ entry, state: 'stale' })), ...result.staleness.syncing.map((entry) => ({ entry, state: 'syncing' }))];
  if (entries.length === 0) return '';
  const rows = entries.map(({ entry, state }) => [
    namespaceOf(entry.pod),
    kubectlName(entry.pod),
    kubectlName(entry.workload),
    entry.container ?? '-',
    kubectlName(entry.config),
    describeKey({ key: entry.key, via: entry.via } as Parameters<typeof describeKey>[0]),
    entry.via,
    entry.startedAt,
    entry.changedAt,
    state,
  ]);
  return `\nPods and containers:\n${renderTable(['NAMESPACE', 'POD', 'WORKLOAD', 'CONTAINER', 'CONFIG', 'KEY', 'VIA', 'STARTED', 'CHANGED', 'STATE'], rows, options)}\n`;
}

/** What audit warns about as a whole (no pods, unverifiable references, no managedFields): for stderr, never the answer. */
export function auditWarnings(result: AuditResult): string[] {
  return result.findings.filter((finding) => finding.object === null).map((finding) => finding.message);
}

function notes(result: AuditResult, options: RenderOptions): string {
  const paint = painter(options);
  const lines: string[] = [];
  const failed = result.staleWorkloads.filter((workload) => workload.protectionFailed);
  if (failed.length > 0) {
    lines.push(`${paint.red('protection failed:')} ${failed.map((workload) => `${kubectlName(workload.workload)} (${workload.protectedBy})`).join(', ')} ${failed.length === 1 ? 'is' : 'are'} still stale past the grace period: the protector missed the change. \`kstale explain\` says why; \`restart --affected\` includes ${failed.length === 1 ? 'it' : 'them'}.`);
  }
  if (result.unprotected.length > 0) lines.push(`${result.unprotected.length} references need a restart on change and nothing restarts their workload: \`kstale lint\` lists them.`);
  return lines.length > 0 ? `\n${lines.join('\n')}\n` : '';
}

export function renderAuditTable(result: AuditResult, options: RenderOptions & { wide?: boolean }): string {
  return `${auditSummary(result)}\n${staleTable(result, options)}${renderMissing(result.missing, options)}${options.wide ? podTable(result, options) : ''}${renderUnused(result.graph)}${notes(result, options)}`;
}

/** `kind: Audit`: the Graph document plus what audit found (DESIGN.md section 5). */
export function auditDocument(result: AuditResult): Record<string, unknown> {
  const { graph } = result;
  return {
    apiVersion: 'kstale/v1',
    kind: 'Audit',
    source: graph.source,
    summary: {
      pods: result.podCounts,
      stalePods: new Set(result.staleness.stale.map((entry) => entry.pod)).size,
      staleWorkloads: result.staleWorkloads.length,
      missing: result.missing.length,
      missingRequired: result.missing.filter((entry) => !entry.optional).length,
      unprotectedRestartReferences: result.unprotected.length,
      precision: result.precision,
    },
    stale: result.staleness.stale,
    syncing: result.staleness.syncing,
    staleWorkloads: result.staleWorkloads,
    findings: result.findings,
    workloads: graph.workloads.map(workloadJson),
    configs: graph.configs.map(configJson),
    references: graph.references.map(referenceJson),
    missing: result.missing,
    unverified: result.unverified,
    unused: graph.unused,
  };
}

/**
 * How audit draws the reference graph: a stale edge red, labelled with the key and how long ago
 * it changed; a protected one marked with what restarts it (bold when it is stale too).
 */
export function auditEdges(result: AuditResult): Decorate {
  const now = result.graph.source.now;
  const changes = new Map(result.staleWorkloads.map((workload) => [workload.workload, workload.changes]));
  return (reference) => {
    const change = changes.get(reference.workload)?.find((candidate) => candidate.config === reference.config && (candidate.key === reference.key || candidate.key === null || reference.key === null));
    const stale = reference.update === 'restart' && change !== undefined;
    const protectedNote = reference.protectedBy ? `protected: ${reference.protectedBy}` : undefined;
    if (stale) return { note: [`stale: ${change.key && change.key !== reference.key ? `${change.key} ` : ''}changed ${ageBetween(change.changedAt, now)} ago`, protectedNote].filter(Boolean).join(', '), color: '#cc0000', bold: Boolean(protectedNote) };
    return protectedNote ? { note: protectedNote, color: '#008800' } : undefined;
  };
}
