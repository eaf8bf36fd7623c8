/**
 * app://gcc/basemap.pmtiles over the fake Electron's protocol.handle: the PMTiles file the settings name, with
 * HTTP Range (the pmtiles package reads it as the page would), 404 sentences, and never a file the address names.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PMTiles, TileType } from 'pmtiles';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { BASEMAP_GONE, BASEMAP_NOT_SET } from '../../core/settings/basemap-file';
import { handleAppProtocol } from '../../electron/main/protocol';
import { fake, protocol } from '../fakes/electron';
import { FIXTURE_WATER, solidPng, tileOf, writeGuanganFixture } from '../fixtures/pmtiles';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { fixedSettings } from '../../electron/main/settings-source';
import { boot, recordingLog, rendererFixture } from './harness';

const BASEMAP_URL = 'app://gcc/basemap.pmtiles';
let configured: string | null = null;

beforeEach(() => {
  fake.reset();
  fake.ready();
  configured = null;
  handleAppProtocol(rendererFixture().rendererDir, recordingLog(), undefined, () => configured);
});
afterEach(() => vi.unstubAllGlobals());

describe('the basemap file on app://', () => {
  const file = writeGuanganFixture(mkdtempSync(path.join(tmpdir(), 'gcc-app-basemap-')));
  const bytes = readFileSync(file);

  it('is read by the pmtiles package through the protocol, as the page reads it', async () => {
    configured = file;
    vi.stubGlobal('fetch', (input: string, init?: RequestInit) => protocol.fetch(input, init));
    const archive = new PMTiles(`${BASEMAP_URL}?v=0a1b2c3d`);
    expect(await archive.getHeader()).toMatchObject({ specVersion: 3, tileType: TileType.Png, maxZoom: 12 });
    const [x, y] = tileOf(107.3, 30.6, 10);
    expect(Buffer.from((await archive.getZxy(10, x, y))!.data)).toEqual(solidPng(FIXTURE_WATER));
  });

  it('answers 200, 206 (one range, a suffix) and 416', async () => {
    configured = file;
    const whole = await protocol.fetch(BASEMAP_URL);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes);

    const part = await protocol.fetch(BASEMAP_URL, { headers: { Range: 'bytes=127-226' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 127-226/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(127, 227));

    const suffix = await protocol.fetch(BASEMAP_URL, { headers: { Range: 'bytes=-5' } });
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 5));

    const outside = await protocol.fetch(BASEMAP_URL, { headers: { Range: `bytes=${bytes.length}-` } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
  });

  it('404 with a sentence when none is set or the file is gone', async () => {
    const unset = await protocol.fetch(BASEMAP_URL);
    expect(unset.status).toBe(404);
    expect(await unset.text()).toBe(BASEMAP_NOT_SET);
    configured = path.join(path.dirname(file), 'gone.pmtiles');
    expect(await (await protocol.fetch(BASEMAP_URL)).text()).toBe(BASEMAP_GONE);
  });

  it('serves only the configured file: the query is ignored, nearby paths are the renderer folder as before', async () => {
    configured = file;
    const withQuery = await protocol.fetch(`${BASEMAP_URL}?path=/etc/passwd`);
    expect(Buffer.from(await withQuery.arrayBuffer())).toEqual(bytes);
    for (const other of ['app://gcc/basemap.pmtiles/x', 'app://gcc/x/basemap.pmtiles', 'app://gcc/basemap.pmtiles%2F..%2F..%2Fetc%2Fpasswd']) {
      const answer = await protocol.fetch(other);
      expect(answer.headers.get('content-range'), other).toBeNull();
      expect(await answer.text(), other).not.toContain('root:');
    }
  });

  it('is what startApp serves: the file the saved Settings name', async () => {
    fake.reset(); // a fresh, not yet ready app (and no handler from beforeEach): startApp registers its own
    const app = await boot({ settings: fixedSettings({ ...DEFAULT_SETTINGS, basemap: { kind: 'pmtiles', path: file } }) });
    const answer = await protocol.fetch(BASEMAP_URL, { headers: { Range: 'bytes=0-6' } });
    expect(answer.status).toBe(206);
    expect(await answer.text()).toBe('PMTiles');
    await app.main.shutdown();
  });
});
