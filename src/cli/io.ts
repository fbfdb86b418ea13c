/** Everything the CLI takes from the process, injected so tests run commands in-process. */
export type CliIo = Readonly<{
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => string;
  env: Readonly<Record<string, string | undefined>>;
  isTTY: boolean;
  columns: number | undefined;
  clock: () => Date;
}>;

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
  };
}
