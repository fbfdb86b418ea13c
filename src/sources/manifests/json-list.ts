import { readSync } from 'node:fs';
import type { ParsedDocument } from './parse-documents.js';
import { SKIPPED_ITEM } from '../slim.js';

/*
 * A large `kubectl get -o json` dump is one List whose items are almost all of it. Parsing it
 * whole keeps the full tree of every pod alive until the last item is read, and the collector
 * then walks hundreds of megabytes again and again. Parsed item by item, each item's tree dies
 * young once `eachItem` has kept what it needs. The file streams through one window of a few
 * megabytes, never held whole as bytes or as a string: a fresh 171 MB buffer costs more to
 * fault in (0.47 s here) than reading the file through a reused window (0.03 s).
 *
 * Items are found by layout, not by a byte-by-byte scan: in indented JSON (kubectl, jq,
 * JSON.stringify with an indent) every item opens on its own line at one indentation and closes
 * on a line holding that indentation and `}`. A raw line break is never inside a JSON string,
 * so such a line is structure. The guess is then proved: each item must parse alone, only
 * commas and blanks may sit between items, and the file with the whole array replaced by a
 * marker must parse to a top-level `*List` whose `items` is that marker. JSON's grammar puts any
 * value where a value stands, so the items and the rest are then exactly what one JSON.parse of
 * the file gives. Anything else (compact JSON, another layout, a syntax error) answers
 * `undefined` and the caller parses the file whole, with its usual messages.
 */

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const ITEMS_KEY = Buffer.from('"items"');
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Stands in for the items array while the rest of the file is parsed; no dump holds it. */
const MARKER = '\u0000kstale:items\u0000';
const MARKER_JSON = JSON.stringify(MARKER);

const WINDOW_BYTES = 4 * 1024 * 1024;

/** Fills `into` from `at` with at most `length` bytes; 0 at the end. */
export type ByteSource = (into: Buffer, at: number, length: number) => number;

const isBlank = (byte: number | undefined) => byte === SPACE || byte === TAB || byte === NEWLINE || byte === CARRIAGE_RETURN;

/**
 * The bytes of a source seen through one window: `bytes` holds the unread part from `start`;
 * `refill` keeps what is still needed (from `keep`), moves it to the front, and reads more.
 */
class Window {
  bytes: Buffer;
  view: Uint8Array;
  private buffer: Buffer;
  done = false;
  /** where in the source `bytes` begins */
  offset = 0;

  constructor(
    private readonly source: ByteSource,
    size: number,
  ) {
    this.buffer = Buffer.allocUnsafe(size);
    this.bytes = this.buffer.subarray(0, 0);
    this.view = new Uint8Array(0);
  }

  /** Reads more after keeping the bytes from `keep` on, moved to the front (everything moves left by `keep`). */
  refill(keep: number): void {
    const kept = this.bytes.length - keep;
    this.offset += keep;
    if (kept > this.buffer.length / 2) {
      // One item takes most of the window: the window grows, so each refill still reads plenty.
      const larger = Buffer.allocUnsafe(this.buffer.length * 2);
      this.bytes.copy(larger, 0, keep);
      this.buffer = larger;
    } else {
      this.bytes.copy(this.buffer, 0, keep);
    }
    let end = kept;
    while (end < this.buffer.length) {
      const read = this.source(this.buffer, end, this.buffer.length - end);
      if (read === 0) {
        this.done = true;
        break;
      }
      end += read;
    }
    this.bytes = this.buffer.subarray(0, end);
    this.view = new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, end);
  }

  /** The rest of the source from `from` on, decoded once (a character may span two windows). */
  rest(from: number): string {
    const parts = [Buffer.from(this.bytes.subarray(from))];
    while (!this.done) {
      this.refill(this.bytes.length);
      parts.push(Buffer.from(this.bytes));
    }
    return Buffer.concat(parts).toString('utf8');
  }
}

function skipBlanks(view: Uint8Array, from: number): number {
  let at = from;
  while (at < view.length && isBlank(view[at])) at++;
  return at;
}

/** Where the `[` of a top-level-looking `"items": [` opens: the key must begin its own line. */
function itemsArrayOpening(bytes: Buffer, from: number): number | undefined {
  for (let key = bytes.indexOf(ITEMS_KEY, from); key >= 0; key = bytes.indexOf(ITEMS_KEY, key + 1)) {
    let lineStart = key;
    while (lineStart > 0 && (bytes[lineStart - 1] === SPACE || bytes[lineStart - 1] === TAB)) lineStart--;
    if (lineStart === 0 || bytes[lineStart - 1] !== NEWLINE) continue;
    const colon = skipBlanks(bytes, key + ITEMS_KEY.length);
    if (bytes[colon] !== COLON) continue;
    const open = skipBlanks(bytes, colon + 1);
    if (bytes[open] === OPEN_BRACKET) return open;
  }
  return undefined;
}

/**
 * The `}` that closes an item: the first one from `from` that stands alone on its line after
 * exactly the items' indentation, or -1 when the window holds none. Found by jumping from `}`
 * to `}` (memchr); a multi-byte search is several times slower, as every deeper line starts
 * like the pattern.
 */
function itemClose(bytes: Buffer, view: Uint8Array, indentation: Uint8Array, from: number): number {
  const width = indentation.length;
  for (let brace = bytes.indexOf(CLOSE_BRACE, from); brace >= 0; brace = bytes.indexOf(CLOSE_BRACE, brace + 1)) {
    if (view[brace - width - 1] !== NEWLINE) continue;
    let matched = 0;
    while (matched < width && view[brace - width + matched] === indentation[matched]) matched++;
    if (matched === width) return brace;
  }
  return -1;
}

/** How a large List is laid out: the text before its items, their indentation, and where the first one opens. */
export type ListLayout = Readonly<{ prefix: string; indentation: Uint8Array; firstItem: number }>;

/** The layout from the first window, or undefined when the bytes do not start like an indented List. */
function layoutIn(window: Window): ListLayout | undefined {
  const begin = UTF8_BOM.every((byte, index) => window.view[index] === byte) ? UTF8_BOM.length : 0;
  if (window.view[skipBlanks(window.view, begin)] !== OPEN_BRACE) return undefined;
  const open = itemsArrayOpening(window.bytes, begin);
  if (open === undefined) return undefined;
  // The first item: a line break after `[`, then the items' indentation and `{`.
  let lineBreak = open + 1;
  while (window.view[lineBreak] === SPACE || window.view[lineBreak] === TAB || window.view[lineBreak] === CARRIAGE_RETURN) lineBreak++;
  if (window.view[lineBreak] !== NEWLINE) return undefined;
  let start = lineBreak + 1;
  while (window.view[start] === SPACE || window.view[start] === TAB) start++;
  if (window.view[start] !== OPEN_BRACE) return undefined;
  return { prefix: window.bytes.toString('utf8', begin, open), indentation: window.view.slice(lineBreak + 1, start), firstItem: start };
}

/** The layout of a List in a source, read from its first window. */
export function listLayout(source: ByteSource, windowBytes = WINDOW_BYTES): ListLayout | undefined {
  const window = new Window(source, windowBytes);
  window.refill(0);
  return layoutIn(window);
}

type ItemsRead = { items: unknown[]; /** where the `]` closing the list ends, in the source; undefined when the bytes ended after a comma */ closedAt?: number };

/**
 * The items from the `{` at `from` on, each parsed alone and passed through `eachItem`, until the
 * `]` that closes the list or, after a comma, the end of the bytes (a range of a List cut between
 * items: parallel.ts). Undefined when anything but commas and blanks sits between items.
 */
function readItems(window: Window, from: number, indentation: Uint8Array, eachItem: (item: unknown) => unknown): ItemsRead | undefined {
  const items: unknown[] = [];
  let start = from;
  let searchFrom = start + 1;
  // Past the end of the window: keep from `keep` on, read more; false at the end of the source.
  const more = (keep: number): boolean => {
    if (window.done) return false;
    window.refill(keep);
    start -= keep;
    searchFrom -= keep;
    return true;
  };
  // The first byte from `start` on that is not blank, reading more while the window ends in blanks.
  const nextNonBlank = (): number => {
    let at = skipBlanks(window.view, start);
    while (at === window.bytes.length && more(start)) at = skipBlanks(window.view, start);
    return at;
  };
  for (;;) {
    const close = itemClose(window.bytes, window.view, indentation, searchFrom);
    if (close < 0) {
      // The window ends inside this item: every `}` so far was judged (by the bytes before it).
      searchFrom = window.bytes.length;
      if (!more(start)) return undefined;
      continue;
    }
    let item: unknown;
    try {
      item = JSON.parse(window.bytes.toString('utf8', start, close + 1));
    } catch {
      return undefined;
    }
    const kept = eachItem(item);
    if (kept !== SKIPPED_ITEM) items.push(kept);
    start = close + 1;
    const next = nextNonBlank();
    if (window.view[next] === CLOSE_BRACKET) return { items, closedAt: window.offset + next + 1 };
    if (window.view[next] !== COMMA) return undefined;
    start = next + 1;
    start = nextNonBlank();
    if (start === window.bytes.length) return { items };
    if (window.view[start] !== OPEN_BRACE) return undefined;
    searchFrom = start + 1;
  }
}

/**
 * The items of a range of a List's bytes that begins at an item's `{` and ends after the comma
 * that follows an item, or at the list's end (then `closedAt` says where its `]` ends). The
 * source yields the range only.
 */
export function parseItemRange(source: ByteSource, indentation: Uint8Array, eachItem: (item: unknown) => unknown = (item) => item, windowBytes = WINDOW_BYTES): ItemsRead | undefined {
  const window = new Window(source, windowBytes);
  window.refill(0);
  if (window.view[0] !== OPEN_BRACE) return undefined;
  return readItems(window, 0, indentation, eachItem);
}

/**
 * The List whose items were read: the rest of the file (its prefix, and what follows the `]` at
 * `rest`) must parse to a top-level `*List` with the items array where they stood. Undefined otherwise.
 */
export function assembleList(layout: ListLayout, rest: string, items: unknown[]): ParsedDocument[] | undefined {
  let top: unknown;
  try {
    top = JSON.parse(layout.prefix + MARKER_JSON + rest);
  } catch {
    return undefined;
  }
  if (typeof top !== 'object' || top === null || Array.isArray(top)) return undefined;
  const list = top as Record<string, unknown>;
  if (list.items !== MARKER || typeof list.kind !== 'string' || !list.kind.endsWith('List')) return undefined;
  list.items = items;
  return [{ ok: true, value: list, line: 1, positionOf: () => undefined, warnings: [], sharesText: false }];
}

/**
 * The one document of a large JSON List, its items parsed one by one and passed through
 * `eachItem` (which may slim them), or undefined when the bytes are not such a List: then the
 * caller parses them whole. Lines are not tracked: every item is at line 1, as for any large JSON.
 * The prefix up to the items must sit in the first window (kubectl writes apiVersion first).
 */
export function parseJsonList(source: ByteSource, eachItem: (item: unknown) => unknown = (item) => item, windowBytes = WINDOW_BYTES): ParsedDocument[] | undefined {
  const window = new Window(source, windowBytes);
  window.refill(0);
  const layout = layoutIn(window);
  if (!layout) return undefined;
  const read = readItems(window, layout.firstItem, layout.indentation, eachItem);
  if (!read?.closedAt) return undefined;
  return assembleList(layout, window.rest(read.closedAt - window.offset), read.items);
}

/**
 * Where a range may begin at or after `at`: the `{` of the item after the first item close found
 * there (a `}` alone on its line at the items' indentation, then a comma). Undefined when none
 * is in the bytes read, or the list ends first.
 */
export function itemStartAfter(bytes: Buffer, indentation: Uint8Array): number | undefined {
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const firstLine = bytes.indexOf(NEWLINE);
  if (firstLine < 0) return undefined;
  const close = itemClose(bytes, view, indentation, firstLine + 1);
  if (close < 0) return undefined;
  const comma = skipBlanks(view, close + 1);
  if (view[comma] !== COMMA) return undefined;
  const open = skipBlanks(view, comma + 1);
  return view[open] === OPEN_BRACE ? open : undefined;
}

/** A source that copies from bytes already in memory (tests, and any caller holding them). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  let offset = 0;
  return (into, at, length) => {
    const count = Math.min(length, bytes.length - offset);
    into.set(bytes.subarray(offset, offset + count), at);
    offset += count;
    return count;
  };
}

/** A source that reads an open file by position, from `from` up to `to`: the descriptor's own offset stays where it was. */
export function fileSource(fd: number, from = 0, to = Infinity): ByteSource {
  let position = from;
  return (into, at, length) => {
    const read = readSync(fd, into, at, Math.min(length, to - position), position);
    position += read;
    return read;
  };
}
