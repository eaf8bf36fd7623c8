/** Messages between the sync worker thread and the thread that owns the bridge. */
import type { SyncStatus } from '../../shared/bridge/contract';
import type { AppliedBatch } from '../cache/store';
import type { ApiConfig } from './api-client';
import type { SyncEngineOptions } from './engine';

export interface WorkerInit {
  cacheFile: string;
  api: ApiConfig;
  engine: Omit<SyncEngineOptions, 'now' | 'random'>;
  /** 'follow' runs until stopped; 'once' pulls everything and exits. */
  mode: 'follow' | 'once';
  /**
   * The owner opened the cache without quick_check (to start the wall fast): the worker checks it before syncing
   * and, if it is damaged, reports 'corrupt' and ends, so the owner can close its connection and rebuild.
   */
  checkIntegrity?: boolean;
  /** How often the checkpointer thread moves the WAL into the database file (default 1,000 ms). */
  checkpointMs?: number;
}

/** The same worker file started as the cache's checkpointer (core/cache/checkpointer.ts). */
export interface CheckpointerInit {
  checkpointer: { cacheFile: string; intervalMs: number };
}

export type WorkerMessage =
  /** The cache is open (migrated, rebuilt if it had to be, checked): its file will not move any more. */
  | { type: 'opened' }
  | { type: 'status'; status: SyncStatus }
  | { type: 'batch'; batch: AppliedBatch }
  | { type: 'reference' }
  | { type: 'rebuilt'; reason: string; movedTo: string }
  | { type: 'corrupt'; reason: string }
  | { type: 'done' }
  | { type: 'fatal'; message: string };

export type ParentMessage = { type: 'stop' };
