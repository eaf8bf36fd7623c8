/**
 * Scope: a snapshot of a street or a community reads that region's rollups (008) and ranks its areas one level
 * down; every figure equals a count of the scope's own cases in the cache, and the streets add up to the district.
 */
import { describe, expect, it } from 'vitest';
import { openCache } from '../../core/cache/database';
import { checkCache } from '../../core/cache/inspect';
import { CacheReads } from '../../core/cache/reads';
import { CacheStore } from '../../core/cache/store';
import { RISK_ROWS, SceneQueries } from '../../core/query/scene';
import { breakState, SceneSnapshot, type WindowRequest } from '../../shared/bridge/scene';
import { dayStart } from '../../shared/time';
import { spotlightOrder } from '../../renderer/src/wall/derive';
import { openDistrict } from '../report/helpers';
import { breakEntries } from '../wall/fixtures';
import { change, event, fixtureCacheFile, regions } from '../fixtures/records';

const district = openDistrict();
const { db, queries } = district;
const now = district.ctx.now;
const count = (sql: string, ...params: unknown[]) =>
  db
    .prepare(sql)
    .pluck()
    .get(...params) as number;
const streetIds = db.prepare("SELECT id FROM regions WHERE level = 'street' ORDER BY code").pluck().all() as string[];
const street = streetIds[2];
const community = db.prepare("SELECT id FROM regions WHERE level = 'community' AND street_id = ? ORDER BY code").pluck().get(street) as string;

const YEAR: WindowRequest = { preset: 'year' };
// Crosses months mid-way: read from day rows around whole months (the 'window' source of the rollups).
const ODD: WindowRequest = { preset: 'custom', from: 20221117, to: 20230212 };

describe('a scoped snapshot', () => {
  it('of the district: the whole district, its streets ranked', () => {
    const s = queries.snapshot(YEAR, now);
    expect(s.scope).toMatchObject({ id: null, level: 'district', areaLevel: 'street', unknown: null });
    expect(s.scope.path).toEqual([{ id: null, level: 'district', name: '广安区' }]);
    expect(s.areas.map((r) => r.id)).toEqual(streetIds);
    expect(s.grids).toHaveLength(297);
  });

  for (const window of [YEAR, ODD])
    it(`of a street (${window.preset}): its own cases, its communities ranked`, () => {
      const s = queries.snapshot(window, now, street);
      expect(SceneSnapshot.safeParse(s).success).toBe(true);
      const { from, to } = s.window;
      const inStreet = (where = '') => count(`SELECT count(*) FROM events WHERE street_id = ? AND day BETWEEN ? AND ? ${where}`, street, from, to);
      expect(s.scope).toMatchObject({ id: street, level: 'street', areaLevel: 'community' });
      expect(s.scope.path.map((p) => p.level)).toEqual(['district', 'street']);
      expect(s.totals.events).toBe(inStreet());
      expect(s.totals.closed).toBe(inStreet("AND stage = 'closed'"));
      expect(s.totals.disputesFound).toBe(inStreet("AND kind = 'dispute'"));
      expect(s.totals.appeals).toBe(inStreet("AND kind = 'appeal'"));
      expect(s.totals.satisfaction.satisfied).toBe(inStreet("AND kind = 'appeal' AND satisfaction = 'satisfied'"));
      expect(s.totals.overdue).toBe(count("SELECT count(*) FROM events WHERE street_id = ? AND stage <> 'closed' AND deadline < ?", street, now));
      // The rankings: its communities, whose figures add up to the street's.
      const communities = count("SELECT count(*) FROM regions WHERE level = 'community' AND street_id = ?", street);
      expect(s.areas).toHaveLength(communities);
      expect(s.communities).toEqual(s.areas);
      expect(s.areas.reduce((n, r) => n + r.events, 0)).toBe(s.totals.events);
      expect(s.areas.reduce((n, r) => n + r.overdue, 0)).toBe(s.totals.overdue);
      expect(s.streets).toHaveLength(1);
      expect(s.streets[0]).toMatchObject({ id: street, events: s.totals.events });
      // The map, the ticker and the trend are the street's.
      const grids = count("SELECT count(*) FROM regions WHERE level = 'grid' AND street_id = ?", street);
      expect(s.grids).toHaveLength(grids);
      expect(s.safeGrids.total).toBe(grids);
      expect(s.organisation).toMatchObject({ streets: 1, communities, grids, volunteers: null, partyBranches: null });
      const streetOf = db.prepare('SELECT street_id FROM events WHERE id = ?').pluck();
      for (const e of s.recent) expect(streetOf.get(e.id)).toBe(street);
      for (const p of s.points.slice(0, 50)) expect(streetOf.get(p.id)).toBe(street);
      expect(s.points).toHaveLength(count("SELECT count(*) FROM events WHERE street_id = ? AND stage <> 'closed'", street));
      const lastDay = s.trend[s.trend.length - 1];
      expect(Object.values(lastDay.byKind).reduce((a, b) => a + b, 0)).toBe(
        count('SELECT count(*) FROM events WHERE street_id = ? AND day = ?', street, lastDay.day),
      );
      // Departments: the street's cases that have one.
      const withDept = count(
        'SELECT count(*) FROM events WHERE street_id = ? AND reported_at >= ? AND reported_at < ? AND department_id IS NOT NULL',
        street,
        dayStart(from),
        dayStart(to) + 86_400_000,
      );
      expect(s.departments.reduce((n, r) => n + r.events, 0)).toBe(withDept);
    });

  it('of a community: its grids ranked, the breadcrumb through its street', () => {
    const s = queries.snapshot(YEAR, now, community);
    expect(s.scope).toMatchObject({ id: community, level: 'community', areaLevel: 'grid' });
    expect(s.scope.path.map((p) => p.id)).toEqual([null, street, community]);
    const grids = db.prepare("SELECT id FROM regions WHERE level = 'grid' AND community_id = ? ORDER BY code").pluck().all(community);
    expect(s.areas.map((r) => r.id)).toEqual(grids);
    expect(s.grids.map((g) => g.id)).toEqual(grids);
    expect(s.areas.reduce((n, r) => n + r.events, 0)).toBe(s.totals.events);
    expect(s.totals.events).toBe(count('SELECT count(*) FROM events WHERE community_id = ? AND day BETWEEN ? AND ?', community, s.window.from, s.window.to));
    expect(s.communities.map((r) => r.id)).toEqual([community]);
    expect(s.streets.map((r) => r.id)).toEqual([street]);
  });

  it('the streets add up to the district, for a running period and for any window', () => {
    for (const window of [YEAR, ODD, { preset: 'week' } as const]) {
      const whole = queries.snapshot(window, now);
      const parts = streetIds.map((id) => queries.snapshot(window, now, id));
      expect(parts.reduce((n, s) => n + s.totals.events, 0)).toBe(whole.totals.events);
      expect(parts.reduce((n, s) => n + s.totals.disputesResolved, 0)).toBe(whole.totals.disputesResolved);
      expect(parts.reduce((n, s) => n + s.safeGrids.safe, 0)).toBe(whole.safeGrids.safe);
      expect(parts.reduce((n, s) => n + s.services.peopleReached, 0)).toBe(whole.services.peopleReached);
      // The district's street ranking reads the same rollups as each street's own scope.
      for (const [i, s] of parts.entries()) expect(whole.areas[i]).toEqual(s.streets[0]);
    }
  });

  it('an unknown region or a grid shows the district and says which id it did not find', () => {
    expect(queries.snapshot(YEAR, now, 'no-such-region').scope).toMatchObject({ level: 'district', unknown: 'no-such-region' });
    const grid = count("SELECT id FROM regions WHERE level = 'grid' LIMIT 1");
    expect(queries.snapshot(YEAR, now, String(grid)).scope).toMatchObject({ level: 'district', unknown: String(grid) });
    const districtId = count("SELECT id FROM regions WHERE level = 'district'");
    expect(queries.snapshot(YEAR, now, String(districtId)).scope).toMatchObject({ level: 'district', unknown: null });
  });

  it('the cache check finds the region rollups consistent with the grid rollups', () => {
    expect(checkCache(db)).toEqual([]);
  });
});

describe('a snapshot of a map view (levels of detail)', () => {
  const all = queries.snapshot(YEAR, now, street);
  // Listed with a view: the risk list's first RISK_ROWS grids that broke a criterion (at risk, then most criteria
  // broken, then in code order), and the 60 most critical open ones (the tour's candidates).
  const listedOf = (whole: SceneSnapshot) => {
    const risk = new Set(
      whole.grids
        .map((g, i) => [g, i] as const)
        .filter(([g]) => g.broken.length > 0)
        .sort(([a, i], [b, j]) => Number(b.status === 'at_risk') - Number(a.status === 'at_risk') || b.broken.length - a.broken.length || i - j)
        .slice(0, RISK_ROWS)
        .map(([g]) => g.id),
    );
    const mostCritical = new Set(
      whole.grids
        .filter((g) => g.open > 0)
        .sort((a, b) => b.critical - a.critical || b.open - a.open || (a.id < b.id ? -1 : 1))
        .slice(0, 60)
        .map((g) => g.id),
    );
    return (g: SceneSnapshot['grids'][number]) => risk.has(g.id) || mostCritical.has(g.id);
  };
  const listed = listedOf(all);

  it('at street or community level: the grids the panels list and no points; every figure as without a view', () => {
    // A period's rollup (本年) and a window of days and months (the grids' sums read for those listed only).
    // The district's open grids are more than 60: the most critical are cut there.
    for (const [window, region] of [
      [YEAR, street],
      [ODD, street],
      [YEAR, null],
    ] as const) {
      const whole = window === YEAR && region === street ? all : queries.snapshot(window, now, region);
      if (region === null) expect(whole.grids.filter((g) => g.open > 0 && !g.broken.length).length).toBeGreaterThan(60);
      for (const level of ['street', 'community'] as const) {
        const s = queries.snapshot(window, now, region, { level });
        expect(s.view).toEqual({ level });
        expect(s.points).toEqual([]);
        expect(s.grids).toEqual(whole.grids.filter(listedOf(whole)));
        expect(s.grids.length).toBeLessThan(whole.grids.length);
        // Every grid that broke a criterion is still there, by id, with its status and criteria.
        const broken = whole.grids.filter((g) => g.broken.length > 0);
        expect(breakEntries(s.brokenGrids)).toEqual(
          breakEntries({ ids: broken.map((g) => g.id), states: broken.map((g) => breakState(g.status === 'at_risk', g.broken)) }),
        );
        if (region === null) expect(broken.length).toBeGreaterThan(RISK_ROWS);
        // What the panels make of them is what they make of every grid.
        expect(spotlightOrder(s.grids)).toEqual(spotlightOrder(whole.grids));
        expect({ ...s, view: undefined, grids: [], points: [], generatedAt: '' }).toEqual({ ...whole, grids: [], points: [], generatedAt: '' });
      }
    }
  });

  it('figures only (lists: false): every figure as without a view, and no grid, ranking or trend — at a street, a community and the district', () => {
    for (const region of [street, all.communities[0].id, null]) {
      const full = queries.snapshot(YEAR, now, region);
      const s = queries.snapshot(YEAR, now, region, { level: 'street', lists: false });
      const unlisted = { grids: [], brokenGrids: { ids: [], states: [] }, points: [], streets: [], communities: [], areas: [], departments: [], trend: [] };
      expect(s).toMatchObject(unlisted);
      expect({ ...s, view: undefined, ...unlisted, generatedAt: '' }).toEqual({ ...full, ...unlisted, generatedAt: '' });
      expect(s.totals.events).toBeGreaterThan(0);
      expect(s.recent.length).toBeGreaterThan(0);
    }
  });

  it('at grid level: the grids whose centre is in the box, those listed, and the open cases in the box', () => {
    const centres = new Map(
      (db.prepare("SELECT id, center_lon AS lon, center_lat AS lat FROM regions WHERE level = 'grid'").all() as { id: string; lon: number; lat: number }[]).map(
        (r) => [r.id, r],
      ),
    );
    const first = centres.get(all.grids.find((g) => !listed(g))!.id)!;
    const bbox: [number, number, number, number] = [first.lon - 0.02, first.lat - 0.02, first.lon + 0.02, first.lat + 0.02];
    const s = queries.snapshot(YEAR, now, street, { level: 'grid', bbox });
    const inBox = (id: string) => {
      const c = centres.get(id)!;
      return c.lon >= bbox[0] && c.lon <= bbox[2] && c.lat >= bbox[1] && c.lat <= bbox[3];
    };
    expect(s.grids).toEqual(all.grids.filter((g) => inBox(g.id) || listed(g)));
    expect(s.grids.some((g) => !listed(g))).toBe(true);
    expect(s.grids.length).toBeLessThan(all.grids.length);
    expect(s.points.length).toBeGreaterThan(0);
    expect(s.points).toEqual(all.points.filter((p) => p.lon >= bbox[0] && p.lon <= bbox[2] && p.lat >= bbox[1] && p.lat <= bbox[3]));
    expect(s.safeGrids).toEqual(all.safeGrids);
    expect(SceneSnapshot.parse(s).view).toEqual({ level: 'grid', bbox });
  });
});

describe('the region rollups', () => {
  it("013's departments and services per region are what the store keeps, and the cache check holds them to their sources", () => {
    const d = openDistrict();
    const kept = (on: typeof d.db) => [
      on.prepare('SELECT * FROM rollup_region_departments WHERE total <> 0 ORDER BY region_id, day, department_id, kind').raw().all(),
      on.prepare('SELECT * FROM rollup_region_services WHERE count <> 0 ORDER BY region_id, day, type').raw().all(),
    ];
    const synced = kept(d.db);
    expect(synced.map((rows) => rows.length > 100)).toEqual([true, true]);
    // As a cache of schema 12 would be: the migration fills them from the cases and the grids' services (014 and 015
    // undone too).
    for (const trigger of [
      'events_breaks_insert',
      'events_breaks_update',
      'events_breaks_delete',
      'evaluations_insert',
      'evaluations_update',
      'evaluations_delete',
    ])
      d.db.exec(`DROP TRIGGER ${trigger}`);
    d.db.exec('ALTER TABLE sync_state DROP COLUMN breaks_seq; ALTER TABLE sync_state DROP COLUMN evaluations_seq');
    for (const index of ['regions_street', 'regions_community', 'rollup_grids_week_critical', 'rollup_grids_month_critical', 'rollup_grids_year_critical'])
      d.db.exec(`DROP INDEX ${index}`);
    d.db.exec('DROP TABLE rollup_region_departments; DROP TABLE rollup_region_services; PRAGMA user_version = 12');
    d.db.close();
    const { db } = openCache(d.fixture.file);
    expect(kept(db)).toEqual(synced);
    expect(checkCache(db)).toEqual([]);
    db.exec(`UPDATE rollup_region_departments SET closed = closed + 1 WHERE (region_id, day, department_id, kind) =
      (SELECT region_id, day, department_id, kind FROM rollup_region_departments LIMIT 1)`);
    db.exec(`UPDATE rollup_region_services SET volunteers = volunteers + 1 WHERE (region_id, day, type) =
      (SELECT region_id, day, type FROM rollup_region_services LIMIT 1)`);
    expect(checkCache(db)).toEqual([
      '1 rows of rollup_region_departments disagree with the daily rollups',
      '1 rows of rollup_region_services disagree with the daily rollups',
    ]);
    db.close();
  });

  it('move with each case, and follow a grid into another community', async () => {
    const { db } = openCache(await fixtureCacheFile());
    const store = new CacheStore(db);
    const queries = new SceneQueries(new CacheReads(db));
    const at = Date.parse('2026-11-27T10:00:00+08:00');
    const before = queries.snapshot({ preset: 'week' }, at, 'c1').totals.events;
    store.applyChanges([change(event({ id: 'new1', rev: 900, grid_id: 'g2' }))], { nextRev: 900, headRev: 900 }, 'stream', at);
    expect(queries.snapshot({ preset: 'week' }, at, 'c1').totals.events).toBe(before + 1);
    expect(checkCache(db)).toEqual([]);

    // g2 moves to a new community c2: c1 keeps g1's cases, c2 gets g2's, the street keeps both.
    const c2 = { ...regions.regions.find((r) => r.id === 'c1')!, id: 'c2', code: '511602001002', name: '新社区' };
    const moved = regions.regions.map((r) => (r.id === 'g2' ? { ...r, parent_id: 'c2' } : r));
    store.applyReference({ ...regions, regions: [...moved, c2] }, null, { regions: 'moved' });
    queries.reloadReference();
    const g2Cases = (db.prepare("SELECT count(*) FROM events WHERE grid_id = 'g2'").pluck().get() as number) > 0;
    expect(g2Cases).toBe(true);
    expect(checkCache(db)).toEqual([]);
    expect(db.prepare("SELECT DISTINCT community_id FROM events WHERE grid_id = 'g2'").pluck().all()).toEqual(['c2']);
    const week = (region: string) => queries.snapshot({ preset: 'week' }, at, region).totals.events;
    expect(week('c1') + week('c2')).toBe(week('s1'));
    expect(week('c2')).toBeGreaterThan(0);
    db.close();
  });
});
