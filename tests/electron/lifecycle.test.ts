import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { startApp } from '../../electron/main/app';
import { createBackend, type Backend, type BackendOptions } from '../../core/backend';
import { app, fake, ipcMain, protocol } from '../fakes/electron';
import { boot, PRELOAD_PATH, recordingLog, rendererFixture } from './harness';

beforeEach(() => fake.reset());

function spiedBackend(close?: () => Promise<void>) {
  const made: Backend[] = [];
  const closeSpy = vi.fn(close ?? (async () => {}));
  const factory = (options: BackendOptions): Backend => {
    const real = createBackend(options);
    const backend: Backend = {
      ...real,
      close: async () => {
        await closeSpy();
        await real.close();
      },
    };
    made.push(backend);
    return backend;
  };
  return { factory, closeSpy, made };
}

describe('single instance', () => {
  it('a second instance does not get the lock: it quits at once and sets nothing up', async () => {
    fake.lockHeldElsewhere();
    const log = recordingLog();
    const result = await startApp({ rendererDir: rendererFixture().rendererDir, preloadPath: PRELOAD_PATH, version: '0', log });
    expect(result).toBeNull();
    expect(app.quitCalls).toBe(1);
    expect(app.ended).toEqual({ how: 'quit', exitCode: 0 });
    expect(protocol.privilegedSchemes).toBeNull();
    expect(ipcMain.handledChannels()).toEqual([]);
    expect(fake.windows()).toEqual([]);
    expect(log.text('info')).toMatch(/already running/);
  });

  it('the first instance, when started again, brings its window back to the front', async () => {
    const { win } = await boot();
    win.minimize();
    win.hide();
    win.blur();
    fake.secondInstance(['electron', '.']);
    expect(win.isMinimized()).toBe(false);
    expect(win.isVisible()).toBe(true);
    expect(win.isFocused()).toBe(true);
    expect(fake.windows()).toEqual([win]);
  });

  it('a second start while the first is still starting is harmless', async () => {
    void startApp({ rendererDir: rendererFixture().rendererDir, preloadPath: PRELOAD_PATH, version: '0', log: recordingLog() });
    expect(() => fake.secondInstance()).not.toThrow();
  });
});

describe('quitting', () => {
  it('closing the last window quits the app, after closing the backend once and removing the IPC handlers', async () => {
    const { factory, closeSpy } = spiedBackend();
    const { win } = await boot({ createBackend: factory });
    expect(ipcMain.handledChannels().length).toBeGreaterThan(0);
    win.close();
    await vi.waitFor(() => expect(app.ended).toEqual({ how: 'quit', exitCode: 0 }));
    expect(closeSpy).toHaveBeenCalledTimes(1);
    expect(ipcMain.handledChannels()).toEqual([]);
  });

  it('app.quit() waits for the backend to close before the app ends; quitting twice closes it once', async () => {
    let release!: () => void;
    const { factory, closeSpy } = spiedBackend(() => new Promise<void>((resolve) => (release = resolve)));
    await boot({ createBackend: factory });
    app.quit();
    app.quit();
    await fake.settle();
    expect(app.ended).toBeNull();
    expect(fake.windows()).toHaveLength(1);
    release();
    await vi.waitFor(() => expect(app.ended).not.toBeNull());
    expect(closeSpy).toHaveBeenCalledTimes(1);
    expect(fake.windows()).toEqual([]);
  });

  it('a backend that never closes does not keep the app alive', async () => {
    const { factory } = spiedBackend(() => new Promise<void>(() => {}));
    const { log } = await boot({ createBackend: factory, closeTimeoutMs: 30 });
    app.quit();
    await vi.waitFor(() => expect(app.ended).not.toBeNull());
    expect(log.text('warn')).toMatch(/did not close within 30 ms/);
  });

  it('a backend that fails while closing is logged and the app still quits', async () => {
    const { factory } = spiedBackend(async () => {
      throw new Error('disk gone');
    });
    const { log } = await boot({ createBackend: factory });
    app.quit();
    await vi.waitFor(() => expect(app.ended).not.toBeNull());
    expect(log.text('error')).toMatch(/failed while closing/);
  });

  it('shutdown() is idempotent', async () => {
    const { factory, closeSpy } = spiedBackend();
    const { main } = await boot({ createBackend: factory });
    await Promise.all([main.shutdown(), main.shutdown()]);
    await main.shutdown();
    expect(closeSpy).toHaveBeenCalledTimes(1);
  });
});
