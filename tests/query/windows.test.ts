import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCache } from '../../core/cache/database';
import { CacheStore } from '../../core/cache/store';
import { CentralEngine } from '../../central/demo/engine';
import { SceneQueries } from '../../core/query/scene';
import { CacheReads } from '../../core/cache/reads';
import { STAGES } from '../../shared/api/schemas';

// How a window splits into months, and which windows a period's rollup row answers: tests/shared/calendar.test.ts.
describe('long windows read the month rollups and give the same figures as counting the cases', () => {
  it('for windows across months and years', () => {
    const engine = new CentralEngine({ seed: 3, events: 4000, rate: 0, now: () => Date.parse('2026-11-27T12:00:00+08:00') });
    const { db } = openCache(path.join(mkdtempSync(path.join(tmpdir(), 'gcc-windows-')), 'cache.sqlite'));
    const store = new CacheStore(db);
    store.applyReference(JSON.parse(engine.regionsJson), JSON.parse(engine.organisationJson), {});
    for (let after = 0, more = true; more;) {
      const page = engine.page(after, 5000);
      store.applyChanges(
        page.items.map((i) => JSON.parse(i.data)),
        { nextRev: page.next_rev, headRev: page.head_rev },
        'page',
      );
      after = page.next_rev;
      more = page.has_more;
    }
    const queries = new SceneQueries(new CacheReads(db));
    const count = db.prepare<[number, number], { stage: string; n: number }>(
      'SELECT stage, count(*) AS n FROM events WHERE day BETWEEN ? AND ? GROUP BY stage',
    );
    const perDay = db.prepare<[number, number], { day: number; n: number }>('SELECT day, count(*) AS n FROM events WHERE day BETWEEN ? AND ? GROUP BY day');
    const perDept = db.prepare<[number, number], { department_id: string; n: number }>(
      'SELECT department_id, count(*) AS n FROM events WHERE day BETWEEN ? AND ? AND department_id IS NOT NULL GROUP BY department_id',
    );
    // 2026-01-01…today reads the year rollup, 2026-11-01…today the month's and 2026-11-23 (Monday)…today the week's.
    const windows: [number, number][] = [
      [20220101, 20261127],
      [20251215, 20260310],
      [20260101, 20261127],
      [20261101, 20261127],
      [20261123, 20261127],
      [20240201, 20240229],
      [20230317, 20230317],
      [20221130, 20230102],
    ];
    const services = db.prepare<[number, number], { n: number; people: number }>(
      'SELECT count(*) AS n, coalesce(SUM(people_reached), 0) AS people FROM services WHERE day BETWEEN ? AND ?',
    );
    for (const [from, to] of windows) {
      const snapshot = queries.snapshot({ preset: 'custom', from, to }, Date.parse('2026-11-27T12:00:00+08:00'));
      const expected = Object.fromEntries(STAGES.map((s) => [s, 0]));
      let total = 0;
      for (const { stage, n } of count.all(from, to)) {
        expected[stage] = n;
        total += n;
      }
      expect(snapshot.totals.events, `${from}…${to}`).toBe(total);
      expect(snapshot.funnel, `${from}…${to}`).toEqual(expected);
      const { n, people } = services.get(from, to)!;
      const s = snapshot.services;
      expect([s.projects + s.volunteerSessions + s.microWishes + s.demandsMatched, s.peopleReached], `${from}…${to}`).toEqual([n, people]);
      const byDept = Object.fromEntries(perDept.all(from, to).map((r) => [r.department_id, r.n]));
      expect(Object.fromEntries(snapshot.departments.filter((d) => d.events > 0).map((d) => [d.id, d.events])), `${from}…${to}`).toEqual(byDept);
      const days = new Map(perDay.all(from, to).map((r) => [r.day, r.n]));
      for (const point of snapshot.trend.filter((p) => p.day >= from && p.day <= to)) {
        expect(
          Object.values(point.byKind).reduce((a, b) => a + b, 0),
          String(point.day),
        ).toBe(days.get(point.day) ?? 0);
      }
    }
    for (const table of ['rollup_grids_month', 'rollup_grids_week', 'rollup_grids_year', 'rollup_kinds'])
      expect(total(db, table), table).toBe(total(db, 'rollup_events'));
    db.close();
  });
});

function total(db: ReturnType<typeof openCache>['db'], table: string): number {
  return db.prepare(`SELECT SUM(total) FROM ${table}`).pluck().get() as number;
}
