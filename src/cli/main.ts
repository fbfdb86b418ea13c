import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isKstaleError } from '../model/errors.js';
import { auditCommand } from './commands/audit.js';
import { authCommand } from './commands/auth.js';
import { graphCommand } from './commands/graph.js';
import { impactCommand } from './commands/impact.js';
import { lintCommand } from './commands/lint.js';
import { restartCommand } from './commands/restart.js';
import { whoUsesCommand } from './commands/who-uses.js';
import { processIo, type CliIo } from './io.js';

/** The version of the kstale package this file belongs to (dist/ or a test build below the root). */
function packageVersion(): string {
  for (let up = '../../'; up.length <= 12; up += '../') {
    try {
      const manifest = JSON.parse(readFileSync(new URL(`${up}package.json`, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (manifest.name === 'kstale') return manifest.version;
    } catch {
      // not at this level
    }
  }
  return 'unknown';
}

export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const version = packageVersion();
  const program = new Command('kstale')
    .description('Which workloads use which ConfigMaps and Secrets, which pods hold stale config, and what to restart.')
    .version(version, '--version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  for (const command of [whoUsesCommand(io, setExitCode), auditCommand(io, setExitCode), graphCommand(io, setExitCode), lintCommand(io, setExitCode, version), restartCommand(io, setExitCode), impactCommand(io, setExitCode), authCommand(io, setExitCode)]) {
    program.addCommand(command.configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).exitOverride());
  }
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 findings, 2 usage/input/cluster errors. */
export async function main(argv: readonly string[], injected?: CliIo): Promise<number> {
  const io = injected ?? (await processIo());
  let exitCode = 0;
  const debug = argv.includes('--debug');
  try {
    await buildProgram(io, (code) => (exitCode = code)).parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (isKstaleError(error)) {
      io.stderr(`kstale: error: ${error.message}\n${error.hint ? `  hint: ${error.hint}\n` : ''}`);
      if (debug && error.cause) io.stderr(`${String((error.cause as Error).stack ?? error.cause)}\n`);
      return 2;
    }
    if (debug) throw error;
    io.stderr(`kstale: internal error: ${(error as Error).message ?? String(error)}\n  (this is a bug; run again with --debug for the stack trace)\n`);
    return 2;
  }
}
