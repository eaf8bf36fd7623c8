/**
 * A live delta's counts added to the snapshots the wall holds give the snapshots read again (issue 17, part 4): the
 * wall needs no re-read for a pushed case. Held on the demo district's cache, for the district and a street, today
 * and a community, today and the year, through new cases of every kind, closings, a re-rating, a case moved to another street and deletions.
 */
import { describe, expect, it } from 'vitest';
import { CacheStore } from '../../core/cache/store';
import type { Event } from '../../shared/api/schemas';
import { breakState, type MapView, type SceneDelta, type SceneSnapshot, type WindowRequest } from '../../shared/bridge/scene';
import { addCounts, applyGridStates } from '../../renderer/src/wall/live-counts';
import { openDistrict } from '../report/helpers';
import { change, tombstone } from '../fixtures/records';
import { breakEntries, snapshot } from './fixtures';

const district = openDistrict();
const { db, queries } = district;
const now = district.ctx.now; // 2023-03-20 10:00 +08:00
const store = new CacheStore(db);

const one = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T;
const streets = db.prepare("SELECT id FROM regions WHERE level = 'street' ORDER BY code").pluck().all() as string[];
const street = streets[2];
const gridIn = (streetId: string) => one<{ id: string }>("SELECT id FROM regions WHERE level = 'grid' AND street_id = ? ORDER BY code", streetId).id;
const gridA = gridIn(street);
const gridB = gridIn(streets[4]);
const place = (gridId: string) => {
  const r = one<{ street_id: string | null; community_id: string | null } | undefined>('SELECT street_id, community_id FROM regions WHERE id = ?', gridId);
  return r && { streetId: r.street_id, communityId: r.community_id };
};
const task = (kind: string) =>
  one<{ task_code: string; department_id: string }>('SELECT task_code, department_id FROM events WHERE kind = ? AND department_id IS NOT NULL LIMIT 1', kind);

let rev = (db.prepare('SELECT cursor_rev FROM sync_state').pluck().get() as number) + 1000;
function record(over: Partial<Event> & Pick<Event, 'id' | 'kind' | 'grid_id'>): Event {
  const { task_code, department_id } = task(over.kind);
  return {
    rev: ++rev,
    task_code,
    criterion: null,
    severity: 'medium',
    source: 'grid_worker',
    location: [106.63, 30.47],
    title: '实时案件',
    stage: 'reported',
    stages: { reported: '2023-03-20T09:00:00+08:00' },
    department_id,
    joint: false,
    deadline: '2023-03-23T09:00:00+08:00',
    outcome: null,
    satisfaction: null,
    reporter: null,
    repeat_of: null,
    ...over,
  };
}
const closedStages = (reported: string, closed: string) => ({ reported, analysed: reported, dispatched: reported, closed });

const WINDOWS: WindowRequest[] = [{ preset: 'today' }, { preset: 'year' }];
const SCOPES = [null, street, place(gridA)!.communityId];
const centre = one<{ lon: number; lat: number }>('SELECT center_lon AS lon, center_lat AS lat FROM regions WHERE id = ?', gridA);
/** Every grid; the map at street level (only the grids the panels list); grids in view around gridA (not gridB). */
const VIEWS: (MapView | null)[] = [
  null,
  { level: 'street' },
  { level: 'grid', bbox: [centre.lon - 0.01, centre.lat - 0.01, centre.lon + 0.01, centre.lat + 0.01] },
];
const ofScope = (region: string | null) => (gridId: string) => region === null || place(gridId)?.streetId === region || place(gridId)?.communityId === region;

/** What a re-read gives that counts cannot: the clock's overdue cases, the time it was read, the lists of cases. */
function comparable(s: SceneSnapshot) {
  const rows = (list: SceneSnapshot['streets']) => list.map((r) => ({ ...r, overdue: 0 }));
  return {
    ...s,
    grids: [],
    generatedAt: '',
    seq: 0,
    recent: [],
    points: [],
    totals: { ...s.totals, overdue: 0 },
    // A list with no order: a wall appends to it and fills a gap with its last entry.
    brokenGrids: breakEntries(s.brokenGrids),
    streets: rows(s.streets),
    communities: rows(s.communities),
    areas: rows(s.areas),
    departments: rows(s.departments),
  };
}

describe('live counts', () => {
  // One snapshot per scope and window, read once and then only moved by the deltas' counts.
  const held = new Map<string, SceneSnapshot>();
  const key = (region: string | null, w: WindowRequest, v: MapView | null) => `${region}:${w.preset}:${JSON.stringify(v)}`;
  for (const region of SCOPES) for (const w of WINDOWS) for (const v of VIEWS) held.set(key(region, w, v), queries.snapshot(w, now, region, v));

  function push(items: unknown[]): SceneDelta {
    // As the sync engine's stream applies them: the cursor stays where the pages left it (nextRev 0).
    const batch = store.applyChanges(items, { nextRev: 0, headRev: rev }, 'stream', now);
    expect(batch.quarantined).toBe(0);
    const delta = queries.delta(batch, now)!;
    expect(delta.totalsChanged).toBe(false);
    expect(delta.counts).not.toBeNull();
    for (const region of SCOPES) {
      const inScope = ofScope(region);
      for (const w of WINDOWS) {
        for (const v of VIEWS) {
          const s = held.get(key(region, w, v))!;
          const what = `${region ?? 'district'} ${w.preset} ${v?.level ?? 'all grids'}`;
          // The wall adds a delta's counts only to a snapshot read before the batch was written.
          expect(delta.seq, what).toBeGreaterThan(s.seq);
          s.seq = delta.seq;
          addCounts(
            s,
            delta.counts!.filter((c) => inScope(c.gridId)),
            place,
          );
          const { joined } = applyGridStates(
            s,
            delta.grids.filter((g) => inScope(g.id)),
            place,
          );
          if (!v) expect(joined).toEqual([]);
          const fresh = queries.snapshot(w, now, region, v);
          expect(fresh.seq, what).toBe(delta.seq);
          expect(comparable(s), what).toEqual(comparable(fresh));
          // A view's grids: what the held snapshot has is what a re-read has (a grid can join a view's list only
          // by a re-read, when counts alone make it one the panels list; the grids drawn are all there).
          const heldGrids = new Map(s.grids.map((g) => [g.id, g]));
          if (!v) expect(s.grids, what).toEqual(fresh.grids);
          else
            for (const g of fresh.grids)
              if (!joined.includes(g.id) && (heldGrids.has(g.id) || v.level === 'grid')) expect(heldGrids.get(g.id), `${what} ${g.id}`).toEqual(g);
        }
      }
    }
    return delta;
  }

  const old = one<{ id: string; kind: string }>("SELECT id, kind FROM events WHERE grid_id = ? AND day >= 20230301 AND stage = 'closed' LIMIT 1", gridA);

  it('new cases of every kind move totals, rates, funnel, trend, rankings and grids as a re-read would', () => {
    const delta = push([
      change(
        record({
          id: 'live-appeal',
          kind: 'appeal',
          grid_id: gridA,
          source: 'hotline_12345',
          joint: true,
          stage: 'closed',
          stages: closedStages('2023-03-20T08:00:00+08:00', '2023-03-20T09:30:00+08:00'),
          outcome: 'resolved',
          satisfaction: 'satisfied',
        }),
      ),
      change(
        record({
          id: 'live-dispute',
          kind: 'dispute',
          grid_id: gridA,
          stage: 'closed',
          stages: closedStages('2023-03-10T08:00:00+08:00', '2023-03-15T09:30:00+08:00'),
          deadline: '2023-03-13T08:00:00+08:00',
          outcome: 'resolved',
        }),
      ),
      change(
        record({
          id: 'live-service',
          kind: 'service',
          grid_id: gridB,
          stage: 'closed',
          stages: closedStages('2023-03-20T07:00:00+08:00', '2023-03-20T08:00:00+08:00'),
          outcome: 'resolved',
        }),
      ),
      change(record({ id: 'live-incident', kind: 'incident', grid_id: gridA, severity: 'critical', stage: 'dispatched' })),
      change(record({ id: 'live-hazard', kind: 'hazard', grid_id: gridB, severity: 'high', criterion: 'crime' })),
      // Reported last year: outside both windows and both trends, it moves nothing on the wall.
      change(record({ id: 'live-old', kind: 'appeal', grid_id: gridA, stages: { reported: '2022-11-02T09:00:00+08:00' } })),
    ]);
    expect(delta.counts!.length).toBeGreaterThanOrEqual(6);
  });

  it('closings, a re-rating, a case moved to another street and deletions too', () => {
    push([
      change(
        record({
          id: 'live-incident',
          kind: 'incident',
          grid_id: gridA,
          severity: 'critical',
          stage: 'closed',
          stages: closedStages('2023-03-20T09:00:00+08:00', '2023-03-20T09:50:00+08:00'),
          outcome: 'resolved',
        }),
      ),
      change(
        record({
          id: 'live-appeal',
          kind: 'appeal',
          grid_id: gridA,
          source: 'hotline_12345',
          joint: true,
          stage: 'closed',
          stages: closedStages('2023-03-20T08:00:00+08:00', '2023-03-20T09:30:00+08:00'),
          outcome: 'resolved',
          satisfaction: 'dissatisfied',
        }),
      ),
      // The hazard was filed in the wrong grid: it moves from another street into this one.
      change(record({ id: 'live-hazard', kind: 'hazard', grid_id: gridA, severity: 'high', criterion: 'crime' })),
      tombstone('live-service', ++rev),
      tombstone(old.id, ++rev),
    ]);
  });
});

describe('grid states pushed to a snapshot of a map view', () => {
  const view = (): SceneSnapshot => ({ ...snapshot('year'), view: { level: 'street' } });
  const at = (gridId: string) => ({ streetId: 's1', communityId: 'c1', gridId });

  it('a grid the view lacks that still breaks no criterion changes nothing and does not join (no re-read)', () => {
    const s = view();
    const before = structuredClone(s);
    const { changed, joined } = applyGridStates(s, [{ id: 'g-quiet', status: 'safe', events: 3, open: 2, critical: 1, broken: [] }], at);
    expect({ changed, joined }).toEqual({ changed: false, joined: [] });
    expect(s).toEqual(before);
  });

  it('one that starts breaking a criterion joins: at risk, counted once, to be read again', () => {
    const s = view();
    const { safe, atRisk } = s.safeGrids;
    const { joined } = applyGridStates(s, [{ id: 'g-new', status: 'at_risk', events: 1, open: 1, critical: 0, broken: ['fire'] }], at);
    expect(joined).toEqual(['g-new']);
    expect(s.safeGrids).toMatchObject({ safe: safe - 1, atRisk: atRisk + 1 });
    expect(s.grids.find((g) => g.id === 'g-new')).toMatchObject({ status: 'at_risk', broken: ['fire'] });
    expect(breakEntries(s.brokenGrids).find((b) => b[0] === 'g-new')).toEqual(['g-new', 'at_risk', ['fire']]);
  });

  // A city's view lists only the risk list's first grids that broke a criterion; the others are in brokenGrids.
  const capped = (): SceneSnapshot => {
    const s = view();
    s.brokenGrids.ids.push('g-kept');
    s.brokenGrids.states.push(breakState(false, ['fire']));
    s.safeGrids.normal += 1;
    s.safeGrids.brokenByCriterion.fire += 1;
    return s;
  };

  it('a grid broken before but not listed moves from its kept state, and stays unlisted (no re-read)', () => {
    const s = capped();
    const { normal } = s.safeGrids;
    const { changed, joined } = applyGridStates(s, [{ id: 'g-kept', status: 'normal', events: 1, open: 1, critical: 0, broken: ['vice'] }], at);
    expect({ changed, joined }).toEqual({ changed: true, joined: [] });
    expect(s.safeGrids.normal).toBe(normal);
    expect(s.safeGrids.brokenByCriterion).toMatchObject({ fire: 1, vice: 1 });
    expect(breakEntries(s.brokenGrids).find((b) => b[0] === 'g-kept')).toEqual(['g-kept', 'normal', ['vice']]);
    // Its case gone, it breaks none: it leaves brokenGrids.
    applyGridStates(s, [{ id: 'g-kept', status: 'normal', events: 0, open: 0, critical: 0, broken: [] }], at);
    expect(s.brokenGrids.ids).toEqual(['g2', 'g3']);
    expect(s.safeGrids.brokenByCriterion.vice).toBe(0);
    expect(s.grids.some((g) => g.id === 'g-kept')).toBe(false);
  });

  it('a grid that starts breaking joins the list only when it ranks among those listed', () => {
    const s = capped();
    // Below the last listed (a normal grid breaking one criterion): counted, not listed.
    const low = applyGridStates(s, [{ id: 'g-low', status: 'normal', events: 1, open: 1, critical: 0, broken: ['cult'] }], at);
    expect(low.joined).toEqual([]);
    expect(breakEntries(s.brokenGrids).find((b) => b[0] === 'g-low')).toEqual(['g-low', 'normal', ['cult']]);
    expect(s.safeGrids.brokenByCriterion.cult).toBe(1);
    // At risk: above the last listed, it joins (to be read again).
    const high = applyGridStates(s, [{ id: 'g-high', status: 'at_risk', events: 1, open: 1, critical: 0, broken: ['fire'] }], at);
    expect(high.joined).toEqual(['g-high']);
  });
});
