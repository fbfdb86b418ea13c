import { spawnSync } from 'node:child_process';
import { basename, join, normalize } from 'node:path';
import { KstaleError } from '../../model/errors.js';
import { asString, isRecord, type K8sObject } from '../../model/object.js';
import type { Problem } from '../../model/problem.js';
import { parseYamlText } from './parse-documents.js';
import { documentsToObjects } from './to-objects.js';
import yaml from 'js-yaml';
import { appendAll } from '../../model/arrays.js';

/** Runs a program and gives its output, or why it could not (injected in tests). */
export type Runner = (command: string, args: readonly string[]) => { status: number | null; stdout: string; stderr: string; missing: boolean };

export const runProgram: Runner = (command, args) => {
  const result = spawnSync(command, [...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const missing = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', missing };
};

const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

/**
 * Objects of a rendered stream (kustomize, helm), each named by what rendered it and its
 * document: `overlays/prod (document 12)`, plus the source file when kustomize recorded it
 * (`buildMetadata: [originAnnotations]`).
 */
function renderedObjects(text: string, label: string, baseDir: string, defaultNamespace: string, digestValues: boolean | undefined): { objects: K8sObject[]; problems: Problem[] } {
  const objects: K8sObject[] = [];
  const problems: Problem[] = [];
  parseYamlText(text).forEach((document, index) => {
    const result = documentsToObjects([document], { file: `${label} (document ${index + 1})`, defaultNamespace, digestValues });
    appendAll(problems, result.problems);
    for (const object of result.objects) {
      const metadata = isRecord(object.raw.metadata) ? object.raw.metadata : {};
      const originText = isRecord(metadata.annotations) ? asString(metadata.annotations[ORIGIN_ANNOTATION]) : undefined;
      const origin = originText ? (yaml.load(originText) as { path?: string; configuredIn?: string; configuredBy?: { kind?: string } } | undefined) : undefined;
      // Paths in the annotation are relative to the overlay: shown relative to where kstale runs.
      const source = origin?.path ?? origin?.configuredIn;
      const by = origin?.configuredBy?.kind ? ` (${origin.configuredBy.kind})` : '';
      const file = source ? `${label} (document ${index + 1}, from ${normalize(join(baseDir, source))}${by})` : object.origin!.file;
      objects.push({ ...object, origin: { file, line: object.origin!.line } });
    }
  });
  return { objects, problems };
}

/**
 * `-k DIR`: the overlay rendered as kubectl renders it (`kubectl kustomize DIR`, or `kustomize
 * build DIR` when only that is installed), then read like `-f -`.
 */
export function loadKustomization(dir: string, options: { defaultNamespace: string; digestValues?: boolean; run?: Runner }): { objects: K8sObject[]; problems: Problem[] } {
  const run = options.run ?? runProgram;
  let result = run('kubectl', ['kustomize', dir]);
  let tool = 'kubectl kustomize';
  if (result.missing) {
    result = run('kustomize', ['build', dir]);
    tool = 'kustomize build';
  }
  if (result.missing) throw new KstaleError('input', `-k ${dir}: neither kubectl nor kustomize is installed to render it`, { hint: 'install kubectl (it has kustomize built in) or kustomize, or render it elsewhere and pass the result with -f' });
  if (result.status !== 0) {
    return { objects: [], problems: [{ code: 'invalid-manifest', severity: 'error', file: dir, message: `${tool} failed: ${firstLine(result.stderr)}` }] };
  }
  return renderedObjects(result.stdout, dir, dir, options.defaultNamespace, options.digestValues);
}

/**
 * A directory with a Chart.yaml is a Helm chart: rendered with `helm template` when helm is
 * installed (release named after the directory, namespace from -n, values files in order),
 * otherwise skipped whole with one notice. Never an error per template.
 */
export function loadChart(dir: string, options: { defaultNamespace: string; namespaceGiven: boolean; valuesFiles: readonly string[]; digestValues?: boolean; run?: Runner }): { objects: K8sObject[]; problems: Problem[] } {
  const run = options.run ?? runProgram;
  const args = ['template', basename(dir) || 'release', dir, ...(options.namespaceGiven ? ['--namespace', options.defaultNamespace] : []), ...options.valuesFiles.flatMap((file) => ['--values', file])];
  const result = run('helm', args);
  if (result.missing) {
    return { objects: [], problems: [{ code: 'skipped', severity: 'notice', file: dir, message: `skipped: a Helm chart; helm is not installed to render it (helm template RELEASE ${dir} | kstale … -f -)` }] };
  }
  if (result.status !== 0) return { objects: [], problems: [{ code: 'invalid-manifest', severity: 'error', file: dir, message: `helm template failed: ${firstLine(result.stderr)}` }] };
  return renderedObjects(result.stdout, `${dir} (helm template)`, dir, options.defaultNamespace, options.digestValues);
}

/** The first line of a tool's error output; klog's `err="…"` when kubectl wrote one. */
function firstLine(text: string): string {
  const line = text.trim().split('\n').find(Boolean) ?? 'no output';
  return /\berr="(.*)"\s*$/.exec(line)?.[1] ?? line;
}
