/**
 * The PostgreSQL store's schema, one numbered migration each (never edit a released one; add the next): the same
 * tables as the SQLite engine (../sqlite/migrations.ts) in PostgreSQL's dialect. What differs:
 * - the rev counter is a one-row table `revs` (head_rev BIGINT): writers lock that row until they commit, so revs
 *   become visible in order and the committed head is the stable watermark (see ../types.ts);
 * - region boundaries are PostGIS geometry (MultiPolygon, SRID 4326, GiST-indexed). The SRID only says "lon/lat
 *   degrees": the datum the coordinates are really in (WGS-84 or GCJ-02) is the one the regions reference declares;
 * - the schema version is the one row of `schema_version`, made by the migration runner (store.ts) before these run.
 * Texts that are served or compared as written (record bodies, reference answers, times) stay TEXT, so both engines
 * give byte-identical answers.
 */
import type { StoreMigration } from '../types';

export const PG_MIGRATION_1: StoreMigration = {
  version: 1,
  name: 'records, reference data, tokens, audit',
  up: `
    -- The regions' boundaries are PostGIS geometry. A no-op where the database already has it (it must be installed
    -- on the server: Debian's postgresql-15-postgis-3); creating it needs a superuser, so a DBA may do it beforehand.
    CREATE EXTENSION IF NOT EXISTS postgis;

    -- The last rev handed out (never reused). One row; writers hold its lock until they commit.
    CREATE TABLE revs (
      one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
      head_rev BIGINT NOT NULL
    );
    INSERT INTO revs (head_rev) VALUES (0);

    -- 'oldest_rev': cursors below it are too old (410); 'x.<key>': values the store keeps for its sources.
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta (key, value) VALUES ('oldest_rev', '0');

    -- Every record's latest state, or its tombstone, at the rev of its last change: the feed is a scan by rev.
    CREATE TABLE records (
      rev BIGINT PRIMARY KEY,
      type TEXT NOT NULL CHECK (type IN ('event', 'evaluation', 'service')),
      id TEXT NOT NULL,
      body TEXT NOT NULL,          -- the record's JSON without rev (records.ts canonicalBody); '{}' once deleted
      deleted_at TEXT,             -- set for a tombstone (RFC 3339 with offset, as served)
      source TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      UNIQUE (type, id)
    );

    -- The region tree (reference.regions holds the rendered answer and its ETag).
    CREATE TABLE regions (
      id TEXT PRIMARY KEY,
      code TEXT NOT NULL,
      level TEXT NOT NULL CHECK (level IN ('district', 'street', 'community', 'grid')),
      name TEXT NOT NULL,
      parent_id TEXT,
      center_lon DOUBLE PRECISION NOT NULL,
      center_lat DOUBLE PRECISION NOT NULL,
      geometry geometry(MultiPolygon, 4326) NOT NULL,  -- lon/lat in the datum the reference declares
      synthetic BOOLEAN NOT NULL,
      profile JSONB,
      position INTEGER NOT NULL
    );
    CREATE INDEX regions_parent ON regions (parent_id);
    CREATE INDEX regions_geometry ON regions USING GIST (geometry);

    CREATE TABLE reference (key TEXT PRIMARY KEY, json TEXT NOT NULL, etag TEXT NOT NULL, updated_at TEXT NOT NULL);

    CREATE TABLE tokens (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      hash TEXT NOT NULL UNIQUE,   -- SHA-256 of the token: the token itself is never kept
      scopes TEXT NOT NULL,        -- 'read' or 'read,write'
      created_at TEXT NOT NULL,
      revoked_at TEXT
    );

    CREATE TABLE audit (
      seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at TEXT NOT NULL,
      token_id TEXT,
      token_name TEXT NOT NULL,
      action TEXT NOT NULL,
      source TEXT NOT NULL,
      created INTEGER NOT NULL,
      updated INTEGER NOT NULL,
      unchanged INTEGER NOT NULL,
      deleted INTEGER NOT NULL
    );
  `,
};

export const PG_MIGRATION_2: StoreMigration = {
  version: 2,
  name: 'imports: what an importer read, staged until the operator commits it whole',
  up: `
    CREATE TABLE imports (
      id TEXT PRIMARY KEY,
      source TEXT NOT NULL,
      records_source TEXT NOT NULL,
      file_name TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      bytes BIGINT NOT NULL,
      token_name TEXT NOT NULL,
      created_at TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('reading', 'ready', 'committing', 'committed', 'failed', 'discarded')),
      state TEXT NOT NULL,
      committed_at TEXT
    );
    CREATE INDEX imports_created ON imports (created_at);

    CREATE TABLE import_rows (
      import_id TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      type TEXT NOT NULL CHECK (type IN ('event', 'evaluation', 'service')),
      id TEXT NOT NULL,
      body TEXT NOT NULL,
      PRIMARY KEY (import_id, seq),
      UNIQUE (import_id, type, id)
    );

    CREATE INDEX records_source ON records (source, type);
  `,
};

export const POSTGRES_MIGRATIONS: StoreMigration[] = [PG_MIGRATION_1, PG_MIGRATION_2];
