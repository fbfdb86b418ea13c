/** Everything the CLI takes from the process, injected so tests run commands in-process. */
export type CliIo = Readonly<{
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => string;
  env: Readonly<Record<string, string | undefined>>;
  isTTY: boolean;
  columns: number | undefined;
  clock: () => Date;
  /** true when a person can answer a question on the terminal */
  canPrompt: boolean;
  prompt: (question: string) => Promise<string>;
  /** registers a handler for Ctrl-C and SIGTERM; returns the function that removes it */
  onInterrupt: (handler: () => void) => () => void;
}>;

/** Writes pieces of output in blocks of about 64 KB: few writes, and no giant string. */
export function writeChunks(io: Pick<CliIo, 'stdout'>, chunks: Iterable<string>): void {
  let block = '';
  for (const chunk of chunks) {
    block += chunk;
    if (block.length >= 65_536) {
      io.stdout(block);
      block = '';
    }
  }
  if (block) io.stdout(block);
}

/** Waits, blocking the thread: reading stdin is synchronous, and a pipe may not have its data yet. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * All of standard input. readFileSync(0) fails with EAGAIN when the writer has not written yet
 * and the descriptor is non-blocking (`helm template … | kstale lint -` while helm renders), so
 * the read waits and tries again.
 */
export function readAllStdin(readChunk: (into: Buffer) => number, wait: (ms: number) => void = pause): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let read: number;
    try {
      read = readChunk(buffer);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        wait(10);
        continue;
      }
      if (code === 'EOF') break; // Windows, at the end of a pipe
      throw error;
    }
    if (read === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, read)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function processIo(): Promise<CliIo> {
  const { readSync } = await import('node:fs');
  const { isatty } = await import('node:tty');
  // `kstale … | head`: a closed pipe ends the output quietly; the run still ends with the exit code
  // it would have had (lint's 1 survives `| head -1`), and a watch stops as on Ctrl-C.
  let stdoutClosed = false;
  const interruptHandlers = new Set<() => void>();
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutClosed = true;
    for (const handler of interruptHandlers) handler();
  });
  return {
    stdout: (text) => {
      if (!stdoutClosed) process.stdout.write(text);
    },
    stderr: (text) => process.stderr.write(text),
    readStdin: () => readAllStdin((into) => readSync(0, into, 0, into.length, null)),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    columns: process.stdout.columns,
    clock: () => new Date(),
    // isatty, not process.stdin.isTTY: creating process.stdin makes a piped stdin non-blocking.
    canPrompt: isatty(0) && isatty(2),
    prompt: async (question) => {
      const { createInterface } = await import('node:readline/promises');
      const reader = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await reader.question(question);
      } finally {
        reader.close();
      }
    },
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      interruptHandlers.add(handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
        interruptHandlers.delete(handler);
      };
    },
  };
}
