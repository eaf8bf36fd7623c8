/**
 * The weekly briefing (周报研判): every figure a leader reviews for a period, with its week-on-week (环比) and
 * year-on-year (同比) change, rankings, the worst performers named, the exceptions (overdue cases, safe grids at
 * risk or lost, repeated appeals) and a narrative whose every sentence names the figures it states.
 *
 * Totals and rankings come from the query layer's snapshot of the period (rollups), so the briefing, the wall and
 * the exports agree. Two things are defined here, as of the END of the period (or now, while it is running):
 * - overdue: cases reported before that instant, past their deadline and not closed by then;
 * - safe-grid status: the title held from the latest evaluation before the period's assessment quarter, at risk
 *   when a case in the quarter (up to the period's end) breaks one of the eight criteria.
 *
 * A briefing is of a scope: the district, a street or a community. A scoped briefing reads that region's rollups
 * (its totals, comparisons and trend), counts only its cases (overdue, repeats, departments, case lists) and its
 * grids (safe grids), and ranks the areas one level down; every drill-down carries the scope's filter.
 */
import type { CacheReads, KindSpanRow, OverdueRow, RegionFilter, RegionRow } from '../cache/reads';
import type { SceneQueries } from '../query/scene';
import {
  type Briefing,
  type CaseFilter,
  type CaseRow,
  type Kpi,
  type MetricId,
  type PeriodRequest,
  type RankRow,
  type RepeatGroup,
  type ResolvedPeriod,
  type SafeGridRisk,
  type Span,
  type WorstItem,
} from '../../shared/bridge/briefing';
import type { RankingRow, SceneSnapshot, Scope } from '../../shared/bridge/scene';
import { SAFE_CRITERIA, type EventKind, type SafeCriterion } from '../../shared/api/schemas';
import { change, disputeResolutionRate, onTimeRate, satisfactionRate, type Rate } from '../../shared/kpi/formulas';
import {
  addDays,
  assessmentPeriodRange,
  dayStart,
  periodOrder,
  periodOrderEndingBy,
  periodsEndingWith,
  periodSpecOfKey,
  previousQuarter,
  quarterOf,
  resolvePeriod,
  toShanghaiIso,
} from '../../shared/time';
import { rateDiff } from './format';
import { FigureBook, MIN_BASE, rankedLevels, scopeSubject } from './figures';
import { Names } from './names';
import { buildNarrative } from './narrative';
import { casesById } from './cases';
import { lowSatisfactionCommunities } from './narrative';

const KINDS: EventKind[] = ['appeal', 'dispute', 'hazard', 'incident', 'service'];

export interface BriefingContext {
  reads: CacheReads;
  queries: SceneQueries;
  now: number;
}

/** The figures of one period (current, previous or a year earlier). */
interface PeriodFigures {
  events: number;
  appeals: number;
  closed: number;
  onTimeRate: Rate;
  satisfaction: Rate;
  disputesFound: number;
  disputesResolved: number;
  disputeResolutionRate: Rate;
  overdue: number;
  breaking: number;
  repeatAppeals: number;
  jointAppeals: number;
  difficultiesSolved: number;
}

/** End of a period as an instant: midnight after its last day, or now while it runs. */
export function asOfInstant(span: Span, now: number): number {
  return Math.min(now, dayStart(addDays(span.to, 1)));
}

/**
 * The figures of a comparison period (环比, 同比) straight from the rollups: the same sums and the same KPI
 * formulas as the query layer's snapshot, without the parts of a snapshot a comparison does not need.
 */
function comparisonOf(
  reads: CacheReads,
  span: Span,
  scope: Scope,
): { figures: Omit<PeriodFigures, 'overdue' | 'repeatAppeals'>; events: { regions: Map<string, number>; departments: Map<string, number> } } {
  const filter = regionFilterOf(scope);
  const rows = reads.kindSpan(span.from, span.to, scope.id);
  const sum = (pick: (r: KindSpanRow) => number, kind?: EventKind) => rows.filter((r) => !kind || r.kind === kind).reduce((n, r) => n + pick(r), 0);
  const closed = sum((r) => r.closed);
  const appeal = rows.find((r) => r.kind === 'appeal');
  const disputesFound = sum((r) => r.total, 'dispute');
  const disputesResolved = sum((r) => r.resolved, 'dispute');
  const events = { regions: new Map<string, number>(), departments: new Map<string, number>() };
  // Grids too: a community's briefing ranks its grids.
  for (const r of reads.gridSpanTotals(span.from, span.to, filter)) {
    for (const id of [r.street, r.community, r.grid]) if (id) events.regions.set(id, (events.regions.get(id) ?? 0) + r.n);
  }
  for (const r of reads.departmentSpanTotals(span.from, span.to, filter)) {
    events.departments.set(r.id, r.n);
  }
  return {
    events,
    figures: {
      events: sum((r) => r.total),
      appeals: sum((r) => r.total, 'appeal'),
      closed,
      onTimeRate: onTimeRate({ onTime: sum((r) => r.on_time), closed }),
      satisfaction: satisfactionRate({ satisfied: appeal?.s ?? 0, basic: appeal?.b ?? 0, dissatisfied: appeal?.d ?? 0 }),
      disputesFound,
      disputesResolved,
      disputeResolutionRate: disputeResolutionRate({ resolved: disputesResolved, found: disputesFound }),
      breaking: sum((r) => r.breaking),
      jointAppeals: sum((r) => r.joint, 'appeal'),
      difficultiesSolved: sum((r) => r.resolved, 'service'),
    },
  };
}

function snapshotOf(ctx: BriefingContext, span: Span, scope: Scope): SceneSnapshot {
  return ctx.queries.snapshot({ preset: 'custom', from: span.from, to: span.to }, ctx.now, scope.id, null, 0);
}

/** The events' filter of a street or community scope; null for the district. */
export function regionFilterOf(scope: Scope): RegionFilter | null {
  return scope.id === null ? null : { column: scope.level === 'street' ? 'street_id' : 'community_id', id: scope.id };
}

/** The case filter that keeps a drill-down within a scope (empty for the district). */
export function scopeCaseFilter(scope: Scope): CaseFilter {
  return scope.id === null ? {} : scope.level === 'street' ? { streetId: scope.id } : { communityId: scope.id };
}

/** Whether a grid lies within a scope. */
function gridIn(scope: Scope): (g: RegionRow) => boolean {
  if (scope.id === null) return () => true;
  return scope.level === 'street' ? (g) => g.street_id === scope.id : (g) => g.community_id === scope.id;
}

function figuresOf(ctx: BriefingContext, snap: SceneSnapshot, span: Span, overdue: number, filter: RegionFilter | null): PeriodFigures {
  const t = snap.totals;
  const repeats = ctx.reads.repeatCount(span.from, span.to, filter);
  return {
    events: t.events,
    appeals: t.appeals,
    closed: t.closed,
    onTimeRate: t.onTimeRate,
    satisfaction: t.satisfaction.rate,
    disputesFound: t.disputesFound,
    disputesResolved: t.disputesResolved,
    disputeResolutionRate: t.disputeResolutionRate,
    overdue,
    breaking: t.breaking,
    repeatAppeals: repeats,
    jointAppeals: t.jointAppeals,
    difficultiesSolved: t.difficultiesSolved,
  };
}

const KPI_DEFS: { metric: keyof PeriodFigures & MetricId; unit: 'count' | 'rate'; better: Kpi['better']; drill: CaseFilter | null }[] = [
  { metric: 'events', unit: 'count', better: 'neutral', drill: {} },
  { metric: 'appeals', unit: 'count', better: 'neutral', drill: { kind: 'appeal' } },
  { metric: 'closed', unit: 'count', better: 'up', drill: { status: 'closed' } },
  { metric: 'onTimeRate', unit: 'rate', better: 'up', drill: { status: 'late' } },
  { metric: 'satisfaction', unit: 'rate', better: 'up', drill: { kind: 'appeal', status: 'dissatisfied' } },
  { metric: 'disputesFound', unit: 'count', better: 'neutral', drill: { kind: 'dispute' } },
  { metric: 'disputeResolutionRate', unit: 'rate', better: 'up', drill: { kind: 'dispute', status: 'unresolved' } },
  { metric: 'overdue', unit: 'count', better: 'down', drill: { status: 'overdue' } },
  { metric: 'breaking', unit: 'count', better: 'down', drill: { status: 'breaking' } },
  { metric: 'repeatAppeals', unit: 'count', better: 'down', drill: { status: 'repeat' } },
  { metric: 'jointAppeals', unit: 'count', better: 'neutral', drill: { kind: 'appeal', status: 'joint' } },
  { metric: 'difficultiesSolved', unit: 'count', better: 'up', drill: { kind: 'service', status: 'resolved' } },
];

function trendSeries(reads: CacheReads, p: ResolvedPeriod, region: string | null): Briefing['trend']['periods'] {
  const spans = periodsEndingWith(periodSpecOfKey(p.key)!, 12);
  const rows = reads.kindDayRates(spans[0].from, spans[spans.length - 1].to, region);
  const acc = spans.map(() => ({ events: 0, appeals: 0, closed: 0, onTime: 0, s: 0, b: 0, d: 0, disputes: 0, resolved: 0 }));
  for (const r of rows) {
    const i = spans.findIndex((s) => r.day >= s.from && r.day <= s.to);
    if (i < 0) continue;
    const a = acc[i];
    a.events += r.total;
    a.closed += r.closed;
    a.onTime += r.on_time;
    if (r.kind === 'appeal') {
      a.appeals += r.total;
      a.s += r.s;
      a.b += r.b;
      a.d += r.d;
    }
    if (r.kind === 'dispute') {
      a.disputes += r.total;
      a.resolved += r.resolved;
    }
  }
  return spans.map((s, i) => {
    const a = acc[i];
    return {
      key: s.key,
      from: s.from,
      to: s.to,
      events: a.events,
      appeals: a.appeals,
      closed: a.closed,
      onTimeRate: onTimeRate({ onTime: a.onTime, closed: a.closed }),
      satisfaction: satisfactionRate({ satisfied: a.s, basic: a.b, dissatisfied: a.d }),
      disputeResolutionRate: disputeResolutionRate({ resolved: a.resolved, found: a.disputes }),
    };
  });
}

export type GridTitle = 'safe' | 'at_risk' | 'lost' | 'none';

function safeGridStatus(
  reads: CacheReads,
  names: Names,
  p: ResolvedPeriod,
  within: (g: RegionRow) => boolean,
): { risks: SafeGridRisk[]; summary: Briefing['safeGrids']; titleOf: Map<string, GridTitle> } {
  const quarter = quarterOf(p.to);
  // The two evaluations before this quarter decide the title held now and whether it was just lost.
  // Periods in order of their end, a half-year after its quarters (periodOrder): those that ended before this quarter.
  const lastQuarter = previousQuarter(quarter);
  const lower = periodOrder(previousQuarter(lastQuarter));
  const history = new Map<string, { period: string; safe: boolean; broken: string }[]>();
  for (const e of reads.evaluationHistory(periodOrderEndingBy(lastQuarter), lower)) {
    const list = history.get(e.grid_id) ?? [];
    if (list.length < 2) list.push({ period: e.period, safe: e.safe === 1, broken: e.broken });
    history.set(e.grid_id, list);
  }
  const range = assessmentPeriodRange(quarter);
  const broken = new Map<string, { criteria: SafeCriterion[]; first: number }>();
  for (const b of reads.brokenCriteriaSince(range.from, p.to)) {
    const entry = broken.get(b.grid_id) ?? { criteria: [], first: b.first };
    entry.criteria.push(b.criterion);
    entry.first = Math.min(entry.first, b.first);
    broken.set(b.grid_id, entry);
  }
  const order = (c: SafeCriterion) => SAFE_CRITERIA.indexOf(c);
  const risks: SafeGridRisk[] = [];
  const titleOf = new Map<string, GridTitle>();
  let safe = 0;
  let total = 0;
  for (const r of names.regions.values()) {
    if (r.level !== 'grid' || !within(r)) continue;
    total++;
    const [latest, before] = history.get(r.id) ?? [];
    const place = names.gridPlace(r.id);
    const b = broken.get(r.id);
    titleOf.set(r.id, latest?.safe ? (b ? 'at_risk' : 'safe') : 'none');
    if (latest?.safe) {
      if (b) {
        risks.push({
          gridId: r.id,
          ...place,
          status: 'at_risk',
          period: quarter,
          criteria: b.criteria.sort((x, y) => order(x) - order(y)),
          firstBrokenDay: b.first,
          newInPeriod: b.first >= p.from,
        });
      } else safe++;
    } else if (latest && !latest.safe && before?.safe && periodOrderEndingBy(latest.period) === periodOrderEndingBy(lastQuarter)) {
      titleOf.set(r.id, 'lost');
      const criteria = JSON.parse(latest.broken) as SafeCriterion[];
      risks.push({
        gridId: r.id,
        ...place,
        status: 'lost',
        period: latest.period,
        criteria: criteria.sort((x, y) => order(x) - order(y)),
        firstBrokenDay: null,
        newInPeriod: false,
      });
    }
  }
  risks.sort((a, b) =>
    a.status === b.status
      ? Number(b.newInPeriod) - Number(a.newInPeriod) || (b.firstBrokenDay ?? 0) - (a.firstBrokenDay ?? 0)
      : a.status === 'at_risk'
        ? -1
        : 1,
  );
  return {
    risks,
    titleOf,
    summary: {
      period: quarter,
      safe,
      atRisk: risks.filter((r) => r.status === 'at_risk').length,
      lost: risks.filter((r) => r.status === 'lost').length,
      total,
    },
  };
}

function repeatGroups(reads: CacheReads, names: Names, span: Span, filter: RegionFilter | null): RepeatGroup[] {
  const rows = reads.repeats(span.from, span.to, filter);
  const groups = new Map<string, { ids: string[]; titles: Map<string, number>; departments: Set<string> }>();
  for (const r of rows) {
    const g = groups.get(r.grid_id) ?? { ids: [] as string[], titles: new Map<string, number>(), departments: new Set<string>() };
    g.ids.push(r.id);
    g.titles.set(r.title, (g.titles.get(r.title) ?? 0) + 1);
    if (r.department_id) g.departments.add(names.departments.get(r.department_id)?.short ?? r.department_id);
    groups.set(r.grid_id, g);
  }
  return [...groups.entries()]
    .map(([gridId, g]) => ({
      gridId,
      ...names.gridPlace(gridId),
      count: g.ids.length,
      title: [...g.titles.entries()].sort((a, b) => b[1] - a[1])[0][0],
      departments: [...g.departments],
      caseIds: g.ids.slice(0, 50),
    }))
    .sort((a, b) => b.count - a.count || a.gridId.localeCompare(b.gridId));
}

function rankRows(rows: RankingRow[], prev: Map<string, number>, overdue: Map<string, number>): RankRow[] {
  const ranked = rows
    .map((r) => ({
      ...r,
      overdue: overdue.get(r.id) ?? 0,
      previousEvents: prev.get(r.id) ?? 0,
      wow: change(r.events, prev.get(r.id) ?? 0),
      rank: 0,
      fullName: null as string | null,
    }))
    .sort((a, b) => b.events - a.events || a.name.localeCompare(b.name, 'zh-CN'));
  ranked.forEach((r, i) => (r.rank = i + 1));
  return ranked;
}

function countBy(rows: OverdueRow[], key: (r: OverdueRow) => string | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    const k = key(r);
    if (k) out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

function drillFor(level: WorstItem['level'], id: string): CaseFilter {
  return level === 'street' ? { streetId: id } : level === 'community' ? { communityId: id } : level === 'grid' ? { gridId: id } : { departmentId: id };
}

function worstOf(book: FigureBook, b: Pick<Briefing, 'scope' | 'rankings'>): WorstItem[] {
  const out: WorstItem[] = [];
  const levels: [WorstItem['level'], RankRow[]][] = [...rankedLevels(b), ['department', b.rankings.departments]];
  for (const [level, rows] of levels) {
    const min = MIN_BASE[level];
    const metrics: {
      metric: WorstItem['metric'];
      value: (r: RankRow) => number | null;
      base: (r: RankRow) => number;
      status: CaseFilter['status'];
      kind?: EventKind;
    }[] = [
      { metric: 'onTimeRate', value: (r) => r.onTimeRate, base: (r) => r.closed, status: 'late' },
      { metric: 'satisfaction', value: (r) => r.satisfaction, base: (r) => r.rated, status: 'dissatisfied', kind: 'appeal' },
      { metric: 'disputeResolutionRate', value: (r) => r.disputeResolutionRate, base: (r) => r.disputesFound, status: 'unresolved', kind: 'dispute' },
    ];
    for (const m of metrics) {
      const candidates = rows.filter((r) => m.value(r) !== null && m.base(r) >= min && m.value(r)! < 1);
      candidates.sort((a, b) => m.value(a)! - m.value(b)! || m.base(b) - m.base(a));
      const w = candidates[0];
      if (!w) continue;
      const drill = book.scoped({ ...drillFor(level, w.id), status: m.status, ...(m.kind ? { kind: m.kind } : {}) });
      const figure = book.add({ metric: m.metric, variant: 'value', subject: { level, id: w.id, name: w.name }, unit: 'rate', value: m.value(w), drill });
      out.push({ level, metric: m.metric, id: w.id, name: w.name, parentName: w.parentName, value: m.value(w)!, base: m.base(w), figure, drill });
    }
    const most = [...rows].sort((a, b) => b.overdue - a.overdue)[0];
    if (most && most.overdue > 0) {
      const drill = book.scoped({ ...drillFor(level, most.id), status: 'overdue' as const });
      const figure = book.add({
        metric: 'overdue',
        variant: 'value',
        subject: { level, id: most.id, name: most.name },
        unit: 'count',
        value: most.overdue,
        drill,
      });
      out.push({ level, metric: 'overdue', id: most.id, name: most.name, parentName: most.parentName, value: most.overdue, base: most.overdue, figure, drill });
    }
  }
  return out;
}

/** Adds the figures of a ranking row (value variants) so tables and sentences can cite them. */
export function addRowFigures(book: FigureBook, level: WorstItem['level'], r: RankRow) {
  const subject = { level, id: r.id, name: r.name };
  const base = drillFor(level, r.id);
  book.add({ metric: 'events', variant: 'value', subject, unit: 'count', value: r.events, drill: base });
  book.add({ metric: 'events', variant: 'wow', subject, unit: 'change', value: r.wow, drill: null });
  book.add({ metric: 'closed', variant: 'value', subject, unit: 'count', value: r.closed, drill: { ...base, status: 'closed' } });
  book.add({ metric: 'onTimeRate', variant: 'value', subject, unit: 'rate', value: r.onTimeRate, drill: { ...base, status: 'late' } });
  book.add({
    metric: 'satisfaction',
    variant: 'value',
    subject,
    unit: 'rate',
    value: r.satisfaction,
    drill: { ...base, kind: 'appeal', status: 'dissatisfied' },
  });
  book.add({
    metric: 'disputeResolutionRate',
    variant: 'value',
    subject,
    unit: 'rate',
    value: r.disputeResolutionRate,
    drill: { ...base, kind: 'dispute', status: 'unresolved' },
  });
  book.add({ metric: 'overdue', variant: 'value', subject, unit: 'count', value: r.overdue, drill: { ...base, status: 'overdue' } });
}

export function assembleBriefing(ctx: BriefingContext, request: PeriodRequest, region: string | null = null): Briefing {
  return assemble(ctx, request, region).briefing;
}

/** One grid's row for the XLSX appendix. */
export interface GridRow {
  id: string;
  gridName: string;
  communityName: string;
  streetName: string;
  events: number;
  open: number;
  critical: number;
  title: GridTitle;
  criteria: SafeCriterion[];
}

export interface BriefingDetail {
  /** Lists in the briefing are capped (LIST_CAP) for the screen; the exports use the full ones below. */
  briefing: Briefing;
  names: Names;
  grids: GridRow[];
  safeGrids: SafeGridRisk[];
  repeats: RepeatGroup[];
}

/** Safe grids and repeated-appeal places listed in a briefing; the summaries count them all. */
export const LIST_CAP = 200;

/** The briefing plus what the exports need beyond it (every grid's row, the names). */
export function assemble(ctx: BriefingContext, request: PeriodRequest, region: string | null = null): BriefingDetail {
  const period = resolvePeriod(request);
  const names = new Names(ctx.reads);
  const scope = ctx.queries.scope(region);
  const filter = regionFilterOf(scope);
  const subject = scopeSubject(scope);
  const spans = { current: { from: period.from, to: period.to }, previous: period.previous, lastYear: period.lastYear };
  const snap = snapshotOf(ctx, spans.current, scope);
  const asOf = asOfInstant(spans.current, ctx.now);
  const overdueRows = ctx.reads.overdueAt(asOf, filter);
  const cur = figuresOf(ctx, snap, spans.current, overdueRows.length, filter);
  const previousPeriod = comparisonOf(ctx.reads, spans.previous, scope);
  const lastYearPeriod = comparisonOf(ctx.reads, spans.lastYear, scope);
  const prev: PeriodFigures = {
    ...previousPeriod.figures,
    overdue: ctx.reads.overdueCountAt(asOfInstant(spans.previous, ctx.now), filter),
    repeatAppeals: ctx.reads.repeatCount(spans.previous.from, spans.previous.to, filter),
  };
  const ly: PeriodFigures = {
    ...lastYearPeriod.figures,
    overdue: ctx.reads.overdueCountAt(asOfInstant(spans.lastYear, ctx.now), filter),
    repeatAppeals: ctx.reads.repeatCount(spans.lastYear.from, spans.lastYear.to, filter),
  };

  const book = new FigureBook(scopeCaseFilter(scope));
  const kpis: Kpi[] = KPI_DEFS.map((d) => {
    const value = cur[d.metric];
    const previous = prev[d.metric];
    const lastYear = ly[d.metric];
    const isRate = d.unit === 'rate';
    const wow = isRate ? rateDiff(value, previous) : change(value as number, previous as number);
    const yoy = isRate ? rateDiff(value, lastYear) : change(value as number, lastYear as number);
    const drill = d.drill && book.scoped(d.drill);
    const figure = book.add({ metric: d.metric, variant: 'value', subject, unit: d.unit, value, drill });
    book.add({ metric: d.metric, variant: 'previous', subject, unit: d.unit, value: previous, drill: null });
    book.add({ metric: d.metric, variant: 'lastYear', subject, unit: d.unit, value: lastYear, drill: null });
    book.add({ metric: d.metric, variant: 'wow', subject, unit: isRate ? 'points' : 'change', value: wow, drill: null });
    book.add({ metric: d.metric, variant: 'yoy', subject, unit: isRate ? 'points' : 'change', value: yoy, drill: null });
    return { metric: d.metric, unit: d.unit, value, previous, lastYear, wow, yoy, better: d.better, figure, drill };
  });
  book.add({
    metric: 'disputesResolved',
    variant: 'value',
    subject,
    unit: 'count',
    value: cur.disputesResolved,
    drill: { kind: 'dispute', status: 'resolved' },
  });
  for (const kind of KINDS) {
    book.add({
      metric: 'kind',
      variant: 'value',
      subject: { level: 'kind', id: kind, name: kind },
      unit: 'count',
      value: snap.totals.byKind[kind] ?? 0,
      drill: { kind },
    });
  }

  const overdueByStreet = countBy(overdueRows, (r) => r.street_id);
  const overdueByCommunity = countBy(overdueRows, (r) => r.community_id);
  const overdueByGrid = countBy(overdueRows, (r) => r.grid_id);
  const overdueByDepartment = countBy(overdueRows, (r) => r.department_id);
  const prevEvents = previousPeriod.events.regions;
  // A scope ranks what lies below it (the snapshot's streets and communities of a street's scope include the street).
  const rankings: Briefing['rankings'] = {
    streets: scope.level === 'district' ? rankRows(snap.streets, prevEvents, overdueByStreet) : [],
    communities: scope.level !== 'community' ? rankRows(snap.communities, prevEvents, overdueByCommunity) : [],
    grids: scope.level === 'community' ? rankRows(snap.areas, prevEvents, overdueByGrid) : [],
    departments: rankRows(snap.departments, previousPeriod.events.departments, overdueByDepartment).map((d) => ({
      ...d,
      fullName: names.departments.get(d.id)?.name ?? null,
    })),
  };
  const [[areaLevel, areaRows]] = rankedLevels({ scope, rankings });
  for (const r of areaRows) addRowFigures(book, areaLevel, r);
  // Communities are many (hundreds at city scale): only those the text may name get figures.
  if (scope.level === 'district') for (const r of lowSatisfactionCommunities(rankings.communities)) addRowFigures(book, 'community', r);
  for (const r of rankings.departments) addRowFigures(book, 'department', r);
  const worst = worstOf(book, { scope, rankings });

  const safe = safeGridStatus(ctx.reads, names, period, gridIn(scope));
  book.add({ metric: 'safeGrids', variant: 'value', subject, unit: 'count', value: safe.summary.safe, drill: null });
  book.add({ metric: 'safeGridsAtRisk', variant: 'value', subject, unit: 'count', value: safe.summary.atRisk, drill: { status: 'breaking' } });
  book.add({ metric: 'safeGridsLost', variant: 'value', subject, unit: 'count', value: safe.summary.lost, drill: null });

  const repeats = repeatGroups(ctx.reads, names, spans.current, filter);
  for (const g of repeats.slice(0, 10)) {
    book.add({
      metric: 'repeatAppeals',
      variant: 'value',
      subject: { level: 'grid', id: g.gridId, name: g.gridName },
      unit: 'count',
      value: g.count,
      drill: { gridId: g.gridId, status: 'repeat' },
    });
  }

  const longest = [...overdueRows]
    .sort((a, b) => a.deadline - b.deadline || (a.id < b.id ? -1 : 1))
    .slice(0, 50)
    .map((r) => r.id);
  const overdueCases: CaseRow[] = casesById(ctx.reads, names, longest, asOf);
  const named = (map: Map<string, number>, nameOf: (id: string) => string) =>
    [...map.entries()].map(([id, count]) => ({ id, name: nameOf(id), count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'zh-CN'));
  const overdueByArea = { street: overdueByStreet, community: overdueByCommunity, grid: overdueByGrid }[scope.areaLevel];

  const daily = snap.trend.filter((t) => t.day >= period.from && t.day <= period.to).map((t) => ({ day: t.day, byKind: t.byKind, closed: t.closed }));
  const { demo, cursorRev } = ctx.reads.syncState();

  const partial: Omit<Briefing, 'narrative'> = {
    period,
    scope,
    generatedAt: toShanghaiIso(ctx.now),
    asOf: toShanghaiIso(asOf),
    cursorRev,
    kpis,
    byKind: snap.totals.byKind,
    safeGrids: safe.summary,
    trend: { daily, periods: trendSeries(ctx.reads, period, scope.id) },
    rankings,
    worst,
    exceptions: {
      overdue: {
        total: overdueRows.length,
        byDepartment: named(overdueByDepartment, (id) => names.departments.get(id)?.short ?? id),
        byArea: named(overdueByArea, (id) => names.name(id)),
        cases: overdueCases,
      },
      safeGrids: safe.risks,
      repeats,
    },
    figures: book.figures,
    demo,
  };
  const narrative = buildNarrative(partial, book);
  const risks = new Map(safe.risks.map((r) => [r.gridId, r]));
  const grids: GridRow[] = snap.grids.map((g) => ({
    id: g.id,
    ...names.gridPlace(g.id),
    events: g.events,
    open: g.open,
    critical: g.critical,
    title: safe.titleOf.get(g.id) ?? 'none',
    criteria: risks.get(g.id)?.criteria ?? [],
  }));
  const exceptions = { ...partial.exceptions, safeGrids: safe.risks.slice(0, LIST_CAP), repeats: repeats.slice(0, LIST_CAP) };
  return { briefing: { ...partial, exceptions, figures: book.figures, narrative }, names, grids, safeGrids: safe.risks, repeats };
}
