/**
 * The only thing the Electron preload exposes to the page (as `window.gcc`), through contextBridge.
 * No raw ipcRenderer: requests and push subscriptions go by contract name, which the preload checks.
 */
export interface PreloadApi {
  readonly host: 'electron';
  /** Sends a request; resolves with `{ ok, reply }` or `{ ok: false, error }` exactly as the host dispatched it. */
  request(name: string, payload: unknown): Promise<unknown>;
  /** Subscribes to one push by name; returns an unsubscribe function. Unknown names throw. */
  on(name: string, listener: (payload: unknown) => void): () => void;
}

export const PRELOAD_GLOBAL = 'gcc';
