/**
 * Writing to the cache. Every page or stream batch is applied in ONE transaction together with the sync cursor
 * and the rollups, so a crash at any instant loses nothing and counts nothing twice. Applying the same record
 * twice, or an older revision after a newer one, changes nothing. A record that fails validation goes to
 * quarantine with its reason and never stops the sync.
 */
import { z } from 'zod';
import {
  Change,
  STAGES,
  type Event,
  type EventKind,
  type OrganisationResponse,
  type RegionsResponse,
  type SafeGridEvaluation,
  type ServiceActivity,
} from '../../shared/api/schemas';
import { isoDateToDay, mondayOf, monthOf, periodOrder, shanghaiDay, toShanghaiIso, yearOf } from '../../shared/time';
import { translate, type Db } from './database';
import { OPEN_CASES_INDEX, readSyncState, SUM_COLUMNS, type SyncState } from './reads';
import type { CountChange } from '../../shared/bridge/scene';

export interface Cursor {
  nextRev: number;
  headRev: number;
}

/** What one applied batch changed, for the live deltas pushed to the wall. */
export interface AppliedBatch {
  applied: number;
  skipped: number;
  quarantined: number;
  events: Event[];
  deletedEventIds: string[];
  evaluations: SafeGridEvaluation[];
  services: ServiceActivity[];
  /** The cache's write sequence after this batch (SyncState.writeSeq): a wall adds the batch's counts to snapshots read before it. */
  seq: number;
  /** How long the transaction took (ms), for the live-apply benchmark. */
  applyMs: number;
  /** When it committed (epoch ms): how late its push reaches the walls is measured from here. */
  committedAt?: number;
  /** Set when `events` holds only the newest of a bigger batch (a bootstrap page). */
  truncated?: boolean;
  /** Quarantined records that left the quarantine in this batch (landed, or superseded by a newer rev). */
  healed?: number;
  /**
   * How the batch moved the event counts, per day, grid, kind and department (EVENT_COUNTERS order): the walls add
   * them to what they show instead of re-reading it. Null for a batch of more than COUNTED_ITEMS records.
   */
  counts?: CountChange[] | null;
}

/** Batches up to this many records say how they moved the counts (a live stream's are a few; a bootstrap page is 5,000). */
export const COUNTED_ITEMS = 1000;

type EventRollupRow = {
  day: number;
  grid_id: string;
  kind: string;
  stage: string;
  closed_at: number | null;
  deadline: number;
  joint: number;
  outcome: string | null;
  satisfaction: string | null;
  severity: string;
  criterion: string | null;
  department_id: string | null;
};

/** The events table's columns in the order upsertEvent binds them. */
const EVENT_COLUMNS = [
  'id',
  'rev',
  'kind',
  'task_code',
  'criterion',
  'severity',
  'source',
  'grid_id',
  'street_id',
  'community_id',
  'lon',
  'lat',
  'title',
  'stage',
  'stages',
  'day',
  'reported_at',
  'closed_at',
  'deadline',
  'department_id',
  'joint',
  'outcome',
  'satisfaction',
  'reporter_name',
  'reporter_phone',
  'repeat_of',
] as const;

/** The day rollups' counters, written in the order the reads take them. */
const EVENT_COUNTERS = SUM_COLUMNS;
/** A grid's figures over a week, month or year, all kinds together (the snapshot's map and rankings). */
const GRID_COUNTERS = [
  'total',
  'closed',
  'on_time',
  'critical',
  'disputes',
  'disputes_resolved',
  'appeal_satisfied',
  'appeal_basic',
  'appeal_dissatisfied',
] as const;
const DEPT_COUNTERS = ['total', 'closed', 'on_time', 'joint', 'sat_satisfied', 'sat_basic', 'sat_dissatisfied'] as const;
const SERVICE_COUNTERS = ['count', 'people_reached', 'volunteers'] as const;
/** DEPT_COUNTERS counted from the events table, in their order (rebuilding a region's department rollup). */
const REGION_DEPT_SUMS = `count(*), SUM(stage = 'closed'), SUM(ifnull(stage = 'closed' AND closed_at <= deadline, 0)), SUM(joint),
  SUM(ifnull(satisfaction = 'satisfied', 0)), SUM(ifnull(satisfaction = 'basically_satisfied', 0)), SUM(ifnull(satisfaction = 'dissatisfied', 0))`;

/** Counter values in the order of the table's counter columns. */
type Counters = number[];

function eventCounters(row: EventRollupRow): Counters {
  const closed = row.stage === 'closed' ? 1 : 0;
  // Same order as EVENT_COUNTERS.
  return [
    1,
    closed,
    closed && row.closed_at !== null && row.closed_at <= row.deadline ? 1 : 0,
    row.joint ? 1 : 0,
    closed && row.outcome === 'resolved' ? 1 : 0,
    row.satisfaction === 'satisfied' ? 1 : 0,
    row.satisfaction === 'basically_satisfied' ? 1 : 0,
    row.satisfaction === 'dissatisfied' ? 1 : 0,
    row.severity === 'critical' ? 1 : 0,
    row.criterion ? 1 : 0,
    row.stage === 'reported' ? 1 : 0,
    row.stage === 'analysed' ? 1 : 0,
    row.stage === 'dispatched' ? 1 : 0,
    row.stage === 'supervised' ? 1 : 0,
    row.stage === 'evaluated' ? 1 : 0,
  ];
}

/** GRID_COUNTERS of one event, from its EVENT_COUNTERS. */
function gridCounters(c: Counters, kind: string): Counters {
  const dispute = kind === 'dispute';
  const appeal = kind === 'appeal';
  return [c[0], c[1], c[2], c[8], dispute ? c[0] : 0, dispute ? c[4] : 0, appeal ? c[5] : 0, appeal ? c[6] : 0, appeal ? c[7] : 0];
}

/** The department rollup's counters (DEPT_COUNTERS) picked out of the event counters. */
const DEPT_FROM_EVENT = DEPT_COUNTERS.map((c) => EVENT_COUNTERS.indexOf(c));
/** Mondays by day, remembered: the week rollup needs one per delta and a bootstrap spans a few hundred days. */
const mondays = new Map<number, number>();
const weekOf = (day: number) => {
  let monday = mondays.get(day);
  if (monday === undefined) mondays.set(day, (monday = mondayOf(day)));
  return monday;
};

/**
 * Sums rollup deltas in memory for one transaction, then writes each touched rollup row once. Keyed by the period
 * (a number) and then by the rest of the key joined with \u0000, which the caller makes once per record (shared
 * where buffers have the same key): this runs nine times per record of a bootstrap (a string per call was 10 % of
 * the sync).
 */
class RollupBuffer {
  private readonly rows = new Map<number, Map<string, Float64Array>>();
  constructor(private readonly width: number) {}
  add(period: number, rest: string, values: Counters, sign: 1 | -1, pick?: readonly number[]) {
    let ofPeriod = this.rows.get(period);
    if (!ofPeriod) this.rows.set(period, (ofPeriod = new Map()));
    let counters = ofPeriod.get(rest);
    if (!counters) ofPeriod.set(rest, (counters = new Float64Array(this.width)));
    if (pick) for (let i = 0; i < this.width; i++) counters[i] += sign * values[pick[i]];
    else for (let i = 0; i < this.width; i++) counters[i] += sign * values[i];
  }
  flush(statement: { run: (...params: unknown[]) => unknown }) {
    for (const [period, ofPeriod] of this.rows) {
      for (const [rest, counters] of ofPeriod) {
        if (counters.every((c) => c === 0)) continue;
        statement.run(period, ...rest.split('\u0000'), ...counters);
      }
    }
    this.rows.clear();
  }
}

function upsertRollupSql(table: string, keys: string[], counters: readonly string[]): string {
  const columns = [...keys, ...counters];
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
    ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${counters.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`;
}

const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : null);

export class CacheStore {
  private readonly gridParents = new Map<string, { street: string | null; community: string | null }>();
  private reference: ReferenceIds = { departments: null, tasks: null };
  private readonly statements;
  /** The write sequence of the last transaction this store committed (SyncState.writeSeq). */
  private seq = 0;

  constructor(protected readonly db: Db) {
    this.statements = {
      eventRollupRow: db.prepare<[string], EventRollupRow & { rev: number }>(
        'SELECT rev, day, grid_id, kind, stage, closed_at, deadline, joint, outcome, satisfaction, severity, criterion, department_id FROM events WHERE id = ?',
      ),
      tombstoneRev: db.prepare<[string, string], { rev: number }>('SELECT rev FROM tombstones WHERE type = ? AND id = ?'),
      // Positional parameters: binding 26 named ones costs a third of the insert (measured).
      upsertEvent: db.prepare(`INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})
        ON CONFLICT (id) DO UPDATE SET ${EVENT_COLUMNS.slice(1)
          .map((c) => `${c} = excluded.${c}`)
          .join(', ')}`),
      deleteEvent: db.prepare('DELETE FROM events WHERE id = ?'),
      evaluationRev: db.prepare<[string], { rev: number }>('SELECT rev FROM evaluations WHERE id = ?'),
      upsertEvaluation: db.prepare(`INSERT INTO evaluations (id, rev, grid_id, period, period_key, safe, broken, evaluated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, grid_id = excluded.grid_id, period = excluded.period, period_key = excluded.period_key, safe = excluded.safe,
          broken = excluded.broken, evaluated_at = excluded.evaluated_at`),
      deleteEvaluation: db.prepare('DELETE FROM evaluations WHERE id = ?'),
      serviceRow: db.prepare<[string], { rev: number; day: number; grid_id: string; type: string; people_reached: number; volunteers: number }>(
        'SELECT rev, day, grid_id, type, people_reached, volunteers FROM services WHERE id = ?',
      ),
      upsertService: db.prepare(`INSERT INTO services (id, rev, grid_id, type, title, day, people_reached, volunteers) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, grid_id = excluded.grid_id, type = excluded.type, title = excluded.title,
          day = excluded.day, people_reached = excluded.people_reached, volunteers = excluded.volunteers`),
      deleteService: db.prepare('DELETE FROM services WHERE id = ?'),
      upsertTombstone: db.prepare('INSERT INTO tombstones (type, id, rev) VALUES (?, ?, ?) ON CONFLICT (type, id) DO UPDATE SET rev = max(rev, excluded.rev)'),
      quarantine: db.prepare('INSERT INTO quarantine (received_at, origin, rev, record_id, reason, raw, waiting_for) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      nextSeq: db.prepare<[], number>('UPDATE sync_state SET write_seq = write_seq + 1 WHERE id = 1 RETURNING write_seq').pluck(),
      cursor: db.prepare('UPDATE sync_state SET cursor_rev = max(cursor_rev, ?), head_rev = max(head_rev, ?), last_contact = ? WHERE id = 1'),
      rollupEvents: db.prepare(upsertRollupSql('rollup_events', ['day', 'grid_id', 'kind'], EVENT_COUNTERS)),
      rollupDepartments: db.prepare(upsertRollupSql('rollup_departments', ['day', 'department_id', 'kind'], DEPT_COUNTERS)),
      rollupServices: db.prepare(upsertRollupSql('rollup_services', ['day', 'grid_id', 'type'], SERVICE_COUNTERS)),
      rollupGridsMonth: db.prepare(upsertRollupSql('rollup_grids_month', ['month', 'grid_id'], GRID_COUNTERS)),
      rollupDepartmentsMonth: db.prepare(upsertRollupSql('rollup_departments_month', ['month', 'department_id', 'kind'], DEPT_COUNTERS)),
      rollupKinds: db.prepare(upsertRollupSql('rollup_kinds', ['day', 'kind'], EVENT_COUNTERS)),
      rollupGridsWeek: db.prepare(upsertRollupSql('rollup_grids_week', ['week', 'grid_id'], GRID_COUNTERS)),
      rollupGridsYear: db.prepare(upsertRollupSql('rollup_grids_year', ['year', 'grid_id'], GRID_COUNTERS)),
      rollupServiceTypes: db.prepare(upsertRollupSql('rollup_service_types', ['day', 'type'], SERVICE_COUNTERS)),
      rollupRegionKinds: db.prepare(upsertRollupSql('rollup_region_kinds', ['day', 'region_id', 'kind'], EVENT_COUNTERS)),
      rollupRegionsWeek: db.prepare(upsertRollupSql('rollup_regions_week', ['week', 'region_id'], GRID_COUNTERS)),
      rollupRegionsMonth: db.prepare(upsertRollupSql('rollup_regions_month', ['month', 'region_id'], GRID_COUNTERS)),
      rollupRegionsYear: db.prepare(upsertRollupSql('rollup_regions_year', ['year', 'region_id'], GRID_COUNTERS)),
      rollupRegionDepartments: db.prepare(upsertRollupSql('rollup_region_departments', ['day', 'region_id', 'department_id', 'kind'], DEPT_COUNTERS)),
      rollupRegionServices: db.prepare(upsertRollupSql('rollup_region_services', ['day', 'region_id', 'type'], SERVICE_COUNTERS)),
    };
    this.loadGridParents();
    this.loadOrganisation();
  }

  private loadOrganisation() {
    const text = this.db.prepare("SELECT value FROM reference WHERE key = 'organisation'").pluck().get() as string | undefined;
    const organisation = text ? (JSON.parse(text) as OrganisationResponse) : null;
    this.reference = organisation
      ? { departments: new Set(organisation.departments.map((d) => d.id)), tasks: new Set(organisation.tasks.map((t) => t.code)) }
      : { departments: null, tasks: null };
  }

  private loadGridParents() {
    this.gridParents.clear();
    for (const row of this.db
      .prepare<[], { id: string; street_id: string | null; community_id: string | null }>(
        "SELECT id, street_id, community_id FROM regions WHERE level = 'grid'",
      )
      .iterate()) {
      this.gridParents.set(row.id, { street: row.street_id, community: row.community_id });
    }
  }

  get cursor(): number {
    return readSyncState(this.db).cursorRev;
  }

  /** Where the cache stands (source, cursor, last contact, reference ETags). */
  state(): SyncState {
    return readSyncState(this.db);
  }

  /** Records the sync could not apply (malformed, or waiting for reference data). */
  quarantined(): number {
    return this.db.prepare<[], number>('SELECT count(*) FROM quarantine').pluck().get() ?? 0;
  }

  /**
   * Empties what the change feed filled (events, evaluations, services, tombstones, every rollup) and sets the
   * cursor back to 0, in one transaction: a crash midway leaves the cache as it was, a crash after it resumes the
   * re-sync from rev 0. Reference data, the quarantine and the export audit stay. For a 410 from the central API.
   */
  resetForResync(): void {
    const rollups = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rollup\\_%' ESCAPE '\\'").pluck().all() as string[];
    this.write(() => {
      for (const table of ['events', 'evaluations', 'services', 'tombstones', ...rollups]) this.db.exec(`DELETE FROM "${table}"`);
      this.db.prepare('UPDATE sync_state SET cursor_rev = 0, head_rev = 0 WHERE id = 1').run();
    });
  }

  /**
   * Replaces the reference data (regions with geometry and profiles, departments, organisation), and in the same
   * transaction applies the quarantined records that waited for it and now fit. Returns what they changed, if any.
   */
  applyReference(
    regions: RegionsResponse | null,
    organisation: OrganisationResponse | null,
    etags: { regions?: string | null; organisation?: string | null },
  ): AppliedBatch | null {
    try {
      const healed = this.write(() => this.replaceReference(regions, organisation, etags));
      if (healed) healed.seq = this.seq;
      return healed;
    } catch (error) {
      // Rolled back: the in-memory lookups must not keep what was not committed.
      this.loadGridParents();
      this.loadOrganisation();
      throw error;
    }
  }

  private replaceReference(
    regions: RegionsResponse | null,
    organisation: OrganisationResponse | null,
    etags: { regions?: string | null; organisation?: string | null },
  ): AppliedBatch | null {
    if (regions) {
      const byId = new Map(regions.regions.map((r) => [r.id, r]));
      const ancestor = (id: string | null, level: string): string | null => {
        let cursor = id ? byId.get(id) : undefined;
        while (cursor && cursor.level !== level) cursor = cursor.parent_id ? byId.get(cursor.parent_id) : undefined;
        return cursor?.id ?? null;
      };
      this.db.exec('DELETE FROM regions');
      const insert = this.db
        .prepare(`INSERT INTO regions (id, code, level, name, parent_id, street_id, community_id, center_lon, center_lat, geometry, synthetic, profile)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      for (const r of regions.regions) {
        insert.run(
          r.id,
          r.code,
          r.level,
          r.name,
          r.parent_id,
          ancestor(r.id, 'street'),
          ancestor(r.id, 'community'),
          r.center[0],
          r.center[1],
          JSON.stringify(r.geometry),
          r.synthetic_geometry ? 1 : 0,
          r.profile ? JSON.stringify(r.profile) : null,
        );
      }
      this.db
        .prepare("INSERT INTO reference (key, value) VALUES ('regions.meta', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .run(JSON.stringify({ datum: regions.datum, attribution: regions.attribution }));
      this.db.prepare('UPDATE sync_state SET regions_etag = ? WHERE id = 1').run(etags.regions ?? null);
    }
    if (organisation) {
      this.db.exec('DELETE FROM departments');
      const insert = this.db.prepare('INSERT INTO departments (id, name, short_name, enforcement_staff) VALUES (?, ?, ?, ?)');
      for (const d of organisation.departments) insert.run(d.id, d.name, d.short_name, d.enforcement_staff);
      this.db
        .prepare("INSERT INTO reference (key, value) VALUES ('organisation', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .run(JSON.stringify(organisation));
      this.db.prepare('UPDATE sync_state SET organisation_etag = ? WHERE id = 1').run(etags.organisation ?? null);
    }
    if (regions) {
      const before = new Map(this.gridParents);
      this.loadGridParents();
      const moved = [...this.gridParents].some(([id, p]) => {
        const was = before.get(id);
        return was !== undefined && (was.street !== p.street || was.community !== p.community);
      });
      if (moved) this.rebuildRegionRollups();
    }
    if (organisation) this.loadOrganisation();
    return regions || organisation ? this.healQuarantine() : null;
  }

  /**
   * A grid moved to another street or community: its cases and the region rollups follow it, rebuilt from the grid
   * rollups (rare — a redrawn division — and a few seconds at most for a city's million cases).
   */
  private rebuildRegionRollups() {
    this.db.exec(`UPDATE events SET street_id = r.street_id, community_id = r.community_id FROM regions r
      WHERE r.id = events.grid_id AND (events.street_id IS NOT r.street_id OR events.community_id IS NOT r.community_id)`);
    this.db.exec('DELETE FROM rollup_region_kinds');
    this.db.exec('DELETE FROM rollup_region_departments');
    this.db.exec('DELETE FROM rollup_region_services');
    for (const level of ['street_id', 'community_id']) {
      this.db.exec(`INSERT INTO rollup_region_kinds (region_id, day, kind, ${EVENT_COUNTERS.join(', ')})
        SELECT r.${level}, e.day, e.kind, ${EVENT_COUNTERS.map((c) => `SUM(e.${c})`).join(', ')}
        FROM rollup_events e JOIN regions r ON r.id = e.grid_id WHERE r.${level} IS NOT NULL GROUP BY 1, 2, 3`);
      // A department's cases of a region are not in any grid rollup: counted again from the cases, just moved.
      this.db.exec(`INSERT INTO rollup_region_departments (region_id, day, department_id, kind, ${DEPT_COUNTERS.join(', ')})
        SELECT ${level}, day, department_id, kind, ${REGION_DEPT_SUMS}
        FROM events WHERE ${level} IS NOT NULL AND department_id IS NOT NULL GROUP BY 1, 2, 3, 4`);
      this.db.exec(`INSERT INTO rollup_region_services (region_id, day, type, ${SERVICE_COUNTERS.join(', ')})
        SELECT r.${level}, s.day, s.type, ${SERVICE_COUNTERS.map((c) => `SUM(s.${c})`).join(', ')}
        FROM rollup_services s JOIN regions r ON r.id = s.grid_id WHERE r.${level} IS NOT NULL GROUP BY 1, 2, 3`);
    }
    for (const period of ['week', 'month', 'year']) {
      this.db.exec(`DELETE FROM rollup_regions_${period}`);
      for (const level of ['street_id', 'community_id'])
        this.db.exec(`INSERT INTO rollup_regions_${period} (${period}, region_id, ${GRID_COUNTERS.join(', ')})
          SELECT g.${period}, r.${level}, ${GRID_COUNTERS.map((c) => `SUM(g.${c})`).join(', ')}
          FROM rollup_grids_${period} g JOIN regions r ON r.id = g.grid_id WHERE r.${level} IS NOT NULL GROUP BY 1, 2`);
    }
  }

  /**
   * Bulk mode for a big bootstrap: the secondary indexes of the big tables are dropped (their SQL kept in the
   * cache itself) and rebuilt once at the end, which is much cheaper than maintaining them row by row. A crash in
   * between leaves the SQL in place; the next endBulk() rebuilds them. The open-cases index stays: the wall reads
   * while the first sync runs, and reads name it (OPEN_CASES_INDEX); it holds only the open cases.
   */
  beginBulk() {
    this.write(() => {
      if (this.db.prepare("SELECT 1 FROM reference WHERE key = 'bulk.indexes'").get()) return;
      const indexes = this.db
        .prepare(
          `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('events', 'services') AND sql IS NOT NULL
           AND name <> ?`,
        )
        .all(OPEN_CASES_INDEX) as { name: string; sql: string }[];
      this.db.prepare("INSERT INTO reference (key, value) VALUES ('bulk.indexes', ?)").run(JSON.stringify(indexes));
      for (const index of indexes) this.db.exec(`DROP INDEX ${index.name}`);
    });
  }

  endBulk() {
    this.write(() => {
      const saved = this.db.prepare("SELECT value FROM reference WHERE key = 'bulk.indexes'").pluck().get() as string | undefined;
      if (!saved) return;
      for (const index of JSON.parse(saved) as { name: string; sql: string }[])
        this.db.exec(index.sql.replace(/^CREATE INDEX /i, 'CREATE INDEX IF NOT EXISTS '));
      this.db.prepare("DELETE FROM reference WHERE key = 'bulk.indexes'").run();
    });
  }

  setSource(source: string, demo: boolean) {
    this.write(() => this.db.prepare('UPDATE sync_state SET source = ?, demo = ? WHERE id = 1').run(source, demo ? 1 : 0));
  }

  /** Applies raw change-feed items (validated here) and moves the cursor, all in one transaction. */
  applyChanges(items: unknown[], cursor: Cursor, origin: 'page' | 'stream', now = Date.now()): AppliedBatch {
    const started = performance.now();
    const receivedAt = toShanghaiIso(now);
    const s = this.statements;
    const batch = this.write(() => {
      const applied = this.applyItems(items, origin === 'page', (raw, reason, waitingFor) =>
        s.quarantine.run(receivedAt, origin, ...quarantineKey(raw), reason, safeJson(raw), waitingFor),
      );
      s.cursor.run(cursor.nextRev, cursor.headRev, receivedAt);
      return applied;
    });
    batch.seq = this.seq;
    batch.applyMs = performance.now() - started;
    batch.committedAt = Date.now();
    return batch;
  }

  /**
   * Applies again every quarantined record that waits for reference data (an unknown grid, department or task),
   * in the order received: what fits now lands (with its rollups) and leaves the quarantine; what still does not
   * stays, with its reason brought up to date. Runs inside applyReference's transaction, so new reference data
   * and the records it lets in commit together. The cursor does not move: these records were received already.
   */
  private healQuarantine(): AppliedBatch | null {
    const waiting = this.db.prepare<[], { seq: number; raw: string }>('SELECT seq, raw FROM quarantine WHERE waiting_for IS NOT NULL ORDER BY seq').all();
    if (!waiting.length) return null;
    const stillWaiting = new Map<number, { reason: string; waitingFor: string | null }>();
    let index = 0;
    const raws = waiting.map((w) => {
      try {
        return JSON.parse(w.raw) as unknown;
      } catch {
        return w.raw; // cut short when it was kept (over 20,000 characters): quarantined for good below
      }
    });
    const batch = this.applyItems(
      raws,
      false,
      (_raw, reason, waitingFor) => stillWaiting.set(waiting[index].seq, { reason, waitingFor }),
      () => index++,
    );
    const landed = this.db.prepare('DELETE FROM quarantine WHERE seq = ?');
    const update = this.db.prepare('UPDATE quarantine SET reason = ?, waiting_for = ? WHERE seq = ?');
    for (const w of waiting) {
      const still = stillWaiting.get(w.seq);
      if (still) update.run(still.reason, still.waitingFor, w.seq);
      else landed.run(w.seq);
    }
    batch.quarantined = 0;
    batch.healed = waiting.length - stillWaiting.size;
    // Healed with new reference data, which makes the walls re-read everything: counts would be added twice.
    batch.counts = null;
    return batch;
  }

  /**
   * Validates and applies items inside the caller's transaction, summing their rollups in memory and writing each
   * touched rollup row once. A record that does not make sense goes to `quarantine(raw, reason, waitingFor)`;
   * `waitingFor` names the reference data it needs when that can stop being missing. `next()` is called after each
   * item (the healing pass keeps its place with it).
   */
  private applyItems(
    items: unknown[],
    ordered: boolean,
    quarantine: (raw: unknown, reason: string, waitingFor: string | null) => void,
    next: () => void = () => {},
  ): AppliedBatch {
    const batch: AppliedBatch = {
      applied: 0,
      skipped: 0,
      quarantined: 0,
      events: [],
      deletedEventIds: [],
      evaluations: [],
      services: [],
      seq: 0,
      applyMs: 0,
    };
    const eventRollups = new RollupBuffer(EVENT_COUNTERS.length);
    const deptRollups = new RollupBuffer(DEPT_COUNTERS.length);
    const gridMonthRollups = new RollupBuffer(GRID_COUNTERS.length);
    const deptMonthRollups = new RollupBuffer(DEPT_COUNTERS.length);
    const gridWeekRollups = new RollupBuffer(GRID_COUNTERS.length);
    const gridYearRollups = new RollupBuffer(GRID_COUNTERS.length);
    const kindRollups = new RollupBuffer(EVENT_COUNTERS.length);
    const serviceRollups = new RollupBuffer(SERVICE_COUNTERS.length);
    const serviceTypeRollups = new RollupBuffer(SERVICE_COUNTERS.length);
    const regionKindRollups = new RollupBuffer(EVENT_COUNTERS.length);
    const regionWeekRollups = new RollupBuffer(GRID_COUNTERS.length);
    const regionMonthRollups = new RollupBuffer(GRID_COUNTERS.length);
    const regionYearRollups = new RollupBuffer(GRID_COUNTERS.length);
    const regionDeptRollups = new RollupBuffer(DEPT_COUNTERS.length);
    const regionServiceRollups = new RollupBuffer(SERVICE_COUNTERS.length);
    const counted = items.length <= COUNTED_ITEMS ? new RollupBuffer(EVENT_COUNTERS.length) : null;
    const s = this.statements;
    const gridParents = this.gridParents;
    const reference = this.reference;

    const addEvent = (row: EventRollupRow, sign: 1 | -1) => {
      const counters = eventCounters(row);
      const month = monthOf(row.day);
      eventRollups.add(row.day, `${row.grid_id}\u0000${row.kind}`, counters, sign);
      const ofGrid = gridCounters(counters, row.kind);
      gridMonthRollups.add(month, row.grid_id, ofGrid, sign);
      gridWeekRollups.add(weekOf(row.day), row.grid_id, ofGrid, sign);
      gridYearRollups.add(yearOf(row.day), row.grid_id, ofGrid, sign);
      kindRollups.add(row.day, row.kind, counters, sign);
      counted?.add(row.day, `${row.grid_id}\u0000${row.kind}\u0000${row.department_id ?? ''}`, counters, sign);
      // By the grid's street and community as the regions stand now (a move rebuilds these: rebuildRegionRollups).
      const parents = gridParents.get(row.grid_id);
      for (const region of parents ? [parents.street, parents.community] : []) {
        if (!region) continue;
        regionKindRollups.add(row.day, `${region}\u0000${row.kind}`, counters, sign);
        regionMonthRollups.add(month, region, ofGrid, sign);
        regionWeekRollups.add(weekOf(row.day), region, ofGrid, sign);
        regionYearRollups.add(yearOf(row.day), region, ofGrid, sign);
        if (row.department_id) regionDeptRollups.add(row.day, `${region}\u0000${row.department_id}\u0000${row.kind}`, counters, sign, DEPT_FROM_EVENT);
      }
      if (row.department_id) {
        const deptKind = `${row.department_id}\u0000${row.kind}`;
        deptRollups.add(row.day, deptKind, counters, sign, DEPT_FROM_EVENT);
        deptMonthRollups.add(month, deptKind, counters, sign, DEPT_FROM_EVENT);
      }
    };
    const addService = (row: { day: number; grid_id: string; type: string; people_reached: number; volunteers: number }, sign: 1 | -1) => {
      const counters = [1, row.people_reached, row.volunteers];
      serviceRollups.add(row.day, `${row.grid_id}\u0000${row.type}`, counters, sign);
      serviceTypeRollups.add(row.day, row.type, counters, sign);
      const parents = gridParents.get(row.grid_id);
      for (const region of parents ? [parents.street, parents.community] : [])
        if (region) regionServiceRollups.add(row.day, `${region}\u0000${row.type}`, counters, sign);
    };
    const reject = (raw: unknown, reason: string, waitingFor: string | null = null) => {
      quarantine(raw, reason, waitingFor);
      batch.quarantined++;
    };
    /** A page lists changes in rising rev order: the same record again at a lower rev is a server's mistake. */
    const revInPage = ordered ? new Map<string, number>() : null;

    for (const raw of items) {
      try {
        const parsed = Change.safeParse(raw);
        if (!parsed.success) {
          reject(raw, describeIssues(parsed.error));
          continue;
        }
        const change = parsed.data;
        const type = change.type === 'tombstone' ? change.of : change.type;
        const id = change.record.id;
        if (change.rev !== change.record.rev) {
          reject(raw, `rev ${change.rev} of the change differs from the record's rev ${change.record.rev}`);
          continue;
        }
        if (revInPage) {
          const key = `${type}\u0000${id}`;
          const earlier = revInPage.get(key);
          if (earlier !== undefined && earlier > change.rev) {
            reject(raw, `rev ${change.rev} of ${type} "${id}" comes after its rev ${earlier} in the same page: revs must rise within a page`);
            continue;
          }
          revInPage.set(key, change.rev);
        }
        if (change.type !== 'tombstone') {
          const problem = recordProblem(change, reference, this.gridParents);
          if (problem) {
            reject(raw, problem.reason, problem.waitingFor);
            continue;
          }
        }
        const deletedAt = s.tombstoneRev.get(type, id)?.rev ?? 0;
        if (deletedAt >= change.rev) {
          batch.skipped++;
          continue;
        }

        if (change.type === 'event') {
          const e = change.record;
          const parents = this.gridParents.get(e.grid_id)!;
          const old = s.eventRollupRow.get(e.id);
          if (old && old.rev >= e.rev) {
            batch.skipped++;
            continue;
          }
          const day = shanghaiDay(e.stages.reported);
          const closedAt = ms(e.stages.closed);
          const deadline = Date.parse(e.deadline);
          // Same order as EVENT_COLUMNS. Written before the rollups move, so a row SQLite refuses changes no sum.
          s.upsertEvent.run(
            e.id,
            e.rev,
            e.kind,
            e.task_code,
            e.criterion,
            e.severity,
            e.source,
            e.grid_id,
            parents.street,
            parents.community,
            e.location[0],
            e.location[1],
            e.title,
            e.stage,
            JSON.stringify(e.stages),
            day,
            Date.parse(e.stages.reported),
            closedAt,
            deadline,
            e.department_id,
            e.joint ? 1 : 0,
            e.outcome,
            e.satisfaction,
            e.reporter?.name ?? null,
            e.reporter?.phone ?? null,
            e.repeat_of,
          );
          if (old) addEvent(old, -1);
          addEvent(
            {
              day,
              grid_id: e.grid_id,
              kind: e.kind,
              stage: e.stage,
              closed_at: closedAt,
              deadline,
              joint: e.joint ? 1 : 0,
              outcome: e.outcome,
              satisfaction: e.satisfaction,
              severity: e.severity,
              criterion: e.criterion,
              department_id: e.department_id,
            },
            1,
          );
          batch.events.push(e);
        } else if (change.type === 'evaluation') {
          const v = change.record;
          const old = s.evaluationRev.get(v.id);
          if (old && old.rev >= v.rev) {
            batch.skipped++;
            continue;
          }
          s.upsertEvaluation.run(v.id, v.rev, v.grid_id, v.period, periodOrder(v.period), v.safe ? 1 : 0, JSON.stringify(v.broken), v.evaluated_at);
          batch.evaluations.push(v);
        } else if (change.type === 'service') {
          const v = change.record;
          const old = s.serviceRow.get(v.id);
          if (old && old.rev >= v.rev) {
            batch.skipped++;
            continue;
          }
          const day = isoDateToDay(v.date);
          s.upsertService.run(v.id, v.rev, v.grid_id, v.type, v.title, day, v.people_reached, v.volunteers);
          if (old) addService(old, -1);
          addService({ day, grid_id: v.grid_id, type: v.type, people_reached: v.people_reached, volunteers: v.volunteers }, 1);
          batch.services.push(v);
        } else {
          // Tombstone: remove the row (and its share of the rollups) and remember the deletion's rev.
          if (change.of === 'event') {
            const old = s.eventRollupRow.get(id);
            if (old && old.rev >= change.rev) {
              batch.skipped++;
              continue;
            }
            if (old) {
              s.deleteEvent.run(id);
              addEvent(old, -1);
            }
            batch.deletedEventIds.push(id);
          } else if (change.of === 'evaluation') {
            const old = s.evaluationRev.get(id);
            if (old && old.rev >= change.rev) {
              batch.skipped++;
              continue;
            }
            s.deleteEvaluation.run(id);
          } else {
            const old = s.serviceRow.get(id);
            if (old && old.rev >= change.rev) {
              batch.skipped++;
              continue;
            }
            if (old) {
              s.deleteService.run(id);
              addService(old, -1);
            }
          }
          s.upsertTombstone.run(type, id, change.rev);
        }
        batch.applied++;
      } catch (error) {
        // A record SQLite refuses (a constraint a server's data broke) is that record's problem, not the page's:
        // quarantined with the database's words. Anything else (disk full, I/O) stops the write as it should.
        if (!isConstraintError(error)) throw error;
        reject(raw, `could not be stored: ${(error as Error).message}`);
      } finally {
        next();
      }
    }
    eventRollups.flush(s.rollupEvents);
    deptRollups.flush(s.rollupDepartments);
    gridMonthRollups.flush(s.rollupGridsMonth);
    deptMonthRollups.flush(s.rollupDepartmentsMonth);
    gridWeekRollups.flush(s.rollupGridsWeek);
    gridYearRollups.flush(s.rollupGridsYear);
    kindRollups.flush(s.rollupKinds);
    serviceRollups.flush(s.rollupServices);
    serviceTypeRollups.flush(s.rollupServiceTypes);
    regionKindRollups.flush(s.rollupRegionKinds);
    regionWeekRollups.flush(s.rollupRegionsWeek);
    regionMonthRollups.flush(s.rollupRegionsMonth);
    regionYearRollups.flush(s.rollupRegionsYear);
    regionDeptRollups.flush(s.rollupRegionDepartments);
    regionServiceRollups.flush(s.rollupRegionServices);
    if (counted) {
      const counts: CountChange[] = [];
      counted.flush({
        run: (day, gridId, kind, departmentId, ...d) =>
          counts.push({
            day: day as number,
            gridId: gridId as string,
            kind: kind as EventKind,
            departmentId: (departmentId as string) || null,
            d: d as number[],
          }),
      });
      batch.counts = counts;
    } else batch.counts = null;
    return batch;
  }

  /**
   * Opens one transaction that spans several applyChanges calls (each then nests as a savepoint): a bootstrap
   * applies each page as it arrives, so the next page is fetched while this one is written, and still commits
   * only every few pages. Nothing is visible to other connections until endGroup(true).
   */
  beginGroup() {
    if (this.db.inTransaction) return;
    try {
      this.db.exec('BEGIN');
    } catch (error) {
      throw translate(error, this.db.name);
    }
  }

  /** Commits (or, after a failed write, rolls back) the group's transaction. */
  endGroup(commit: boolean) {
    if (!this.db.inTransaction) return;
    try {
      this.db.exec(commit ? 'COMMIT' : 'ROLLBACK');
    } catch (error) {
      // A failed COMMIT (disk full) leaves the transaction open: roll it back so the cache stays as it was.
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw translate(error, this.db.name);
    }
  }

  /**
   * Runs fn in a transaction that also moves the write sequence (`seq` is its value once committed); SQLite failures
   * (disk full, read-only) become CacheErrors with a sentence.
   */
  private write<T>(fn: () => T): T {
    try {
      return this.db.transaction(() => {
        const result = fn();
        this.seq = this.statements.nextSeq.get()!;
        return result;
      })();
    } catch (error) {
      throw translate(error, this.db.name);
    }
  }
}

/** What the reference data lets a record refer to; departments and tasks are checked once the organisation is known. */
interface ReferenceIds {
  departments: Set<string> | null;
  tasks: Set<string> | null;
}

/**
 * Why a well-formed record still cannot be used, or null. `waitingFor` is set when the reason can stop being true
 * (the reference data may bring the grid, department or task later); such records heal (healQuarantine).
 */
function recordProblem(
  change: Exclude<Change, { type: 'tombstone' }>,
  reference: ReferenceIds,
  grids: ReadonlyMap<string, unknown>,
): { reason: string; waitingFor: string | null } | null {
  const r = change.record;
  if (change.type === 'event') {
    const e = change.record;
    const reported = Date.parse(e.stages.reported);
    for (const stage of STAGES) {
      const at = e.stages[stage];
      if (at !== undefined && Date.parse(at) < reported)
        return { reason: `stages.${stage} (${at}) is before the case was reported (${e.stages.reported})`, waitingFor: null };
    }
    if (e.stage === 'closed' && !e.stages.closed) return { reason: 'the case is closed but stages.closed gives no time', waitingFor: null };
  }
  if (!grids.has(r.grid_id)) return { reason: `grid_id "${r.grid_id}" is not a grid in the reference data (yet)`, waitingFor: `grid:${r.grid_id}` };
  if (change.type === 'event') {
    const e = change.record;
    if (e.department_id !== null && reference.departments && !reference.departments.has(e.department_id))
      return { reason: `department_id "${e.department_id}" is not a department in /v1/organisation (yet)`, waitingFor: `department:${e.department_id}` };
    if (reference.tasks && !reference.tasks.has(e.task_code))
      return { reason: `task_code "${e.task_code}" is not a task in /v1/organisation (yet)`, waitingFor: `task:${e.task_code}` };
  }
  return null;
}

/** The rev and record id of a raw change, as far as they can be read, for the quarantine row. */
function quarantineKey(raw: unknown): [rev: number | null, id: string | null] {
  const r = raw as { rev?: unknown; record?: { id?: unknown } } | null;
  return [typeof r?.rev === 'number' ? r.rev : null, typeof r?.record?.id === 'string' ? r.record.id : null];
}

function isConstraintError(error: unknown): boolean {
  return typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('SQLITE_CONSTRAINT');
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`)
    .join('; ');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 20_000) ?? String(value);
  } catch {
    return String(value);
  }
}
