import type { ConfigNode, Missing, Reference, SourceInfo } from '../model/graph.js';
import type { ConfigQuery } from '../graph/queries.js';
import { parseRef, type Ref } from '../model/refs.js';
import { configJson, referenceJson } from './graph-json.js';
import { count, describeContainer, describeHow, describeKey, kubectlName, namespaceOf } from './describe.js';
import { painter, renderTable, type RenderOptions } from './options.js';

export type WhoUsesView = Readonly<{
  source: SourceInfo;
  query: ConfigQuery;
  configs: readonly ConfigNode[];
  matched: readonly Ref[];
  references: readonly Reference[];
  missing: readonly Missing[];
  nearNames: readonly Ref[];
  /** workloads a Reloader restarts on a change of a matched config although they do not read it (a reload-list match) */
  reloadedWithoutReading?: readonly { config: Ref; workload: Ref; why: string }[];
  /** with pods in the source: per workload, running pods and how many hold this config stale */
  podsByWorkload?: Readonly<Record<Ref, { pods: number; stale: number }>>;
}>;

export function whoUsesDocument(view: WhoUsesView): Record<string, unknown> {
  const workloads = new Set(view.references.map((reference) => reference.workload));
  return {
    apiVersion: 'kstale/v1',
    kind: 'WhoUses',
    source: view.source,
    query: view.query,
    declared: view.configs.length > 0,
    configs: view.configs.map(configJson),
    references: view.references.map(referenceJson),
    missing: view.missing,
    summary: {
      workloads: workloads.size,
      references: view.references.length,
      restart: view.references.filter((reference) => reference.update === 'restart').length,
      live: view.references.filter((reference) => reference.update === 'live').length,
      none: view.references.filter((reference) => reference.update === 'none').length,
      unprotectedRestart: view.references.filter((reference) => reference.update === 'restart' && reference.protectedBy === null).length,
    },
    nearNames: view.nearNames,
    reloadedWithoutReading: view.reloadedWithoutReading ?? [],
    ...(view.podsByWorkload ? { pods: view.podsByWorkload } : {}),
  };
}

function queryName(query: ConfigQuery): string {
  const where = query.namespace === null ? 'in any namespace' : `in namespace ${query.namespace}`;
  return `${query.kind} ${query.name}${query.key ? ` (key ${query.key})` : ''} ${where}`;
}

function headline(view: WhoUsesView, ref: Ref, references: readonly Reference[]): string {
  const config = view.configs.find((candidate) => candidate.ref === ref);
  const { kind, namespace, name } = parseRef(ref);
  const workloads = new Set(references.map((reference) => reference.workload)).size;
  const restart = references.filter((reference) => reference.update === 'restart').length;
  const live = references.filter((reference) => reference.update === 'live').length;
  const producer = config?.producedBy ? `, made by ${parseRef(config.producedBy).kind} ${parseRef(config.producedBy).namespace}/${parseRef(config.producedBy).name}` : '';
  const declared = config ? `${config.keysFrom === null ? 'keys not readable' : `${count(config.keys.length, 'key')}${config.keysFrom === 'managedFields' ? ' (from managedFields)' : ''}`}${config.immutable ? ', immutable' : ''}${producer}` : 'NOT DECLARED in the source';
  return `${kind} ${namespace}/${name} (${declared}): used by ${workloads} workload${workloads === 1 ? '' : 's'}, ${references.length} reference${references.length === 1 ? '' : 's'} (${restart} ${restart === 1 ? 'needs' : 'need'} a restart on change, ${live} live)`;
}

function stalePods(counts: { pods: number; stale: number } | undefined): string {
  return counts ? `${counts.stale}/${counts.pods}` : '-';
}

export function renderWhoUsesTable(view: WhoUsesView, options: RenderOptions & { wide?: boolean }): string {
  const paint = painter(options);
  if (view.matched.length === 0) {
    const near = view.nearNames.length > 0 ? `\nDid you mean: ${view.nearNames.map((ref) => `${kubectlName(ref)} (ns ${namespaceOf(ref)})`).join(', ')}?` : '';
    return `${queryName(view.query)} is not declared in the source and nothing references it.${near}\n`;
  }
  const sections: string[] = [];
  for (const ref of view.matched) {
    const references = view.references.filter((reference) => reference.config === ref);
    const missingKeys = view.missing.filter((entry) => entry.config === ref && entry.key !== null);
    const isMissing = (reference: Reference) => reference.key !== null && missingKeys.some((entry) => entry.key === reference.key);
    const rows = references.map((reference) => [
      namespaceOf(reference.workload),
      kubectlName(reference.workload),
      describeContainer(reference),
      isMissing(reference) ? `${describeKey(reference)} ${paint.red('(MISSING)')}` : describeKey(reference),
      describeHow(reference),
      reference.optional ? 'yes' : 'no',
      reference.update === 'restart' ? paint.yellow('restart') : reference.update,
      reference.protectedBy ?? (reference.update === 'restart' ? paint.red('no') : '-'),
      ...(view.podsByWorkload ? [stalePods(view.podsByWorkload[reference.workload])] : []),
      ...(options.wide ? [reference.origin ? `${reference.origin.file}:${reference.origin.line}` : '-'] : []),
    ]);
    const head = ['NAMESPACE', 'WORKLOAD', 'CONTAINER', 'KEY', 'HOW', 'OPTIONAL', 'ON CHANGE', 'PROTECTED', ...(view.podsByWorkload ? ['STALE PODS'] : []), ...(options.wide ? ['DECLARED AT'] : [])];
    const table = rows.length > 0 ? `\n${renderTable(head, rows, options)}` : '';
    const warning = '';
    const alsoRestarted = (view.reloadedWithoutReading ?? []).filter((entry) => entry.config === ref).map((entry) => `\nReloader also restarts ${kubectlName(entry.workload)} on a change of it, which it does not read: ${entry.why}`).join('');
    sections.push(`${headline(view, ref, references)}${warning}${table}${alsoRestarted ? `${alsoRestarted}\n` : ''}\n`);
  }
  return sections.join('\n');
}

/** What who-uses warns about (an undeclared config, absent keys): for stderr, never the answer. */
export function whoUsesWarnings(view: WhoUsesView): string[] {
  const warnings: string[] = [];
  for (const ref of view.matched) {
    const { kind, namespace, name } = parseRef(ref);
    if (!view.configs.some((config) => config.ref === ref)) {
      warnings.push(`${kind} ${namespace}/${name} is not declared in the source: pods that need it fail to start unless every reference is optional`);
      continue;
    }
    for (const entry of view.missing.filter((missing) => missing.config === ref && missing.key !== null)) {
      warnings.push(`key ${entry.key} of ${kind} ${namespace}/${name} does not exist: ${entry.optional ? 'every reference is optional, so pods start without it' : 'pods that need it fail to start (CreateContainerConfigError)'}`);
    }
  }
  return warnings;
}
