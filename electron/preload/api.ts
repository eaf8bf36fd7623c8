/**
 * The sandboxed preload's whole job: expose `window.gcc` (PreloadApi) through contextBridge.
 * - request(name, payload): only contract request names reach IPC; anything else is refused here.
 * - on(name, listener): only contract push names; the page's listener gets the payload and never the
 *   IpcRendererEvent (which would hand it ipcRenderer); the returned function removes exactly that wrapper.
 * No ipcRenderer, no Node objects, nothing else crosses to the page.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { ipcChannel, isPushName, isRequestName, type BridgeErrorBody } from '../../shared/bridge/contract';
import { PRELOAD_GLOBAL, UPLOAD_CHANNEL, type PreloadApi } from '../../shared/bridge/preload-api';

type IpcLike = Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>;

const quote = (value: unknown) => JSON.stringify(String(value).slice(0, 80));

/** webUtils.getPathForFile: '' for a File the page made itself (no file on disk behind it). */
type PathOfFile = (file: File) => string;

export function createPreloadApi(ipc: IpcLike = ipcRenderer, pathOfFile: PathOfFile = (file) => webUtils.getPathForFile(file)): PreloadApi {
  return {
    host: 'electron',
    request(name: string, payload: unknown): Promise<unknown> {
      if (!isRequestName(name)) {
        const error: BridgeErrorBody = { code: 'unknown_request', message: `There is no bridge request named ${quote(name)}.` };
        return Promise.reject(error);
      }
      return ipc.invoke(ipcChannel.request(name), payload);
    },
    upload(file: unknown): Promise<unknown> {
      let filePath = '';
      try {
        filePath = pathOfFile(file as File);
      } catch {
        // not a File: refused below
      }
      if (!filePath) {
        const error: BridgeErrorBody = { code: 'invalid_payload', message: 'Only a file dropped or chosen from the disk can be imported.' };
        return Promise.resolve({ ok: false, error });
      }
      return ipc.invoke(UPLOAD_CHANNEL, filePath);
    },
    on(name: string, listener: (payload: unknown) => void): () => void {
      if (!isPushName(name)) throw new Error(`There is no bridge push named ${quote(name)}.`);
      if (typeof listener !== 'function') throw new TypeError('A push listener must be a function.');
      const channel = ipcChannel.push(name);
      const wrapper = (_event: IpcRendererEvent, payload: unknown) => {
        try {
          listener(payload);
        } catch (error) {
          // One failing page listener must not starve the others on the same channel.
          console.error(`A listener for bridge push ${quote(name)} failed`, error);
        }
      };
      ipc.on(channel, wrapper);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(channel, wrapper);
      };
    },
  };
}

export function exposePreloadApi(): void {
  contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, createPreloadApi());
}
