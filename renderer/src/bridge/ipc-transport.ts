/**
 * Bridge transport for the Electron desktop app: goes through the sandboxed preload's `window.gcc`, which only
 * knows contract names. The link to the main process cannot drop while the page lives, so it is always "up".
 */
import type { Transport } from '../../../shared/bridge/client';
import type { PreloadApi } from '../../../shared/bridge/preload-api';
import { pushNames } from '../../../shared/bridge/contract';

export function createIpcTransport(api: PreloadApi): Transport {
  return {
    kind: 'electron',
    async request(name, payload) {
      const result = (await api.request(name, payload)) as { ok?: boolean; reply?: unknown; error?: unknown };
      if (result && result.ok === true) return result.reply;
      throw result?.error ?? { code: 'internal', message: `The desktop host gave no answer to "${name}".` };
    },
    onPush(listener) {
      const offs = pushNames.map((name) => api.on(name, (payload) => listener(name, payload)));
      return () => offs.forEach((off) => off());
    },
    onConnection(listener) {
      queueMicrotask(() => listener(true));
      return () => {};
    },
  };
}
