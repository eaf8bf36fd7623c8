/**
 * The sync worker thread: owns the cache's write connection and the engine, so a slow API or a big bootstrap
 * never blocks the thread that answers the UI.
 */
import { parentPort } from 'node:worker_threads';
import { deferCheckpoints } from '../cache/checkpointer';
import { openCache, quickCheck } from '../cache/database';
import { CacheStore } from '../cache/store';
import { ApiClient } from './api-client';
import { SyncEngine } from './engine';
import type { ParentMessage, WorkerInit, WorkerMessage } from './protocol';

const MAX_EVENTS_POSTED = 200;
const post = (message: WorkerMessage) => parentPort!.postMessage(message);

async function main(init: WorkerInit) {
  const opened = openCache(init.cacheFile, { integrity: init.checkIntegrity ? 'deferred' : 'full' });
  if (opened.rebuilt) post({ type: 'rebuilt', ...opened.rebuilt });
  if (init.checkIntegrity) {
    const problem = quickCheck(opened.db);
    if (problem) {
      opened.db.close();
      post({ type: 'corrupt', reason: problem });
      post({ type: 'done' });
      return;
    }
  }
  // Checkpoints are the checkpointer thread's job (the service starts it on 'opened').
  deferCheckpoints(opened.db);
  post({ type: 'opened' });
  const store = new CacheStore(opened.db);
  const engine = new SyncEngine(
    new ApiClient(init.api),
    store,
    {
      status: (status) => post({ type: 'status', status }),
      // A bootstrap page holds thousands of records: the wall only needs the newest few and "totals changed".
      batch: (batch) =>
        post({
          type: 'batch',
          batch: batch.events.length > MAX_EVENTS_POSTED ? { ...batch, events: batch.events.slice(-MAX_EVENTS_POSTED), truncated: true } : batch,
        }),
      reference: () => post({ type: 'reference' }),
    },
    init.engine,
  );
  parentPort!.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') void engine.stop();
  });
  if (init.mode === 'once') await engine.syncOnce();
  else await engine.start();
  opened.db.close();
  post({ type: 'done' });
}

export function runSyncThread(init: WorkerInit) {
  main(init).catch((error) => {
    post({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
  });
}
