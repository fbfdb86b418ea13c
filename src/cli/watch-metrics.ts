import { createServer, type Server } from 'node:http';
import type { LiveState } from '../analyses/live.js';
import { KstaleError } from '../model/errors.js';
import { parseRef } from '../model/refs.js';

export type WatchMetrics = Readonly<{
  /** one change event received from a watch */
  event: (resource: string, atMs: number, context?: string) => void;
  restart: (resource: string, reason: string, context?: string) => void;
  /** the Prometheus text of every metric now */
  text: () => Promise<string>;
  contentType: string;
}>;

/**
 * kstale's metrics (issue 14), computed at scrape time from the live state: a workload that is no
 * longer stale simply has no series. prom-client provides the registry and the text format.
 */
/** What one watched context contributes: its live state and the resources it watches. */
export type MetricsSource = Readonly<{ context: string; state: LiveState; kinds: readonly { kind: string; plural: string }[] }>;

export async function createWatchMetrics(sources: readonly MetricsSource[], clock: () => Date, protectionGraceMs = 5 * 60_000): Promise<WatchMetrics> {
  const { Counter, Gauge, Registry, collectDefaultMetrics } = await import('prom-client');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kstale_' });
  // A `context` label only when several contexts are watched: one context reads as before.
  const labelled = sources.length > 1;
  const withContext = (names: string[]) => (labelled ? ['context', ...names] : names);
  const contextLabel = (context: string | undefined): Record<string, string> => (labelled && context !== undefined ? { context } : {});
  const each = (visit: (source: MetricsSource, extra: Record<string, string>) => void) => {
    for (const source of sources) visit(source, contextLabel(source.context));
  };
  const workloadLabels = (ref: string, extra: Record<string, string>) => {
    const { kind, namespace, name } = parseRef(ref);
    return { ...extra, namespace, kind, workload: name };
  };
  new Gauge({
    name: 'kstale_stale_pods',
    help: 'Running pods of the workload with at least one container holding stale config',
    labelNames: withContext(['namespace', 'kind', 'workload']),
    registers: [registry],
    collect() {
      this.reset();
      each(({ state }, extra) => {
        for (const verdict of state.staleWorkloads()) this.set(workloadLabels(verdict.workload, extra), verdict.stalePods);
      });
    },
  });
  new Gauge({
    name: 'kstale_stale_references',
    help: 'One series per stale reference of a workload (config and key changed after its pods started)',
    labelNames: withContext(['namespace', 'kind', 'workload', 'config_kind', 'config', 'key', 'protected_by']),
    registers: [registry],
    collect() {
      this.reset();
      each(({ state }, extra) => {
        for (const verdict of state.staleWorkloads()) {
          for (const reference of verdict.references) {
            const config = parseRef(reference.config);
            this.set({ ...workloadLabels(verdict.workload, extra), config_kind: config.kind, config: config.name, key: reference.key ?? '', protected_by: reference.protectedBy ?? '' }, 1);
          }
        }
      });
    },
  });
  new Gauge({
    name: 'kstale_protection_failed',
    help: 'A stale reference that something should restart (Reloader, wave, a checksum…) and that is still stale past the protection grace period: the protector missed it',
    labelNames: withContext(['namespace', 'kind', 'workload', 'config_kind', 'config', 'key', 'protected_by']),
    registers: [registry],
    collect() {
      this.reset();
      const now = clock().getTime();
      each(({ state }, extra) => {
        for (const verdict of state.staleWorkloads()) {
          for (const reference of verdict.references) {
            if (!reference.protectedBy || now - Date.parse(reference.changedAt) <= protectionGraceMs) continue;
            const config = parseRef(reference.config);
            this.set({ ...workloadLabels(verdict.workload, extra), config_kind: config.kind, config: config.name, key: reference.key ?? '', protected_by: reference.protectedBy }, 1);
          }
        }
      });
    },
  });
  new Gauge({
    name: 'kstale_stale_since_seconds',
    help: 'Seconds since the oldest config change that made the workload stale',
    labelNames: withContext(['namespace', 'kind', 'workload']),
    registers: [registry],
    collect() {
      this.reset();
      const now = clock().getTime();
      each(({ state }, extra) => {
        for (const verdict of state.staleWorkloads()) this.set(workloadLabels(verdict.workload, extra), Math.max(0, (now - Date.parse(verdict.since)) / 1000));
      });
    },
  });
  new Gauge({
    name: 'kstale_missing_references',
    help: 'Workloads whose running pods read a config or key that does not exist',
    labelNames: withContext(['namespace', 'config_kind', 'config', 'key', 'required']),
    registers: [registry],
    collect() {
      this.reset();
      each(({ state }, extra) => {
        for (const missing of state.missing()) {
          const config = parseRef(missing.config);
          this.set({ ...extra, namespace: config.namespace, config_kind: config.kind, config: config.name, key: missing.key ?? '', required: String(missing.required) }, missing.workloads.length);
        }
      });
    },
  });
  new Gauge({
    name: 'kstale_objects',
    help: 'Objects kstale keeps, by resource',
    labelNames: withContext(['resource']),
    registers: [registry],
    collect() {
      each(({ state, kinds }, extra) => {
        for (const { kind, plural } of kinds) this.set({ ...extra, resource: plural }, state.count(kind));
      });
    },
  });
  const events = new Counter({ name: 'kstale_watch_events_total', help: 'Watch events received, by resource', labelNames: withContext(['resource']), registers: [registry] });
  const restarts = new Counter({ name: 'kstale_watch_restarts_total', help: 'Watches reopened, by resource and reason (closed, expired: relisted after 410 Gone, disconnected, error)', labelNames: withContext(['resource', 'reason']), registers: [registry] });
  const lastEvent = new Gauge({ name: 'kstale_last_event_timestamp_seconds', help: 'When the last watch event arrived (Unix time)', registers: [registry] });
  return {
    event: (resource, atMs, context) => {
      events.inc({ ...contextLabel(context), resource });
      lastEvent.set(atMs / 1000);
    },
    restart: (resource, reason, context) => restarts.inc({ ...contextLabel(context), resource, reason }),
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/** `HOST:PORT` or `:PORT` (every interface), as Prometheus exporters take it. */
export function parseListenAddress(text: string): { host: string | undefined; port: number } {
  const match = /^(.*):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65_535) throw new KstaleError('usage', `--metrics-addr "${text}" is not HOST:PORT`, { hint: 'examples: :9090, 127.0.0.1:9090' });
  const host = match[1]!.replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? undefined : host, port };
}

/** /metrics, /healthz (alive) and /readyz (every initial list done, every watch connected). */
export async function serveMetrics(address: string, metrics: WatchMetrics, ready: () => boolean): Promise<{ server: Server; url: string }> {
  const { host, port } = parseListenAddress(address);
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      void metrics.text().then((text) => {
        response.writeHead(200, { 'Content-Type': metrics.contentType });
        response.end(text);
      });
      return;
    }
    if (path === '/healthz') {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end('ok\n');
      return;
    }
    if (path === '/readyz') {
      const isReady = ready();
      response.writeHead(isReady ? 200 : 503, { 'Content-Type': 'text/plain' });
      response.end(isReady ? 'ok\n' : 'not ready: initial lists or watches pending\n');
      return;
    }
    response.writeHead(404, { 'Content-Type': 'text/plain' });
    response.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new KstaleError('usage', `cannot listen on ${address}: ${(error as Error).message}`)));
    server.listen(port, host, resolve);
  });
  const bound = server.address();
  const url = typeof bound === 'object' && bound ? `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}` : address;
  return { server, url };
}
