/**
 * A scriptable misbehaving HTTP front for the demo central server (tests/sync/harness.ts), the faults a real
 * district API and its gateways produce: per request, a rule picks what happens (pass it on, a 503 with
 * Retry-After, a gateway's HTML 502, a body cut short, a reset connection, broken JSON, a trickling body, a
 * stream that goes silent). Every request is recorded (method, path, query, time) so tests can count them.
 */
import { spawn } from 'node:child_process';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { openCache, type Db } from '../../core/cache/database';
import { CacheStore } from '../../core/cache/store';
import { ApiClient, type ApiConfig } from '../../core/sync/api-client';
import { SyncEngine, type SyncEngineOptions, type SyncListener } from '../../core/sync/engine';
import { afterEach } from 'vitest';
import { server, tempCache } from './harness';

export type Action =
  | { type: 'pass' }
  /** Any status, with headers and a body (JSON or not). */
  | { type: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** The upstream's headers with its full Content-Length, half the body, then the socket is destroyed. */
  | { type: 'truncate' }
  /** The socket is destroyed before anything is answered. */
  | { type: 'reset' }
  /** 200 with a JSON content type and a body that is not JSON. */
  | { type: 'broken_json' }
  /** The upstream's answer, one byte every `everyMs`. */
  | { type: 'trickle'; everyMs: number }
  /** 200 text/event-stream headers, then nothing: the socket stays open. */
  | { type: 'silent' };

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Method and full URL (path and query): the identity of a request for "fail the first time it is seen". */
  key: string;
  /** How many times this key has been seen, this one included (1 the first time). */
  n: number;
  /** How many requests for this path (whatever the query) have been seen, this one included. */
  pathN: number;
  headers: IncomingMessage['headers'];
  /** performance.now() when it arrived. */
  at: number;
  action: Action['type'];
}

export type Rule = (req: SeenRequest) => Action;

export const pass: Rule = () => ({ type: 'pass' });

/** Fails each distinct request (method, path and query) the first time it is seen, then lets it through. */
export function onceEach(action: Action, only: (req: SeenRequest) => boolean = () => true): Rule {
  return (req) => (req.n === 1 && only(req) ? action : { type: 'pass' });
}

/** Fails the first request for each path (whatever its query), then lets everything through. */
export function oncePerPath(action: Action, only: (req: SeenRequest) => boolean = () => true): Rule {
  return (req) => (req.pathN === 1 && only(req) ? action : { type: 'pass' });
}

export const unavailable = (headers: Record<string, string> = {}): Action => ({
  type: 'status',
  status: 503,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ error: 'unavailable', message: 'Down for maintenance.' }),
});

export const gatewayHtml: Action = {
  type: 'status',
  status: 502,
  headers: { 'content-type': 'text/html' },
  body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
};

export interface MisbehavingServer {
  /** Base URL with a trailing slash. */
  url: string;
  requests: SeenRequest[];
  rule: Rule;
  close(): Promise<void>;
}

/** Starts the front on 127.0.0.1 (a free port) before `upstream` (a base URL with a trailing slash). */
export async function misbehaving(upstream: string, rule: Rule = pass): Promise<MisbehavingServer> {
  const target = new URL(upstream);
  const seen = new Map<string, number>();
  const seenPaths = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const state: MisbehavingServer = {
    url: '',
    requests: [],
    rule,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  /** Forwards the request; hands over the upstream's response (not yet read). */
  const forward = (req: IncomingMessage): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target.host };
      const out = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, resolve);
      out.on('error', reject);
      req.on('close', () => out.destroy());
      out.end();
    });

  const readAll = async (res: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  const headersOf = (res: IncomingMessage, length: number) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(res.headers))
      if (value !== undefined && name !== 'transfer-encoding' && name !== 'connection') headers[name] = value;
    headers['content-length'] = String(length);
    return headers;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://front');
    const key = `${req.method} ${req.url}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const pathN = (seenPaths.get(url.pathname) ?? 0) + 1;
    seenPaths.set(url.pathname, pathN);
    const seenRequest: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      key,
      n,
      pathN,
      headers: req.headers,
      at: performance.now(),
      action: 'pass',
    };
    const action = state.rule(seenRequest);
    seenRequest.action = action.type;
    state.requests.push(seenRequest);
    switch (action.type) {
      case 'status':
        res.writeHead(action.status, action.headers ?? {});
        res.end(action.body ?? '');
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'broken_json':
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end('{"items":[{"type":"event","rev":1,"record":{"id":');
        return;
      case 'silent':
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
        res.flushHeaders();
        return;
      case 'truncate': {
        const up = await forward(req);
        const body = await readAll(up);
        res.writeHead(up.statusCode ?? 502, headersOf(up, body.length));
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => req.socket.destroy(), 20));
        return;
      }
      case 'trickle': {
        const up = await forward(req);
        const body = await readAll(up);
        res.writeHead(up.statusCode ?? 502, headersOf(up, body.length));
        let i = 0;
        const timer = setInterval(() => {
          if (res.destroyed || i >= body.length) {
            clearInterval(timer);
            timers.delete(timer);
            if (!res.destroyed) res.end();
            return;
          }
          res.write(body.subarray(i, ++i));
        }, action.everyMs);
        timers.add(timer);
        res.write(body.subarray(i, ++i));
        return;
      }
      case 'pass': {
        const up = await forward(req);
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(up.headers)) if (value !== undefined && name !== 'connection') headers[name] = value;
        res.writeHead(up.statusCode ?? 502, headers);
        if (url.pathname === '/v1/stream') res.flushHeaders();
        up.pipe(res);
        res.on('close', () => up.destroy());
        return;
      }
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(599).end();
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  state.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  return state;
}

/** A sync engine over a fresh temporary cache, talking to `url` with API settings of the test's choosing. */
export function engineBehind(
  url: string,
  options: SyncEngineOptions = {},
  api: Partial<ApiConfig> = {},
  listener: SyncListener = {},
  cacheFile = tempCache(),
): { db: Db; store: CacheStore; engine: SyncEngine; cacheFile: string } {
  const { db } = openCache(cacheFile);
  const store = new CacheStore(db);
  const engine = new SyncEngine(new ApiClient({ baseUrl: url, token: 'demo-token', ...api }), store, listener, {
    pageSize: 500,
    backoff: { initialMs: 50, maxMs: 200 },
    ...options,
  });
  return { db, store, engine, cacheFile };
}

/**
 * Per-test helpers that clean up after each test: the demo server behind a misbehaving front, an engine over a
 * temporary cache, the sync CLI in a child process.
 */
export function fixtures() {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    defer: (cleanup: () => Promise<void> | void) => void cleanups.push(cleanup),
    async front(rule: Rule): Promise<MisbehavingServer> {
      const s = await server();
      const f = await misbehaving(s.url, rule);
      cleanups.push(
        () => s.close(),
        () => f.close(),
      );
      return f;
    },
    engine(...args: Parameters<typeof engineBehind>) {
      const e = engineBehind(...args);
      cleanups.push(() => void e.db.close());
      return e;
    },
    runCli(args: string[]) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sync.ts', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      cleanups.push(() => void child.kill('SIGKILL'));
      return { exited, stderr: () => stderr };
    },
    changes: (f: MisbehavingServer) => f.requests.filter((r) => r.path === '/v1/changes'),
  };
}
