/**
 * A fault that stops the run: printed as one line (plus a hint) by cli/main.ts, exit code 2.
 * Anything else that is thrown is a bug and keeps its stack.
 */
export type KstaleErrorKind = 'usage' | 'input' | 'cluster' | 'forbidden';

export class KstaleError extends Error {
  readonly kind: KstaleErrorKind;
  readonly hint?: string;

  constructor(kind: KstaleErrorKind, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KstaleError';
    this.kind = kind;
    this.hint = options.hint;
  }
}

export function isKstaleError(error: unknown): error is KstaleError {
  return error instanceof KstaleError;
}
