/**
 * Runs the sync engine in a worker thread and relays what it reports. The owner (backend, CLI) gets statuses and
 * applied batches as callbacks; stop() ends the worker cleanly (the cursor is always consistent anyway). Once the
 * worker has the cache open, a second thread checkpoints its WAL, so the writer never stops for that.
 */
import type { Worker } from 'node:worker_threads';
import type { SyncStatus } from '../../shared/bridge/contract';
import type { AppliedBatch } from '../cache/store';
import { defaultWorkerUrl, startWorker } from '../threads';
import type { CheckpointerInit, WorkerInit, WorkerMessage } from './protocol';

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
  private checkpointer: { worker: Worker; exited: Promise<void>; stopped?: Promise<void> } | null = null;
  readonly finished: Promise<void>;

  constructor(
    init: WorkerInit,
    events: SyncServiceEvents,
    private readonly workerUrl: URL = defaultWorkerUrl(),
  ) {
    this.worker = this.spawn(init, resourceLimits);
    this.finished = new Promise((resolve, reject) => {
      this.worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'opened') this.startCheckpointer(init.cacheFile, init.checkpointMs ?? 1000);
        else if (message.type === 'status') events.status?.(message.status);
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
    // The checkpointer ends with the sync worker, however that ends.
    void this.finished.catch(() => {}).then(() => this.stopCheckpointer());
  }

  async stop(): Promise<void> {
    this.worker.postMessage({ type: 'stop' });
    const timeout = setTimeout(() => void this.worker.terminate(), 5000);
    await this.finished.catch(() => {});
    clearTimeout(timeout);
    await this.worker.terminate();
    await this.stopCheckpointer();
  }

  private spawn(workerData: WorkerInit | CheckpointerInit, limits?: typeof resourceLimits): Worker {
    return startWorker(workerData, { url: this.workerUrl, resourceLimits: limits });
  }

  private startCheckpointer(cacheFile: string, intervalMs: number) {
    if (this.checkpointer) return;
    const worker = this.spawn({ checkpointer: { cacheFile, intervalMs } });
    // Without it the writer's own automatic checkpoint still runs (a backstop): nothing to report to the owner.
    worker.on('error', () => {});
    this.checkpointer = { worker, exited: new Promise((resolve) => worker.once('exit', () => resolve())) };
  }

  /**
   * Asks the checkpointer for a last checkpoint and waits for it to end (at most 5 s). Called both when the sync
   * worker finishes and by stop(): both wait for the same end.
   */
  private stopCheckpointer(): Promise<void> {
    const checkpointer = this.checkpointer;
    if (!checkpointer) return Promise.resolve();
    checkpointer.stopped ??= (async () => {
      checkpointer.worker.postMessage({ type: 'stop' });
      const timeout = setTimeout(() => void checkpointer.worker.terminate(), 5000);
      await checkpointer.exited;
      clearTimeout(timeout);
    })();
    return checkpointer.stopped;
  }
}
