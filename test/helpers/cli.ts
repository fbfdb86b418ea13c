import { spawnSync } from 'node:child_process';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { join } from 'node:path';
import { BIN, REPO_ROOT } from './paths.js';

export type CliRun = { code: number; stdout: string; stderr: string };

/** Runs the CLI in-process with captured output; `tty` pretends stdout is a terminal. */
export async function runCli(args: string[], options: { stdin?: string; env?: Record<string, string>; tty?: boolean; columns?: number; answer?: string; interruptAfter?: number } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: () => options.stdin ?? '',
    env: options.env ?? {},
    isTTY: options.tty ?? false,
    columns: options.columns ?? 120,
    clock: () => new Date('2026-11-24T16:00:00Z'),
    canPrompt: options.answer !== undefined,
    prompt: async (question) => {
      stderr += question;
      return options.answer ?? '';
    },
    onInterrupt: (handler) => {
      const timer = options.interruptAfter === undefined ? undefined : setTimeout(handler, options.interruptAfter);
      return () => clearTimeout(timer);
    },
  };
  const code = await main(['node', 'kstale', ...args], io);
  return { code, stdout, stderr };
}

/** Spawns bin/kstale.js as a user would, with a bare environment and no colour. */
export function spawnCli(args: string[], options: { stdin?: string; env?: Record<string, string>; bin?: string } = {}): CliRun {
  const result = spawnSync(process.execPath, [options.bin ? join(REPO_ROOT, options.bin) : BIN, ...args], {
    cwd: REPO_ROOT,
    input: options.stdin ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...options.env },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
