/**
 * The web host: serves the built renderer and carries the bridge contract over HTTP (requests) and
 * WebSocket (pushes), so a wall can be driven by any browser and the renderer can be tested in Chromium.
 * Loopback only unless told otherwise; opened to the network it requires a token. The operator token may do
 * everything; the viewer token drives read-only walls, which get personal data masked (web/viewer-privacy.ts).
 */
import { existsSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import path from 'node:path';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import type { Backend } from '../core/backend';
import { MAX_UPLOAD_BYTES, saveUpload, UploadTooLarge } from '../core/imports/save-upload';
import { answerBasemapFile, basemapFile } from '../core/settings/basemap-file';
import type { SettingsSource } from '../core/settings/store';
import { dispatch } from '../shared/bridge/dispatch';
import { mayRequest, type Role, type ViewerRequestName } from '../shared/bridge/access';
import { isRequestName, type BridgeErrorBody, type BridgeErrorCode } from '../shared/bridge/contract';
import { CONTENT_SECURITY_POLICY } from '../shared/security/csp';
import { BASEMAP_FILE } from '../shared/settings';
import { pushForViewer, replyForViewer } from './viewer-privacy';

export interface WebHostLimits {
  /** Requests a minute from one client address: pages, assets, bridge calls and WebSocket connects. */
  requestsPerMinute: number;
  /** Wrong or missing tokens from one address before it is refused for the rest of the window. */
  authFailures: number;
  authFailureWindowMs: number;
  /** Open push WebSockets from one address (a PC driving several displays opens one per page). */
  socketsPerClient: number;
  /** Clients on this computer are not counted against requestsPerMinute and socketsPerClient. */
  loopbackExempt: boolean;
}

export const DEFAULT_LIMITS: WebHostLimits = {
  requestsPerMinute: 600,
  authFailures: 20,
  authFailureWindowMs: 10 * 60_000,
  socketsPerClient: 16,
  loopbackExempt: true,
};

export interface WebHostOptions {
  /** The core; one made by createBackend also carries the settings, whose PMTiles basemap file is served here. */
  backend: Backend & { readonly settings?: SettingsSource };
  /** The Content-Security-Policy for the current settings (an intranet tile server); default the strict one. */
  csp?: () => string;
  /** Folder holding the built renderer (index.html + assets). */
  rendererDir: string;
  host?: string;
  port?: number;
  /** Operator token; required when `host` is not a loopback address. */
  token?: string;
  /** Token of read-only viewers (walls); needs an operator token as well. */
  viewerToken?: string;
  limits?: Partial<WebHostLimits>;
  log?: (line: string) => void;
}

export interface WebHost {
  /** e.g. http://127.0.0.1:4317/ */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const TOKEN_COOKIE = 'gcc_token';
const BODY_LIMIT = 256 * 1024;
const HEADER_LIMIT = 16 * 1024;

const STATUS: Record<BridgeErrorCode, number> = {
  invalid_payload: 400,
  invalid_reply: 502,
  unknown_request: 404,
  unauthorized: 401,
  forbidden: 403,
  unavailable: 503,
  rate_limited: 429,
  timeout: 504,
  internal: 500,
};

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), payment=()',
};

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A client address (request.ip) on this computer, including IPv4-mapped IPv6. */
function isLoopbackAddress(ip: string): boolean {
  return isLoopback(ip.replace(/^::ffff:/, ''));
}

/** The host name of a Host or Origin header value, without port or brackets. */
function hostName(value: string): string {
  const name = /^\[([^\]]*)\]/.exec(value)?.[1] ?? value.split(':')[0];
  return name.toLowerCase();
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function errorJson(error: BridgeErrorBody): string {
  return JSON.stringify({ ok: false, error });
}

/** Node's own refusals (headers too large, not HTTP at all) never reach Fastify; they get the same shape. */
function refuseMalformedHttp(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', `The request headers are larger than ${HEADER_LIMIT / 1024} KiB.`]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request took too long to arrive.']
        : [400, 'Bad Request', 'The request is not valid HTTP.'];
  const body = errorJson({ code: 'invalid_payload', message });
  const headers = Object.entries(SECURITY_HEADERS)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`,
    );
  }
  socket.destroy();
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  const { token, viewerToken } = options;
  if (!isLoopback(host) && !token) {
    throw new Error(
      `The web host was asked to listen on ${host}, which other machines can reach, but no access token was given. Pass --token (or set GCC_WEB_TOKEN), or listen on 127.0.0.1.`,
    );
  }
  if (viewerToken && !token) {
    throw new Error(
      'A viewer token (--viewer-token, GCC_WEB_VIEWER_TOKEN) needs an operator token (--token, GCC_WEB_TOKEN) as well; without one everybody on this computer is an operator anyway.',
    );
  }
  if (viewerToken && viewerToken === token) {
    throw new Error('The viewer token must differ from the operator token, or every viewer could export and change settings.');
  }
  const indexHtml = path.join(options.rendererDir, 'index.html');
  if (!existsSync(indexHtml)) {
    throw new Error(`The renderer has not been built: ${indexHtml} is missing. Run "npm run build" first.`);
  }
  const log = options.log ?? (() => {});
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const credentials: { secret: string; role: Role }[] = [
    ...(token ? [{ secret: token, role: 'operator' as const }] : []),
    ...(viewerToken ? [{ secret: viewerToken, role: 'viewer' as const }] : []),
  ];
  const roleOfSecret = (given: string): Role | null => credentials.find((c) => sameSecret(given, c.secret))?.role ?? null;
  // Decided once per request by the onRequest hook; a request it did not decide (e.g. /healthz) is a viewer.
  const roles = new WeakMap<FastifyRequest, Role>();
  const roleOf = (request: FastifyRequest): Role => roles.get(request) ?? 'viewer';
  const exempt = (request: FastifyRequest) => limits.loopbackExempt && isLoopbackAddress(request.ip);

  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    logger: false,
    http: { maxHeaderSize: HEADER_LIMIT },
    clientErrorHandler: refuseMalformedHttp,
    frameworkErrors: (error, _request, reply) => sendError(reply, { code: 'invalid_payload', message: `The address could not be read: ${error.message}` }),
  });

  const secure = (reply: FastifyReply) => reply.headers(SECURITY_HEADERS).header('Content-Security-Policy', options.csp?.() ?? CONTENT_SECURITY_POLICY);
  // Errors raised before the hooks run (a malformed address) get the headers here.
  const sendError = (reply: FastifyReply, error: BridgeErrorBody, status = STATUS[error.code]) =>
    secure(reply).code(status).header('Cache-Control', 'no-store').send({ ok: false, error });

  app.addHook('onRequest', async (_request, reply) => {
    secure(reply);
  });
  // Before the access hook: a refused WebSocket upgrade is then answered and its socket closed by the plugin.
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  await app.register(fastifyRateLimit, {
    max: limits.requestsPerMinute,
    timeWindow: 60_000,
    allowList: (request) => exempt(request),
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`This address sent more than ${context.max} requests in a minute. Wait ${context.after} and try again.`), {
        statusCode: 429,
      }),
  });
  // Wrong tokens count from every address, this computer's included.
  const authFailures = app.createRateLimit({ max: limits.authFailures, timeWindow: limits.authFailureWindowMs, allowList: () => false });
  const lockedOut = (reply: FastifyReply, ttlSeconds: number) => {
    const seconds = String(Math.max(1, ttlSeconds));
    const message = `Too many wrong access tokens came from this address. Wait ${seconds} seconds, then open the address with the token the command center gave you.`;
    return sendError(reply.header('Retry-After', seconds), { code: 'unauthorized', message }, 429);
  };

  app.addHook('onRequest', async (request, reply) => {
    if (!credentials.length) {
      // No token means no cookie to protect it: refuse other names for this host (DNS rebinding) and pages of other
      // sites (their POSTs and WebSockets), which a browser on this computer would otherwise let through.
      const hostHeader = (request.headers.host ?? '').toLowerCase();
      if (!isLoopback(hostName(hostHeader))) {
        return sendError(reply, { code: 'forbidden', message: 'This wall server answers only to addresses of this computer (127.0.0.1, localhost).' });
      }
      const origin = request.headers.origin;
      if (origin !== undefined && (!URL.canParse(origin) || new URL(origin).host !== hostHeader)) {
        return sendError(reply, { code: 'forbidden', message: 'Pages from other sites may not use this wall server.' });
      }
      roles.set(request, 'operator');
      return;
    }
    if (request.routeOptions.url === '/healthz') return;
    const state = await authFailures(request, { increment: false });
    if (!state.isAllowed && state.remaining === 0) return lockedOut(reply, state.ttlInSeconds);

    const [pathPart, queryPart = ''] = request.url.split('?', 2);
    const query = new URLSearchParams(queryPart);
    const fromQuery = query.get('token');
    if (fromQuery !== null && roleOfSecret(fromQuery)) {
      // First visit with ?token=…: keep it in an HttpOnly cookie and drop it from the address bar. Leading slashes
      // and backslashes collapse to one, so the redirect cannot point at another host (//evil.example).
      query.delete('token');
      const rest = query.toString();
      reply.header('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(fromQuery)}; HttpOnly; SameSite=Strict; Path=/`);
      return reply.redirect(`/${pathPart.replace(/^[/\\]+/, '')}${rest ? `?${rest}` : ''}`, 302);
    }
    const auth = request.headers.authorization;
    const given = auth?.startsWith('Bearer ') ? auth.slice(7) : readCookie(request.headers.cookie, TOKEN_COOKIE);
    const role = given ? roleOfSecret(given) : null;
    if (role) {
      roles.set(request, role);
      return;
    }
    await authFailures(request);
    return sendError(reply, {
      code: 'unauthorized',
      message:
        given || fromQuery !== null
          ? 'The access token is wrong. Ask the command center for the current token.'
          : 'This wall server needs an access token. Open the address with ?token=… as given by the command center.',
    });
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    if (error.statusCode === 429) return sendError(reply, { code: 'rate_limited', message: error.message }, 429);
    if (error.statusCode === 413) return sendError(reply, { code: 'invalid_payload', message: `The request body is larger than ${BODY_LIMIT / 1024} KiB.` });
    if (error.statusCode === 415)
      return sendError(reply, { code: 'invalid_payload', message: 'Bridge requests are JSON: send them with Content-Type: application/json.' }, 415);
    if (error.statusCode === 404) return sendError(reply, { code: 'unknown_request', message: 'Nothing is served at that address.' });
    if (error.statusCode === 403) return sendError(reply, { code: 'forbidden', message: 'That file may not be read.' });
    if (error.statusCode && error.statusCode < 500)
      return sendError(reply, { code: 'invalid_payload', message: `The request could not be read: ${error.message}` });
    log(`web host error: ${error.message}`);
    return sendError(reply, { code: 'internal', message: 'The web host failed; see its log.' });
  });

  await app.register(fastifyStatic, { root: options.rendererDir, index: ['index.html'], wildcard: false });

  app.get('/healthz', { config: { rateLimit: false } }, async () => ({ ok: true }));

  app.post('/bridge/:name', async (request: FastifyRequest<{ Params: { name: string } }>, reply) => {
    const { name } = request.params;
    const role = roleOf(request);
    if (isRequestName(name) && !mayRequest(role, name)) {
      return sendError(reply, {
        code: 'forbidden',
        message: `"${name}" is for operators, and this connection is read-only (a viewer token). Ask the command center for an operator token.`,
      });
    }
    const result = await dispatch(options.backend.handlers, name, request.body, (failed, error) =>
      log(`bridge request ${failed} failed: ${error instanceof Error ? error.stack : String(error)}`),
    );
    if (!result.ok) return sendError(reply, result.error);
    let answer = result.reply;
    if (name === 'app.info') answer = { ...(answer as object), role };
    if (role === 'viewer') answer = replyForViewer(name as ViewerRequestName, answer);
    return reply.header('Cache-Control', 'no-store').send({ ok: true, reply: answer });
  });

  // A file for the 导入 page (operators only): the body is the file, streamed to a private temporary file; the page
  // then names it by the id answered here. Its own parser: the bridge's JSON body limit does not apply to files.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
  app.post('/bridge/upload', async (request, reply) => {
    const uploads = options.backend.uploads;
    if (!uploads) return sendError(reply, { code: 'unknown_request', message: 'This host takes no files.' });
    if (roleOf(request) !== 'operator')
      return sendError(reply, { code: 'forbidden', message: 'Only operators may import files; this connection is read-only (a viewer token).' });
    const body = request.body as NodeJS.ReadableStream | undefined;
    if (!body || typeof body.pipe !== 'function')
      return sendError(reply, { code: 'invalid_payload', message: 'Send the file itself, with Content-Type: application/octet-stream.' }, 415);
    try {
      const file = await saveUpload(body);
      return reply.header('Cache-Control', 'no-store').send({ ok: true, reply: { upload: uploads.add(file, true) } });
    } catch (error) {
      if (error instanceof UploadTooLarge)
        return sendError(reply, { code: 'invalid_payload', message: `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.` }, 413);
      throw error;
    }
  });

  // The PMTiles basemap named in Settings, read by the page's pmtiles reader with Range requests. It is a map with
  // no personal data, so viewers may read it. The file comes from the settings only, never from the request.
  // HEAD is declared with GET rather than derived by Fastify, so it gets the same headers and reads no bytes.
  app.route({
    method: ['GET', 'HEAD'],
    url: `/${BASEMAP_FILE}`,
    handler: async (request, reply) => {
      const settings = options.backend.settings?.get();
      const conditions = new Headers();
      for (const name of ['range', 'if-range', 'if-none-match']) {
        const value = request.headers[name];
        if (typeof value === 'string') conditions.set(name, value);
      }
      const answer = await answerBasemapFile(settings ? basemapFile(settings.basemap) : null, request.method, conditions);
      if (answer.status === 404) return sendError(reply, { code: 'unknown_request', message: String(answer.body) });
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    },
  });

  const openSockets = new Map<string, number>();
  app.get(
    '/bridge/events',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        if (exempt(request) || (openSockets.get(request.ip) ?? 0) < limits.socketsPerClient) return;
        return sendError(
          reply,
          { code: 'rate_limited', message: `This address already has ${limits.socketsPerClient} live connections open; close some wall pages and reload.` },
          429,
        );
      },
    },
    (socket, request) => {
      const role = roleOf(request);
      const ip = request.ip;
      openSockets.set(ip, (openSockets.get(ip) ?? 0) + 1);
      const unsubscribe = options.backend.onPush((name, payload) => {
        if (socket.readyState !== socket.OPEN) return;
        const shown = role === 'viewer' ? pushForViewer(name, payload) : payload;
        if (shown !== undefined) socket.send(JSON.stringify({ name, payload: shown }));
      });
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        const left = (openSockets.get(ip) ?? 1) - 1;
        if (left > 0) openSockets.set(ip, left);
        else openSockets.delete(ip);
      };
      // Pushes only flow host → page; anything the page sends is ignored.
      socket.on('close', close);
      socket.on('error', close);
    },
  );

  // History-mode fallback is not needed (hash routes); everything else is a 404 with the contract's error shape.
  app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) =>
    sendError(reply, { code: 'unknown_request', message: `Nothing is served at ${request.url.slice(0, 120)}.` }),
  );

  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    close: async () => {
      await app.close();
    },
  };
}
