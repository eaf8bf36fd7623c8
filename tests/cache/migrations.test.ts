import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCache } from '../../core/cache/database';
import { checkCache } from '../../core/cache/inspect';
import { migration001 } from '../../core/cache/migrations/001-initial';
import { MIGRATIONS, SCHEMA_VERSION } from '../../core/cache/migrations';

const file = () => path.join(mkdtempSync(path.join(tmpdir(), 'gcc-migrate-')), 'cache.sqlite');

describe('migrations', () => {
  it('are numbered 1, 2, … in order, one per file', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('001 creates the rows, cursor, quarantine and daily rollups', () => {
    const { db } = openCache(file(), { migrations: [migration001] });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['events', 'evaluations', 'services', 'tombstones', 'quarantine', 'sync_state', 'rollup_events', 'rollup_departments', 'rollup_services', 'export_audit']));
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

  it('003 makes the open-cases index cover the points layer and the overdue counts', () => {
    const { db } = openCache(file());
    const plan = (sql: string, ...params: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan("SELECT id, kind, stage, severity, lon, lat FROM events WHERE stage <> 'closed' ORDER BY deadline DESC LIMIT 5000")).toMatch(/COVERING INDEX events_open/);
    expect(plan("SELECT grid_id, department_id, count(*) FROM events WHERE stage <> 'closed' AND deadline < ? GROUP BY grid_id, department_id", 0)).toMatch(/COVERING INDEX events_open/);
    db.close();
  });
});
