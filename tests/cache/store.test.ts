import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { CacheError, openCache } from '../../core/cache/database';
import { checkCache } from '../../core/cache/inspect';
import { CacheReads } from '../../core/cache/reads';
import { SCHEMA_VERSION } from '../../core/cache/migrations';
import { change, event, organisation, regions, tombstone } from '../fixtures/records';
import { OpenStore } from '../fixtures/open-store';

function freshStore() {
  const { db } = openCache(':memory:');
  const store = new OpenStore(db);
  store.applyReference(regions, organisation, { regions: 'r1', organisation: 'o1' });
  return store;
}

/** Rollups recomputed from the rows: what the incremental rollups must always equal. */
function recomputed(db: Database.Database) {
  return db
    .prepare(
      `SELECT day, grid_id, kind, count(*) AS total, SUM(stage = 'closed') AS closed,
      SUM(ifnull(stage = 'closed' AND closed_at <= deadline, 0)) AS on_time, SUM(ifnull(satisfaction = 'dissatisfied', 0)) AS sat_dissatisfied,
      SUM(stage = 'analysed') AS st_analysed FROM events GROUP BY day, grid_id, kind ORDER BY 1, 2, 3`,
    )
    .all();
}
function rollups(db: Database.Database) {
  return db
    .prepare(
      `SELECT day, grid_id, kind, total, closed, on_time, sat_dissatisfied, st_analysed FROM rollup_events
      WHERE total <> 0 ORDER BY 1, 2, 3`,
    )
    .all();
}
const checksum = (db: Database.Database) =>
  JSON.stringify([
    db.prepare('SELECT * FROM events ORDER BY id').all(),
    rollups(db),
    db.prepare('SELECT * FROM rollup_departments WHERE total <> 0 ORDER BY 1,2,3').all(),
  ]);

describe('cache store', () => {
  it('applies a page, its rollups and its cursor together', () => {
    const store = freshStore();
    const batch = store.applyChanges(
      [change(event({ id: 'e1', rev: 1 })), change(event({ id: 'e2', rev: 2, grid_id: 'g2', kind: 'dispute' }))],
      { nextRev: 2, headRev: 5 },
      'page',
    );
    expect(batch).toMatchObject({ applied: 2, skipped: 0, quarantined: 0 });
    expect(store.cursor).toBe(2);
    expect(rollups(store.db)).toEqual(recomputed(store.db));
    expect(store.db.prepare('SELECT street_id, community_id, day FROM events WHERE id = ?').get('e2')).toEqual({
      street_id: 's1',
      community_id: 'c1',
      day: 20261123,
    });
  });

  it('applying the same records twice changes nothing', () => {
    const store = freshStore();
    const page = [change(event({ id: 'e1', rev: 1 })), change(event({ id: 'e2', rev: 2 }))];
    store.applyChanges(page, { nextRev: 2, headRev: 2 }, 'page');
    const before = checksum(store.db);
    const again = store.applyChanges(page, { nextRev: 2, headRev: 2 }, 'page');
    expect(again).toMatchObject({ applied: 0, skipped: 2 });
    expect(checksum(store.db)).toBe(before);
  });

  it('an older revision after a newer one changes nothing; a newer one moves the rollups', () => {
    const store = freshStore();
    const closed = event({
      id: 'e1',
      rev: 5,
      stage: 'closed',
      stages: { reported: '2026-11-23T09:00:00+08:00', closed: '2026-11-27T09:00:00+08:00' },
      satisfaction: 'dissatisfied',
      outcome: 'resolved',
    });
    store.applyChanges([change(closed)], { nextRev: 5, headRev: 5 }, 'page');
    const before = checksum(store.db);
    store.applyChanges([change(event({ id: 'e1', rev: 3, stage: 'analysed' }))], { nextRev: 5, headRev: 5 }, 'stream');
    expect(checksum(store.db)).toBe(before);
    const row = rollups(store.db)[0] as { closed: number; on_time: number; sat_dissatisfied: number };
    expect(row).toMatchObject({ total: 1, closed: 1, on_time: 0, sat_dissatisfied: 1 }); // closed a day late
  });

  it('moves an event between stages without double counting', () => {
    const store = freshStore();
    store.applyChanges([change(event({ id: 'e1', rev: 1 }))], { nextRev: 1, headRev: 1 }, 'page');
    store.applyChanges(
      [change(event({ id: 'e1', rev: 2, stage: 'analysed', stages: { reported: '2026-11-23T09:00:00+08:00', analysed: '2026-11-23T10:00:00+08:00' } }))],
      { nextRev: 2, headRev: 2 },
      'page',
    );
    expect(rollups(store.db)).toEqual([{ day: 20261123, grid_id: 'g1', kind: 'appeal', total: 1, closed: 0, on_time: 0, sat_dissatisfied: 0, st_analysed: 1 }]);
  });

  it('a tombstone deletes the row and its share of the rollups, and an older copy cannot bring it back', () => {
    const store = freshStore();
    store.applyChanges([change(event({ id: 'e1', rev: 1 })), change(event({ id: 'e2', rev: 2 }))], { nextRev: 2, headRev: 2 }, 'page');
    const batch = store.applyChanges([tombstone('e1', 3)], { nextRev: 3, headRev: 3 }, 'page');
    expect(batch.deletedEventIds).toEqual(['e1']);
    store.applyChanges([change(event({ id: 'e1', rev: 1 }))], { nextRev: 3, headRev: 3 }, 'stream');
    expect(store.db.prepare('SELECT id FROM events').pluck().all()).toEqual(['e2']);
    expect(rollups(store.db)).toEqual(recomputed(store.db));
  });

  it('quarantines a malformed record with its reason and applies the rest', () => {
    const store = freshStore();
    const bad1 = { type: 'event', rev: 2, record: { ...event({ id: 'e2', rev: 2 }), kind: 'ufo' } };
    const bad2 = { type: 'event', rev: 3, record: event({ id: 'e3', rev: 3, grid_id: 'nowhere' }) };
    const bad3 = 'not even an object';
    const batch = store.applyChanges([change(event({ id: 'e1', rev: 1 })), bad1, bad2, bad3], { nextRev: 3, headRev: 3 }, 'page');
    expect(batch).toMatchObject({ applied: 1, quarantined: 3 });
    const rows = store.db.prepare('SELECT origin, rev, record_id, reason FROM quarantine ORDER BY seq').all() as { reason: string }[];
    expect(rows[0]).toMatchObject({ origin: 'page', rev: 2, record_id: 'e2' });
    expect(rows[0].reason).toMatch(/record\.kind/);
    expect(rows[1].reason).toMatch(/grid_id "nowhere" is not a grid/);
    expect(store.cursor).toBe(3);
  });

  it('random sequences of updates keep the rollups equal to a recomputation', () => {
    const store = freshStore();
    let rev = 0;
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const stages = ['reported', 'analysed', 'dispatched', 'supervised', 'evaluated', 'closed'] as const;
    for (let i = 0; i < 400; i++) {
      const id = `e${Math.floor(rand() * 40)}`;
      rev++;
      const stage = stages[Math.floor(rand() * stages.length)];
      const item =
        rand() < 0.1
          ? tombstone(id, rev)
          : change(
              event({
                id,
                rev,
                stage,
                grid_id: rand() < 0.5 ? 'g1' : 'g2',
                kind: rand() < 0.5 ? 'appeal' : 'dispute',
                stages: {
                  reported: `2026-1${rand() < 0.5 ? 0 : 1}-2${Math.floor(rand() * 5)}T09:00:00+08:00`,
                  ...(stage === 'closed' ? { closed: '2026-11-25T12:00:00+08:00' } : {}),
                },
                satisfaction: stage === 'closed' && rand() < 0.3 ? 'dissatisfied' : null,
              }),
            );
      // Now and then deliver an old revision again, out of order.
      const items = rand() < 0.2 && rev > 5 ? [item, change(event({ id, rev: rev - 3 }))] : [item];
      store.applyChanges(items, { nextRev: rev, headRev: rev }, 'page');
    }
    expect(rollups(store.db)).toEqual(recomputed(store.db));
    // …and the month and district-wide rollups equal the daily ones summed (two months here).
    expect(checkCache(store.db)).toEqual([]);
    expect(store.db.prepare('SELECT count(DISTINCT month) FROM rollup_grids_month WHERE total <> 0').pluck().get()).toBe(2);
  });

  it('a full disk stops the batch with a sentence and leaves rows and cursor as they were', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gcc-full-'));
    const { db } = openCache(path.join(dir, 'cache.sqlite'));
    const store = new OpenStore(db);
    store.applyReference(regions, organisation, {});
    store.applyChanges([change(event({ id: 'e1', rev: 1 }))], { nextRev: 1, headRev: 1 }, 'page');
    const before = checksum(db);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`); // the "disk" is now full
    const big = Array.from({ length: 2000 }, (_, i) => change(event({ id: `x${i}`, rev: 2 + i, title: '很长的标题'.repeat(30) })));
    let error: unknown;
    try {
      store.applyChanges(big, { nextRev: 2001, headRev: 2001 }, 'page');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CacheError);
    expect((error as CacheError).code).toBe('disk_full');
    expect((error as Error).message).toMatch(/disk .* is full\. Sync has stopped and the cache is unchanged/);
    expect(checksum(db)).toBe(before);
    expect(store.cursor).toBe(1);
  });
});

describe('a group of pages in one transaction', () => {
  function fileStore() {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gcc-group-')), 'cache.sqlite');
    const store = new OpenStore(openCache(file).db);
    store.applyReference(regions, organisation, {});
    return { file, store };
  }

  it('other connections see the pages only when the group commits', () => {
    const { file, store } = fileStore();
    const reader = new Database(file, { readonly: true });
    const visible = () => reader.prepare('SELECT count(*) FROM events').pluck().get();
    store.beginGroup();
    store.applyChanges([change(event({ id: 'e1', rev: 1 }))], { nextRev: 1, headRev: 2 }, 'page');
    store.applyChanges([change(event({ id: 'e2', rev: 2 }))], { nextRev: 2, headRev: 3 }, 'page');
    // A later page of the same group moves a record of an earlier one: its rollup share moves with it.
    const closed = event({
      id: 'e1',
      rev: 3,
      stage: 'closed',
      stages: { reported: '2026-11-23T09:00:00+08:00', closed: '2026-11-24T09:00:00+08:00' },
      outcome: 'resolved',
    });
    store.applyChanges([change(closed)], { nextRev: 3, headRev: 3 }, 'page');
    expect(visible()).toBe(0);
    store.endGroup(true);
    expect(visible()).toBe(2);
    expect(store.cursor).toBe(3);
    expect(rollups(store.db)).toEqual(recomputed(store.db));
  });

  it('a full disk in the middle of a group leaves rows and cursor as they were before the group', () => {
    const { store } = fileStore();
    const db = store.db;
    store.applyChanges([change(event({ id: 'e1', rev: 1 }))], { nextRev: 1, headRev: 1 }, 'page');
    const before = checksum(db);
    store.beginGroup();
    store.applyChanges([change(event({ id: 'e2', rev: 2 }))], { nextRev: 2, headRev: 2003 }, 'page');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const big = Array.from({ length: 2000 }, (_, i) => change(event({ id: `x${i}`, rev: 3 + i, title: '很长的标题'.repeat(30) })));
    expect(() => store.applyChanges(big, { nextRev: 2002, headRev: 2003 }, 'page')).toThrow(CacheError);
    store.endGroup(false);
    expect(db.inTransaction).toBe(false);
    expect(checksum(db)).toBe(before);
    expect(store.cursor).toBe(1);
  });
});

describe('opening the cache', () => {
  it('runs the migrations to the current schema version', () => {
    const { db } = openCache(':memory:');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('memory'); // WAL is for files; see next test
  });

  it('uses WAL and 16 KiB pages for a new file cache, and keeps the page size of an existing one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gcc-'));
    const { db } = openCache(path.join(dir, 'c.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('page_size', { simple: true })).toBe(16384);
    db.close();
    const old = new Database(path.join(dir, 'old.sqlite'));
    old.pragma('page_size = 4096');
    old.exec('CREATE TABLE t (x)');
    old.close();
    const reopened = openCache(path.join(dir, 'old.sqlite')).db;
    expect(reopened.pragma('page_size', { simple: true })).toBe(4096);
    reopened.close();
  });

  it('refuses a cache written by a newer version, in a sentence', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gcc-')), 'c.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openCache(file)).toThrow(/written by a newer version of Grid Command Center \(schema 99/);
  });

  it('moves a corrupt cache aside, starts an empty one and says why', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gcc-'));
    const file = path.join(dir, 'c.sqlite');
    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0x5a)]));
    const opened = openCache(file);
    expect(opened.rebuilt?.movedTo).toMatch(/c\.sqlite\.corrupt-\d+$/);
    expect(opened.rebuilt?.reason).toBeTruthy();
    expect(opened.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });
});

describe('bulk mode', () => {
  it('drops the big indexes, keeps their SQL in the cache, and rebuilds them (also after a crash in between)', () => {
    const { db } = openCache(':memory:');
    const store = new OpenStore(db);
    const indexes = () =>
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name").pluck().all();
    const before = indexes();
    expect(before.length).toBeGreaterThan(3);
    store.beginBulk();
    // Kept: the wall reads open cases while the first sync runs, by this index's name.
    expect(indexes()).toEqual(['events_open']);
    expect(new CacheReads(db).overdueCountAt(Date.now())).toBe(0);
    // A new store on the same file (a restart) finishes the job.
    new OpenStore(db).endBulk();
    expect(indexes()).toEqual(before);
    store.endBulk(); // idempotent
    expect(indexes()).toEqual(before);
  });
});
