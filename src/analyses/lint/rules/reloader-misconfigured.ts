import { metadataOf, type K8sObject, type Origin } from '../../../model/object.js';
import type { Finding } from '../../../model/finding.js';
import { RELOADER, RELOADER_KNOWN_KEYS } from '../../../extract/protection.js';
import { invalidReloadEntries, isGoBool } from '../../../extract/reloader.js';
import { editDistance } from '../../../graph/queries.js';
import { parseRef } from '../../../model/refs.js';
import { objectName } from '../describe.js';
import { findingAt, type LintContext, type LintRule } from '../types.js';

/** Reloader compares these with exactly "true" (ShouldReload); auto and typed auto go through Go's ParseBool. */
const EXACT_TRUE_KEYS: readonly string[] = [RELOADER.search, RELOADER.match, RELOADER.ignore];
const PARSE_BOOL_KEYS: readonly string[] = [RELOADER.auto, RELOADER.configMapAuto, RELOADER.secretAuto];
const WORKLOAD_ONLY_KEYS: readonly string[] = [RELOADER.auto, RELOADER.configMapAuto, RELOADER.secretAuto, RELOADER.configMapReload, RELOADER.secretReload, RELOADER.search];
const LIST_KEYS: readonly [string, 'ConfigMap' | 'Secret'][] = [
  [RELOADER.configMapReload, 'ConfigMap'],
  [RELOADER.secretReload, 'Secret'],
];

function annotationsOrigin(object: K8sObject | undefined): Origin | null {
  if (!object) return null;
  const annotations = metadataOf(object.raw).annotations;
  const position = annotations && object.positionOf?.(annotations);
  return position && object.origin ? { file: object.origin.file, ...position } : object.origin;
}

/** A key that looks meant for Reloader but is not one of its keys, and the known key it is nearest to. */
export function reloaderTypo(key: string): string | undefined {
  if (RELOADER_KNOWN_KEYS.includes(key)) return undefined;
  const lower = key.toLowerCase();
  const nearest = RELOADER_KNOWN_KEYS.map((known) => ({ known, distance: editDistance(lower, known, 4) })).sort((a, b) => a.distance - b.distance)[0]!;
  const looksMeant = /reloader|stakater/.test(lower) || nearest.distance <= 2;
  return looksMeant ? nearest.known : undefined;
}

function keyProblems(annotations: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    const nearest = reloaderTypo(key);
    if (nearest) problems.push(`unknown annotation "${key}": did you mean "${nearest}"?`);
    if (EXACT_TRUE_KEYS.includes(key) && value !== 'true' && value !== 'false') problems.push(`"${key}" is "${value}"; Reloader only acts on exactly "true"`);
    if (PARSE_BOOL_KEYS.includes(key) && !isGoBool(value)) problems.push(`"${key}" is "${value}", which Reloader (Go's ParseBool) reads as false; use "true"`);
    if (key === RELOADER.configMapReload || key === RELOADER.secretReload) {
      for (const entry of invalidReloadEntries(value)) problems.push(`"${key}" entry "${entry}" is not a Go regular expression; Reloader skips it`);
    }
  }
  return problems;
}

function workloadProblems(ctx: LintContext, workloadRef: string): string[] {
  const extracted = ctx.built.index.extracted.get(workloadRef);
  if (!extracted) return [];
  const own = extracted.annotations.annotations;
  const template = extracted.annotations.templateAnnotations;
  const problems = [...keyProblems(own), ...keyProblems(template)];
  // Reloader reads the pod template only when the workload's metadata has none of its keys for that config type.
  const ownsAny = (keys: readonly string[]) => keys.some((key) => key in own);
  const ignoredOnTemplate = Object.keys(template).filter((key) => {
    if (key === RELOADER.configMapReload || key === RELOADER.configMapAuto) return ownsAny([RELOADER.configMapReload, RELOADER.configMapAuto, RELOADER.auto, RELOADER.search]);
    if (key === RELOADER.secretReload || key === RELOADER.secretAuto) return ownsAny([RELOADER.secretReload, RELOADER.secretAuto, RELOADER.auto, RELOADER.search]);
    if (key === RELOADER.auto || key === RELOADER.search) return ownsAny([RELOADER.auto, RELOADER.search, RELOADER.configMapReload, RELOADER.configMapAuto]) && ownsAny([RELOADER.auto, RELOADER.search, RELOADER.secretReload, RELOADER.secretAuto]);
    return false;
  });
  for (const key of ignoredOnTemplate) problems.push(`"${key}" on the pod template is ignored: Reloader reads the template only when the workload's metadata has none of its keys, and it has some`);
  for (const key of [RELOADER.configMapExclude, RELOADER.secretExclude]) {
    if (key in template && !(key in own)) problems.push(`"${key}" on the pod template is ignored: Reloader reads exclude lists only from the workload's metadata`);
  }
  const annotations = { ...template, ...own };
  if (annotations[RELOADER.match] !== undefined && annotations[RELOADER.search] !== 'true') {
    problems.push(`"${RELOADER.match}" does nothing on a workload: put it on the ConfigMap/Secret and "${RELOADER.search}": "true" here`);
  }
  const used = new Set((ctx.built.index.usesOf.get(workloadRef) ?? []).map((reference) => reference.config));
  for (const [key, kind] of LIST_KEYS) {
    for (const entry of (annotations[key] ?? '').split(',').map((name) => name.trim()).filter(Boolean)) {
      // Entries with regex characters match by pattern; only plain names can be checked.
      if (/[*+?()[\]{}|^$\\]/.test(entry)) continue;
      const ref = `${kind}/${parseRef(workloadRef).namespace}/${entry}`;
      if (!used.has(ref)) problems.push(`"${key}" names ${kind} ${entry}, which this workload does not use (Reloader restarts it on every change of ${entry} anyway)`);
    }
  }
  return problems;
}

export const reloaderMisconfigured: LintRule = {
  id: 'reloader-misconfigured',
  severity: 'warning',
  summary: 'Reloader annotations that do nothing: misspelled keys, values other than "true", match without search, reload lists naming configs the workload does not use.',
  remediation:
    'Reloader ignores annotations it does not know, so the workload is not restarted on change although it looks protected. Spell the key as in the stakater/Reloader README, use "true", and put match on the config with search on the workload.',
  enabledByDefault: true,
  check(ctx) {
    const { index } = ctx.built;
    const findings: Finding[] = [];
    // The place of the annotations is looked up only for a finding: for a config it means parsing its document again.
    for (const workloadRef of index.extracted.keys()) {
      const problems = workloadProblems(ctx, workloadRef);
      if (problems.length === 0) continue;
      const origin = annotationsOrigin(index.extracted.get(workloadRef)?.object);
      for (const problem of problems) findings.push(findingAt(this, workloadRef, origin, `${objectName(workloadRef)}: ${problem}`));
    }
    for (const config of index.configs.values()) {
      const problems = keyProblems(config.annotations);
      for (const key of WORKLOAD_ONLY_KEYS) {
        if (config.annotations[key] !== undefined) problems.push(`"${key}" belongs on the workloads that use this ${config.kind}, not on the ${config.kind}`);
      }
      if (problems.length === 0) continue;
      const origin = annotationsOrigin(index.declarations.get(config.ref)?.[0]);
      for (const problem of problems) findings.push(findingAt(this, config.ref, origin ?? config.origin, `${objectName(config.ref)}: ${problem}`));
    }
    return findings;
  },
};
