/** A file for the 导入 page on the desktop: the preload reads its path, main takes only a regular file from the app's page. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { createBackend, type CoreBackend } from '../../core/backend';
import { createPreloadApi } from '../../electron/preload/api';
import { UPLOAD_CHANNEL } from '../../shared/bridge/preload-api';
import { fake, FakeWebFrameMain, ipcMain, webUtils } from '../fakes/electron';
import { boot } from './harness';

beforeEach(() => fake.reset());

/** The app started on the fake, and the core's uploads the main process registers files with. */
async function started() {
  let backend: CoreBackend | undefined;
  const { win } = await boot({ createBackend: (options) => (backend = createBackend(options)) });
  return { win, uploads: backend!.uploads };
}

describe('files for imports on the desktop', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gcc-upload-'));
  const ledger = path.join(dir, '台账.xlsx');
  writeFileSync(ledger, 'PK…');

  it('the preload sends the path of a dropped file, and refuses a File the page made (no path) without touching IPC', async () => {
    const invoke = vi.fn(async () => ({ ok: true, reply: { upload: 'x' } }));
    const api = createPreloadApi({ invoke, on: vi.fn(), removeListener: vi.fn() } as never, (file) => webUtils.getPathForFile(file));
    await api.upload(fake.fileOnDisk(ledger));
    expect(invoke).toHaveBeenCalledWith(UPLOAD_CHANNEL, ledger);
    await expect(api.upload(new File(['made up'], 'x.xlsx'))).resolves.toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    await expect(api.upload('/etc/passwd')).resolves.toMatchObject({ ok: false });
    expect(invoke).toHaveBeenCalledTimes(1);
  });

  it('main registers a regular file from the app’s page and answers an upload id the core can take once', async () => {
    const { win, uploads } = await started();
    const answer = (await ipcMain.invokeFrom({ sender: win.webContents }, UPLOAD_CHANNEL, ledger)) as { ok: true; reply: { upload: string } };
    expect(answer.ok).toBe(true);
    const taken = uploads.take(answer.reply.upload);
    expect(taken.path).toBe(ledger);
    taken.done(); // a dropped file is the operator's: it stays where it is
    expect(() => uploads.take(answer.reply.upload)).toThrow(/drop it again/);
  });

  it('main refuses a folder, a relative path, a missing file, and any page but the app’s own', async () => {
    const { win } = await started();
    for (const bad of [dir, '台账.xlsx', path.join(dir, 'gone.xlsx'), 42]) {
      expect(await ipcMain.invokeFrom({ sender: win.webContents }, UPLOAD_CHANNEL, bad)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    const stranger = new FakeWebFrameMain('https://evil.example/', win.webContents.mainFrame);
    expect(await ipcMain.invokeFrom({ sender: win.webContents, senderFrame: stranger }, UPLOAD_CHANNEL, ledger)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});
