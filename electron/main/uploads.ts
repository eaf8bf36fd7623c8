/**
 * The host end of PreloadApi.upload: the path of a file the operator dropped on the 导入 page, read by the preload
 * (webUtils.getPathForFile), registered with the core's Uploads so the page can name it by an id. Only the app's own
 * page may call it (checkSender), and only a regular file within the size limit is taken; the file is read where it
 * is, never copied or changed.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { DispatchResult } from '../../shared/bridge/dispatch';
import { UPLOAD_CHANNEL } from '../../shared/bridge/preload-api';
import { MAX_UPLOAD_BYTES } from '../../core/imports/save-upload';
import type { Uploads } from '../../core/imports/uploads';
import { checkSender } from './ipc';
import type { MainLog } from './log';

export function registerUploadIpc(uploads: Uploads, log: MainLog): () => void {
  ipcMain.handle(UPLOAD_CHANNEL, async (event: IpcMainInvokeEvent, filePath: unknown): Promise<DispatchResult> => {
    const verdict = checkSender(event);
    if (!verdict.trusted) {
      log.warn(`Refused a file for import: ${verdict.reason}`);
      return { ok: false, error: { code: 'forbidden', message: 'Only the app’s own page may hand over files; this was refused and logged.' } };
    }
    const refuse = (message: string): DispatchResult => ({ ok: false, error: { code: 'invalid_payload', message } });
    if (typeof filePath !== 'string' || !path.isAbsolute(filePath) || filePath.includes('\0')) return refuse('That is not a file on this computer.');
    let size: number;
    try {
      const stats = statSync(filePath);
      if (!stats.isFile()) return refuse('Only a file can be imported (not a folder or a device).');
      size = stats.size;
    } catch {
      return refuse('The file cannot be read (it was moved, or the app may not read it).');
    }
    if (size > MAX_UPLOAD_BYTES) return refuse(`The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`);
    return { ok: true, reply: { upload: uploads.add(filePath, false) } };
  });
  return () => ipcMain.removeHandler(UPLOAD_CHANNEL);
}
