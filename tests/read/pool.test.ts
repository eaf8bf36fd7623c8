/**
 * The read threads: the pool answers what the same service answers on the caller's thread, across the thread
 * boundary (errors included), keeps each thread's reference data current, and survives a thread that dies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openCache } from '../../core/cache/database';
import { MIGRATIONS, SCHEMA_VERSION } from '../../core/cache/migrations';
import { CacheStore } from '../../core/cache/store';
import { ReadPool } from '../../core/read/pool';
import { ReadService } from '../../core/read/service';
import { fixtureCacheFile, organisation, regions } from '../fixtures/records';

const NOW = Date.parse('2026-11-25T10:00:00+08:00');
const pools: ReadPool[] = [];
const files: string[] = [];

async function poolOnFixture(options: ConstructorParameters<typeof ReadPool>[1] = {}) {
  const file = await fixtureCacheFile();
  files.push(file);
  const pool = new ReadPool(file, options);
  pools.push(pool);
  return { file, pool };
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  for (const f of files.splice(0)) rmSync(path.dirname(f), { recursive: true, force: true });
});

describe('ReadPool', () => {
  it('answers as the service does on this thread, from threads of its own', async () => {
    const { file, pool } = await poolOnFixture();
    const { db } = openCache(file);
    try {
      const here = new ReadService(db);
      expect(await pool.api.snapshot({ preset: 'week' }, NOW)).toEqual(here.snapshot({ preset: 'week' }, NOW));
      expect(await pool.api.mapRegions()).toEqual(here.mapRegions());
      expect(await pool.api.gridDetail('g2', NOW)).toEqual(here.gridDetail('g2', NOW));
      expect(await pool.api.gridDetail('nowhere', NOW)).toBeNull();
      const period = { kind: 'week' as const, week: '2026-W48' };
      expect(await pool.api.briefing(period, NOW)).toEqual(here.briefing(period, NOW));
      expect(await pool.api.cases({ period, filter: { kind: 'dispute' }, offset: 0, limit: 10 }, NOW)).toEqual(
        here.cases({ period, filter: { kind: 'dispute' }, offset: 0, limit: 10 }, NOW),
      );
    } finally {
      db.close();
    }
  });

  it('makes an export on a read thread and records it there once the host says the file exists', async () => {
    const { pool } = await poolOnFixture();
    const prepared = await pool.api.prepareExport({ period: { kind: 'week', week: '2026-W48' }, format: 'docx', operator: '测试员' }, NOW);
    expect('data' in prepared && prepared.data.byteLength).toBeGreaterThan(1000);
    expect(await pool.api.exports(10)).toEqual([]); // nothing recorded until the file is there
    const seq = await pool.api.recordExport(prepared.audit);
    expect(await pool.api.exports(10)).toMatchObject([{ seq, operator: '测试员', format: 'docx', file: prepared.fileName }]);
  });

  it('re-reads the reference data on every thread: the wall and the reports see a new region tree alike', async () => {
    const { file, pool } = await poolOnFixture();
    const before = await pool.api.snapshot({ preset: 'week' }, NOW);
    const { db } = openCache(file);
    const extra = { ...regions.regions.find((r) => r.level === 'grid')!, id: 'g-new', code: 'G-NEW', name: '新网格' };
    new CacheStore(db).applyReference({ ...regions, regions: [...regions.regions, extra] }, organisation, { regions: 'r2', organisation: 'o1' });
    db.close();
    expect((await pool.api.snapshot({ preset: 'week' }, NOW)).grids).toHaveLength(before.grids.length); // not yet re-read
    await pool.api.reloadReference();
    expect((await pool.api.snapshot({ preset: 'week' }, NOW)).grids).toHaveLength(before.grids.length + 1);
    const briefing = await pool.api.briefing({ kind: 'week', week: '2026-W48' }, NOW);
    expect(briefing.safeGrids.total).toBe(before.grids.length + 1);
  });

  it('is not a thenable: a promise of the api resolves to the api', async () => {
    const { pool } = await poolOnFixture();
    const api = await Promise.resolve(pool.api);
    expect(await api.cacheState()).toEqual({ lastContact: expect.any(String), quarantined: 0 });
  });

  it('says why when the cache cannot be read, in a sentence, with its code', async () => {
    const pool = new ReadPool('/nonexistent/cache.sqlite');
    pools.push(pool);
    await expect(pool.api.snapshot({ preset: 'week' }, NOW)).rejects.toThrow(/cache file \/nonexistent\/cache.sqlite is not there any more/);
    await expect(pool.api.snapshot({ preset: 'week' }, NOW)).rejects.toMatchObject({ name: 'CacheError' });
  });

  it('fails the requests of a thread that died, and answers the next ones from a new thread', async () => {
    const { pool } = await poolOnFixture({ workerUrl: new URL('../fixtures/dying-read-thread.ts', import.meta.url) });
    // The fixture's thread exits when asked for the audit log (a crash mid-request).
    await expect(pool.api.exports(10)).rejects.toThrow(/read thread stopped/);
    expect(await pool.api.briefing({ kind: 'week', week: '2026-W48' }, NOW)).toMatchObject({ period: { key: '2026-W48' } });
  });

  it("opens the cache on the wall's thread: an old schema is upgraded there, its state read, then it answers", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gcc-pool-'));
    const file = path.join(dir, 'cache.sqlite');
    files.push(file);
    openCache(file, { migrations: MIGRATIONS.slice(0, 1) }).db.close(); // a cache as the first version left it
    const pool = new ReadPool(file, { open: { integrity: 'full' } });
    pools.push(pool);
    expect(await pool.opened).toEqual({ lastContact: null, quarantined: 0, rebuilt: null, migrated: { from: 1, to: SCHEMA_VERSION, ms: expect.any(Number) } });
    expect(await pool.api.cacheState()).toEqual({ lastContact: null, quarantined: 0 });
    expect(await pool.api.briefing({ kind: 'week', week: '2026-W48' }, NOW)).toMatchObject({ period: { key: '2026-W48' } });
  });

  it('sets a damaged cache aside when told to, and opens an empty one in its place', async () => {
    const { file, pool: first } = await poolOnFixture();
    await first.close();
    const pool = new ReadPool(file, { open: { integrity: 'deferred', replace: 'the background check found damage' } });
    pools.push(pool);
    expect(await pool.opened).toMatchObject({
      lastContact: null,
      rebuilt: { reason: 'the background check found damage', movedTo: expect.stringMatching(/\.corrupt-\d+$/) },
    });
    expect(await pool.api.mapRegions()).toMatchObject({ grids: { features: [] } });
  });

  it('a cache it cannot open (a newer schema) fails the opening and every request with the sentence', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gcc-pool-'));
    const file = path.join(dir, 'cache.sqlite');
    files.push(file);
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    const pool = new ReadPool(file, { open: { integrity: 'deferred' } });
    pools.push(pool);
    await expect(pool.opened).rejects.toThrow(/written by a newer version of Grid Command Center \(schema 99/);
    await expect(pool.api.snapshot({ preset: 'week' }, NOW)).rejects.toMatchObject({ name: 'CacheError', code: 'too_new' });
    await expect(pool.api.briefing({ kind: 'week', week: '2026-W48' }, NOW)).rejects.toThrow(/newer version/);
  });

  it('refuses requests once closed, with the sentence the wall shows', async () => {
    const { pool } = await poolOnFixture();
    await pool.close();
    await expect(pool.api.mapRegions()).rejects.toMatchObject({ code: 'unavailable' });
  });
});
