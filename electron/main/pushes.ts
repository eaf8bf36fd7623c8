/**
 * Host → renderer pushes: everything the backend publishes goes to every app window as
 * webContents.send(ipcChannel.push(name), payload). The renderer validates each push before use.
 */
import { BrowserWindow } from 'electron';
import type { Backend } from '../../core/backend';
import { ipcChannel } from '../../shared/bridge/contract';
import type { MainLog } from './log';
import { isAppUrl } from './origin';

export function forwardPushes(backend: Pick<Backend, 'onPush'>, log: MainLog): () => void {
  return backend.onPush((name, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (win.isDestroyed() || win.webContents.isDestroyed()) continue;
      // Only the app's own page gets pushes (a window still loading, or anything else, does not).
      if (!isAppUrl(win.webContents.getURL())) continue;
      try {
        win.webContents.send(ipcChannel.push(name), payload);
      } catch (error) {
        log.warn(`Could not push "${name}" to window ${win.id}`, error);
      }
    }
  });
}
