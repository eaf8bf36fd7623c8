/**
 * What the wall, the briefing and the reports read: the scene snapshot of a time window, the map's regions, a
 * grid's profile, and the live delta pushed after each applied batch. Personal data never appears here unmasked.
 */
import { z } from 'zod';
import { EventKind, EventSource, GridProfile, SafeCriterion, Satisfaction, Severity, Stage } from '../api/schemas';
import { isCalendarDay } from '../time';

/** A day as the app encodes it everywhere (shared/time/day.ts says why). */
export const Day = z.number().int().min(19700101).max(99991231).describe('yyyymmdd, Asia/Shanghai');
/** A day a request names: it must be on the calendar (not 20261131). */
export const CalendarDay = Day.refine(isCalendarDay, 'Not a calendar day.');

export const WindowPreset = z.enum(['today', 'week', 'month', 'year', 'custom']);
export const WindowRequest = z
  .object({ preset: WindowPreset, from: CalendarDay.optional(), to: CalendarDay.optional() })
  .strict()
  .refine((w) => w.preset !== 'custom' || (w.from !== undefined && w.to !== undefined && w.from <= w.to), {
    message: 'A custom window needs from ≤ to (yyyymmdd).',
  });
export type WindowRequest = z.infer<typeof WindowRequest>;

const Count = z.number().int().nonnegative();

/** A street's or community's id, as a scope is asked for (the URL's ?region=, a playlist, a click on the map). */
export const RegionId = z.string().min(1).max(64);
export const ScopeLevel = z.enum(['district', 'street', 'community']);
export type ScopeLevel = z.infer<typeof ScopeLevel>;
/** A step of the breadcrumb 广安区 › 中桥街道 › 某社区; the district's id is null (the whole district). */
export const ScopeStep = z.object({ id: z.string().nullable(), level: ScopeLevel, name: z.string() });
export type ScopeStep = z.infer<typeof ScopeStep>;
/** The region a snapshot is of: the district, a street or a community (a grid opens its profile instead). */
export const Scope = ScopeStep.extend({
  /** From the district down to this scope. */
  path: z.array(ScopeStep).min(1),
  /** What the scope's areas ranking lists: a district its streets, a street its communities, a community its grids. */
  areaLevel: z.enum(['street', 'community', 'grid']),
  /** A region asked for that the cache does not hold (stale link, redrawn division): the district is shown instead. */
  unknown: RegionId.nullable(),
});
export type Scope = z.infer<typeof Scope>;
const RateValue = z.number().min(0).max(1).nullable();

export const SatisfactionCounts = z.object({ satisfied: Count, basic: Count, dissatisfied: Count, rate: RateValue });

export const Totals = z.object({
  events: Count,
  open: Count,
  closed: Count,
  onTime: Count,
  onTimeRate: RateValue,
  overdue: Count.describe('Open past deadline now, whatever the window'),
  critical: Count,
  byKind: z.record(EventKind, Count),
  appeals: Count,
  jointAppeals: Count,
  /** 12345 appeals of the window that are closed, and the share of them closed by their deadline. */
  appealsClosed: Count,
  appealsOnTime: Count,
  appealsOnTimeRate: RateValue,
  satisfaction: SatisfactionCounts,
  disputesFound: Count,
  disputesResolved: Count,
  disputeResolutionRate: RateValue,
  difficultiesSolved: Count.describe('Service demands closed as resolved'),
  breaking: Count.describe('Cases breaking one of the eight safe-grid criteria'),
});
export type Totals = z.infer<typeof Totals>;

/** The district's people figures come as district totals: a street's or community's scope has them as null. */
const DistrictCount = Count.nullable();
export const Organisation = z.object({
  streets: Count,
  communities: Count,
  grids: Count,
  newGrids: Count,
  partyBranches: DistrictCount,
  partyMembers: Count,
  workforce: Count,
  fullTimeWorkers: DistrictCount,
  enforcementStaff: DistrictCount,
  volunteers: DistrictCount,
  volunteerTeams: DistrictCount,
  population: Count,
});

export const SafeGrids = z.object({
  period: z.string(),
  safe: Count,
  atRisk: Count,
  normal: Count,
  total: Count,
  brokenByCriterion: z.record(SafeCriterion, Count),
});

export const RankingRow = z.object({
  id: z.string(),
  name: z.string(),
  parentName: z.string().nullable(),
  events: Count,
  open: Count,
  closed: Count,
  onTime: Count,
  onTimeRate: RateValue,
  satisfaction: RateValue,
  /** 12345 appeals rated, and the parts of the rate (a live delta adds to them). */
  rated: Count,
  satisfied: Count,
  basic: Count,
  dissatisfied: Count,
  disputesFound: Count,
  disputesResolved: Count,
  disputeResolutionRate: RateValue,
  overdue: Count,
  safeGrids: Count,
  grids: Count,
});
export type RankingRow = z.infer<typeof RankingRow>;

export const GridState = z.object({
  id: z.string(),
  status: z.enum(['safe', 'at_risk', 'normal']),
  events: Count,
  open: Count,
  critical: Count,
  broken: z.array(SafeCriterion),
});
export type GridState = z.infer<typeof GridState>;

export const EventSummary = z.object({
  id: z.string(),
  kind: EventKind,
  severity: Severity,
  source: EventSource,
  stage: Stage,
  title: z.string(),
  gridId: z.string(),
  gridName: z.string(),
  streetName: z.string(),
  location: z.tuple([z.number(), z.number()]),
  reportedAt: z.string(),
  deadline: z.string(),
  overdue: z.boolean(),
  department: z.string().nullable(),
  criterion: SafeCriterion.nullable(),
  satisfaction: Satisfaction.nullable(),
  reporter: z.string().describe('Masked: 张** 138****5678'),
});
export type EventSummary = z.infer<typeof EventSummary>;

export const TrendPoint = z.object({ day: Day, byKind: z.record(EventKind, Count), closed: Count, disputesResolved: Count });

export const ServiceTotals = z.object({
  projects: Count,
  volunteerSessions: Count,
  microWishes: Count,
  demandsMatched: Count,
  peopleReached: Count,
  volunteers: Count,
});

/**
 * What a wall's map draws: the level of its regions, and where that is grids, the part of the map in view (plus a
 * margin) as [west, south, east, north]. A snapshot asked with a view carries the states and open cases of only
 * those grids, and the grids every panel needs (broken criteria, open serious cases); without one, all of them.
 */
export const MapView = z
  .object({
    level: z.enum(['street', 'community', 'grid']),
    bbox: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)]).optional(),
    /**
     * false: figures only — the totals, funnel, safe-grid and service figures and the newest cases; no grid states,
     * rankings (streets, communities, areas, departments) or trend. The wall's snapshot of today, whose map, lists
     * and charts are the year's: at city scale the grids were 490 of its 624 kB, and the rankings 1.5 of its 3 ms.
     */
    lists: z.boolean().optional(),
  })
  .strict();
export type MapView = z.infer<typeof MapView>;

/**
 * Every grid of a scope that broke a criterion this assessment period, as two columns: `ids`, and `states`, each a
 * bit set (breakState): bit 0 at risk (titled safe, now breaking), bit 1 + k the k-th of SAFE_CRITERIA broken. A
 * view lists only some of these grids in `grids` (those drawn and the risk list's first); these are what the criteria
 * heat map counts and what a pushed grid state moves from. Columns, not [id, status, criteria] tuples: a city's
 * 5,000 tuples were 217 kB and 0.8 ms of JSON, and the most work of the wall's validation of a snapshot.
 */
export const BrokenGrids = z
  .object({
    ids: z.array(z.string()),
    states: z.array(
      z
        .number()
        .int()
        .min(2)
        .max(2 ** (SafeCriterion.options.length + 1) - 1),
    ),
  })
  .refine((b) => b.ids.length === b.states.length, 'brokenGrids: one state per id.');
export type BrokenGrids = z.infer<typeof BrokenGrids>;

/** A broken grid's entry in BrokenGrids.states: at risk or not, and the criteria it broke (at least one). */
export function breakState(atRisk: boolean, criteria: readonly SafeCriterion[]): number {
  let state = atRisk ? 1 : 0;
  for (const c of criteria) state |= 2 << SafeCriterion.options.indexOf(c);
  return state;
}

/** The criteria of a BrokenGrids state, in SAFE_CRITERIA order. */
export function breakCriteria(state: number): SafeCriterion[] {
  return SafeCriterion.options.filter((_, k) => state & (2 << k));
}

export const breakAtRisk = (state: number): boolean => (state & 1) === 1;

export const SceneSnapshot = z.object({
  window: z.object({ preset: WindowPreset, from: Day, to: Day, label: z.string() }),
  generatedAt: z.string(),
  /** The cache's write sequence when read: a live delta of a higher one is not in it yet. */
  seq: Count,
  scope: Scope,
  totals: Totals,
  organisation: Organisation,
  safeGrids: SafeGrids,
  funnel: z.record(Stage, Count).describe('Cases of the window by their current stage'),
  /** The streets and communities within the scope (a street's or community's scope: its own street). */
  streets: z.array(RankingRow),
  communities: z.array(RankingRow),
  /** The scope's areas one level down (scope.areaLevel): what a scope's rankings rank. */
  areas: z.array(RankingRow),
  departments: z.array(RankingRow).describe("Departments' cases within the scope"),
  /** The view the snapshot was read for; absent: every grid and open case of the scope. */
  view: MapView.optional(),
  grids: z.array(GridState).describe("The scope's grids (of the view, when there is one)"),
  brokenGrids: BrokenGrids,
  trend: z.array(TrendPoint),
  recent: z.array(EventSummary).max(200),
  /** Open cases on the map (location, kind, stage, severity) — the points layer. */
  points: z.array(z.object({ id: z.string(), kind: EventKind, stage: Stage, severity: Severity, lon: z.number(), lat: z.number() })),
  services: ServiceTotals,
});
export type SceneSnapshot = z.infer<typeof SceneSnapshot>;

export const MapFeatureProps = z.object({
  id: z.string(),
  name: z.string(),
  level: z.enum(['district', 'street', 'community', 'grid']),
  code: z.string(),
  parentId: z.string().nullable(),
});

/**
 * The district's streets and their communities by name, without geometry: what a choice of region lists (the
 * playlist editor, the compare views). map.regions carries every boundary: 4 MB at city scale.
 */
export const RegionList = z.object({
  streets: z.array(z.object({ id: RegionId, name: z.string(), communities: z.array(z.object({ id: RegionId, name: z.string() })) })),
});
export type RegionList = z.infer<typeof RegionList>;

export const MapRegions = z.object({
  datum: z.enum(['WGS-84', 'GCJ-02']),
  attribution: z.string(),
  synthetic: z.boolean(),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  /** GeoJSON FeatureCollections, one per level; geometry as the API sent it. */
  district: z.unknown(),
  streets: z.unknown(),
  communities: z.unknown(),
  grids: z.unknown(),
});
export type MapRegions = z.infer<typeof MapRegions>;

export const GridDetail = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  communityName: z.string(),
  streetName: z.string(),
  profile: GridProfile.nullable(),
  status: GridState.shape.status,
  officialSafe: z.boolean(),
  period: z.string(),
  broken: z.array(SafeCriterion),
  openCases: z.array(EventSummary),
});
export type GridDetail = z.infer<typeof GridDetail>;

/**
 * How a batch moved the rollups, per day, grid, kind and department: the change of each counter, in the order of
 * the day rollups (core/cache/reads.ts SUM_COLUMNS: total, closed, on_time, joint, resolved, satisfied, basic,
 * dissatisfied, critical, breaking, then the open stages reported … evaluated). A wall adds them to what it shows.
 */
export const CountChange = z.object({
  day: Day,
  gridId: z.string(),
  kind: EventKind,
  departmentId: z.string().nullable(),
  d: z.array(z.number().int()).length(15),
});
export type CountChange = z.infer<typeof CountChange>;

/** Pushed after each applied sync batch: only what changed. */
export const SceneDelta = z.object({
  /** The write sequence of the batch: its counts belong to snapshots read at a lower one. */
  seq: Count,
  events: z.array(EventSummary).describe('New or changed cases, newest first'),
  removed: z.array(z.string()),
  grids: z.array(GridState).describe('Grids whose live status or counts changed'),
  /** What the batch changed in the counts; null when it was too big to say (a bootstrap page): re-read instead. */
  counts: z.array(CountChange).nullable(),
  /** True when the snapshots must be re-read: the counts could not say everything (evaluations, services, big batches). */
  totalsChanged: z.boolean(),
  referenceChanged: z.boolean(),
});
export type SceneDelta = z.infer<typeof SceneDelta>;
