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

export async function processIo(): Promise<CliIo> {
  const { readFileSync } = await import('node:fs');
  // `kstale … | head`: a closed pipe ends the output quietly, as kubectl does.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: () => readFileSync(0, 'utf8'),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    columns: process.stdout.columns,
    clock: () => new Date(),
    canPrompt: Boolean(process.stdin.isTTY && process.stderr.isTTY),
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
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}
