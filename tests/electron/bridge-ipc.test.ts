/**
 * The bridge contract suite over the Electron transport: the renderer's IPC transport → window.gcc (the real
 * preload, through the fake contextBridge) → ipcRenderer → ipcMain → the real main-process handlers → the core
 * backend, all in one process on the fake electron module.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { createBackend } from '../../core/backend';
import { exposePreloadApi } from '../../electron/preload/api';
import { createIpcTransport, getPreloadApi } from '../../renderer/src/common/bridge/ipc-transport';
import { createBridgeClient } from '../../shared/bridge/client';
import { BridgeError } from '../../shared/bridge/contract';
import { createPushableBackend, runBridgeContractSuite, type PushableBackend } from '../contract/bridge-contract';
import { fake } from '../fakes/electron';
import { boot } from './harness';

async function wire(frameUrl?: string) {
  fake.reset();
  let pushable!: PushableBackend;
  const { win, main } = await boot({ createBackend: (options) => (pushable = createPushableBackend(createBackend(options))) });
  const frame = frameUrl ? win.webContents.mainFrame.addChildFrame(frameUrl) : undefined;
  const page = fake.attachRenderer(win.webContents, frame);
  exposePreloadApi();
  const transport = createIpcTransport(getPreloadApi(page.mainWorld));
  return { transport, pushable, main, page };
}

runBridgeContractSuite('Electron IPC (fake electron: preload and main in one process)', async () => {
  const { transport, pushable, main } = await wire();
  return { transport, emitPush: (name, payload) => pushable.emit(name, payload), close: () => main.shutdown() };
});

describe('Electron transport specifics', () => {
  beforeEach(() => fake.reset());

  it('reports itself connected', async () => {
    const { transport } = await wire();
    const seen: boolean[] = [];
    transport.onConnection((connected) => seen.push(connected));
    await Promise.resolve();
    expect(seen).toEqual([true]);
  });

  it('a call from a subframe is refused end to end as forbidden', async () => {
    const { transport } = await wire('app://gcc/index.html');
    const client = createBridgeClient(transport);
    const error = await client.request('app.info', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).code).toBe('forbidden');
  });

  it('getPreloadApi finds nothing on a page without the preload (the renderer then uses the web transport)', () => {
    expect(getPreloadApi({})).toBeUndefined();
    expect(getPreloadApi({ gcc: { host: 'web', request() {}, on() {} } })).toBeUndefined();
    expect(() => createIpcTransport(undefined)).toThrow(/not running inside the desktop app/);
  });

  it('a result that is not a bridge result is refused as invalid_reply', async () => {
    const transport = createIpcTransport({ host: 'electron', request: async () => 'surprise', upload: async () => 'surprise', on: () => () => {} });
    const error = await createBridgeClient(transport)
      .request('app.info', {})
      .catch((e: unknown) => e);
    expect((error as BridgeError).code).toBe('invalid_reply');
  });
});
