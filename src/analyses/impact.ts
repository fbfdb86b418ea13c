import type { BuiltGraph } from '../graph/build.js';
import { compareStrings, whatIsMissing } from '../graph/missing.js';
import { keysKnown, type Reference } from '../model/graph.js';
import { isRecord, type K8sObject } from '../model/object.js';
import { makeRef, parseRef, type Ref } from '../model/refs.js';
import { KUSTOMIZE_HASH_SUFFIX } from '../extract/protection.js';
import { podSpecOf, podTemplateMetadataOf, workloadKindOf } from '../extract/workload-kinds.js';

export type ConfigChange = Readonly<{
  config: Ref;
  change: 'added' | 'removed' | 'modified' | 'renamed';
  keys: Readonly<{ added: readonly string[]; removed: readonly string[]; changed: readonly string[] }>;
  /** for a kustomize rename: the config it replaces */
  renamedFrom: Ref | null;
  becameImmutable: boolean;
  /** false when values could not be compared (a Secret read as metadata only) */
  valuesCompared: boolean;
}>;

export type Outcome = 'breaks' | 'rolls-on-apply' | 'protected' | 'restart-needed' | 'live' | 'unaffected';

export type ImpactEffect = Readonly<{ workload: Ref; container: string | null; config: Ref; outcome: Outcome; keys: readonly string[]; why: string }>;

export type ImpactResult = Readonly<{ changes: readonly ConfigChange[]; effects: readonly ImpactEffect[] }>;

/** Worst first: one effect per (workload, container, config) takes the worst of its references. */
const SEVERITY: readonly Outcome[] = ['breaks', 'rolls-on-apply', 'restart-needed', 'protected', 'live', 'unaffected'];

function kustomizeBase(name: string): string | undefined {
  return KUSTOMIZE_HASH_SUFFIX.test(name) ? name.replace(KUSTOMIZE_HASH_SUFFIX, '') : undefined;
}

function configObject(built: BuiltGraph, ref: Ref): K8sObject | undefined {
  return built.index.declarations.get(ref)?.[0];
}

/**
 * Keys added, removed and changed between two versions of a config whose keys are known on both
 * sides. Values are compared only when both sides kept digests; otherwise (a Secret read as
 * metadata) every key on both sides may have changed.
 */
function keyDiff(before: K8sObject | undefined, after: K8sObject | undefined, oldKeys: readonly string[], newKeys: readonly string[]) {
  const added = newKeys.filter((key) => !oldKeys.includes(key));
  const removed = oldKeys.filter((key) => !newKeys.includes(key));
  const kept = newKeys.filter((key) => oldKeys.includes(key));
  const valuesCompared = Boolean(before?.valueDigests && after?.valueDigests);
  const changed = valuesCompared ? kept.filter((key) => before!.valueDigests!.get(key) !== after!.valueDigests!.get(key)) : kept;
  return { keys: { added, removed, changed }, valuesCompared };
}

/**
 * The state after `kubectl apply` of `applied` over `live`: the applied objects replace their
 * live copies (same kind, namespace and name); nothing absent from them is removed.
 */
export function appliedOver(live: readonly K8sObject[], applied: readonly K8sObject[]): K8sObject[] {
  const refOf = (object: K8sObject) => makeRef(object.kind, object.namespace, object.name);
  const replaced = new Set(applied.map(refOf));
  return [...live.filter((object) => !replaced.has(refOf(object))), ...applied];
}

/** What changed between two versions of the configs: added, removed, kustomize-renamed, modified keys. */
export function diffConfigs(before: BuiltGraph, after: BuiltGraph): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const oldRefs = new Set(before.index.configs.keys());
  const newRefs = new Set(after.index.configs.keys());
  const removed = [...oldRefs].filter((ref) => !newRefs.has(ref));
  const renamedFrom = new Map<Ref, Ref>();
  for (const ref of [...newRefs].filter((candidate) => !oldRefs.has(candidate))) {
    const { kind, namespace, name } = parseRef(ref);
    const base = kustomizeBase(name);
    const previous = base === undefined ? undefined : removed.find((old) => {
      const parsed = parseRef(old);
      return parsed.kind === kind && parsed.namespace === namespace && kustomizeBase(parsed.name) === base;
    });
    if (previous) renamedFrom.set(ref, previous);
  }
  for (const ref of [...new Set([...oldRefs, ...newRefs])].sort(compareStrings)) {
    const old = before.index.configs.get(ref);
    const current = after.index.configs.get(ref);
    if (old && !current) {
      if ([...renamedFrom.values()].includes(ref)) continue;
      changes.push({ config: ref, change: 'removed', keys: { added: [], removed: [...old.keys], changed: [] }, renamedFrom: null, becameImmutable: false, valuesCompared: true });
      continue;
    }
    const from = renamedFrom.get(ref);
    const previous = old ?? (from ? before.index.configs.get(from) : undefined);
    if (!previous) {
      changes.push({ config: ref, change: 'added', keys: { added: [...current!.keys], removed: [], changed: [] }, renamedFrom: null, becameImmutable: false, valuesCompared: true });
      continue;
    }
    const oldObject = configObject(before, from ?? ref);
    const newObject = configObject(after, ref);
    // The very same object on both sides (a live config the applied files do not touch): unchanged.
    if (oldObject !== undefined && oldObject === newObject) continue;
    // A Secret whose keys are unknown (metadata without managedFields): every key may have changed.
    const diff = keysKnown(previous) && keysKnown(current!)
      ? keyDiff(oldObject, newObject, previous.keys, current!.keys)
      : { keys: { added: [], removed: [], changed: [...current!.keys] }, valuesCompared: false };
    const becameImmutable = !previous.immutable && current!.immutable;
    const modified = diff.keys.added.length + diff.keys.removed.length + diff.keys.changed.length > 0 || becameImmutable;
    if (from) changes.push({ config: ref, change: 'renamed', ...diff, renamedFrom: from, becameImmutable });
    else if (modified) changes.push({ config: ref, change: 'modified', ...diff, renamedFrom: null, becameImmutable });
  }
  return changes;
}

/** Key-sorted JSON: two templates are the same when their canonical texts are. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  return JSON.stringify(value);
}

/**
 * Whether every field `wanted` sets has that value in `live` (maps by key, lists element by
 * element with the same length). What the server adds (defaults, a restartedAt annotation of an
 * earlier rollout) is not a difference: `kubectl apply` leaves it alone.
 */
function isSetIn(wanted: unknown, live: unknown): boolean {
  if (wanted === null || wanted === undefined) return true;
  if (Array.isArray(wanted)) return Array.isArray(live) && wanted.length === live.length && wanted.every((item, index) => isSetIn(item, live[index]));
  if (isRecord(wanted)) return isRecord(live) && Object.keys(wanted).every((key) => isSetIn(wanted[key], live[key]));
  return wanted === live;
}

function templateParts(object: K8sObject | undefined): { metadata: unknown; spec: unknown } | undefined {
  const row = object && workloadKindOf(object);
  if (!object || !row) return undefined;
  return { metadata: podTemplateMetadataOf(object, row) ?? null, spec: podSpecOf(object, row) ?? null };
}

/**
 * Whether applying the new side changes the workload's pod template (so its pods roll). Files
 * against files: any difference. Files applied over a live object: a field the file sets with
 * another value than the server has; the server's defaults are no change.
 */
function templateChanges(before: K8sObject | undefined, after: K8sObject | undefined): boolean {
  if (before && after && before.origin === null && after.origin !== null) {
    const wanted = templateParts(after);
    const live = templateParts(before);
    return !isSetIn(wanted?.metadata ?? null, live?.metadata ?? null) || !isSetIn(wanted?.spec ?? null, live?.spec ?? null);
  }
  return templateOf(before) !== templateOf(after);
}

function templateOf(object: K8sObject | undefined): string | undefined {
  const row = object && workloadKindOf(object);
  if (!object || !row) return undefined;
  return canonical({ metadata: podTemplateMetadataOf(object, row) ?? null, spec: podSpecOf(object, row) ?? null });
}

function effectOf(references: readonly Reference[], change: ConfigChange, templateChanges: boolean): { outcome: Outcome; keys: string[]; why: string } {
  const { kind, name } = parseRef(change.config);
  const label = `${kind} ${name}`;
  const touched = new Set([...change.keys.added, ...change.keys.removed, ...change.keys.changed]);
  const removedKeys = new Set(change.keys.removed);
  const readKeys = (reference: Reference) => (reference.key === null ? [...touched] : touched.has(reference.key) ? [reference.key] : []);
  const keys = [...new Set(references.flatMap(readKeys))].sort();
  const breaking = references.filter((reference) => !reference.optional && (change.change === 'removed' || (reference.key !== null && removedKeys.has(reference.key))));
  if (breaking.length > 0) {
    const what = change.change === 'removed' ? `${label} is removed` : `key ${breaking.map((reference) => reference.key).join(', ')} is removed from ${label}`;
    return { outcome: 'breaks', keys, why: `${what} and read without optional: new pods fail to start (CreateContainerConfigError)` };
  }
  const reading = references.filter((reference) => reference.update !== 'none' && readKeys(reference).length > 0);
  if (templateChanges) return { outcome: 'rolls-on-apply', keys, why: 'the pod template changes in the same apply, so the pods are replaced and read the new values' };
  if (reading.length === 0) {
    const why = references.every((reference) => reference.update === 'none') ? (references.every((reference) => reference.via === 'imagePullSecret') ? 'used only at image pull' : 'used only at image pull or volume mount') : `reads only unchanged keys of ${label}`;
    return { outcome: 'unaffected', keys, why };
  }
  const restart = reading.filter((reference) => reference.update === 'restart');
  if (restart.length > 0) {
    if (restart.every((reference) => reference.protectedBy === 'reloader' || reference.protectedBy === 'wave')) return { outcome: 'protected', keys, why: `${restart[0]!.protectedBy} restarts it when ${label} changes` };
    const how = [...new Set(restart.map((reference) => (reference.subPath ? 'subPath mount' : reference.via)))].join(', ');
    const unsure = change.valuesCompared ? '' : ` (values of ${label} were not compared: --secret-keys to compare)`;
    // A checksum annotation rolls the workload only when the same Helm release renders the change into it.
    const checksum = restart.some((reference) => reference.protectedBy === 'checksum') ? `; its checksum/* annotation covers only changes applied through its Helm release, and this one leaves the pod template as it is` : '';
    return { outcome: 'restart-needed', keys, why: `reads the changed keys through ${how}: running pods keep the old values until restarted${unsure}${checksum}` };
  }
  return { outcome: 'live', keys, why: 'mounted as a volume: the kubelet updates the files within about a minute' };
}

function byContainerAndConfig(references: readonly Reference[]): Map<string, Reference[]> {
  const groups = new Map<string, Reference[]>();
  for (const reference of references) {
    const key = `${reference.container ?? ''}\u0000${reference.config}`;
    const group = groups.get(key);
    if (group) group.push(reference);
    else groups.set(key, [reference]);
  }
  return groups;
}

/**
 * A workload new in the change: it breaks when it needs a config or key that the new side lacks
 * (removed by the change, or declared nowhere); it is listed as rolls-on-apply when it reads
 * changed keys of a config that existed before (its pods are new anyway, and start with them).
 */
function newWorkloadEffects(workload: Ref, references: readonly Reference[], byConfig: ReadonlyMap<Ref, ConfigChange>, after: BuiltGraph): ImpactEffect[] {
  const effects: ImpactEffect[] = [];
  for (const group of byContainerAndConfig(references).values()) {
    const { config, container } = group[0]!;
    const change = byConfig.get(config);
    const { kind, name } = parseRef(config);
    const lacking = group.filter((reference) => !reference.optional && reference.update !== 'none' && whatIsMissing(reference, after.index));
    if (lacking.length > 0) {
      const keys = [...new Set(lacking.flatMap((reference) => (reference.key === null ? [] : [reference.key])))].sort();
      const gone = change?.change === 'removed' || lacking.some((reference) => reference.key !== null && change?.keys.removed.includes(reference.key));
      const what = after.index.configs.has(config) ? `key ${keys.join(', ')} of ${kind} ${name}` : `${kind} ${name}`;
      effects.push({ workload, container, config, outcome: 'breaks', keys, why: `new workload: it reads ${what}, which the change ${gone ? 'removes' : 'does not declare'}, without optional: its pods fail to start (CreateContainerConfigError)` });
      continue;
    }
    if (!change || change.change === 'added') continue;
    const touched = new Set([...change.keys.added, ...change.keys.changed]);
    const keys = [...new Set(group.flatMap((reference) => (reference.key === null ? [...touched] : touched.has(reference.key) ? [reference.key] : [])))].sort();
    if (keys.length === 0 || group.every((reference) => reference.update === 'none')) continue;
    effects.push({ workload, container, config, outcome: 'rolls-on-apply', keys, why: `new workload: its pods start with the new values of ${kind} ${name}` });
  }
  return effects;
}

/**
 * What applying the new side does to each workload that reads a changed config (DESIGN.md
 * section 5, Impact): per (workload, container, config), the worst outcome of its references.
 */
export function assessImpact(before: BuiltGraph, after: BuiltGraph): ImpactResult {
  const changes = diffConfigs(before, after);
  const byConfig = new Map(changes.map((change) => [change.config, change]));
  const effects: ImpactEffect[] = [];
  for (const [workload, references] of after.index.usesOf) {
    if (!before.index.workloads.has(workload)) {
      effects.push(...newWorkloadEffects(workload, references, byConfig, after));
      continue;
    }
    const rolls = templateChanges(before.index.extracted.get(workload)?.object, after.index.extracted.get(workload)?.object);
    for (const group of byContainerAndConfig(references.filter((reference) => byConfig.has(reference.config))).values()) {
      const change = byConfig.get(group[0]!.config)!;
      effects.push({ workload, container: group[0]!.container, config: change.config, ...effectOf(group, change, rolls) });
    }
  }
  effects.sort((a, b) => SEVERITY.indexOf(a.outcome) - SEVERITY.indexOf(b.outcome) || compareStrings(a.workload, b.workload) || compareStrings(a.container ?? '', b.container ?? '') || compareStrings(a.config, b.config));
  return { changes, effects };
}

export type FailOn = 'breaks' | 'restart-needed' | 'never';

export function impactExitCode(result: ImpactResult, failOn: FailOn): 0 | 1 {
  if (failOn === 'never') return 0;
  const failing: readonly Outcome[] = failOn === 'breaks' ? ['breaks'] : ['breaks', 'restart-needed'];
  return result.effects.some((effect) => failing.includes(effect.outcome)) ? 1 : 0;
}

