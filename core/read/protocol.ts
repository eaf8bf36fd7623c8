/** Messages between the host's thread (pool.ts) and a read thread (thread.ts). */
import type { ReadMethod } from './service';

export interface ReadThreadInit {
  /** `open`: this thread opens the cache first (see OpenInit); the pool's other threads start after it. */
  reads: { cacheFile: string; open?: OpenInit };
}

/**
 * How the cache is opened for use: migrated to this version's schema, checked (`full`: quick_check now;
 * `deferred`: the sync thread checks later), its state read; a file found damaged on the way is set aside and
 * started empty. `replace`: set it aside first, for this reason (the background check found it damaged).
 */
export interface OpenInit {
  integrity: 'full' | 'deferred';
  replace?: string;
}

/** What opening found: the status bar's figures, and whether the file was rebuilt or upgraded. */
export interface OpenedState {
  lastContact: string | null;
  quarantined: number;
  rebuilt: { reason: string; movedTo: string } | null;
  migrated: { from: number; to: number; ms: number } | null;
}

export interface ReadRequest {
  id: number;
  method: ReadMethod;
  args: unknown[];
}

/** An error as it crosses the thread: enough to rebuild a BridgeError or tell SQLite's codes apart. */
export interface ThreadError {
  name: string;
  message: string;
  code?: string;
  issues?: unknown;
}

export type ReadReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ThreadError };

/** Sent once the thread has its connection open, or could not open it. */
export type ReadReady = { ready: true; opened?: OpenedState } | { ready: false; error: ThreadError };
