/** Messages between the host's thread (pool.ts) and a read thread (thread.ts). */
import type { ReadMethod } from './service';

export interface ReadThreadInit {
  reads: { cacheFile: string };
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
export type ReadReady = { ready: true } | { ready: false; error: ThreadError };
