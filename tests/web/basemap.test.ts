/**
 * GET /basemap.pmtiles on the web host, over real HTTP: the PMTiles file named in Settings with Range (the pmtiles
 * package's own HTTP reader reads it), 404 sentences, only the configured file whatever the address says, and the
 * host's rules (tokens, viewers allowed, rate limits, security headers) applying to it like to every route.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PMTiles, TileType } from 'pmtiles';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from '../../core/backend';
import { BASEMAP_GONE, BASEMAP_NOT_SET } from '../../core/settings/basemap-file';
import { SettingsStore } from '../../core/settings/store';
import { FIXTURE_LAND, solidPng, tileOf, writeGuanganFixture } from '../fixtures/pmtiles';
import { bearer, hostPool, makeRendererDir, rawRequest, SECRET_TEXT } from './helpers';

const pool = hostPool(makeRendererDir());
afterEach(() => pool.closeAll());

const OPERATOR = 'operator-token-0123';
const VIEWER = 'viewer-token-4567';

/** A backend whose settings name the fixture as basemap (or nothing). */
function backendWithBasemap(file: string | null) {
  const settings = new SettingsStore(null);
  if (file) settings.update({ basemap: { kind: 'pmtiles', path: file } });
  return { backend: createBackend({ host: 'web', version: '0.0.0-test', settings }), settings };
}

const fixture = () => writeGuanganFixture(mkdtempSync(path.join(tmpdir(), 'gcc-web-basemap-')));

describe('the basemap file on the web host', () => {
  it('is read by the pmtiles package over HTTP Range: header, directory, a tile', async () => {
    const file = fixture();
    const host = await pool.start(backendWithBasemap(file));
    const archive = new PMTiles(`${host.url}basemap.pmtiles?v=1`);
    expect(await archive.getHeader()).toMatchObject({ specVersion: 3, tileType: TileType.Png, minZoom: 6, maxZoom: 12 });
    const [x, y] = tileOf(106.63, 30.46, 12);
    expect(Buffer.from((await archive.getZxy(12, x, y))!.data)).toEqual(solidPng(FIXTURE_LAND));
  });

  it('answers 200, 206 (suffix too) and 416, with the security headers of every answer', async () => {
    const file = fixture();
    const bytes = readFileSync(file);
    const host = await pool.start(backendWithBasemap(file));
    const url = `${host.url}basemap.pmtiles`;

    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes);
    for (const name of ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'cross-origin-resource-policy'])
      expect(whole.headers.get(name), name).toBeTruthy();

    const part = await fetch(url, { headers: { Range: 'bytes=0-126' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-126/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(0, 127));

    const suffix = await fetch(url, { headers: { Range: 'bytes=-64' } });
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 64));

    const outside = await fetch(url, { headers: { Range: `bytes=${bytes.length + 10}-` } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

    const head = await rawRequest(url, { method: 'HEAD', headers: { Range: 'bytes=0-99' } });
    expect(head.status).toBe(206);
    expect(head.headers['content-length']).toBe('100');
    expect(head.text).toBe('');
  });

  it('404 with a sentence when no PMTiles basemap is set, or its file is gone', async () => {
    const none = await pool.start(backendWithBasemap(null));
    const unset = await fetch(`${none.url}basemap.pmtiles`);
    expect(unset.status).toBe(404);
    expect(await unset.json()).toEqual({ ok: false, error: { code: 'unknown_request', message: BASEMAP_NOT_SET } });

    const file = fixture();
    const host = await pool.start(backendWithBasemap(file));
    rmSync(file);
    const gone = await fetch(`${host.url}basemap.pmtiles`);
    expect(gone.status).toBe(404);
    expect((await gone.json()).error.message).toBe(BASEMAP_GONE);
  });

  it('serves only the configured file, whatever the address adds', async () => {
    const file = fixture();
    const bytes = readFileSync(file);
    const { backend, settings } = backendWithBasemap(file);
    const host = await pool.start({ backend });
    const port = host.port;
    const same = await fetch(`http://127.0.0.1:${port}/basemap.pmtiles?path=/etc/passwd&file=../passwd`);
    expect(Buffer.from(await same.arrayBuffer())).toEqual(bytes);
    for (const sneaky of [
      '/basemap.pmtiles/../passwd',
      '/basemap.pmtiles/..%2f..%2fpasswd',
      '/basemap.pmtiles%2f..%2fpasswd',
      '/..%2fpasswd',
      '/basemap.pmtiles/x',
    ]) {
      const answer = await rawRequest(`http://127.0.0.1:${port}${sneaky}`);
      expect(answer.text, sneaky).not.toContain(SECRET_TEXT);
      expect(answer.status, sneaky).not.toBe(200);
    }
    // Another setting, another file: the address stays the same, the file follows the settings.
    settings.update({ basemap: { kind: 'none' } });
    expect((await fetch(`http://127.0.0.1:${port}/basemap.pmtiles`)).status).toBe(404);
  });

  it('needs a token off loopback; viewers may read it (a map, no personal data)', async () => {
    const file = fixture();
    const host = await pool.start({ ...backendWithBasemap(file), host: '0.0.0.0', token: OPERATOR, viewerToken: VIEWER });
    const url = `http://127.0.0.1:${host.port}/basemap.pmtiles`;
    expect((await fetch(url, { headers: { Range: 'bytes=0-126' } })).status).toBe(401);
    expect((await fetch(url, { headers: { Range: 'bytes=0-126', ...bearer('wrong') } })).status).toBe(401);
    expect((await fetch(url, { headers: { Range: 'bytes=0-126', ...bearer(VIEWER) } })).status).toBe(206);
    expect((await fetch(url, { headers: { Range: 'bytes=0-126', ...bearer(OPERATOR) } })).status).toBe(206);
  });

  it('counts against the rate limit like every other request', async () => {
    const host = await pool.start({ ...backendWithBasemap(fixture()), limits: { requestsPerMinute: 3, loopbackExempt: false } });
    const url = `${host.url}basemap.pmtiles`;
    for (let i = 0; i < 3; i++) expect((await fetch(url, { headers: { Range: 'bytes=0-9' } })).status).toBe(206);
    const limited = await fetch(url, { headers: { Range: 'bytes=0-9' } });
    expect(limited.status).toBe(429);
    expect((await limited.json()).error.code).toBe('rate_limited');
  });
});
