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
}

export type WorkerMessage =
  | { type: 'status'; status: SyncStatus }
  | { type: 'batch'; batch: AppliedBatch }
  | { type: 'reference' }
  | { type: 'rebuilt'; reason: string; movedTo: string }
  | { type: 'done' }
  | { type: 'fatal'; message: string };

export type ParentMessage = { type: 'stop' };
