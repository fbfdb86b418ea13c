import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../../model/problem.js';

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

/** Files that sit beside manifests but are not Kubernetes objects. */
const NOT_MANIFESTS: readonly [RegExp, string][] = [
  [/^kustomization\.ya?ml$|^Kustomization$/, 'a kustomization: read its directory rendered with -k'],
  [/^Chart\.ya?ml$/, 'a Helm Chart.yaml'],
  [/^values.*\.ya?ml$/, 'a Helm values file'],
];

/** A file to read, or a Helm chart directory (a Chart.yaml in it) to render as a whole. */
export type CollectedFile = { path: string; explicit: boolean; chart?: boolean };

const CHART_FILE = /^Chart\.ya?ml$/;

export function skipReasonFor(fileName: string): string | undefined {
  return NOT_MANIFESTS.find(([pattern]) => pattern.test(fileName))?.[1];
}

/** A directory's files in name order; a directory holding a Chart.yaml is one Helm chart, rendered as a whole. */
function walkDirectory(dir: string, files: CollectedFile[], problems: Problem[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    problems.push({ code: 'unreadable', severity: 'error', file: dir, message: `cannot read directory: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    return;
  }
  if (entries.some((entry) => CHART_FILE.test(entry.name))) {
    files.push({ path: dir, explicit: false, chart: true });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    // Hidden folders (.git, .github) and dependencies are never manifests of the app.
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walkDirectory(path, files, problems);
    else if (MANIFEST_EXTENSIONS.test(entry.name)) files.push({ path, explicit: false });
  }
}

/**
 * Expands `-f` arguments into files, directories recursively and in name order. `-` stays as is
 * (standard input). A path that does not exist or an empty directory is an error problem.
 */
export function collectFiles(paths: readonly string[]): { files: CollectedFile[]; problems: Problem[] } {
  const files: CollectedFile[] = [];
  const problems: Problem[] = [];
  for (const path of paths) {
    if (path === '-') {
      files.push({ path, explicit: true });
      continue;
    }
    let stats;
    try {
      stats = statSync(path);
    } catch {
      problems.push({ code: 'unreadable', severity: 'error', file: path, message: 'the path does not exist' });
      continue;
    }
    if (stats.isDirectory()) {
      const before = files.length;
      walkDirectory(path, files, problems);
      if (files.length === before) problems.push({ code: 'unreadable', severity: 'error', file: path, message: 'no .yaml, .yml or .json files in this directory' });
    } else if (/\.(md|markdown|txt|rst|adoc|html?|sh|py|go|ts|js|tpl|tgz|gz|tar|zip|png|jpe?g|svg)$/i.test(path)) {
      // Named on purpose but not a manifest (lint README.md): say so, rather than a YAML error.
      problems.push({ code: 'unreadable', severity: 'error', file: path, message: `not a YAML or JSON manifest (${path.slice(path.lastIndexOf('.'))}): kstale reads .yaml, .yml and .json files (or stdin with -)` });
    } else {
      files.push({ path, explicit: true });
    }
  }
  return { files, problems };
}

