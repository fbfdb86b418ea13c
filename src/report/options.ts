import type { ChalkInstance } from 'chalk';
import type Table from 'cli-table3';

/** The colours renderers use. */
export type Paint = Pick<ChalkInstance, 'bold' | 'cyan' | 'dim' | 'green' | 'red' | 'yellow'>;

export type RenderOptions = Readonly<{
  color: boolean;
  /** terminal width in columns; tables wrap their widest columns to fit */
  width: number;
  /**
   * chalk, when `color` is on: the CLI loads it only then, so output to a pipe or file never
   * pays for it. Without it nothing is coloured.
   */
  paint?: Paint;
  /** cli-table3, to wrap tables wider than `width`: loaded only when the width is finite (a terminal) */
  Table?: typeof Table;
  /** several contexts in one output: every table gets a leading CONTEXT column with this name */
  context?: string;
}>;

const same = (text: unknown) => String(text);
const PLAIN = { bold: same, cyan: same, dim: same, green: same, red: same, yellow: same } as unknown as Paint;

export function painter(options: RenderOptions): Paint {
  return options.color && options.paint ? options.paint : PLAIN;
}

const BORDERLESS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '',
  right: '', 'right-mid': '', middle: '   ',
};

const MIN_COLUMN = 8;
const GAP = 3;

/** Column widths that fit `width`: the widest columns give way first. */
export function fitColumns(natural: readonly number[], width: number): number[] {
  const widths = [...natural];
  const total = () => widths.reduce((sum, w) => sum + w, 0) + GAP * (widths.length - 1);
  while (total() > width) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= MIN_COLUMN) break;
    widths[widest] = Math.max(MIN_COLUMN, widths[widest]! - (total() - width));
  }
  return widths;
}

/** A kubectl-style table: upper-case heads, no borders, columns fitted to the terminal. */
export function renderTable(givenHead: readonly string[], givenRows: readonly (readonly string[])[], options: RenderOptions): string {
  const head = options.context === undefined ? givenHead : ['CONTEXT', ...givenHead];
  const rows = options.context === undefined ? givenRows : givenRows.map((row) => [options.context!, ...row]);
  const paint = painter(options);
  const natural = head.map((title, column) => Math.max(title.length, ...rows.map((row) => visibleLength(row[column] ?? ''))));
  const widths = fitColumns(natural, options.width);
  if (widths.every((width, column) => width === natural[column]) || !options.Table) return padColumns(head.map((title) => paint.bold(title)), rows, widths);
  const table = new options.Table({
    head: head.map((title) => paint.bold(title)),
    chars: BORDERLESS,
    colWidths: widths,
    wordWrap: true,
    wrapOnWordBoundary: false,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const row of rows) table.push([...row]);
  return table.toString().split('\n').map((line) => line.trimEnd()).join('\n');
}

/**
 * When nothing needs wrapping the table is plain padding; cli-table3 (which measures every cell
 * many times) is kept for wrapping, where it earns its cost: 15,000 rows take 11 s through it.
 */
function padColumns(head: readonly string[], rows: readonly (readonly string[])[], widths: readonly number[]): string {
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat(Math.max(0, widths[column]! - visibleLength(cell)))))
      .join(' '.repeat(GAP))
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
