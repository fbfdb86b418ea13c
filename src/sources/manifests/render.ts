import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, normalize, relative, resolve } from 'node:path';
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

/** The kustomize suffix of a generated name: the generator's own name is what is written. */
const GENERATED_SUFFIX = /-[bcdfghkmt2456789]{10}$/;

/**
 * Where a rendered object is written in its source file: the line of its document (same kind and
 * name, or a name the overlay prefixed or suffixed), or of the generator entry that made it.
 */
function sourceLine(file: string, kind: string, name: string, generated: boolean, cache: Map<string, string | null>): number {
  if (!cache.has(file)) {
    try {
      cache.set(file, readFileSync(file, 'utf8'));
    } catch {
      cache.set(file, null);
    }
  }
  const text = cache.get(file);
  if (!text) return 1;
  if (generated) {
    const base = name.replace(GENERATED_SUFFIX, '');
    const index = text.split('\n').findIndex((line) => new RegExp(`^\\s*-?\\s*name:\\s*["']?${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*$`).test(line));
    return index >= 0 ? index + 1 : 1;
  }
  const documents = parseYamlText(text).flatMap((document) => (document.ok && isRecord(document.value) ? [{ value: document.value, line: document.line }] : []));
  const ofKind = documents.filter((document) => document.value.kind === kind);
  const nameOf = (value: Record<string, unknown>) => (isRecord(value.metadata) ? asString(value.metadata.name) : undefined) ?? '';
  const found = ofKind.find((document) => nameOf(document.value) === name) ?? ofKind.find((document) => nameOf(document.value) !== '' && (name.endsWith(nameOf(document.value)) || name.startsWith(nameOf(document.value)))) ?? (ofKind.length === 1 ? ofKind[0] : undefined);
  return found?.line ?? 1;
}

/**
 * Objects rendered from an overlay, each pointed at its source file and the line of its object
 * there (kustomize's origin annotation), so SARIF and GitHub annotations can place findings.
 * Field positions of the rendered stream would point at no file: findings use the object's line
 * (a field an overlay patched: the base object's line).
 */
function atSourceFiles(objects: readonly K8sObject[], root: string): K8sObject[] {
  const cache = new Map<string, string | null>();
  return objects.map((object) => {
    const metadata = isRecord(object.raw.metadata) ? object.raw.metadata : {};
    const originText = isRecord(metadata.annotations) ? asString(metadata.annotations[ORIGIN_ANNOTATION]) : undefined;
    const origin = originText ? (yaml.load(originText) as { path?: string; configuredIn?: string } | undefined) : undefined;
    const source = origin?.path ?? origin?.configuredIn;
    if (!source || /^[a-z]+:\/\//.test(source)) return object;
    const absolute = resolve(root, source);
    const file = relative(process.cwd(), absolute) || absolute;
    const { positionOf: _rendered, ...rest } = object;
    return { ...rest, origin: { file, line: sourceLine(absolute, object.kind, object.name, !origin?.path, cache) } };
  });
}

/**
 * `-k DIR`: the overlay rendered as kubectl renders it (`kubectl kustomize`, or `kustomize build`
 * when only that is installed), then read like `-f -`. It is rendered through a temporary
 * kustomization that adds `buildMetadata: [originAnnotations]`, so that each object names its
 * source file; if that wrapper does not render (an old kustomize), the overlay is rendered as is.
 */
export function loadKustomization(dir: string, options: { defaultNamespace: string; digestValues?: boolean; run?: Runner }): { objects: K8sObject[]; problems: Problem[] } {
  const run = options.run ?? runProgram;
  const wrapper = mkdtempSync(join(tmpdir(), 'kstale-kustomize-'));
  try {
    writeFileSync(join(wrapper, 'kustomization.yaml'), `resources:\n- ${JSON.stringify(relative(wrapper, resolve(dir)))}\nbuildMetadata: [originAnnotations]\n`);
    let wrapped = run('kubectl', ['kustomize', wrapper]);
    if (wrapped.missing) wrapped = run('kustomize', ['build', wrapper]);
    if (!wrapped.missing && wrapped.status === 0) {
      const rendered = renderedObjects(wrapped.stdout, dir, wrapper, options.defaultNamespace, options.digestValues);
      return { objects: atSourceFiles(rendered.objects, wrapper), problems: rendered.problems };
    }
  } finally {
    rmSync(wrapper, { recursive: true, force: true });
  }
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
