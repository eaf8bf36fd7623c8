/**
 * Every read the app makes of its cache, as named, typed functions: the one place (with the write side in store.ts
 * and the maintenance checks in inspect.ts) that holds SQL. The query layer and the reports are built on this and
 * never see a connection, so a reader can live on any thread (core/read/ serves it from worker threads).
 *
 * Statements are prepared on first use and kept; rows the hot paths read in bulk come without keys (`.raw()`:
 * half the cost of row objects, measured), laid out as the row types below say.
 */
import Database, { type Statement } from 'better-sqlite3';
import type { Event, EventKind, GridProfile, OrganisationResponse, RegionsResponse, SafeCriterion, Stage } from '../../shared/api/schemas';
import type { AuditRow, CaseFilter } from '../../shared/bridge/briefing';
import { DAY_MS } from '../../shared/time';
import type { Db } from './database';

/** Closed cases are looked for this far back when asking whether they were still open (overdue) at an instant. */
export const OVERDUE_HORIZON_DAYS = 180;

/** The one reading of sync_state: where the cache comes from and how far it is. */
export interface SyncState {
  source: string | null;
  demo: boolean;
  cursorRev: number;
  headRev: number;
  /** Moved by every write transaction (migration 010): what a snapshot read has seen, what a live delta wrote. */
  writeSeq: number;
  /** Moved when a case breaking a criterion, or an evaluation, is written or goes (migration 014's triggers). */
  breaksSeq: number;
  evaluationsSeq: number;
  lastContact: string | null;
  regionsEtag: string | null;
  organisationEtag: string | null;
}

/**
 * The open-cases index, which reads name (INDEXED BY: SQLite's own choice visited a whole street's cases). A named
 * index must exist or the read fails, so bulk mode (CacheStore.beginBulk) keeps it.
 */
export const OPEN_CASES_INDEX = 'events_open';

export function readSyncState(db: Db): SyncState {
  const row = db
    .prepare<
      [],
      {
        source: string | null;
        demo: number;
        cursor_rev: number;
        head_rev: number;
        write_seq: number;
        breaks_seq: number;
        evaluations_seq: number;
        last_contact: string | null;
        regions_etag: string | null;
        organisation_etag: string | null;
      }
    >(
      `SELECT source, demo, cursor_rev, head_rev, write_seq, breaks_seq, evaluations_seq, last_contact, regions_etag, organisation_etag
       FROM sync_state WHERE id = 1`,
    )
    .get();
  return {
    source: row?.source ?? null,
    demo: row?.demo === 1,
    cursorRev: row?.cursor_rev ?? 0,
    headRev: row?.head_rev ?? 0,
    writeSeq: row?.write_seq ?? 0,
    breaksSeq: row?.breaks_seq ?? 0,
    evaluationsSeq: row?.evaluations_seq ?? 0,
    lastContact: row?.last_contact ?? null,
    regionsEtag: row?.regions_etag ?? null,
    organisationEtag: row?.organisation_etag ?? null,
  };
}

/** The central API a cache file was filled from; null when there is none, or the file is unreadable or too old to say. */
export function cacheSource(file: string): string | null {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      // Its own column only: the file may be older than readSyncState's columns (it is not migrated here).
      return (db.prepare('SELECT source FROM sync_state WHERE id = 1').pluck().get() as string | null | undefined) ?? null;
    } finally {
      db.close();
    }
  } catch {
    return null; // openCache deals with an unreadable file
  }
}

export interface RegionRow {
  id: string;
  code: string;
  level: 'district' | 'street' | 'community' | 'grid';
  name: string;
  parent_id: string | null;
  street_id: string | null;
  community_id: string | null;
  center_lon: number;
  center_lat: number;
  profile: GridProfile | null;
}

export interface MapRegionRow {
  id: string;
  code: string;
  level: RegionRow['level'];
  name: string;
  parent_id: string | null;
  geometry: string;
  synthetic: number;
}

export interface Department {
  id: string;
  name: string;
  short: string;
}

/** The day rollups' counters, in the order a GridKindRow carries them after grid and kind. */
export const SUM_COLUMNS = [
  'total',
  'closed',
  'on_time',
  'joint',
  'resolved',
  'sat_satisfied',
  'sat_basic',
  'sat_dissatisfied',
  'critical',
  'breaking',
  'st_reported',
  'st_analysed',
  'st_dispatched',
  'st_supervised',
  'st_evaluated',
] as const;
/** A grid × kind row of SUM_COLUMNS without keys: grid (null for district-wide rows), kind, then the sums in order. */
export type GridKindRow = [grid_id: string | null, kind: EventKind, ...sums: number[]];

/** The grid rollups' counters (week, month, year: one row per grid), in the order of GridSumsRow. */
const GRID_COLUMNS = 'total, closed, on_time, critical, disputes, disputes_resolved, appeal_satisfied, appeal_basic, appeal_dissatisfied';
/** The same figures from the daily grid × kind rollup, for the days of a window around its whole months. */
const GRID_COLUMNS_OF_DAYS = `total, closed, on_time, critical,
  CASE kind WHEN 'dispute' THEN total ELSE 0 END AS disputes, CASE kind WHEN 'dispute' THEN resolved ELSE 0 END AS disputes_resolved,
  CASE kind WHEN 'appeal' THEN sat_satisfied ELSE 0 END AS appeal_satisfied, CASE kind WHEN 'appeal' THEN sat_basic ELSE 0 END AS appeal_basic,
  CASE kind WHEN 'appeal' THEN sat_dissatisfied ELSE 0 END AS appeal_dissatisfied`;
export type GridSumsRow = [
  grid_id: string,
  total: number,
  closed: number,
  on_time: number,
  critical: number,
  disputes: number,
  disputes_resolved: number,
  appeal_satisfied: number,
  appeal_basic: number,
  appeal_dissatisfied: number,
];

/**
 * Where a window's per-grid sums come from: one period's row as it stands (the key: a week's Monday, yyyymm,
 * yyyy), or whole months of the month rollup and the days around them (head and tail day ranges, then months).
 */
export type GridSumsSource =
  { of: 'week' | 'month' | 'year'; key: number } | { of: 'window'; head: [number, number]; tail: [number, number]; months: [number, number] };

/**
 * Some grids' sums (CacheReads.gridSums): those named, or the `mostCritical` grids with open cases of the window that
 * had the most critical cases (then the most open, then by id) within a street or community, or the district (null).
 */
export type GridPick = { ids: readonly string[] } | { mostCritical: number; region: RegionFilter | null };

export type DeptRow = {
  department_id: string;
  kind: string;
  total: number;
  closed: number;
  on_time: number;
  sat_satisfied: number;
  sat_basic: number;
  sat_dissatisfied: number;
  joint: number;
};

export const EVENT_COLUMNS =
  'id, kind, severity, source, stage, title, grid_id, lon, lat, reported_at, deadline, department_id, criterion, satisfaction, reporter_name, reporter_phone';
export interface EventRow {
  id: string;
  kind: EventKind;
  severity: Event['severity'];
  source: Event['source'];
  stage: Stage;
  title: string;
  grid_id: string;
  lon: number;
  lat: number;
  reported_at: number;
  deadline: number;
  department_id: string | null;
  criterion: SafeCriterion | null;
  satisfaction: Event['satisfaction'];
  reporter_name: string | null;
  reporter_phone: string | null;
}

/** An event as the briefing's case lists show it. */
export interface CaseEventRow extends EventRow {
  closed_at: number | null;
  outcome: Event['outcome'];
  repeat_of: string | null;
}
const CASE_COLUMNS = `${EVENT_COLUMNS}, closed_at, outcome, repeat_of`;

export interface OverdueRow {
  id: string;
  deadline: number;
  grid_id: string;
  street_id: string | null;
  community_id: string | null;
  department_id: string | null;
}

/** The sums of a span per kind (a comparison period: 环比, 同比). */
export interface KindSpanRow {
  kind: EventKind;
  total: number;
  closed: number;
  on_time: number;
  joint: number;
  resolved: number;
  s: number;
  b: number;
  d: number;
  breaking: number;
}

export interface KindDayRow {
  day: number;
  kind: EventKind;
  total: number;
  closed: number;
  on_time: number;
  resolved: number;
  s: number;
  b: number;
  d: number;
}

const CASE_STATUS_SQL: Record<Exclude<NonNullable<CaseFilter['status']>, 'overdue' | 'all'>, string> = {
  closed: "stage = 'closed'",
  open: "stage <> 'closed'",
  on_time: "stage = 'closed' AND closed_at IS NOT NULL AND closed_at <= deadline",
  late: "stage = 'closed' AND (closed_at IS NULL OR closed_at > deadline)",
  rated: 'satisfaction IS NOT NULL',
  dissatisfied: "satisfaction = 'dissatisfied'",
  resolved: "stage = 'closed' AND outcome = 'resolved'",
  unresolved: "NOT (stage = 'closed' AND outcome IS 'resolved')",
  breaking: 'criterion IS NOT NULL',
  repeat: 'repeat_of IS NOT NULL',
  joint: 'joint = 1',
};
const CASE_EQUAL: [keyof CaseFilter, string][] = [
  ['kind', 'kind'],
  ['streetId', 'street_id'],
  ['communityId', 'community_id'],
  ['gridId', 'grid_id'],
  ['departmentId', 'department_id'],
];

/** A page of the cases a filter selects: in a period's days, or (status overdue) open past their deadline at `asOf`. */
export interface CaseSelection {
  filter: CaseFilter;
  from: number;
  to: number;
  asOf: number;
  offset: number;
  limit: number;
}

/**
 * The day × kind rollup a read sums: the district's, or a street's or community's rows of the region rollup (008).
 * The second part is the start of the WHERE clause; regionParam gives its parameter.
 */
const kindRollup = (region: string | null): [table: string, where: string] => (region ? ['rollup_region_kinds', 'region_id = ? AND'] : ['rollup_kinds', '']);
const regionParam = (region: string | null): string[] => (region ? [region] : []);

/** The events column that places a case in a region of a level (the events carry their grid's street and community). */
export type RegionColumn = 'street_id' | 'community_id';
/** A street or a community, as the event reads filter by it. */
export interface RegionFilter {
  column: RegionColumn;
  id: string;
}
/** `AND street_id = ?` (or community_id) and its parameter, or nothing for the district. */
const regionAnd = (region: RegionFilter | null): [where: string, param: string[]] => (region ? [` AND ${region.column} = ?`, [region.id]] : ['', []]);

export class CacheReads {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  /** A statement prepared once per connection; the SQL text is its key (case filters make a few dozen at most). */
  private sql<P extends unknown[] | object = unknown[], R = unknown>(text: string): Statement<P, R> {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement as unknown as Statement<P, R>;
  }

  // ── where the cache stands ──────────────────────────────────────────────────────────────────────────────────

  syncState(): SyncState {
    return readSyncState(this.db);
  }

  quarantined(): number {
    return this.sql<[], number>('SELECT count(*) FROM quarantine').pluck().get() ?? 0;
  }

  // ── reference data ──────────────────────────────────────────────────────────────────────────────────────────

  regions(): RegionRow[] {
    return this.sql<[], Omit<RegionRow, 'profile'> & { profile: string | null }>(
      'SELECT id, code, level, name, parent_id, street_id, community_id, center_lon, center_lat, profile FROM regions',
    )
      .all()
      .map((r) => ({ ...r, profile: r.profile ? (JSON.parse(r.profile) as GridProfile) : null }));
  }

  /** Regions with their geometry (GeoJSON text), for the map. */
  mapRegions(): MapRegionRow[] {
    return this.sql<[], MapRegionRow>('SELECT id, code, level, name, parent_id, geometry, synthetic FROM regions').all();
  }

  regionsMeta(): Pick<RegionsResponse, 'datum' | 'attribution'> {
    const text = this.sql<[], string>("SELECT value FROM reference WHERE key = 'regions.meta'").pluck().get();
    return text ? (JSON.parse(text) as Pick<RegionsResponse, 'datum' | 'attribution'>) : { datum: 'GCJ-02', attribution: '' };
  }

  departments(): Department[] {
    return this.sql<[], Department>('SELECT id, name, short_name AS short FROM departments').all();
  }

  organisation(): OrganisationResponse | null {
    const text = this.sql<[], string>("SELECT value FROM reference WHERE key = 'organisation'").pluck().get();
    return text ? (JSON.parse(text) as OrganisationResponse) : null;
  }

  // ── a window's sums (the wall's snapshot, the briefing's current period) ──────────────────────────────────────

  /**
   * Per grid, from the period rollup that answers the window exactly (see GridSumsSource): every grid's, or only some
   * (GridPick) — a map view of a city needs a few hundred of its 20,000 grids' (10–14 ms of a snapshot, measured).
   */
  gridSums(source: GridSumsSource, pick: GridPick | null = null): IterableIterator<GridSumsRow> {
    // The grids picked, as a condition on grid_id and its parameters; the most critical are ordered and cut after.
    const [where, params] =
      pick === null
        ? ['', []]
        : 'ids' in pick
          ? [' AND grid_id IN (SELECT value FROM json_each(?))', [JSON.stringify(pick.ids)]]
          : pick.region
            ? [` AND grid_id IN (SELECT id FROM regions WHERE ${pick.region.column} = ?)`, [pick.region.id]]
            : ['', []];
    const most = pick !== null && 'mostCritical' in pick ? pick : null;
    if (source.of !== 'window') {
      const table = { week: 'rollup_grids_week', month: 'rollup_grids_month', year: 'rollup_grids_year' }[source.of];
      if (!most)
        return this.sql<unknown[], GridSumsRow>(`SELECT grid_id, ${GRID_COLUMNS} FROM ${table} WHERE ${source.of} = ?${where}`)
          .raw()
          .iterate(source.key, ...params);
      // The most critical (015): the district's read down the critical index and stopped at the LIMIT; a street's or
      // community's from its grids (the regions index), each a lookup of the period's row — the join order forced
      // (CROSS JOIN), or SQLite may walk the whole period by critical count to test each grid's membership.
      const top = ' AND total > closed ORDER BY critical DESC, total - closed DESC, grid_id LIMIT ?';
      const region = most.region;
      if (!region)
        return this.sql<unknown[], GridSumsRow>(`SELECT grid_id, ${GRID_COLUMNS} FROM ${table} INDEXED BY ${table}_critical WHERE ${source.of} = ?${top}`)
          .raw()
          .iterate(source.key, most.mostCritical);
      return this.sql<unknown[], GridSumsRow>(
        `SELECT grid_id, ${GRID_COLUMNS} FROM regions r INDEXED BY regions_${region.column === 'street_id' ? 'street' : 'community'}
         CROSS JOIN ${table} ON ${source.of} = ? AND grid_id = r.id WHERE r.${region.column} = ?${top}`,
      )
        .raw()
        .iterate(source.key, region.id, most.mostCritical);
    }
    const top = most ? ' HAVING SUM(total) > SUM(closed) ORDER BY SUM(critical) DESC, SUM(total) - SUM(closed) DESC, grid_id LIMIT ?' : '';
    return this.sql<unknown[], GridSumsRow>(
      `SELECT grid_id, ${GRID_COLUMNS.split(', ')
        .map((c) => `SUM(${c})`)
        .join(', ')} FROM (
         SELECT grid_id, ${GRID_COLUMNS_OF_DAYS} FROM rollup_events WHERE (day BETWEEN ? AND ? OR day BETWEEN ? AND ?)${where}
         UNION ALL SELECT grid_id, ${GRID_COLUMNS} FROM rollup_grids_month WHERE month BETWEEN ? AND ?${where})
       GROUP BY grid_id${top}`,
    )
      .raw()
      .iterate(...source.head, ...source.tail, ...params, ...source.months, ...params, ...(most ? [most.mostCritical] : []));
  }

  /**
   * District-wide sums per kind, from the day × kind rollup: at most 366 × 5 rows for any window, however many grids
   * (a city's year of grid × kind rows was 63 ms, measured). Laid out like a grid × kind row with the grid left empty.
   */
  kindSums(from: number, to: number, region: string | null = null): IterableIterator<GridKindRow> {
    const [table, where] = kindRollup(region);
    return this.sql<unknown[], GridKindRow>(
      `SELECT NULL, kind, ${SUM_COLUMNS.map((c) => `SUM(${c})`).join(', ')} FROM ${table} WHERE ${where} day BETWEEN ? AND ? GROUP BY kind`,
    )
      .raw()
      .iterate(...regionParam(region), from, to);
  }

  /**
   * Per street or community, from the region rollups (008) the same way gridSums reads the grids': a period's row as
   * it stands, or whole months and the days around them. Laid out like a GridSumsRow with the region's id first.
   */
  regionSums(source: GridSumsSource): IterableIterator<GridSumsRow> {
    if (source.of !== 'window') {
      const table = `rollup_regions_${source.of}`;
      return this.sql<[number], GridSumsRow>(`SELECT region_id, ${GRID_COLUMNS} FROM ${table} WHERE ${source.of} = ?`).raw().iterate(source.key);
    }
    // The day rows by region, then by days: each range a seek of the (region_id, day, kind) key. With `day BETWEEN
    // … OR day BETWEEN …` SQLite scanned the whole table: 84 ms for 今日 at city scale, 1.4 ms this way. Empty ranges
    // are left out: each still visited every street and community (0.5 ms at city scale).
    const days = `SELECT region_id, ${GRID_COLUMNS_OF_DAYS} FROM regions r JOIN rollup_region_kinds k ON k.region_id = r.id
         WHERE r.level IN ('street', 'community') AND k.day BETWEEN ? AND ?`;
    const months = `SELECT region_id, ${GRID_COLUMNS} FROM rollup_regions_month WHERE month BETWEEN ? AND ?`;
    const parts = (
      [
        [days, source.head],
        [days, source.tail],
        [months, source.months],
      ] as const
    ).filter(([, [from, to]]) => from <= to);
    if (!parts.length) return [][Symbol.iterator]();
    return this.sql<number[], GridSumsRow>(
      `SELECT region_id, ${GRID_COLUMNS.split(', ')
        .map((c) => `SUM(${c})`)
        .join(', ')} FROM (${parts.map(([sql]) => sql).join(' UNION ALL ')})
       GROUP BY region_id`,
    )
      .raw()
      .iterate(...parts.flatMap(([, range]) => range));
  }

  /** Per department and kind, a street's or community's cases of the days given, from its rollup (013). */
  departmentSumsOfRegion(region: string, from: number, to: number): DeptRow[] {
    return this.sql<[string, number, number], DeptRow>(
      `SELECT department_id, kind, SUM(total) AS total, SUM(closed) AS closed, SUM(on_time) AS on_time, SUM(joint) AS joint,
         SUM(sat_satisfied) AS sat_satisfied, SUM(sat_basic) AS sat_basic, SUM(sat_dissatisfied) AS sat_dissatisfied
       FROM rollup_region_departments WHERE region_id = ? AND day BETWEEN ? AND ? GROUP BY department_id, kind`,
    ).all(region, from, to);
  }

  /** Per department and kind: a month's rows as they stand, or whole months and the days around them. */
  departmentSums(source: { of: 'month'; key: number } | Extract<GridSumsSource, { of: 'window' }>): IterableIterator<DeptRow> {
    const columns = 'department_id, kind, total, closed, on_time, joint, sat_satisfied, sat_basic, sat_dissatisfied';
    if (source.of === 'month') return this.sql<[number], DeptRow>(`SELECT ${columns} FROM rollup_departments_month WHERE month = ?`).iterate(source.key);
    return this.sql<number[], DeptRow>(
      `SELECT department_id, kind, SUM(total) AS total, SUM(closed) AS closed, SUM(on_time) AS on_time, SUM(joint) AS joint,
         SUM(sat_satisfied) AS sat_satisfied, SUM(sat_basic) AS sat_basic, SUM(sat_dissatisfied) AS sat_dissatisfied FROM (
         SELECT ${columns} FROM rollup_departments WHERE day BETWEEN ? AND ? OR day BETWEEN ? AND ?
         UNION ALL SELECT ${columns} FROM rollup_departments_month WHERE month BETWEEN ? AND ?)
       GROUP BY department_id, kind`,
    ).iterate(...source.head, ...source.tail, ...source.months);
  }

  /** Per day and kind: cases, closed, resolved (the wall's trend). */
  kindDays(
    from: number,
    to: number,
    region: string | null = null,
  ): IterableIterator<[day: number, kind: EventKind, total: number, closed: number, resolved: number]> {
    const [table, where] = kindRollup(region);
    return this.sql<unknown[], [number, EventKind, number, number, number]>(
      `SELECT day, kind, total, closed, resolved FROM ${table} WHERE ${where} day BETWEEN ? AND ?`,
    )
      .raw()
      .iterate(...regionParam(region), from, to);
  }

  /** Per day and kind with the rates' parts (the briefing's trend over 12 periods). */
  kindDayRates(from: number, to: number, region: string | null = null): KindDayRow[] {
    const [table, where] = kindRollup(region);
    return this.sql<unknown[], KindDayRow>(
      `SELECT day, kind, total, closed, on_time, resolved, sat_satisfied AS s, sat_basic AS b, sat_dissatisfied AS d
       FROM ${table} WHERE ${where} day BETWEEN ? AND ?`,
    ).all(...regionParam(region), from, to);
  }

  /** A span's sums per kind (a comparison period). */
  kindSpan(from: number, to: number, region: string | null = null): KindSpanRow[] {
    const [table, where] = kindRollup(region);
    return this.sql<unknown[], KindSpanRow>(
      `SELECT kind, SUM(total) AS total, SUM(closed) AS closed, SUM(on_time) AS on_time, SUM(joint) AS joint, SUM(resolved) AS resolved,
         SUM(sat_satisfied) AS s, SUM(sat_basic) AS b, SUM(sat_dissatisfied) AS d, SUM(breaking) AS breaking
       FROM ${table} WHERE ${where} day BETWEEN ? AND ? GROUP BY kind`,
    ).all(...regionParam(region), from, to);
  }

  /**
   * A span's cases per grid with the grid's id, street and community (a comparison period's rankings); with a
   * region, only its grids.
   */
  gridSpanTotals(
    from: number,
    to: number,
    region: RegionFilter | null = null,
  ): IterableIterator<{ grid: string; street: string | null; community: string | null; n: number }> {
    const where = region ? `AND g.${region.column} = ?` : '';
    return this.sql<unknown[], { grid: string; street: string | null; community: string | null; n: number }>(
      `SELECT e.grid_id AS grid, g.street_id AS street, g.community_id AS community, SUM(e.total) AS n FROM rollup_events e JOIN regions g ON g.id = e.grid_id
       WHERE e.day BETWEEN ? AND ? ${where} GROUP BY e.grid_id`,
    ).iterate(from, to, ...(region ? [region.id] : []));
  }

  /**
   * A span's cases per department; a street's or community's counted from its events (the department rollups are
   * district-wide).
   */
  departmentSpanTotals(from: number, to: number, region: RegionFilter | null = null): IterableIterator<{ id: string; n: number }> {
    if (region)
      return this.sql<[string, number, number], { id: string; n: number }>(
        `SELECT department_id AS id, count(*) AS n FROM events WHERE ${region.column} = ? AND day BETWEEN ? AND ? AND department_id IS NOT NULL
         GROUP BY department_id`,
      ).iterate(region.id, from, to);
    return this.sql<[number, number], { id: string; n: number }>(
      'SELECT department_id AS id, SUM(total) AS n FROM rollup_departments WHERE day BETWEEN ? AND ? GROUP BY department_id',
    ).iterate(from, to);
  }

  /** Per service type over a span of days; for a street or community, its grids' rows of the per-grid rollup. */
  serviceSums(from: number, to: number, region: string | null = null): IterableIterator<{ type: string; count: number; people: number; volunteers: number }> {
    const columns = 'type, SUM(count) AS count, SUM(people_reached) AS people, SUM(volunteers) AS volunteers';
    if (!region)
      return this.sql<[number, number], { type: string; count: number; people: number; volunteers: number }>(
        `SELECT ${columns} FROM rollup_service_types WHERE day BETWEEN ? AND ? GROUP BY type`,
      ).iterate(from, to);
    return this.sql<[string, number, number], { type: string; count: number; people: number; volunteers: number }>(
      `SELECT ${columns} FROM rollup_region_services WHERE region_id = ? AND day BETWEEN ? AND ? GROUP BY type`,
    ).iterate(region, from, to);
  }

  /** A grid's cases today: all, open, critical. */
  gridDay(gridId: string, day: number): { events: number; open: number; critical: number } {
    return this.sql<[string, number], { events: number; open: number; critical: number }>(
      'SELECT coalesce(SUM(total),0) AS events, coalesce(SUM(total - closed),0) AS open, coalesce(SUM(critical),0) AS critical FROM rollup_events WHERE grid_id = ? AND day = ?',
    ).get(gridId, day)!;
  }

  // ── overdue cases ───────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Open cases past their deadline now, within a street or community (or the district), counted per department and
   * per community (the street alongside) — or, `perGrid`, per grid. A city's snapshot counted 4,300 grid × department
   * groups to rank 25 streets; per community they are 1,700. The open-cases index covers the read (012); named,
   * because GROUP BY grid_id alone made SQLite walk every case through events_grid_day to skip the sort: 38 s, measured.
   */
  overdueNow(
    now: number,
    region: RegionFilter | null = null,
    perGrid = false,
  ): IterableIterator<[street_id: string | null, community_id: string | null, grid_id: string | null, department_id: string | null, n: number]> {
    const [where, param] = regionAnd(region);
    const grid = perGrid ? 'grid_id' : 'NULL';
    return this.sql<unknown[], [string | null, string | null, string | null, string | null, number]>(
      `SELECT street_id, community_id, ${grid}, department_id, count(*) FROM events INDEXED BY ${OPEN_CASES_INDEX}
       WHERE stage <> 'closed' AND deadline < ?${where} GROUP BY street_id, community_id, ${grid}, department_id`,
    )
      .raw()
      .iterate(now, ...param);
  }

  /**
   * The earliest deadline of an open case at or after `now` (null: none): until then, and until the next write, no
   * open case becomes overdue, so overdueNow's answer stands. A seek at the front of the open-cases index.
   */
  nextOpenDeadline(now: number): number | null {
    return (
      this.sql<[number], number | null>(`SELECT min(deadline) FROM events INDEXED BY ${OPEN_CASES_INDEX} WHERE stage <> 'closed' AND deadline >= ?`)
        .pluck()
        .get(now) ?? null
    );
  }

  /**
   * Cases overdue at an instant: reported before it, past their deadline and not closed by then — open now, or
   * closed later than the instant (looked for OVERDUE_HORIZON_DAYS back). Two index-friendly queries; the open ones
   * through the open-cases index by name: for a street SQLite chose the street's index and visited every case of
   * the street (2.8 s for a city's street of 71,000 cases, 26 ms this way, measured).
   */
  overdueAt(asOf: number, region: RegionFilter | null = null): OverdueRow[] {
    const columns = 'id, deadline, grid_id, street_id, community_id, department_id';
    const [where, param] = regionAnd(region);
    const open = this.sql<unknown[], OverdueRow>(
      `SELECT ${columns} FROM events INDEXED BY ${OPEN_CASES_INDEX} WHERE stage <> 'closed' AND deadline < ? AND reported_at < ?${where}`,
    ).all(asOf, asOf, ...param);
    const closedLater = this.sql<unknown[], OverdueRow>(
      `SELECT ${columns} FROM events WHERE reported_at >= ? AND reported_at < ? AND stage = 'closed' AND closed_at > ? AND deadline < ?${where}`,
    ).all(asOf - OVERDUE_HORIZON_DAYS * DAY_MS, asOf, asOf, asOf, ...param);
    return open.concat(closedLater);
  }

  /** How many cases were overdue at an instant (the rule of overdueAt, counted). */
  overdueCountAt(asOf: number, region: RegionFilter | null = null): number {
    const [where, param] = regionAnd(region);
    const open =
      this.sql<unknown[], number>(
        `SELECT count(*) FROM events INDEXED BY ${OPEN_CASES_INDEX} WHERE stage <> 'closed' AND deadline < ? AND reported_at < ?${where}`,
      )
        .pluck()
        .get(asOf, asOf, ...param) ?? 0;
    const closedLater =
      this.sql<unknown[], number>(
        `SELECT count(*) FROM events WHERE reported_at >= ? AND reported_at < ? AND stage = 'closed' AND closed_at > ? AND deadline < ?${where}`,
      )
        .pluck()
        .get(asOf - OVERDUE_HORIZON_DAYS * DAY_MS, asOf, asOf, asOf, ...param) ?? 0;
    return open + closedLater;
  }

  // ── safe grids ──────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * The evaluation that counts for each grid up to a period order: the latest-ending period (a half-year after its
   * quarters), then the highest rev (periodOrder in shared/time/quarter.ts, kept as period_key).
   */
  latestEvaluations(upTo: number): IterableIterator<{ grid_id: string; period: string; period_key: number; safe: number; broken: string }> {
    return this.sql<[number], { grid_id: string; period: string; period_key: number; safe: number; broken: string }>(
      `SELECT grid_id, period, period_key, safe, broken FROM (
         SELECT grid_id, period, period_key, safe, broken, row_number() OVER (PARTITION BY grid_id ORDER BY period_key DESC, rev DESC) AS n
         FROM evaluations WHERE period_key <= ?) WHERE n = 1`,
    ).iterate(upTo);
  }

  latestEvaluationOfGrid(gridId: string, upTo: number): { period: string; safe: number } | undefined {
    return this.sql<[string, number], { period: string; safe: number }>(
      'SELECT period, safe FROM evaluations WHERE grid_id = ? AND period_key <= ? ORDER BY period_key DESC, rev DESC LIMIT 1',
    ).get(gridId, upTo);
  }

  /** Every grid's evaluations with period orders in [lower, upper], newest first per grid. */
  evaluationHistory(upper: number, lower: number): IterableIterator<{ grid_id: string; period: string; safe: number; broken: string }> {
    return this.sql<[number, number], { grid_id: string; period: string; safe: number; broken: string }>(
      'SELECT grid_id, period, safe, broken FROM evaluations WHERE period_key <= ? AND period_key >= ? ORDER BY grid_id, period_key DESC, rev DESC',
    ).iterate(upper, lower);
  }

  /** The criteria broken in each grid by cases of the days given. */
  brokenCriteria(from: number, to: number): IterableIterator<[grid_id: string, criterion: SafeCriterion]> {
    return this.sql<[number, number], [string, SafeCriterion]>(
      'SELECT DISTINCT grid_id, criterion FROM events WHERE day BETWEEN ? AND ? AND criterion IS NOT NULL',
    )
      .raw()
      .iterate(from, to);
  }

  /** The same, with the first day each criterion was broken. */
  brokenCriteriaSince(from: number, to: number): IterableIterator<{ grid_id: string; criterion: SafeCriterion; first: number }> {
    return this.sql<[number, number], { grid_id: string; criterion: SafeCriterion; first: number }>(
      'SELECT grid_id, criterion, MIN(day) AS first FROM events WHERE day BETWEEN ? AND ? AND criterion IS NOT NULL GROUP BY grid_id, criterion',
    ).iterate(from, to);
  }

  brokenCriteriaOfGrid(gridId: string, from: number, to: number): SafeCriterion[] {
    return this.sql<[string, number, number], SafeCriterion>(
      'SELECT DISTINCT criterion FROM events WHERE grid_id = ? AND day BETWEEN ? AND ? AND criterion IS NOT NULL',
    )
      .pluck()
      .all(gridId, from, to);
  }

  // ── cases ───────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * The newest cases reported in [from, to) (instants). By reported_at, not by day: the index then yields the newest
   * first and the LIMIT stops early, where a day range sorted a year of cases (46 ms measured).
   */
  recentEvents(from: number, to: number, limit: number, region: RegionFilter | null = null): EventRow[] {
    if (region)
      return this.sql<[string, number, number, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE ${region.column} = ? AND reported_at >= ? AND reported_at < ? ORDER BY reported_at DESC LIMIT ?`,
      ).all(region.id, from, to, limit);
    return this.sql<[number, number, number], EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE reported_at >= ? AND reported_at < ? ORDER BY reported_at DESC LIMIT ?`,
    ).all(from, to, limit);
  }

  /**
   * Open cases for the map, the latest deadlines first; within a box [west, south, east, north] when given. Through
   * the open-cases index, which carries street and community (012): left to itself, SQLite found a street's open
   * cases among all of that street's cases — 2.4 s for a city's street of 71,000, measured.
   */
  openPoints(
    limit: number,
    region: RegionFilter | null = null,
    bbox: readonly [number, number, number, number] | null = null,
  ): { id: string; kind: EventKind; stage: Stage; severity: Event['severity']; lon: number; lat: number }[] {
    const where = (region ? `AND ${region.column} = ? ` : '') + (bbox ? 'AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?' : '');
    const params = [...(region ? [region.id] : []), ...(bbox ? [bbox[0], bbox[2], bbox[1], bbox[3]] : [])];
    return this.sql<unknown[], [string, EventKind, Stage, Event['severity'], number, number]>(
      `SELECT id, kind, stage, severity, lon, lat FROM events INDEXED BY ${OPEN_CASES_INDEX} WHERE stage <> 'closed' ${where} ORDER BY deadline DESC LIMIT ?`,
    )
      .raw()
      .all(...params, limit)
      .map(([id, kind, stage, severity, lon, lat]) => ({ id, kind, stage, severity, lon, lat }));
  }

  openEventsOfGrid(gridId: string, limit = 50): EventRow[] {
    return this.sql<[string, number], EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE grid_id = ? AND stage <> 'closed' ORDER BY reported_at DESC LIMIT ?`,
    ).all(gridId, limit);
  }

  repeatCount(from: number, to: number, region: RegionFilter | null = null): number {
    const [where, param] = regionAnd(region);
    return (
      this.sql<unknown[], number>(`SELECT count(*) FROM events WHERE day BETWEEN ? AND ? AND repeat_of IS NOT NULL${where}`)
        .pluck()
        .get(from, to, ...param) ?? 0
    );
  }

  /** Repeated appeals of the days given, oldest first. */
  repeats(from: number, to: number, region: RegionFilter | null = null): { id: string; grid_id: string; title: string; department_id: string | null }[] {
    const [where, param] = regionAnd(region);
    return this.sql<unknown[], { id: string; grid_id: string; title: string; department_id: string | null }>(
      `SELECT id, grid_id, title, department_id FROM events WHERE day BETWEEN ? AND ? AND repeat_of IS NOT NULL${where} ORDER BY reported_at`,
    ).all(from, to, ...param);
  }

  /** The cases a briefing figure counts (drill-down): the total, and one page in the order the status suggests. */
  cases(q: CaseSelection): { total: number; rows: CaseEventRow[] } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    for (const [field, column] of CASE_EQUAL) {
      if (q.filter[field] === undefined) continue;
      where.push(`${column} = @${field}`);
      params[field] = q.filter[field];
    }
    let sql: string;
    let order: string;
    if (q.filter.status === 'overdue') {
      // Open past the deadline at the end of the period, whenever reported (the rule of overdueAt).
      params.asOf = q.asOf;
      params.horizon = q.asOf - OVERDUE_HORIZON_DAYS * DAY_MS;
      const extra = where.length ? ` AND ${where.join(' AND ')}` : '';
      sql = `SELECT ${CASE_COLUMNS} FROM events INDEXED BY ${OPEN_CASES_INDEX} WHERE stage <> 'closed' AND deadline < @asOf AND reported_at < @asOf${extra}
        UNION ALL SELECT ${CASE_COLUMNS} FROM events WHERE reported_at >= @horizon AND reported_at < @asOf AND stage = 'closed' AND closed_at > @asOf AND deadline < @asOf${extra}`;
      order = 'deadline ASC, id';
    } else {
      where.unshift('day BETWEEN @from AND @to');
      params.from = q.from;
      params.to = q.to;
      if (q.filter.status && q.filter.status !== 'all') where.push(CASE_STATUS_SQL[q.filter.status]);
      sql = `SELECT ${CASE_COLUMNS} FROM events WHERE ${where.join(' AND ')}`;
      order = q.filter.status === 'late' ? '(coalesce(closed_at, deadline) - deadline) DESC, id' : 'reported_at DESC, id';
    }
    const total = this.sql<[Record<string, unknown>], number>(`SELECT count(*) FROM (${sql})`).pluck().get(params) ?? 0;
    const rows = this.sql<[Record<string, unknown>], CaseEventRow>(`SELECT * FROM (${sql}) ORDER BY ${order} LIMIT @limit OFFSET @offset`).all({
      ...params,
      limit: q.limit,
      offset: q.offset,
    });
    return { total, rows };
  }

  /** Cases by id, in no particular order. */
  casesById(ids: string[]): CaseEventRow[] {
    if (!ids.length) return [];
    // Not kept: one statement per list length would pile up.
    return this.db.prepare<string[], CaseEventRow>(`SELECT ${CASE_COLUMNS} FROM events WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids);
  }

  // ── the export audit log ────────────────────────────────────────────────────────────────────────────────────

  /** Records an export (who, what, when, which file); its sequence number. */
  recordExport(entry: { at: string; operator: string; period: string; format: string; file: string | null }): number {
    const result = this.sql('INSERT INTO export_audit (at, operator, period, format, file) VALUES (?, ?, ?, ?, ?)').run(
      entry.at,
      entry.operator,
      entry.period,
      entry.format,
      entry.file,
    );
    return Number(result.lastInsertRowid);
  }

  exports(limit = 100): AuditRow[] {
    return this.sql<[number], AuditRow>('SELECT seq, at, operator, period, format, file FROM export_audit ORDER BY seq DESC LIMIT ?').all(limit);
  }
}
