/**
 * A read thread: its own connection to the cache and its own ReadService, answering the pool's requests in the
 * order they come (an export's rendering yields between its reads, so a snapshot may be answered meanwhile).
 */
import { parentPort } from 'node:worker_threads';
import { isCorruption, openCache, openReader, replaceCorruptCache } from '../cache/database';
import { CacheReads } from '../cache/reads';
import type { OpenedState, OpenInit, ReadReady, ReadReply, ReadRequest, ReadThreadInit, ThreadError } from './protocol';
import { ReadService } from './service';

export function toThreadError(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, issues } = error as { code?: unknown; issues?: unknown };
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}), ...(issues !== undefined ? { issues } : {}) };
}

/** Opens the cache for use (OpenInit), here rather than on the host's thread: a migration can take seconds. */
export function openForUse(file: string, open: OpenInit): OpenedState {
  let opened = open.replace ? replaceCorruptCache(file, open.replace) : openCache(file, { integrity: open.integrity });
  const readState = () => {
    const reads = new CacheReads(opened.db);
    return { lastContact: reads.syncState().lastContact, quarantined: reads.quarantined() };
  };
  try {
    let state: ReturnType<typeof readState>;
    try {
      state = readState();
    } catch (error) {
      // Damage the deferred open did not see, hit by the first read: replace the cache now rather than later.
      if (!isCorruption(error)) throw error;
      opened.db.close();
      opened = replaceCorruptCache(file, (error as Error).message);
      state = readState();
    }
    return { ...state, rebuilt: opened.rebuilt, migrated: opened.migrated };
  } finally {
    // Opened to migrate and to check; reads go through a connection of their own.
    opened.db.close();
  }
}

export function runReadThread(init: ReadThreadInit) {
  const port = parentPort!;
  let service: ReadService;
  let opened: OpenedState | undefined;
  try {
    if (init.reads.open) opened = openForUse(init.reads.cacheFile, init.reads.open);
    service = new ReadService(openReader(init.reads.cacheFile));
  } catch (error) {
    port.postMessage({ ready: false, error: toThreadError(error) } satisfies ReadReady);
    return;
  }
  port.postMessage({ ready: true, ...(opened ? { opened } : {}) } satisfies ReadReady);
  port.on('message', (request: ReadRequest) => {
    const method = service[request.method] as (...args: unknown[]) => unknown;
    Promise.resolve()
      .then(() => method.apply(service, request.args))
      .then(
        (value) => port.postMessage({ id: request.id, ok: true, value } satisfies ReadReply),
        (error: unknown) => port.postMessage({ id: request.id, ok: false, error: toThreadError(error) } satisfies ReadReply),
      );
  });
}
