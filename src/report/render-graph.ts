import type { Graph, Reference } from '../model/graph.js';
import { parseRef, type Ref } from '../model/refs.js';
import { count, describeContainer, describeHow, describeKey, kubectlName, namespaceOf } from './describe.js';
import { compareStrings, painter, renderTable, type RenderOptions } from './options.js';

function countBy(references: readonly Reference[], update: Reference['update']): number {
  return references.filter((reference) => reference.update === update).length;
}

export function graphSummary(graph: Graph): string {
  const refs = graph.references;
  const missingRequired = graph.missing.filter((entry) => !entry.optional).length;
  return (
    `${count(graph.workloads.length, 'workload')}, ${count(graph.configs.length, 'config')}, ${count(refs.length, 'reference')} ` +
    `(${countBy(refs, 'restart')} need a restart on change, ${countBy(refs, 'live')} live, ${countBy(refs, 'none')} none); ` +
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
    reference.protectedBy ?? '-',
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

function edgeLabel(reference: Reference): string {
  return reference.key ? `${reference.via}: ${reference.key}` : reference.via;
}

function configRefs(graph: Graph): Ref[] {
  return [...new Set([...graph.configs.map((config) => config.ref), ...graph.missing.map((entry) => entry.config)])].sort();
}

export function renderGraphDot(graph: Graph): string {
  const missing = new Set(graph.missing.filter((entry) => entry.key === null).map((entry) => entry.config));
  const lines = ['digraph kstale {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=9];'];
  for (const workload of graph.workloads) lines.push(`  ${dotString(workload.ref)} [shape=box, label=${dotString(`${workload.kind}\n${workload.namespace}/${workload.name}`)}];`);
  for (const ref of configRefs(graph)) {
    const { kind, namespace, name } = parseRef(ref);
    const style = missing.has(ref) ? ', style=dashed, color=red' : kind === 'Secret' ? ', style=filled, fillcolor="#fde2e2"' : ', style=filled, fillcolor="#e2ecfd"';
    lines.push(`  ${dotString(ref)} [shape=ellipse, label=${dotString(`${kind}\n${namespace}/${name}`)}${style}];`);
  }
  for (const reference of graph.references) {
    const style = reference.update === 'restart' ? 'solid' : reference.update === 'live' ? 'dashed' : 'dotted';
    lines.push(`  ${dotString(reference.workload)} -> ${dotString(reference.config)} [label=${dotString(edgeLabel(reference))}, style=${style}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Mermaid node ids must be plain words: each ref gets a short numbered id. */
export function renderGraphMermaid(graph: Graph): string {
  const ids = new Map<Ref, string>();
  const idOf = (ref: Ref) => {
    if (!ids.has(ref)) ids.set(ref, `n${ids.size}`);
    return ids.get(ref)!;
  };
  const label = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;
  const lines = ['flowchart LR'];
  for (const workload of graph.workloads) lines.push(`  ${idOf(workload.ref)}[${label(`${workload.kind} ${workload.namespace}/${workload.name}`)}]`);
  for (const ref of configRefs(graph)) {
    const { kind, namespace, name } = parseRef(ref);
    lines.push(`  ${idOf(ref)}(${label(`${kind} ${namespace}/${name}`)})`);
  }
  const seen = new Set<string>();
  for (const reference of graph.references) {
    const arrow = reference.update === 'restart' ? '-->' : '-.->';
    const line = `  ${idOf(reference.workload)} ${arrow}|${label(edgeLabel(reference))}| ${idOf(reference.config)}`;
    if (!seen.has(line)) lines.push(line);
    seen.add(line);
  }
  const missing = graph.missing.filter((entry) => entry.key === null).map((entry) => idOf(entry.config));
  if (missing.length > 0) {
    lines.push('  classDef missing stroke:#d00,stroke-dasharray:4 2');
    lines.push(`  class ${missing.join(',')} missing`);
  }
  return `${lines.join('\n')}\n`;
}
