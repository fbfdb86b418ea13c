import yaml from 'js-yaml';
import type { Graph } from '../model/graph.js';
import { graphDocument } from './graph-json.js';
import type { RenderOptions } from './options.js';
import { renderGraphDot, renderGraphMermaid, renderGraphTable } from './render-graph.js';
import { renderWhoUsesTable, whoUsesDocument, type WhoUsesView } from './render-who-uses.js';
import { lintDocument, renderLintGithub, renderLintJunit, renderLintTable, type LintView } from './render-lint.js';
import { sarifDocument } from './render-sarif.js';
import { auditDocument, auditEdges, renderAuditTable } from './render-audit.js';
import type { AuditResult } from '../analyses/audit.js';
import { impactDocument, renderImpactMarkdown, renderImpactTable, type ImpactView } from './render-impact.js';

export type { RenderOptions } from './options.js';
export { graphDocument } from './graph-json.js';
export { auditDocument } from './render-audit.js';
export type Renderer<View> = (view: View, options: RenderOptions) => string;

export function renderJson(document: unknown): string {
  return [...jsonChunks(document)].join('');
}

// JSON.stringify indents a value inside a wrapper exactly as it would inside the document; the
// wrapper is cut off again (cheaper than re-indenting the text).
const ARRAY_HEAD = '{\n  "x": [\n';
const ARRAY_TAIL = '\n  ]\n}';
const VALUE_HEAD = '{\n  "x": ';
const VALUE_TAIL = '\n}';

/** Elements of a top-level array, as they appear in the document (four spaces in, comma-separated). */
function arrayElements(values: readonly unknown[]): string {
  const text = JSON.stringify({ x: values }, null, 2);
  return text.slice(ARRAY_HEAD.length, text.length - ARRAY_TAIL.length);
}

/** The value of a top-level field as it appears in the document (two spaces in). */
function fieldValue(value: unknown): string {
  const text = JSON.stringify({ x: value }, null, 2);
  return text.slice(VALUE_HEAD.length, text.length - VALUE_TAIL.length);
}

const ELEMENTS_PER_PIECE = 256;

/**
 * The text of `JSON.stringify(document, null, 2)` plus a newline, piece by piece: a top-level
 * array is written a few hundred elements at a time, so a large document (audit of 20k pods)
 * is never one string.
 */
export function* jsonChunks(document: unknown): Generator<string> {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    yield `${JSON.stringify(document, null, 2)}\n`;
    return;
  }
  const entries = Object.entries(document).filter(([, value]) => value !== undefined && typeof value !== 'function');
  if (entries.length === 0) {
    yield '{}\n';
    return;
  }
  yield '{\n';
  for (const [index, [key, value]] of entries.entries()) {
    const end = index < entries.length - 1 ? ',\n' : '\n';
    if (Array.isArray(value) && value.length > ELEMENTS_PER_PIECE) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (let start = 0; start < value.length; start += ELEMENTS_PER_PIECE) {
        const last = start + ELEMENTS_PER_PIECE >= value.length;
        yield `${arrayElements(value.slice(start, start + ELEMENTS_PER_PIECE))}${last ? '\n' : ',\n'}`;
      }
      yield `  ]${end}`;
    } else {
      yield `  ${JSON.stringify(key)}: ${fieldValue(value)}${end}`;
    }
  }
  yield '}\n';
}

export function renderYaml(document: unknown): string {
  return yaml.dump(document, { noRefs: true, lineWidth: -1, quotingType: '"' });
}

/** Each command's formats: the `-o` values it accepts, mapped to pure renderers. */
export const GRAPH_FORMATS: Readonly<Record<string, Renderer<Graph>>> = {
  table: (graph, options) => renderGraphTable(graph, options),
  wide: (graph, options) => renderGraphTable(graph, { ...options, wide: true }),
  json: (graph) => renderJson(graphDocument(graph)),
  yaml: (graph) => renderYaml(graphDocument(graph)),
  dot: (graph) => renderGraphDot(graph),
  mermaid: (graph) => renderGraphMermaid(graph),
};

export const WHO_USES_FORMATS: Readonly<Record<string, Renderer<WhoUsesView>>> = {
  table: (view, options) => renderWhoUsesTable(view, options),
  wide: (view, options) => renderWhoUsesTable(view, { ...options, wide: true }),
  json: (view) => renderJson(whoUsesDocument(view)),
  yaml: (view) => renderYaml(whoUsesDocument(view)),
};

export const LINT_FORMATS: Readonly<Record<string, Renderer<LintView>>> = {
  table: renderLintTable,
  json: (view) => renderJson(lintDocument(view)),
  sarif: (view) => renderJson(sarifDocument(view)),
  github: renderLintGithub,
  junit: renderLintJunit,
};

export const AUDIT_FORMATS: Readonly<Record<string, Renderer<AuditResult>>> = {
  table: (result, options) => renderAuditTable(result, options),
  wide: (result, options) => renderAuditTable(result, { ...options, wide: true }),
  json: (result) => renderJson(auditDocument(result)),
  yaml: (result) => renderYaml(auditDocument(result)),
  dot: (result) => renderGraphDot(referencedOnly(result.graph), auditEdges(result)),
  mermaid: (result) => renderGraphMermaid(referencedOnly(result.graph), auditEdges(result)),
};

/** A picture of an audit shows the configs that something reads; the others are noise there. */
function referencedOnly(graph: Graph): Graph {
  const read = new Set(graph.references.map((reference) => reference.config));
  return { ...graph, configs: graph.configs.filter((config) => read.has(config.ref)) };
}

export const IMPACT_FORMATS: Readonly<Record<string, Renderer<ImpactView>>> = {
  table: renderImpactTable,
  markdown: renderImpactMarkdown,
  json: (view) => renderJson(impactDocument(view)),
  yaml: (view) => renderYaml(impactDocument(view)),
};
