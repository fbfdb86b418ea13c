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
  if (view.result.changes.length > 0) {
    lines.push('<details><summary>Config changes</summary>', '', '| Config | Change | Keys |', '|---|---|---|');
    for (const change of view.result.changes) lines.push(`| \`${cell(change.config)}\` | ${change.change} | ${cell(describeChange(change))} |`);
    lines.push('', '</details>', '');
  }
  return `${lines.join('\n')}\n`;
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
