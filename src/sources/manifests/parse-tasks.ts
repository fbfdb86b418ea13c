import { closeSync, openSync, readFileSync } from 'node:fs';
import { isRecord } from '../../model/object.js';
import { listItemReader, metadataOnly } from '../slim.js';
import { fileSource, parseItemRange } from './json-list.js';
import { documentOf, parseManifestParts, type DocumentParts, type ParsedDocument } from './parse-documents.js';

/*
 * The parsing that may run on another thread (parallel.ts), and how its answer crosses: parsed
 * trees are sent as JSON text (JSON.parse rebuilds them faster than any structured clone, and far
 * faster than js-yaml parses YAML), with the offsets of their nodes listed in walk order so the
 * main thread can point at lines as if it had parsed the file itself.
 */

/** A small file read whole, or a range of a large List's items (cut between items, json-list.ts). */
export type ParseTask =
  | Readonly<{ kind: 'file'; path: string; /** impact: whole objects, not the metadata of kinds kstale does not read */ keepWhole: boolean }>
  | Readonly<{ kind: 'items'; path: string; from: number; to: number; indentation: readonly number[]; slim: boolean; /** slim.ts isUnaskedNamespace */ onlyNamespace?: string }>;

export type ItemsParsed = Readonly<{ items: unknown[]; closedAt?: number }>;

/** What a task answers on the thread that uses it: a file's documents, a range's items, or undefined when it must be done the usual way. */
export type TaskResult = ParsedDocument[] | ItemsParsed | undefined;

type WireDocument =
  | (DocumentParts & { ok: false })
  | Readonly<{ ok: true; json: string; line: number; warnings: readonly { line: number; message: string }[]; positions?: { text: string; lineOffset: number; lastKeyWins: boolean; walkOffsets?: Int32Array } }>;

/** What a worker sends back; `undefined` (a file that could not be read, or a value JSON cannot carry): the main thread does it itself. */
export type WireResult = { documents: WireDocument[] } | { json: string; closedAt?: number } | undefined;

function readItems(task: ParseTask & { kind: 'items' }): ItemsParsed | undefined {
  const fd = openSync(task.path, 'r');
  try {
    const read = parseItemRange(fileSource(fd, task.from, task.to), Uint8Array.from(task.indentation), listItemReader(task));
    // Where the list ends, in the file (the range's source counts from its start).
    return read && (read.closedAt === undefined ? read : { ...read, closedAt: task.from + read.closedAt });
  } finally {
    closeSync(fd);
  }
}

function readFileParts(path: string): DocumentParts[] {
  return parseManifestParts(readFileSync(path).toString('utf8'), path);
}

/** The task done on the thread that uses the answer. */
export function runTaskHere(task: ParseTask): TaskResult {
  return task.kind === 'items' ? readItems(task) : readFileParts(task.path).map(documentOf);
}

/** A walk bigger than this is an alias bomb or a cycle: the main thread parses such a file as it always did. */
const MAX_WALKED_NODES = 5_000_000;

/**
 * Every mapping and sequence of a value in walk order (arrays by index, objects by Object.keys,
 * which JSON keeps), with its recorded offset or -1; undefined when JSON would not carry the value
 * unchanged (NaN, ±Infinity, -0) or it is too large to walk.
 */
function walkOffsets(value: unknown, offsets: Map<object, number> | undefined): number[] | undefined {
  const walked: number[] = [];
  let safe = true;
  const visit = (node: unknown): void => {
    if (!safe) return;
    if (typeof node === 'number') {
      if (!Number.isFinite(node) || Object.is(node, -0)) safe = false;
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (walked.length >= MAX_WALKED_NODES) {
      safe = false;
      return;
    }
    walked.push(offsets?.get(node) ?? -1);
    if (Array.isArray(node)) for (const item of node) visit(item);
    else for (const key of Object.keys(node)) visit((node as Record<string, unknown>)[key]);
  };
  visit(value);
  return safe ? walked : undefined;
}

/**
 * What the main thread will keep of a document: of an object of a kind kstale does not read
 * (a CRD, RBAC, a Service) only its identity and metadata (to-objects.ts does the same), so the
 * rest need not cross. impact (`keepWhole`) compares whole objects.
 */
function keptOf(value: unknown, keepWhole: boolean): unknown {
  if (keepWhole || !isRecord(value) || typeof value.kind !== 'string' || value.kind.endsWith('List')) return value;
  return metadataOnly(value) ?? value;
}

function documentToWire(parts: DocumentParts, keepWhole: boolean): WireDocument | undefined {
  if (!parts.ok) return parts;
  const value = keptOf(parts.value, keepWhole);
  const walked = walkOffsets(value, parts.positions?.offsets);
  if (!walked) return undefined;
  // undefined (an empty document) has no JSON: it is sent as null, which documentsToObjects skips alike.
  const json = value === undefined ? 'null' : JSON.stringify(value);
  const positions = parts.positions && { text: parts.positions.text, lineOffset: parts.positions.lineOffset, lastKeyWins: parts.positions.lastKeyWins, ...(parts.positions.offsets ? { walkOffsets: Int32Array.from(walked) } : {}) };
  return { ok: true, json, line: parts.line, warnings: parts.warnings, ...(positions ? { positions } : {}) };
}

/** The task done on a worker, answered as plain data. */
export function runTaskForWire(task: ParseTask): WireResult {
  try {
    if (task.kind === 'items') {
      const read = readItems(task);
      return read && { json: JSON.stringify(read.items), ...(read.closedAt === undefined ? {} : { closedAt: read.closedAt }) };
    }
    const documents: WireDocument[] = [];
    for (const parts of readFileParts(task.path)) {
      const wire = documentToWire(parts, task.keepWhole);
      if (!wire) return undefined;
      documents.push(wire);
    }
    return { documents };
  } catch {
    return undefined;
  }
}

/** The offsets of a value's nodes from the list walkOffsets made of its twin on the worker. */
function offsetsFromWalk(value: unknown, walked: Int32Array): Map<object, number> {
  const offsets = new Map<object, number>();
  let next = 0;
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const offset = walked[next++]!;
    if (offset >= 0) offsets.set(node, offset);
    if (Array.isArray(node)) for (const item of node) visit(item);
    else for (const key of Object.keys(node)) visit((node as Record<string, unknown>)[key]);
  };
  visit(value);
  return offsets;
}

function documentFromWire(wire: WireDocument): ParsedDocument {
  if (!wire.ok) return wire;
  const value: unknown = JSON.parse(wire.json);
  const positions = wire.positions && { text: wire.positions.text, lineOffset: wire.positions.lineOffset, lastKeyWins: wire.positions.lastKeyWins, ...(wire.positions.walkOffsets ? { offsets: offsetsFromWalk(value, wire.positions.walkOffsets) } : {}) };
  return documentOf({ ok: true, value, line: wire.line, warnings: wire.warnings, sharesText: false, ...(positions ? { positions } : {}) });
}

/** A worker's answer, made usable on the main thread. */
export function resultFromWire(wire: WireResult): TaskResult {
  if (wire === undefined) return undefined;
  if ('documents' in wire) return wire.documents.map(documentFromWire);
  return { items: JSON.parse(wire.json) as unknown[], ...(wire.closedAt === undefined ? {} : { closedAt: wire.closedAt }) };
}
