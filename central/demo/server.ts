/**
 * The bundled demo central server over HTTP (Fastify). Embeddable: `createCentralServer()` listens (port 0 picks a
 * free one), returns its base URL and a `close()` that ends streams, timers and sockets. The CLI is
 * scripts/central.ts.
 *
 *   GET /healthz                     no auth
 *   GET /openapi.json                no auth; the contract (OpenAPI 3.1)
 *   GET /v1/meta                     server time, head rev, stream window
 *   GET /v1/regions                  district → streets → communities → grids (ETag)
 *   GET /v1/organisation             departments, tasks, people (ETag)
 *   GET /v1/changes?after_rev&limit  the change feed, paged by rev (410 for a cursor older than the tombstones kept)
 *   GET /v1/stream                   Server-Sent Events; resume with Last-Event-ID
 *
 * Pages, the stream and /v1/meta's head_rev never go past the stable watermark (engine.stableRev, revs.ts).
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { ApiError } from '../../shared/api/schemas';
import { DEMO_TOKEN } from './constants';
import { CentralEngine, type EngineOptions } from './engine';
import { DEFAULT_PAGE, MAX_PAGE, pageQuery, parseWhole } from '../http/paging';
import { cursorTooOldMessage, emptyPage, faultItems, NO_FAULTS, StreamFaults, corrupt, type Faults } from './faults';
import { openApiDocument } from '../http/openapi';
import { hash2, hashString, Rng } from './prng';

export { DEMO_TOKEN, DEFAULT_PAGE, MAX_PAGE };
const OPEN_ITEMS = Buffer.from('{"items":[');
const COMMA = Buffer.from(',');

export interface CentralServerOptions extends EngineOptions {
  port?: number;
  host?: string;
  /** Bearer token clients must send (default "demo-token"). */
  token?: string;
  faults?: Partial<Faults>;
  /** Stream heartbeat comment interval (default 15 s). */
  heartbeatMs?: number;
  /** Use an engine built elsewhere (tests share one). */
  engine?: CentralEngine;
  logger?: boolean;
}

export interface CentralServer {
  /** Base URL with a trailing slash, e.g. http://127.0.0.1:4310/ */
  url: string;
  host: string;
  port: number;
  token: string;
  engine: CentralEngine;
  /** The fault knobs in force; change them with setFaults. */
  readonly faults: Faults;
  setFaults(faults: Partial<Faults>): void;
  /** Open stream connections. */
  streams(): number;
  close(): Promise<void>;
}

function apiError(error: ApiError['error'], message: string): string {
  return JSON.stringify({ error, message } satisfies ApiError);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Does an If-None-Match header match this ETag? */
function matchesEtag(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === tag || v.replace(/^W\//, '') === tag;
  });
}

export async function createCentralServer(options: CentralServerOptions = {}): Promise<CentralServer> {
  const engine = options.engine ?? new CentralEngine(options);
  const token = options.token ?? DEMO_TOKEN;
  const faults: Faults = { ...NO_FAULTS, ...options.faults };
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const requestRng = new Rng(engine.seed ^ hashString('requests'));
  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true });
  const openStreams = new Set<() => void>();
  let streamCount = 0;

  const send = (reply: FastifyReply, status: number, body: string, headers: Record<string, string> = {}) => {
    reply.code(status).headers({ 'content-type': 'application/json; charset=utf-8', ...headers });
    return reply.send(body);
  };

  app.setNotFoundHandler((req, reply) =>
    send(reply, 404, apiError('not_found', `There is no ${req.method} ${req.url.split('?')[0]} on this server; see /openapi.json.`)),
  );
  app.setErrorHandler((err: Error, _req, reply) => send(reply, 500, apiError('internal', `The demo central server failed: ${err.message}`)));

  // Auth, then simulated latency and outages, for everything under /v1.
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.url.startsWith('/v1/') && req.url !== '/v1') return;
    const header = req.headers.authorization;
    const query = req.query as Record<string, string | undefined>;
    let given: string | undefined;
    if (header) {
      const m = /^Bearer\s+(.+)$/i.exec(header.trim());
      given = m ? m[1].trim() : '';
    } else if (query.access_token) {
      given = query.access_token;
    }
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (given === undefined)
      return send(
        reply,
        401,
        apiError('unauthorized', 'There was no token in the request: send the header "Authorization: Bearer <token>" with the token of this central API.'),
        { 'www-authenticate': 'Bearer realm="central"' },
      );
    if (given !== token)
      return send(reply, 401, apiError('unauthorized', 'The token is wrong: this central API does not know it. Check the token in the settings.'), {
        'www-authenticate': 'Bearer realm="central", error="invalid_token"',
      });
    if (faults.revokeToken)
      return send(
        reply,
        403,
        apiError('forbidden', 'This token has been revoked by the district platform: ask its administrator for a new one and enter it in the settings.'),
      );
    if (faults.errorRate > 0 && requestRng.next() < faults.errorRate)
      return send(reply, 503, apiError('unavailable', 'The central API is temporarily unavailable (simulated outage); try again in a few seconds.'), {
        'retry-after': '1',
      });
  });

  app.get('/healthz', async (_req, reply) => send(reply, 200, JSON.stringify({ ok: true, head_rev: engine.headRev })));

  app.get('/openapi.json', async (_req, reply) => send(reply, 200, await openApiDocument()));

  app.get('/v1/meta', async (_req, reply) => send(reply, 200, JSON.stringify(engine.meta(faults.commitLagSec)), { 'cache-control': 'no-store' }));

  const reference = (json: () => string, tag: () => string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const headers = { etag: tag(), 'cache-control': 'no-cache' };
    if (matchesEtag(req.headers['if-none-match'], tag())) {
      reply.code(304).headers(headers);
      return reply.send();
    }
    return send(reply, 200, json(), headers);
  };
  app.get(
    '/v1/regions',
    reference(
      () => engine.regionsJson,
      () => engine.regionsEtag,
    ),
  );
  app.get(
    '/v1/organisation',
    reference(
      () => engine.organisationJson,
      () => engine.organisationEtag,
    ),
  );

  app.get('/v1/changes', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const paging = pageQuery(q);
    if (typeof paging === 'string') return send(reply, 400, apiError('bad_request', paging));
    const { after, limit } = paging;
    if (after > 0 && after < faults.oldestChangesRev) return send(reply, 410, apiError('cursor_too_old', cursorTooOldMessage(after, faults.oldestChangesRev)));
    let page = engine.page(after, limit, faults.commitLagSec);
    // Allowed to any server: an empty page that still advances, to just before the first change it would have held.
    if (page.items.length > 0 && page.items[0].rev - 1 > after && emptyPage(faults, engine.seed, after))
      page = { ...page, items: [], next_rev: page.items[0].rev - 1, has_more: true };
    const items = faultItems(page.items, faults, engine.seed, after);
    // Assemble UTF-8 buffers rather than one big string: joining and encoding a megabyte of CJK text as a string
    // costs several times more than copying bytes.
    const parts: Buffer[] = [OPEN_ITEMS];
    items.forEach((item, i) => {
      if (i > 0) parts.push(COMMA);
      parts.push(item.buf ?? Buffer.from(item.data));
    });
    parts.push(Buffer.from(`],"next_rev":${page.next_rev},"has_more":${page.has_more},"head_rev":${page.head_rev},"total":${page.total}}`));
    reply.code(200).headers({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    return reply.send(Buffer.concat(parts));
  });

  app.get('/v1/stream', (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const headerId = req.headers['last-event-id'];
    const lastIdText = (Array.isArray(headerId) ? headerId[0] : headerId) ?? q.last_event_id;
    let lastId: number | null = null;
    if (lastIdText !== undefined && lastIdText !== '') {
      const parsed = parseWhole(lastIdText, 'Last-Event-ID');
      if (typeof parsed === 'string') return send(reply, 400, apiError('bad_request', parsed));
      lastId = parsed;
    }
    engine.publishUpTo(engine.nowSec());
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    const replay = lastId === null ? [] : engine.replayAfter(lastId);
    if (replay === null) {
      res.end(`event: resync\ndata: ${JSON.stringify(engine.resyncNotice())}\n\n`);
      return;
    }
    const sf = new StreamFaults(faults, hash2(engine.seed, ++streamCount));
    let held: string | null = null;
    const write = (rev: number, data: string) => {
      let payload = data;
      if (sf.malformed()) payload = corrupt(data, sf.corruptKey());
      const message = `event: change\nid: ${rev}\ndata: ${payload}\n\n`;
      const copies = sf.duplicate() ? message + message : message;
      if (held !== null) {
        res.write(copies + held);
        held = null;
      } else if (sf.reorder()) {
        held = copies;
      } else {
        res.write(copies);
      }
    };
    // Changes above the stable watermark wait until it passes them (only with the commitLagSec knob: otherwise
    // every published change is at or below it), so the stream never hands out a rev that paging could not.
    const waiting: { rev: number; data: string }[] = [];
    const release = () => {
      const stable = engine.stableRev(faults.commitLagSec);
      let n = 0;
      while (n < waiting.length && waiting[n].rev <= stable) n++;
      for (const m of waiting.splice(0, n)) write(m.rev, m.data);
    };
    const deliver = (rev: number, data: string) => {
      waiting.push({ rev, data });
      release();
    };
    for (const m of replay) deliver(m.rev, m.data);
    const unsubscribe = engine.subscribe(deliver);
    const releaser = setInterval(() => waiting.length && release(), 200);
    const heartbeat = setInterval(() => {
      if (held !== null) {
        res.write(held);
        held = null;
      }
      res.write(`: heartbeat ${new Date(engine.now()).toISOString()}\n\n`);
    }, heartbeatMs);
    const drop = faults.dropStreamEverySec > 0 ? setTimeout(() => finish(), faults.dropStreamEverySec * 1000) : null;
    const finish = () => {
      unsubscribe();
      clearInterval(heartbeat);
      clearInterval(releaser);
      if (drop) clearTimeout(drop);
      openStreams.delete(finish);
      if (!res.writableEnded) res.end();
    };
    openStreams.add(finish);
    res.on('close', finish);
  });

  engine.start();
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const host = options.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/`,
    host,
    port,
    token,
    engine,
    faults,
    setFaults(f: Partial<Faults>) {
      Object.assign(faults, f);
    },
    streams: () => openStreams.size,
    async close() {
      for (const finish of [...openStreams]) finish();
      if (!options.engine) engine.stop();
      await app.close();
    },
  };
}
