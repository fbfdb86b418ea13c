import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isRecord, type K8sObject } from '../../model/object.js';
import type { Problem } from '../../model/problem.js';
import { collectFiles, skipReasonFor } from './collect-files.js';
import { JSON_WITH_LINES_MAX_BYTES, parseManifestText, type ParsedDocument } from './parse-documents.js';
import { fileSource, parseJsonList } from './json-list.js';
import { slimObject } from '../slim.js';
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

const slimItem = (item: unknown) => (isRecord(item) ? slimObject(item) : item);

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
    const list = stat.isFile() && stat.size > LARGE_JSON_BYTES ? parseJsonList(fileSource(fd), options.slim ? slimItem : undefined) : undefined;
    return list ?? parseManifestText(readFileSync(fd).toString('utf8'), path);
  } finally {
    closeSync(fd);
  }
}

/** Reads every object from files, directories and stdin; a bad file or document never stops the rest. */
export function loadManifests(paths: readonly string[], options: ManifestOptions): LoadedObjects {
  const { files, problems } = collectFiles(paths);
  const objects: K8sObject[] = [];
  for (const { path, explicit, chart } of files) {
    if (chart) {
      const rendered = loadChart(path, { defaultNamespace: options.defaultNamespace, namespaceGiven: Boolean(options.namespaceGiven), valuesFiles: options.helmValues ?? [], digestValues: options.digestValues, run: options.run });
      appendAll(objects, rendered.objects);
      appendAll(problems, rendered.problems);
      continue;
    }
    const displayName = path === '-' ? STDIN_NAME : path;
    const skipReason = path === '-' ? undefined : skipReasonFor(basename(path));
    if (skipReason && !explicit) {
      const where = skipReason.endsWith('with -k') ? ` ${dirname(path)}` : '';
      problems.push({ code: 'skipped', severity: 'notice', file: displayName, message: `skipped: ${skipReason}${where}` });
      continue;
    }
    let documents: ParsedDocument[];
    try {
      documents = readDocuments(path, options);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push({ code: 'unreadable', severity: 'error', file: displayName, message: `cannot read file: ${code ?? (error as Error).message}` });
      continue;
    }
    const result = documentsToObjects(documents, { file: displayName, defaultNamespace: options.defaultNamespace, digestValues: options.digestValues });
    appendAll(objects, result.objects);
    appendAll(problems, result.problems);
    if (result.notKubernetes > 0 && result.objects.length === 0 && result.problems.length === 0) {
      problems.push({ code: 'skipped', severity: 'notice', file: displayName, message: 'skipped: not a Kubernetes manifest (no apiVersion/kind)' });
    }
  }
  return { objects, problems };
}
