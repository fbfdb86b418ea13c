import { asString, isRecord, type K8sObject } from '../../model/object.js';
import type { Problem } from '../../model/problem.js';
import type { ParsedDocument } from './parse-documents.js';
import { dropConfigMapValues, dropSecretValues, valueDigestsOf } from '../config-values.js';
import { metadataOnly } from '../slim.js';
import { apiVersionMessage, checkApiVersion } from '../../extract/api-versions.js';

export type DocumentResult = { objects: K8sObject[]; problems: Problem[]; notKubernetes: number };

const LIST_KIND = /List$/;

type Context = { file: string; defaultNamespace: string; digestValues?: boolean };

/** Values are dropped in place once taken: a YAML alias can bring the same object twice, so its digests are kept. */
const digestsTaken = new WeakMap<object, ReadonlyMap<string, string>>();

function digestsBeforeDropping(value: Record<string, unknown>): ReadonlyMap<string, string> {
  const digests = digestsTaken.get(value) ?? valueDigestsOf(value);
  digestsTaken.set(value, digests);
  return digests;
}

/** kind, apiVersion, name (or generateName) and namespace as written; undefined where absent. */
function identityOf(value: Record<string, unknown>) {
  const meta = isRecord(value.metadata) ? value.metadata : undefined;
  return { kind: asString(value.kind), apiVersion: asString(value.apiVersion), name: asString(meta?.name) || asString(meta?.generateName), namespace: asString(meta?.namespace) };
}

function toObject(value: Record<string, unknown>, line: number, doc: ParsedDocument & { ok: true }, ctx: Context, problems: Problem[]): K8sObject | Problem {
  const { kind, apiVersion: written, name, namespace } = identityOf(value);
  const origin = { file: ctx.file, line };
  if (!kind) return { code: 'invalid-manifest', severity: 'error', message: 'object has no kind', ...origin };
  if (!name) return { code: 'invalid-manifest', severity: 'error', message: `${kind} has no metadata.name`, ...origin };
  // kubectl refuses a missing or unserved apiVersion; kstale still reads the object by its kind, so
  // its references and missing configs count, and says so once (an error in lint, a warning elsewhere).
  const check = checkApiVersion(kind, written);
  // An object read back from a server (a `kubectl get -o json` dump) was served in that version there.
  const fromServer = isRecord(value.metadata) && typeof value.metadata.resourceVersion === 'string';
  if (check.status !== 'ok' && !(check.status === 'removed' && fromServer)) problems.push({ code: 'invalid-manifest', severity: 'warning', ...origin, message: apiVersionMessage(kind, name, written, check), refused: check.status !== 'removed' });
  const apiVersion = check.status === 'missing' || check.status === 'unserved' ? check.use : written;
  const isConfig = (kind === 'Secret' || kind === 'ConfigMap') && apiVersion === 'v1';
  const valueDigests = ctx.digestValues && isConfig ? digestsBeforeDropping(value) : undefined;
  // impact compares whole objects; everything else keeps only metadata of kinds it does not read,
  // whose fields are never pointed at: the document's parsed tree can then be collected.
  const slim = ctx.digestValues ? undefined : metadataOnly(value);
  if (slim) {
    // Copied when its strings may be slices of the document's text: a CRD's name alone would keep
    // the whole CRD's text (a repository's manifests: about 10 MB less, measured on the corpus).
    const own = doc.sharesText ? (structuredClone(slim) as Record<string, unknown>) : slim;
    const copied = identityOf(own);
    return { apiVersion: apiVersion ?? copied.apiVersion ?? '', kind: copied.kind!, namespace: copied.namespace || ctx.defaultNamespace, name: copied.name!, raw: own, origin };
  }
  const raw = !isConfig ? value : kind === 'Secret' ? dropSecretValues(value) : dropConfigMapValues(value);
  return { apiVersion: apiVersion ?? '', kind, namespace: namespace || ctx.defaultNamespace, name, raw, origin, positionOf: doc.positionOf, ...(valueDigests ? { valueDigests } : {}) };
}

function isKubernetesLike(value: Record<string, unknown>): boolean {
  return 'kind' in value || 'apiVersion' in value;
}

/** Turns parsed documents of one file into objects; `kind: List` and any `*List` are unpacked. */
export function documentsToObjects(documents: readonly ParsedDocument[], ctx: Context): DocumentResult {
  const result: DocumentResult = { objects: [], problems: [], notKubernetes: 0 };
  const add = (value: Record<string, unknown>, line: number, doc: ParsedDocument & { ok: true }) => {
    const made = toObject(value, line, doc, ctx, result.problems);
    if (!('raw' in made)) {
      result.problems.push(made);
      return;
    }
    result.objects.push(made);
  };
  for (const doc of documents) {
    if (!doc.ok) {
      result.problems.push({
        code: doc.looksLikeTemplate ? 'helm-template' : 'invalid-manifest',
        severity: 'error',
        file: ctx.file,
        line: doc.line,
        message: doc.looksLikeTemplate
          ? `looks like an unrendered Helm template (${doc.message}): render it first: helm template … | kstale … -f -`
          : `invalid YAML/JSON: ${doc.message}`,
      });
      continue;
    }
    for (const warning of doc.warnings) result.problems.push({ code: 'invalid-manifest', severity: 'warning', file: ctx.file, line: warning.line, message: warning.message });
    const value = doc.value;
    if (value === null || value === undefined) continue;
    if (!isRecord(value)) {
      result.problems.push({ code: 'invalid-manifest', severity: 'error', file: ctx.file, line: doc.line, message: `document is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not an object` });
      continue;
    }
    if (!isKubernetesLike(value)) {
      result.notKubernetes++;
      continue;
    }
    addFlattened(value, doc.line, doc, add, result.problems, ctx);
  }
  return result;
}

/** kubectl's limit is the call stack; a list nested this deep is a mistake, not a manifest. */
const MAX_LIST_DEPTH = 32;

/**
 * Adds an object, or every object of a list (`kind: List` or any `*List` with items), flattened
 * recursively as kubectl does: a List inside a List, a ConfigMapList in a List. Each inner object
 * keeps its own line.
 */
function addFlattened(value: Record<string, unknown>, line: number, doc: ParsedDocument & { ok: true }, add: (value: Record<string, unknown>, line: number, doc: ParsedDocument & { ok: true }) => void, problems: Problem[], ctx: Context, depth = 0): void {
  const kind = asString(value.kind) ?? '';
  if (!LIST_KIND.test(kind) || !Array.isArray(value.items)) {
    add(value, line, doc);
    return;
  }
  if (depth >= MAX_LIST_DEPTH) {
    problems.push({ code: 'invalid-manifest', severity: 'error', file: ctx.file, line, message: `${kind} is nested more than ${MAX_LIST_DEPTH} lists deep` });
    return;
  }
  value.items.forEach((item, index) => {
    const itemLine = (isRecord(item) ? doc.positionOf(item)?.line : undefined) ?? line;
    if (isRecord(item)) addFlattened(item, itemLine, doc, add, problems, ctx, depth + 1);
    else problems.push({ code: 'invalid-manifest', severity: 'error', file: ctx.file, line: itemLine, message: `${kind} item ${index} is not an object` });
  });
}
