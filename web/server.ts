/**
 * The web host: serves the built renderer and carries the bridge contract over HTTP (requests) and
 * WebSocket (pushes), so a wall can be driven by any browser and the renderer can be tested in Chromium.
 * Loopback only unless told otherwise; opened to the network it requires a token.
 */
import { existsSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import type { Backend } from '../core/backend';
import { dispatch } from '../shared/bridge/dispatch';
import type { BridgeErrorBody, BridgeErrorCode } from '../shared/bridge/contract';
import { CONTENT_SECURITY_POLICY } from '../shared/security/csp';

export interface WebHostOptions {
  backend: Backend;
  /** Folder holding the built renderer (index.html + assets). */
  rendererDir: string;
  host?: string;
  port?: number;
  /** Required when `host` is not a loopback address. */
  token?: string;
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

const STATUS: Record<BridgeErrorCode, number> = {
  invalid_payload: 400,
  invalid_reply: 502,
  unknown_request: 404,
  unauthorized: 401,
  forbidden: 403,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token;
  if (!isLoopback(host) && !token) {
    throw new Error(`The web host was asked to listen on ${host}, which other machines can reach, but no access token was given. Pass --token (or set GCC_WEB_TOKEN), or listen on 127.0.0.1.`);
  }
  const indexHtml = path.join(options.rendererDir, 'index.html');
  if (!existsSync(indexHtml)) {
    throw new Error(`The renderer has not been built: ${indexHtml} is missing. Run "npm run build" first.`);
  }
  const log = options.log ?? (() => {});

  const app = Fastify({ bodyLimit: BODY_LIMIT, logger: false });

  const sendError = (reply: FastifyReply, error: BridgeErrorBody) => reply.code(STATUS[error.code]).send({ ok: false, error });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (!token || request.url === '/healthz') return;
    const url = new URL(request.url, 'http://host');
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null && sameSecret(fromQuery, token)) {
      // First visit with ?token=…: keep it in an HttpOnly cookie and drop it from the address bar.
      url.searchParams.delete('token');
      reply.header('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      return reply.redirect(url.pathname + url.search, 302);
    }
    const auth = request.headers.authorization;
    const given = auth?.startsWith('Bearer ') ? auth.slice(7) : readCookie(request.headers.cookie, TOKEN_COOKIE);
    if (given && sameSecret(given, token)) return;
    return sendError(reply, {
      code: 'unauthorized',
      message: given ? 'The access token is wrong. Ask the command center for the current token.' : 'This wall server needs an access token. Open the address with ?token=… as given by the command center.',
    });
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    if (error.statusCode === 413) return sendError(reply, { code: 'invalid_payload', message: `The request body is larger than ${BODY_LIMIT / 1024} KiB.` });
    if (error.statusCode && error.statusCode < 500) return sendError(reply, { code: 'invalid_payload', message: `The request could not be read: ${error.message}` });
    log(`web host error: ${error.message}`);
    return sendError(reply, { code: 'internal', message: 'The web host failed; see its log.' });
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(fastifyStatic, { root: options.rendererDir, index: ['index.html'], wildcard: false });

  app.get('/healthz', async () => ({ ok: true }));

  app.post('/bridge/:name', async (request: FastifyRequest<{ Params: { name: string } }>, reply) => {
    const result = await dispatch(options.backend.handlers, request.params.name, request.body, (name, error) =>
      log(`bridge request ${name} failed: ${error instanceof Error ? error.stack : String(error)}`),
    );
    if (!result.ok) return sendError(reply, result.error);
    return reply.send(result);
  });

  app.get('/bridge/events', { websocket: true }, (socket) => {
    const unsubscribe = options.backend.onPush((name, payload) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ name, payload }));
    });
    // Pushes only flow host → page; anything the page sends is ignored.
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
  });

  // History-mode fallback is not needed (hash routes); everything else is a 404 with the contract's error shape.
  app.setNotFoundHandler((request, reply) => sendError(reply, { code: 'unknown_request', message: `Nothing is served at ${request.url.slice(0, 120)}.` }));

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
