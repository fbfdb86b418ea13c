import { Option, type Command } from 'commander';
import { KstaleError } from '../model/errors.js';
import type { RenderOptions } from '../report/index.js';
import type { CliIo } from './io.js';

/** Options every reading command shares, spelled as kubectl spells them. */
export type SourceOptions = {
  filename?: string[];
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  context?: string;
  kubeconfig?: string;
  output: string;
  color: boolean;
  debug?: boolean;
  now?: string;
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addSourceOptions(command: Command, formats: readonly string[]): Command {
  return command
    .option('-f, --filename <path>', 'manifest file or directory (recursive), repeatable; - reads stdin', collect)
    .option('-n, --namespace <ns>', 'namespace to look in, and the namespace of objects that name none (default "default")')
    .option('-A, --all-namespaces', 'look in every namespace')
    .option('-l, --selector <selector>', 'only workloads and pods with these labels (app=web, tier in (a,b), !canary)')
    .option('--context <name>', 'kubeconfig context to read (live cluster)')
    .option('--kubeconfig <path>', 'kubeconfig file (live cluster)')
    .addOption(new Option('-o, --output <format>', `output format: ${formats.join('|')}`).default('table'))
    .option('--no-color', 'never colour the output (also NO_COLOR=1)')
    .option('--now <time>', 'the current time, RFC 3339 (reproducible output)')
    .option('--debug', 'show stack traces of unexpected errors');
}

export function checkFormat(format: string, formats: readonly string[]): void {
  if (!formats.includes(format)) {
    throw new KstaleError('usage', `unknown output format "${format}"`, { hint: `allowed: ${formats.join(', ')}` });
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

export function resolveNow(option: string | undefined, io: CliIo): string {
  if (option === undefined) return io.clock().toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (!RFC3339.test(option) || Number.isNaN(Date.parse(option))) {
    throw new KstaleError('usage', `--now "${option}" is not an RFC 3339 time`, { hint: 'example: --now 2026-11-24T15:30:00Z' });
  }
  return new Date(option).toISOString().replace(/\.000Z$/, 'Z');
}

export function renderOptionsFor(options: SourceOptions, io: CliIo): RenderOptions {
  // NO_COLOR: any non-empty value disables colour (no-color.org).
  const color = options.color && io.isTTY && !io.env.NO_COLOR;
  return { color, width: io.isTTY ? io.columns ?? 120 : Number.MAX_SAFE_INTEGER };
}

/** kubectl-style durations: 90s, 2m, 1h30m, or plain seconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (/^\d+$/.test(text.trim())) return Number(text) * 1000;
  if (!match || text.trim() === '') throw new KstaleError('usage', `${flag} "${text}" is not a duration`, { hint: 'examples: 90s, 2m, 1h30m' });
  return ((Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 60 + Number(match[3] ?? 0)) * 1000;
}
