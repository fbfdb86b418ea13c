import { count as plural } from './describe.js';
import type { ConfigChange, ImpactEffect, ImpactResult } from '../analyses/impact.js';
import type { SourceInfo } from '../model/graph.js';
import { kubectlName, namespaceOf } from './describe.js';
import { painter, renderTable, type RenderOptions } from './options.js';

export type ImpactView = Readonly<{ result: ImpactResult; source: SourceInfo; base: string }>;

function describeChange(change: ConfigChange): string {
  const parts = [
    change.keys.added.length ? `+${change.keys.added.join(', +')}` : '',
    change.keys.removed.length ? `-${change.keys.removed.join(', -')}` : '',
    change.keys.changed.length ? `~${change.keys.changed.join(', ~')}` : '',
  ].filter(Boolean);
  const extra = [change.renamedFrom ? `renamed from ${parseName(change.renamedFrom)}` : '', change.becameImmutable ? 'now immutable' : '', change.valuesCompared ? '' : 'values not compared (metadata only)'].filter(Boolean);
  return [...parts, ...extra].join('; ') || '-';
}

function parseName(ref: string): string {
  return ref.split('/').slice(2).join('/');
}

function summary(result: ImpactResult): string {
  const count = (outcome: ImpactEffect['outcome']) => result.effects.filter((effect) => effect.outcome === outcome).length;
  return `${plural(result.changes.length, 'config change')}; ${plural(result.effects.length, 'effect')}: ${count('breaks')} breaks, ${count('restart-needed')} restart-needed, ${count('rolls-on-apply')} rolls-on-apply, ${count('protected')} protected, ${count('live')} live, ${count('unaffected')} unaffected`;
}

export function renderImpactTable(view: ImpactView, options: RenderOptions): string {
  const paint = painter(options);
  const colour = { breaks: paint.red, 'restart-needed': paint.yellow, 'rolls-on-apply': paint.green, protected: paint.green, live: paint.green, unaffected: (text: string) => text };
  const changes = view.result.changes.map((change) => [namespaceOf(change.config), kubectlName(change.config), change.change, describeChange(change)]);
  const effects = view.result.effects.map((effect) => [namespaceOf(effect.workload), kubectlName(effect.workload), effect.container ?? '-', kubectlName(effect.config), colour[effect.outcome](effect.outcome), effect.keys.join(', ') || '-', effect.why]);
  const changeTable = changes.length ? `\nConfig changes:\n${renderTable(['NAMESPACE', 'CONFIG', 'CHANGE', 'KEYS'], changes, options)}\n` : '';
  const effectTable = effects.length ? `\nEffects:\n${renderTable(['NAMESPACE', 'WORKLOAD', 'CONTAINER', 'CONFIG', 'OUTCOME', 'KEYS', 'WHY'], effects, options)}\n` : '';
  return `${summary(view.result)} (against ${view.base})\n${changeTable}${effectTable}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

const ICON: Readonly<Record<ImpactEffect['outcome'], string>> = { breaks: '❌', 'restart-needed': '⚠️', 'rolls-on-apply': '🔄', protected: '🛡️', live: '✅', unaffected: '➖' };

/** A short Markdown table for a pull-request comment. */
export function renderImpactMarkdown(view: ImpactView): string {
  const lines = ['### kstale impact', '', summary(view.result), ''];
  if (view.result.effects.length > 0) {
    lines.push('| Workload | Container | Config | Outcome | Keys | Why |', '|---|---|---|---|---|---|');
    for (const effect of view.result.effects) {
      lines.push(`| \`${cell(effect.workload)}\` | ${cell(effect.container ?? '-')} | \`${cell(effect.config)}\` | ${ICON[effect.outcome]} ${effect.outcome} | ${cell(effect.keys.join(', ') || '-')} | ${cell(effect.why)} |`);
    }
    lines.push('');
  }
  if (view.result.effects.length > 0) lines.push('<details><summary>Diagram</summary>', '', '```mermaid', ...impactMermaid(view.result), '```', '', '</details>', '');
  if (view.result.changes.length > 0) {
    lines.push('<details><summary>Config changes</summary>', '', '| Config | Change | Keys |', '|---|---|---|');
    for (const change of view.result.changes) lines.push(`| \`${cell(change.config)}\` | ${change.change} | ${cell(describeChange(change))} |`);
    lines.push('', '</details>', '');
  }
  return `${lines.join('\n')}\n`;
}

const OUTCOME_STYLE: Readonly<Record<ImpactEffect['outcome'], string>> = {
  breaks: 'fill:#fdd,stroke:#c00,color:#900',
  'restart-needed': 'fill:#ffe9c7,stroke:#d80',
  'rolls-on-apply': 'fill:#def,stroke:#36c',
  protected: 'fill:#dfd,stroke:#080',
  live: 'fill:#eee,stroke:#888',
  unaffected: 'fill:#fff,stroke:#bbb,color:#888',
};
const SEVERITY: readonly ImpactEffect['outcome'][] = ['breaks', 'rolls-on-apply', 'restart-needed', 'protected', 'live', 'unaffected'];

/**
 * Changed configs → the workloads that read them, each workload coloured by its worst outcome
 * (GitHub renders mermaid in pull-request comments). An edge names the container when the
 * workload has more than one, the keys, and the outcome.
 */
export function impactMermaid(result: ImpactResult): string[] {
  const ids = new Map<string, string>();
  const idOf = (ref: string, prefix: string) => {
    if (!ids.has(ref)) ids.set(ref, `${prefix}${ids.size}`);
    return ids.get(ref)!;
  };
  const label = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;
  const lines = ['flowchart LR'];
  const changeOf = new Map(result.changes.map((change) => [change.config, change]));
  for (const config of [...new Set(result.effects.map((effect) => effect.config))]) {
    const [kind, namespace, name] = config.split('/');
    lines.push(`  ${idOf(config, 'c')}(${label(`${kind} ${namespace}/${name}: ${changeOf.get(config)?.change ?? 'unchanged'}`)})`);
  }
  const worst = new Map<string, ImpactEffect['outcome']>();
  for (const effect of result.effects) {
    const known = worst.get(effect.workload);
    if (!known || SEVERITY.indexOf(effect.outcome) < SEVERITY.indexOf(known)) worst.set(effect.workload, effect.outcome);
  }
  for (const workload of worst.keys()) {
    const [kind, namespace, name] = workload.split('/');
    lines.push(`  ${idOf(workload, 'w')}[${label(`${kind} ${namespace}/${name}`)}]`);
  }
  const containers = new Map<string, Set<string>>();
  for (const effect of result.effects) if (effect.container) containers.set(effect.workload, (containers.get(effect.workload) ?? new Set()).add(effect.container));
  for (const effect of result.effects) {
    const container = effect.container && (containers.get(effect.workload)?.size ?? 0) > 1 ? `${effect.container}: ` : '';
    lines.push(`  ${idOf(effect.config, 'c')} -->|${label(`${container}${effect.keys.join(', ') || '-'} → ${effect.outcome}`)}| ${idOf(effect.workload, 'w')}`);
  }
  for (const outcome of SEVERITY) {
    const members = [...worst].filter(([, value]) => value === outcome).map(([workload]) => idOf(workload, 'w'));
    if (members.length === 0) continue;
    lines.push(`  classDef ${outcome.replace(/-/g, '_')} ${OUTCOME_STYLE[outcome]}`, `  class ${members.join(',')} ${outcome.replace(/-/g, '_')}`);
  }
  return lines;
}

export function impactDocument(view: ImpactView): Record<string, unknown> {
  return {
    apiVersion: 'kstale/v1',
    kind: 'Impact',
    source: view.source,
    base: view.base,
    changes: view.result.changes.map(({ config, change, keys, renamedFrom, becameImmutable, valuesCompared }) => ({ config, change, keys, renamedFrom, becameImmutable, valuesCompared })),
    effects: view.result.effects,
  };
}
