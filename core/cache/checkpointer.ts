/**
 * Copies the cache's write-ahead log into the database file from a connection of its own, in a thread of its own.
 * SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages, so the sync writer stopped for
 * it: ~40 ms once a second while applying 200 live changes/s to a city-scale cache, against 2 ms a batch otherwise
 * (measured). A PASSIVE checkpoint from another connection runs alongside the writer's commits and the readers,
 * waiting for neither.
 */
import Database from 'better-sqlite3';

/**
 * The writer keeps SQLite's automatic checkpoint as a backstop, at 10,000 pages (160 MB of WAL), for when the
 * checkpointer falls behind or is not running (a cache opened by the CLI tools).
 */
const WRITER_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * PASSIVE checkpoints never shrink the WAL file: it stays at its high-water mark (95 MB after a 124,000-event
 * bootstrap, measured). With this limit the writer truncates it when it starts the log over. Above what a second of
 * live changes writes at city scale (~25 MB), so the steady state does not shrink and regrow the file every second.
 */
export const WAL_SIZE_LIMIT_BYTES = 64 * 2 ** 20;

export interface CheckpointResult {
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

/** The writer's side: leaves checkpoints to the checkpointer (keeping its own as the backstop), bounds the WAL file. */
export function deferCheckpoints(writer: Database.Database) {
  writer.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  writer.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
}

/** Opens the cache for checkpoints only: it never writes a row. */
export function openForCheckpoints(file: string): Database.Database {
  const db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 1000');
  return db;
}

export function checkpoint(db: Database.Database): CheckpointResult {
  const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
  return { log: row.log, checkpointed: row.checkpointed };
}

/** Checkpoints every `intervalMs` until stopped; the last one runs at stop, so a clean exit leaves a short WAL. */
export function startCheckpoints(file: string, intervalMs: number): { stop: () => void } {
  const db = openForCheckpoints(file);
  const tick = () => {
    try {
      checkpoint(db);
    } catch {
      // A busy or vanished file: the next tick tries again, and the writer's own checkpoint is the backstop.
    }
  };
  const timer = setInterval(tick, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      tick();
      db.close();
    },
  };
}
