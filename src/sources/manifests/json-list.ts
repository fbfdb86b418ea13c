import type { ParsedDocument } from './parse-documents.js';

/*
 * A large `kubectl get -o json` dump is one List whose items are almost all of it. Parsing it
 * whole keeps the full tree of every pod alive until the last item is read, and the collector
 * then walks hundreds of megabytes again and again. Parsed item by item, each item's tree dies
 * young once `eachItem` has kept what it needs; and the file is read as bytes, never as one
 * giant string.
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

const isBlank = (byte: number | undefined) => byte === SPACE || byte === TAB || byte === NEWLINE || byte === CARRIAGE_RETURN;

function skipBlanks(bytes: Buffer, from: number): number {
  let at = from;
  while (at < bytes.length && isBlank(bytes[at])) at++;
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
 * The `}` that closes an item: the first one after `from` that stands alone on its line after
 * exactly the items' indentation. Found by jumping from `}` to `}` (memchr); a multi-byte
 * search is several times slower, as every deeper line starts like the pattern.
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

/** The byte ranges of the array's items, or undefined when the layout is not one item block per indentation. */
function itemRanges(bytes: Buffer, open: number): { ranges: number[]; close: number } | undefined {
  // The first item: a line break after `[`, then the item's indentation and `{`.
  let lineBreak = open + 1;
  while (bytes[lineBreak] === SPACE || bytes[lineBreak] === TAB || bytes[lineBreak] === CARRIAGE_RETURN) lineBreak++;
  if (bytes[lineBreak] !== NEWLINE) return undefined;
  let start = lineBreak + 1;
  while (bytes[start] === SPACE || bytes[start] === TAB) start++;
  if (bytes[start] !== OPEN_BRACE) return undefined;
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const indentation = view.slice(lineBreak + 1, start);
  const ranges: number[] = [];
  for (;;) {
    const close = itemClose(bytes, view, indentation, start + 1);
    if (close < 0) return undefined;
    ranges.push(start, close + 1);
    const next = skipBlanks(bytes, close + 1);
    if (bytes[next] === CLOSE_BRACKET) return { ranges, close: next };
    if (bytes[next] !== COMMA) return undefined;
    start = skipBlanks(bytes, next + 1);
    if (bytes[start] !== OPEN_BRACE) return undefined;
  }
}

/**
 * The one document of a large JSON List file, its items parsed one by one and passed through
 * `eachItem` (which may slim them), or undefined when the file is not such a List: then the
 * caller parses it whole. Lines are not tracked: every item is at line 1, as for any large JSON.
 */
export function parseJsonListBytes(bytes: Buffer, eachItem: (item: unknown) => unknown = (item) => item): ParsedDocument[] | undefined {
  const begin = UTF8_BOM.every((byte, index) => bytes[index] === byte) ? UTF8_BOM.length : 0;
  if (bytes[skipBlanks(bytes, begin)] !== OPEN_BRACE) return undefined;
  const open = itemsArrayOpening(bytes, begin);
  if (open === undefined) return undefined;
  const found = itemRanges(bytes, open);
  if (!found) return undefined;
  let top: unknown;
  try {
    top = JSON.parse(bytes.toString('utf8', begin, open) + MARKER_JSON + bytes.toString('utf8', found.close + 1));
  } catch {
    return undefined;
  }
  if (typeof top !== 'object' || top === null || Array.isArray(top)) return undefined;
  const list = top as Record<string, unknown>;
  if (list.items !== MARKER || typeof list.kind !== 'string' || !list.kind.endsWith('List')) return undefined;
  const items: unknown[] = new Array(found.ranges.length / 2);
  for (let index = 0; index < items.length; index++) {
    let item: unknown;
    try {
      item = JSON.parse(bytes.toString('utf8', found.ranges[2 * index]!, found.ranges[2 * index + 1]!));
    } catch {
      return undefined;
    }
    items[index] = eachItem(item);
  }
  list.items = items;
  return [{ ok: true, value: list, line: 1, positionOf: () => undefined, warnings: [] }];
}
