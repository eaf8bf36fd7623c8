/**
 * The SQLite store's schema, one numbered migration each (never edit a released one; add the next). The
 * PostgreSQL engine has the same tables in its own dialect (../postgres/migrations.ts).
 */
import type { StoreMigration } from '../types';

export const SQLITE_MIGRATIONS: StoreMigration[] = [
  {
    version: 1,
    name: 'records, reference data, tokens, audit',
    up: `
      -- 'head_rev': the last rev handed out (never reused); 'oldest_rev': cursors below it are too old (410).
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta (key, value) VALUES ('head_rev', '0'), ('oldest_rev', '0');

      -- Every record's latest state, or its tombstone, at the rev of its last change: the feed is a scan by rev.
      CREATE TABLE records (
        rev INTEGER PRIMARY KEY,
        type TEXT NOT NULL CHECK (type IN ('event', 'evaluation', 'service')),
        id TEXT NOT NULL,
        body TEXT NOT NULL,          -- the record's JSON without rev (records.ts canonicalBody); '{}' once deleted
        deleted_at TEXT,             -- set for a tombstone
        source TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (type, id)
      );

      -- The region tree as served (reference.regions holds the rendered answer and its ETag).
      CREATE TABLE regions (
        id TEXT PRIMARY KEY,
        code TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('district', 'street', 'community', 'grid')),
        name TEXT NOT NULL,
        parent_id TEXT,
        center_lon REAL NOT NULL,
        center_lat REAL NOT NULL,
        geometry TEXT NOT NULL,      -- GeoJSON, in the datum the reference declares
        synthetic INTEGER NOT NULL,
        profile TEXT,
        position INTEGER NOT NULL
      );
      CREATE INDEX regions_parent ON regions (parent_id);

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
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
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
  },
  {
    version: 2,
    name: 'imports: what an importer read, staged until the operator commits it whole',
    up: `
      -- One row per import: who, when, which file (its SHA-256), its state as JSON (progress, mapping, preview,
      -- problems) and its status. Kept after commit: the 导入 page lists them.
      CREATE TABLE imports (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,          -- the importer: boundaries, disputes, hotline, open311…
        records_source TEXT NOT NULL,  -- records.source of what it writes: a re-import knows what it wrote before
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        token_name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('reading', 'ready', 'committing', 'committed', 'failed', 'discarded')),
        state TEXT NOT NULL,
        committed_at TEXT
      );
      CREATE INDEX imports_created ON imports (created_at);

      -- The records an import will write, validated, until it is committed (in one transaction) or discarded.
      CREATE TABLE import_rows (
        import_id TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('event', 'evaluation', 'service')),
        id TEXT NOT NULL,
        body TEXT NOT NULL,            -- canonical, as records.body
        PRIMARY KEY (import_id, seq),
        UNIQUE (import_id, type, id)
      );

      -- A re-import lists what its source wrote before and this file no longer has.
      CREATE INDEX records_source ON records (source, type);
    `,
  },
];
