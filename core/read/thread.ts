/**
 * A read thread: its own connection to the cache and its own ReadService, answering the pool's requests in the
 * order they come (an export's rendering yields between its reads, so a snapshot may be answered meanwhile).
 */
import { parentPort } from 'node:worker_threads';
import { openReader } from '../cache/database';
import type { ReadReady, ReadReply, ReadRequest, ReadThreadInit, ThreadError } from './protocol';
import { ReadService } from './service';

export function toThreadError(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, issues } = error as { code?: unknown; issues?: unknown };
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}), ...(issues !== undefined ? { issues } : {}) };
}

export function runReadThread(init: ReadThreadInit) {
  const port = parentPort!;
  let service: ReadService;
  try {
    service = new ReadService(openReader(init.reads.cacheFile));
  } catch (error) {
    port.postMessage({ ready: false, error: toThreadError(error) } satisfies ReadReady);
    return;
  }
  port.postMessage({ ready: true } satisfies ReadReady);
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
