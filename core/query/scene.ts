/**
 * The query layer: one call returns everything a wall scene needs for a time window, read from the rollups (not
 * from a scan of the events), so it stays fast at a million cached events. The same layer serves the briefing and
 * the reports. Personal data leaves only masked.
 */
import type { CacheReads, DeptRow, EventRow, GridKindRow, GridPick, GridSumsRow, GridSumsSource, RegionFilter, RegionRow, SyncState } from '../cache/reads';
import type { AppliedBatch } from '../cache/store';
import { SAFE_CRITERIA, STAGES, type Event, type EventKind, type OrganisationResponse, type SafeCriterion, type Stage } from '../../shared/api/schemas';
import { breakState } from '../../shared/bridge/scene';
import type {
  BrokenGrids,
  EventSummary,
  GridDetail,
  GridState,
  MapRegions,
  MapView,
  RankingRow,
  RegionList,
  SceneDelta,
  SceneSnapshot,
  Scope,
  ScopeStep,
  WindowRequest,
} from '../../shared/bridge/scene';
import { disputeResolutionRate, gridStatus, onTimeRate, riskRank, satisfactionRate } from '../../shared/kpi/formulas';
import { maskName, maskPhone } from '../../shared/privacy';
import {
  addDays,
  assessmentPeriodRange,
  dayCount,
  dayStart,
  dayToIsoDate,
  lastDayOfMonth,
  monthOf,
  periodOrderEndingBy,
  quarterOf,
  runningPeriod,
  shanghaiDay,
  splitByMonth,
  toShanghaiIso,
  windowOn,
} from '../../shared/time';

const KINDS: EventKind[] = ['incident', 'dispute', 'hazard', 'appeal', 'service'];
/** How many of the most critical open grids a map view lists besides those at risk: the spotlight tour visits 20. */
const SPOTLIGHT_CANDIDATES = 60;
/**
 * How many of the grids that broke a criterion a map view lists with their counts: the risk list's rows (a 4K wall
 * shows about 30). A city's quarter had 5,000 such grids: listing them all was 10.9 ms of 26 and 560 kB of 700.
 */
export const RISK_ROWS = 50;

type Sums = {
  total: number;
  closed: number;
  on_time: number;
  joint: number;
  resolved: number;
  sat_satisfied: number;
  sat_basic: number;
  sat_dissatisfied: number;
  critical: number;
  breaking: number;
  st_reported: number;
  st_analysed: number;
  st_dispatched: number;
  st_supervised: number;
  st_evaluated: number;
};
// Written out rather than built from SUM_COLUMNS: a snapshot adds up thousands of these, and objects of one literal
// shape with named field access are several times faster than keyed access in a loop (profiled: 12 % → ~1 %).
const zeroSums = (): Sums => ({
  total: 0,
  closed: 0,
  on_time: 0,
  joint: 0,
  resolved: 0,
  sat_satisfied: 0,
  sat_basic: 0,
  sat_dissatisfied: 0,
  critical: 0,
  breaking: 0,
  st_reported: 0,
  st_analysed: 0,
  st_dispatched: 0,
  st_supervised: 0,
  st_evaluated: 0,
});

/** Adds a grid × kind row (GridKindRow: grid, kind, then the sums in the order of reads.ts SUM_COLUMNS). */
function addRow(into: Sums, r: GridKindRow) {
  into.total += r[2];
  into.closed += r[3];
  into.on_time += r[4];
  into.joint += r[5];
  into.resolved += r[6];
  into.sat_satisfied += r[7];
  into.sat_basic += r[8];
  into.sat_dissatisfied += r[9];
  into.critical += r[10];
  into.breaking += r[11];
  into.st_reported += r[12];
  into.st_analysed += r[13];
  into.st_dispatched += r[14];
  into.st_supervised += r[15];
  into.st_evaluated += r[16];
}

/** What a ranking row is made of, for a grid, a region or a department. */
interface RankSums {
  total: number;
  closed: number;
  onTime: number;
  satSatisfied: number;
  satBasic: number;
  satDissatisfied: number;
  disputes: number;
  disputesResolved: number;
  overdue: number;
}
/** A grid's sums over the window: the ranking's plus what the map shows. */
interface GridSums extends RankSums {
  critical: number;
}
const zeroRankSums = (): RankSums => ({
  total: 0,
  closed: 0,
  onTime: 0,
  satSatisfied: 0,
  satBasic: 0,
  satDissatisfied: 0,
  disputes: 0,
  disputesResolved: 0,
  overdue: 0,
});

export interface ResolvedWindow {
  preset: WindowRequest['preset'];
  from: number;
  to: number;
  label: string;
}

export function resolveWindow(request: WindowRequest, now: number): ResolvedWindow {
  const { from, to } = request.preset === 'custom' ? { from: request.from!, to: request.to! } : windowOn(request.preset, shanghaiDay(now));
  return { preset: request.preset, from, to, label: from === to ? dayToIsoDate(from) : `${dayToIsoDate(from)} — ${dayToIsoDate(to)}` };
}

/**
 * Parameters for a statement that reads `rollup day BETWEEN head OR BETWEEN tail` UNION ALL `month BETWEEN months`.
 * A window that ends today or later covers its last month whole: no case is reported after today, so this month's
 * row of the month rollup is exactly its days so far (the wall's 本月 and 本年 then read no daily rows at all).
 */
function windowSource(from: number, to: number, today: number): Extract<GridSumsSource, { of: 'window' }> {
  const end = to >= today ? Math.max(to, lastDayOfMonth(monthOf(to))) : to;
  return { of: 'window', ...splitByMonth(from, end) };
}

/** The official titles by grid index as of an evaluations sequence (SceneQueries.officialStatus). */
interface OfficialStatus {
  period: string;
  seq: number;
  safe: Uint8Array;
  safeIn: Map<string, number>;
  evaluatedPeriod: string;
}

/** A scope's overdue cases now: in all, per department, per street and community, and per grid (by index). Read-only once kept. */
interface OverdueTally {
  total: number;
  byDept: Map<string, number>;
  inRegion: Map<string, number>;
  ofGrid: Map<number, number>;
}

/** A scope's grids that broke a criterion this assessment period (SceneQueries.scopeBreaks); read-only once built. */
interface ScopeBreaks {
  brokenOf: Map<number, SafeCriterion[]>;
  byCriterion: Record<SafeCriterion, number>;
  atRisk: number;
  /** SceneSnapshot.brokenGrids. */
  grids: BrokenGrids;
  /** The first RISK_ROWS of them in the risk list's order, by grid index. */
  riskRows: number[];
}

export class SceneQueries {
  private regions = new Map<string, RegionRow>();
  private grids: RegionRow[] = [];
  private streets: RegionRow[] = [];
  private communities: RegionRow[] = [];
  private departments = new Map<string, string>();
  /** Each grid's place in `grids`: a snapshot keeps its per-grid figures in arrays by that index. */
  private gridIndex = new Map<string, number>();
  /** The indices of each street's and community's grids, so rankings touch each grid once. */
  private gridsOf = new Map<string, number[]>();
  /** Each street's communities (codes in order). */
  private communitiesOf = new Map<string, RegionRow[]>();
  private district: RegionRow | null = null;
  /**
   * Official titles by grid index for the current period, and the newest period evaluated, as of the evaluations
   * sequence `seq`; evaluations change a few times a quarter.
   */
  private officialCache: OfficialStatus | null = null;
  /**
   * The criteria broken in each grid (by index) from a period's first day to today, as of the cache's breaks
   * sequence (014): read again only when a case breaking a criterion was written or went.
   */
  private breaksCache: { key: string; rows: [grid: number, criterion: SafeCriterion][] } | null = null;
  /** Per scope, its grids that broke a criterion (scopeBreaks). */
  private breaksOfScope = new Map<string, ScopeBreaks>();
  /** Grid profiles added up per scope (profileSums). */
  private profileCache = new Map<string, { partyMembers: number; workforce: number; population: number; newGrids: number }>();
  /**
   * Overdue counts per scope as read at `at` and write sequence `seq`: they stand until a write or until `until`
   * (the next open case's deadline) passes. A city's 4,400 overdue cases took 3.4 ms of each snapshot to count
   * again; a wall reads the same scope's snapshots over and over between writes (two windows, every scene).
   */
  private overdueCache = new Map<string, { seq: number; at: number; until: number; tally: OverdueTally }>();
  /** 0 … grids − 1: the district's members. */
  private allGrids: number[] = [];
  private organisation: OrganisationResponse | null = null;

  constructor(private readonly reads: CacheReads) {
    this.reloadReference();
  }

  /** Re-reads regions, departments and organisation (after a reference sync). */
  reloadReference() {
    this.regions = new Map(this.reads.regions().map((r) => [r.id, r]));
    const byCode = (a: RegionRow, b: RegionRow) => a.code.localeCompare(b.code);
    this.grids = [...this.regions.values()].filter((r) => r.level === 'grid').sort(byCode);
    this.streets = [...this.regions.values()].filter((r) => r.level === 'street').sort(byCode);
    this.communities = [...this.regions.values()].filter((r) => r.level === 'community').sort(byCode);
    this.gridIndex = new Map(this.grids.map((g, i) => [g.id, i]));
    this.allGrids = this.grids.map((_, i) => i);
    this.gridsOf = new Map();
    this.grids.forEach((g, i) => {
      for (const parent of [g.street_id, g.community_id]) {
        if (!parent) continue;
        const list = this.gridsOf.get(parent) ?? [];
        list.push(i);
        this.gridsOf.set(parent, list);
      }
    });
    this.communitiesOf = new Map();
    for (const c of this.communities) {
      if (!c.street_id) continue;
      const list = this.communitiesOf.get(c.street_id) ?? [];
      list.push(c);
      this.communitiesOf.set(c.street_id, list);
    }
    this.district = [...this.regions.values()].find((r) => r.level === 'district') ?? null;
    this.officialCache = null;
    this.breaksCache = null;
    this.overdueCache.clear();
    this.profileCache.clear();
    this.breaksOfScope.clear();
    this.departments = new Map(this.reads.departments().map((d) => [d.id, d.short]));
    this.organisation = this.reads.organisation();
  }

  get hasReference(): boolean {
    return this.grids.length > 0;
  }

  /**
   * Everything a scene shows of a window, for the district or for a street or community (`region`): totals, trend,
   * funnel and services are read from that scope's rollups; rankings rank the scope's areas one level down.
   */
  snapshot(request: WindowRequest, now = Date.now(), region: string | null = null, view: MapView | null = null, recentLimit = 30): SceneSnapshot {
    const window = resolveWindow(request, now);
    const today = shanghaiDay(now);
    // Read first, in the snapshot's read transaction: the sequences its figures are as of.
    const state = this.reads.syncState();
    const scope = this.scope(region);
    const scoped = scope.id !== null;
    const filter: RegionFilter | null = scoped ? { column: scope.level === 'street' ? 'street_id' : 'community_id', id: scope.id! } : null;
    // The scope's grids, by index in this.grids (all of them for the district).
    const members = scoped ? (this.gridsOf.get(scope.id!) ?? []) : this.allGrids;
    const inScope = scoped ? new Uint8Array(this.grids.length) : null;
    if (inScope) for (const i of members) inScope[i] = 1;
    const reads = this.rollupReads(window.from, window.to, today);
    const t = { all: zeroSums(), disputes: zeroSums(), appeals: zeroSums(), services: zeroSums(), overdue: 0 };
    const byKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<EventKind, number>;
    for (const row of reads.perKind(scope.id)) {
      const kind = row[1];
      addRow(t.all, row);
      if (kind === 'dispute') addRow(t.disputes, row);
      else if (kind === 'appeal') addRow(t.appeals, row);
      else if (kind === 'service') addRow(t.services, row);
      byKind[kind] = (byKind[kind] ?? 0) + row[2];
    }
    // Overdue cases now, per department and region, and per grid where grids are the scope's areas.
    const {
      total: overdueTotal,
      byDept: overdueByDept,
      inRegion: overdueIn,
      ofGrid: overdueOf,
    } = this.overdueNow(now, filter, scope.areaLevel === 'grid', state.writeSeq);
    t.overdue = overdueTotal;

    // Live safe-grid status: official title from the latest evaluation, at risk when broken in the current period.
    // Only grids that broke a criterion differ from their title: the counts start from the titles' and visit those.
    const period = quarterOf(today);
    const range = assessmentPeriodRange(period);
    const official = this.officialStatus(period, state.evaluationsSeq);
    const breaks = this.scopeBreaks(scope.id, inScope, range.from, today, state, official);
    const brokenOf = breaks.brokenOf;
    const brokenByCriterion = { ...breaks.byCriterion };
    const titled = official.safeIn.get(scope.id ?? '') ?? 0;
    const statusCount = { safe: titled - breaks.atRisk, at_risk: breaks.atRisk, normal: members.length - titled };
    const statusOf = (i: number) => gridStatus(official.safe[i] === 1, brokenOf.get(i) ?? []);

    // The grids listed, and the sums read per grid. Without a view, all of the scope's. With one, those drawn and
    // those the panels list: the risk list (the RISK_ROWS first: at risk, then most criteria broken) and the
    // spotlight tour (its candidates: those grids, and the most critical open ones). At city scale every grid's
    // state was 1.8 MB of a 2.5 MB snapshot and reading every grid's sums 10–14 ms.
    const figuresOnly = view?.lists === false;
    const drawn = view?.level === 'grid' ? (view.bbox ?? null) : undefined;
    const everyGrid = !figuresOnly && (!view || drawn === null);
    const sumsOf = new Map<number, GridSums>();
    const listed = new Set<number>();
    const keep = (r: GridSumsRow) => {
      const i = this.gridIndex.get(r[0]);
      if (i === undefined || (inScope && !inScope[i])) return undefined;
      sumsOf.set(i, gridSums(r));
      return i;
    };
    if (everyGrid) for (const r of reads.perGrid()) keep(r);
    else {
      const wanted = new Set<number>(scope.areaLevel === 'grid' ? members : []);
      if (!figuresOnly) {
        if (drawn) for (const i of members) if (inBox(drawn, this.grids[i])) listed.add(i);
        for (const i of breaks.riskRows) listed.add(i);
        for (const r of reads.perGrid({ mostCritical: SPOTLIGHT_CANDIDATES, region: filter })) {
          const i = keep(r);
          if (i !== undefined) listed.add(i);
        }
      }
      for (const i of listed) if (!sumsOf.has(i)) wanted.add(i);
      if (wanted.size) for (const r of reads.perGrid({ ids: [...wanted].map((i) => this.grids[i].id) })) keep(r);
    }
    const grids: GridState[] = [];
    if (!figuresOnly)
      for (const i of everyGrid ? members : [...listed].sort((a, b) => a - b)) {
        const sums = sumsOf.get(i);
        grids.push({
          id: this.grids[i].id,
          status: statusOf(i),
          events: sums?.total ?? 0,
          open: sums ? sums.total - sums.closed : 0,
          critical: sums?.critical ?? 0,
          broken: brokenOf.get(i) ?? [],
        });
      }

    // Streets and communities read their own rollups (008); their titled grids and overdue cases were counted above.
    // Figures only (today's wall snapshot) ranks nothing: its rankings, departments and trend went unread.
    const regionSums = new Map<string, GridSums>();
    if (!figuresOnly) for (const r of reads.perRegion()) regionSums.set(r[0], gridSums(r));
    const regionRow = (region: RegionRow): RankingRow => {
      const sums = regionSums.get(region.id) ?? { ...zeroRankSums(), critical: 0 };
      const overdue = overdueIn.get(region.id) ?? 0;
      return rankingRow(
        region.id,
        region.name,
        this.parentName(region),
        { ...sums, overdue },
        official.safeIn.get(region.id) ?? 0,
        this.gridsOf.get(region.id)?.length ?? 0,
      );
    };
    const gridRow = (i: number): RankingRow =>
      rankingRow(
        this.grids[i].id,
        this.grids[i].name,
        this.parentName(this.grids[i]),
        { ...(sumsOf.get(i) ?? zeroRankSums()), overdue: overdueOf.get(i) ?? 0 },
        official.safe[i] === 1 ? 1 : 0,
        1,
      );
    const scopeStreets = scope.level === 'district' ? this.streets : this.streets.filter((r) => r.id === scope.path[1]?.id);
    const scopeCommunities =
      scope.level === 'district'
        ? this.communities
        : scope.level === 'street'
          ? (this.communitiesOf.get(scope.id!) ?? [])
          : this.communities.filter((r) => r.id === scope.id);
    const streets = figuresOnly ? [] : scopeStreets.map(regionRow);
    const communities = figuresOnly ? [] : scopeCommunities.map(regionRow);
    const areas = figuresOnly ? [] : scope.areaLevel === 'street' ? streets : scope.areaLevel === 'community' ? communities : members.map(gridRow);

    // The department rollups are district-wide and count no dispute outcomes: a department's resolved disputes stay 0.
    const perDept = new Map<string, RankSums>();
    const deptRows = figuresOnly ? [] : scope.id ? this.reads.departmentSumsOfRegion(scope.id, window.from, window.to) : reads.perDeptKind();
    for (const row of deptRows) {
      let sums = perDept.get(row.department_id);
      if (!sums) perDept.set(row.department_id, (sums = zeroRankSums()));
      sums.total += row.total;
      sums.closed += row.closed;
      sums.onTime += row.on_time;
      if (row.kind === 'appeal') {
        sums.satSatisfied += row.sat_satisfied;
        sums.satBasic += row.sat_basic;
        sums.satDissatisfied += row.sat_dissatisfied;
      }
      if (row.kind === 'dispute') sums.disputes += row.total;
    }
    const departments = (figuresOnly ? [] : [...this.departments.entries()]).map(([id, name]) => {
      const sums = perDept.get(id) ?? zeroRankSums();
      sums.overdue = overdueByDept.get(id) ?? 0;
      return rankingRow(id, name, null, sums, 0, 0);
    });

    const satisfied = t.appeals.sat_satisfied;
    const basic = t.appeals.sat_basic;
    const dissatisfied = t.appeals.sat_dissatisfied;
    const funnel = Object.fromEntries(STAGES.map((s) => [s, s === 'closed' ? t.all.closed : t.all[`st_${s}` as keyof Sums]])) as Record<Stage, number>;

    return {
      window,
      generatedAt: toShanghaiIso(now),
      seq: state.writeSeq,
      scope,
      totals: {
        events: t.all.total,
        open: t.all.total - t.all.closed,
        closed: t.all.closed,
        onTime: t.all.on_time,
        onTimeRate: onTimeRate({ onTime: t.all.on_time, closed: t.all.closed }),
        overdue: t.overdue,
        critical: t.all.critical,
        byKind,
        appeals: t.appeals.total,
        jointAppeals: t.appeals.joint,
        appealsClosed: t.appeals.closed,
        appealsOnTime: t.appeals.on_time,
        appealsOnTimeRate: onTimeRate({ onTime: t.appeals.on_time, closed: t.appeals.closed }),
        satisfaction: { satisfied, basic, dissatisfied, rate: satisfactionRate({ satisfied, basic, dissatisfied }) },
        disputesFound: t.disputes.total,
        disputesResolved: t.disputes.resolved,
        disputeResolutionRate: disputeResolutionRate({ resolved: t.disputes.resolved, found: t.disputes.total }),
        // Difficulties solved (解决群众困难) = service demands closed as resolved.
        difficultiesSolved: t.services.resolved,
        breaking: t.all.breaking,
      },
      organisation: this.organisationSummary(scope, members, scopeStreets.length, scopeCommunities.length),
      safeGrids: {
        period: official.evaluatedPeriod || period,
        safe: statusCount.safe,
        atRisk: statusCount.at_risk,
        normal: statusCount.normal,
        total: members.length,
        brokenByCriterion,
      },
      funnel,
      streets,
      communities,
      areas,
      departments,
      ...(view ? { view } : {}),
      grids,
      // A copy: a wall in this thread changes its snapshot's columns in place with the deltas.
      brokenGrids: figuresOnly ? { ids: [], states: [] } : { ids: breaks.grids.ids.slice(), states: breaks.grids.states.slice() },
      // At least a month of trend, at most 400 days (a custom window may be years long).
      trend: figuresOnly ? [] : this.trend(window.to, Math.min(400, Math.max(30, dayCount(window.from, window.to))), scope.id),
      recent: this.reads.recentEvents(dayStart(window.from), dayStart(addDays(window.to, 1)), recentLimit, filter).map((r) => this.summary(r, now)),
      // Streets and communities drawn show their open cases as one figure each (their rows): no points to send.
      points: view && view.level !== 'grid' ? [] : this.reads.openPoints(5000, filter, view?.bbox ?? null),
      services: this.serviceTotals(window.from, window.to, scope.id),
    };
  }

  /** CacheReads.overdueNow counted per department, region and grid, kept while it stands (see overdueCache). */
  private overdueNow(now: number, filter: RegionFilter | null, perGrid: boolean, seq: number): OverdueTally {
    const key = `${filter?.column ?? ''}:${filter?.id ?? ''}:${perGrid}`;
    const kept = this.overdueCache.get(key);
    if (kept && kept.seq === seq && kept.at <= now && now <= kept.until) return kept.tally;
    const tally: OverdueTally = { total: 0, byDept: new Map(), inRegion: new Map(), ofGrid: new Map() };
    for (const [streetId, communityId, gridId, departmentId, n] of this.reads.overdueNow(now, filter, perGrid)) {
      tally.total += n;
      if (departmentId) tally.byDept.set(departmentId, (tally.byDept.get(departmentId) ?? 0) + n);
      for (const region of [streetId, communityId]) if (region) tally.inRegion.set(region, (tally.inRegion.get(region) ?? 0) + n);
      const i = gridId === null ? undefined : this.gridIndex.get(gridId);
      if (i !== undefined) tally.ofGrid.set(i, (tally.ofGrid.get(i) ?? 0) + n);
    }
    // A case is overdue once now passes its deadline: the answer stands up to and including the next deadline.
    const until = this.reads.nextOpenDeadline(now) ?? Infinity;
    if (this.overdueCache.size >= 64) this.overdueCache.clear();
    this.overdueCache.set(key, { seq, at: now, until, tally });
    return tally;
  }

  /**
   * The scope's grid profiles added up, kept per scope until the reference data is read again: a city's 20,000
   * profiles took 0.6 ms of every snapshot to add up.
   */
  private profileSums(key: string, members: number[]) {
    let sums = this.profileCache.get(key);
    if (sums) return sums;
    sums = { partyMembers: 0, workforce: 0, population: 0, newGrids: 0 };
    for (const i of members) {
      const profile = this.grids[i].profile;
      sums.partyMembers += profile?.party_members ?? 0;
      sums.workforce += profile?.workforce ?? 0;
      sums.population += profile?.population ?? 0;
      if (profile?.new_in_2022) sums.newGrids++;
    }
    this.profileCache.set(key, sums);
    return sums;
  }

  /** The scope a region id names: the district for none (or the district's own id), a street, a community. */
  scope(region: string | null): Scope {
    const top: ScopeStep = { id: null, level: 'district', name: this.district?.name ?? '' };
    const row = region ? this.regions.get(region) : undefined;
    if (!row || (row.level !== 'street' && row.level !== 'community'))
      return { ...top, path: [top], areaLevel: 'street', unknown: region && row?.level !== 'district' ? region : null };
    const street = row.street_id ? this.regions.get(row.street_id) : undefined;
    const path: ScopeStep[] = [top];
    if (street) path.push({ id: street.id, level: 'street', name: street.name });
    if (row.level === 'community') path.push({ id: row.id, level: 'community', name: row.name });
    return { id: row.id, level: row.level, name: row.name, path, areaLevel: row.level === 'street' ? 'community' : 'grid', unknown: null };
  }

  private parentName(region: RegionRow): string | null {
    return region.parent_id ? (this.regions.get(region.parent_id)?.name ?? null) : null;
  }

  /**
   * Where a window's sums per grid, per kind and per department come from. A window that starts a week, a month or
   * a year and ends in it, today or later, is that period's rollup rows as they stand (no case is reported after
   * today: 本周, 本月 and 本年 read a row per grid; departments have month rollups only); any other window sums
   * whole months and the days around them. The district totals per kind sum the window's days of the day × kind rollup.
   */
  private rollupReads(from: number, to: number, today: number) {
    const period = runningPeriod(from, to, today);
    return {
      perGrid: (pick: GridPick | null = null) => this.reads.gridSums(period ?? windowSource(from, to, today), pick),
      perRegion: () => this.reads.regionSums(period ?? windowSource(from, to, today)),
      perKind: (region: string | null) => this.reads.kindSums(from, to, region),
      perDeptKind: (): Iterable<DeptRow> =>
        this.reads.departmentSums(period?.of === 'month' ? { of: 'month', key: period.key } : windowSource(from, to, today)),
    };
  }

  /**
   * The grids titled safe by the evaluation that counts for a period: by grid index, and counted per street and
   * community and for the district (under ''), so a snapshot counts a scope's titles without visiting its grids.
   * Held as of the cache's evaluations sequence (014): read again when an evaluation was written or went.
   */
  private officialStatus(period: string, seq: number): OfficialStatus {
    if (this.officialCache?.period === period && this.officialCache.seq === seq) return this.officialCache;
    const safe = new Uint8Array(this.grids.length);
    const safeIn = new Map<string, number>();
    let evaluatedPeriod = '';
    let evaluatedOrder = 0;
    for (const e of this.reads.latestEvaluations(periodOrderEndingBy(period))) {
      const i = this.gridIndex.get(e.grid_id);
      if (i !== undefined && e.safe === 1 && !safe[i]) {
        safe[i] = 1;
        for (const id of ['', this.grids[i].street_id, this.grids[i].community_id]) if (id !== null) safeIn.set(id, (safeIn.get(id) ?? 0) + 1);
      }
      if (e.period_key > evaluatedOrder) [evaluatedPeriod, evaluatedOrder] = [e.period, e.period_key];
    }
    return (this.officialCache = { period, seq, safe, safeIn, evaluatedPeriod });
  }

  /**
   * The grids of a scope that broke a criterion this assessment period, and what follows from them, as of the breaks
   * and evaluations sequences: at city scale (5,000 such grids) building them took 6–7 ms of every snapshot.
   */
  private scopeBreaks(
    scopeId: string | null,
    inScope: Uint8Array | null,
    from: number,
    today: number,
    state: SyncState,
    official: OfficialStatus,
  ): ScopeBreaks {
    const key = `${from}:${today}:${state.breaksSeq}:${official.period}:${state.evaluationsSeq}:${scopeId ?? ''}`;
    const kept = this.breaksOfScope.get(key);
    if (kept) return kept;
    const brokenOf = new Map<number, SafeCriterion[]>();
    const byCriterion = Object.fromEntries(SAFE_CRITERIA.map((c) => [c, 0])) as Record<SafeCriterion, number>;
    for (const [i, criterion] of this.brokenSince(from, today, state.breaksSeq)) {
      if (inScope && !inScope[i]) continue;
      const broken = brokenOf.get(i);
      if (broken) broken.push(criterion);
      else brokenOf.set(i, [criterion]);
      byCriterion[criterion]++;
    }
    let atRisk = 0;
    const grids: BrokenGrids = { ids: [], states: [] };
    for (const [i, broken] of brokenOf) {
      const titled = official.safe[i] === 1;
      if (titled) atRisk++;
      grids.ids.push(this.grids[i].id);
      grids.states.push(breakState(titled, broken));
    }
    // The risk list's order (riskRank), then by code (grid index).
    const rank = (i: number, broken: readonly SafeCriterion[]) => riskRank(official.safe[i] === 1 ? 'at_risk' : 'normal', broken.length);
    const riskRows = [...brokenOf]
      .sort(([a, ca], [b, cb]) => rank(a, ca) - rank(b, cb) || a - b)
      .slice(0, RISK_ROWS)
      .map(([i]) => i);
    if (this.breaksOfScope.size >= 32) this.breaksOfScope.clear();
    const breaks = { brokenOf, byCriterion, atRisk, grids, riskRows };
    this.breaksOfScope.set(key, breaks);
    return breaks;
  }

  private brokenSince(from: number, today: number, seq: number): [grid: number, criterion: SafeCriterion][] {
    const key = `${from}:${today}:${seq}`;
    if (this.breaksCache?.key === key) return this.breaksCache.rows;
    const rows: [number, SafeCriterion][] = [];
    for (const [gridId, criterion] of this.reads.brokenCriteria(from, today)) {
      const i = this.gridIndex.get(gridId);
      if (i !== undefined) rows.push([i, criterion]);
    }
    this.breaksCache = { key, rows };
    return rows;
  }

  private serviceTotals(from: number, to: number, region: string | null): SceneSnapshot['services'] {
    const out = { projects: 0, volunteerSessions: 0, microWishes: 0, demandsMatched: 0, peopleReached: 0, volunteers: 0 };
    for (const row of this.reads.serviceSums(from, to, region)) {
      if (row.type === 'project') out.projects += row.count;
      else if (row.type === 'volunteer_session') out.volunteerSessions += row.count;
      else if (row.type === 'micro_wish') out.microWishes += row.count;
      else if (row.type === 'demand_matched') out.demandsMatched += row.count;
      out.peopleReached += row.people;
      out.volunteers += row.volunteers;
    }
    return out;
  }

  private trend(to: number, days: number, region: string | null): SceneSnapshot['trend'] {
    const from = addDays(to, -(days - 1));
    const points = new Map<number, SceneSnapshot['trend'][number]>();
    for (let d = from; d <= to; d = addDays(d, 1))
      points.set(d, { day: d, byKind: Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<EventKind, number>, closed: 0, disputesResolved: 0 });
    for (const [day, kind, total, closed, resolved] of this.reads.kindDays(from, to, region)) {
      const p = points.get(day);
      if (!p) continue;
      p.byKind[kind] += total;
      p.closed += closed;
      if (kind === 'dispute') p.disputesResolved += resolved;
    }
    return [...points.values()];
  }

  /**
   * The organisation of the scope: its streets, communities and grids, and what its grids' profiles add up to. The
   * people figures (party branches, volunteers, enforcement staff, …) are the district's: null at a narrower scope.
   */
  private organisationSummary(scope: Scope, members: number[], streets: number, communities: number): SceneSnapshot['organisation'] {
    const { partyMembers, workforce, population, newGrids } = this.profileSums(scope.id ?? '', members);
    const people = scope.id === null ? this.organisation?.people : undefined;
    const district = (n: number | undefined) => (scope.id === null ? (n ?? 0) : null);
    return {
      streets,
      communities,
      grids: members.length,
      newGrids,
      partyBranches: district(people?.party_branches),
      partyMembers: people?.party_members ?? partyMembers,
      workforce,
      fullTimeWorkers: district(people?.full_time_workers),
      enforcementStaff: district(people?.enforcement_staff),
      volunteers: district(people?.volunteers),
      volunteerTeams: district(people?.volunteer_teams),
      population,
    };
  }

  /** The streets and their communities by name, in code order. */
  regionList(): RegionList {
    const named = (r: RegionRow) => ({ id: r.id, name: r.name });
    return { streets: this.streets.map((s) => ({ ...named(s), communities: (this.communitiesOf.get(s.id) ?? []).map(named) })) };
  }

  /** The map's regions as GeoJSON FeatureCollections, one per level. */
  mapRegions(): MapRegions {
    const rows = this.reads.mapRegions();
    const meta = this.reads.regionsMeta();
    const collections: Record<RegionRow['level'], { type: 'FeatureCollection'; features: unknown[] }> = {
      district: { type: 'FeatureCollection', features: [] },
      street: { type: 'FeatureCollection', features: [] },
      community: { type: 'FeatureCollection', features: [] },
      grid: { type: 'FeatureCollection', features: [] },
    };
    const bbox: [number, number, number, number] = [180, 90, -180, -90];
    let synthetic = false;
    for (const r of rows) {
      const geometry = JSON.parse(r.geometry) as { coordinates: unknown };
      if (r.level !== 'district') extendBbox(bbox, geometry.coordinates);
      synthetic ||= r.synthetic === 1 && r.level === 'grid';
      collections[r.level].features.push({
        type: 'Feature',
        id: r.id,
        properties: { id: r.id, name: r.name, level: r.level, code: r.code, parentId: r.parent_id },
        geometry,
      });
    }
    return {
      datum: meta.datum,
      attribution: meta.attribution,
      synthetic,
      bbox,
      district: collections.district,
      streets: collections.street,
      communities: collections.community,
      grids: collections.grid,
    };
  }

  gridDetail(gridId: string, now = Date.now()): GridDetail | null {
    const grid = this.regions.get(gridId);
    if (!grid || grid.level !== 'grid') return null;
    const today = shanghaiDay(now);
    const period = quarterOf(today);
    const range = assessmentPeriodRange(period);
    const latest = this.reads.latestEvaluationOfGrid(gridId, periodOrderEndingBy(period));
    const broken = this.reads.brokenCriteriaOfGrid(gridId, range.from, today);
    const officialSafe = latest?.safe === 1;
    return {
      id: grid.id,
      code: grid.code,
      name: grid.name,
      communityName: grid.community_id ? (this.regions.get(grid.community_id)?.name ?? '') : '',
      streetName: grid.street_id ? (this.regions.get(grid.street_id)?.name ?? '') : '',
      profile: grid.profile,
      status: gridStatus(officialSafe, broken),
      officialSafe,
      period: latest?.period ?? period,
      broken,
      openCases: this.reads.openEventsOfGrid(gridId).map((r) => this.summary(r, now)),
    };
  }

  /** The small push the wall gets after a sync batch. */
  delta(batch: AppliedBatch, now = Date.now()): SceneDelta | null {
    if (!batch.events.length && !batch.deletedEventIds.length && !batch.evaluations.length && !batch.services.length) return null;
    // The grids a case left (moved or deleted) are in the counts, with the case taken off: their status may change too.
    const touched = new Set<string>([
      ...batch.events.map((e) => e.grid_id),
      ...batch.evaluations.map((e) => e.grid_id),
      ...(batch.counts ?? []).map((c) => c.gridId),
    ]);
    const grids: GridState[] = [];
    // A bootstrap page touches most grids: the wall re-reads the snapshot instead of one grid at a time.
    if (touched.size && touched.size <= 50 && !batch.truncated) {
      const today = shanghaiDay(now);
      for (const id of touched) {
        const detail = this.gridDetail(id, now);
        if (!detail) continue;
        const counts = this.reads.gridDay(id, today);
        grids.push({ id, status: detail.status, events: counts.events, open: counts.open, critical: counts.critical, broken: detail.broken });
      }
    }
    const events = batch.events
      .slice(-200)
      .reverse()
      .map((e) => this.summaryFromEvent(e, now));
    const counts = batch.counts ?? null;
    return {
      // A wall adds the counts only to snapshots read before this batch was written (of a lower sequence).
      seq: batch.seq,
      events,
      removed: batch.deletedEventIds,
      grids,
      counts,
      // The counts say what cases did; evaluations (official titles) and services are re-read.
      totalsChanged: counts === null || batch.evaluations.length > 0 || batch.services.length > 0,
      referenceChanged: false,
    };
  }

  private summary(r: EventRow, now: number): EventSummary {
    const grid = this.regions.get(r.grid_id);
    return {
      id: r.id,
      kind: r.kind,
      severity: r.severity,
      source: r.source,
      stage: r.stage,
      title: r.title,
      gridId: r.grid_id,
      gridName: grid?.name ?? r.grid_id,
      streetName: grid?.street_id ? (this.regions.get(grid.street_id)?.name ?? '') : '',
      location: [r.lon, r.lat],
      reportedAt: toShanghaiIso(r.reported_at),
      deadline: toShanghaiIso(r.deadline),
      overdue: r.stage !== 'closed' && r.deadline < now,
      department: r.department_id ? (this.departments.get(r.department_id) ?? null) : null,
      criterion: r.criterion,
      satisfaction: r.satisfaction,
      reporter: [maskName(r.reporter_name), maskPhone(r.reporter_phone)].filter(Boolean).join(' '),
    };
  }

  private summaryFromEvent(e: Event, now: number): EventSummary {
    return this.summary(
      {
        id: e.id,
        kind: e.kind,
        severity: e.severity,
        source: e.source,
        stage: e.stage,
        title: e.title,
        grid_id: e.grid_id,
        lon: e.location[0],
        lat: e.location[1],
        reported_at: Date.parse(e.stages.reported),
        deadline: Date.parse(e.deadline),
        department_id: e.department_id,
        criterion: e.criterion,
        satisfaction: e.satisfaction,
        reporter_name: e.reporter?.name ?? null,
        reporter_phone: e.reporter?.phone ?? null,
      },
      now,
    );
  }
}

/** A GridSumsRow (grid's or region's) as the sums a ranking and the map read. */
function gridSums(r: GridSumsRow): GridSums {
  return {
    total: r[1],
    closed: r[2],
    onTime: r[3],
    critical: r[4],
    disputes: r[5],
    disputesResolved: r[6],
    satSatisfied: r[7],
    satBasic: r[8],
    satDissatisfied: r[9],
    overdue: 0,
  };
}

function rankingRow(id: string, name: string, parentName: string | null, a: RankSums, safeGrids: number, grids: number): RankingRow {
  const rated = a.satSatisfied + a.satBasic + a.satDissatisfied;
  return {
    id,
    name,
    parentName,
    events: a.total,
    open: a.total - a.closed,
    closed: a.closed,
    onTime: a.onTime,
    onTimeRate: onTimeRate({ onTime: a.onTime, closed: a.closed }),
    satisfaction: satisfactionRate({ satisfied: a.satSatisfied, basic: a.satBasic, dissatisfied: a.satDissatisfied }),
    rated,
    satisfied: a.satSatisfied,
    basic: a.satBasic,
    dissatisfied: a.satDissatisfied,
    disputesFound: a.disputes,
    disputesResolved: a.disputesResolved,
    disputeResolutionRate: disputeResolutionRate({ resolved: a.disputesResolved, found: a.disputes }),
    overdue: a.overdue,
    safeGrids,
    grids,
  };
}

/** Whether a grid's centre lies in [west, south, east, north]. */
function inBox(box: readonly [number, number, number, number], g: RegionRow): boolean {
  return g.center_lon >= box[0] && g.center_lon <= box[2] && g.center_lat >= box[1] && g.center_lat <= box[3];
}

function extendBbox(bbox: [number, number, number, number], coordinates: unknown) {
  if (Array.isArray(coordinates) && typeof coordinates[0] === 'number') {
    const [x, y] = coordinates as number[];
    bbox[0] = Math.min(bbox[0], x);
    bbox[1] = Math.min(bbox[1], y);
    bbox[2] = Math.max(bbox[2], x);
    bbox[3] = Math.max(bbox[3], y);
  } else if (Array.isArray(coordinates)) for (const c of coordinates) extendBbox(bbox, c);
}
