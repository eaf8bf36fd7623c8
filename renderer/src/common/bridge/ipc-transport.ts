/**
 * The Electron transport for the renderer: carries the bridge over `window.gcc`, the API the sandboxed preload
 * exposes. It only moves values; createBridgeClient() (shared/bridge/client.ts) validates them.
 * DOM-only: no Node, no Electron imports.
 */
import { pushNames, type RequestName } from '../../../../shared/bridge/contract';
import { PRELOAD_GLOBAL, type PreloadApi } from '../../../../shared/bridge/preload-api';
import type { Transport } from '../../../../shared/bridge/client';

/** The preload's API if this page runs in the desktop app, else undefined (the renderer then uses the web transport). */
export function getPreloadApi(scope: object = globalThis): PreloadApi | undefined {
  const candidate = (scope as Record<string, unknown>)[PRELOAD_GLOBAL] as Partial<PreloadApi> | undefined;
  if (!candidate || typeof candidate !== 'object') return undefined;
  if (candidate.host !== 'electron' || typeof candidate.request !== 'function' || typeof candidate.on !== 'function') return undefined;
  return candidate as PreloadApi;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The reply of a dispatch result, or its error thrown. */
function unwrap(result: unknown, what: string): unknown {
  if (isRecord(result) && result.ok === true && 'reply' in result) return result.reply;
  if (isRecord(result) && result.ok === false && isRecord(result.error)) throw result.error;
  throw { code: 'invalid_reply', message: `The desktop host answered "${what}" with something that is not a bridge result.` };
}

export function createIpcTransport(api: PreloadApi | undefined = getPreloadApi()): Transport {
  if (!api) throw new Error('The desktop bridge (window.gcc) is missing: this page is not running inside the desktop app.');

  return {
    kind: 'electron',

    async request(name: RequestName, payload: unknown): Promise<unknown> {
      // Rejections (unknown name refused by the preload, IPC failure) pass through; the client turns them into BridgeErrors.
      return unwrap(await api.request(name, payload), name);
    },

    async upload(file: Blob): Promise<unknown> {
      return unwrap(await api.upload(file), 'upload');
    },

    onPush(listener: (name: string, payload: unknown) => void): () => void {
      const unsubscribes = pushNames.map((name) => api.on(name, (payload) => listener(name, payload)));
      return () => {
        for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      };
    },

    onConnection(listener: (connected: boolean) => void): () => void {
      // IPC to the own main process is up for as long as the page lives.
      let active = true;
      queueMicrotask(() => {
        if (active) listener(true);
      });
      return () => {
        active = false;
      };
    },
  };
}
