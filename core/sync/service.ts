/**
 * Runs the sync engine in a worker thread and relays what it reports. The owner (backend, CLI) gets statuses and
 * applied batches as callbacks; stop() ends the worker cleanly (the cursor is always consistent anyway).
 */
import { Worker } from 'node:worker_threads';
import type { SyncStatus } from '../../shared/bridge/contract';
import type { AppliedBatch } from '../cache/store';
import type { WorkerInit, WorkerMessage } from './protocol';

/**
 * A bootstrap page is a few MB of JSON whose objects live until the page is written: in the default young
 * generation they survive scavenges and are copied and promoted. A bigger one lets them die young: GC was 15%
 * of the worker's time in a bootstrap profile, 12% at 192 MB (RSS +110 MB); 128 MB is the compromise.
 */
const resourceLimits = { maxYoungGenerationSizeMb: 128 };

export interface SyncServiceEvents {
  status?: (status: SyncStatus) => void;
  batch?: (batch: AppliedBatch) => void;
  reference?: () => void;
  rebuilt?: (info: { reason: string; movedTo: string }) => void;
  /** The background integrity check failed (WorkerInit.checkIntegrity); the worker has ended without syncing. */
  corrupt?: (reason: string) => void;
}

export class SyncService {
  private readonly worker: Worker;
  readonly finished: Promise<void>;

  constructor(init: WorkerInit, events: SyncServiceEvents, workerUrl: URL = defaultWorkerUrl()) {
    // From sources (tsx, vitest) the worker is TypeScript: register tsx inside the thread first, since threads
    // do not inherit the parent's module hooks.
    this.worker = workerUrl.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl.href)}); })`, { eval: true, workerData: init, resourceLimits })
      : new Worker(workerUrl, { workerData: init, resourceLimits });
    this.finished = new Promise((resolve, reject) => {
      this.worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'status') events.status?.(message.status);
        else if (message.type === 'batch') events.batch?.(message.batch);
        else if (message.type === 'reference') events.reference?.();
        else if (message.type === 'rebuilt') events.rebuilt?.(message);
        else if (message.type === 'corrupt') events.corrupt?.(message.reason);
        else if (message.type === 'done') resolve();
        else if (message.type === 'fatal') reject(new Error(message.message));
      });
      this.worker.on('error', reject);
      this.worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`The sync worker stopped unexpectedly (exit code ${code}).`))));
    });
    this.finished.catch(() => {});
  }

  async stop(): Promise<void> {
    this.worker.postMessage({ type: 'stop' });
    const timeout = setTimeout(() => void this.worker.terminate(), 5000);
    await this.finished.catch(() => {});
    clearTimeout(timeout);
    await this.worker.terminate();
  }
}

/** The worker next to this file: worker.ts under tsx/vitest, worker.js in the Electron bundle. */
function defaultWorkerUrl(): URL {
  const here = new URL(import.meta.url);
  return new URL(here.pathname.endsWith('.ts') ? './worker.ts' : './sync-worker.js', here);
}
