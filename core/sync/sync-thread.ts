/**
 * The sync worker thread: owns the cache's write connection and the engine, so a slow API or a big bootstrap
 * never blocks the thread that answers the UI.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openCache, quickCheck } from '../cache/database';
import { CacheStore } from '../cache/store';
import { ApiClient } from './api-client';
import { SyncEngine } from './engine';
import type { ParentMessage, WorkerInit, WorkerMessage } from './protocol';

const init = workerData as WorkerInit;
const MAX_EVENTS_POSTED = 200;
const post = (message: WorkerMessage) => parentPort!.postMessage(message);

async function main() {
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
  const store = new CacheStore(opened.db);
  const engine = new SyncEngine(new ApiClient(init.api), store, {
    status: (status) => post({ type: 'status', status }),
    // A bootstrap page holds thousands of records: the wall only needs the newest few and "totals changed".
    batch: (batch) =>
      post({
        type: 'batch',
        batch: batch.events.length > MAX_EVENTS_POSTED ? { ...batch, events: batch.events.slice(-MAX_EVENTS_POSTED), truncated: true } : batch,
      }),
    reference: () => post({ type: 'reference' }),
  }, init.engine);
  parentPort!.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') void engine.stop();
  });
  if (init.mode === 'once') await engine.syncOnce();
  else await engine.start();
  opened.db.close();
  post({ type: 'done' });
}

main().catch((error) => {
  post({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
});
