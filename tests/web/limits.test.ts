/**
 * Rate limits and security headers over real HTTP: 429 with a sentence per client address, the lock-out after wrong
 * tokens (which holds even for the right one), the cap on push WebSockets, and the headers on every answer.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { bearer, hostPool, makeRendererDir, post, rawRequest } from './helpers';

const pool = hostPool(makeRendererDir());
afterEach(() => pool.closeAll());

const SECURITY_HEADERS = [
  'content-security-policy',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'permissions-policy',
];

function socketStatus(url: string, headers: Record<string, string> = {}): Promise<{ status: number; socket: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => resolve({ status: 101, socket }));
    socket.on('unexpected-response', (request, response) => {
      request.destroy();
      resolve({ status: response.statusCode ?? 0, socket });
    });
  });
}

/** What the server answers to bytes that are not (valid) HTTP, raw. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
    socket.end(bytes);
  });
}

describe('rate limits', () => {
  it('answers more than requestsPerMinute from one address with 429, Retry-After and a sentence; /healthz stays up', async () => {
    const host = await pool.start({ limits: { requestsPerMinute: 5, loopbackExempt: false } });
    for (let i = 0; i < 5; i++) expect((await post(`${host.url}bridge/app.info`, '{}')).status).toBe(200);
    const limited = await post(`${host.url}bridge/app.info`, '{}');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await limited.json()).error).toEqual({
      code: 'rate_limited',
      message: expect.stringMatching(/^This address sent more than 5 requests in a minute\. Wait \d+ (seconds?|minutes?) and try again\.$/),
    });
    expect((await fetch(host.url)).status).toBe(429);
    expect((await fetch(`${host.url}no/such/page`)).status).toBe(429);
    expect((await fetch(`${host.url}healthz`)).status).toBe(200);
  });

  it('does not count clients on this computer unless told to', async () => {
    const host = await pool.start({ limits: { requestsPerMinute: 5 } });
    for (let i = 0; i < 20; i++) expect((await post(`${host.url}bridge/app.info`, '{}')).status).toBe(200);
  });

  it('locks an address out after too many wrong tokens, even for the right token, with a sentence', async () => {
    const host = await pool.start({ token: 'operator-token-0123', viewerToken: 'viewer-token-4567', limits: { authFailures: 3 } });
    for (const guess of ['a', 'b', 'c']) expect((await post(`${host.url}bridge/app.info`, '{}', bearer(guess))).status).toBe(401);
    const locked = await post(`${host.url}bridge/app.info`, '{}', bearer('operator-token-0123'));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(500);
    expect((await locked.json()).error).toEqual({
      code: 'unauthorized',
      message: expect.stringMatching(/^Too many wrong access tokens came from this address\. Wait \d+ seconds/),
    });
    expect((await fetch(`${host.url}?token=viewer-token-4567`, { redirect: 'manual' })).status).toBe(429);
    expect((await fetch(`${host.url}healthz`)).status).toBe(200);
  });

  it('does not count right tokens as failures', async () => {
    const host = await pool.start({ token: 'operator-token-0123', limits: { authFailures: 2 } });
    for (let i = 0; i < 10; i++) expect((await post(`${host.url}bridge/app.info`, '{}', bearer('operator-token-0123'))).status).toBe(200);
  });

  it('caps the push WebSockets one address may hold open, and frees a place when one closes', async () => {
    const host = await pool.start({ limits: { socketsPerClient: 2, loopbackExempt: false } });
    const url = `${host.url.replace('http', 'ws')}bridge/events`;
    const first = await socketStatus(url);
    const second = await socketStatus(url);
    expect([first.status, second.status]).toEqual([101, 101]);
    const third = await socketStatus(url);
    expect(third.status).toBe(429);
    const closed = new Promise((resolve) => first.socket.once('close', resolve));
    first.socket.close();
    await closed;
    await expect
      .poll(async () => {
        const again = await socketStatus(url);
        again.socket.close();
        return again.status;
      })
      .toBe(101);
    second.socket.close();
  });
});

describe('security headers', () => {
  it('are on every answer: pages, assets, replies, redirects and every kind of error', async () => {
    const host = await pool.start({ token: 'operator-token-0123', viewerToken: 'viewer-token-4567', limits: { requestsPerMinute: 40, loopbackExempt: false } });
    const op = bearer('operator-token-0123');
    const json = { 'content-type': 'application/json', ...op };
    const cases: [string, Promise<{ status: number; headers: Record<string, unknown> }>, number][] = [
      ['page', rawRequest(host.url, { headers: op }), 200],
      ['asset', rawRequest(`${host.url}assets/app.js`, { headers: op }), 200],
      ['reply', rawRequest(`${host.url}bridge/app.info`, { method: 'POST', headers: json, body: '{}' }), 200],
      ['redirect', rawRequest(`${host.url}?token=viewer-token-4567`), 302],
      ['health', rawRequest(`${host.url}healthz`), 200],
      ['no token', rawRequest(host.url), 401],
      [
        'viewer asks to export',
        rawRequest(`${host.url}bridge/report.export`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer('viewer-token-4567') },
          body: '{}',
        }),
        403,
      ],
      ['unknown request', rawRequest(`${host.url}bridge/cache.drop`, { method: 'POST', headers: json, body: '{}' }), 404],
      ['no such file', rawRequest(`${host.url}nothing.html`, { headers: op }), 404],
      ['bad JSON', rawRequest(`${host.url}bridge/app.echo`, { method: 'POST', headers: json, body: '{"text":' }), 400],
      ['bad payload', rawRequest(`${host.url}bridge/app.echo`, { method: 'POST', headers: json, body: '{"text":5}' }), 400],
      ['oversized body', rawRequest(`${host.url}bridge/app.echo`, { method: 'POST', headers: json, body: 'x'.repeat(300 * 1024) }), 400],
      [
        'wrong content type',
        rawRequest(`${host.url}bridge/app.echo`, { method: 'POST', headers: { ...op, 'content-type': 'application/xml' }, body: '<a/>' }),
        415,
      ],
      ['malformed address', rawRequest(`${host.url}bridge/%E0%A4%A`, { method: 'POST', headers: json, body: '{}' }), 400],
      ['request name too long', rawRequest(`${host.url}bridge/${'a'.repeat(200)}`, { method: 'POST', headers: json, body: '{}' }), 400],
      ['headers too large', rawRequest(host.url, { headers: { ...op, 'x-padding': 'p'.repeat(20 * 1024) } }), 431],
    ];
    for (const [label, pending, status] of cases) {
      const response = await pending;
      expect(response.status, label).toBe(status);
      for (const header of SECURITY_HEADERS) expect(response.headers[header], `${label}: ${header}`).toBeTruthy();
    }
    let limited;
    do limited = await rawRequest(`${host.url}bridge/app.info`, { method: 'POST', headers: json, body: '{}' });
    while (limited.status === 200);
    expect(limited.status).toBe(429);
    for (const header of SECURITY_HEADERS) expect(limited.headers[header], `rate limited: ${header}`).toBeTruthy();
  });

  it('answers bytes that are not HTTP with 400, the headers and a sentence, and keeps serving', async () => {
    const host = await pool.start();
    const answer = await rawExchange(host.port, 'GARBAGE \u0000\u0001 nonsense\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(answer.toLowerCase()).toContain('content-security-policy:');
    expect(answer).toContain('"message":"The request is not valid HTTP."');
    expect((await fetch(`${host.url}healthz`)).status).toBe(200);
  });
});
