import { mkdtempSync, openSync, readFileSync, readdirSync, writeSync, closeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCache, quickCheck } from '../../core/cache/database';
import { SyncService } from '../../core/sync/service';
import { createBackend } from '../../core/backend';
import { cacheStats } from '../../core/cache/inspect';
import type { SyncStatus } from '../../shared/bridge/contract';
import { server, until } from './harness';

/**
 * A cache with a few thousand rows whose header is fine but one page in the middle of `table` is overwritten:
 * 'quarantine' is read when the app opens the cache, 'reference' (keys the app never asks for) is not.
 */
function cacheDamagedInside(table: 'quarantine' | 'reference' = 'quarantine'): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gcc-integrity-')), 'cache.sqlite');
  const { db } = openCache(file);
  const insert =
    table === 'quarantine'
      ? db.prepare("INSERT INTO quarantine (received_at, origin, rev, record_id, reason, raw) VALUES ('2026-11-27T12:00:00+08:00', 'page', ?, ?, 'test', ?)")
      : db.prepare('INSERT INTO reference (key, value) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) {
      if (table === 'quarantine') insert.run(i, `E${i}`, 'x'.repeat(200));
      else insert.run(`test.${String(i).padStart(5, '0')}`, 'x'.repeat(200));
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  // A leaf in the middle of the table's B-tree (found by dbstat: the layout moves as migrations add tables and indexes).
  const leaves = db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno").pluck().all(table) as number[];
  const page = leaves[Math.floor(leaves.length / 2)];
  db.close();
  const fd = openSync(file, 'r+');
  // Garbage where cells should be.
  writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, pageSize * (page - 1));
  closeSync(fd);
  return file;
}

describe('integrity check in the background', () => {
  it('a deferred open starts on a cache damaged inside (the wall comes up) and leaves it alone; a full open sets it aside', () => {
    const file = cacheDamagedInside();
    const before = readFileSync(file);
    const deferred = openCache(file, { integrity: 'deferred' });
    expect(deferred.rebuilt).toBeNull();
    expect(quickCheck(deferred.db)).toMatch(/./);
    deferred.db.close();
    expect(readFileSync(file).equals(before)).toBe(true);

    const full = openCache(cacheDamagedInside());
    expect(full.rebuilt?.movedTo).toMatch(/\.corrupt-\d+$/);
    expect(quickCheck(full.db)).toBeNull();
    full.db.close();
  });

  it('the sync worker checks, reports the damage and ends without touching the file, so its owner can rebuild', async () => {
    const file = cacheDamagedInside();
    const before = readFileSync(file);
    const reasons: string[] = [];
    // The API is never contacted: the check comes first.
    const service = new SyncService(
      { cacheFile: file, api: { baseUrl: 'http://127.0.0.1:9/', token: 't' }, engine: {}, mode: 'follow', checkIntegrity: true },
      { corrupt: (reason) => reasons.push(reason) },
    );
    await service.finished;
    await service.stop();
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/page|tree|corrupt|malformed|never used|out of order/i);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}.corrupt`)).toBe(false);
  });

  it('a sound cache passes the check and syncing goes ahead', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gcc-integrity-')), 'cache.sqlite');
    openCache(file).db.close();
    const { db } = openCache(file, { integrity: 'deferred' });
    expect(quickCheck(db)).toBeNull();
    db.close();
  });

  it('damage the first read hits: the app replaces the cache at once, says so and rebuilds it from the central API', { timeout: 90_000 }, async () => {
    await expectRebuilt(cacheDamagedInside('quarantine'));
  });

  it('damage only the check finds: the app starts on the cache, then the worker finds it, and it is set aside and rebuilt', { timeout: 90_000 }, async () => {
    const file = cacheDamagedInside('reference');
    const { db } = openCache(file, { integrity: 'deferred' });
    expect(() => db.prepare('SELECT last_contact, (SELECT count(*) FROM quarantine) FROM sync_state').get()).not.toThrow();
    db.close();
    await expectRebuilt(file);
  });

  it('a cache from a newer version: the host starts, says why in the status bar, and the wall is told so on its reads', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gcc-newer-')), 'cache.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    const backend = createBackend({ host: 'web', version: '0', data: { cacheFile: file, api: { baseUrl: 'http://127.0.0.1:9', token: 't' }, demo: false } });
    try {
      let status = await backend.handlers['sync.status']({});
      backend.onPush((name, payload) => {
        if (name === 'sync.status') status = payload as SyncStatus;
      });
      await until(() => status.state === 'error', 30_000);
      expect(status.message).toMatch(/could not be opened: This cache was written by a newer version of Grid Command Center \(schema 99/);
      await expect(backend.handlers['scene.snapshot']({ window: { preset: 'week' } })).rejects.toThrow(/newer version/);
      expect(readdirSync(path.dirname(file))).toEqual(['cache.sqlite']); // left as it was, for the newer version
    } finally {
      await backend.close();
    }
  });
});

async function expectRebuilt(file: string) {
  const s = await server();
  const statuses: SyncStatus[] = [];
  const backend = createBackend({ host: 'web', version: '0', data: { cacheFile: file, api: { baseUrl: s.url, token: 'demo-token' }, demo: true } });
  backend.onPush((name, payload) => {
    if (name === 'sync.status') statuses.push(payload as SyncStatus);
  });
  try {
    const current = await backend.handlers['sync.status']({});
    await until(() => [current, ...statuses].some((st) => st.problem?.code === 'cache_rebuilt'), 60_000);
    expect([current, ...statuses].find((st) => st.problem?.code === 'cache_rebuilt')!.message).toMatch(/damaged and has been moved aside/);
    await until(() => statuses.at(-1)?.state === 'live', 60_000);
    expect(readdirSync(path.dirname(file)).filter((f) => /^cache\.sqlite\.corrupt-\d+$/.test(f))).toHaveLength(1);
    const { db } = openCache(file, { readonly: true });
    expect(quickCheck(db)).toBeNull();
    expect(cacheStats(db).grids).toBe(297);
    expect(cacheStats(db).quarantined).toBe(0); // the damaged file's rows stayed in the file set aside
    db.close();
    const snapshot = await backend.handlers['scene.snapshot']({ window: { preset: 'year' } });
    expect(snapshot.grids.length).toBe(297);
  } finally {
    await backend.close();
    await s.close();
  }
}
