/**
 * A live delta's counts added to a snapshot in place, so a pushed case moves every figure it touches — totals,
 * rates, funnel, trend, rankings, grid counts — without the wall re-reading its snapshots (issue 17: at 50 cases
 * a second that was two whole snapshots a few seconds apart). The counts are the rollups' own moves (CountChange),
 * so a snapshot with them added equals the snapshot read again; tests/wall/live-counts.test.ts holds it to that.
 *
 * What counts cannot move is left for the next re-read: overdue cases (the clock makes them), official safe-grid
 * titles, services. Rates are recomputed from their parts by the same formulas as the query layer.
 */
import type { SafeCriterion } from '../../../shared/api/schemas';
import {
  breakAtRisk,
  breakCriteria,
  breakState,
  type BrokenGrids,
  type CountChange,
  type GridState,
  type RankingRow,
  type SceneSnapshot,
} from '../../../shared/bridge/scene';
import { disputeResolutionRate, onTimeRate, satisfactionRate } from '../../../shared/kpi/formulas';
import { STAGES } from '../../../shared/api/schemas';
import { riskRank } from './derive';

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
 * move with addCounts) set on `snapshot`'s grids and its brokenGrids, and the safe-grid figures moved by the
 * difference: the totals by status and criterion, and each street's, community's or grid's safe grids. A grid the
 * snapshot lists is moved from its listed state; another from its entry in brokenGrids (every grid of the scope that
 * broke a criterion), or, without one, from breaking none: safe if it is now at risk, else as it is now (a pushed
 * state of such a grid that still breaks none changes nothing: most cases of a live wall land in such grids).
 * A snapshot of a map view lists only the risk list's first grids with their counts: a grid that now breaks a
 * criterion and ranks among them joins it, its counts of the window unknown here, so the grids that join are
 * returned by id (to be read again); one that ranks below them stays in brokenGrids only (no re-read: at city
 * scale grids start breaking criteria several times a minute). `changed`: whether any figure changed.
 */
export function applyGridStates(snapshot: SceneSnapshot, states: readonly GridState[], place: GridPlace): { changed: boolean; joined: string[] } {
  const joined: string[] = [];
  if (!states.length) return { changed: false, joined };
  const byId = new Map(snapshot.grids.map((g) => [g.id, g]));
  const sg = snapshot.safeGrids;
  // Each broken grid's place in brokenGrids.
  const breaks = snapshot.brokenGrids;
  const at = new Map(breaks.ids.map((id, i) => [id, i]));
  // A set: a snapshot read in this thread has its areas and streets (or communities) as the same rows.
  const rows = new Map<string, Set<RankingRow>>();
  for (const list of [snapshot.streets, snapshot.communities, snapshot.areas])
    for (const r of list) {
      if (!rows.has(r.id)) rows.set(r.id, new Set());
      rows.get(r.id)!.add(r);
    }
  const count = (status: GridState['status'], broken: readonly SafeCriterion[], gridId: string, by: 1 | -1) => {
    if (status === 'safe') sg.safe += by;
    else if (status === 'at_risk') sg.atRisk += by;
    else sg.normal += by;
    for (const c of broken) sg.brokenByCriterion[c] += by;
    if (status === 'normal') return;
    const where = place(gridId);
    for (const id of [where?.streetId, where?.communityId, gridId]) if (id) for (const r of rows.get(id) ?? []) r.safeGrids += by;
  };
  // The risk list's last listed grid: a grid that ranks above it (or any, while the view lists every broken grid) joins.
  const listedBroken = snapshot.grids.filter((g) => g.broken.length > 0);
  const capped = listedBroken.length < breaks.ids.length;
  const last = capped ? listedBroken.reduce((worst, g) => (riskRank(g) > riskRank(worst) ? g : worst), listedBroken[0]) : undefined;
  let changed = false;
  for (const s of states) {
    const g = byId.get(s.id);
    const place = at.get(s.id);
    const kept = place === undefined ? undefined : breaks.states[place];
    const was: Pick<GridState, 'status' | 'broken'> | undefined =
      g ?? (kept === undefined ? undefined : { status: breakAtRisk(kept) ? 'at_risk' : 'normal', broken: breakCriteria(kept) });
    if (!was && !s.broken.length) continue; // breaking none before or now: nothing shown moves
    const before = was ?? { status: s.status === 'at_risk' ? 'safe' : s.status, broken: [] };
    count(before.status, before.broken, s.id, -1);
    count(s.status, s.broken, s.id, 1);
    setBreaks(breaks, at, s);
    if (g) Object.assign(g, { status: s.status, broken: s.broken });
    else if (snapshot.view && s.broken.length && (!last || riskRank(s) < riskRank(last))) {
      const grid = { ...s };
      snapshot.grids.push(grid);
      byId.set(grid.id, grid);
      joined.push(grid.id);
    }
    changed = true;
  }
  return { changed, joined };
}

/** A grid's entry in brokenGrids set from its pushed state: replaced, added, or (breaking none now) taken out. */
function setBreaks(breaks: BrokenGrids, at: Map<string, number>, s: GridState) {
  const i = at.get(s.id);
  if (s.broken.length) {
    const state = breakState(s.status === 'at_risk', s.broken);
    if (i !== undefined) breaks.states[i] = state;
    else {
      at.set(s.id, breaks.ids.push(s.id) - 1);
      breaks.states.push(state);
    }
  } else if (i !== undefined) {
    // The last entry takes its place: the list has no order.
    const lastId = breaks.ids.pop()!;
    const lastState = breaks.states.pop()!;
    at.delete(s.id);
    if (i < breaks.ids.length) {
      breaks.ids[i] = lastId;
      breaks.states[i] = lastState;
      at.set(lastId, i);
    }
  }
}
