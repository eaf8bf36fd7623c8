/**
 * The PostgreSQL engine of the central store, for city scale: N stateless service processes over one database, with
 * the same schema and behaviour as the SQLite engine (checked by the same contract suite).
 *
 * - Revisions: a write locks the one row of `revs` first and keeps the lock until it commits, so writers take revs
 *   one after another and their revs become visible in order; the committed head is the stable watermark. A page of
 *   the feed reads the head and its rows in one statement (one snapshot), so it never holds a rev above its head.
 * - Each write is one transaction with its audit row: all or nothing. It ends with NOTIFY central_changes, which the
 *   server delivers on commit to every process LISTENing; each store keeps one connection that listens (and
 *   reconnects by itself) and wakes its listeners. Its own writes wake them directly, after commit.
 * - Failures become StoreErrors with sentences: an unreachable database is 'unavailable' (503 until it is back; the
 *   pool reconnects on the next call), a full disk is 'full' (nothing of the write was kept).
 * - A service opens its store with `waitForDatabase`: when the database cannot be reached at start it starts anyway,
 *   answers 503, and brings the schema up to date on the first call that reaches the database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { OrganisationResponse, RecordType, RegionsResponse } from '../../../shared/api/schemas';
import { toShanghaiIso } from '../../../shared/time';
import { FeedTotals } from '../feed-totals';
import { canonicalBody, changeJson, etagOf, newToken, newTokenId, parseScopes, tokenHash } from '../records';
import {
  StoreError,
  type StoreMigration,
  type AuditEntry,
  type CentralStore,
  type ImportOutcome,
  type ImportRow,
  type IncomingRecord,
  type RecordResult,
  type Reference,
  type Scope,
  type StoredPage,
  type TokenInfo,
  type WriteContext,
} from '../types';
import { POSTGRES_MIGRATIONS } from './migrations';

/** The channel every service process LISTENs on; the payload names the store instance that wrote. */
export const CHANGES_CHANNEL = 'central_changes';
/** pg_advisory_xact_lock keys: migrations (one process migrates, the others wait and find it done), reference writes. */
const MIGRATION_LOCK = '7400212001';
const REFERENCE_LOCK = '7400212002';
/** A page of the feed ($1: after rev, $2: limit). One statement, one snapshot: the head and the rows below it are read together. */
export const CHANGES_SQL = `WITH h AS (SELECT head_rev FROM revs),
     page AS (SELECT r.rev, r.type, r.id, r.body, r.deleted_at FROM records r, h
              WHERE r.rev > $1 AND r.rev <= h.head_rev ORDER BY r.rev LIMIT $2)
SELECT h.head_rev AS head,
       (SELECT count(*) FROM records r, h WHERE r.rev > $3 AND r.rev <= h.head_rev) AS total,
       page.rev, page.type, page.id, page.body, page.deleted_at
FROM h LEFT JOIN page ON true
ORDER BY page.rev`;
/**
 * Records a write statement carries: three parameters each (rev, id, body), well below PostgreSQL's 65,535 a
 * statement; a batch of MAX_BATCH is one statement.
 */
const ROWS_PER_STATEMENT = 5000;

export interface PostgresStoreOptions {
  migrations?: StoreMigration[];
  now?: () => number;
  /** Connections in the pool (10). */
  poolSize?: number;
  /** How long a call waits for a connection before the database counts as unreachable (10 s). */
  connectTimeoutMs?: number;
  /** Back-off of the LISTEN connection's reconnects: from min, doubling, up to max (1 s → 10 s). */
  reconnectMs?: { min: number; max: number };
  /** How often the LISTEN connection is checked with a query, to find a silently dead one (30 s; 0: never). */
  heartbeatMs?: number;
  /** Where the store says what happens to its connections (a dropped LISTEN connection, a reconnect). */
  log?: (message: string) => void;
  /**
   * When the database cannot be reached at open (stopped, restarting, not up yet after a reboot): false (default)
   * fails open(); true opens anyway: every call is 'unavailable' until the database is back, and the first call that
   * reaches it migrates. A service started before its database must not need a restart by hand.
   */
  waitForDatabase?: boolean;
}

type ImportDbRow = {
  id: string;
  source: string;
  records_source: string;
  file_name: string;
  sha256: string;
  bytes: string;
  token_name: string;
  created_at: string;
  status: ImportRow['status'];
  state: string;
  committed_at: string | null;
};
const importRow = (r: ImportDbRow): ImportRow => ({
  id: r.id,
  source: r.source,
  recordsSource: r.records_source,
  fileName: r.file_name,
  sha256: r.sha256,
  bytes: Number(r.bytes),
  tokenName: r.token_name,
  createdAt: r.created_at,
  status: r.status,
  state: r.state,
  committedAt: r.committed_at,
});

/** Staged records joined to what is stored of them ($1: the import): the same outcome rule as putRecords, as SQL. */
const STAGED_VS_STORED = `FROM import_rows s LEFT JOIN records r ON r.type = s.type AND r.id = s.id WHERE s.import_id = $1`;
/** Records the source ($2) wrote before that the import ($1) does not have. */
const MISSING = `FROM records r WHERE r.source = $2 AND r.deleted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM import_rows s WHERE s.import_id = $1 AND s.type = r.type AND s.id = r.id)`;

type TokenRow = { id: string; name: string; scopes: string; created_at: string; revoked_at: string | null };
type Queryable = Pick<pg.PoolClient, 'query'>;
type Stored = { rev: number; body: string; deleted: boolean };

/** A statement's parameters, numbered as they are added. */
class Statement {
  readonly values: unknown[] = [];
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * The changed records of a write as one statement: an upsert for put (a record may exist, deleted or not), an
 * update to a tombstone for delete. Multi-row VALUES, one parameter per value: 2.5 to 3 times the rows/s of
 * unnest over arrays, whose literals the driver escapes and the server parses again.
 */
function recordsSql(statement: Statement, action: 'put' | 'delete', type: RecordType, rows: [string, Stored][], source: string, at: string): string {
  const t = statement.param(type);
  const src = statement.param(source);
  const when = statement.param(at);
  if (action === 'put') {
    const values = rows.map(([id, s]) => `(${statement.param(s.rev)}::bigint, ${statement.param(id)}::text, ${statement.param(s.body)}::text)`);
    return `INSERT INTO records (rev, type, id, body, deleted_at, source, updated_at)
      SELECT v.rev, ${t}::text, v.id, v.body, NULL, ${src}::text, ${when}::text FROM (VALUES ${values.join(',')}) AS v(rev, id, body)
      ON CONFLICT (type, id) DO UPDATE SET rev = excluded.rev, body = excluded.body, deleted_at = NULL,
        source = excluded.source, updated_at = excluded.updated_at`;
  }
  const values = rows.map(([id, s]) => `(${statement.param(s.rev)}::bigint, ${statement.param(id)}::text)`);
  return `UPDATE records SET rev = v.rev, body = '{}', deleted_at = ${when}::text, source = ${src}::text, updated_at = ${when}::text
    FROM (VALUES ${values.join(',')}) AS v(rev, id) WHERE records.type = ${t}::text AND records.id = v.id`;
}

function auditSql(statement: Statement, at: string, who: WriteContext, action: string, counts: number[]): string {
  const values = [at, who.tokenId, who.tokenName, action, who.source].map((v) => `${statement.param(v)}::text`);
  return `INSERT INTO audit (at, token_id, token_name, action, source, created, updated, unchanged, deleted)
    VALUES (${[...values, ...counts.map((n) => `${statement.param(n)}::integer`)].join(', ')})`;
}

export class PostgresStore implements CentralStore {
  readonly engine = 'postgres' as const;
  private readonly listeners = new Set<() => void>();
  private readonly totals = new FeedTotals();
  private readonly now: () => number;
  /** Names this instance in its NOTIFY payloads, so it does not wake its listeners twice for its own writes. */
  private readonly origin = randomBytes(8).toString('hex');
  private readonly listener: ChangeListener;
  private closed = false;
  /** The schema migration, when open() could not reach the database (waitForDatabase): run by the first call that can. */
  private pendingMigration: (() => Promise<void>) | null = null;
  private migrating: Promise<void> | null = null;

  private constructor(
    readonly location: string,
    private readonly pool: pg.Pool,
    url: string,
    private readonly options: PostgresStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.listener = new ChangeListener(
      url,
      location,
      options,
      (payload) => {
        if (payload !== this.origin) this.notify();
      },
      () => this.notify(),
    );
  }

  /** Connects, brings the schema up to date (once, whatever number of processes start at once) and starts listening. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const location = withoutPassword(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      keepAlive: true,
      application_name: 'gcc-central',
      // No JIT for the service's queries: they are short, and compiling one costs 100-250 ms. An estimate passes
      // jit_above_cost on a misestimate alone (a fresh database's `revs` guessed at ~2,200 rows: every feed page
      // ~134 ms instead of ~1 ms) or on a large count. A SET rather than a startup option, which poolers such as
      // PgBouncer refuse.
      onConnect: async (client) => {
        await client.query('SET jit = off');
      },
    });
    // An idle connection the server drops (a restart, a failover) is an 'error' on the pool; the pool discards it and
    // connects anew on the next call. Without a handler it would end the process.
    pool.on('error', (error) => options.log?.(`An idle connection to ${location} was dropped (${error.message}).`));
    const migrations = options.migrations ?? POSTGRES_MIGRATIONS;
    let migrated = true;
    try {
      await migrate(pool, migrations, location);
    } catch (error) {
      const failure = translatePgError(error, location);
      if (!options.waitForDatabase || !isConnectionFailure(error as { code?: string })) {
        await pool.end().catch(() => {});
        throw failure;
      }
      options.log?.(`${failure.message} Its schema is brought up to date once it is.`);
      migrated = false;
    }
    const store = new PostgresStore(location, pool, url, options);
    if (!migrated) store.pendingMigration = () => migrate(pool, migrations, location);
    // The LISTEN connection retries by itself when the database is not there yet.
    await store.listener.start();
    return store;
  }

  /** Whether the LISTEN connection is up (wake-ups from other processes arrive); it reconnects by itself. */
  get listening(): boolean {
    return this.listener.connected;
  }

  async headRev(): Promise<number> {
    const { rows } = await this.query<{ head_rev: string }>('SELECT head_rev FROM revs');
    return Number(rows[0].head_rev);
  }

  async oldestRev(): Promise<number> {
    const { rows } = await this.query<{ value: string }>("SELECT value FROM meta WHERE key = 'oldest_rev'");
    return Number(rows[0]?.value ?? 0);
  }

  async changes(afterRev: number, limit: number): Promise<StoredPage> {
    // What is left is counted from the previous page's answer where this process gave it (FeedTotals).
    const counted = this.totals.start(afterRev);
    const { rows } = await this.query<{
      head: string;
      total: string;
      rev: string | null;
      type: RecordType;
      id: string;
      body: string;
      deleted_at: string | null;
    }>(CHANGES_SQL, [afterRev, limit, counted.countFrom]);
    const head = Number(rows[0].head);
    const total = counted.base + Number(rows[0].total);
    const items = rows
      .filter((r) => r.rev !== null)
      .map((r) => {
        const rev = Number(r.rev);
        return { rev, json: changeJson(r.type, r.id, rev, r.body, r.deleted_at) };
      });
    const last = items.length ? items[items.length - 1].rev : head;
    const hasMore = items.length === limit && last < head;
    if (hasMore) this.totals.remember(last, head, total - items.length);
    return { items, nextRev: hasMore ? last : Math.max(afterRev, head), hasMore, headRev: head, total };
  }

  async regions(): Promise<Reference | null> {
    return this.reference('regions');
  }

  async organisation(): Promise<Reference | null> {
    return this.reference('organisation');
  }

  async putRecords(type: RecordType, records: IncomingRecord[], who: WriteContext): Promise<RecordResult[]> {
    return this.write(
      'put',
      type,
      records.map((r) => r.id),
      who,
      (state, nextRev, written) =>
        records.map((record): RecordResult => {
          const body = canonicalBody(record);
          const old = state.get(record.id);
          if (old && !old.deleted && old.body === body) return { id: record.id, outcome: 'unchanged', rev: old.rev };
          // The same id again later in the batch: its last version is the one written, at the last rev.
          const now: Stored = { rev: nextRev(), body, deleted: false };
          state.set(record.id, now);
          written.set(record.id, now);
          return { id: record.id, outcome: old && !old.deleted ? 'updated' : 'created', rev: now.rev };
        }),
    );
  }

  async deleteRecords(type: RecordType, ids: string[], who: WriteContext): Promise<RecordResult[]> {
    return this.write('delete', type, ids, who, (state, nextRev, written) =>
      ids.map((id): RecordResult => {
        const old = state.get(id);
        if (!old || old.deleted) return { id, outcome: 'unchanged', ...(old ? { rev: old.rev } : {}) };
        const now: Stored = { rev: nextRev(), body: '{}', deleted: true };
        state.set(id, now);
        written.set(id, now);
        return { id, outcome: 'deleted', rev: now.rev };
      }),
    );
  }

  async putRegions(regions: RegionsResponse, who: WriteContext): Promise<{ changed: boolean; etag: string }> {
    return this.replaceReference('regions', JSON.stringify(regions), who, async (client) => {
      await client.query('DELETE FROM regions');
      // One statement for the whole tree; Polygons are kept as MultiPolygons, in SRID 4326 (lon/lat degrees).
      await client.query(
        `INSERT INTO regions (id, code, level, name, parent_id, center_lon, center_lat, geometry, synthetic, profile, position)
         SELECT r->>'id', r->>'code', r->>'level', r->>'name', r->>'parent_id',
                (r->'center'->>0)::double precision, (r->'center'->>1)::double precision,
                ST_SetSRID(ST_Multi(ST_GeomFromGeoJSON(r->'geometry')), 4326),
                coalesce((r->>'synthetic_geometry')::boolean, false), NULLIF(r->'profile', 'null'::jsonb), (i - 1)::integer
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(r, i)`,
        [JSON.stringify(regions.regions)],
      );
    });
  }

  async putOrganisation(organisation: OrganisationResponse, who: WriteContext): Promise<{ changed: boolean; etag: string }> {
    return this.replaceReference('organisation', JSON.stringify(organisation), who);
  }

  async getMeta(key: string): Promise<string | null> {
    const { rows } = await this.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [`x.${key}`]);
    return rows[0]?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [`x.${key}`, value]);
  }

  async deleteMeta(key: string): Promise<void> {
    await this.query('DELETE FROM meta WHERE key = $1', [`x.${key}`]);
  }

  async createToken(name: string, scopes: Scope[]): Promise<{ info: TokenInfo; token: string }> {
    const token = newToken();
    const info: TokenInfo = { id: newTokenId(), name, scopes, createdAt: toShanghaiIso(this.now()), revokedAt: null };
    const { rowCount } = await this.query('INSERT INTO tokens (id, name, hash, scopes, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING', [
      info.id,
      name,
      tokenHash(token),
      scopes.join(','),
      info.createdAt,
    ]);
    if (!rowCount) throw new StoreError('invalid', `A token named "${name}" exists already; choose another name or revoke it first.`);
    return { info, token };
  }

  async listTokens(): Promise<TokenInfo[]> {
    const { rows } = await this.query<TokenRow>(
      'SELECT id, name, scopes, created_at, revoked_at FROM tokens ORDER BY created_at COLLATE "C", name COLLATE "C"',
    );
    return rows.map(tokenInfo);
  }

  async revokeToken(idOrName: string): Promise<TokenInfo | null> {
    // The first revocation's time stays; an id match wins over a name that happens to look like an id.
    const { rows } = await this.query<TokenRow>(
      `UPDATE tokens SET revoked_at = coalesce(revoked_at, $2)
       WHERE id = (SELECT id FROM tokens WHERE id = $1 OR name = $1 ORDER BY (id = $1) DESC LIMIT 1)
       RETURNING id, name, scopes, created_at, revoked_at`,
      [idOrName, toShanghaiIso(this.now())],
    );
    return rows[0] ? tokenInfo(rows[0]) : null;
  }

  async verifyToken(token: string): Promise<TokenInfo | null> {
    const { rows } = await this.query<TokenRow>('SELECT id, name, scopes, created_at, revoked_at FROM tokens WHERE hash = $1 AND revoked_at IS NULL', [
      tokenHash(token),
    ]);
    return rows[0] ? tokenInfo(rows[0]) : null;
  }

  async audit(limit = 50): Promise<AuditEntry[]> {
    const { rows } = await this.query<{
      seq: string;
      at: string;
      token_name: string;
      action: string;
      source: string;
      created: number;
      updated: number;
      unchanged: number;
      deleted: number;
    }>('SELECT seq, at, token_name, action, source, created, updated, unchanged, deleted FROM audit ORDER BY seq DESC LIMIT $1', [limit]);
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: r.at,
      tokenName: r.token_name,
      action: r.action,
      source: r.source,
      created: r.created,
      updated: r.updated,
      unchanged: r.unchanged,
      deleted: r.deleted,
    }));
  }

  async saveImport(row: ImportRow): Promise<void> {
    await this.query(
      `INSERT INTO imports (id, source, records_source, file_name, sha256, bytes, token_name, created_at, status, state, committed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, state = excluded.state, committed_at = excluded.committed_at`,
      [row.id, row.source, row.recordsSource, row.fileName, row.sha256, row.bytes, row.tokenName, row.createdAt, row.status, row.state, row.committedAt],
    );
  }

  async getImport(id: string): Promise<ImportRow | null> {
    const { rows } = await this.query<ImportDbRow>('SELECT * FROM imports WHERE id = $1', [id]);
    return rows[0] ? importRow(rows[0]) : null;
  }

  async listImports(limit = 50): Promise<ImportRow[]> {
    const { rows } = await this.query<ImportDbRow>('SELECT * FROM imports ORDER BY created_at COLLATE "C" DESC, id COLLATE "C" DESC LIMIT $1', [limit]);
    return rows.map(importRow);
  }

  async stageImport(importId: string, firstSeq: number, rows: { type: RecordType; record: IncomingRecord }[]): Promise<void> {
    if (!rows.length) return;
    try {
      // Arrays, not multi-row VALUES: staging is not the hot path, and one statement takes a batch of any size.
      await this.query(
        `INSERT INTO import_rows (import_id, seq, type, id, body)
         SELECT $1, $2::integer + k.i - 1, k.type, k.id, k.body FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS k(type, id, body, i)`,
        [importId, firstSeq, rows.map((r) => r.type), rows.map((r) => r.record.id), rows.map((r) => canonicalBody(r.record))],
      );
    } catch (error) {
      const detail = (error as { cause?: { code?: string; detail?: string } }).cause ?? (error as { code?: string; detail?: string });
      if (detail.code === '23505' && /\(import_id, type, id\)/.test(detail.detail ?? ''))
        throw new StoreError('invalid', `A record is in the import twice (${detail.detail}).`);
      throw error;
    }
  }

  async importOutcome(importId: string, recordsSource: string): Promise<ImportOutcome> {
    return this.transaction((client) => this.outcome(client, importId, recordsSource), 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  }

  async commitImport(importId: string, options: { recordsSource: string; deleteMissing: boolean }, who: WriteContext): Promise<ImportOutcome> {
    let changed = false;
    const outcome = await this.transaction(async (client, counter) => {
      let head = Number(counter[0].head_rev);
      const at = toShanghaiIso(this.now());
      const outcome = await this.outcome(client, importId, options.recordsSource);
      // New revs in the order the records were read; an unchanged record keeps its rev (no new rev).
      const written = await client.query(
        `INSERT INTO records (rev, type, id, body, deleted_at, source, updated_at)
         SELECT $2::bigint + row_number() OVER (ORDER BY s.seq), s.type, s.id, s.body, NULL, $3::text, $4::text
         ${STAGED_VS_STORED} AND (r.id IS NULL OR r.deleted_at IS NOT NULL OR r.body <> s.body)
         ON CONFLICT (type, id) DO UPDATE SET rev = excluded.rev, body = excluded.body, deleted_at = NULL, source = excluded.source, updated_at = excluded.updated_at`,
        [importId, head, who.source, at],
      );
      head += written.rowCount ?? 0;
      let deleted = 0;
      if (options.deleteMissing) {
        const tombstones = await client.query(
          `WITH m AS (SELECT r.type, r.id, $3::bigint + row_number() OVER (ORDER BY r.type COLLATE "C", r.id COLLATE "C") AS rev ${MISSING})
           UPDATE records SET rev = m.rev, body = '{}', deleted_at = $4::text, source = $5::text, updated_at = $4::text FROM m
           WHERE records.type = m.type AND records.id = m.id`,
          [importId, options.recordsSource, head, at, who.source],
        );
        deleted = tombstones.rowCount ?? 0;
        head += deleted;
      }
      changed = written.rowCount! + deleted > 0;
      const last = new Statement();
      const parts: string[] = [];
      if (changed) parts.push(`UPDATE revs SET head_rev = ${last.param(head)}::bigint`);
      if (who.progress) {
        parts.push(
          `INSERT INTO meta (key, value) VALUES (${last.param(`x.${who.progress.key}`)}::text, ${last.param(who.progress.value)}::text)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        );
      }
      parts.push(`UPDATE imports SET status = 'committed', committed_at = ${last.param(at)}::text WHERE id = ${last.param(importId)}::text`);
      parts.push(`DELETE FROM import_rows WHERE import_id = ${last.param(importId)}::text`);
      parts.push(auditSql(last, at, who, 'import', [outcome.created, outcome.updated, outcome.unchanged, deleted]));
      const notify = changed ? `pg_notify(${last.param(CHANGES_CHANNEL)}::text, ${last.param(this.origin)}::text)` : 'NULL';
      await client.query(`WITH ${parts.map((part, i) => `w${i} AS (${part})`).join(',\n')}\nSELECT ${notify}`, last.values);
      return { ...outcome, deleted };
    }, 'SELECT head_rev FROM revs FOR UPDATE');
    if (changed) this.notify();
    return outcome;
  }

  async dropStaged(importId: string): Promise<void> {
    await this.query('DELETE FROM import_rows WHERE import_id = $1', [importId]);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.listener.close();
    await this.pool.end().catch(() => {});
  }

  /**
   * One write of records, all or nothing, in four round trips, three of them under the rev counter's lock (held to
   * commit: writers one at a time, revs visible in order):
   * 1. BEGIN and lock the counter (one message);
   * 2. read what is stored of these ids. A statement of its own, after the lock: in READ COMMITTED a statement sees
   *    what committed before it started, so reading in the locking statement could miss the write that held the
   *    lock before us;
   * 3. one statement: the changed records as multi-row VALUES (each value its own parameter: no array literal to
   *    escape and parse), the new head, the source's progress, the audit row and NOTIFY;
   * 4. COMMIT.
   * Listeners hear of it once it has committed, and only if something changed.
   */
  private async write(
    action: 'put' | 'delete',
    type: RecordType,
    ids: string[],
    who: WriteContext,
    apply: (state: Map<string, Stored>, nextRev: () => number, written: Map<string, Stored>) => RecordResult[],
  ): Promise<RecordResult[]> {
    let changed = false;
    const results = await this.transaction(async (client, counter) => {
      let head = Number(counter[0].head_rev);
      const state = new Map<string, Stored>();
      if (ids.length) {
        // One index lookup per id (LATERAL … LIMIT 1 is never turned into a scan): `id = ANY(…)` was planned as a
        // scan of every record of the type while the table had no statistics, ~200 ms a batch at 200,000 records.
        // A deletion needs only whether the record is there, not its body.
        const { rows } = await client.query<{ id: string; rev: string; body: string; deleted: boolean }>(
          `SELECT r.id, r.rev, ${action === 'put' ? 'r.body' : "''::text AS body"}, r.deleted_at IS NOT NULL AS deleted
           FROM unnest($2::text[]) AS k(id)
           CROSS JOIN LATERAL (SELECT * FROM records WHERE type = $1 AND id = k.id LIMIT 1) AS r`,
          [type, [...new Set(ids)]],
        );
        for (const row of rows) state.set(row.id, { rev: Number(row.rev), body: row.body, deleted: row.deleted });
      }
      const written = new Map<string, Stored>();
      const results = apply(state, () => ++head, written);
      const count = (outcome: RecordResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
      changed = written.size > 0;
      const at = toShanghaiIso(this.now());
      const rows = [...written];
      const chunks: [string, Stored][][] = [];
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) chunks.push(rows.slice(start, start + ROWS_PER_STATEMENT));
      const lastChunk = chunks.pop();
      // More records than one statement's parameters allow: the first ones in statements of their own.
      for (const chunk of chunks) {
        const statement = new Statement();
        await client.query(recordsSql(statement, action, type, chunk, who.source, at), statement.values);
      }
      // The rest and everything else in one statement. Its table locks are taken in the order of its parts: the
      // records first, the audit row last (a lock on audit holds a write with its records written: faults test).
      const last = new Statement();
      const parts: string[] = [];
      if (lastChunk) parts.push(recordsSql(last, action, type, lastChunk, who.source, at));
      if (changed) parts.push(`UPDATE revs SET head_rev = ${last.param(head)}::bigint`);
      if (who.progress) {
        parts.push(
          `INSERT INTO meta (key, value) VALUES (${last.param(`x.${who.progress.key}`)}::text, ${last.param(who.progress.value)}::text)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        );
      }
      parts.push(auditSql(last, at, who, `${action} ${type}s`, [count('created'), count('updated'), count('unchanged'), count('deleted')]));
      // Data-modifying WITH parts all run to completion, referenced or not; NOTIFY is delivered on commit.
      const notify = changed ? `pg_notify(${last.param(CHANGES_CHANNEL)}::text, ${last.param(this.origin)}::text)` : 'NULL';
      await client.query(`WITH ${parts.map((part, i) => `w${i} AS (${part})`).join(',\n')}\nSELECT ${notify}`, last.values);
      return results;
    }, 'SELECT head_rev FROM revs FOR UPDATE');
    if (changed) this.notify();
    return results;
  }

  private async replaceReference(
    key: 'regions' | 'organisation',
    json: string,
    who: WriteContext,
    rows?: (client: Queryable) => Promise<void>,
  ): Promise<{ changed: boolean; etag: string }> {
    const etag = etagOf(json);
    const changed = await this.transaction(async (client) => {
      const { rows: old } = await client.query<{ etag: string }>('SELECT etag FROM reference WHERE key = $1', [key]);
      if (old[0]?.etag === etag) return false;
      const at = toShanghaiIso(this.now());
      if (rows) await rows(client);
      await client.query(
        `INSERT INTO reference (key, json, etag, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO UPDATE SET json = excluded.json, etag = excluded.etag, updated_at = excluded.updated_at`,
        [key, json, etag, at],
      );
      const audit = new Statement();
      const sql = auditSql(audit, at, who, `put ${key}`, [0, 1, 0, 0]);
      await client.query(`WITH a AS (${sql}) SELECT pg_notify(${audit.param(CHANGES_CHANNEL)}::text, ${audit.param(this.origin)}::text)`, audit.values);
      return true;
    }, `SELECT pg_advisory_xact_lock(${REFERENCE_LOCK})`);
    if (changed) this.notify();
    return { changed, etag };
  }

  private async outcome(client: Queryable, importId: string, recordsSource: string): Promise<ImportOutcome> {
    const { rows: counts } = await client.query<{ created: string; updated: string; unchanged: string }>(
      `SELECT count(*) FILTER (WHERE r.id IS NULL OR r.deleted_at IS NOT NULL) AS created,
              count(*) FILTER (WHERE r.deleted_at IS NULL AND r.body <> s.body) AS updated,
              count(*) FILTER (WHERE r.deleted_at IS NULL AND r.body = s.body) AS unchanged ${STAGED_VS_STORED}`,
      [importId],
    );
    const { rows: missing } = await client.query<{ n: string }>(`SELECT count(*) AS n ${MISSING}`, [importId, recordsSource]);
    const { rows: sample } = await client.query<{ type: RecordType; id: string }>(
      `SELECT r.type, r.id ${MISSING} ORDER BY r.type COLLATE "C", r.id COLLATE "C" LIMIT 20`,
      [importId, recordsSource],
    );
    return {
      created: Number(counts[0].created),
      updated: Number(counts[0].updated),
      unchanged: Number(counts[0].unchanged),
      missing: Number(missing[0].n),
      deleted: 0,
      missingSample: sample,
    };
  }

  private async reference(key: string): Promise<Reference | null> {
    const { rows } = await this.query<Reference>('SELECT json, etag FROM reference WHERE key = $1', [key]);
    return rows[0] ?? null;
  }

  /** The migration open() could not run, run once by the first call that reaches the database (one at a time). */
  private async schemaReady(): Promise<void> {
    const pending = this.pendingMigration;
    if (!pending) return;
    this.migrating ??= pending().then(
      () => {
        this.pendingMigration = null;
        this.migrating = null;
        this.options.log?.(`The store's database at ${this.location} is reachable; its schema is up to date.`);
      },
      (error: unknown) => {
        this.migrating = null;
        throw translatePgError(error, this.location);
      },
    );
    await this.migrating;
  }

  /** One statement on a pooled connection (a connection that fails is discarded by the pool, not reused). */
  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    await this.schemaReady();
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw translatePgError(error, this.location);
    }
  }

  /**
   * BEGIN … COMMIT on one pooled connection; any error rolls back everything. A connection that broke is discarded.
   * `first`, a statement without parameters (a lock), is sent with BEGIN in one message; fn gets its rows.
   */
  private async transaction<T>(fn: (client: Queryable, first: pg.QueryResultRow[]) => Promise<T>, first?: string): Promise<T> {
    await this.schemaReady();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw translatePgError(error, this.location);
    }
    // A connection that dies while checked out is an 'error' on it (unhandled, it would end the process): note it
    // and hand it back broken, so the pool discards it.
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      let begun: pg.QueryResultRow[] = [];
      if (first) {
        // Two statements in one simple query, a result each; the transaction BEGIN opens outlives the message.
        begun = ((await client.query(`BEGIN; ${first}`)) as unknown as pg.QueryResult[])[1].rows;
      } else {
        await client.query('BEGIN');
      }
      const result = await fn(client, begun);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollback) {
        broken = rollback instanceof Error ? rollback : new Error(String(rollback));
      }
      throw translatePgError(error, this.location);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  private notify() {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // a listener's own failure is its business; the others still hear of the change
      }
    }
  }
}

/**
 * The one connection that LISTENs for other processes' changes. When it drops it reconnects by itself (back-off
 * 1 s → 10 s) and then wakes the listeners once, since a change may have committed while it was away. A heartbeat
 * query finds a connection that died silently (no RST from a vanished peer).
 */
class ChangeListener {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly heartbeat: NodeJS.Timeout | null = null;
  /** The connection a heartbeat query is out on, if any. */
  private pinging: pg.Client | null = null;
  private pingDeadline: NodeJS.Timeout | null = null;
  private delay: number;
  private closed = false;
  connected = false;

  constructor(
    private readonly url: string,
    private readonly location: string,
    private readonly options: PostgresStoreOptions,
    private readonly onNotification: (payload: string | undefined) => void,
    private readonly onReconnect: () => void,
  ) {
    this.delay = options.reconnectMs?.min ?? 1000;
    const every = options.heartbeatMs ?? 30_000;
    if (every > 0) {
      this.heartbeat = setInterval(() => this.beat(), every);
      this.heartbeat.unref();
    }
  }

  async start(): Promise<void> {
    await this.connect(false);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.pingDeadline) clearTimeout(this.pingDeadline);
    this.timer = null;
    this.pingDeadline = null;
    const client = this.client;
    this.client = null;
    this.connected = false;
    if (client) await client.end().catch(() => {});
  }

  private async connect(afterDrop: boolean): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.url,
      keepAlive: true,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 10_000,
      application_name: 'gcc-central-listen',
    });
    this.client = client;
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client));
    client.on('notification', (message) => {
      if (client === this.client && message.channel === CHANGES_CHANNEL) this.onNotification(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      this.dropped(client, error);
      return;
    }
    if (this.closed || client !== this.client) {
      // closed, or dropped, while connecting: this connection is nobody's any more
      await client.end().catch(() => {});
      return;
    }
    this.connected = true;
    this.delay = this.options.reconnectMs?.min ?? 1000;
    if (afterDrop) {
      this.options.log?.(`Listening for changes at ${this.location} again.`);
      this.onReconnect();
    }
  }

  private dropped(client: pg.Client, error?: unknown) {
    if (client !== this.client) return;
    this.client = null;
    this.connected = false;
    client.end().catch(() => {});
    if (this.closed) return;
    const why = error instanceof Error ? error.message : 'the connection ended';
    this.options.log?.(`The connection listening for changes at ${this.location} dropped (${why}); trying again in ${Math.round(this.delay / 1000)} s.`);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect(true);
    }, this.delay);
    this.delay = Math.min(this.delay * 2, this.options.reconnectMs?.max ?? 10_000);
  }

  private beat() {
    const client = this.client;
    if (!client || !this.connected || this.pinging === client) return;
    this.pinging = client;
    const deadline = setTimeout(() => this.dropped(client, new Error('no answer to a heartbeat within 10 s')), 10_000);
    deadline.unref();
    this.pingDeadline = deadline;
    client
      .query('SELECT 1')
      .then(
        () => {},
        (error: unknown) => this.dropped(client, error),
      )
      .finally(() => {
        clearTimeout(deadline);
        if (this.pinging === client) this.pinging = null;
        if (this.pingDeadline === deadline) this.pingDeadline = null;
      });
  }
}

/**
 * Brings the schema up to date in one transaction under an advisory lock: of N processes starting at once, one
 * migrates and the others wait for it and find nothing left to do. A database from a newer version is refused.
 */
async function migrate(pool: pg.Pool, migrations: StoreMigration[], location: string): Promise<void> {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
    if (!rows.length) await client.query('INSERT INTO schema_version (version) VALUES (0)');
    const current = rows[0]?.version ?? 0;
    if (current > latest) {
      throw new StoreError(
        'too_new',
        `The store's database at ${location} was written by a newer version of the central service (schema ${current}; this version understands up to ${latest}). Update the service, or give it another database.`,
      );
    }
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      try {
        await client.query(migration.up);
      } catch (error) {
        throw migrationError(error, migration, location);
      }
      await client.query('UPDATE schema_version SET version = $1', [migration.version]);
    }
    if (current < latest) await analyse(client);
    await client.query('COMMIT');
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollback) {
      broken = rollback instanceof Error ? rollback : new Error(String(rollback));
    }
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/**
 * Statistics for the tables of the store's schema (those the service owns), in the migration's transaction. Until
 * autovacuum first analyses a new table the planner guesses its size from its pages: the one-row `revs` as ~2,200
 * rows, which made every feed query on a fresh database expensive enough for JIT (~134 ms a page instead of ~1 ms).
 */
async function analyse(client: Queryable): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND pg_has_role(c.relowner, 'USAGE')`,
  );
  if (rows.length) await client.query(`ANALYZE ${rows.map((r) => r.name).join(', ')}`);
}

/** PostGIS missing from the server, or not allowed to be created: the operator's next step, in words. */
function migrationError(error: unknown, migration: StoreMigration, location: string): Error {
  const e = error as { code?: string; message?: string };
  if (/postgis/i.test(e.message ?? '') && (e.code === '58P01' || e.code === '42501' || e.code === '0A000' || e.code === '42704')) {
    return new StoreError(
      'unavailable',
      `The store's database at ${location} has no PostGIS (${e.message}). Install it on the database server (Debian: postgresql-15-postgis-3) and run CREATE EXTENSION postgis in that database as a superuser, then start the service again.`,
    );
  }
  if (error instanceof Error && !(error instanceof StoreError) && !isConnectionFailure(e)) {
    error.message = `Migration ${migration.version} (${migration.name}) of ${location} failed: ${error.message}`;
  }
  return error instanceof Error ? error : new Error(String(error));
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
]);
const CONNECTION_MESSAGES =
  /Connection terminated|not queryable|timeout exceeded when trying to connect|Client was closed|Connection refused|server closed the connection/i;

function isConnectionFailure(e: { code?: string; message?: string; errors?: unknown[] }): boolean {
  const code = e.code ?? '';
  if (NETWORK_CODES.has(code)) return true;
  // SQLSTATE: 08 connection exceptions; 57P01–03 the server shutting down, crashed, or starting up; 53300 no free
  // connection slot.
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isConnectionFailure(inner as { code?: string }))) return true;
  return CONNECTION_MESSAGES.test(e.message ?? '');
}

/** PostgreSQL's and the driver's failures as sentences for the operator (exported for its unit test). */
export function translatePgError(error: unknown, location: string): Error {
  if (error instanceof StoreError) return error;
  const e = (error ?? {}) as { code?: string; message?: string; errors?: unknown[] };
  const code = typeof e.code === 'string' ? e.code : '';
  const detail = [code, e.message || (Array.isArray(e.errors) ? String((e.errors[0] as Error | undefined)?.message ?? '') : '')].filter(Boolean).join(': ');
  if (code === '3D000')
    return new StoreError('unavailable', `The store's database at ${location} does not exist (${detail}). Create it (createdb), or correct the URL.`);
  if (code.startsWith('28'))
    return new StoreError(
      'unavailable',
      `The store's database at ${location} refused the service's login (${detail}). Check the user and password the service is given.`,
    );
  if (code === '25006')
    return new StoreError(
      'unavailable',
      `The store's database at ${location} is read-only (${detail}): a standby, or a read-only setting. Point the service at the primary; it answers 503 until it can write.`,
    );
  if (isConnectionFailure(e))
    return new StoreError(
      'unavailable',
      `The store's database at ${location} cannot be reached (${detail || 'the connection failed'}). The service answers 503 until it is back.`,
    );
  // 53: insufficient resources (53100 disk full, 53200 out of memory, 53400 a configured limit).
  if (code.startsWith('53'))
    return new StoreError(
      'full',
      `The store's database at ${location} is full (${detail}). Nothing of this write was kept; free some space on the database server and send it again.`,
    );
  // 22: a value the database cannot hold (e.g. a NUL character in an id); the whole write was rolled back.
  if (code.startsWith('22'))
    return new StoreError(
      'invalid',
      `The store's database at ${location} refused a value of this write (${detail}). Nothing of this write was kept; correct the value and send it again.`,
    );
  return error instanceof Error ? error : new Error(String(error));
}

/** The URL for logs and messages: no password, in the userinfo or the query. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.searchParams.delete('password');
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1@').replace(/password=[^&\s]*/gi, 'password=***');
  }
}

function tokenInfo(row: TokenRow): TokenInfo {
  return { id: row.id, name: row.name, scopes: parseScopes(row.scopes), createdAt: row.created_at, revokedAt: row.revoked_at };
}
