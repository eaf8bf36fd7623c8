/**
 * The PMTiles basemap file: the test fixture read back by the pmtiles package, the check made when the setting is
 * saved (a sentence for each reason, nothing saved), and the Range answers both hosts give (answerBasemapFile).
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { PMTiles, TileType } from 'pmtiles';
import { describe, expect, it } from 'vitest';
import { answerBasemapFile, asResponse, BASEMAP_GONE, BASEMAP_NOT_SET, parseRange, pmtilesProblem } from '../../core/settings/basemap-file';
import { SettingsStore } from '../../core/settings/store';
import { BridgeError } from '../../shared/bridge/contract';
import { PMTILES_PROBLEMS } from '../../shared/settings';
import {
  bufferSource,
  emptyVectorArchive,
  FIXTURE_LAND,
  FIXTURE_WATER,
  guanganRasterArchive,
  solidPng,
  tileOf,
  writeGuanganFixture,
} from '../fixtures/pmtiles';

const folder = () => mkdtempSync(path.join(tmpdir(), 'gcc-basemap-'));

describe('the PMTiles fixture writer', () => {
  it.each(['gzip', 'none'] as const)('writes an archive the pmtiles package reads back (internal compression %s)', async (internalCompression) => {
    const bytes = guanganRasterArchive({ internalCompression });
    const archive = new PMTiles(bufferSource(bytes));
    const header = await archive.getHeader();
    expect(header).toMatchObject({ specVersion: 3, tileType: TileType.Png, minZoom: 6, maxZoom: 12, clustered: true, numTileContents: 2 });
    expect(header.minLon).toBeCloseTo(106.0, 6);
    expect(header.maxLat).toBeCloseTo(31.2, 6);
    expect(header.numAddressedTiles).toBeGreaterThan(header.numTileEntries); // runs of equal tiles share an entry

    const [x, y] = tileOf(106.63, 30.46, 11); // the town of Guang'an
    const land = await archive.getZxy(11, x, y);
    expect(Buffer.from(land!.data)).toEqual(solidPng(FIXTURE_LAND));
    const [ex, ey] = tileOf(107.4, 30.5, 12);
    expect(Buffer.from((await archive.getZxy(12, ex, ey))!.data)).toEqual(solidPng(FIXTURE_WATER));
    expect(await archive.getZxy(12, 0, 0)).toBeUndefined();
    expect(await archive.getMetadata()).toMatchObject({ name: 'Guang’an test basemap' });
  });

  it('writes vector archives too (the header says MVT)', async () => {
    const header = await new PMTiles(bufferSource(emptyVectorArchive())).getHeader();
    expect(header).toMatchObject({ tileType: TileType.Mvt, minZoom: 0, maxZoom: 14 });
  });
});

describe('checking a PMTiles file when it is saved', () => {
  const dir = folder();
  const good = writeGuanganFixture(dir);
  const notPmtiles = path.join(dir, 'photo.png');
  writeFileSync(notPmtiles, solidPng([1, 2, 3]));
  const version2 = path.join(dir, 'old.pmtiles');
  writeFileSync(version2, Buffer.concat([Buffer.from('PMTiles'), Buffer.from([2]), Buffer.alloc(200)]));
  const short = path.join(dir, 'short.pmtiles');
  writeFileSync(short, Buffer.concat([Buffer.from('PMTiles'), Buffer.from([3])]));
  const locked = path.join(dir, 'locked.pmtiles');
  writeFileSync(locked, readFileSync(good));
  chmodSync(locked, 0o000);
  const lockedIsReadable = (() => {
    try {
      readFileSync(locked);
      return true; // root reads everything: the permission case cannot be shown here
    } catch {
      return false;
    }
  })();

  it.each<[string, string, keyof typeof PMTILES_PROBLEMS | null]>([
    ['a PMTiles v3 archive', good, null],
    ['a relative path', 'maps/guangan.pmtiles', 'notAbsolute'],
    ['a path with no file', path.join(dir, 'nothing-here.pmtiles'), 'missing'],
    ['a path through a file', path.join(good, 'inside.pmtiles'), 'missing'],
    ['a folder', dir, 'unreadable'],
    ['a PNG', notPmtiles, 'notPmtiles'],
    ['a PMTiles v2 file', version2, 'notPmtiles'],
    ['a file shorter than the header', short, 'notPmtiles'],
  ])('%s: %s', (_what, file, problem) => {
    expect(pmtilesProblem(file)).toBe(problem);
  });

  it.skipIf(lockedIsReadable)('a file the app may not read', () => {
    expect(pmtilesProblem(locked)).toBe('unreadable');
  });

  it.each<[string, string, keyof typeof PMTILES_PROBLEMS]>([
    ['missing', path.join(dir, 'nothing-here.pmtiles'), 'missing'],
    ['not PMTiles', notPmtiles, 'notPmtiles'],
    ['relative', 'guangan.pmtiles', 'notAbsolute'],
  ])('the store refuses a %s file with its sentence on basemap.path, and saves nothing', (_what, file, problem) => {
    const settingsFile = path.join(folder(), 'settings.json');
    const store = new SettingsStore(settingsFile);
    let refused: BridgeError | null = null;
    try {
      store.update({ basemap: { kind: 'pmtiles', path: file }, alertSound: true });
    } catch (error) {
      refused = error as BridgeError;
    }
    expect(refused).toBeInstanceOf(BridgeError);
    expect(refused!.code).toBe('invalid_payload');
    expect(refused!.message).toBe(`The settings were not saved: the basemap (path) is not valid. ${PMTILES_PROBLEMS[problem]}`);
    expect(refused!.issues).toEqual([{ path: 'basemap.path', message: PMTILES_PROBLEMS[problem] }]);
    expect(store.get().basemap).toEqual({ kind: 'none' });
    expect(store.get().alertSound).toBe(false);
  });

  it('the store keeps a good file; a file gone later does not block saving anything else', () => {
    const dir2 = folder();
    const file = writeGuanganFixture(dir2);
    const store = new SettingsStore(path.join(dir2, 'settings.json'));
    expect(store.update({ basemap: { kind: 'pmtiles', path: file } }).basemap).toEqual({ kind: 'pmtiles', path: file });
    writeFileSync(file, 'gone'); // replaced by something else
    expect(store.update({ alertSound: true }).alertSound).toBe(true);
  });
});

describe('serving the basemap file with HTTP Range', () => {
  const file = writeGuanganFixture(folder());
  const bytes = readFileSync(file);
  const size = bytes.length;
  const answer = async (target: string | null, method: string, headers: Record<string, string> = {}) =>
    asResponse(await answerBasemapFile(target, method, new Headers(headers)));
  const get = (headers: Record<string, string> = {}, method = 'GET') => answer(file, method, headers);
  const body = async (response: Response) => Buffer.from(await response.arrayBuffer());

  it('parses one range, suffixes and open ends; several ranges or another unit mean the whole file', () => {
    expect(parseRange(null, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=0-16383', 100)).toEqual({ start: 0, end: 99 }); // pmtiles' first read of a small file
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRange('items=0-1', 100)).toBeNull();
    for (const bad of ['bytes=100-', 'bytes=100-200', 'bytes=5-2', 'bytes=-0', 'bytes=-', 'bytes=abc', 'bytes=1-x'])
      expect(parseRange(bad, 100), bad).toBe('unsatisfiable');
  });

  it('200: the whole file, saying it takes ranges, with validators from its size and mtime', async () => {
    const response = await get();
    expect(response.status).toBe(200);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-length')).toBe(String(size));
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(response.headers.get('last-modified')).toMatch(/GMT$/);
    expect(await body(response)).toEqual(bytes);
  });

  it('206: one range, an open-ended one and a suffix, each with its Content-Range', async () => {
    const first = await get({ Range: 'bytes=0-126' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-126/${size}`);
    expect(first.headers.get('content-length')).toBe('127');
    expect(await body(first)).toEqual(bytes.subarray(0, 127));

    const tail = await get({ Range: `bytes=${size - 10}-` });
    expect(tail.status).toBe(206);
    expect(await body(tail)).toEqual(bytes.subarray(size - 10));

    const suffix = await get({ Range: 'bytes=-20' });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('content-range')).toBe(`bytes ${size - 20}-${size - 1}/${size}`);
    expect(await body(suffix)).toEqual(bytes.subarray(size - 20));

    const beyond = await get({ Range: 'bytes=0-16383' });
    expect(beyond.headers.get('content-range')).toBe(`bytes 0-${Math.min(16383, size - 1)}/${size}`);
  });

  it('416 for a range outside the file, saying how long it is', async () => {
    const response = await get({ Range: `bytes=${size}-` });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${size}`);
    expect(await response.text()).toMatch(/lies outside the basemap file/);
    expect((await get({ Range: 'bytes=9-3' })).status).toBe(416);
  });

  it('HEAD: the headers without a body; If-None-Match: 304; a stale If-Range: the whole file', async () => {
    const head = await get({ Range: 'bytes=0-99' }, 'HEAD');
    expect(head.status).toBe(206);
    expect(head.headers.get('content-length')).toBe('100');
    expect(head.body).toBeNull();
    const etag = head.headers.get('etag')!;
    expect((await get({ 'If-None-Match': etag })).status).toBe(304);
    expect((await get({ Range: 'bytes=0-9', 'If-Range': etag })).status).toBe(206);
    const stale = await get({ Range: 'bytes=0-9', 'If-Range': '"0-0"' });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('content-length')).toBe(String(size));
  });

  it('reads a tile-sized range whole, and streams an answer larger than 4 MiB', async () => {
    const big = path.join(folder(), 'big.pmtiles');
    const content = Buffer.alloc(5 * 1024 * 1024 + 3, 7);
    writeFileSync(big, content);
    const part = await answerBasemapFile(big, 'GET', new Headers({ Range: 'bytes=10-19' }));
    expect(Buffer.isBuffer(part.body)).toBe(true);
    const whole = await answerBasemapFile(big, 'GET', new Headers());
    expect(whole.body).toBeInstanceOf(Readable);
    expect(Buffer.from(await asResponse(whole).arrayBuffer()).equals(content)).toBe(true);
  });

  it('404 with a sentence when none is set or the file is gone; 405 for other methods', async () => {
    const unset = await answer(null, 'GET');
    expect(unset.status).toBe(404);
    expect(await unset.text()).toBe(BASEMAP_NOT_SET);
    const gone = await answer(path.join(folder(), 'gone.pmtiles'), 'GET');
    expect(gone.status).toBe(404);
    expect(await gone.text()).toBe(BASEMAP_GONE);
    expect((await answer(file, 'POST')).status).toBe(405);
  });
});
