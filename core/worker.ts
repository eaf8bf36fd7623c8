/**
 * The entry of the core's worker threads (one bundle entry for all, started by threads.ts): the sync thread
 * (sync/sync-thread.ts); started with a CheckpointerInit, the cache's checkpointer (cache/checkpointer.ts); with a
 * ReadThreadInit, a read thread (read/thread.ts). Each loads only its own modules: the checkpointer is SQLite alone,
 * not the engine, the HTTP client and the schemas.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ReadThreadInit } from './read/protocol';
import type { CheckpointerInit, ParentMessage, WorkerInit, WorkerMessage } from './sync/protocol';

const init = workerData as WorkerInit | CheckpointerInit | ReadThreadInit;
if ('reads' in init) void import('./read/thread').then(({ runReadThread }) => runReadThread(init));
else if ('checkpointer' in init) {
  const { cacheFile, intervalMs } = init.checkpointer;
  void import('./cache/checkpointer').then(({ startCheckpoints }) => {
    const checkpoints = startCheckpoints(cacheFile, intervalMs);
    parentPort!.on('message', (message: ParentMessage) => {
      if (message.type !== 'stop') return;
      checkpoints.stop();
      parentPort!.postMessage({ type: 'done' } satisfies WorkerMessage);
      parentPort!.close();
    });
  });
} else void import('./sync/sync-thread').then(({ runSyncThread }) => runSyncThread(init));
