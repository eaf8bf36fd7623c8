import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { startApp } from '../../electron/main/app';
import { APP_SCHEME_PRIVILEGES, createAppRequestHandler } from '../../electron/main/protocol';
import { CONTENT_SECURITY_POLICY, contentSecurityPolicy, tileOrigin } from '../../shared/security/csp';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { changeableSettings } from './harness';
import { app, fake, protocol } from '../fakes/electron';
import { boot, PRELOAD_PATH, recordingLog, rendererFixture, SECRET } from './harness';

beforeEach(() => fake.reset());

const EXPECTED_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
  "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

function handler() {
  const log = recordingLog();
  return { serve: createAppRequestHandler(rendererFixture().rendererDir, log), log };
}

describe('the app:// scheme', () => {
  it('is registered as privileged (standard, secure, fetch) before Electron is ready', () => {
    void startApp({ rendererDir: rendererFixture().rendererDir, preloadPath: PRELOAD_PATH, version: '0', log: recordingLog() });
    expect(app.isReady()).toBe(false);
    expect(protocol.privilegesOf('app')).toEqual({ standard: true, secure: true, supportFetchAPI: true });
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP');
  });

  it('is handled once Electron is ready, by the default session', async () => {
    await boot();
    expect(protocol.isProtocolHandled('app')).toBe(true);
  });
});

describe('serving the renderer', () => {
  it('sends index.html with the strict CSP', async () => {
    await boot();
    const response = await protocol.fetch('app://gcc/index.html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toBe(EXPECTED_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<div id="app">');
  });

  it('lets the page fetch and draw tiles from the intranet tile server set as basemap, and from nowhere else', async () => {
    const settings = changeableSettings(DEFAULT_SETTINGS);
    await boot({ settings });
    const tiles: Settings = { ...DEFAULT_SETTINGS, basemap: { kind: 'tiles', url: 'https://tiles.gov.example:8443/base/{z}/{x}/{y}.png' } };
    settings.set(tiles);
    const csp = (await protocol.fetch('app://gcc/index.html')).headers.get('content-security-policy')!;
    expect(csp).toContain("img-src 'self' data: blob: https://tiles.gov.example:8443;");
    expect(csp).toContain("connect-src 'self' https://tiles.gov.example:8443;");
    expect(csp.replace(/ https:\/\/tiles\.gov\.example:8443/g, '')).toBe(CONTENT_SECURITY_POLICY);
    settings.set(DEFAULT_SETTINGS);
    expect((await protocol.fetch('app://gcc/index.html')).headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('takes only an http(s) origin from a tile address, never anything that could extend the policy', () => {
    expect(tileOrigin('https://Tiles.Example/{z}/{x}/{y}.png')).toBe('https://tiles.example');
    expect(tileOrigin('http://10.1.2.3:8080/t/{z}/{x}/{y}')).toBe('http://10.1.2.3:8080');
    for (const bad of [
      "https://a.example; script-src 'unsafe-eval'/{z}/{x}/{y}",
      'javascript:alert(1)//{z}{x}{y}',
      'file:///tiles/{z}/{x}/{y}',
      'https://a.example*/{z}/{x}/{y}',
    ]) {
      expect(tileOrigin(bad), bad).toBeNull();
      expect(contentSecurityPolicy({ kind: 'tiles', url: bad })).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it.each(['app://gcc/', 'app://gcc', 'app://gcc/wall', 'app://gcc/briefing/2026-W48', 'app://gcc/reports/'])(
    '%s is HTML with the CSP (the root, client-side routes and folders)',
    async (url) => {
      const response = await handler().serve(new Request(url));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    },
  );

  it.each([
    ['assets/app.js', 'text/javascript; charset=utf-8'],
    ['assets/chunk.mjs', 'text/javascript; charset=utf-8'],
    ['assets/app.css', 'text/css; charset=utf-8'],
    ['assets/logo.svg', 'image/svg+xml'],
    ['data/guangan.geojson', 'application/geo+json; charset=utf-8'],
    ['data/divisions.json', 'application/json; charset=utf-8'],
    ['fonts/noto.woff2', 'font/woff2'],
    ['blob.bin', 'application/octet-stream'],
  ])('serves %s as %s, never sniffed', async (file, type) => {
    const response = await handler().serve(new Request(`app://gcc/${file}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await handler().serve(new Request('app://gcc/assets/app.js', { method: 'HEAD' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String('console.log("app");'.length));
    expect(await response.text()).toBe('');
  });

  it('answers a missing asset with 404 (no index.html in its place)', async () => {
    const response = await handler().serve(new Request('app://gcc/assets/missing.js'));
    expect(response.status).toBe(404);
  });

  it('refuses other methods and other hosts', async () => {
    const { serve } = handler();
    expect((await serve(new Request('app://gcc/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
    expect((await serve(new Request('app://evil/index.html'))).status).toBe(404);
    expect((await serve(new Request('app://gcc:8080/index.html'))).status).toBe(404);
  });
});

describe('path traversal', () => {
  it.each([
    'app://gcc/../secret.txt',
    'app://gcc/../../secret.txt',
    'app://gcc/%2e%2e/secret.txt',
    'app://gcc/..%2fsecret.txt',
    'app://gcc/..%2f..%2fsecret.txt',
    'app://gcc/%2e%2e%2fsecret.txt',
    'app://gcc/assets/..%2f..%2fsecret.txt',
    'app://gcc/..%5csecret.txt',
    'app://gcc/%2e%2e%5c%2e%2e%5csecret.txt',
    'app://gcc/..%2frenderer-evil%2fx.js',
    'app://gcc/%2F..%2Fsecret.txt',
    `app://gcc/${encodeURIComponent(path.join(rendererFixture().root, 'secret.txt'))}`,
    'app://gcc/index.html%00.js',
    'app://gcc/escape-link.txt',
  ])('%s is refused without revealing anything', async (url) => {
    const { serve } = handler();
    const response = await serve(new Request(url));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain(SECRET);
  });

  it('the symlink case really had a link that leaves the folder', () => {
    expect(existsSync(path.join(rendererFixture().rendererDir, 'escape-link.txt'))).toBe(true);
  });

  it('logs each refusal that tried to leave the folder', async () => {
    const { serve, log } = handler();
    await serve(new Request('app://gcc/..%2f..%2fsecret.txt'));
    await serve(new Request('app://gcc/escape-link.txt'));
    expect(log.text('warn')).toMatch(/refused a path outside the renderer folder/);
    expect(log.text('warn')).toMatch(/refused a link that leaves the renderer folder/);
  });

  it('a malformed escape is a 400, not a crash', async () => {
    const response = await handler().serve(new Request('app://gcc/%E0%A4%A'));
    expect(response.status).toBe(400);
  });

  it('goes through the protocol Electron calls, end to end', async () => {
    await boot();
    const response = await protocol.fetch('app://gcc/..%2f..%2fsecret.txt');
    expect(response.status).toBe(404);
  });
});
