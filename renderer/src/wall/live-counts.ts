/**
 * A live delta's counts added to a snapshot in place, so a pushed case moves every figure it touches — totals,
 * rates, funnel, trend, rankings, grid counts — without the wall re-reading its snapshots (issue 17: at 50 cases
 * a second that was two whole snapshots a few seconds apart). The counts are the rollups' own moves (CountChange),
 * so a snapshot with them added equals the snapshot read again; tests/wall/live-counts.test.ts holds it to that.
 *
 * What counts cannot move is left for the next re-read: overdue cases (the clock makes them), official safe-grid
 * titles, services. Rates are recomputed from their parts by the same formulas as the query layer.
 */
import type { CountChange, GridState, RankingRow, SceneSnapshot } from '../../../shared/bridge/scene';
import { disputeResolutionRate, onTimeRate, satisfactionRate } from '../../../shared/kpi/formulas';
import { SAFE_CRITERIA, STAGES } from '../../../shared/api/schemas';

// Positions in CountChange.d (core/cache/reads.ts SUM_COLUMNS).
const TOTAL = 0;
const CLOSED = 1;
const ON_TIME = 2;
const JOINT = 3;
const RESOLVED = 4;
const SATISFIED = 5;
const BASIC = 6;
const DISSATISFIED = 7;
const CRITICAL = 8;
const BREAKING = 9;
/** The open stages, reported … evaluated, from this position on (STAGES order, closed last). */
const STAGE_FROM = 10;

/** Where a grid is: its street and community (the wall's grid index). */
export type GridPlace = (gridId: string) => { streetId: string | null; communityId: string | null } | undefined;

/**
 * Adds `counts` to `snapshot` in place. Only counts of the snapshot's scope are passed in (the scene store filters
 * by the scope's grids); a count of a day outside the window moves only the trend. Says whether anything moved, and
 * whether the grids' counts did (the map redraws only then).
 */
export function addCounts(snapshot: SceneSnapshot, counts: readonly CountChange[], place: GridPlace): { moved: boolean; gridsMoved: boolean } {
  const { from, to } = snapshot.window;
  const t = snapshot.totals;
  const trend = new Map(snapshot.trend.map((p) => [p.day, p]));
  const grids = new Map(snapshot.grids.map((g) => [g.id, g]));
  // Rows by id across the rankings; the same row object in two lists (in-process, areas is streets) moves once.
  const rows = new Map<string, Set<RankingRow>>();
  for (const list of [snapshot.streets, snapshot.communities, snapshot.areas])
    for (const r of list) {
      let set = rows.get(r.id);
      if (!set) rows.set(r.id, (set = new Set()));
      set.add(r);
    }
  const departments = new Map(snapshot.departments.map((r) => [r.id, r]));
  const touched = new Set<RankingRow>();
  let moved = false;
  let gridsMoved = false;

  for (const c of counts) {
    const d = c.d;
    const point = trend.get(c.day);
    if (point) {
      point.byKind[c.kind] += d[TOTAL];
      point.closed += d[CLOSED];
      if (c.kind === 'dispute') point.disputesResolved += d[RESOLVED];
      moved = true;
    }
    if (c.day < from || c.day > to) continue;
    moved = true;
    t.events += d[TOTAL];
    t.closed += d[CLOSED];
    t.onTime += d[ON_TIME];
    t.critical += d[CRITICAL];
    t.breaking += d[BREAKING];
    t.byKind[c.kind] += d[TOTAL];
    if (c.kind === 'appeal') {
      t.appeals += d[TOTAL];
      t.jointAppeals += d[JOINT];
      t.appealsClosed += d[CLOSED];
      t.appealsOnTime += d[ON_TIME];
      t.satisfaction.satisfied += d[SATISFIED];
      t.satisfaction.basic += d[BASIC];
      t.satisfaction.dissatisfied += d[DISSATISFIED];
    } else if (c.kind === 'dispute') {
      t.disputesFound += d[TOTAL];
      t.disputesResolved += d[RESOLVED];
    } else if (c.kind === 'service') t.difficultiesSolved += d[RESOLVED];
    for (let i = 0; i < STAGES.length - 1; i++) snapshot.funnel[STAGES[i]] += d[STAGE_FROM + i];
    snapshot.funnel.closed += d[CLOSED];

    const g = grids.get(c.gridId);
    if (g) {
      gridsMoved = true;
      g.events += d[TOTAL];
      g.open += d[TOTAL] - d[CLOSED];
      g.critical += d[CRITICAL];
    }
    const where = place(c.gridId);
    for (const id of [where?.streetId, where?.communityId, c.gridId])
      for (const row of (id && rows.get(id)) || []) {
        addToRow(row, c, d, true);
        touched.add(row);
      }
    const dept = c.departmentId ? departments.get(c.departmentId) : undefined;
    if (dept) {
      // The department figures count no dispute outcomes (core/query/scene.ts): resolved disputes stay as they are.
      addToRow(dept, c, d, false);
      touched.add(dept);
    }
  }
  if (!moved) return { moved, gridsMoved };

  t.open = t.events - t.closed;
  t.onTimeRate = onTimeRate({ onTime: t.onTime, closed: t.closed });
  t.appealsOnTimeRate = onTimeRate({ onTime: t.appealsOnTime, closed: t.appealsClosed });
  t.satisfaction.rate = satisfactionRate(t.satisfaction);
  t.disputeResolutionRate = disputeResolutionRate({ resolved: t.disputesResolved, found: t.disputesFound });
  for (const r of touched) {
    r.open = r.events - r.closed;
    r.onTimeRate = onTimeRate({ onTime: r.onTime, closed: r.closed });
    r.rated = r.satisfied + r.basic + r.dissatisfied;
    r.satisfaction = satisfactionRate(r);
    r.disputeResolutionRate = disputeResolutionRate({ resolved: r.disputesResolved, found: r.disputesFound });
  }
  return { moved, gridsMoved };
}

function addToRow(r: RankingRow, c: CountChange, d: readonly number[], disputeOutcomes: boolean) {
  r.events += d[TOTAL];
  r.closed += d[CLOSED];
  r.onTime += d[ON_TIME];
  if (c.kind === 'appeal') {
    r.satisfied += d[SATISFIED];
    r.basic += d[BASIC];
    r.dissatisfied += d[DISSATISFIED];
  } else if (c.kind === 'dispute') {
    r.disputesFound += d[TOTAL];
    if (disputeOutcomes) r.disputesResolved += d[RESOLVED];
  }
}

/**
 * Pushed grid states (status and broken criteria; their counts are today's, the snapshot's are the window's and
 * move with addCounts) set on `snapshot`'s grids, and the safe-grid figures counted again from them: the totals
 * by status and criterion, and each street's, community's or grid's safe grids. Returns whether any grid changed.
 */
export function applyGridStates(snapshot: SceneSnapshot, states: readonly GridState[], place: GridPlace): boolean {
  if (!states.length) return false;
  const byId = new Map(snapshot.grids.map((g) => [g.id, g]));
  let changed = false;
  for (const s of states) {
    const g = byId.get(s.id);
    if (!g) continue;
    g.status = s.status;
    g.broken = s.broken;
    changed = true;
  }
  if (!changed) return false;
  const sg = snapshot.safeGrids;
  sg.safe = sg.atRisk = sg.normal = 0;
  for (const c of SAFE_CRITERIA) sg.brokenByCriterion[c] = 0;
  const safeOf = new Map<string, number>();
  for (const g of snapshot.grids) {
    if (g.status === 'safe') sg.safe++;
    else if (g.status === 'at_risk') sg.atRisk++;
    else sg.normal++;
    for (const c of g.broken) sg.brokenByCriterion[c]++;
    if (g.status === 'normal') continue;
    const where = place(g.id);
    for (const id of [where?.streetId, where?.communityId, g.id]) if (id) safeOf.set(id, (safeOf.get(id) ?? 0) + 1);
  }
  for (const list of [snapshot.streets, snapshot.communities, snapshot.areas]) for (const r of list) r.safeGrids = safeOf.get(r.id) ?? 0;
  return true;
}
