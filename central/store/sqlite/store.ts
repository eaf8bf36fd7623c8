/**
 * The SQLite engine of the central store: one file, WAL, the embedded default and a district's one-machine
 * service. Writes are IMMEDIATE transactions (one writer at a time), so revs are handed out and committed in order
 * and the committed head is the stable watermark. `synchronous = FULL`: this is the district's system of record,
 * so a commit survives a power cut, not only a killed process.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
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
import { SQLITE_MIGRATIONS } from './migrations';

type ImportDbRow = {
  id: string;
  source: string;
  records_source: string;
  file_name: string;
  sha256: string;
  bytes: number;
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
  bytes: r.bytes,
  tokenName: r.token_name,
  createdAt: r.created_at,
  status: r.status,
  state: r.state,
  committedAt: r.committed_at,
});

/** Staged records joined to what is stored of them: the same outcome rule as putRecords, as SQL. */
const STAGED_VS_STORED = `FROM import_rows s LEFT JOIN records r ON r.type = s.type AND r.id = s.id WHERE s.import_id = ?`;
/** Records the source wrote before that the import does not have. */
const MISSING = `FROM records r WHERE r.source = ? AND r.deleted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM import_rows s WHERE s.import_id = ? AND s.type = r.type AND s.id = r.id)`;

type TokenRow = { id: string; name: string; scopes: string; created_at: string; revoked_at: string | null };

export interface SqliteStoreOptions {
  /** Caps the file's size in pages (tests use it to make a "full disk"). */
  maxPageCount?: number;
  migrations?: StoreMigration[];
  now?: () => number;
}

export class SqliteStore implements CentralStore {
  readonly engine = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly listeners = new Set<() => void>();
  private readonly totals = new FeedTotals();
  private readonly now: () => number;
  private readonly sql;

  constructor(
    readonly location: string,
    options: SqliteStoreOptions = {},
  ) {
    if (location !== ':memory:') mkdirSync(path.dirname(path.resolve(location)), { recursive: true });
    this.now = options.now ?? Date.now;
    try {
      this.db = new Database(location);
      // First: another process opening the same file at this instant makes the steps below wait, not fail.
      this.db.pragma('busy_timeout = 10000');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      if (options.maxPageCount) this.db.pragma(`max_page_count = ${options.maxPageCount}`);
      migrate(this.db, options.migrations ?? SQLITE_MIGRATIONS, location);
    } catch (error) {
      throw translate(error, location);
    }
    const db = this.db;
    this.sql = {
      meta: db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      page: db.prepare<[number, number, number], { rev: number; type: RecordType; id: string; body: string; deleted_at: string | null }>(
        'SELECT rev, type, id, body, deleted_at FROM records WHERE rev > ? AND rev <= ? ORDER BY rev LIMIT ?',
      ),
      count: db.prepare<[number, number], number>('SELECT count(*) FROM records WHERE rev > ? AND rev <= ?').pluck(),
      record: db.prepare<[string, string], { rev: number; body: string; deleted_at: string | null }>(
        'SELECT rev, body, deleted_at FROM records WHERE type = ? AND id = ?',
      ),
      insert: db.prepare('INSERT INTO records (rev, type, id, body, deleted_at, source, updated_at) VALUES (?, ?, ?, ?, NULL, ?, ?)'),
      update: db.prepare('UPDATE records SET rev = ?, body = ?, deleted_at = NULL, source = ?, updated_at = ? WHERE type = ? AND id = ?'),
      tombstone: db.prepare("UPDATE records SET rev = ?, body = '{}', deleted_at = ?, source = ?, updated_at = ? WHERE type = ? AND id = ?"),
      reference: db.prepare<[string], Reference>('SELECT json, etag FROM reference WHERE key = ?'),
      setReference: db.prepare(
        'INSERT INTO reference (key, json, etag, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET json = excluded.json, etag = excluded.etag, updated_at = excluded.updated_at',
      ),
      audit: db.prepare(
        'INSERT INTO audit (at, token_id, token_name, action, source, created, updated, unchanged, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
    };
  }

  async headRev(): Promise<number> {
    return Number(this.sql.meta.get('head_rev'));
  }

  async oldestRev(): Promise<number> {
    return Number(this.sql.meta.get('oldest_rev'));
  }

  async changes(afterRev: number, limit: number): Promise<StoredPage> {
    // One read transaction: the head and the rows come from the same snapshot.
    return this.db.transaction(() => {
      const head = Number(this.sql.meta.get('head_rev'));
      const rows = this.sql.page.all(afterRev, head, limit);
      const last = rows.length ? rows[rows.length - 1].rev : head;
      const items = rows.map((r) => ({ rev: r.rev, json: changeJson(r.type, r.id, r.rev, r.body, r.deleted_at) }));
      const total = this.totals.total(afterRev, head, (from, to) => this.sql.count.get(from, to) ?? 0);
      const hasMore = rows.length === limit && last < head;
      if (hasMore) this.totals.remember(last, head, total - rows.length);
      return { items, nextRev: hasMore ? last : Math.max(afterRev, head), hasMore, headRev: head, total };
    })();
  }

  async regions(): Promise<Reference | null> {
    return this.sql.reference.get('regions') ?? null;
  }

  async organisation(): Promise<Reference | null> {
    return this.sql.reference.get('organisation') ?? null;
  }

  async putRecords(type: RecordType, records: IncomingRecord[], who: WriteContext): Promise<RecordResult[]> {
    return this.write('put', type, who, (at, nextRev) =>
      records.map((record): RecordResult => {
        const body = canonicalBody(record);
        const old = this.sql.record.get(type, record.id);
        if (old && old.deleted_at === null && old.body === body) return { id: record.id, outcome: 'unchanged', rev: old.rev };
        const rev = nextRev();
        if (old) this.sql.update.run(rev, body, who.source, at, type, record.id);
        else this.sql.insert.run(rev, type, record.id, body, who.source, at);
        return { id: record.id, outcome: old && old.deleted_at === null ? 'updated' : 'created', rev };
      }),
    );
  }

  async deleteRecords(type: RecordType, ids: string[], who: WriteContext): Promise<RecordResult[]> {
    return this.write('delete', type, who, (at, nextRev) =>
      ids.map((id): RecordResult => {
        const old = this.sql.record.get(type, id);
        if (!old || old.deleted_at !== null) return { id, outcome: 'unchanged', ...(old ? { rev: old.rev } : {}) };
        const rev = nextRev();
        this.sql.tombstone.run(rev, at, who.source, at, type, id);
        return { id, outcome: 'deleted', rev };
      }),
    );
  }

  async putRegions(regions: RegionsResponse, who: WriteContext): Promise<{ changed: boolean; etag: string }> {
    const json = JSON.stringify(regions);
    return this.replaceReference('regions', json, who, () => {
      this.db.exec('DELETE FROM regions');
      const insert = this.db.prepare(`INSERT INTO regions (id, code, level, name, parent_id, center_lon, center_lat, geometry, synthetic, profile, position)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      regions.regions.forEach((r, i) =>
        insert.run(
          r.id,
          r.code,
          r.level,
          r.name,
          r.parent_id,
          r.center[0],
          r.center[1],
          JSON.stringify(r.geometry),
          r.synthetic_geometry ? 1 : 0,
          r.profile ? JSON.stringify(r.profile) : null,
          i,
        ),
      );
    });
  }

  async putOrganisation(organisation: OrganisationResponse, who: WriteContext): Promise<{ changed: boolean; etag: string }> {
    return this.replaceReference('organisation', JSON.stringify(organisation), who, () => {});
  }

  async getMeta(key: string): Promise<string | null> {
    return this.sql.meta.get(`x.${key}`) ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.guard(() => this.sql.setMeta.run(`x.${key}`, value));
  }

  async deleteMeta(key: string): Promise<void> {
    this.guard(() => this.db.prepare('DELETE FROM meta WHERE key = ?').run(`x.${key}`));
  }

  async createToken(name: string, scopes: Scope[]): Promise<{ info: TokenInfo; token: string }> {
    const token = newToken();
    const info: TokenInfo = { id: newTokenId(), name, scopes, createdAt: toShanghaiIso(this.now()), revokedAt: null };
    this.guard(() => {
      if (this.db.prepare('SELECT 1 FROM tokens WHERE name = ?').get(name))
        throw new StoreError('invalid', `A token named "${name}" exists already; choose another name or revoke it first.`);
      this.db
        .prepare('INSERT INTO tokens (id, name, hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(info.id, name, tokenHash(token), scopes.join(','), info.createdAt);
    });
    return { info, token };
  }

  async listTokens(): Promise<TokenInfo[]> {
    return (this.db.prepare('SELECT id, name, scopes, created_at, revoked_at FROM tokens ORDER BY created_at, name').all() as TokenRow[]).map(tokenInfo);
  }

  async revokeToken(idOrName: string): Promise<TokenInfo | null> {
    return this.guard(() => {
      const row = this.db.prepare('SELECT id, name, scopes, created_at, revoked_at FROM tokens WHERE id = ? OR name = ?').get(idOrName, idOrName) as
        TokenRow | undefined;
      if (!row) return null;
      if (!row.revoked_at) {
        row.revoked_at = toShanghaiIso(this.now());
        this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ?').run(row.revoked_at, row.id);
      }
      return tokenInfo(row);
    });
  }

  async verifyToken(token: string): Promise<TokenInfo | null> {
    const row = this.db.prepare('SELECT id, name, scopes, created_at, revoked_at FROM tokens WHERE hash = ? AND revoked_at IS NULL').get(tokenHash(token)) as
      TokenRow | undefined;
    return row ? tokenInfo(row) : null;
  }

  async audit(limit = 50): Promise<AuditEntry[]> {
    return (
      this.db.prepare('SELECT seq, at, token_name, action, source, created, updated, unchanged, deleted FROM audit ORDER BY seq DESC LIMIT ?').all(limit) as {
        seq: number;
        at: string;
        token_name: string;
        action: string;
        source: string;
        created: number;
        updated: number;
        unchanged: number;
        deleted: number;
      }[]
    ).map((r) => ({
      seq: r.seq,
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
    this.guard(() =>
      this.db
        .prepare(
          `INSERT INTO imports (id, source, records_source, file_name, sha256, bytes, token_name, created_at, status, state, committed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET status = excluded.status, state = excluded.state, committed_at = excluded.committed_at`,
        )
        .run(row.id, row.source, row.recordsSource, row.fileName, row.sha256, row.bytes, row.tokenName, row.createdAt, row.status, row.state, row.committedAt),
    );
  }

  async getImport(id: string): Promise<ImportRow | null> {
    const row = this.db.prepare('SELECT * FROM imports WHERE id = ?').get(id) as ImportDbRow | undefined;
    return row ? importRow(row) : null;
  }

  async listImports(limit = 50): Promise<ImportRow[]> {
    return (this.db.prepare('SELECT * FROM imports ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as ImportDbRow[]).map(importRow);
  }

  async stageImport(importId: string, firstSeq: number, rows: { type: RecordType; record: IncomingRecord }[]): Promise<void> {
    const insert = this.db.prepare('INSERT INTO import_rows (import_id, seq, type, id, body) VALUES (?, ?, ?, ?, ?)');
    this.guard(() =>
      this.db.transaction(() => {
        rows.forEach(({ type, record }, i) => {
          try {
            insert.run(importId, firstSeq + i, type, record.id, canonicalBody(record));
          } catch (error) {
            if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
              throw new StoreError('invalid', `The ${type} "${record.id}" is in the import twice.`);
            throw error;
          }
        });
      })(),
    );
  }

  async importOutcome(importId: string, recordsSource: string): Promise<ImportOutcome> {
    return this.db.transaction(() => this.outcome(importId, recordsSource))();
  }

  async commitImport(importId: string, options: { recordsSource: string; deleteMissing: boolean }, who: WriteContext): Promise<ImportOutcome> {
    let changed = false;
    const outcome = this.guard(() =>
      this.db
        .transaction(() => {
          const at = toShanghaiIso(this.now());
          const outcome = this.outcome(importId, options.recordsSource);
          let head = Number(this.sql.meta.get('head_rev'));
          // New revs in the order the records were read; an unchanged record keeps its rev (no new rev).
          const written = this.db
            .prepare(
              `INSERT INTO records (rev, type, id, body, deleted_at, source, updated_at)
               SELECT ? + row_number() OVER (ORDER BY s.seq), s.type, s.id, s.body, NULL, ?, ?
               ${STAGED_VS_STORED} AND (r.id IS NULL OR r.deleted_at IS NOT NULL OR r.body <> s.body)
               ON CONFLICT (type, id) DO UPDATE SET rev = excluded.rev, body = excluded.body, deleted_at = NULL, source = excluded.source, updated_at = excluded.updated_at`,
            )
            .run(head, who.source, at, importId).changes;
          head += written;
          let deleted = 0;
          if (options.deleteMissing) {
            deleted = this.db
              .prepare(
                `WITH m AS (SELECT r.type, r.id, ? + row_number() OVER (ORDER BY r.type, r.id) AS rev ${MISSING})
                 UPDATE records SET rev = m.rev, body = '{}', deleted_at = ?, source = ?, updated_at = ? FROM m WHERE records.type = m.type AND records.id = m.id`,
              )
              .run(head, options.recordsSource, importId, at, who.source, at).changes;
            head += deleted;
          }
          changed = written + deleted > 0;
          if (changed) this.sql.setMeta.run('head_rev', String(head));
          if (who.progress) this.sql.setMeta.run(`x.${who.progress.key}`, who.progress.value);
          this.sql.audit.run(at, who.tokenId, who.tokenName, 'import', who.source, outcome.created, outcome.updated, outcome.unchanged, deleted);
          this.db.prepare("UPDATE imports SET status = 'committed', committed_at = ? WHERE id = ?").run(at, importId);
          this.db.prepare('DELETE FROM import_rows WHERE import_id = ?').run(importId);
          return { ...outcome, deleted };
        })
        .immediate(),
    );
    if (changed) this.notify();
    return outcome;
  }

  async dropStaged(importId: string): Promise<void> {
    this.guard(() => this.db.prepare('DELETE FROM import_rows WHERE import_id = ?').run(importId));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }

  /**
   * One write: an IMMEDIATE transaction (the only writer), revs from the head counter, the audit row, all or nothing;
   * listeners hear of it once it has committed and only if something changed.
   */
  private write(action: 'put' | 'delete', type: RecordType, who: WriteContext, apply: (at: string, nextRev: () => number) => RecordResult[]): RecordResult[] {
    let changed = false;
    const results = this.guard(() =>
      this.db
        .transaction(() => {
          const at = toShanghaiIso(this.now());
          let head = Number(this.sql.meta.get('head_rev'));
          const results = apply(at, () => ++head);
          const count = (outcome: RecordResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
          changed = results.some((r) => r.outcome !== 'unchanged');
          if (changed) this.sql.setMeta.run('head_rev', String(head));
          if (who.progress) this.sql.setMeta.run(`x.${who.progress.key}`, who.progress.value);
          this.sql.audit.run(
            at,
            who.tokenId,
            who.tokenName,
            `${action} ${type}s`,
            who.source,
            count('created'),
            count('updated'),
            count('unchanged'),
            count('deleted'),
          );
          return results;
        })
        .immediate(),
    );
    if (changed) this.notify();
    return results;
  }

  private replaceReference(key: 'regions' | 'organisation', json: string, who: WriteContext, rows: () => void): { changed: boolean; etag: string } {
    const etag = etagOf(json);
    const changed = this.guard(() =>
      this.db
        .transaction(() => {
          if (this.sql.reference.get(key)?.etag === etag) return false;
          const at = toShanghaiIso(this.now());
          rows();
          this.sql.setReference.run(key, json, etag, at);
          this.sql.audit.run(at, who.tokenId, who.tokenName, `put ${key}`, who.source, 0, 1, 0, 0);
          return true;
        })
        .immediate(),
    );
    if (changed) this.notify();
    return { changed, etag };
  }

  private outcome(importId: string, recordsSource: string): ImportOutcome {
    const counts = this.db
      .prepare(
        `SELECT coalesce(sum(r.id IS NULL OR r.deleted_at IS NOT NULL), 0) AS created,
                coalesce(sum(r.deleted_at IS NULL AND r.body <> s.body), 0) AS updated,
                coalesce(sum(r.deleted_at IS NULL AND r.body = s.body), 0) AS unchanged ${STAGED_VS_STORED}`,
      )
      .get(importId) as { created: number; updated: number; unchanged: number };
    const missing = this.db.prepare(`SELECT count(*) ${MISSING}`).pluck().get(recordsSource, importId) as number;
    const missingSample = this.db
      .prepare(`SELECT r.type, r.id ${MISSING} ORDER BY r.type, r.id LIMIT 20`)
      .all(recordsSource, importId) as ImportOutcome['missingSample'];
    return { ...counts, missing, deleted: 0, missingSample };
  }

  private notify() {
    for (const listener of this.listeners) listener();
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw translate(error, this.location);
    }
  }
}

function tokenInfo(row: TokenRow): TokenInfo {
  return { id: row.id, name: row.name, scopes: parseScopes(row.scopes), createdAt: row.created_at, revokedAt: row.revoked_at };
}

function migrate(db: Database.Database, migrations: StoreMigration[], location: string) {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new StoreError(
      'too_new',
      `The store ${location} was written by a newer version of the central service (schema ${current}; this version understands up to ${latest}). Update the service, or give it another store.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    // IMMEDIATE, and the version read again inside: two services starting on a new store at once take turns, and
    // the second finds the first's work done ("table meta already exists" otherwise, seen in CI).
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= migration.version) return;
      db.exec(migration.up);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

/** SQLite's failures as sentences for the operator; a full disk or size cap leaves the store as it was. */
function translate(error: unknown, location: string): Error {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: string }).code ?? '';
  if (code === 'SQLITE_FULL')
    return new StoreError(
      'full',
      `The store ${location} is full (the disk, or its size limit). Nothing of this write was kept; free some space and send it again.`,
    );
  if (code === 'SQLITE_BUSY') return new StoreError('unavailable', `The store ${location} is busy with another writer; try again in a moment.`);
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM' || code.startsWith('SQLITE_IOERR'))
    return new StoreError('unavailable', `The store ${location} cannot be written (${code}). Check the disk and the folder's permissions.`);
  return error instanceof Error ? error : new Error(String(error));
}
