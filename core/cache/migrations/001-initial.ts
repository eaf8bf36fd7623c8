/**
 * 001: the first cache schema. Rows as the API sends them (plus denormalised street/community/day columns the
 * queries need), the sync cursor, quarantine, and rollups kept in the same transaction as their rows.
 */
import type { Migration } from './types';

export const migration001: Migration = {
  version: 1,
  name: 'initial',
  up: `
    CREATE TABLE sync_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      cursor_rev INTEGER NOT NULL DEFAULT 0,
      head_rev INTEGER NOT NULL DEFAULT 0,
      source TEXT NOT NULL DEFAULT '',
      demo INTEGER NOT NULL DEFAULT 0,
      regions_etag TEXT,
      organisation_etag TEXT,
      last_contact TEXT,
      bootstrapped_at TEXT
    );
    INSERT INTO sync_state (id) VALUES (1);

    CREATE TABLE regions (
      id TEXT PRIMARY KEY,
      code TEXT NOT NULL,
      level TEXT NOT NULL CHECK (level IN ('district','street','community','grid')),
      name TEXT NOT NULL,
      parent_id TEXT,
      street_id TEXT,
      community_id TEXT,
      center_lon REAL NOT NULL,
      center_lat REAL NOT NULL,
      geometry TEXT NOT NULL,
      synthetic INTEGER NOT NULL,
      profile TEXT
    );
    CREATE INDEX regions_level ON regions(level);

    CREATE TABLE reference (
      key TEXT PRIMARY KEY,   -- 'organisation', 'regions.meta'
      value TEXT NOT NULL
    );

    CREATE TABLE departments (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      short_name TEXT NOT NULL,
      enforcement_staff INTEGER NOT NULL
    );

    CREATE TABLE events (
      id TEXT PRIMARY KEY,
      rev INTEGER NOT NULL,
      kind TEXT NOT NULL,
      task_code TEXT NOT NULL,
      criterion TEXT,
      severity TEXT NOT NULL,
      source TEXT NOT NULL,
      grid_id TEXT NOT NULL,
      street_id TEXT,
      community_id TEXT,
      lon REAL NOT NULL,
      lat REAL NOT NULL,
      title TEXT NOT NULL,
      stage TEXT NOT NULL,
      stages TEXT NOT NULL,          -- JSON: the time the case entered each stage (its stage history)
      day INTEGER NOT NULL,          -- yyyymmdd (Asia/Shanghai) of reporting
      reported_at INTEGER NOT NULL,  -- epoch ms
      closed_at INTEGER,
      deadline INTEGER NOT NULL,
      department_id TEXT,
      joint INTEGER NOT NULL,
      outcome TEXT,
      satisfaction TEXT,
      reporter_name TEXT,            -- personal data: masked before it leaves the core
      reporter_phone TEXT,           -- personal data
      repeat_of TEXT
    ) ;
    CREATE INDEX events_day ON events(day);
    CREATE INDEX events_grid_day ON events(grid_id, day);
    CREATE INDEX events_reported ON events(reported_at);
    CREATE INDEX events_open ON events(deadline) WHERE stage <> 'closed';
    CREATE INDEX events_breaking ON events(day, grid_id, criterion) WHERE criterion IS NOT NULL;

    CREATE TABLE evaluations (
      id TEXT PRIMARY KEY,
      rev INTEGER NOT NULL,
      grid_id TEXT NOT NULL,
      period TEXT NOT NULL,
      safe INTEGER NOT NULL,
      broken TEXT NOT NULL,          -- JSON array of criteria
      evaluated_at TEXT NOT NULL
    );
    CREATE INDEX evaluations_period ON evaluations(period, grid_id);

    CREATE TABLE services (
      id TEXT PRIMARY KEY,
      rev INTEGER NOT NULL,
      grid_id TEXT NOT NULL,
      type TEXT NOT NULL,
      title TEXT NOT NULL,
      day INTEGER NOT NULL,
      people_reached INTEGER NOT NULL,
      volunteers INTEGER NOT NULL
    );
    CREATE INDEX services_day ON services(day);

    -- A deletion remembers its rev so an older copy of the record arriving later cannot bring it back.
    CREATE TABLE tombstones (
      type TEXT NOT NULL,
      id TEXT NOT NULL,
      rev INTEGER NOT NULL,
      PRIMARY KEY (type, id)
    ) WITHOUT ROWID;

    CREATE TABLE quarantine (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      received_at TEXT NOT NULL,
      origin TEXT NOT NULL,          -- 'page' or 'stream'
      rev INTEGER,
      record_id TEXT,
      reason TEXT NOT NULL,
      raw TEXT NOT NULL
    );

    -- Events reported per Shanghai day, grid and kind: counts by outcome and by current stage.
    CREATE TABLE rollup_events (
      day INTEGER NOT NULL,
      grid_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      total INTEGER NOT NULL DEFAULT 0,
      closed INTEGER NOT NULL DEFAULT 0,
      on_time INTEGER NOT NULL DEFAULT 0,     -- closed no later than the deadline
      joint INTEGER NOT NULL DEFAULT 0,
      resolved INTEGER NOT NULL DEFAULT 0,
      sat_satisfied INTEGER NOT NULL DEFAULT 0,
      sat_basic INTEGER NOT NULL DEFAULT 0,
      sat_dissatisfied INTEGER NOT NULL DEFAULT 0,
      critical INTEGER NOT NULL DEFAULT 0,
      breaking INTEGER NOT NULL DEFAULT 0,    -- breaks one of the eight safe-grid criteria
      st_reported INTEGER NOT NULL DEFAULT 0,
      st_analysed INTEGER NOT NULL DEFAULT 0,
      st_dispatched INTEGER NOT NULL DEFAULT 0,
      st_supervised INTEGER NOT NULL DEFAULT 0,
      st_evaluated INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (day, grid_id, kind)
    ) WITHOUT ROWID;

    -- The same per department, for the 12345 rankings.
    CREATE TABLE rollup_departments (
      day INTEGER NOT NULL,
      department_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      total INTEGER NOT NULL DEFAULT 0,
      closed INTEGER NOT NULL DEFAULT 0,
      on_time INTEGER NOT NULL DEFAULT 0,
      joint INTEGER NOT NULL DEFAULT 0,
      sat_satisfied INTEGER NOT NULL DEFAULT 0,
      sat_basic INTEGER NOT NULL DEFAULT 0,
      sat_dissatisfied INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (day, department_id, kind)
    ) WITHOUT ROWID;

    CREATE TABLE rollup_services (
      day INTEGER NOT NULL,
      grid_id TEXT NOT NULL,
      type TEXT NOT NULL,
      count INTEGER NOT NULL DEFAULT 0,
      people_reached INTEGER NOT NULL DEFAULT 0,
      volunteers INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (day, grid_id, type)
    ) WITHOUT ROWID;

    CREATE TABLE export_audit (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      operator TEXT NOT NULL,
      period TEXT NOT NULL,
      format TEXT NOT NULL,
      file TEXT
    );
  `,
};
