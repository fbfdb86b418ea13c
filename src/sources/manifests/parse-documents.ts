import yaml from 'js-yaml';
import type { Position } from '../../model/object.js';

/**
 * One YAML/JSON document of a file: its decoded value or why it failed, and where it starts.
 * `sharesText`: the value's strings may be slices of the document's text, which then lives as
 * long as any of them. js-yaml appends a NUL to the text (a whole copy) and cuts scalars out of
 * that copy; V8 makes a cut of 13 characters or more a slice, not a copy. JSON.parse copies.
 */
export type ParsedDocument =
  | Readonly<{ ok: true; value: unknown; line: number; positionOf: (node: object) => Position | undefined; warnings: readonly { line: number; message: string }[]; sharesText: boolean }>
  | Readonly<{ ok: false; line: number; message: string; looksLikeTemplate: boolean }>;

/*
 * Kubernetes reads YAML as data, not as YAML 1.1 with timestamps: an unquoted
 * `creationTimestamp: 2024-01-01T00:00:00Z` must stay a string, so the core schema is used
 * (plus merge keys `<<`, which kubectl's YAML reader also accepts).
 */
const yamlTypes = (yaml as unknown as { types: { merge: yaml.Type } }).types; // missing from @types/js-yaml
const SCHEMA = yaml.CORE_SCHEMA.extend([yamlTypes.merge]);

/** JSON above this size is parsed with JSON.parse (fast) and gives object lines of 1 only. */
export const JSON_WITH_LINES_MAX_BYTES = 2 * 1024 * 1024;

const NON_BLANK = /\S/g;

function isBlankOrEnd(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return Number.isNaN(c) || c === 0x0a || c === 0x20 || c === 0x09;
}

/** A `---` marker at the start of a line, alone or followed by content. */
function isDocumentStart(text: string, lineStart: number): boolean {
  return text.startsWith('---', lineStart) && isBlankOrEnd(text, lineStart + 3);
}

function isDocumentEnd(text: string, lineStart: number, lineEnd: number): boolean {
  return text.startsWith('...', lineStart) && text.slice(lineStart + 3, lineEnd).trim() === '';
}

/**
 * Splits a YAML stream into documents by hand, so that one broken document does not hide the
 * others (js-yaml's loadAll stops at the first error) and each keeps its first line. Works on
 * offsets, not arrays of lines: large files are split without copying them line by line, and
 * each document is a slice of the file (a view, not a copy, for V8) that starts at its own `---`.
 */
export function splitYamlDocuments(text: string): { text: string; firstLine: number }[] {
  const documents: { text: string; firstLine: number }[] = [];
  let start = 0; // offset where the current document's text starts (its `---`, if any)
  let contentFrom = 0; // offset after the marker, where content may begin
  let firstLine = 1;
  let line = 1;
  const flush = (end: number) => {
    // Look for content without copying the document (trim() would).
    NON_BLANK.lastIndex = contentFrom;
    const match = NON_BLANK.exec(text);
    if (match && match.index < end) documents.push({ text: text.slice(start, end), firstLine });
  };
  for (let lineStart = 0; lineStart < text.length; line++) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    if (isDocumentStart(text, lineStart)) {
      flush(lineStart);
      // Content after the marker on the same line (`--- a: 1`) belongs to the new document.
      start = lineStart;
      contentFrom = lineStart + 3;
      firstLine = line;
    } else if (isDocumentEnd(text, lineStart, lineEnd)) {
      flush(lineStart);
      start = lineEnd + 1;
      contentFrom = start;
      firstLine = line + 1;
    }
    lineStart = lineEnd + 1;
  }
  flush(text.length);
  return documents;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineAtOffset(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * A node of a block mapping opens right after `key:`; when nothing follows on that line, the
 * key's own column (the line's first non-blank character) is the useful place to point at.
 */
function positionAtOffset(text: string, starts: readonly number[], offset: number, lineOffset: number): Position {
  const line = lineAtOffset(starts, offset);
  const lineStart = starts[line - 1]!;
  const lineEnd = line < starts.length ? starts[line]! - 1 : text.length;
  let column = offset - lineStart + 1;
  if (text.slice(offset, lineEnd).trim() === '') {
    const firstNonBlank = text.slice(lineStart, lineEnd).search(/\S/);
    column = firstNonBlank < 0 ? 1 : firstNonBlank + 1;
  }
  return { line: line + lineOffset, column };
}

/**
 * The offset where js-yaml opens a document's root node: after a leading `---` marker, blanks,
 * line breaks and comments (its skipSeparationSpace). The document's line is that offset's
 * line, known without a listener.
 */
export function rootNodeOffset(text: string): number {
  let i = isDocumentStart(text, 0) ? 3 : 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23) {
      const newline = text.indexOf('\n', i);
      if (newline < 0) return text.length;
      i = newline;
    } else break;
  }
  return i;
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

type Parsed = { value: unknown; offsets?: Map<object, number> };

/** js-yaml with kstale's schema; with `recordOffsets`, the offset where every mapping and sequence opens. */
function loadYaml(text: string, lastKeyWins: boolean, recordOffsets: boolean): Parsed {
  if (!recordOffsets) return { value: yaml.load(text, { schema: SCHEMA, json: lastKeyWins }) };
  const openOffsets: number[] = [];
  // A Map, not a WeakMap: the nodes live as long as the objects anyway, and ephemerons slow the GC.
  const offsets = new Map<object, number>();
  const value = yaml.load(text, {
    schema: SCHEMA,
    json: lastKeyWins,
    listener(event, state) {
      if (event === 'open') {
        openOffsets.push(state.position);
        return;
      }
      const offset = openOffsets.pop()!;
      if (typeof state.result === 'object' && state.result !== null) offsets.set(state.result, offset);
    },
  });
  return { value, offsets };
}

/**
 * Offsets of the nodes of `value`, taken from a second parse of the same text: both trees have
 * the same shape, so they are walked side by side. Each node is visited once (aliases share nodes).
 */
function offsetsFromReparse(value: unknown, text: string, lastKeyWins: boolean): Map<object, number> {
  const again = loadYaml(text, lastKeyWins, true);
  const offsets = new Map<object, number>();
  const walk = (node: unknown, twin: unknown) => {
    if (typeof node !== 'object' || node === null || typeof twin !== 'object' || twin === null || offsets.has(node)) return;
    const offset = again.offsets!.get(twin);
    if (offset !== undefined) offsets.set(node, offset);
    if (Array.isArray(node)) node.forEach((item, index) => walk(item, (twin as unknown[])[index]));
    else for (const key of Object.keys(node)) walk((node as Record<string, unknown>)[key], (twin as Record<string, unknown>)[key]);
  };
  walk(value, again.value);
  return offsets;
}

/*
 * Positions are asked for the fields of workloads (where a reference is declared) and the items
 * of lists; ConfigMaps, Secrets, CRDs and the like are almost never asked. Recording them while
 * parsing costs a listener call per node and a map that lives as long as the objects, so they
 * are recorded up front only for documents whose top-level kind may be asked; any other
 * document is parsed a second time, with positions, on the first question (the same answer, later).
 */
const TOP_LEVEL_KIND = /^kind:[ \t]*["']?([A-Za-z0-9]+)/m;
const ASKED_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod', 'PodTemplate', 'Rollout']);

function positionsLikelyAsked(text: string): boolean {
  const kind = TOP_LEVEL_KIND.exec(text)?.[1];
  return kind === undefined || ASKED_KINDS.has(kind) || kind.endsWith('List');
}

/**
 * What a document's positions are computed from: its text, where it starts in the file, and the
 * offsets where its nodes open when they were recorded while parsing (else taken on the first question).
 */
export type DocumentPositions = Readonly<{ text: string; lineOffset: number; lastKeyWins: boolean; offsets?: Map<object, number> }>;

/**
 * A parsed document as plain data, before its positions become a function: what a parse worker
 * sends back (parallel.ts). `positions` undefined: the document has none (large JSON).
 */
export type DocumentParts =
  | Readonly<{ ok: true; value: unknown; line: number; warnings: readonly { line: number; message: string }[]; sharesText: boolean; positions?: DocumentPositions }>
  | (ParsedDocument & { ok: false });

const NO_POSITION = () => undefined;

/** The document with its positions known on request, from the offsets recorded or from a second parse. */
export function documentOf(parts: DocumentParts): ParsedDocument {
  if (!parts.ok) return parts;
  const { positions, ...document } = parts;
  if (!positions) return { ...document, positionOf: NO_POSITION };
  const { text, lineOffset, lastKeyWins } = positions;
  let offsets = positions.offsets;
  let starts: number[] | undefined;
  const positionOf = (node: object) => {
    offsets ??= offsetsFromReparse(document.value, text, lastKeyWins);
    const offset = offsets.get(node);
    if (offset === undefined) return undefined;
    starts ??= lineStarts(text);
    return positionAtOffset(text, starts, offset, lineOffset);
  };
  return { ...document, positionOf };
}

/** Parses one document; the line and column of its mappings and sequences are known on request. */
function parseWithLines(text: string, lineOffset: number, lastKeyWins = false): DocumentParts {
  try {
    const parsed = loadYaml(text, lastKeyWins, positionsLikelyAsked(text));
    const value = parsed.value;
    const line = value === undefined || value === null ? lineOffset + 1 : lineOfOffset(text, rootNodeOffset(text)) + lineOffset;
    return { ok: true, value, line, warnings: [], sharesText: true, positions: { text, lineOffset, lastKeyWins, ...(parsed.offsets ? { offsets: parsed.offsets } : {}) } };
  } catch (error) {
    const mark = (error as { mark?: { line?: number } }).mark;
    const reason = (error as { reason?: string }).reason ?? (error as Error).message;
    const errorLine = (mark?.line ?? 0) + 1 + lineOffset;
    // kubectl's YAML reader (sigs.k8s.io/yaml, non-strict) keeps the last of duplicated keys: so do we, with a warning.
    if (!lastKeyWins && reason === 'duplicated mapping key') {
      const retried = parseWithLines(text, lineOffset, true);
      if (retried.ok) return { ...retried, warnings: [{ line: errorLine, message: 'duplicated mapping key: the last value wins, as kubectl reads it' }] };
    }
    return {
      ok: false,
      line: errorLine,
      message: reason,
      looksLikeTemplate: /\{\{.*\}\}|\{\{-|-\}\}/.test(text),
    };
  }
}

function parseYamlParts(text: string): DocumentParts[] {
  return splitYamlDocuments(text).map((doc) => parseWithLines(doc.text, doc.firstLine - 1));
}

export function parseYamlText(text: string): ParsedDocument[] {
  return parseYamlParts(text).map(documentOf);
}

/**
 * JSON is checked with JSON.parse (YAML would accept a trailing comma that kubectl refuses);
 * a file small enough is then read again through js-yaml to learn its lines.
 */
function parseJsonParts(text: string): DocumentParts[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const line = position ? lineAtOffset(lineStarts(text), Number(position[1])) : 1;
    return [{ ok: false, line, message: message.replace(/^Unexpected/, 'unexpected'), looksLikeTemplate: false }];
  }
  if (text.length <= JSON_WITH_LINES_MAX_BYTES) {
    const withLines = parseWithLines(text, 0);
    if (withLines.ok) return [withLines];
  }
  return [{ ok: true, value, line: 1, warnings: [], sharesText: false }];
}

/** JSON or YAML by content: a file named .json that holds YAML is still read. */
export function parseManifestParts(text: string, fileName: string): DocumentParts[] {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Files written on Windows: `---\r` must still split documents, and lines must still count.
  const stripped = withoutBom.includes('\r') ? withoutBom.replace(/\r\n?/g, '\n') : withoutBom;
  const trimmed = stripped.trimStart();
  if (fileName.endsWith('.json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const json = parseJsonParts(stripped);
    if (json[0]!.ok || fileName.endsWith('.json')) return json;
  }
  return parseYamlParts(stripped);
}

export function parseManifestText(text: string, fileName: string): ParsedDocument[] {
  return parseManifestParts(text, fileName).map(documentOf);
}
