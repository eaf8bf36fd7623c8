import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from '../../core/backend';
import { startWebHost, type WebHost } from '../../web/server';
import { CONTENT_SECURITY_POLICY, contentSecurityPolicy } from '../../shared/security/csp';
import type { Basemap } from '../../shared/settings';

const rendererDir = mkdtempSync(path.join(tmpdir(), 'gcc-renderer-'));
writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>test</title>');

const hosts: WebHost[] = [];
async function start(options: { host?: string; token?: string; csp?: () => string } = {}) {
  const host = await startWebHost({ backend: createBackend({ host: 'web', version: '0.0.0-test' }), rendererDir, port: 0, ...options });
  hosts.push(host);
  return host;
}
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('web host', () => {
  it('binds to 127.0.0.1 by default and serves the renderer with security headers', async () => {
    const host = await start();
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(host.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends the policy of the current settings: the intranet tile server once it is the basemap', async () => {
    let basemap: Basemap = { kind: 'none' };
    const host = await start({ csp: () => contentSecurityPolicy(basemap) });
    expect((await fetch(host.url)).headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    basemap = { kind: 'tiles', url: 'http://10.20.0.5:8080/tiles/{z}/{x}/{y}.png' };
    const csp = (await fetch(host.url)).headers.get('content-security-policy')!;
    expect(csp).toContain("connect-src 'self' http://10.20.0.5:8080;");
    expect(csp).toContain("img-src 'self' data: blob: http://10.20.0.5:8080;");
  });

  it('refuses to listen on a network address without a token, in a sentence', async () => {
    await expect(start({ host: '0.0.0.0' })).rejects.toThrow(/no access token was given/);
  });

  it('answers a valid request', async () => {
    const host = await start();
    const response = await post(`${host.url}bridge/app.echo`, JSON.stringify({ text: 'ping' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, reply: { text: 'ping' } });
  });

  it.each([
    ['wrong type', JSON.stringify({ text: 5 }), 'text'],
    ['extra key', JSON.stringify({ text: 'a', extra: 1 }), ''],
    ['too long', JSON.stringify({ text: 'x'.repeat(201) }), 'text'],
    ['not an object', JSON.stringify([1, 2]), ''],
  ])('rejects a malformed payload (%s) with invalid_payload', async (_name, body, field) => {
    const host = await start();
    const response = await post(`${host.url}bridge/app.echo`, body);
    expect(response.status).toBe(400);
    const json = await response.json();
    expect(json.ok).toBe(false);
    expect(json.error.code).toBe('invalid_payload');
    expect(json.error.message).toMatch(/Request "app.echo" was refused/);
    if (field) expect(json.error.issues.map((i: { path: string }) => i.path)).toContain(field);
  });

  it('rejects unparseable JSON and oversized bodies without crashing', async () => {
    const host = await start();
    const broken = await post(`${host.url}bridge/app.echo`, '{"text": ');
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.code).toBe('invalid_payload');
    const huge = await post(`${host.url}bridge/app.echo`, JSON.stringify({ text: 'x'.repeat(400 * 1024) }));
    expect(huge.status).toBe(400);
    expect((await huge.json()).error.message).toMatch(/larger than 256 KiB/);
    // Still alive afterwards.
    expect((await post(`${host.url}bridge/app.info`, '{}')).status).toBe(200);
  });

  it('answers an unknown request with unknown_request', async () => {
    const host = await start();
    const response = await post(`${host.url}bridge/cache.drop`, '{}');
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('unknown_request');
  });

  describe('with a token', () => {
    it('refuses requests without it or with a wrong one, saying which', async () => {
      const host = await start({ token: 's3cret-token' });
      const none = await post(`${host.url}bridge/app.info`, '{}');
      expect(none.status).toBe(401);
      expect((await none.json()).error.message).toMatch(/needs an access token/);
      const wrong = await post(`${host.url}bridge/app.info`, '{}', { authorization: 'Bearer nope' });
      expect(wrong.status).toBe(401);
      expect((await wrong.json()).error.message).toMatch(/token is wrong/);
      const page = await fetch(host.url);
      expect(page.status).toBe(401);
    });

    it('accepts the bearer token, and ?token= once sets an HttpOnly cookie', async () => {
      const host = await start({ token: 's3cret-token' });
      const ok = await post(`${host.url}bridge/app.info`, '{}', { authorization: 'Bearer s3cret-token' });
      expect(ok.status).toBe(200);
      const first = await fetch(`${host.url}?token=s3cret-token`, { redirect: 'manual' });
      expect(first.status).toBe(302);
      expect(first.headers.get('location')).toBe('/');
      const cookie = first.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/gcc_token=s3cret-token; HttpOnly; SameSite=Strict/);
      const withCookie = await fetch(host.url, { headers: { cookie: cookie.split(';')[0] } });
      expect(withCookie.status).toBe(200);
    });
  });
});
