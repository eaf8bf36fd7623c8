/**
 * Fuzzing the web host over real HTTP, TCP and WebSocket: random bodies under random content types for random
 * request names and both roles, invalid JSON, oversized bodies, huge headers, path traversal in static URLs, bytes
 * that are not HTTP, random WebSocket messages. Every answer is the contract's JSON with the security headers and a
 * status below 500; the host keeps answering /healthz and pushing; nothing is written.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createBackend } from '../../core/backend';
import { openCache, type Db } from '../../core/cache/database';
import { cacheChecksum } from '../../core/cache/inspect';
import { SettingsStore } from '../../core/settings/store';
import { BridgeErrorBody, requestNames, requests, type RequestName } from '../../shared/bridge/contract';
import { DEMO_NOW, demoCacheCopy } from '../../scripts/lib/demo-cache';
import { startWebHost, type WebHost } from '../../web/server';
import { createPushableBackend, SAMPLE_STATUS } from '../contract/bridge-contract';
import { broken, hostileJson, VALID_PAYLOADS, WRITING_REQUESTS } from './fuzz-payloads';
import { bearer, makeRendererDir, SECRET_TEXT } from './helpers';

const RUNS = { bodies: 500, traversal: 300, garbage: 150, socketMessages: 300 };
const TOKENS = { operator: 'operator-token-0123', viewer: 'viewer-token-4567' };
const SECURITY_HEADERS = ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy'];

const cache = demoCacheCopy();
const settingsFile = path.join(mkdtempSync(path.join(tmpdir(), 'gcc-fuzz-settings-')), 'settings.json');
const backend = createPushableBackend(
  createBackend({
    host: 'web',
    version: '0.0.0-fuzz',
    now: () => DEMO_NOW,
    settings: new SettingsStore(settingsFile),
    data: { cacheFile: cache.file, api: { baseUrl: 'http://127.0.0.1:9/', token: 't' }, demo: true, sync: 'off' },
  }),
);
const logged: string[] = [];
let host: WebHost;
let db: Db;
const written = () => ({
  cache: cacheChecksum(db),
  audit: db.prepare('SELECT count(*) FROM export_audit').pluck().get(),
  settings: existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : null,
});
let before: ReturnType<typeof written>;

beforeAll(async () => {
  db = openCache(cache.file, { readonly: true }).db;
  host = await startWebHost({
    backend,
    rendererDir: makeRendererDir(),
    port: 0,
    token: TOKENS.operator,
    viewerToken: TOKENS.viewer,
    log: (line) => logged.push(line),
  });
  before = written();
});
afterAll(async () => {
  await host.close();
  await backend.close();
  db.close();
});

async function expectAlive() {
  const health = await fetch(`${host.url}healthz`);
  expect(health.status).toBe(200);
}

/**
 * Sends bytes on a fresh TCP connection and returns everything the server wrote back before closing it. A complete
 * request keeps its side open until the answer is in (it says Connection: close); garbage is followed by our end.
 */
function exchange(bytes: string | Uint8Array, complete = false): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(host.port, '127.0.0.1');
    let text = '';
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
    if (complete) socket.write(bytes);
    else socket.end(bytes);
  });
}

function expectContractError(status: number, json: unknown, label: string) {
  expect(status, label).toBeLessThan(500);
  const body = json as { ok: boolean; error?: unknown };
  expect(body.ok, label).toBe(false);
  const error = BridgeErrorBody.safeParse(body.error);
  expect(error.success, `${label}: ${JSON.stringify(json)}`).toBe(true);
  expect(error.data?.message.length, label).toBeGreaterThan(10);
}

function acceptedPayload(name: RequestName, text: string): boolean {
  try {
    return requests[name].payload.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

const CONTENT_TYPES = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/octet-stream',
    'application/json; charset=utf-16',
    '',
  ),
  fc.string({ maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
);

describe('web host under fuzzing', () => {
  it(`answers ${RUNS.bodies} random bodies, content types and request names with the contract's JSON`, async () => {
    const name = fc.oneof(fc.constantFrom(...requestNames), fc.string({ maxLength: 30, unit: 'binary' }));
    const body = (n: string) =>
      fc.oneof(
        hostileJson.map((v) => JSON.stringify(v) ?? ''),
        n in VALID_PAYLOADS ? broken(VALID_PAYLOADS[n as RequestName], hostileJson).map((v) => JSON.stringify(v) ?? '') : fc.constant('{}'),
        fc.string({ maxLength: 200, unit: 'binary' }),
        fc.constantFrom('', '{', '{"a":', '[', 'null', '\u0000', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}'),
      );
    const request = fc
      .tuple(name, CONTENT_TYPES, fc.constantFrom('operator', 'viewer') as fc.Arbitrary<keyof typeof TOKENS>)
      .chain(([n, type, role]) => fc.tuple(fc.constant(n), fc.constant(type), fc.constant(role), body(n)));
    await fc.assert(
      fc.asyncProperty(request, async ([n, type, role, text]) => {
        fc.pre(!(role === 'operator' && WRITING_REQUESTS.has(n as RequestName) && acceptedPayload(n as RequestName, text)));
        const response = await fetch(`${host.url}bridge/${encodeURIComponent(n)}`, {
          method: 'POST',
          headers: { ...(type ? { 'content-type': type } : {}), ...bearer(TOKENS[role]) },
          body: text,
        });
        for (const header of SECURITY_HEADERS) expect(response.headers.get(header), header).toBeTruthy();
        const json = await response.json();
        if (response.status === 200) {
          expect(json.ok).toBe(true);
          expect(requests[n as RequestName].reply.safeParse(json.reply).success, n).toBe(true);
        } else {
          expectContractError(response.status, json, `${n} ${type} ${text.slice(0, 80)}`);
        }
      }),
      { numRuns: RUNS.bodies, seed: 47 },
    );
    expect(Object.prototype).not.toHaveProperty('polluted');
    await expectAlive();
  });

  it('refuses oversized bodies, with and without a length, in a sentence', async () => {
    for (const size of [256 * 1024 + 1, 1024 * 1024, 4 * 1024 * 1024]) {
      const response = await fetch(`${host.url}bridge/app.echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(TOKENS.operator) },
        body: JSON.stringify({ text: 'x'.repeat(size) }),
      });
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toBe('The request body is larger than 256 KiB.');
    }
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 16) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const chunked = await fetch(`${host.url}bridge/app.echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(TOKENS.operator) },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(400);
    expect((await chunked.json()).error.code).toBe('invalid_payload');
    await expectAlive();
  });

  it('refuses huge headers with 431 and a sentence, however they are made up', async () => {
    const auth = `Authorization: Bearer ${TOKENS.operator}\r\n`;
    const many = Array.from({ length: 400 }, (_, i) => `X-H${i}: ${'v'.repeat(60)}\r\n`).join('');
    for (const headers of [`X-Big: ${'b'.repeat(20 * 1024)}\r\n`, many, `Cookie: ${'c=1; '.repeat(5000)}\r\n`]) {
      const answer = await exchange(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}${headers}\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 431 /);
      expect(answer).toContain('The request headers are larger than 16 KiB.');
      expect(answer.toLowerCase()).toContain('content-security-policy:');
    }
    await expectAlive();
  });

  it(`never serves a file outside the renderer, over ${RUNS.traversal} traversal paths`, async () => {
    const segment = fc.constantFrom(
      '..',
      '%2e%2e',
      '%2E%2E',
      '.',
      '...',
      'assets',
      'passwd',
      '%2f',
      '%5c',
      '\\',
      '%00',
      '%252e%252e',
      '%c0%ae%c0%ae',
      '..%2f',
      '..%5c',
      'index.html',
      '',
    );
    const paths = fc.oneof(
      fc.constantFrom(
        '/../passwd',
        '/..%2fpasswd',
        '/%2e%2e/passwd',
        '/assets/../../passwd',
        '/assets/..%2f..%2fpasswd',
        '/..\\passwd',
        '/%5c..%5cpasswd',
        '/....//passwd',
        '//passwd',
        '/index.html%00.js',
        '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
        '/assets/%2e%2e/%2e%2e/passwd',
        '/./../passwd',
      ),
      fc.array(segment, { minLength: 1, maxLength: 7 }).map((parts) => `/${parts.join('/')}`),
    );
    await fc.assert(
      fc.asyncProperty(paths, async (p) => {
        const answer = await exchange(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKENS.viewer}\r\nConnection: close\r\n\r\n`, true);
        expect(answer, p).not.toContain(SECRET_TEXT);
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
        expect(status, p).toBeLessThan(500);
        if (status !== 200) expect(answer, p).toContain('"ok":false');
      }),
      { numRuns: RUNS.traversal, seed: 47 },
    );
    await expectAlive();
  });

  it(`answers ${RUNS.garbage} streams of random bytes with 400 or nothing, and keeps serving`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          fc.string({ unit: 'binary', maxLength: 300 }).map((s) => `${s}\r\n\r\n`),
        ),
        async (bytes) => {
          const answer = await exchange(bytes);
          if (answer) expect(answer).toMatch(/^HTTP\/1\.1 [1-4]\d\d /);
        },
      ),
      { numRuns: RUNS.garbage, seed: 47 },
    );
    await expectAlive();
  });

  it(`ignores ${RUNS.socketMessages} random WebSocket messages and keeps pushing`, async () => {
    const url = `${host.url.replace('http', 'ws')}bridge/events`;
    const open = (token: string) =>
      new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(url, { headers: bearer(token) });
        socket.on('open', () => resolve(socket));
        socket.on('error', reject);
      });
    const sockets = [await open(TOKENS.operator), await open(TOKENS.viewer)];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1),
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 500 }),
          fc.uint8Array({ maxLength: 500 }),
          hostileJson.map((v) => JSON.stringify(v) ?? ''),
        ),
        async (which, message) => {
          const socket = sockets[which];
          if (socket.readyState === WebSocket.OPEN) await new Promise<void>((resolve) => socket.send(message, () => resolve()));
        },
      ),
      { numRuns: RUNS.socketMessages, seed: 47 },
    );
    // Larger than the 64 KiB a frame may carry: the host closes that socket (1009) and nothing else.
    const oversized = await open(TOKENS.operator);
    const closedWith = new Promise<number>((resolve) => oversized.on('close', (code) => resolve(code)));
    oversized.send('x'.repeat(70 * 1024));
    expect(await closedWith).toBe(1009);

    const pushed = await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<unknown>((resolve) => {
            socket.on('message', (data) => resolve(JSON.parse(String(data))));
            const timer = setInterval(() => backend.emit('sync.status', SAMPLE_STATUS), 50);
            socket.once('message', () => clearInterval(timer));
          }),
      ),
    );
    expect(pushed).toEqual([
      { name: 'sync.status', payload: SAMPLE_STATUS },
      { name: 'sync.status', payload: SAMPLE_STATUS },
    ]);
    for (const socket of sockets) socket.close();
    await expectAlive();
  });

  it('wrote nothing, and logged no failure of its own or of a handler', async () => {
    expect(written()).toEqual(before);
    expect(logged).toEqual([]);
  });
});
