import type { Agent as HttpAgent } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { gunzipSync } from 'node:zlib';
import { KstaleError } from '../../model/errors.js';

export type ClusterResponse = Readonly<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>;

export type ConnectionOptions = Readonly<{
  server: string;
  /** from the kubeconfig: TLS material and auth headers */
  agent?: HttpAgent;
  headers: Readonly<Record<string, string>>;
  context: string;
  timeoutMs: number;
  /** first backoff step for 5xx retries; tests shorten it */
  retryBaseMs?: number;
  /** the longest Retry-After kstale will wait */
  maxRetryAfterMs?: number;
  maxAttempts?: number;
}>;

/** How a streamed GET (a watch) ended: the server closed it (status 200), or answered something else. */
export type StreamEnd = Readonly<{ status: number; body: string }>;

export type ClusterClient = Readonly<{
  get: (path: string, accept?: string) => Promise<ClusterResponse>;
  /**
   * A long GET whose body is read line by line as it arrives (a watch). Rejects on a broken
   * connection; resolves when the server ends the stream, answers other than 200, the signal
   * aborts, or nothing arrives for `idleMs`.
   */
  stream: (path: string, accept: string | undefined, onLine: (line: string) => void, options: { signal: AbortSignal; idleMs: number }) => Promise<StreamEnd>;
  send: (method: 'PATCH' | 'POST' | 'PUT' | 'DELETE', path: string, body: string, contentType: string) => Promise<ClusterResponse>;
  context: string;
  server: string;
}>;

const TLS_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|EPROTO|SSL/;
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN']);

function connectionError(error: NodeJS.ErrnoException, options: ConnectionOptions): KstaleError {
  const code = error.code ?? '';
  const where = `the API server ${options.server} of context "${options.context}"`;
  if (TLS_ERRORS.test(code) || TLS_ERRORS.test(error.message)) {
    return new KstaleError('cluster', `TLS verification of ${where} failed: ${error.message}`, { hint: 'check certificate-authority(-data) in the kubeconfig; insecure-skip-tls-verify only for test clusters', cause: error });
  }
  if (UNREACHABLE.has(code)) {
    return new KstaleError('cluster', `cannot reach ${where}: ${code}`, { hint: 'is the cluster up, the VPN on, and the right --context selected?', cause: error });
  }
  return new KstaleError('cluster', `request to ${where} failed: ${error.message}`, { cause: error });
}

/*
 * A gzipped answer is inflated in one call once it is whole: a page of 500 pods is ~100 KB on the
 * wire, and a stream through zlib would cost a callback and a copy per chunk (measured on the real
 * kit: about a tenth of a live audit's CPU).
 */
function decodedBody(raw: Buffer, gzipped: boolean): Buffer {
  return gzipped ? gunzipSync(raw) : raw;
}

function once(method: string, url: URL, body: string | undefined, headers: Record<string, string>, options: ConnectionOptions): Promise<ClusterResponse> {
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, { method, headers, agent: url.protocol === 'https:' ? options.agent : undefined, timeout: options.timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('error', (error) => reject(connectionError(error, options)));
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        try {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: decodedBody(Buffer.concat(chunks), response.headers['content-encoding'] === 'gzip').toString('utf8') });
        } catch (error) {
          reject(new KstaleError('cluster', `the gzipped answer to ${method} ${url.pathname} on context "${options.context}" does not inflate: ${(error as Error).message}`, { cause: error }));
        }
      });
    });
    request.on('timeout', () => {
      request.destroy();
      reject(new KstaleError('cluster', `${method} ${url.pathname} on context "${options.context}" got no answer within ${options.timeoutMs / 1000}s`, { hint: 'the API server is slow or unreachable; raise --request-timeout if it is just slow' }));
    });
    request.on('error', (error) => reject(error instanceof KstaleError ? error : connectionError(error as NodeJS.ErrnoException, options)));
    if (body !== undefined) request.write(body);
    request.end();
  });
}

function streamLines(url: URL, headers: Record<string, string>, onLine: (line: string) => void, stream: { signal: AbortSignal; idleMs: number }, options: ConnectionOptions): Promise<StreamEnd> {
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    if (stream.signal.aborted) return resolve({ status: 0, body: 'aborted' });
    const request = send(url, { method: 'GET', headers, agent: url.protocol === 'https:' ? options.agent : undefined, timeout: stream.idleMs }, (response) => {
      const status = response.statusCode ?? 0;
      let pending = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (status !== 200) {
          pending += chunk;
          return;
        }
        pending += chunk;
        for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          if (line.trim()) onLine(line);
        }
      });
      response.on('end', () => {
        if (status === 200 && pending.trim()) onLine(pending);
        resolve({ status, body: status === 200 ? '' : pending });
      });
      response.on('error', (error) => reject(connectionError(error, options)));
      response.on('aborted', () => reject(new KstaleError('cluster', `the watch ${url.pathname} on context "${options.context}" was cut`)));
    });
    const abort = () => {
      request.destroy();
      resolve({ status: 0, body: 'aborted' });
    };
    stream.signal.addEventListener('abort', abort, { once: true });
    request.on('close', () => stream.signal.removeEventListener('abort', abort));
    request.on('timeout', () => {
      request.destroy();
      resolve({ status: 0, body: 'idle' });
    });
    request.on('error', (error) => (stream.signal.aborted ? resolve({ status: 0, body: 'aborted' }) : reject(error instanceof KstaleError ? error : connectionError(error as NodeJS.ErrnoException, options))));
    request.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function retryAfterMs(response: ClusterResponse, options: ConnectionOptions, attempt: number): number {
  const header = response.headers['retry-after'];
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  const base = options.retryBaseMs ?? 500;
  const wanted = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : base * 2 ** attempt;
  return Math.min(wanted, options.maxRetryAfterMs ?? 10_000);
}

/** 429 and 5xx are retried (bounded, with backoff, honouring Retry-After) for reads only: a write is never repeated blindly. */
export function createClusterClient(options: ConnectionOptions): ClusterClient {
  const base = new URL(options.server);
  const url = (path: string) => new URL(`${base.pathname.replace(/\/$/, '')}${path}`, base);
  return {
    context: options.context,
    server: options.server,
    async get(path, accept = 'application/json') {
      const maxAttempts = options.maxAttempts ?? 4;
      for (let attempt = 0; ; attempt++) {
        // As kubectl does: the server gzips large lists (a page of 500 pods: 2.9 MB → 93 KB on the real kit).
        const response = await once('GET', url(path), undefined, { ...options.headers, Accept: accept, 'Accept-Encoding': 'gzip' }, options);
        const retryable = response.status === 429 || (response.status >= 500 && response.status !== 501);
        if (!retryable || attempt + 1 >= maxAttempts) return response;
        await sleep(retryAfterMs(response, options, attempt));
      }
    },
    stream(path, accept, onLine, stream) {
      return streamLines(url(path), { ...options.headers, Accept: accept ?? 'application/json' }, onLine, stream, options);
    },
    send(method, path, body, contentType) {
      return once(method, url(path), body, { ...options.headers, Accept: 'application/json', 'Content-Type': contentType }, options);
    },
  };
}
