import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { K8sObject } from '../../model/object.js';
import type { Problem } from '../../model/problem.js';
import { collectFiles, skipReasonFor, type CollectedFile } from './collect-files.js';
import { JSON_WITH_LINES_MAX_BYTES, parseManifestText, type ParsedDocument } from './parse-documents.js';
import { assembleList, fileSource, itemStartAfter, listLayout, parseJsonList, type ListLayout } from './json-list.js';
import { runParseTasks } from './parallel.js';
import type { ParseTask, TaskResult } from './parse-tasks.js';
import { listItemReader } from '../slim.js';
import { documentsToObjects } from './to-objects.js';
import { loadChart, type Runner } from './render.js';
import { appendAll } from '../../model/arrays.js';

export type LoadedObjects = { objects: K8sObject[]; problems: Problem[] };

export type ManifestOptions = {
  defaultNamespace: string;
  /** Reads standard input for `-`; injected so tests need no real stdin. */
  readStdin?: () => string;
  /** keep digests of config values (impact compares them) */
  digestValues?: boolean;
  /** whether -n was given (a Helm chart is rendered into that namespace) */
  namespaceGiven?: boolean;
  /** --helm-values files, in order */
  helmValues?: readonly string[];
  /** runs helm (tests inject a stand-in) */
  run?: Runner;
  /**
   * keep of each item of a large dump only what the cluster source keeps (sources/slim.ts), as it
   * is parsed: for commands that work the same on a live cluster (audit, who-uses, graph, restart)
   */
  slim?: boolean;
  /**
   * with slim: only this namespace is asked for, so a large dump's objects of other namespaces
   * may be left unread (slim.ts isUnaskedNamespace); the caller keeps only this namespace anyway
   */
  onlyNamespace?: string;
};

/** Objects from texts that are not files on disk (a git revision's blobs), named as given. */
export function loadManifestTexts(texts: readonly { name: string; text: string }[], options: ManifestOptions): LoadedObjects {
  const objects: K8sObject[] = [];
  const problems: Problem[] = [];
  for (const { name, text } of texts) {
    const result = documentsToObjects(parseManifestText(text, name), { file: name, defaultNamespace: options.defaultNamespace, digestValues: options.digestValues });
    appendAll(objects, result.objects);
    appendAll(problems, result.problems);
  }
  return { objects, problems };
}

export const STDIN_NAME = '<stdin>';

/*
 * Files are read as bytes and decoded in one step: on Node 20, readFileSync(path, 'utf8') takes
 * about twice as long as reading the bytes and decoding them (measured on a 171 MB dump).
 * UTF-8 has chars ≥ bytes / 3, so a file above this many bytes is past the size where JSON keeps lines.
 */
const LARGE_JSON_BYTES = 3 * JSON_WITH_LINES_MAX_BYTES;

/**
 * The file's documents; an error only when it cannot be read or decoded (a string is at most
 * 512 MiB). A large regular file is first tried as a JSON List read item by item (json-list.ts);
 * pipes are read once, whole.
 */
function readDocuments(path: string, options: ManifestOptions): ParsedDocument[] {
  if (path === '-') return parseManifestText((options.readStdin ?? (() => readFileSync(0, 'utf8')))(), path);
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    const list = stat.isFile() && stat.size > LARGE_JSON_BYTES ? parseJsonList(fileSource(fd), listItemReader(options)) : undefined;
    return list ?? parseManifestText(readFileSync(fd).toString('utf8'), path);
  } finally {
    closeSync(fd);
  }
}

/** Where a file's documents come from: read now, or already parsed (on several threads). */
type DocumentsOf = (path: string, fileIndex: number) => ParsedDocument[];

/** Reads every object from files, directories and stdin; a bad file or document never stops the rest. */
export function loadManifests(paths: readonly string[], options: ManifestOptions): LoadedObjects {
  const { files, problems } = collectFiles(paths);
  return objectsOfFiles(files, problems, options, (path) => readDocuments(path, options));
}

/** Why a file found in a directory is not read (a kustomization, a Helm values file); a file named on the command line is always read. */
function skipReasonOf(file: CollectedFile): string | undefined {
  return file.path === '-' || file.explicit ? undefined : skipReasonFor(basename(file.path));
}

/** A file read as one (not a chart, not stdin, not skipped): what may be parsed on another thread. */
function isPlainFile(file: CollectedFile): boolean {
  return !file.chart && file.path !== '-' && skipReasonOf(file) === undefined;
}

function objectsOfFiles(files: readonly CollectedFile[], problems: Problem[], options: ManifestOptions, documentsOf: DocumentsOf): LoadedObjects {
  const objects: K8sObject[] = [];
  files.forEach((file, fileIndex) => {
    const { path, chart } = file;
    if (chart) {
      const rendered = loadChart(path, { defaultNamespace: options.defaultNamespace, namespaceGiven: Boolean(options.namespaceGiven), valuesFiles: options.helmValues ?? [], digestValues: options.digestValues, run: options.run });
      appendAll(objects, rendered.objects);
      appendAll(problems, rendered.problems);
      return;
    }
    const displayName = path === '-' ? STDIN_NAME : path;
    const skipReason = skipReasonOf(file);
    if (skipReason) {
      const where = skipReason.endsWith('with -k') ? ` ${dirname(path)}` : '';
      problems.push({ code: 'skipped', severity: 'notice', file: displayName, message: `skipped: ${skipReason}${where}` });
      return;
    }
    let documents: ParsedDocument[];
    try {
      documents = documentsOf(path, fileIndex);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push({ code: 'unreadable', severity: 'error', file: displayName, message: `cannot read file: ${code ?? (error as Error).message}` });
      return;
    }
    const result = documentsToObjects(documents, { file: displayName, defaultNamespace: options.defaultNamespace, digestValues: options.digestValues });
    appendAll(objects, result.objects);
    appendAll(problems, result.problems);
    if (result.notKubernetes > 0 && result.objects.length === 0 && result.problems.length === 0) {
      problems.push({ code: 'skipped', severity: 'notice', file: displayName, message: 'skipped: not a Kubernetes manifest (no apiVersion/kind)' });
    }
  });
  return { objects, problems };
}

/*
 * Below this many bytes one thread reads. A worker takes about 40 ms to start (a thread, its
 * modules; measured) and runs cold code at first, while 4 MB of YAML is about 0.15 s of parsing
 * on one thread here: less could not gain, whatever the cores.
 */
export const PARALLEL_MIN_BYTES = 4 * 1024 * 1024;

/** A large List is cut in about this many ranges per thread, so that threads finishing early take more. */
const RANGES_PER_JOB = 4;
const BOUNDARY_PROBE_BYTES = 1024 * 1024;

/**
 * Ranges of a large List's items, cut between items (json-list.ts), or undefined when the file
 * is not laid out as such a List: it is then read the usual way.
 */
function itemRanges(path: string, size: number, jobs: number, onlyNamespace: string | undefined): { layout: ListLayout; tasks: ParseTask[] } | undefined {
  const fd = openSync(path, 'r');
  try {
    const layout = listLayout(fileSource(fd));
    if (!layout) return undefined;
    const count = jobs * RANGES_PER_JOB;
    const starts = [layout.firstItem];
    const probe = Buffer.allocUnsafe(BOUNDARY_PROBE_BYTES);
    for (let cut = 1; cut < count; cut++) {
      const at = layout.firstItem + Math.round((cut * (size - layout.firstItem)) / count);
      if (at <= starts[starts.length - 1]!) continue;
      const read = readSync(fd, probe, 0, probe.length, at);
      const start = itemStartAfter(probe.subarray(0, read), layout.indentation);
      if (start !== undefined) starts.push(at + start);
    }
    const indentation = [...layout.indentation];
    const tasks = starts.map((from, index): ParseTask => ({ kind: 'items', path, from, to: starts[index + 1] ?? size, indentation, slim: true, ...(onlyNamespace === undefined ? {} : { onlyNamespace }) }));
    return { layout, tasks };
  } finally {
    closeSync(fd);
  }
}

/** The List whose ranges were read: undefined unless every range ended between items and the last at the list's end. */
function listFromRanges(path: string, layout: ListLayout, results: readonly TaskResult[]): ParsedDocument[] | undefined {
  const items: unknown[] = [];
  for (const [index, result] of results.entries()) {
    if (!result || Array.isArray(result) || (result.closedAt !== undefined) !== (index === results.length - 1)) return undefined;
    appendAll(items, result.items);
  }
  const closedAt = (results[results.length - 1] as { closedAt: number }).closedAt;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const rest = Buffer.allocUnsafe(size - closedAt);
    readSync(fd, rest, 0, rest.length, closedAt);
    return assembleList(layout, rest.toString('utf8'), items);
  } finally {
    closeSync(fd);
  }
}

export type ParallelOptions = Readonly<{
  jobs: number;
  /**
   * cut a large dump into ranges of items for the threads: only when asked (--jobs given), as
   * rebuilding the slimmed items a worker sends back costs about half of the parse it saves
   * (measured on 2 cores: 10–20% slower); files of a tree follow --jobs
   */
  splitLists?: boolean;
  /** tests: below this many bytes one thread reads (default PARALLEL_MIN_BYTES) */
  minBytes?: number;
}>;

/**
 * loadManifests on `jobs` threads: files parsed by whichever thread is free, a large dump read in
 * ranges of items (when asked, and when its objects are slimmed as read, as audit and who-uses
 * do). The objects, problems and their order are exactly those of loadManifests; with one job,
 * or less to read than PARALLEL_MIN_BYTES, it is loadManifests.
 */
export async function loadManifestsInParallel(paths: readonly string[], options: ManifestOptions & ParallelOptions): Promise<LoadedObjects> {
  const { files, problems } = collectFiles(paths);
  const read = (path: string) => readDocuments(path, options);
  if (options.jobs <= 1) return objectsOfFiles(files, problems, options, read);
  const tasks: ParseTask[] = [];
  const plans = new Map<number, { first: number; count: number; layout?: ListLayout }>();
  let bytes = 0;
  files.forEach((file, fileIndex) => {
    if (!isPlainFile(file)) return;
    let size: number;
    try {
      const stat = statSync(file.path);
      if (!stat.isFile()) return;
      size = stat.size;
    } catch {
      return; // reported when it is read the usual way
    }
    if (size > LARGE_JSON_BYTES) {
      const ranges = options.slim && options.splitLists ? itemRanges(file.path, size, options.jobs, options.onlyNamespace) : undefined;
      if (!ranges) return;
      plans.set(fileIndex, { first: tasks.length, count: ranges.tasks.length, layout: ranges.layout });
      tasks.push(...ranges.tasks);
    } else {
      plans.set(fileIndex, { first: tasks.length, count: 1 });
      tasks.push({ kind: 'file', path: file.path, keepWhole: Boolean(options.digestValues) });
    }
    bytes += size;
  });
  if (bytes < (options.minBytes ?? PARALLEL_MIN_BYTES)) return objectsOfFiles(files, problems, options, read);
  const results = await runParseTasks(tasks, options.jobs);
  return objectsOfFiles(files, problems, options, (path, fileIndex) => {
    const plan = plans.get(fileIndex);
    if (!plan) return read(path);
    const answered = results.slice(plan.first, plan.first + plan.count);
    const documents = plan.layout ? listFromRanges(path, plan.layout, answered) : (answered[0] as ParsedDocument[] | undefined);
    return documents ?? read(path);
  });
}
