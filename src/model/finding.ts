import type { Ref } from './refs.js';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 3, warning: 2, info: 1 };

/** One lint finding. `rule` is a field, never part of `message`. */
export type Finding = Readonly<{
  rule: string;
  severity: Severity;
  message: string;
  /** the object to edit (DESIGN.md section 6), or null for a file that is not an object */
  object: Ref | null;
  file: string | null;
  line: number | null;
  column: number | null;
}>;
