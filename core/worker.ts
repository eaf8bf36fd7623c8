/**
 * The entry of the core's worker threads (one bundle entry for both): the sync thread (sync-thread.ts), or, started
 * with a CheckpointerInit, the cache's checkpointer (core/cache/checkpointer.ts). Each loads only its own modules:
 * the checkpointer is SQLite alone, not the engine, the HTTP client and the schemas.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointerInit, ParentMessage, WorkerInit, WorkerMessage } from './protocol';

const init = workerData as WorkerInit | CheckpointerInit;
if ('checkpointer' in init) {
  const { cacheFile, intervalMs } = init.checkpointer;
  void import('../cache/checkpointer').then(({ startCheckpoints }) => {
    const checkpoints = startCheckpoints(cacheFile, intervalMs);
    parentPort!.on('message', (message: ParentMessage) => {
      if (message.type !== 'stop') return;
      checkpoints.stop();
      parentPort!.postMessage({ type: 'done' } satisfies WorkerMessage);
      parentPort!.close();
    });
  });
} else void import('./sync-thread').then(({ runSyncThread }) => runSyncThread(init));
