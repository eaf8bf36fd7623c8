/**
 * What the wall's panels show, each defined once and named: the headline counters (KPIS), the charts (CHARTS), the
 * ranking tables (TABLES), the lines beside panel titles (LINES). Pure functions of a WallContext — the two
 * snapshots, the live grid states, the grid look-up, chart sizes, translation — so a scene is a list of these names
 * (scenes.ts) and `useWallDerived` computes each once, whichever scenes show it. Numbers are only arranged and
 * formatted here; every rate comes from the query layer (shared/kpi/formulas).
 */
import { SAFE_CRITERIA, type EventKind, type Stage } from '../../../shared/api/schemas';
import type { BrokenGrids, GridState, SceneSnapshot } from '../../../shared/bridge/scene';
import type { WallChartOption } from '../common/charts/echarts';
import {
  barsOption,
  donutOption,
  groupedBarsOption,
  matrixOption,
  num,
  pct,
  rateGaugeOption,
  stackedBarsOption,
  trendOption,
  type Sizes,
  type Translate,
} from '../common/charts/options';
import { SERIES_COLORS } from '../common/charts/theme';
import { KIND_COLOR, KIND_GLYPH, STATUS_COLOR } from '../map/palette';
import { criteriaByArea, lastDays, riskList, type GridInfo, type RiskRow } from './derive';
import type { Kpi } from './KpiStrip.vue';
import type { RankColumn, RankRow } from './RankTable.vue';

export interface WallContext {
  year: SceneSnapshot | null;
  today: SceneSnapshot | null;
  /** The year's grid states, kept live by the deltas. */
  grids: readonly GridState[];
  /** Every grid of the year's scope that broke a criterion (SceneSnapshot.brokenGrids), kept live by the deltas. */
  broken: Readonly<BrokenGrids>;
  index: ReadonlyMap<string, GridInfo>;
  s: Sizes;
  t: Translate;
}

/** No grid broke a criterion (or none is known: a wall without its year's snapshot yet). */
export const NO_BREAKS: Readonly<BrokenGrids> = Object.freeze({ ids: [], states: [] });

/** Counters need both windows; a scene shows none until both are in. */
export type KpiContext = WallContext & { year: SceneSnapshot; today: SceneSnapshot };

/** The context as counters read it, once both windows are in (not a copy: its getters stay live). */
export function kpiContext(c: WallContext): KpiContext | null {
  return c.year && c.today ? (c as KpiContext) : null;
}

const satisfactionSub = (c: KpiContext) => {
  const x = c.year.totals.satisfaction;
  return c.t('wall.kpi.satisfactionSub', { n: num(x.satisfied + x.basic + x.dissatisfied) });
};
/** A count of the year (or of today) with its unit and the window it covers. */
const count = (c: KpiContext, key: string, value: number, unit: string, span: 'year' | 'today' = 'year'): Kpi => ({
  key,
  label: c.t(`wall.kpi.${key}`),
  value: num(value),
  unit: c.t(`wall.unit.${unit}`),
  sub: c.t(`wall.window.${span}`),
});

export const KPIS = {
  // Organisation and cases (overview).
  grids: (c: KpiContext): Kpi => {
    const o = c.year.organisation;
    return {
      key: 'grids',
      label: c.t('wall.kpi.grids'),
      value: num(o.grids),
      unit: c.t('wall.unit.grid'),
      sub: c.t('wall.kpi.gridsSub', { streets: o.streets, communities: o.communities }),
    };
  },
  partyMembers: (c: KpiContext): Kpi => {
    const o = c.year.organisation;
    return {
      key: 'partyMembers',
      label: c.t('wall.kpi.partyMembers'),
      value: num(o.partyMembers),
      unit: c.t('wall.unit.person'),
      sub: c.t('wall.kpi.partyMembersSub', { n: num(o.partyBranches) }),
    };
  },
  workforce: (c: KpiContext): Kpi => {
    const o = c.year.organisation;
    return {
      key: 'workforce',
      label: c.t('wall.kpi.workforce'),
      value: num(o.workforce),
      unit: c.t('wall.unit.person'),
      sub: c.t('wall.kpi.workforceSub', { n: num(o.fullTimeWorkers) }),
    };
  },
  todayCases: (c: KpiContext): Kpi => ({
    key: 'todayCases',
    label: c.t('wall.kpi.todayCases'),
    value: num(c.today.totals.events),
    unit: c.t('wall.unit.case'),
    sub: c.t('wall.kpi.todayCasesSub', { n: num(c.year.totals.events) }),
  }),
  openCases: (c: KpiContext): Kpi => {
    const y = c.year.totals;
    return {
      key: 'openCases',
      label: c.t('wall.kpi.openCases'),
      value: num(y.open),
      unit: c.t('wall.unit.case'),
      sub: c.t('wall.kpi.openCasesSub', { n: num(y.overdue) }),
      subAlarm: y.overdue > 0,
    };
  },
  satisfaction: (c: KpiContext): Kpi => ({
    key: 'satisfaction',
    label: c.t('wall.kpi.satisfaction'),
    value: pct(c.year.totals.satisfaction.rate),
    sub: satisfactionSub(c),
    tone: 'good',
  }),

  // Safe grids.
  safeGrids: (c: KpiContext): Kpi => {
    const g = c.year.safeGrids;
    return {
      key: 'safeGrids',
      label: c.t('wall.kpi.safeGrids'),
      value: `${num(g.safe + g.atRisk)}/${num(g.total)}`,
      sub: c.t('wall.kpi.safeGridsSub', { period: g.period }),
      tone: 'good',
    };
  },
  atRisk: (c: KpiContext): Kpi => {
    const g = c.year.safeGrids;
    return {
      key: 'atRisk',
      label: c.t('wall.kpi.atRisk'),
      value: num(g.atRisk),
      unit: c.t('wall.unit.grid'),
      sub: c.t('wall.kpi.atRiskSub'),
      tone: g.atRisk > 0 ? 'alarm' : 'normal',
    };
  },
  normalGrids: (c: KpiContext): Kpi => ({
    key: 'normalGrids',
    label: c.t('wall.kpi.normalGrids'),
    value: num(c.year.safeGrids.normal),
    unit: c.t('wall.unit.grid'),
    sub: c.t('wall.kpi.normalGridsSub'),
  }),
  breaking: (c: KpiContext): Kpi => ({
    key: 'breaking',
    label: c.t('wall.kpi.breaking'),
    value: num(c.year.totals.breaking),
    unit: c.t('wall.unit.case'),
    sub: c.t('wall.kpi.breakingSub'),
  }),

  // Disputes.
  disputesFound: (c: KpiContext): Kpi => count(c, 'disputesFound', c.year.totals.disputesFound, 'case'),
  disputesResolved: (c: KpiContext): Kpi => ({ ...count(c, 'disputesResolved', c.year.totals.disputesResolved, 'case'), tone: 'good' }),
  disputeRate: (c: KpiContext): Kpi => ({
    key: 'disputeRate',
    label: c.t('wall.kpi.disputeRate'),
    value: pct(c.year.totals.disputeResolutionRate),
    sub: c.t('wall.window.year'),
  }),
  disputesToday: (c: KpiContext): Kpi => count(c, 'disputesToday', c.today.totals.disputesFound, 'case', 'today'),

  // 12345 appeals.
  appeals: (c: KpiContext): Kpi => count(c, 'appeals', c.year.totals.appeals, 'case'),
  appealsToday: (c: KpiContext): Kpi => count(c, 'appealsToday', c.today.totals.appeals, 'case', 'today'),
  joint: (c: KpiContext): Kpi => count(c, 'joint', c.year.totals.jointAppeals, 'case'),
  onTime: (c: KpiContext): Kpi => ({
    key: 'onTime',
    label: c.t('wall.kpi.onTime'),
    value: pct(c.year.totals.appealsOnTimeRate),
    sub: c.t('wall.kpi.onTimeSub', { n: num(c.year.totals.appealsClosed) }),
  }),
  overdue: (c: KpiContext): Kpi => {
    const n = c.year.totals.overdue;
    return {
      key: 'overdue',
      label: c.t('wall.kpi.overdue'),
      value: num(n),
      unit: c.t('wall.unit.case'),
      sub: c.t('wall.kpi.overdueSub'),
      tone: n > 0 ? 'alarm' : 'normal',
    };
  },

  // Services.
  demandsMatched: (c: KpiContext): Kpi => count(c, 'demandsMatched', c.year.services.demandsMatched, 'case'),
  projects: (c: KpiContext): Kpi => count(c, 'projects', c.year.services.projects, 'grid'),
  sessions: (c: KpiContext): Kpi => count(c, 'sessions', c.year.services.volunteerSessions, 'times'),
  microWishes: (c: KpiContext): Kpi => count(c, 'microWishes', c.year.services.microWishes, 'grid'),
  peopleReached: (c: KpiContext): Kpi => count(c, 'peopleReached', c.year.services.peopleReached, 'person'),
  difficulties: (c: KpiContext): Kpi => ({ ...count(c, 'difficulties', c.year.totals.difficultiesSolved, 'case'), tone: 'good' }),
} satisfies Record<string, (c: KpiContext) => Kpi>;
export type KpiId = keyof typeof KPIS;

/** The chart of a panel, and what it says instead when it has nothing to draw. */
export interface ChartView {
  option: WallChartOption;
  empty: string | null;
}
const chart = (option: WallChartOption, empty: string | null = null): ChartView => ({ option, empty });

const OPEN_STAGES: Stage[] = ['reported', 'analysed', 'dispatched', 'supervised', 'evaluated'];
const DISPUTE_KINDS: EventKind[] = ['dispute', 'appeal', 'incident', 'hazard', 'service'];
const NO_SATISFACTION: SceneSnapshot['totals']['satisfaction'] = { satisfied: 0, basic: 0, dissatisfied: 0, rate: null };

export type SatisfactionCounts = SceneSnapshot['totals']['satisfaction'];
/** The year's satisfaction counts (the overview's gauge lists them beside it). */
export const satisfactionCounts = (c: WallContext): SatisfactionCounts => c.year?.totals.satisfaction ?? NO_SATISFACTION;

const departments = (c: WallContext) => c.year?.departments ?? [];
/**
 * The scope's areas one level down (a district's streets, a street's communities, a community's grids). A
 * community's grids go without the community's name it already shows (莲花社区第1网格 → 第1网格).
 */
const areas = (c: WallContext): SceneSnapshot['areas'] => {
  const y = c.year;
  if (!y) return [];
  const prefix = y.scope.areaLevel === 'grid' ? y.scope.name : '';
  return prefix ? y.areas.map((r) => (r.name.startsWith(prefix) && r.name.length > prefix.length ? { ...r, name: r.name.slice(prefix.length) } : r)) : y.areas;
};
/** The name column's heading for the scope's areas. */
const areaLabel = (c: WallContext) => c.t(`wall.table.${c.year?.scope.areaLevel ?? 'street'}`);
/** Where disputes gather: the scope's communities, or a community's grids. */
const hotspotRows = (c: WallContext) => (c.year?.scope.level === 'community' ? areas(c) : (c.year?.communities ?? []));

export const CHARTS = {
  funnel: (c: WallContext) =>
    chart(
      barsOption(
        OPEN_STAGES.map((st, i) => ({ name: `${i + 1} ${c.t(`wall.stage.${st}`)}`, value: c.year?.funnel[st] ?? 0, color: SERIES_COLORS[0] })),
        c.s,
      ),
    ),
  /** Disputes found and resolved per day, the last 30 days. */
  disputeTrend: (c: WallContext) => {
    const points = lastDays(c.year?.trend ?? [], 30);
    return chart(
      trendOption(
        points.map((p) => p.day),
        [
          { name: c.t('wall.series.found'), values: points.map((p) => p.byKind.dispute ?? 0), area: true },
          { name: c.t('wall.series.resolved'), values: points.map((p) => p.disputesResolved), dashed: true },
        ],
        c.s,
      ),
    );
  },
  satisfactionGauge: (c: WallContext) => chart(rateGaugeOption(satisfactionCounts(c).rate, c.t('wall.panel.satisfactionRate'), c.s)),
  satisfactionParts: (c: WallContext) => {
    const x = c.year?.totals.satisfaction;
    return chart(
      donutOption(
        [
          { name: c.t('wall.series.satisfied'), value: x?.satisfied ?? 0, color: SERIES_COLORS[2] },
          { name: c.t('wall.series.basic'), value: x?.basic ?? 0, color: SERIES_COLORS[0] },
          { name: c.t('wall.series.dissatisfied'), value: x?.dissatisfied ?? 0, color: SERIES_COLORS[5] },
        ],
        c.s,
      ),
    );
  },

  safeProgress: (c: WallContext) => {
    const g = c.year?.safeGrids;
    return chart(
      donutOption(
        [
          { name: `✓ ${c.t('wall.status.safe')}`, value: g?.safe ?? 0, color: STATUS_COLOR.safe },
          { name: `⚠ ${c.t('wall.status.at_risk')}`, value: g?.atRisk ?? 0, color: STATUS_COLOR.at_risk },
          { name: `○ ${c.t('wall.status.normal')}`, value: g?.normal ?? 0, color: STATUS_COLOR.normal },
        ],
        c.s,
      ),
    );
  },
  criteria: (c: WallContext) => {
    const by = c.year?.safeGrids.brokenByCriterion;
    return chart(
      barsOption(
        SAFE_CRITERIA.map((k) => ({ name: c.t(`wall.criterion.${k}`), value: by?.[k] ?? 0, color: STATUS_COLOR.at_risk })),
        c.s,
      ),
    );
  },
  /** Area × criterion: where the criteria are broken (live grid states). */
  criteriaWhere: (c: WallContext) => {
    const rows = areas(c).map((r) => ({ id: r.id, name: r.name }));
    const m = criteriaByArea(c.broken, c.index, rows, c.year?.scope.areaLevel ?? 'street');
    return chart(
      matrixOption(
        m.rows,
        m.cols.map((k) => c.t(`wall.criterionShort.${k}`)),
        m.cells,
        c.s,
      ),
    );
  },
  safeByStreet: (c: WallContext) => {
    const rows = areas(c);
    return chart(
      stackedBarsOption(
        rows.map((r) => r.name),
        [
          { name: c.t('wall.series.safe'), values: rows.map((r) => r.safeGrids), color: STATUS_COLOR.safe },
          { name: c.t('wall.series.other'), values: rows.map((r) => r.grids - r.safeGrids), color: '#8aa4c4', hatch: true },
        ],
        c.s,
      ),
    );
  },

  disputeRate: (c: WallContext) => chart(rateGaugeOption(c.year?.totals.disputeResolutionRate ?? null, c.t('wall.kpi.disputeRate'), c.s)),
  disputeByStreet: (c: WallContext) => {
    const rows = areas(c);
    return chart(
      groupedBarsOption(
        rows.map((r) => r.name),
        [
          { name: c.t('wall.series.found'), values: rows.map((r) => r.disputesFound) },
          {
            name: c.t('wall.series.resolved'),
            values: rows.map((r) => r.disputesResolved),
            labels: rows.map((r) => `${num(r.disputesResolved)} · ${pct(r.disputeResolutionRate)}`),
          },
        ],
        c.s,
      ),
    );
  },
  kinds: (c: WallContext) =>
    chart(
      donutOption(
        DISPUTE_KINDS.map((k) => ({ name: `${KIND_GLYPH[k]} ${c.t(`wall.kind.${k}`)}`, value: c.year?.totals.byKind[k] ?? 0, color: KIND_COLOR[k] })),
        c.s,
      ),
    ),

  /** Top departments by volume (as many bars as read well in the panel). */
  deptVolume: (c: WallContext) => {
    const rows = [...departments(c)].sort((a, b) => b.events - a.events).slice(0, 8);
    return chart(
      barsOption(
        rows.map((r) => ({ name: r.name, value: r.events })),
        c.s,
        { color: SERIES_COLORS[0] },
      ),
    );
  },
  overdueByDept: (c: WallContext) => {
    const late = departments(c).filter((r) => r.overdue > 0);
    const rows = [...late].sort((a, b) => b.overdue - a.overdue).slice(0, 6);
    const option = barsOption(
      rows.map((r) => ({ name: r.name, value: r.overdue, label: `▲ ${num(r.overdue)}` })),
      c.s,
      { color: SERIES_COLORS[5] },
    );
    return chart(option, late.length ? null : c.t('wall.empty.overdue'));
  },

  serviceMix: (c: WallContext) => {
    const v = c.year?.services;
    return chart(
      donutOption(
        [
          { name: c.t('wall.series.matched'), value: v?.demandsMatched ?? 0, color: SERIES_COLORS[2] },
          { name: c.t('wall.series.projects'), value: v?.projects ?? 0, color: SERIES_COLORS[1] },
          { name: c.t('wall.series.sessions'), value: v?.volunteerSessions ?? 0, color: SERIES_COLORS[0] },
          { name: c.t('wall.series.wishes'), value: v?.microWishes ?? 0, color: SERIES_COLORS[4] },
        ],
        c.s,
      ),
    );
  },
  serviceTrend: (c: WallContext) => {
    const points = lastDays(c.year?.trend ?? [], 30);
    return chart(
      trendOption(
        points.map((p) => p.day),
        [{ name: c.t('wall.series.demands'), values: points.map((p) => p.byKind.service ?? 0), area: true }],
        c.s,
      ),
    );
  },
  /** The people serving; a street's or community's scope has only what its grids' profiles count (no zero bars). */
  forces: (c: WallContext) => {
    const o = c.year?.organisation;
    const bars: { name: string; value: number | null | undefined }[] = [
      { name: c.t('wall.series.partyMembers'), value: o?.partyMembers },
      { name: c.t('wall.series.volunteers'), value: o?.volunteers },
      { name: c.t('wall.series.workforce'), value: o?.workforce },
      { name: c.t('wall.series.enforcement'), value: o?.enforcementStaff },
      { name: c.t('wall.series.fullTime'), value: o?.fullTimeWorkers },
    ];
    return chart(
      barsOption(
        bars.filter((b) => !o || b.value !== null).map((b) => ({ name: b.name, value: b.value ?? 0 })),
        c.s,
        { color: SERIES_COLORS[2] },
      ),
    );
  },
} satisfies Record<string, (c: WallContext) => ChartView>;
export type ChartId = keyof typeof CHARTS;

/** A ranking table's columns, rows and the heading of its name column. */
export interface TableView {
  columns: RankColumn[];
  rows: RankRow[];
  nameLabel: string;
}

type RateRow = { id: string; name: string; events: number; onTimeRate: number | null; satisfaction: number | null; overdue: number };
/** Volume, on-time rate, satisfaction and overdue: how well a department or a street handles its 12345 cases. */
const qualityColumns = (c: WallContext): RankColumn[] => [
  { key: 'events', label: c.t('wall.table.events'), width: 3.1 },
  { key: 'onTime', label: c.t('wall.table.onTime'), width: 3.5 },
  { key: 'satisfaction', label: c.t('wall.table.satisfaction'), width: 3.5 },
  { key: 'overdue', label: c.t('wall.table.overdue'), width: 2.2 },
];
const qualityRow = (r: RateRow): RankRow => ({
  id: r.id,
  name: r.name,
  cells: { events: num(r.events), onTime: pct(r.onTimeRate), satisfaction: pct(r.satisfaction), overdue: num(r.overdue) },
  alarm: r.overdue > 0 ? ['overdue'] : [],
});

export const TABLES = {
  /** The scope's areas by volume, with a bar of their share of the largest. */
  streetRank: (c: WallContext): TableView => {
    const rows = [...areas(c)].sort((a, b) => b.events - a.events);
    const max = Math.max(1, ...rows.map((r) => r.events));
    return {
      columns: [
        { key: 'events', label: c.t('wall.table.events'), width: 3.2 },
        { key: 'open', label: c.t('wall.table.open'), width: 3 },
        { key: 'onTime', label: c.t('wall.table.onTime'), width: 3.5 },
        { key: 'satisfaction', label: c.t('wall.table.satisfaction'), width: 3.5 },
      ],
      rows: rows.map((r) => ({
        id: r.id,
        name: r.name,
        bar: r.events / max,
        cells: { events: num(r.events), open: num(r.open), onTime: pct(r.onTimeRate), satisfaction: pct(r.satisfaction) },
        alarm: r.overdue > 0 ? ['open'] : [],
      })),
      nameLabel: areaLabel(c),
    };
  },
  /** Communities (a community's grids) by disputes found. */
  hotspots: (c: WallContext): TableView => {
    const rows = [...hotspotRows(c)].sort((a, b) => b.disputesFound - a.disputesFound);
    const max = Math.max(1, rows[0]?.disputesFound ?? 1);
    return {
      columns: [
        { key: 'found', label: c.t('wall.series.found'), width: 3 },
        { key: 'resolved', label: c.t('wall.series.resolved'), width: 3 },
        { key: 'rate', label: c.t('wall.table.rate'), width: 3.6 },
      ],
      rows: rows.map((r) => ({
        id: r.id,
        name: r.name,
        sub: r.parentName ?? undefined,
        bar: r.disputesFound / max,
        cells: { found: num(r.disputesFound), resolved: num(r.disputesResolved), rate: pct(r.disputeResolutionRate) },
      })),
      nameLabel: c.t(`wall.table.${c.year?.scope.level === 'community' ? 'grid' : 'community'}`),
    };
  },
  /** The scope's areas by satisfaction, then volume. */
  streetQuality: (c: WallContext): TableView => ({
    columns: qualityColumns(c),
    rows: [...areas(c)].sort((a, b) => (b.satisfaction ?? -1) - (a.satisfaction ?? -1) || b.events - a.events).map(qualityRow),
    nameLabel: areaLabel(c),
  }),
  /** Departments by on-time rate, then volume. */
  deptQuality: (c: WallContext): TableView => ({
    columns: qualityColumns(c),
    rows: [...departments(c)].sort((a, b) => (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) || b.events - a.events).map(qualityRow),
    nameLabel: c.t('wall.table.department'),
  }),
} satisfies Record<string, (c: WallContext) => TableView>;
export type TableId = keyof typeof TABLES;

/** The line beside a panel's title. */
export const LINES = {
  year: (c: WallContext) => c.t('wall.window.year'),
  funnel: (c: WallContext) => (c.year ? c.t('wall.panel.funnelSub', { closed: num(c.year.funnel.closed), rate: pct(c.year.totals.onTimeRate) }) : ''),
  safePeriod: (c: WallContext) => c.year?.safeGrids.period,
  forces: (c: WallContext) => (c.year ? c.t('wall.kpi.volunteersSub', { n: num(c.year.organisation.volunteerTeams) }) : undefined),
} satisfies Record<string, (c: WallContext) => string | undefined>;
export type LineId = keyof typeof LINES;

/** Grids at risk (then normal ones with broken criteria), as the at-risk list shows them. */
export const riskRows = (c: WallContext): RiskRow[] => riskList(c.grids, c.index);
