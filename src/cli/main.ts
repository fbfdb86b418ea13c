import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isKstaleError } from '../model/errors.js';
import { COMMANDS } from './commands/catalog.js';
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

/** The command a command line asks for (`kstale audit …`, `kstale help audit`), if any. */
function requestedCommand(args: readonly string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * The program with the requested command built in full and the others as names with their
 * descriptions only: their modules are not loaded (see commands/catalog.ts).
 */
export async function buildProgram(io: CliIo, setExitCode: (code: number) => void, args: readonly string[] = [], onParseError: (message: string) => void = (message) => io.stderr(message)): Promise<Command> {
  const version = packageVersion();
  // Argument errors are said in kstale's one style (main formats them), not commander's.
  const output = { writeOut: io.stdout, writeErr: io.stderr, outputError: (message: string) => onParseError(message) };
  const program = new Command('kstale')
    .description('Which workloads use which ConfigMaps and Secrets, which pods hold stale config, and what to restart.')
    .version(version, '--version')
    // Every command takes it, before or after its name (main reads it from argv).
    .option('--debug', 'show stack traces of unexpected errors')
    .configureOutput(output)
    .configureHelp({ subcommandTerm: (command) => `${command.name()} ${COMMANDS.find((entry) => entry.name === command.name())?.usage ?? '[command]'}` })
    .exitOverride();
  const requested = requestedCommand(args);
  for (const entry of COMMANDS) {
    const command = entry.name === requested ? (await entry.load())(io, setExitCode, version) : new Command(entry.name).description(entry.description);
    program.addCommand(command.configureOutput(output).exitOverride());
  }

  return program;
}

/**
 * commander's "error: unknown command 'aduit'" / "(Did you mean audit?)" as one `kstale: error:`
 * line and a hint, like every other error of kstale.
 */
export function argumentError(message: string, command: string | undefined): string {
  const lines = message.trim().split('\n').map((line) => line.trim()).filter(Boolean);
  const first = (lines[0] ?? 'invalid arguments').replace(/^error: /, '');
  const suggestion = lines.map((line) => /^\(Did you mean (.+)\?\)$/.exec(line)?.[1]).find(Boolean);
  const known = command && COMMANDS.some((entry) => entry.name === command);
  const hint = suggestion ? `did you mean ${suggestion}?` : `${known ? `kstale ${command} --help` : 'kstale --help'} shows the usage`;
  return `kstale: error: ${first}\n  hint: ${hint}\n`;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 findings, 2 usage/input/cluster errors. */
export async function main(argv: readonly string[], injected?: CliIo): Promise<number> {
  const io = injected ?? (await processIo());
  let exitCode = 0;
  let parseError = '';
  const debug = argv.includes('--debug');
  try {
    // The completion scripts (and kubectl_complete-stale) ask with half-typed words: no parsing.
    if (argv[2] === '__complete') {
      const { complete } = await import('./commands/completion.js');
      io.stdout(await complete(argv.slice(3), io, packageVersion()));
      return 0;
    }
    await (await buildProgram(io, (code) => (exitCode = code), argv.slice(2), (message) => (parseError = message))).parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      if (error.exitCode === 0) return 0;
      io.stderr(argumentError(parseError || error.message, requestedCommand(argv.slice(2))));
      return 2;
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
