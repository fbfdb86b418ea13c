import { Option, type Command } from 'commander';
import { KstaleError } from '../model/errors.js';
import { defaultJobs, MAX_JOBS } from '../sources/manifests/parallel.js';
import type { RenderOptions } from '../report/index.js';
import type { CliIo } from './io.js';
import type { ClusterTarget } from '../sources/cluster/connect.js';

/** Options every reading command shares, spelled as kubectl spells them. */
export type SourceOptions = {
  filename?: string[];
  kustomize?: string[];
  helmValues?: string[];
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  /** --context a,b or repeated: one or more kubeconfig contexts */
  context?: string[];
  allContexts?: boolean;
  maxContexts?: string;
  kubeconfig?: string;
  output: string;
  color: boolean;
  debug?: boolean;
  now?: string;
  requestTimeout: string;
  secretKeys?: boolean;
  /** --timeline NS/NAME, or false for --no-timeline */
  timeline?: string | false;
  /** --jobs: threads that parse files */
  jobs?: string;
};

const collect = (value: string, previous: string[] = []) => [...previous, value];
const collectNames = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((name) => name.trim()).filter(Boolean)];

export function addSourceOptions(command: Command, formats: readonly string[], reads: { files: boolean } = { files: true }): Command {
  // A command that follows a live cluster offers no file options it would refuse.
  if (reads.files) {
    command
      .option('-f, --filename <path>', 'manifest file or directory (recursive), repeatable; - reads stdin', collect)
      .option('-k, --kustomize <dir>', 'a kustomize overlay, rendered with kubectl kustomize (repeatable)', collect)
      .option('--helm-values <file>', 'values file for Helm charts found under -f (rendered with helm template when installed; repeatable)', collect);
    command.addOption(jobsOption());
  }
  return command
    .option('-n, --namespace <ns>', 'only this namespace (without it: every namespace of files, the context\'s of a cluster); also the namespace of objects that name none (default "default")')
    .option('-A, --all-namespaces', 'look in every namespace')
    .option('-l, --selector <selector>', 'only workloads and pods with these labels (app=web, tier in (a,b), !canary)')
    .option('--context <names>', 'kubeconfig context(s) to read (live cluster): a,b or repeated', collectNames)
    .option('--all-contexts', 'read every context of the kubeconfig')
    .option('--max-contexts <n>', 'contexts read at the same time', '4')
    .option('--kubeconfig <path>', 'kubeconfig file (live cluster)')
    .option('--request-timeout <duration>', 'give up on an API request after this long (live cluster; 0: never)', '30s')
    .option('--secret-keys', 'read whole Secrets to learn their key names (needs get/list secrets; values are dropped at once)')
    .option('--timeline <ns/name>', 'the value timeline kept by kstale watch --timeline (live cluster; default: kstale/kstale-timeline when readable)')
    .option('--no-timeline', 'judge staleness by managedFields only, ignoring any value timeline')
    .addOption(new Option('-o, --output <format>', `output format: ${formats.join('|')}`).default('table'))
    .option('--no-color', 'never colour the output (also NO_COLOR=1)')
    .option('--now <time>', 'the current time, RFC 3339 (reproducible output)')
    .option('--debug', 'show stack traces of unexpected errors');
}

/** -j, --jobs: how many threads parse the files read (parallel.ts). */
export function jobsOption(): Option {
  return new Option('-j, --jobs <n>', `threads that parse files (default: the cores available, at most ${MAX_JOBS}, and 1 below 4 cores; 1: this thread only)`);
}

/** The --jobs value, or the default for this machine. */
export function parseJobs(text: string | undefined): number {
  if (text === undefined) return defaultJobs();
  if (!/^[1-9]\d*$/.test(text)) throw new KstaleError('usage', `--jobs "${text}" is not a positive whole number`, { hint: 'example: --jobs 4 (or --jobs 1 for no worker threads)' });
  return Number(text);
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

/** How to render for this terminal. chalk is loaded only when it can matter: colour on a terminal. */
export async function renderOptionsFor(options: Pick<SourceOptions, 'color'>, io: CliIo): Promise<RenderOptions> {
  // NO_COLOR: any non-empty value disables colour (no-color.org).
  const color = options.color && io.isTTY && !io.env.NO_COLOR;
  const width = io.isTTY ? io.columns ?? 120 : Number.MAX_SAFE_INTEGER;
  // chalk 5 reads no NO_COLOR by itself: the caller decides, and level 1 is plain ANSI colours.
  const paint = color ? new (await import('chalk')).Chalk({ level: 1 }) : undefined;
  return { color, width, ...(paint ? { paint } : {}) };
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Go/kubectl durations (90s, 2m, 1h30m, 500ms, 1.5s) or plain seconds; in milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== trimmed) {
    throw new KstaleError('usage', `${flag} "${text}" is not a duration`, { hint: 'examples: 90s, 2m, 1h30m, 500ms' });
  }
  return parts.reduce((total, part) => total + Number(part[1]) * DURATION_UNITS_MS[part[2]!]!, 0);
}

/** The cluster a command talks to, from kubectl's flags. */
export function clusterTargetOf(options: { kubeconfig?: string; context?: string | readonly string[]; requestTimeout: string }, io: Pick<CliIo, 'env'>): ClusterTarget {
  const contexts = typeof options.context === 'string' ? [options.context] : options.context ?? [];
  if (contexts.length > 1) throw new KstaleError('usage', `this command reads one context at a time, not ${contexts.join(', ')}`, { hint: 'audit, who-uses and graph take several contexts' });
  return { kubeconfig: options.kubeconfig, context: contexts[0], env: io.env, timeoutMs: parseDuration(options.requestTimeout, '--request-timeout') };
}
