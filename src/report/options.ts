import type { ChalkInstance } from 'chalk';

/** The colours renderers use. */
export type Paint = Pick<ChalkInstance, 'bold' | 'cyan' | 'dim' | 'green' | 'red' | 'yellow'>;

export type RenderOptions = Readonly<{
  color: boolean;
  /** terminal width in columns (tables never wrap: kubectl's way) */
  width: number;
  /**
   * chalk, when `color` is on: the CLI loads it only then, so output to a pipe or file never
   * pays for it. Without it nothing is coloured.
   */
  paint?: Paint;
  /** several contexts in one output: every table gets a leading CONTEXT column with this name */
  context?: string;
}>;

const same = (text: unknown) => String(text);
const PLAIN = { bold: same, cyan: same, dim: same, green: same, red: same, yellow: same } as unknown as Paint;

export function painter(options: RenderOptions): Paint {
  return options.color && options.paint ? options.paint : PLAIN;
}

const GAP = 3;

/** A kubectl-style table: upper-case heads, no borders, every cell whole (columns as wide as their longest cell). */
export function renderTable(givenHead: readonly string[], givenRows: readonly (readonly string[])[], options: RenderOptions): string {
  const head = options.context === undefined ? givenHead : ['CONTEXT', ...givenHead];
  const rows = options.context === undefined ? givenRows : givenRows.map((row) => [options.context!, ...row]);
  const paint = painter(options);
  const natural = head.map((title, column) => Math.max(title.length, ...rows.map((row) => visibleLength(row[column] ?? ''))));
  // kubectl's way: every cell whole, columns as wide as their longest cell; a line may run past the edge.
  return padColumns(head.map((title) => paint.bold(title)), rows, natural);
}

/** Plain padding by visible length: colour codes count for nothing and are never split. */
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
