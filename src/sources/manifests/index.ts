import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { K8sObject } from '../../model/object.js';
import type { Problem } from '../../model/problem.js';
import { collectFiles, skipReasonFor } from './collect-files.js';
import { parseManifestText } from './parse-documents.js';
import { documentsToObjects } from './to-objects.js';
import { loadChart, type Runner } from './render.js';

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
};

/** Objects from texts that are not files on disk (a git revision's blobs), named as given. */
export function loadManifestTexts(texts: readonly { name: string; text: string }[], options: ManifestOptions): LoadedObjects {
  const objects: K8sObject[] = [];
  const problems: Problem[] = [];
  for (const { name, text } of texts) {
    const result = documentsToObjects(parseManifestText(text, name), { file: name, defaultNamespace: options.defaultNamespace, digestValues: options.digestValues });
    objects.push(...result.objects);
    problems.push(...result.problems);
  }
  return { objects, problems };
}

export const STDIN_NAME = '<stdin>';

function readText(path: string, options: ManifestOptions): string {
  if (path === '-') return (options.readStdin ?? (() => readFileSync(0, 'utf8')))();
  return readFileSync(path, 'utf8');
}

/** Reads every object from files, directories and stdin; a bad file or document never stops the rest. */
export function loadManifests(paths: readonly string[], options: ManifestOptions): LoadedObjects {
  const { files, problems } = collectFiles(paths);
  const objects: K8sObject[] = [];
  for (const { path, explicit, chart } of files) {
    if (chart) {
      const rendered = loadChart(path, { defaultNamespace: options.defaultNamespace, namespaceGiven: Boolean(options.namespaceGiven), valuesFiles: options.helmValues ?? [], digestValues: options.digestValues, run: options.run });
      objects.push(...rendered.objects);
      problems.push(...rendered.problems);
      continue;
    }
    const displayName = path === '-' ? STDIN_NAME : path;
    const skipReason = path === '-' ? undefined : skipReasonFor(basename(path));
    if (skipReason && !explicit) {
      const where = skipReason.endsWith('with -k') ? ` ${dirname(path)}` : '';
      problems.push({ code: 'skipped', severity: 'notice', file: displayName, message: `skipped: ${skipReason}${where}` });
      continue;
    }
    let text: string;
    try {
      text = readText(path, options);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push({ code: 'unreadable', severity: 'error', file: displayName, message: `cannot read file: ${code ?? (error as Error).message}` });
      continue;
    }
    const result = documentsToObjects(parseManifestText(text, path), { file: displayName, defaultNamespace: options.defaultNamespace, digestValues: options.digestValues });
    objects.push(...result.objects);
    problems.push(...result.problems);
    if (result.notKubernetes > 0 && result.objects.length === 0 && result.problems.length === 0) {
      problems.push({ code: 'skipped', severity: 'notice', file: displayName, message: 'skipped: not a Kubernetes manifest (no apiVersion/kind)' });
    }
  }
  return { objects, problems };
}
