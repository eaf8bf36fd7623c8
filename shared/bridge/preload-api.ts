/**
 * The only thing the Electron preload exposes to the page (as `window.gcc`), through contextBridge.
 * No raw ipcRenderer: requests and push subscriptions go by contract name, which the preload checks.
 */
export interface PreloadApi {
  readonly host: 'electron';
  /** Sends a request; resolves with `{ ok, reply }` or `{ ok: false, error }` exactly as the host dispatched it. */
  request(name: string, payload: unknown): Promise<unknown>;
  /**
   * Hands a file the operator dropped or chose (a File) to the host for an import: the preload reads its path
   * (webUtils), the page never sees or sends one. Resolves `{ ok, reply: { upload } }` or `{ ok: false, error }`.
   */
  upload(file: unknown): Promise<unknown>;
  /** Subscribes to one push by name; returns an unsubscribe function. Unknown names throw. */
  on(name: string, listener: (payload: unknown) => void): () => void;
}

export const PRELOAD_GLOBAL = 'gcc';

/** The IPC channel of PreloadApi.upload (not a contract request: its argument is a path only the preload can know). */
export const UPLOAD_CHANNEL = 'gcc:upload';
