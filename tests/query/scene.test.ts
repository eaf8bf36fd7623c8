import { describe, expect, it } from 'vitest';
import { openCache } from '../../core/cache/database';
import { SceneQueries, resolveWindow } from '../../core/query/scene';
import { CacheReads } from '../../core/cache/reads';
import { CacheStore } from '../../core/cache/store';
import { breakAtRisk, breakCriteria, breakState, BrokenGrids, SceneSnapshot } from '../../shared/bridge/scene';
import { SAFE_CRITERIA } from '../../shared/api/schemas';
import { change, event, fixtureCacheFile, tombstone } from '../fixtures/records';

const NOW = Date.parse('2026-11-27T10:00:00+08:00');

describe('scene snapshot', async () => {
  const { db } = openCache(await fixtureCacheFile());
  const queries = new SceneQueries(new CacheReads(db));

  it('resolves windows in Shanghai days', () => {
    expect(resolveWindow({ preset: 'today' }, NOW)).toMatchObject({ from: 20261127, to: 20261127 });
    expect(resolveWindow({ preset: 'week' }, NOW)).toMatchObject({ from: 20261123, to: 20261127 });
    expect(resolveWindow({ preset: 'month' }, NOW)).toMatchObject({ from: 20261101, to: 20261127 });
  });

  it('gives the hand-worked totals of the fixture week', () => {
    const s = queries.snapshot({ preset: 'week' }, NOW);
    expect(SceneSnapshot.safeParse(s).success).toBe(true);
    expect(s.totals).toMatchObject({
      events: 3,
      open: 2,
      closed: 1,
      onTime: 1,
      onTimeRate: 1,
      overdue: 2,
      critical: 1,
      appeals: 2,
      appealsClosed: 1,
      appealsOnTimeRate: 1,
      satisfaction: { satisfied: 1, basic: 0, dissatisfied: 0, rate: 1 },
      disputesFound: 1,
      disputesResolved: 0,
      disputeResolutionRate: 0,
      breaking: 1,
    });
    expect(s.funnel).toMatchObject({ reported: 2, closed: 1 });
    expect(s.organisation).toMatchObject({ streets: 1, communities: 1, grids: 2, partyMembers: 83, newGrids: 1 });
    expect(s.streets[0]).toMatchObject({ name: '浓洄街道', events: 3, overdue: 2 });
    expect(s.departments.find((d) => d.id === 'dep1')).toMatchObject({ events: 3, closed: 1, onTimeRate: 1, satisfaction: 1, overdue: 2 });
    expect(s.grids.find((g) => g.id === 'g2')).toMatchObject({ status: 'normal', broken: ['crime'], critical: 1 });
    expect(s.recent).toHaveLength(3);
    expect(s.trend).toHaveLength(30);
  });

  it('masks the reporter in every summary', () => {
    const s = queries.snapshot({ preset: 'week' }, NOW);
    for (const e of s.recent) expect(e.reporter).toBe('张** 138****5678');
    expect(JSON.stringify(s)).not.toContain('13812345678');
    expect(JSON.stringify(queries.gridDetail('g1', NOW))).not.toContain('张三丰');
  });

  it('an empty window has nulls for rates, not zeros', () => {
    const s = queries.snapshot({ preset: 'custom', from: 20250101, to: 20250107 }, NOW);
    expect(s.totals.events).toBe(0);
    expect(s.totals.onTimeRate).toBeNull();
    expect(s.totals.appealsOnTimeRate).toBeNull();
    expect(s.totals.satisfaction.rate).toBeNull();
  });

  it('lists the streets and their communities by name, without geometry', () => {
    const { streets } = queries.regionList();
    const byLevel = (level: string) => [...db.prepare('SELECT id, name FROM regions WHERE level = ? ORDER BY code').all(level)];
    expect(streets.map(({ id, name }) => ({ id, name }))).toEqual(byLevel('street'));
    expect(streets.flatMap((s) => s.communities)).toEqual(byLevel('community'));
    expect(JSON.stringify(streets)).not.toContain('coordinates');
  });

  it('serves the map regions as one FeatureCollection per level', () => {
    const m = queries.mapRegions();
    expect((m.grids as { features: unknown[] }).features).toHaveLength(2);
    expect(m.datum).toBe('GCJ-02');
    expect(m.bbox[0]).toBeLessThan(m.bbox[2]);
  });
});

describe("brokenGrids' columns", () => {
  it('carry each grid as a bit set of at risk and its criteria, and refuse what no grid can be', () => {
    for (const criteria of [['fire'], ['crime', 'traffic'], [...SAFE_CRITERIA]] as const)
      for (const atRisk of [true, false]) {
        const state = breakState(atRisk, criteria);
        expect([breakAtRisk(state), breakCriteria(state)]).toEqual([atRisk, [...criteria].sort((a, b) => SAFE_CRITERIA.indexOf(a) - SAFE_CRITERIA.indexOf(b))]);
      }
    expect(BrokenGrids.safeParse({ ids: ['g1', 'g2'], states: [breakState(true, ['fire']), breakState(false, ['vice'])] }).success).toBe(true);
    // One state short; a state breaking nothing (0, or at risk alone); a bit past the criteria.
    for (const states of [[2], [2, 0], [2, 1], [2, 2 << SAFE_CRITERIA.length]])
      expect(BrokenGrids.safeParse({ ids: ['g1', 'g2'], states }).success, JSON.stringify(states)).toBe(false);
  });
});

describe('the evaluation that counts', () => {
  it('is the latest-ending period, a half-year after its quarters (text order put 2023-H1 before 2023-Q1)', async () => {
    const { db } = openCache(await fixtureCacheFile());
    const store = new CacheStore(db);
    const evaluation = (id: string, rev: number, period: string, safe: boolean) => ({
      type: 'evaluation',
      rev,
      record: { id, rev, grid_id: 'g1', period, safe, broken: safe ? [] : ['fire'], evaluated_at: '2026-07-05T10:00:00+08:00' },
    });
    store.applyChanges(
      [evaluation('q1', 100, '2026-Q1', true), evaluation('q2', 101, '2026-Q2', true), evaluation('h1', 102, '2026-H1', false)],
      { nextRev: 102, headRev: 102 },
      'page',
    );
    const inQ3 = Date.parse('2026-08-10T10:00:00+08:00');
    const detail = new SceneQueries(new CacheReads(db)).gridDetail('g1', inQ3)!;
    expect(detail).toMatchObject({ period: '2026-H1', officialSafe: false });
    const snapshot = new SceneQueries(new CacheReads(db)).snapshot({ preset: 'today' }, inQ3);
    expect(snapshot.safeGrids.period).toBe('2026-H1');
    // In Q1 only Q1's evaluation has ended: it counts.
    expect(new SceneQueries(new CacheReads(db)).gridDetail('g1', Date.parse('2026-03-10T10:00:00+08:00'))).toMatchObject({
      period: '2026-Q1',
      officialSafe: true,
    });
    db.close();
  });
});

describe('what a reader keeps between snapshots', () => {
  it('official titles and broken criteria hold until a write changes them, on a reader that never saw the write', async () => {
    const { db } = openCache(await fixtureCacheFile());
    const store = new CacheStore(db);
    // Another read thread: it gets no live delta, only the cache.
    const reader = new SceneQueries(new CacheReads(db));
    const safe = () => reader.snapshot({ preset: 'week' }, NOW).safeGrids;
    const brokenOf = (id: string) => reader.snapshot({ preset: 'year' }, NOW).grids.find((g) => g.id === id)?.broken;
    expect(safe()).toMatchObject({ safe: 0, atRisk: 0, normal: 2 });
    expect(brokenOf('g1')).toEqual([]);
    const titled = { id: 'v1', rev: 10, grid_id: 'g1', period: '2026-Q3', safe: true, broken: [], evaluated_at: '2026-10-05T10:00:00+08:00' };
    store.applyChanges([{ type: 'evaluation', rev: 10, record: titled }], { nextRev: 10, headRev: 10 }, 'page');
    expect(safe()).toMatchObject({ period: '2026-Q3', safe: 1, atRisk: 0, normal: 1 });

    // A case breaking a criterion in g1 puts the title at risk; its criterion changing, or its going, is seen too.
    const fire = event({ id: 'e9', rev: 11, criterion: 'fire', severity: 'critical', stages: { reported: '2026-11-25T09:00:00+08:00' } });
    store.applyChanges([change(fire)], { nextRev: 0, headRev: 11 }, 'stream');
    expect(brokenOf('g1')).toEqual(['fire']);
    expect(safe()).toMatchObject({ safe: 0, atRisk: 1, brokenByCriterion: { fire: 1, crime: 1 } });
    store.applyChanges([change({ ...fire, rev: 12, criterion: 'crime' })], { nextRev: 0, headRev: 12 }, 'stream');
    expect(brokenOf('g1')).toEqual(['crime']);
    store.applyChanges([tombstone('e9', 13)], { nextRev: 13, headRev: 13 }, 'page');
    expect(brokenOf('g1')).toEqual([]);
    expect(safe()).toMatchObject({ safe: 1, atRisk: 0 });

    // The title withdrawn by a later evaluation.
    store.applyChanges([{ type: 'evaluation', rev: 14, record: { ...titled, rev: 14, safe: false, broken: ['fire'] } }], { nextRev: 14, headRev: 14 }, 'page');
    expect(safe()).toMatchObject({ safe: 0, normal: 2 });
    db.close();
  });

  it("overdue counts hold until a write or until an open case's deadline passes", async () => {
    const { db } = openCache(await fixtureCacheFile());
    const store = new CacheStore(db);
    const reader = new SceneQueries(new CacheReads(db));
    const overdue = (at: number) => reader.snapshot({ preset: 'week' }, at).totals.overdue;
    const due = NOW + 3_600_000;
    const soon = event({ id: 'e10', rev: 11, stages: { reported: '2026-11-27T09:00:00+08:00' }, deadline: new Date(due).toISOString() });
    store.applyChanges([change(soon)], { nextRev: 0, headRev: 11 }, 'stream');
    expect(overdue(NOW)).toBe(2);
    // Kept from NOW up to the deadline; one millisecond later the case is overdue, with no write in between.
    expect(overdue(due)).toBe(2);
    expect(overdue(due + 1)).toBe(3);
    expect(overdue(due + 2)).toBe(3);
    // A write (the case closed) is seen at the same instant.
    const closed = { ...soon, rev: 12, stage: 'closed' as const, stages: { ...soon.stages, closed: new Date(due + 2).toISOString() } };
    store.applyChanges([change(closed)], { nextRev: 0, headRev: 12 }, 'stream');
    expect(overdue(due + 2)).toBe(2);
    // An earlier instant than the one kept is read again, not answered from the later one.
    expect(overdue(NOW - 7 * 86_400_000)).toBe(0);
    db.close();
  });
});
