/** Read-only looks into a cache for the `npm run cache` CLI and for tests: stats, consistency, quarantine. */
import { readSyncState } from './reads';
import { SCHEMA_VERSION, type Db } from './database';
import { mondayOfSql } from './migrations/004-week-year-rollups';

export interface CacheStats {
  schemaVersion: number;
  appSchemaVersion: number;
  cursorRev: number;
  headRev: number;
  source: string | null;
  demo: boolean;
  lastContact: string | null;
  streets: number;
  communities: number;
  grids: number;
  departments: number;
  events: number;
  eventsByKind: Record<string, number>;
  evaluations: number;
  services: number;
  tombstones: number;
  quarantined: number;
}

export function cacheStats(db: Db): CacheStats {
  const count = (sql: string) => db.prepare(sql).pluck().get() as number;
  const state = readSyncState(db);
  const byKind = db.prepare('SELECT kind, SUM(total) AS n FROM rollup_events GROUP BY kind').all() as { kind: string; n: number }[];
  return {
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    appSchemaVersion: SCHEMA_VERSION,
    cursorRev: state.cursorRev,
    headRev: state.headRev,
    source: state.source,
    demo: state.demo,
    lastContact: state.lastContact,
    streets: count("SELECT count(*) FROM regions WHERE level = 'street'"),
    communities: count("SELECT count(*) FROM regions WHERE level = 'community'"),
    grids: count("SELECT count(*) FROM regions WHERE level = 'grid'"),
    departments: count('SELECT count(*) FROM departments'),
    events: count('SELECT count(*) FROM events'),
    eventsByKind: Object.fromEntries(byKind.filter((r) => r.n > 0).map((r) => [r.kind, r.n])),
    evaluations: count('SELECT count(*) FROM evaluations'),
    services: count('SELECT count(*) FROM services'),
    tombstones: count('SELECT count(*) FROM tombstones'),
    quarantined: count('SELECT count(*) FROM quarantine'),
  };
}

/** Problems found: SQLite's own check, then rollups that disagree with a recount of their rows. */
export function checkCache(db: Db): string[] {
  const problems: string[] = [];
  const integrity = db.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') problems.push(`SQLite integrity check: ${String(integrity)}`);
  const mismatches = db
    .prepare(
      `
    WITH recount AS (
      SELECT day, grid_id, kind, count(*) AS total, SUM(stage = 'closed') AS closed,
        SUM(ifnull(stage = 'closed' AND closed_at <= deadline, 0)) AS on_time, SUM(ifnull(satisfaction = 'satisfied', 0)) AS sat_satisfied
      FROM events GROUP BY day, grid_id, kind)
    SELECT count(*) FROM (
      SELECT day, grid_id, kind, total, closed, on_time, sat_satisfied FROM rollup_events WHERE total <> 0
      EXCEPT SELECT day, grid_id, kind, total, closed, on_time, sat_satisfied FROM recount
      UNION ALL
      SELECT day, grid_id, kind, total, closed, on_time, sat_satisfied FROM recount
      EXCEPT SELECT day, grid_id, kind, total, closed, on_time, sat_satisfied FROM rollup_events WHERE total <> 0)`,
    )
    .pluck()
    .get() as number;
  if (mismatches > 0) problems.push(`${mismatches} event rollup rows disagree with a recount of the events`);
  const negative = db.prepare('SELECT count(*) FROM rollup_events WHERE total < 0 OR closed < 0').pluck().get() as number;
  if (negative > 0) problems.push(`${negative} rollup rows are negative`);
  // The coarse rollups (migrations 002, 004, 005 and 006) must equal the daily ones summed up.
  const periodOfDaySql = { week: mondayOfSql('day'), month: 'day / 100', year: 'day / 10000' };
  const coarse = [
    {
      table: 'rollup_departments_month',
      keys: 'month, department_id, kind',
      from: 'SELECT day / 100 AS month, department_id, kind, SUM(total) AS total, SUM(closed) AS closed, SUM(on_time) AS on_time FROM rollup_departments GROUP BY 1, 2, 3',
      columns: 'total, closed, on_time',
    },
    ...(['week', 'month', 'year'] as const).map((period) => ({
      table: `rollup_grids_${period}`,
      keys: `${period}, grid_id`,
      from: `SELECT ${periodOfDaySql[period]} AS ${period}, grid_id, SUM(total) AS total, SUM(closed) AS closed, SUM(on_time) AS on_time, SUM(critical) AS critical,
          SUM(CASE kind WHEN 'dispute' THEN total ELSE 0 END) AS disputes, SUM(CASE kind WHEN 'dispute' THEN resolved ELSE 0 END) AS disputes_resolved,
          SUM(CASE kind WHEN 'appeal' THEN sat_satisfied ELSE 0 END) AS appeal_satisfied, SUM(CASE kind WHEN 'appeal' THEN sat_basic ELSE 0 END) AS appeal_basic,
          SUM(CASE kind WHEN 'appeal' THEN sat_dissatisfied ELSE 0 END) AS appeal_dissatisfied
        FROM rollup_events GROUP BY 1, 2`,
      columns: 'total, closed, on_time, critical, disputes, disputes_resolved, appeal_satisfied, appeal_basic, appeal_dissatisfied',
    })),
    {
      table: 'rollup_service_types',
      keys: 'day, type',
      from: 'SELECT day, type, SUM(count) AS count, SUM(people_reached) AS people_reached, SUM(volunteers) AS volunteers FROM rollup_services GROUP BY 1, 2',
      columns: 'count, people_reached, volunteers',
      nonzero: 'count',
    },
    {
      table: 'rollup_kinds',
      keys: 'day, kind',
      from: 'SELECT day, kind, SUM(total) AS total, SUM(closed) AS closed, SUM(on_time) AS on_time, SUM(resolved) AS resolved, SUM(sat_satisfied) AS sat_satisfied, SUM(breaking) AS breaking FROM rollup_events GROUP BY 1, 2',
      columns: 'total, closed, on_time, resolved, sat_satisfied, breaking',
    },
    // The street and community rollups (008) must equal their grids' rollups summed by region.
    {
      table: 'rollup_region_kinds',
      keys: 'region_id, day, kind',
      from: byRegion(
        (level) => `SELECT r.${level} AS region_id, e.day, e.kind, SUM(e.total) AS total, SUM(e.closed) AS closed, SUM(e.on_time) AS on_time,
          SUM(e.resolved) AS resolved, SUM(e.sat_satisfied) AS sat_satisfied, SUM(e.critical) AS critical, SUM(e.breaking) AS breaking
          FROM rollup_events e JOIN regions r ON r.id = e.grid_id WHERE r.${level} IS NOT NULL GROUP BY 1, 2, 3`,
      ),
      columns: 'total, closed, on_time, resolved, sat_satisfied, critical, breaking',
    },
    // 013: a region's departments recounted from its cases, its services summed from its grids'.
    {
      table: 'rollup_region_departments',
      keys: 'region_id, day, department_id, kind',
      from: byRegion(
        (level) => `SELECT ${level} AS region_id, day, department_id, kind, count(*) AS total, SUM(stage = 'closed') AS closed,
          SUM(ifnull(stage = 'closed' AND closed_at <= deadline, 0)) AS on_time, SUM(joint) AS joint, SUM(ifnull(satisfaction = 'dissatisfied', 0)) AS sat_dissatisfied
          FROM events WHERE ${level} IS NOT NULL AND department_id IS NOT NULL GROUP BY 1, 2, 3, 4`,
      ),
      columns: 'total, closed, on_time, joint, sat_dissatisfied',
    },
    {
      table: 'rollup_region_services',
      keys: 'region_id, day, type',
      from: byRegion(
        (
          level,
        ) => `SELECT r.${level} AS region_id, s.day, s.type, SUM(s.count) AS count, SUM(s.people_reached) AS people_reached, SUM(s.volunteers) AS volunteers
          FROM rollup_services s JOIN regions r ON r.id = s.grid_id WHERE r.${level} IS NOT NULL GROUP BY 1, 2, 3`,
      ),
      columns: 'count, people_reached, volunteers',
      nonzero: 'count',
    },
    ...(['week', 'month', 'year'] as const).map((period) => ({
      table: `rollup_regions_${period}`,
      keys: `${period}, region_id`,
      from: byRegion(
        (level) => `SELECT g.${period}, r.${level} AS region_id, SUM(g.total) AS total, SUM(g.closed) AS closed, SUM(g.on_time) AS on_time,
          SUM(g.critical) AS critical, SUM(g.disputes) AS disputes, SUM(g.appeal_satisfied) AS appeal_satisfied
          FROM rollup_grids_${period} g JOIN regions r ON r.id = g.grid_id WHERE r.${level} IS NOT NULL GROUP BY 1, 2`,
      ),
      columns: 'total, closed, on_time, critical, disputes, appeal_satisfied',
    })),
  ];
  const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all());
  for (const { table, keys, from, nonzero = 'total', ...rest } of coarse.filter((c) => tables.has(c.table))) {
    // Only the counters the table has: a cache opened with older migrations (tests) has fewer in rollup_kinds.
    const has = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
    const columns = rest.columns
      .split(', ')
      .filter((c) => has.has(c))
      .join(', ');
    const differ = db
      .prepare(
        `
      WITH expected AS (SELECT * FROM (${from}) WHERE ${nonzero} <> 0)
      SELECT count(*) FROM (
        SELECT ${keys}, ${columns} FROM ${table} WHERE ${nonzero} <> 0 EXCEPT SELECT ${keys}, ${columns} FROM expected
        UNION ALL
        SELECT ${keys}, ${columns} FROM expected EXCEPT SELECT ${keys}, ${columns} FROM ${table} WHERE ${nonzero} <> 0)`,
      )
      .pluck()
      .get() as number;
    if (differ > 0) problems.push(`${differ} rows of ${table} disagree with the daily rollups`);
  }
  return problems;
}

/** The same recount for streets and for communities, one after the other. */
const byRegion = (select: (level: 'street_id' | 'community_id') => string) => `${select('street_id')} UNION ALL ${select('community_id')}`;

/** A digest of everything sync wrote, for "the cache equals a clean sync of the same data" comparisons. */
export function cacheChecksum(db: Db): string {
  const hash = (sql: string) => {
    let h = 0x811c9dc5;
    for (const row of db.prepare(sql).raw().iterate()) {
      const text = JSON.stringify(row);
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, '0');
  };
  return [
    hash('SELECT * FROM events ORDER BY id'),
    hash('SELECT * FROM rollup_events WHERE total <> 0 ORDER BY day, grid_id, kind'),
    hash('SELECT * FROM rollup_departments WHERE total <> 0 ORDER BY day, department_id, kind'),
    hash('SELECT * FROM rollup_grids_month WHERE total <> 0 ORDER BY month, grid_id'),
    hash('SELECT * FROM rollup_kinds WHERE total <> 0 ORDER BY day, kind'),
    hash('SELECT * FROM rollup_grids_week WHERE total <> 0 ORDER BY week, grid_id'),
    hash('SELECT * FROM rollup_grids_year WHERE total <> 0 ORDER BY year, grid_id'),
    hash('SELECT * FROM rollup_service_types WHERE count <> 0 ORDER BY day, type'),
    hash('SELECT * FROM rollup_region_kinds WHERE total <> 0 ORDER BY region_id, day, kind'),
    hash('SELECT * FROM rollup_regions_month WHERE total <> 0 ORDER BY month, region_id'),
    hash('SELECT * FROM rollup_region_departments WHERE total <> 0 ORDER BY region_id, day, department_id, kind'),
    hash('SELECT * FROM rollup_region_services WHERE count <> 0 ORDER BY region_id, day, type'),
    hash('SELECT * FROM evaluations ORDER BY id'),
    hash('SELECT * FROM services ORDER BY id'),
  ].join('-');
}

export function quarantineRows(db: Db, limit = 50) {
  return db.prepare('SELECT seq, received_at, origin, rev, record_id, reason, waiting_for FROM quarantine ORDER BY seq DESC LIMIT ?').all(limit);
}

export interface QuarantineGroup {
  /** 'grid:<id>', 'department:<id>', 'task:<code>': the reference data these records wait for; null for records kept for good. */
  waitingFor: string | null;
  records: number;
  /** One reason of the group, as an example. */
  reason: string;
}

/** What the quarantine holds, grouped by what its records wait for (the ones that land by themselves first). */
export function quarantineSummary(db: Db): QuarantineGroup[] {
  return (
    db
      .prepare(
        `SELECT waiting_for, count(*) AS records, min(reason) AS reason FROM quarantine
      GROUP BY waiting_for ORDER BY waiting_for IS NULL, records DESC, waiting_for`,
      )
      .all() as { waiting_for: string | null; records: number; reason: string }[]
  ).map((g) => ({ waitingFor: g.waiting_for, records: g.records, reason: g.reason }));
}
