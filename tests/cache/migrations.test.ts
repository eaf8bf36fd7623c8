import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCache } from '../../core/cache/database';
import { checkCache } from '../../core/cache/inspect';
import { readSyncState } from '../../core/cache/reads';
import { CacheReads } from '../../core/cache/reads';
import { CacheStore } from '../../core/cache/store';
import { migration001 } from '../../core/cache/migrations/001-initial';
import { MIGRATIONS, SCHEMA_VERSION } from '../../core/cache/migrations';
import { openDistrict } from '../report/helpers';

const file = () => path.join(mkdtempSync(path.join(tmpdir(), 'gcc-migrate-')), 'cache.sqlite');

describe('migrations', () => {
  it('are numbered 1, 2, … in order, one per file', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('001 creates the rows, cursor, quarantine and daily rollups', () => {
    const { db } = openCache(file(), { migrations: [migration001] });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'events',
        'evaluations',
        'services',
        'tombstones',
        'quarantine',
        'sync_state',
        'rollup_events',
        'rollup_departments',
        'rollup_services',
        'export_audit',
      ]),
    );
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('002 adds month and district-wide rollups to a version-1 cache, filled from its daily rollups', () => {
    const f = file();
    const v1 = openCache(f, { migrations: [migration001] }).db;
    const insert = v1.prepare('INSERT INTO rollup_events (day, grid_id, kind, total, closed, on_time, resolved) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const dept = v1.prepare('INSERT INTO rollup_departments (day, department_id, kind, total, closed, on_time) VALUES (?, ?, ?, ?, ?, ?)');
    insert.run(20261030, 'g1', 'appeal', 3, 2, 1, 0);
    insert.run(20261031, 'g1', 'appeal', 4, 4, 4, 0);
    insert.run(20261101, 'g1', 'appeal', 5, 1, 1, 0);
    insert.run(20261101, 'g2', 'dispute', 2, 2, 2, 1);
    dept.run(20261030, 'd1', 'appeal', 3, 2, 1);
    dept.run(20261031, 'd1', 'appeal', 4, 4, 4);
    v1.close();

    const { db } = openCache(f, { migrations: MIGRATIONS.slice(0, 2) });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT month, grid_id, kind, total, closed, on_time, resolved FROM rollup_events_month ORDER BY month, grid_id').all()).toEqual([
      { month: 202610, grid_id: 'g1', kind: 'appeal', total: 7, closed: 6, on_time: 5, resolved: 0 },
      { month: 202611, grid_id: 'g1', kind: 'appeal', total: 5, closed: 1, on_time: 1, resolved: 0 },
      { month: 202611, grid_id: 'g2', kind: 'dispute', total: 2, closed: 2, on_time: 2, resolved: 1 },
    ]);
    expect(db.prepare('SELECT month, department_id, total FROM rollup_departments_month').all()).toEqual([{ month: 202610, department_id: 'd1', total: 7 }]);
    expect(db.prepare('SELECT day, kind, total, resolved FROM rollup_kinds ORDER BY day, kind').all()).toEqual([
      { day: 20261030, kind: 'appeal', total: 3, resolved: 0 },
      { day: 20261031, kind: 'appeal', total: 4, resolved: 0 },
      { day: 20261101, kind: 'appeal', total: 5, resolved: 0 },
      { day: 20261101, kind: 'dispute', total: 2, resolved: 1 },
    ]);
    // Only the rollup recount complains (there are no event rows behind these hand-made rollups); the coarse ones agree.
    expect(checkCache(db).filter((p) => /month|rollup_kinds/.test(p))).toEqual([]);
    db.close();
  });

  it('004 adds week and year rollups and district-wide service types to a version-3 cache, filled from its daily rollups', () => {
    const f = file();
    const v3 = openCache(f, { migrations: MIGRATIONS.slice(0, 3) }).db;
    const insert = v3.prepare('INSERT INTO rollup_events (day, grid_id, kind, total, closed, on_time, resolved) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insertMonth = v3.prepare(`INSERT INTO rollup_events_month (month, grid_id, kind, total, closed, on_time, resolved) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (month, grid_id, kind) DO UPDATE SET total = total + excluded.total`);
    const service = v3.prepare('INSERT INTO rollup_services (day, grid_id, type, count, people_reached, volunteers) VALUES (?, ?, ?, ?, ?, ?)');
    // Sunday 2026-11-22 ends one week; Monday 23rd and Saturday 28th share the next; 2027-01-01 is in the week of 2026-12-28.
    for (const [day, total] of [
      [20261122, 1],
      [20261123, 2],
      [20261128, 4],
      [20270101, 8],
    ]) {
      insert.run(day, 'g1', 'appeal', total, 0, 0, 0);
      insertMonth.run(Math.floor(day / 100), 'g1', 'appeal', total, 0, 0, 0);
    }
    service.run(20261123, 'g1', 'project', 1, 100, 10);
    service.run(20261123, 'g2', 'project', 2, 50, 5);
    v3.close();

    const { db } = openCache(f, { migrations: MIGRATIONS.slice(0, 4) });
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(db.prepare('SELECT week, total FROM rollup_events_week ORDER BY week').all()).toEqual([
      { week: 20261116, total: 1 },
      { week: 20261123, total: 6 },
      { week: 20261228, total: 8 },
    ]);
    expect(db.prepare('SELECT year, total FROM rollup_events_year ORDER BY year').all()).toEqual([
      { year: 2026, total: 7 },
      { year: 2027, total: 8 },
    ]);
    expect(db.prepare('SELECT day, type, count, people_reached, volunteers FROM rollup_service_types').all()).toEqual([
      { day: 20261123, type: 'project', count: 3, people_reached: 150, volunteers: 15 },
    ]);
    expect(checkCache(db).filter((p) => /week|year|service_types/.test(p))).toEqual([]);
    db.close();
  });

  it('opening an older cache upgrades it and says from which version; a new or current one says nothing', () => {
    const f = file();
    const created = openCache(f, { migrations: MIGRATIONS.slice(0, 4) });
    expect(created.migrated).toBeNull();
    created.db.close();
    const upgraded = openCache(f);
    expect(upgraded.migrated).toMatchObject({ from: 4, to: SCHEMA_VERSION });
    expect(upgraded.migrated!.ms).toBeGreaterThanOrEqual(0);
    upgraded.db.close();
    const current = openCache(f);
    expect(current.migrated).toBeNull();
    current.db.close();
  });

  it('005 gives the day × kind rollup every counter of a version-4 cache, summed from its daily rollups', () => {
    const f = file();
    const v4 = openCache(f, { migrations: MIGRATIONS.slice(0, 4) }).db;
    const insert = v4.prepare(
      'INSERT INTO rollup_events (day, grid_id, kind, total, closed, on_time, joint, sat_basic, critical, breaking, st_dispatched) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run(20261127, 'g1', 'appeal', 3, 2, 1, 3, 1, 0, 0, 1);
    insert.run(20261127, 'g2', 'appeal', 4, 4, 4, 0, 2, 1, 0, 0);
    insert.run(20261127, 'g2', 'dispute', 2, 1, 1, 0, 0, 0, 2, 1);
    v4.prepare('INSERT INTO rollup_kinds (day, kind, total, closed, resolved) VALUES (?, ?, ?, ?, ?)').run(20261127, 'appeal', 7, 6, 0);
    v4.close();

    const { db } = openCache(f, { migrations: MIGRATIONS.slice(0, 5) });
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(
      db.prepare('SELECT day, kind, total, closed, on_time, joint, sat_basic, critical, breaking, st_dispatched FROM rollup_kinds ORDER BY kind').all(),
    ).toEqual([
      { day: 20261127, kind: 'appeal', total: 7, closed: 6, on_time: 5, joint: 3, sat_basic: 3, critical: 1, breaking: 0, st_dispatched: 1 },
      { day: 20261127, kind: 'dispute', total: 2, closed: 1, on_time: 1, joint: 0, sat_basic: 0, critical: 0, breaking: 2, st_dispatched: 1 },
    ]);
    expect(checkCache(db).filter((p) => /rollup_kinds/.test(p))).toEqual([]);
    db.close();
  });

  it('006 turns the week, month and year rollups into per-grid rows of a version-5 cache, summed from its daily rollups', () => {
    const f = file();
    const v5 = openCache(f, { migrations: MIGRATIONS.slice(0, 5) }).db;
    const insert = v5.prepare(
      'INSERT INTO rollup_events (day, grid_id, kind, total, closed, on_time, critical, resolved, sat_satisfied, sat_basic, sat_dissatisfied) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // Sunday 2026-11-22 ends a week; Monday the 23rd starts the next; 2026-12-01 is another month.
    insert.run(20261122, 'g1', 'appeal', 3, 2, 1, 0, 0, 1, 1, 0);
    insert.run(20261123, 'g1', 'dispute', 4, 3, 3, 1, 2, 0, 0, 0);
    insert.run(20261123, 'g1', 'incident', 5, 5, 4, 2, 5, 0, 0, 0);
    insert.run(20261201, 'g1', 'appeal', 2, 2, 2, 0, 0, 0, 1, 1);
    insert.run(20261201, 'g2', 'appeal', 1, 0, 0, 0, 0, 0, 0, 0);
    v5.close();

    const { db } = openCache(f, { migrations: MIGRATIONS.slice(0, 6) });
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rollup_%' ORDER BY name").pluck().all();
    expect(tables).not.toContain('rollup_events_month');
    expect(tables).toEqual(expect.arrayContaining(['rollup_grids_week', 'rollup_grids_month', 'rollup_grids_year']));
    const columns = 'grid_id, total, closed, on_time, critical, disputes, disputes_resolved, appeal_satisfied, appeal_basic, appeal_dissatisfied';
    // Resolved counts only for disputes, satisfaction only for appeals: what the map and the rankings show of a grid.
    expect(db.prepare(`SELECT week, ${columns} FROM rollup_grids_week ORDER BY week, grid_id`).raw().all()).toEqual([
      [20261116, 'g1', 3, 2, 1, 0, 0, 0, 1, 1, 0],
      [20261123, 'g1', 9, 8, 7, 3, 4, 2, 0, 0, 0],
      [20261130, 'g1', 2, 2, 2, 0, 0, 0, 0, 1, 1],
      [20261130, 'g2', 1, 0, 0, 0, 0, 0, 0, 0, 0],
    ]);
    expect(db.prepare(`SELECT month, ${columns} FROM rollup_grids_month ORDER BY month, grid_id`).raw().all()).toEqual([
      [202611, 'g1', 12, 10, 8, 3, 4, 2, 1, 1, 0],
      [202612, 'g1', 2, 2, 2, 0, 0, 0, 0, 1, 1],
      [202612, 'g2', 1, 0, 0, 0, 0, 0, 0, 0, 0],
    ]);
    expect(db.prepare(`SELECT year, ${columns} FROM rollup_grids_year ORDER BY grid_id`).raw().all()).toEqual([
      [2026, 'g1', 14, 12, 10, 3, 4, 2, 1, 2, 1],
      [2026, 'g2', 1, 0, 0, 0, 0, 0, 0, 0, 0],
    ]);
    expect(checkCache(db).filter((p) => /rollup_grids/.test(p))).toEqual([]);
    db.close();
  });

  it('007 lets "not a grid" records of a version-6 cache wait for their grid, and orders evaluations by the end of their period', () => {
    const f = file();
    const v6 = openCache(f, { migrations: MIGRATIONS.slice(0, 6) }).db;
    v6.prepare("UPDATE sync_state SET regions_etag = 'r1', organisation_etag = 'o1' WHERE id = 1").run();
    const quarantine = v6.prepare(
      "INSERT INTO quarantine (received_at, origin, rev, record_id, reason, raw) VALUES ('2026-11-27T10:00:00+08:00', 'page', ?, ?, ?, '{}')",
    );
    quarantine.run(5, 'e5', 'grid_id "g-17" is not a grid in the reference data');
    quarantine.run(6, 'e6', 'record.kind: Invalid option');
    const evaluation = v6.prepare(
      "INSERT INTO evaluations (id, rev, grid_id, period, safe, broken, evaluated_at) VALUES (?, ?, 'g1', ?, 1, '[]', '2023-07-01T10:00:00+08:00')",
    );
    evaluation.run('a', 1, '2023-Q1');
    evaluation.run('b', 2, '2023-H1');
    evaluation.run('c', 3, '2023-Q2');
    evaluation.run('d', 4, '2022-H2');
    v6.close();

    const { db } = openCache(f, { migrations: MIGRATIONS.slice(0, 7) });
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    expect(db.prepare('SELECT record_id, waiting_for FROM quarantine ORDER BY seq').raw().all()).toEqual([
      ['e5', 'grid:g-17'],
      ['e6', null],
    ]);
    // Forgotten, so the next sync fetches the regions again and what now fits lands.
    expect(db.prepare('SELECT regions_etag, organisation_etag FROM sync_state').raw().get()).toEqual([null, null]);
    expect(db.prepare('SELECT period, period_key FROM evaluations ORDER BY period_key').raw().all()).toEqual([
      ['2022-H2', 2022121],
      ['2023-Q1', 2023030],
      ['2023-Q2', 2023060],
      ['2023-H1', 2023061],
    ]);
    db.close();
  });

  it("008 adds street and community rollups to a version-7 cache, summed from its grid rollups by each grid's street and community", () => {
    const f = file();
    const v7 = openCache(f, { migrations: MIGRATIONS.slice(0, 7) }).db;
    const region = v7.prepare(
      "INSERT INTO regions (id, code, level, name, parent_id, street_id, community_id, center_lon, center_lat, geometry, synthetic) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, '{}', 0)",
    );
    region.run('s1', '1', 'street', 'S', null, 's1', null);
    region.run('c1', '11', 'community', 'C1', 's1', 's1', 'c1');
    region.run('c2', '12', 'community', 'C2', 's1', 's1', 'c2');
    region.run('g1', '111', 'grid', 'G1', 'c1', 's1', 'c1');
    region.run('g2', '121', 'grid', 'G2', 'c2', 's1', 'c2');
    const day = v7.prepare('INSERT INTO rollup_events (day, grid_id, kind, total, closed, on_time, critical) VALUES (?, ?, ?, ?, ?, ?, ?)');
    day.run(20261123, 'g1', 'appeal', 3, 2, 1, 1);
    day.run(20261123, 'g2', 'appeal', 4, 4, 4, 0);
    day.run(20261124, 'g2', 'dispute', 2, 1, 1, 0);
    const month = v7.prepare('INSERT INTO rollup_grids_month (month, grid_id, total, closed, disputes) VALUES (?, ?, ?, ?, ?)');
    month.run(202611, 'g1', 3, 2, 0);
    month.run(202611, 'g2', 6, 5, 2);
    v7.close();

    const { db } = openCache(f, { migrations: MIGRATIONS.slice(0, 8) });
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    expect(
      db.prepare('SELECT region_id, day, kind, total, closed, on_time, critical FROM rollup_region_kinds ORDER BY region_id, day, kind').raw().all(),
    ).toEqual([
      ['c1', 20261123, 'appeal', 3, 2, 1, 1],
      ['c2', 20261123, 'appeal', 4, 4, 4, 0],
      ['c2', 20261124, 'dispute', 2, 1, 1, 0],
      ['s1', 20261123, 'appeal', 7, 6, 5, 1],
      ['s1', 20261124, 'dispute', 2, 1, 1, 0],
    ]);
    expect(db.prepare('SELECT month, region_id, total, closed, disputes FROM rollup_regions_month ORDER BY region_id').raw().all()).toEqual([
      [202611, 'c1', 3, 2, 0],
      [202611, 'c2', 6, 5, 2],
      [202611, 's1', 9, 7, 2],
    ]);
    expect(checkCache(db).filter((p) => /region/.test(p))).toEqual([]);
    // A scope's newest cases come by index.
    const plan = (
      db.prepare("EXPLAIN QUERY PLAN SELECT id FROM events WHERE community_id = 'c1' AND reported_at >= 0 ORDER BY reported_at DESC LIMIT 30").all() as {
        detail: string;
      }[]
    ).map((r) => r.detail);
    expect(plan.join()).toMatch(/INDEX events_community_reported/);
    db.close();
  });

  it('009 reads which grid broke which criterion from a partial index of those cases only', () => {
    const { db } = openCache(file());
    const plan = (
      db.prepare('EXPLAIN QUERY PLAN SELECT DISTINCT grid_id, criterion FROM events WHERE day BETWEEN ? AND ? AND criterion IS NOT NULL').all(0, 1) as {
        detail: string;
      }[]
    ).map((r) => r.detail);
    expect(plan.join()).toMatch(/COVERING INDEX events_broken/);
    db.close();
  });

  it('010 gives a version-9 cache a write sequence that every write moves, the stream’s too (it leaves the cursor)', () => {
    const f = file();
    openCache(f, { migrations: MIGRATIONS.slice(0, 9) }).db.close();
    const { db } = openCache(f);
    expect(readSyncState(db).writeSeq).toBe(0);
    const store = new CacheStore(db);
    store.setSource('http://api.example', false);
    const first = store.applyChanges([], { nextRev: 0, headRev: 7 }, 'stream');
    const second = store.applyChanges([], { nextRev: 0, headRev: 8 }, 'stream');
    expect([first.seq, second.seq]).toEqual([2, 3]);
    expect(readSyncState(db)).toMatchObject({ cursorRev: 0, writeSeq: 3 });
    db.close();
  });

  it('011 drops the index 001 made twice over (009 named it anew), and the criteria are still read from the other', () => {
    const f = file();
    openCache(f, { migrations: MIGRATIONS.slice(0, 10) }).db.close();
    const { db } = openCache(f);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").pluck().all();
    expect(indexes).toContain('events_broken');
    expect(indexes).not.toContain('events_breaking');
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT DISTINCT grid_id, criterion FROM events WHERE day BETWEEN ? AND ? AND criterion IS NOT NULL').all(0, 1);
    expect(JSON.stringify(plan)).toMatch(/COVERING INDEX events_broken/);
    db.close();
  });

  it("012 makes the open-cases index cover a scope's overdue counts per community and a street's open cases", () => {
    const f = file();
    openCache(f, { migrations: MIGRATIONS.slice(0, 11) }).db.close();
    const { db } = openCache(f);
    const reads = new CacheReads(db);
    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(
      plan(
        "SELECT street_id, community_id, NULL, department_id, count(*) FROM events INDEXED BY events_open WHERE stage <> 'closed' AND deadline < ? AND street_id = ? GROUP BY street_id, community_id, NULL, department_id",
        0,
        's1',
      ),
    ).toMatch(/COVERING INDEX events_open/);
    expect(
      plan(
        "SELECT id, kind, stage, severity, lon, lat FROM events INDEXED BY events_open WHERE stage <> 'closed' AND street_id = ? ORDER BY deadline DESC LIMIT 5000",
        's1',
      ),
    ).toMatch(/COVERING INDEX events_open/);
    expect([...reads.overdueNow(0, { column: 'community_id', id: 'c1' }, true)]).toEqual([]);
    expect(reads.openPoints(10, { column: 'street_id', id: 's1' }, [0, 0, 1, 1])).toEqual([]);
    db.close();
  });

  it('014 moves the breaks sequence on writes of cases breaking a criterion only, and the evaluations sequence on every evaluation', () => {
    const f = file();
    openCache(f, { migrations: MIGRATIONS.slice(0, 13) }).db.close();
    const { db } = openCache(f);
    const seqs = () => {
      const s = readSyncState(db);
      return [s.breaksSeq, s.evaluationsSeq];
    };
    const insert = db.prepare(
      `INSERT INTO events (id, rev, kind, task_code, criterion, severity, source, grid_id, lon, lat, title, stage, stages, day, reported_at, deadline, department_id, joint)
       VALUES (?, 1, 'appeal', 'T', ?, 'low', 's', ?, 0, 0, 't', 'reported', '{}', ?, 0, 0, 'd', 0)`,
    );
    expect(seqs()).toEqual([0, 0]);
    insert.run('a', null, 'g1', 20261201);
    db.prepare("UPDATE events SET stage = 'closed' WHERE id = 'a'").run();
    expect(seqs()).toEqual([0, 0]);
    insert.run('b', 'fire', 'g1', 20261201);
    expect(seqs()).toEqual([1, 0]);
    db.prepare("UPDATE events SET stage = 'closed' WHERE id = 'b'").run();
    expect(seqs()).toEqual([1, 0]);
    db.prepare("UPDATE events SET grid_id = 'g2' WHERE id = 'b'").run();
    db.prepare("UPDATE events SET criterion = 'crime' WHERE id = 'b'").run();
    db.prepare("UPDATE events SET criterion = 'fire' WHERE id = 'a'").run();
    expect(seqs()).toEqual([4, 0]);
    db.prepare("DELETE FROM events WHERE id IN ('a', 'b')").run();
    expect(seqs()).toEqual([6, 0]);
    db.prepare(
      "INSERT INTO evaluations (id, rev, grid_id, period, period_key, safe, broken, evaluated_at) VALUES ('v', 1, 'g1', '2026-Q3', 202609, 1, '[]', '')",
    ).run();
    db.prepare("UPDATE evaluations SET safe = 0 WHERE id = 'v'").run();
    db.prepare("DELETE FROM evaluations WHERE id = 'v'").run();
    expect(seqs()).toEqual([6, 3]);
    db.close();
  });

  it("015 picks a scope's most critical grids by index: the same grids, in the same order, as sorting the whole period", () => {
    const { db } = openDistrict();
    const reads = new CacheReads(db);
    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    const [street, community] = db
      .prepare("SELECT street_id, community_id FROM regions WHERE level = 'grid' GROUP BY community_id ORDER BY count(*) DESC LIMIT 1")
      .raw()
      .get() as [string, string];
    for (const [of, table] of [
      ['week', 'rollup_grids_week'],
      ['month', 'rollup_grids_month'],
      ['year', 'rollup_grids_year'],
    ] as const) {
      const key = db.prepare(`SELECT max(${of}) FROM ${table}`).pluck().get() as number;
      for (const region of [null, { column: 'street_id', id: street }, { column: 'community_id', id: community }] as const) {
        const within = region ? ` AND grid_id IN (SELECT id FROM regions NOT INDEXED WHERE ${region.column} = '${region.id}')` : '';
        const sorted = db
          .prepare(
            `SELECT grid_id FROM ${table} NOT INDEXED WHERE ${of} = ? AND total > closed${within} ORDER BY critical DESC, total - closed DESC, grid_id LIMIT 12`,
          )
          .pluck()
          .all(key);
        expect(sorted.length, `${of} ${region?.column ?? 'district'}`).toBeGreaterThan(of === 'year' ? (region ? 0 : 11) : -1);
        expect([...reads.gridSums({ of, key }, { mostCritical: 12, region })].map((r) => r[0])).toEqual(sorted);
      }
      expect(plan(`SELECT grid_id FROM ${table} INDEXED BY ${table}_critical WHERE ${of} = 1 ORDER BY critical DESC LIMIT 12`)).toMatch(
        new RegExp(`INDEX ${table}_critical`),
      );
    }
    expect(plan("SELECT id FROM regions WHERE street_id = 's'")).toMatch(/COVERING INDEX regions_street/);
    expect(plan("SELECT id FROM regions WHERE community_id = 'c'")).toMatch(/COVERING INDEX regions_community/);
    db.close();
  });

  it('003 makes the open-cases index cover the points layer and the overdue counts', () => {
    const { db } = openCache(file());
    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan("SELECT id, kind, stage, severity, lon, lat FROM events WHERE stage <> 'closed' ORDER BY deadline DESC LIMIT 5000")).toMatch(
      /COVERING INDEX events_open/,
    );
    expect(plan("SELECT grid_id, department_id, count(*) FROM events WHERE stage <> 'closed' AND deadline < ? GROUP BY grid_id, department_id", 0)).toMatch(
      /COVERING INDEX events_open/,
    );
    db.close();
  });
});
