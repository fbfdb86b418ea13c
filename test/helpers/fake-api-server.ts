import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { matchesLabels, parseLabelSelector } from '../../src/graph/selector.js';
import { CLUSTER_RESOURCES } from '../../src/sources/cluster/resources.js';
import { fixture } from './paths.js';

export type RecordedRequest = Readonly<{ method: string; path: string; query: Record<string, string>; headers: Record<string, string | string[] | undefined>; body: string; at: number }>;
export type InjectedFailure = { match: RegExp; status: number; times: number; retryAfter?: string; method?: string };
type Item = Record<string, any>;

/** Group/version/plural → kind, as the real discovery serves them (plus old versions kstale falls back to). */
const SERVED = new Map<string, string>();
for (const resource of CLUSTER_RESOURCES) for (const version of resource.versions) SERVED.set(`${resource.group}/${version}/${resource.plural}`, resource.kind);

const SHORT_NAMES: Record<string, string> = { Pod: 'po', Deployment: 'deploy', ReplicaSet: 'rs', StatefulSet: 'sts', DaemonSet: 'ds', CronJob: 'cj', ConfigMap: 'cm', ServiceAccount: 'sa', Ingress: 'ing', ReplicationController: 'rc' };

/** JSON merge of a patch into an object (enough for kstale's patches: maps only). */
function mergeInto(target: Item, patch: Item): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else if (typeof value === 'object' && !Array.isArray(value) && typeof target[key] === 'object' && target[key] !== null) mergeInto(target[key], value);
    else target[key] = structuredClone(value);
  }
}

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

/** kube-apiserver compresses responses larger than this (checked on the real kit: 66 KB plain, 218 KB gzipped). */
const GZIP_THRESHOLD_BYTES = 128 * 1024;

/**
 * An in-process Kubernetes API server with the real server's semantics where kstale depends on
 * them: paginated lists (limit/continue, 410 on an expired token), label selectors, namespace
 * scoping, PartialObjectMetadataList on Accept, 403 per resource, 404 for groups not served,
 * injected 429/5xx/slow answers, and a log of every request.
 */
/** Leaf fields a manager can own in a ConfigMap or Secret, as fieldsV1 paths, with their values. */
function ownableFields(object: Item): Map<string, string> {
  const fields = new Map<string, string>();
  for (const map of ['data', 'binaryData', 'stringData']) for (const [key, value] of Object.entries(object[map] ?? {})) fields.set(`f:${map}\u0000f:${key}`, JSON.stringify(value));
  for (const map of ['labels', 'annotations']) for (const [key, value] of Object.entries(object.metadata?.[map] ?? {})) fields.set(`f:metadata\u0000f:${map}\u0000f:${key}`, JSON.stringify(value));
  return fields;
}

function toFieldsV1(paths: Iterable<string>): Item {
  const root: Item = {};
  for (const path of paths) {
    let node = root;
    for (const step of path.split('\u0000')) node = node[step] ??= {};
  }
  return root;
}

function fromFieldsV1(node: Item, prefix = ''): string[] {
  return Object.entries(node ?? {}).flatMap(([key, child]) => {
    if (key === '.') return [];
    const path = prefix ? `${prefix}\u0000${key}` : key;
    return child && typeof child === 'object' && Object.keys(child).some((k) => k !== '.') ? fromFieldsV1(child as Item, path) : [path];
  });
}

/**
 * managedFields as kube-apiserver (1.25+) keeps them for an Update: the fields this write adds or
 * changes move to the writing manager's entry (taken from other Update managers), removed fields
 * leave every entry, and the entry's time moves to now when the write changed any field it owns.
 * An entry left owning nothing is dropped.
 */
export function trackManagedFields(before: Item, after: Item, manager: string, now: string): void {
  const old = ownableFields(before);
  const next = ownableFields(after);
  const changed = [...next].filter(([path, value]) => old.get(path) !== value).map(([path]) => path);
  const entries: { manager: string; operation: string; apiVersion: string; time: string; fieldsType: string; fieldsV1: Item; subresource?: string }[] = structuredClone(before.metadata?.managedFields ?? []);
  const owned = entries.map((entry) => new Set(fromFieldsV1(entry.fieldsV1).filter((path) => next.has(path) && !(entry.manager !== manager && changed.includes(path)))));
  let index = entries.findIndex((entry) => entry.manager === manager && entry.operation === 'Update' && !entry.subresource);
  if (index < 0 && changed.length > 0) {
    entries.push({ manager, operation: 'Update', apiVersion: 'v1', time: now, fieldsType: 'FieldsV1', fieldsV1: {} });
    owned.push(new Set());
    index = entries.length - 1;
  }
  if (index >= 0) {
    for (const path of changed) owned[index]!.add(path);
    if (changed.length > 0) entries[index]!.time = now;
  }
  const kept = entries.map((entry, position) => ({ ...entry, fieldsV1: toFieldsV1(owned[position]!) })).filter((_, position) => owned[position]!.size > 0);
  after.metadata = { ...after.metadata, managedFields: kept };
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  readonly failures: InjectedFailure[] = [];
  /** `secrets` forbids the resource everywhere; `secrets@shop` in one namespace */
  readonly forbidden = new Set<string>();
  /** when set, lists are allowed only in these namespaces (a namespace-scoped token) */
  readableNamespaces: Set<string> | null = null;
  /** group/version/plural that this server pretends not to serve */
  readonly notServed = new Set<string>();
  delayMs = 0;
  /** answers sent gzipped (over 128 KiB, to a client that accepts gzip) */
  gzipped = 0;
  /** gzipped answers carry bytes that do not inflate */
  corruptGzip = false;
  /** the next request with a continue token gets 410 Gone */
  expireNextContinue = false;
  version = { major: '1', minor: '31', gitVersion: 'v1.31.0' };
  /** workloads (by name) whose rollout never finishes after a restart */
  readonly stuckRollouts = new Set<string>();
  /** the server's clock for managedFields times of writes through the API (PUT, PATCH) */
  clock = '2026-11-24T16:00:00Z';
  /** workloads (by name) whose new pods cannot start, with the kubelet's waiting reason (CrashLoopBackOff…) */
  readonly failingRollouts = new Map<string, string>();
  /** the start time given to pods that a restart recreates */
  podStartTime = '2026-11-24T16:05:00Z';
  private objects: Item[] = [];
  private resourceVersion = 1000;
  private readonly events: { type: string; object: Item; resourceVersion: number }[] = [];
  private compactedAt = 0;
  private readonly watchers = new Set<{ response: ServerResponse; offer: (event: { type: string; object: Item; resourceVersion: number }) => void }>();
  /** how often an open watch gets a BOOKMARK (when asked for with allowWatchBookmarks) */
  bookmarkMs = 1000;
  private server?: Server;
  url = '';

  constructor(objects: readonly Item[] = []) {
    for (const object of objects) this.add(object);
  }

  add(object: Item): void {
    const copy = structuredClone(object);
    this.objects.push(copy);
    this.changed('ADDED', copy);
  }

  remove(kind: string, namespace: string, name: string): void {
    const gone = this.find(kind, namespace, name);
    if (!gone) return;
    this.objects = this.objects.filter((object) => object !== gone);
    this.changed('DELETED', gone);
  }

  /** Replaces an object (same kind, namespace and name) as an update through the API would. */
  update(object: Item): void {
    const current = this.find(object.kind, object.metadata?.namespace ?? null, object.metadata?.name);
    const copy = structuredClone(object);
    this.objects = current ? this.objects.map((candidate) => (candidate === current ? copy : candidate)) : [...this.objects, copy];
    this.changed(current ? 'MODIFIED' : 'ADDED', copy);
  }

  /** Every change gets the next resourceVersion and goes to the watchers (DESIGN.md section 8). */
  private changed(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: Item): void {
    this.resourceVersion++;
    object.metadata = { ...object.metadata, resourceVersion: String(this.resourceVersion) };
    const event = { type, object: structuredClone(object), resourceVersion: this.resourceVersion };
    this.events.push(event);
    for (const watcher of this.watchers) watcher.offer(event);
  }

  /** Forgets the change history: a watch from an older resourceVersion now gets 410 Gone. */
  compact(): void {
    this.events.length = 0;
    this.compactedAt = this.resourceVersion;
  }

  /** Cuts every open watch connection, as a restarting API server or a load balancer would. */
  dropWatches(): void {
    for (const watcher of this.watchers) watcher.response.destroy();
    this.watchers.clear();
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  objectsOf(kind: string): Item[] {
    return this.objects.filter((object) => object.kind === kind);
  }

  async start(options: { tls?: boolean } = {}): Promise<this> {
    const handler = (request: IncomingMessage, response: ServerResponse) => void this.handle(request, response);
    this.server = options.tls
      ? createHttpsServer({ cert: readFileSync(fixture('cluster', 'tls', 'cert.pem')), key: readFileSync(fixture('cluster', 'tls', 'key.pem')) }, handler)
      : createHttpServer(handler);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    this.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections?.();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A kubeconfig file for this server; `insecure` skips TLS verification of the self-signed cert. */
  kubeconfig(options: { context?: string; namespace?: string; insecure?: boolean; token?: string; exec?: boolean } = {}): string {
    const dir = mkdtempSync(join(tmpdir(), 'kstale-kubeconfig-'));
    const path = join(dir, 'config');
    const context = options.context ?? 'fake';
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: fake\n  cluster:\n    server: ${this.url}${options.insecure ? '\n    insecure-skip-tls-verify: true' : ''}`,
        'users:',
        options.exec
          ? `- name: tester\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      interactiveMode: Never\n      command: ${process.execPath}\n      args: ["-e", "console.log(JSON.stringify({apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: {token: '${options.token ?? 'test-token'}'}}))"]`
          : `- name: tester\n  user:\n    token: ${options.token ?? 'test-token'}`,
        'contexts:',
        `- name: ${context}\n  context:\n    cluster: fake\n    user: tester${options.namespace ? `\n    namespace: ${options.namespace}` : ''}`,
        `current-context: ${context}`,
        '',
      ].join('\n'),
    );
    return path;
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((request) => request.method !== 'GET');
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = { method: request.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
    this.requests.push(recorded);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const send = (code: number, body: string, headers: Record<string, string> = {}) => {
      if (response.destroyed) return;
      // As kube-apiserver does: a body over 128 KiB is gzipped for a client that accepts it (watches never are).
      if (Buffer.byteLength(body) > GZIP_THRESHOLD_BYTES && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
        this.gzipped++;
        response.writeHead(code, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding', ...headers });
        response.end(this.corruptGzip ? Buffer.from('not gzip at all') : gzipSync(body));
        return;
      }
      response.writeHead(code, { 'Content-Type': 'application/json', ...headers });
      response.end(body);
    };
    const failure = this.failures.find((candidate) => candidate.times > 0 && candidate.match.test(url.pathname) && (!candidate.method || candidate.method === recorded.method));
    if (failure) {
      failure.times--;
      return send(failure.status, status(failure.status, failure.status === 429 ? 'TooManyRequests' : 'InternalError', 'injected failure'), failure.retryAfter ? { 'Retry-After': failure.retryAfter } : {});
    }
    if (request.headers.authorization !== 'Bearer test-token') return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    if (url.pathname === '/version') return send(200, JSON.stringify(this.version));
    const discovery = this.discovery(url.pathname);
    if (discovery) return send(200, discovery);
    if (recorded.method === 'POST' && url.pathname === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') return send(201, this.review(recorded.body));
    const denied = recorded.method === 'GET' ? this.listForbidden(url.pathname) : undefined;
    if (denied) {
      const where = denied.namespace ? `in the namespace "${denied.namespace}"` : 'at the cluster scope';
      return send(403, status(403, 'Forbidden', `${denied.plural}${denied.group ? `.${denied.group}` : ''} is forbidden: User "tester" cannot list resource "${denied.plural}" in API group "${denied.group}" ${where}`));
    }
    const route = this.route(url.pathname);
    if (!route) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    if (recorded.method === 'GET' && !route.name) return this.list(route, url, request, send, response);
    if (recorded.method === 'POST' && !route.name) return this.create(route, recorded, send);
    if (route.name) return this.single(route as typeof route & { name: string }, recorded, send);
    return send(405, status(405, 'MethodNotAllowed', `${recorded.method} is not supported by the fake server`));
  }

  /** group/version/plural → kind of what this server serves now (notServed taken out). */
  private served(): { group: string; version: string; plural: string; kind: string }[] {
    return CLUSTER_RESOURCES.flatMap((resource) => resource.versions.map((version) => ({ group: resource.group, version, plural: resource.plural, kind: resource.kind }))).filter(
      (entry) => !this.notServed.has(`${entry.group}/${entry.version}/${entry.plural}`) && !(entry.group === '' && entry.version !== 'v1'),
    );
  }

  /** Legacy discovery (/api, /apis, /api/v1, /apis/G/V), enough for kubectl and kstale to find what is served. */
  private discovery(path: string): string | undefined {
    const groups = new Map<string, Set<string>>();
    for (const entry of this.served()) {
      if (entry.group === '') continue;
      const versions = groups.get(entry.group) ?? new Set<string>();
      versions.add(entry.version);
      groups.set(entry.group, versions);
    }
    if (path === '/api') return JSON.stringify({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (path === '/apis') {
      const list = [...groups.entries()].map(([name, versions]) => {
        const all = [...versions].map((version) => ({ groupVersion: `${name}/${version}`, version }));
        return { name, versions: all, preferredVersion: all[0] };
      });
      return JSON.stringify({ kind: 'APIGroupList', apiVersion: 'v1', groups: list });
    }
    const match = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (!match) return undefined;
    const group = match[1] ? '' : match[2]!;
    const version = match[1] ?? match[3]!;
    const resources = this.served().filter((entry) => entry.group === group && entry.version === version).map((entry) => ({
      name: entry.plural,
      singularName: entry.kind.toLowerCase(),
      namespaced: true,
      kind: entry.kind,
      verbs: ['get', 'list', 'patch', 'watch'],
      shortNames: SHORT_NAMES[entry.kind] ? [SHORT_NAMES[entry.kind]] : [],
    }));
    if (resources.length === 0) return undefined;
    return JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources });
  }

  /**
   * RBAC as the real server applies it: before routing, so a list of a group that is not served
   * is 403 (not 404) for an identity that may not list it. `readableNamespaces` models a token
   * bound by a RoleBinding in those namespaces only: every other list, and every cluster-wide
   * one, is forbidden.
   */
  private listForbidden(path: string): { plural: string; namespace: string | null; group: string } | undefined {
    const match = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)$/.exec(path);
    if (!match) return undefined;
    const [, group = '', namespace, plural] = match;
    const where = namespace ? decodeURIComponent(namespace) : null;
    const denied = this.forbidden.has(plural!) || (where !== null && this.forbidden.has(`${plural}@${where}`)) || (this.readableNamespaces !== null && (where === null || !this.readableNamespaces.has(where)));
    return denied ? { plural: plural!, namespace: where, group } : undefined;
  }

  private route(path: string): { kind: string; plural: string; namespace: string | null; name: string | null; gvp: string } | undefined {
    const match = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (!match) return undefined;
    const [, coreVersion, group, groupVersion, namespace, plural, name] = match;
    const gvp = coreVersion ? `/${coreVersion}/${plural}` : `${group}/${groupVersion}/${plural}`;
    const kind = SERVED.get(gvp);
    if (!kind || this.notServed.has(gvp)) return undefined;
    return { kind, plural: plural!, namespace: namespace ? decodeURIComponent(namespace) : null, name: name ?? null, gvp };
  }

  private list(route: NonNullable<ReturnType<FakeApiServer['route']>>, url: URL, request: IncomingMessage, send: (code: number, body: string) => void, response?: ServerResponse): void {
    const selector = url.searchParams.get('labelSelector');
    const requirements = selector ? parseLabelSelector(selector) : [];
    if (!requirements) return send(400, status(400, 'BadRequest', `unable to parse requirement: ${selector}`));
    if (/^(1|true)$/.test(url.searchParams.get('watch') ?? '') && response) return this.watch(route, url, request, response, requirements);
    const all = this.objects.filter((object) => object.kind === route.kind && (route.namespace === null || object.metadata?.namespace === route.namespace) && matchesLabels(object.metadata?.labels ?? {}, requirements));
    const token = url.searchParams.get('continue');
    if (token && this.expireNextContinue) {
      this.expireNextContinue = false;
      return send(410, status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result.'));
    }
    const offset = token ? Number(Buffer.from(token, 'base64').toString('utf8')) : 0;
    const limit = Number(url.searchParams.get('limit') ?? 0) || all.length;
    const page = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? Buffer.from(String(offset + limit)).toString('base64') : undefined;
    const metadataOnly = /as=PartialObjectMetadataList/.test(String(request.headers.accept ?? ''));
    const items = page.map((object) => {
      if (metadataOnly) return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
      const { kind: _kind, apiVersion: _apiVersion, ...rest } = object; // the real server leaves these out of list items
      return rest;
    });
    const metadata = { resourceVersion: String(this.resourceVersion), ...(next ? { continue: next, remainingItemCount: all.length - offset - limit } : {}) };
    send(200, JSON.stringify({ kind: metadataOnly ? 'PartialObjectMetadataList' : `${route.kind}List`, apiVersion: metadataOnly ? 'meta.k8s.io/v1' : route.gvp.startsWith('/') ? 'v1' : route.gvp.split('/').slice(0, 2).join('/'), metadata, items }));
  }

  /**
   * A watch as the real server streams it: one JSON event per line from the given
   * resourceVersion on (ADDED, MODIFIED, DELETED), BOOKMARKs when asked for, an ERROR event
   * with a 410 Status when that resourceVersion is older than the kept history, and the end of
   * the stream after timeoutSeconds.
   */
  private watch(route: NonNullable<ReturnType<FakeApiServer['route']>>, url: URL, request: IncomingMessage, response: ServerResponse, requirements: NonNullable<ReturnType<typeof parseLabelSelector>>): void {
    const from = Number(url.searchParams.get('resourceVersion') ?? 0);
    const metadataOnly = /as=PartialObjectMetadata/.test(String(request.headers.accept ?? ''));
    response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    if (from < this.compactedAt) {
      response.end(`${JSON.stringify({ type: 'ERROR', object: JSON.parse(status(410, 'Expired', `too old resource version: ${from} (${this.compactedAt})`)) })}\n`);
      return;
    }
    const matches = (object: Item) => object.kind === route.kind && (route.namespace === null || object.metadata?.namespace === route.namespace) && matchesLabels(object.metadata?.labels ?? {}, requirements);
    const shape = (object: Item) => (metadataOnly ? { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata } : object);
    const watcher = {
      response,
      offer: (event: { type: string; object: Item; resourceVersion: number }) => {
        if (event.resourceVersion > from && matches(event.object) && !response.destroyed) response.write(`${JSON.stringify({ type: event.type, object: shape(event.object) })}\n`);
      },
    };
    for (const event of this.events) watcher.offer(event);
    this.watchers.add(watcher);
    const bookmarks = url.searchParams.get('allowWatchBookmarks') === 'true'
      ? setInterval(() => response.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: route.kind, apiVersion: 'v1', metadata: { resourceVersion: String(this.resourceVersion) } } })}\n`), this.bookmarkMs)
      : undefined;
    const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? 0);
    const timer = timeoutSeconds > 0 ? setTimeout(() => response.end(), timeoutSeconds * 1000) : undefined;
    const close = () => {
      clearInterval(bookmarks);
      clearTimeout(timer);
      this.watchers.delete(watcher);
    };
    response.on('close', close);
    response.on('finish', close);
  }

  private find(kind: string, namespace: string | null, name: string): Item | undefined {
    return this.objects.find((object) => object.kind === kind && object.metadata?.name === name && (namespace === null || object.metadata?.namespace === namespace));
  }

  /** GET, PATCH (strategic-merge or merge patch) and DELETE of one object, with a simulated controller. */
  private single(route: { kind: string; plural: string; namespace: string | null; name: string }, request: RecordedRequest, send: (code: number, body: string) => void): void {
    const verb = request.method.toLowerCase();
    if (this.forbidden.has(`${verb}:${route.plural}`)) return send(403, status(403, 'Forbidden', `${route.plural} "${route.name}" is forbidden: User "tester" cannot ${verb} resource "${route.plural}" in the namespace "${route.namespace}"`));
    const object = this.find(route.kind, route.namespace, route.name);
    if (!object) return send(404, status(404, 'NotFound', `${route.plural} "${route.name}" not found`));
    if (request.method === 'GET') return send(200, JSON.stringify(object));
    if (request.method === 'DELETE') {
      this.remove(route.kind, object.metadata?.namespace, route.name);
      if (route.kind === 'Pod') this.add(this.restarted(object)); // its controller makes it again
      return send(200, status(200, 'Success', 'deleted').replace('"Failure"', '"Success"'));
    }
    if (request.method === 'PUT') {
      const replacement = JSON.parse(request.body) as Item;
      if (replacement.metadata?.resourceVersion !== object.metadata?.resourceVersion) return send(409, status(409, 'Conflict', `Operation cannot be fulfilled on ${route.plural} "${route.name}": the object has been modified; please apply your changes to the latest version and try again`));
      replacement.kind = route.kind;
      replacement.apiVersion = object.apiVersion;
      if (route.kind === 'ConfigMap' || route.kind === 'Secret') trackManagedFields(object, replacement, request.query.fieldManager ?? 'fake-client', this.clock);
      this.update(replacement);
      return send(200, JSON.stringify(this.find(route.kind, route.namespace, route.name)));
    }
    if (request.method === 'PATCH') {
      const contentType = String(request.headers['content-type'] ?? '');
      if (!/^application\/(strategic-merge-patch|merge-patch)\+json/.test(contentType)) return send(415, status(415, 'UnsupportedMediaType', `the fake server expects a merge patch, not ${contentType}`));
      const before = JSON.stringify(object.spec?.template ?? object.spec?.restartAt ?? null);
      const previous = structuredClone(object);
      mergeInto(object, JSON.parse(request.body));
      if (route.kind === 'ConfigMap' || route.kind === 'Secret') trackManagedFields(previous, object, request.query.fieldManager ?? 'kubectl-patch', this.clock);
      if (JSON.stringify(object.spec?.template ?? object.spec?.restartAt ?? null) !== before) this.rollOut(object);
      this.changed('MODIFIED', object);
      return send(200, JSON.stringify(object));
    }
    send(405, status(405, 'MethodNotAllowed', `${request.method} is not supported`));
  }

  /** POST to a collection: 409 AlreadyExists when the name is taken, as the real server answers. */
  private create(route: { kind: string; plural: string; namespace: string | null }, request: RecordedRequest, send: (code: number, body: string) => void): void {
    if (this.forbidden.has(`create:${route.plural}`)) return send(403, status(403, 'Forbidden', `${route.plural} is forbidden: User "tester" cannot create resource "${route.plural}" in the namespace "${route.namespace}"`));
    const object = JSON.parse(request.body) as Item;
    object.kind = route.kind;
    object.metadata = { ...object.metadata, namespace: route.namespace ?? object.metadata?.namespace, creationTimestamp: object.metadata?.creationTimestamp ?? '2026-11-24T16:00:00Z' };
    if (this.find(route.kind, object.metadata.namespace, object.metadata.name)) return send(409, status(409, 'AlreadyExists', `${route.plural} "${object.metadata.name}" already exists`));
    this.add(object);
    send(201, JSON.stringify(this.find(route.kind, object.metadata.namespace, object.metadata.name)));
  }

  private restarted(pod: Item): Item {
    const copy = structuredClone(pod);
    const started = (list: Item[] | undefined, state: 'running' | 'terminated') => (list ?? []).map((entry: Item) => ({ ...entry, state: { [state]: { startedAt: this.podStartTime } } }));
    copy.status = { ...copy.status, startTime: this.podStartTime, containerStatuses: started(copy.status?.containerStatuses, 'running'), initContainerStatuses: started(copy.status?.initContainerStatuses, 'terminated') };
    return copy;
  }

  /** The workload's controller replaces its pods (new start time) and reports the rollout done, unless stuck. */
  private rollOut(workload: Item): void {
    workload.metadata.generation = (workload.metadata.generation ?? 1) + 1;
    const namespace = workload.metadata.namespace;
    const owners = new Set([workload.metadata.name]);
    for (const object of this.objects) if (object.kind === 'ReplicaSet' && object.metadata.namespace === namespace && object.metadata.ownerReferences?.some((owner: Item) => owners.has(owner.name))) owners.add(object.metadata.name);
    const pods = this.objects.filter((object) => object.kind === 'Pod' && object.metadata.namespace === namespace && object.metadata.ownerReferences?.some((owner: Item) => owners.has(owner.name)));
    if (this.stuckRollouts.has(workload.metadata.name)) return;
    const failing = this.failingRollouts.get(workload.metadata.name);
    if (failing) {
      // The controller makes a new pod from the new template, which the kubelet cannot start.
      const template = workload.spec?.template ?? {};
      const pod = structuredClone(pods[0] ?? { kind: 'Pod', apiVersion: 'v1', metadata: {}, status: {} });
      pod.metadata = { ...pod.metadata, name: `${workload.metadata.name}-new-${workload.metadata.generation}`, labels: { ...(pod.metadata?.labels ?? {}), ...(template.metadata?.labels ?? {}) }, annotations: { ...(template.metadata?.annotations ?? {}) } };
      pod.status = { phase: 'Pending', containerStatuses: (template.spec?.containers ?? []).map((container: Item) => ({ name: container.name, state: { waiting: { reason: failing, message: 'back-off restarting failed container' } } })) };
      this.add(pod);
      return;
    }
    for (const pod of pods) this.update(this.restarted(pod));
    const replicas = workload.spec?.replicas ?? pods.length;
    workload.status = workload.kind === 'DaemonSet'
      ? { observedGeneration: workload.metadata.generation, desiredNumberScheduled: pods.length, updatedNumberScheduled: pods.length, numberAvailable: pods.length }
      : workload.kind === 'Rollout'
        ? { phase: 'Healthy', observedGeneration: String(workload.metadata.generation) }
        : { observedGeneration: workload.metadata.generation, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, currentRevision: 'r2', updateRevision: 'r2' };
  }

  private review(body: string): string {
    const review = JSON.parse(body) as { spec: { resourceAttributes: { verb: string; resource: string; namespace?: string; group?: string } } };
    const attributes = review.spec.resourceAttributes;
    const denied = this.forbidden.has(attributes.resource) || (attributes.namespace !== undefined && this.forbidden.has(`${attributes.resource}@${attributes.namespace}`)) || this.forbidden.has(`${attributes.verb}:${attributes.resource}`);
    return JSON.stringify({ kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: review.spec, status: { allowed: !denied } });
  }
}
