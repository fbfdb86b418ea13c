import type { Graph, Reference } from '../model/graph.js';
import { parseRef, type Ref } from '../model/refs.js';
import { count, describeContainer, describeHow, describeKey, kubectlName, namespaceOf } from './describe.js';
import { compareStrings, painter, renderTable, type RenderOptions } from './options.js';
import { appendAll } from '../model/arrays.js';

function countBy(references: readonly Reference[], update: Reference['update']): number {
  return references.filter((reference) => reference.update === update).length;
}

export function graphSummary(graph: Graph): string {
  const refs = graph.references;
  const missingRequired = graph.missing.filter((entry) => !entry.optional).length;
  return (
    `${count(graph.workloads.length, 'workload')}, ${count(graph.configs.length, 'config')}, ${count(refs.length, 'reference')} ` +
    `(${countBy(refs, 'restart')} ${countBy(refs, 'restart') === 1 ? 'needs' : 'need'} a restart on change, ${countBy(refs, 'live')} live, ${countBy(refs, 'none')} none); ` +
    `${graph.missing.length} missing (${missingRequired} required); ${graph.unused.length} unused`
  );
}

type MissingRow = Readonly<{ config: Ref; key: string | null; optional: boolean; referencedBy: readonly Ref[]; runningPods?: readonly Ref[] }>;

/** Missing configs and keys, for graph and audit alike; audit adds the running pods they strand. */
export function renderMissing(entries: readonly MissingRow[], options: RenderOptions): string {
  if (entries.length === 0) return '';
  const paint = painter(options);
  const withPods = entries.some((entry) => entry.runningPods !== undefined);
  const rows = entries.map((entry) => [
    namespaceOf(entry.config),
    kubectlName(entry.config),
    entry.key ?? '(whole object)',
    entry.optional ? 'no' : paint.red('yes'),
    entry.referencedBy.map(kubectlName).join(', '),
    ...(withPods ? [String(entry.runningPods?.length ?? 0), entry.optional ? 'pods start without it' : 'pods fail to start when restarted'] : []),
  ]);
  const head = ['NAMESPACE', 'CONFIG', 'KEY', 'REQUIRED', 'READ BY', ...(withPods ? ['RUNNING PODS', 'ON RESTART'] : [])];
  return `\nMissing configs and keys:\n${renderTable(head, rows, options)}\n`;
}

export function renderGraphTable(graph: Graph, options: RenderOptions & { wide?: boolean }): string {
  const paint = painter(options);
  // People read a table namespace by namespace; the JSON keeps the ref order.
  const byNamespace = [...graph.references].sort((a, b) => compareStrings(namespaceOf(a.workload), namespaceOf(b.workload)));
  const rows = byNamespace.map((reference) => [
    namespaceOf(reference.workload),
    kubectlName(reference.workload),
    describeContainer(reference),
    kubectlName(reference.config),
    describeKey(reference),
    describeHow(reference),
    reference.update === 'restart' ? paint.yellow('restart') : reference.update,
    reference.protectedBy ?? (reference.update === 'restart' ? paint.red('no') : '-'),
    ...(options.wide ? [reference.optional ? 'yes' : 'no', reference.origin ? `${reference.origin.file}:${reference.origin.line}` : '-'] : []),
  ]);
  const head = ['NAMESPACE', 'WORKLOAD', 'CONTAINER', 'CONFIG', 'KEY', 'HOW', 'ON CHANGE', 'PROTECTED', ...(options.wide ? ['OPTIONAL', 'DECLARED AT'] : [])];
  const table = rows.length > 0 ? `${renderTable(head, rows, options)}\n` : '';
  return `${graphSummary(graph)}\n\n${table}${renderMissing(graph.missing, options)}${renderUnused(graph)}`;
}

export function renderUnused(graph: Graph): string {
  return graph.unused.length > 0 ? `\nUnused configs: ${graph.unused.map((ref) => `${kubectlName(ref)} (ns ${namespaceOf(ref)})`).join(', ')}\n` : '';
}

/** Graphviz ids and labels are double-quoted strings: `"` and `\` are escaped, a line break is `\n`. */
function dotString(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;
}

/** Workloads whose references come from more than one container: their edges name the container. */
function multiContainerWorkloads(references: readonly Reference[]): Set<Ref> {
  const containers = new Map<Ref, Set<string>>();
  for (const reference of references) {
    if (reference.container === null) continue;
    const set = containers.get(reference.workload) ?? new Set<string>();
    set.add(reference.container);
    containers.set(reference.workload, set);
  }
  return new Set([...containers].filter(([, set]) => set.size > 1).map(([workload]) => workload));
}

function edgeLabel(reference: Reference, nameContainer: boolean): string {
  const how = reference.key ? `${reference.via}: ${reference.key}` : reference.via;
  return nameContainer && reference.container ? `${reference.container}: ${how}` : how;
}

function configRefs(graph: Graph): Ref[] {
  return [...new Set([...graph.configs.map((config) => config.ref), ...graph.missing.map((entry) => entry.config)])].sort();
}

/** How one edge is drawn beyond the graph's own: audit marks stale (red) and protected edges. */
export type EdgeDecoration = Readonly<{ note?: string; color?: string; bold?: boolean }>;
export type Decorate = (reference: Reference) => EdgeDecoration | undefined;

export function renderGraphDot(graph: Graph, decorate: Decorate = () => undefined): string {
  const missing = new Set(graph.missing.filter((entry) => entry.key === null).map((entry) => entry.config));
  const named = multiContainerWorkloads(graph.references);
  const lines = ['digraph kstale {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=9];'];
  for (const workload of graph.workloads) lines.push(`  ${dotString(workload.ref)} [shape=box, label=${dotString(`${workload.kind}\n${workload.namespace}/${workload.name}`)}];`);
  for (const ref of configRefs(graph)) {
    const { kind, namespace, name } = parseRef(ref);
    const style = missing.has(ref) ? ', style=dashed, color=red, fontcolor=red' : kind === 'Secret' ? ', style=filled, fillcolor="#fde2e2"' : ', style=filled, fillcolor="#e2ecfd"';
    lines.push(`  ${dotString(ref)} [shape=ellipse, label=${dotString(`${kind}\n${namespace}/${name}${missing.has(ref) ? '\n(missing)' : ''}`)}${style}];`);
  }
  for (const reference of graph.references) {
    const style = reference.update === 'restart' ? 'solid' : reference.update === 'live' ? 'dashed' : 'dotted';
    const decoration = decorate(reference);
    const label = `${edgeLabel(reference, named.has(reference.workload))}${decoration?.note ? `\n${decoration.note}` : ''}`;
    const extra = `${decoration?.color ? `, color=${dotString(decoration.color)}, fontcolor=${dotString(decoration.color)}` : ''}${decoration?.bold ? ', penwidth=2' : ''}`;
    lines.push(`  ${dotString(reference.workload)} -> ${dotString(reference.config)} [label=${dotString(label)}, style=${style}${extra}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Mermaid node ids must be plain words: each ref gets a short numbered id. */
export function renderGraphMermaid(graph: Graph, decorate: Decorate = () => undefined): string {
  const ids = new Map<Ref, string>();
  const idOf = (ref: Ref) => {
    if (!ids.has(ref)) ids.set(ref, `n${ids.size}`);
    return ids.get(ref)!;
  };
  const label = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;
  const named = multiContainerWorkloads(graph.references);
  const lines = ['flowchart LR'];
  for (const workload of graph.workloads) lines.push(`  ${idOf(workload.ref)}[${label(`${workload.kind} ${workload.namespace}/${workload.name}`)}]`);
  for (const ref of configRefs(graph)) {
    const { kind, namespace, name } = parseRef(ref);
    lines.push(`  ${idOf(ref)}(${label(`${kind} ${namespace}/${name}`)})`);
  }
  const seen = new Set<string>();
  const styles: string[] = [];
  for (const reference of graph.references) {
    const arrow = reference.update === 'restart' ? '-->' : '-.->';
    const decoration = decorate(reference);
    const text = `${edgeLabel(reference, named.has(reference.workload))}${decoration?.note ? ` · ${decoration.note}` : ''}`;
    const line = `  ${idOf(reference.workload)} ${arrow}|${label(text)}| ${idOf(reference.config)}`;
    if (seen.has(line)) continue;
    if (decoration?.color || decoration?.bold) styles.push(`  linkStyle ${seen.size} ${[decoration.color ? `stroke:${decoration.color},color:${decoration.color}` : '', decoration.bold ? 'stroke-width:3px' : ''].filter(Boolean).join(',')}`);
    lines.push(line);
    seen.add(line);
  }
  appendAll(lines, styles);
  const missing = graph.missing.filter((entry) => entry.key === null).map((entry) => idOf(entry.config));
  if (missing.length > 0) {
    lines.push('  classDef missing stroke:#d00,stroke-dasharray:4 2');
    lines.push(`  class ${missing.join(',')} missing`);
  }
  return `${lines.join('\n')}\n`;
}
