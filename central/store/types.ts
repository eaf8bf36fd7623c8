/**
 * The central data service's store: one typed interface, two engines (SQLite, the embedded default; PostgreSQL with
 * PostGIS at city scale) with the same schema and the same behaviour, checked by one contract suite
 * (tests/central/store-suite.ts). The HTTP layer validates what is posted; the store keeps it and serves the feed.
 *
 * Revisions are the store's: assigned when a change commits, strictly increasing, never reused, the same after a
 * restart; a change and its rev commit together. Writers take their revs from one counter that stays locked until
 * they commit, so revs become visible in order and the stable watermark (every rev at or below it has committed)
 * is simply the committed head.
 */
import type { ImportOutcome, ImportStatus } from '../../shared/api/imports';
import type { OrganisationResponse, RecordType, RegionsResponse } from '../../shared/api/schemas';

export type { ImportOutcome, ImportStatus };

export type { RecordType };

/** A record as posted, without its rev (the store assigns it). Validated by the HTTP layer (records.ts). */
export interface IncomingRecord {
  id: string;
  [field: string]: unknown;
}

export type WriteOutcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'rejected';

export interface RecordResult {
  id: string;
  outcome: WriteOutcome;
  /** The record's rev after the write (absent when rejected). */
  rev?: number;
  /** Why a record was rejected, naming the field. */
  reason?: string;
}

/** Who writes, for the audit table. */
export interface WriteContext {
  /** The token's id, or null for the quick-start token given on the command line. */
  tokenId: string | null;
  tokenName: string;
  /** The system the records come from, as the writer names it (e.g. "12345", "excel:矛盾纠纷台账", "demo"). */
  source: string;
  /**
   * A source's progress marker (a meta key and value), committed in the same transaction as the records, so a
   * source that restarts resumes exactly after its last committed write (the demo source's generator cursor).
   */
  progress?: { key: string; value: string };
}

export interface StoredPage {
  /** Each change as the wire carries it: {"type":…,"rev":…,"record":{…}} (tombstones: "of" and a short record). */
  items: { rev: number; json: string }[];
  nextRev: number;
  hasMore: boolean;
  /** The stable watermark when the page was read: no item is above it. */
  headRev: number;
  /** Changes left after afterRev, up to headRev. */
  total: number;
}

export interface Reference {
  /** The response body as served. */
  json: string;
  etag: string;
}

export type Scope = 'read' | 'write';

export interface TokenInfo {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  tokenName: string;
  action: string;
  source: string;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

export interface CentralStore {
  readonly engine: 'sqlite' | 'postgres';
  /** Where it keeps its data, for logs (a file path, or a URL without its password). */
  readonly location: string;

  /** The stable watermark: the newest rev at or below which every change has committed. */
  headRev(): Promise<number>;
  /** Cursors below this are too old for /v1/changes (tombstones before it were pruned): 410, then a full re-sync. */
  oldestRev(): Promise<number>;
  /** Changes with afterRev < rev ≤ the watermark, in rev order, at most `limit` of them. */
  changes(afterRev: number, limit: number): Promise<StoredPage>;

  regions(): Promise<Reference | null>;
  organisation(): Promise<Reference | null>;

  /**
   * Creates or updates records of one type, all or nothing. A record equal to the stored one is unchanged (no new
   * rev); a changed one gets a new rev; a deleted one comes back. At most MAX_BATCH records.
   */
  putRecords(type: RecordType, records: IncomingRecord[], who: WriteContext): Promise<RecordResult[]>;
  /** Deletes records (a tombstone each, at a new rev); unknown or already deleted ids are 'unchanged'. */
  deleteRecords(type: RecordType, ids: string[], who: WriteContext): Promise<RecordResult[]>;
  /** Replaces the whole region tree (a new ETag when it differs). */
  putRegions(regions: RegionsResponse, who: WriteContext): Promise<{ changed: boolean; etag: string }>;
  putOrganisation(organisation: OrganisationResponse, who: WriteContext): Promise<{ changed: boolean; etag: string }>;

  /** A value the store keeps for its sources (e.g. how far the demo source has written). */
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  deleteMeta(key: string): Promise<void>;

  createToken(name: string, scopes: Scope[]): Promise<{ info: TokenInfo; token: string }>;
  listTokens(): Promise<TokenInfo[]>;
  revokeToken(idOrName: string): Promise<TokenInfo | null>;
  /** The token's id, name and scopes when it is known and not revoked (compared by its hash). */
  verifyToken(token: string): Promise<TokenInfo | null>;
  audit(limit?: number): Promise<AuditEntry[]>;

  // ---- imports: staged records, committed whole (central/import/jobs.ts drives them) ----

  /** Creates or replaces an import's row (its status and state). */
  saveImport(row: ImportRow): Promise<void>;
  getImport(id: string): Promise<ImportRow | null>;
  /** Newest first. */
  listImports(limit?: number): Promise<ImportRow[]>;
  /** Adds validated records to an import, numbered from `firstSeq`; an id staged twice is refused (StoreError invalid). */
  stageImport(importId: string, firstSeq: number, rows: { type: RecordType; record: IncomingRecord }[]): Promise<void>;
  /** What committing the import would do now, without writing: read-only. */
  importOutcome(importId: string, recordsSource: string): Promise<ImportOutcome>;
  /**
   * Writes an import's staged records in one transaction (revs, audit row, the source's progress, the import's
   * status 'committed' and its counts), and with deleteMissing a tombstone for each record its source wrote before
   * that the import no longer has. Staged rows are dropped once committed. All or nothing.
   */
  commitImport(importId: string, options: { recordsSource: string; deleteMissing: boolean }, who: WriteContext): Promise<ImportOutcome>;
  /** Drops an import's staged records (a discarded or failed import keeps its row for the list). */
  dropStaged(importId: string): Promise<void>;

  /** Called after a change commits, here or (PostgreSQL) in another service process: a wake-up to read the feed. */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

/** An import as the store keeps it; `state` is the importer's JSON (progress, mapping, preview, problems). */
export interface ImportRow {
  id: string;
  source: string;
  recordsSource: string;
  fileName: string;
  sha256: string;
  bytes: number;
  tokenName: string;
  createdAt: string;
  status: ImportStatus;
  state: string;
  committedAt: string | null;
}

/** Most records one write request may carry. */
export const MAX_BATCH = 5000;

/**
 * One numbered step of a store's schema (never edit a released one; add the next). Each engine keeps its own list in
 * its own dialect (sqlite/migrations.ts, postgres/migrations.ts), with the same versions for the same tables.
 */
export interface StoreMigration {
  version: number;
  name: string;
  up: string;
}

/** A store failure the HTTP layer turns into a status and a sentence. */
export class StoreError extends Error {
  constructor(
    readonly code: 'full' | 'unavailable' | 'too_new' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
