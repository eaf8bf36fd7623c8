/**
 * The Electron transport's host end: one ipcMain.handle per contract request. Each call is answered only for the
 * app's own page — the top frame of a window showing app://gcc — and its payload is validated by dispatch().
 * The reply is always the DispatchResult object ({ ok, reply } or { ok: false, error }); nothing throws across IPC.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { ipcChannel, requestNames, type BridgeHandlers } from '../../shared/bridge/contract';
import { dispatch, type DispatchResult } from '../../shared/bridge/dispatch';
import type { MainLog } from './log';
import { isAppUrl } from './origin';

export type SenderVerdict = { trusted: true } | { trusted: false; reason: string };

/** Is this IPC call from the app's own page? (Electron security checklist: validate the sender of all IPC.) */
export function checkSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>): SenderVerdict {
  const frame = event.senderFrame;
  if (!frame) return { trusted: false, reason: 'the sending frame is gone (it navigated away or was destroyed)' };
  const isTopFrame = frame === event.sender.mainFrame || frame.parent === null;
  if (!isTopFrame) return { trusted: false, reason: `a subframe (${frame.url.slice(0, 200)}) sent it` };
  if (!isAppUrl(frame.url)) return { trusted: false, reason: `a page outside the app (${frame.url.slice(0, 200)}) sent it` };
  return { trusted: true };
}

const FORBIDDEN: DispatchResult = {
  ok: false,
  error: { code: 'forbidden', message: 'Only the app’s own page may use the bridge; this request was refused and logged.' },
};

/** Registers every contract request; returns a function that removes them all again. */
export function registerBridgeIpc(handlers: BridgeHandlers, log: MainLog): () => void {
  const channels: string[] = [];
  for (const name of requestNames) {
    const channel = ipcChannel.request(name);
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown): Promise<DispatchResult> => {
      const verdict = checkSender(event);
      if (!verdict.trusted) {
        log.warn(`Refused bridge request "${name}": ${verdict.reason}`);
        return FORBIDDEN;
      }
      return dispatch(handlers, name, payload, (failed, error) => log.error(`Bridge request "${failed}" failed`, error));
    });
    channels.push(channel);
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
