/**
 * Opening the SQLite cache: WAL mode, numbered migrations, a refusal for caches written by a newer version, and
 * recovery from a corrupt file (moved aside, rebuilt from the API, the user told).
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import type { Migration } from './migrations/types';

export type Db = Database.Database;

export class CacheError extends Error {
  constructor(
    readonly code: 'too_new' | 'disk_full' | 'read_only' | 'io',
    message: string,
  ) {
    super(message);
    this.name = 'CacheError';
  }
}

export interface OpenedCache {
  db: Db;
  /** Set when the file was unreadable and has been moved aside; the cache starts empty and is rebuilt by sync. */
  rebuilt: { reason: string; movedTo: string } | null;
  /**
   * Set when an existing cache was upgraded to this version's schema. Worth a log line: on a city-scale cache a
   * migration that rebuilds rollups takes tens of seconds (006: 35 s for 5,000,000 events, measured).
   */
  migrated: { from: number; to: number; ms: number } | null;
}

export interface OpenOptions {
  readonly?: boolean;
  migrations?: Migration[];
  /**
   * 'full' (default) runs SQLite's quick_check before use. 'deferred' only proves the file is a database of ours
   * (opening, the schema and the migrations read it): quick_check reads every page, seconds for a big cache, so the
   * app opens deferred and the sync worker checks in the background (quickCheck), keeping the wall's start fast.
   */
  integrity?: 'full' | 'deferred';
}

function configure(db: Db, readonly: boolean) {
  // 16 KiB pages: a new cache's bulk sync costs a quarter less than with 4 KiB (measured); existing files keep theirs.
  if (!readonly) db.pragma('page_size = 16384');
  if (!readonly) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL'); // durable at each checkpoint; WAL keeps every commit atomic
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536'); // 64 MiB
  db.pragma('temp_store = MEMORY');
}

/** Brings the cache to the newest schema; says from which version and how long it took, if it upgraded one. */
export function migrate(db: Db, migrations: Migration[] = MIGRATIONS): OpenedCache['migrated'] {
  const started = performance.now();
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new CacheError(
      'too_new',
      `This cache was written by a newer version of Grid Command Center (schema ${current}; this version understands up to ${latest}). Update the app, or point it at another cache file.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.up);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return current > 0 && current < latest ? { from: current, to: latest, ms: performance.now() - started } : null;
}

/** Opens (creating if needed) the cache file; a corrupt file is moved aside and replaced by an empty cache. */
export function openCache(file: string, options: OpenOptions = {}): OpenedCache {
  const readonly = options.readonly ?? false;
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const existed = file !== ':memory:' && existsSync(file);
  try {
    const db = new Database(file, { readonly, fileMustExist: readonly });
    try {
      configure(db, readonly);
      if (existed && options.integrity !== 'deferred') {
        const problem = quickCheck(db);
        if (problem) throw new CorruptCache(problem);
      }
      const migrated = readonly ? null : migrate(db, options.migrations);
      return { db, rebuilt: null, migrated };
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    if (error instanceof CacheError || readonly || !existed || !isCorruption(error)) throw translate(error, file);
    return replaceCorruptCache(file, error instanceof Error ? error.message : String(error), options.migrations);
  }
}

/**
 * A read thread's connection to a cache the owner has opened (and migrated): no migration, no integrity check, no
 * recovery — a damaged file is the owner's to replace. Not read-only: the export audit log is written through it.
 */
export function openReader(file: string): Db {
  if (!existsSync(file))
    throw new CacheError(
      'io',
      `The cache file ${file} is not there any more (moved or deleted while the app ran); restart the app and it is rebuilt from the central API.`,
    );
  const db = new Database(file, { fileMustExist: true });
  try {
    configure(db, true);
    return db;
  } catch (error) {
    db.close();
    throw translate(error, file);
  }
}

/** SQLite's quick_check: null when the file is sound, else what is wrong. */
export function quickCheck(db: Db): string | null {
  const result = db.pragma('quick_check', { simple: true });
  return result === 'ok' ? null : String(result);
}

/** Moves a damaged cache file (and its WAL) aside, keeping it for inspection, and starts an empty cache. */
export function replaceCorruptCache(file: string, reason: string, migrations?: Migration[]): OpenedCache {
  const movedTo = `${file}.corrupt-${Date.now()}`;
  renameSync(file, movedTo);
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
  const db = new Database(file);
  configure(db, false);
  migrate(db, migrations);
  return { db, rebuilt: { reason, movedTo }, migrated: null };
}

class CorruptCache extends Error {}

/** SQLite says the file is damaged or not a database. */
export function isCorruption(error: unknown): boolean {
  if (error instanceof CorruptCache) return true;
  const code = (error as { code?: string }).code ?? '';
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
}

/** Turns SQLite's error codes into sentences a duty officer can act on. */
export function translate(error: unknown, file = 'the cache'): Error {
  if (error instanceof CacheError) return error;
  const code = (error as { code?: string }).code ?? '';
  if (code === 'SQLITE_FULL')
    return new CacheError('disk_full', `The disk holding ${file} is full. Sync has stopped and the cache is unchanged; free some space and it will continue.`);
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM')
    return new CacheError('read_only', `The cache file ${file} cannot be written (${code}). Check the folder's permissions or choose another cache file.`);
  if (code.startsWith('SQLITE_IOERR')) return new CacheError('io', `Reading or writing ${file} failed (${code}). Check the disk; the cache is unchanged.`);
  return error instanceof Error ? error : new Error(String(error));
}

export { SCHEMA_VERSION };
