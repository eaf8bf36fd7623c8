import { mkdtempSync, openSync, readFileSync, writeSync, closeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCache, quickCheck } from '../../core/cache/database';
import { SyncService } from '../../core/sync/service';

/** A cache with a few thousand rows whose header is fine but one of its table pages is overwritten. */
function cacheDamagedInside(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gcc-integrity-')), 'cache.sqlite');
  const { db } = openCache(file);
  const insert = db.prepare("INSERT INTO quarantine (received_at, origin, rev, record_id, reason, raw) VALUES ('2026-11-27T12:00:00+08:00', 'page', ?, ?, 'test', ?)");
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) insert.run(i, `E${i}`, 'x'.repeat(200));
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.close();
  const fd = openSync(file, 'r+');
  // A page in the middle of the quarantine table's B-tree: garbage where cells should be.
  writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, pageSize * Math.floor(pages / 2));
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
    const service = new SyncService({ cacheFile: file, api: { baseUrl: 'http://127.0.0.1:9/', token: 't' }, engine: {}, mode: 'follow', checkIntegrity: true }, { corrupt: (reason) => reasons.push(reason) });
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
});
