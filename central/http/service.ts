/**
 * The central data service over HTTP (Fastify): the contract (resources/openapi.json) served from a CentralStore,
 * reads and writes. Stateless apart from the store: any number of these processes may serve one PostgreSQL store,
 * each serving the feed and the stream (a write through one reaches the stream clients of every other through the
 * store's wake-ups; the feed is always read by rev).
 *
 *   GET  /healthz, /openapi.json                         no auth
 *   GET  /v1/meta, /v1/regions, /v1/organisation          read scope; reference data with ETags
 *   GET  /v1/changes?after_rev&limit                      read scope; 410 below the oldest rev kept
 *   GET  /v1/stream                                       read scope; SSE, resumes with Last-Event-ID (also across restarts)
 *   POST /v1/events|evaluations|services                  write scope; up to 5,000 records, all or nothing
 *   DELETE /v1/events|evaluations|services/{id}           write scope; a tombstone
 *   PUT  /v1/regions, /v1/organisation                    write scope; the whole region tree / organisation
 *   /v1/imports…                                          write scope; the importers (imports.ts)
 */
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { API_VERSION, type ApiError, type RecordType, type RegionsResponse } from '../../shared/api/schemas';
import {
  checkWriteBatch,
  DeleteParams,
  firstIssue,
  MAX_WRITE_BATCH,
  OrganisationInput,
  RegionsInput,
  type RecordResult,
  type WriteResponse,
} from '../../shared/api/writes';
import { toShanghaiIso } from '../../shared/time';
import { StoreError, type CentralStore, type Scope, type TokenInfo, type WriteContext } from '../store/types';
import { ImportJobs } from '../import/jobs';
import { registerImports } from './imports';
import { pageQuery, parseWhole } from './paging';
import { regionTreeProblems } from './regions';
import { sseChange, StreamTail } from './stream-tail';

export { DEFAULT_PAGE, MAX_PAGE } from './paging';

export interface ServiceOptions {
  store: CentralStore;
  port?: number;
  /** 127.0.0.1 unless told otherwise. */
  host?: string;
  /** A token with both scopes for quick starts and tests (--token / --token-file); tokens in the store work too. */
  token?: string | null;
  /** How that token is named in the audit and the import history (default "command-line token"). */
  tokenName?: string;
  /** True when the store holds the demo source's data: /v1/meta says so, and the app labels it 演示数据. */
  demo?: boolean;
  /** SSE heartbeat comment (default 15 s, as the contract promises). */
  heartbeatMs?: number;
  /** The contract document served at /openapi.json. */
  openApiJson?: string;
  now?: () => number;
  logger?: boolean;
}

export interface CentralService {
  url: string;
  port: number;
  store: CentralStore;
  /** Open stream connections. */
  streams(): number;
  close(): Promise<void>;
}

const RECORD_PATHS: Record<string, RecordType> = { events: 'event', evaluations: 'evaluation', services: 'service' };

function apiError(error: ApiError['error'], message: string): string {
  return JSON.stringify({ error, message } satisfies ApiError);
}

/** 404 of a store nothing was imported into yet: what to do, in one sentence (the document quotes it). */
export function noReferenceYetMessage(key: 'regions' | 'organisation'): string {
  return key === 'regions'
    ? "This central service has no regions yet: import the district's boundaries first (npm run import -- boundaries FILE …)."
    : 'This central service has no organisation yet: the first boundaries import writes the standard one, or the district platform puts its own (PUT /v1/organisation).';
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startCentralService(options: ServiceOptions): Promise<CentralService> {
  const { store } = options;
  const now = options.now ?? Date.now;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const quickToken = options.token ?? null;
  const send = (reply: FastifyReply, status: number, body: string, headers: Record<string, string> = {}) =>
    reply
      .code(status)
      .headers({ 'content-type': 'application/json; charset=utf-8', ...headers })
      .send(body);
  const app = Fastify({
    logger: options.logger ?? false,
    forceCloseConnections: true,
    bodyLimit: 256 * 1024 * 1024,
    // A URL the router cannot take (a path parameter over its length, bad percent-encoding) is answered before any
    // handler: an ApiError like every other answer, not Fastify's own body.
    frameworkErrors: (error, _req, reply) =>
      void send(reply, error.statusCode ?? 400, apiError('bad_request', `The request could not be read: ${error.message.slice(0, 300)}`)),
  });
  const openStreams = new Set<() => void>();
  const tail = new StreamTail(store);
  const who = new WeakMap<FastifyRequest, TokenInfo>();

  /** A store failure as a status and a sentence; the store is unchanged by a failed write. */
  const storeFailure = (reply: FastifyReply, error: unknown) => {
    if (error instanceof StoreError) {
      if (error.code === 'unavailable') return send(reply, 503, apiError('unavailable', error.message), { 'retry-after': '5' });
      if (error.code === 'full') return send(reply, 507, apiError('unavailable', error.message));
      if (error.code === 'invalid') return send(reply, 400, apiError('bad_request', error.message));
    }
    return send(reply, 500, apiError('internal', `The central service failed: ${error instanceof Error ? error.message : String(error)}`));
  };

  app.setNotFoundHandler((req, reply) =>
    send(reply, 404, apiError('not_found', `There is no ${req.method} ${req.url.split('?')[0]} on this server; see /openapi.json.`)),
  );
  app.setErrorHandler((error: Error & { statusCode?: number }, _req, reply) => {
    if (error.statusCode === 413)
      return send(reply, 413, apiError('bad_request', `The request is too large: send at most ${MAX_WRITE_BATCH} records per request.`));
    if (error.statusCode && error.statusCode < 500)
      return send(reply, error.statusCode, apiError('bad_request', `The request could not be read: ${error.message}`));
    return storeFailure(reply, error);
  });

  // Auth and scopes for everything under /v1: reads need `read`, writes `write`.
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/v1/')) return;
    const header = req.headers.authorization;
    const query = req.query as Record<string, string | undefined>;
    const given = header ? (/^Bearer\s+(.+)$/i.exec(header.trim())?.[1]?.trim() ?? '') : query.access_token;
    if (given === undefined)
      return send(
        reply,
        401,
        apiError('unauthorized', 'There was no token in the request: send the header "Authorization: Bearer <token>" with a token of this central service.'),
        {
          'www-authenticate': 'Bearer realm="central"',
        },
      );
    let token: TokenInfo | null = null;
    if (quickToken !== null && sameText(given, quickToken))
      token = { id: '', name: options.tokenName ?? 'command-line token', scopes: ['read', 'write'], createdAt: '', revokedAt: null };
    else {
      try {
        token = await store.verifyToken(given);
      } catch (error) {
        return storeFailure(reply, error);
      }
    }
    if (!token)
      return send(
        reply,
        401,
        apiError('unauthorized', 'The token is wrong or was revoked: this central service does not accept it. Check the token in the settings.'),
        {
          'www-authenticate': 'Bearer realm="central", error="invalid_token"',
        },
      );
    // Imports are the operator's, reads of them too: the list names files and people.
    const needs: Scope = (req.method === 'GET' || req.method === 'HEAD') && !req.url.startsWith('/v1/imports') ? 'read' : 'write';
    if (!token.scopes.includes(needs))
      return send(
        reply,
        403,
        apiError(
          'forbidden',
          `This token ("${token.name}") may only ${token.scopes.join(' and ')}; ${req.method} ${req.url.split('?')[0]} needs a token with the ${needs} scope (npm run central -- token create NAME --scope ${needs}).`,
        ),
      );
    who.set(req, token);
  });

  const writer = (req: FastifyRequest, source: string | undefined): WriteContext => {
    const token = who.get(req)!;
    return { tokenId: token.id || null, tokenName: token.name, source: source ?? token.name };
  };

  app.get('/healthz', async (_req, reply) => {
    try {
      await store.headRev();
      return send(reply, 200, JSON.stringify({ ok: true, store: store.engine }));
    } catch (error) {
      return storeFailure(reply, error);
    }
  });
  app.get('/openapi.json', async (_req, reply) => {
    if (!options.openApiJson) return send(reply, 404, apiError('not_found', 'This service was started without its contract document.'));
    return send(reply, 200, options.openApiJson);
  });

  app.get('/v1/meta', async (_req, reply) => {
    try {
      const [head, oldest, regions] = await Promise.all([store.headRev(), store.oldestRev(), store.regions()]);
      const parsed = regions ? (JSON.parse(regions.json) as RegionsResponse) : null;
      const district = parsed?.regions.find((r) => r.level === 'district');
      return send(
        reply,
        200,
        JSON.stringify({
          api_version: API_VERSION,
          district: { code: district?.code ?? '', name: district?.name ?? '' },
          datum: parsed?.datum ?? 'WGS-84',
          server_time: toShanghaiIso(now()),
          head_rev: head,
          oldest_stream_rev: oldest,
          demo: options.demo ?? false,
          time_zone: 'Asia/Shanghai',
        }),
      );
    } catch (error) {
      return storeFailure(reply, error);
    }
  });

  for (const key of ['regions', 'organisation'] as const) {
    app.get(`/v1/${key}`, async (req, reply) => {
      try {
        const reference = key === 'regions' ? await store.regions() : await store.organisation();
        if (!reference) return send(reply, 404, apiError('not_found', noReferenceYetMessage(key)));
        const match = req.headers['if-none-match'];
        if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === reference.etag))
          return reply.code(304).header('etag', reference.etag).send();
        return send(reply, 200, reference.json, { etag: reference.etag, 'cache-control': 'no-cache' });
      } catch (error) {
        return storeFailure(reply, error);
      }
    });
  }

  app.get('/v1/changes', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const paging = pageQuery(q);
    if (typeof paging === 'string') return send(reply, 400, apiError('bad_request', paging));
    const { after, limit } = paging;
    try {
      const oldest = await store.oldestRev();
      if (after > 0 && after < oldest)
        return send(
          reply,
          410,
          apiError(
            'cursor_too_old',
            `Changes after rev ${after} are no longer kept (the oldest cursor this service can continue is ${oldest}): sync again from after_rev=0.`,
          ),
        );
      const page = await store.changes(after, limit);
      const body = `{"items":[${page.items.map((i) => i.json).join(',')}],"next_rev":${page.nextRev},"has_more":${page.hasMore},"head_rev":${page.headRev},"total":${page.total}}`;
      return send(reply, 200, body, { 'cache-control': 'no-store' });
    } catch (error) {
      return storeFailure(reply, error);
    }
  });

  app.get('/v1/stream', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const headerId = req.headers['last-event-id'];
    const lastIdText = (Array.isArray(headerId) ? headerId[0] : headerId) ?? q.last_event_id;
    let cursor: number;
    let oldest: number;
    try {
      oldest = await store.oldestRev();
      if (lastIdText !== undefined && lastIdText !== '') {
        const parsed = parseWhole(lastIdText, 'Last-Event-ID');
        if (typeof parsed === 'string') return send(reply, 400, apiError('bad_request', parsed));
        cursor = parsed;
      } else cursor = await store.headRev();
    } catch (error) {
      return storeFailure(reply, error);
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    if (cursor > 0 && cursor < oldest) {
      const notice = {
        reason: 'cursor_too_old',
        oldest_rev: oldest,
        message: `Changes after rev ${cursor} are no longer kept: sync again by pages from after_rev=0.`,
      };
      res.end(`event: resync\ndata: ${JSON.stringify(notice)}\n\n`);
      return;
    }
    // One pump at a time: a wake-up during a pump asks for one more round, so nothing is missed or sent twice.
    // From the process's shared tail when it covers the cursor; from the store's pages while further behind.
    let pumping = false;
    let again = false;
    let closed = false;
    const pump = async () => {
      if (pumping) return void (again = true);
      pumping = true;
      try {
        do {
          again = false;
          for (;;) {
            const recent = tail.after(cursor);
            if (recent) {
              if (recent.text && !res.write(recent.text)) await new Promise((resolve) => res.once('drain', resolve));
              cursor = recent.next;
              break;
            }
            const page = await store.changes(cursor, 1000);
            if (closed) return;
            if (page.items.length) {
              const text = page.items.map(sseChange).join('');
              if (!res.write(text)) await new Promise((resolve) => res.once('drain', resolve));
            }
            cursor = page.nextRev;
            if (!page.hasMore) break;
          }
        } while (again && !closed);
      } catch {
        // The store is down for now: the heartbeat keeps the connection; the next wake-up or tick tries again.
        again = false;
      } finally {
        pumping = false;
      }
    };
    const unsubscribe = tail.subscribe(() => void pump());
    const heartbeat = setInterval(() => res.write(`: heartbeat ${toShanghaiIso(now())}\n\n`), heartbeatMs);
    const finish = () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(heartbeat);
      openStreams.delete(finish);
      if (!res.writableEnded) res.end();
    };
    openStreams.add(finish);
    res.on('close', finish);
    void pump();
  });

  const writeRecords = async (req: FastifyRequest, reply: FastifyReply, type: RecordType) => {
    // Validation (shared/api/writes.ts): every record against its type's schema, no U+0000 anywhere; all or nothing.
    const batch = checkWriteBatch(type, req.body);
    if (!batch.ok) return send(reply, 400, JSON.stringify(batch.body));
    try {
      const results = await store.putRecords(type, batch.records, writer(req, batch.source));
      return send(reply, 200, JSON.stringify(await writeResponse(results)));
    } catch (error) {
      return storeFailure(reply, error);
    }
  };

  const writeResponse = async (results: { id: string; outcome: RecordResult['outcome']; rev?: number; reason?: string }[]): Promise<WriteResponse> => {
    const counts = { created: 0, updated: 0, unchanged: 0, deleted: 0, rejected: 0 };
    for (const r of results) counts[r.outcome]++;
    return { results: results.map((r, index) => ({ index, ...r })), counts, head_rev: await store.headRev() };
  };

  for (const [path, type] of Object.entries(RECORD_PATHS)) {
    app.post(`/v1/${path}`, (req, reply) => writeRecords(req, reply, type));
    app.delete(`/v1/${path}/:id`, async (req, reply) => {
      const params = DeleteParams.safeParse({ id: (req.params as { id: string }).id, source: (req.query as { source?: unknown }).source });
      if (!params.success)
        return send(reply, 400, apiError('bad_request', `The deletion cannot be done as asked (${firstIssue(params.error)}); nothing was deleted.`));
      const { id, source } = params.data;
      try {
        const results = await store.deleteRecords(type, [id], writer(req, source));
        if (!results[0].rev) return send(reply, 404, apiError('not_found', `There is no ${type} "${id}" in this central service.`));
        return send(reply, 200, JSON.stringify(await writeResponse(results)));
      } catch (error) {
        return storeFailure(reply, error);
      }
    });
  }

  app.put('/v1/regions', async (req, reply) => {
    const parsed = RegionsInput.safeParse(req.body);
    if (!parsed.success) return send(reply, 400, apiError('bad_request', `The region tree is not in the agreed format (${firstIssue(parsed.error)}).`));
    const problems = regionTreeProblems(parsed.data);
    if (problems.length)
      return send(
        reply,
        400,
        apiError(
          'bad_request',
          `The region tree does not hold together, so nothing was written: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}.`,
        ),
      );
    try {
      return send(reply, 200, JSON.stringify(await store.putRegions(parsed.data, writer(req, undefined))));
    } catch (error) {
      return storeFailure(reply, error);
    }
  });

  app.put('/v1/organisation', async (req, reply) => {
    const parsed = OrganisationInput.safeParse(req.body);
    if (!parsed.success) return send(reply, 400, apiError('bad_request', `The organisation is not in the agreed format (${firstIssue(parsed.error)}).`));
    try {
      return send(reply, 200, JSON.stringify(await store.putOrganisation(parsed.data, writer(req, undefined))));
    } catch (error) {
      return storeFailure(reply, error);
    }
  });

  const jobs = new ImportJobs(store, now);
  await jobs.recover().catch(() => {}); // a store not reachable yet (PostgreSQL starting): nothing to recover from here
  registerImports(app, jobs, { send, apiError, writer: (req) => writer(req, undefined), failure: storeFailure });

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    store,
    streams: () => openStreams.size,
    async close() {
      for (const finish of [...openStreams]) finish();
      tail.close();
      await app.close();
    },
  };
}
