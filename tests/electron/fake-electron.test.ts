/**
 * The fake electron module behaves like Electron where the app's tests rely on it (Electron docs, v40).
 * If one of these fails, the other Electron tests may be passing for the wrong reason.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import * as electron from 'electron';
import {
  app,
  contextBridge,
  fake,
  FakeBrowserWindow,
  ipcMain,
  ipcRenderer,
  makeDisplay,
  nativeTheme,
  powerSaveBlocker,
  protocol,
  safeStorage,
  screen,
  session,
} from '../fakes/electron';

beforeEach(() => fake.reset());

describe('module wiring', () => {
  it('vi.mock("electron") hands the code under test this very fake', () => {
    expect(electron.app).toBe(app);
    expect(electron.ipcMain).toBe(ipcMain);
    expect(electron.BrowserWindow).toBe(FakeBrowserWindow);
  });
});

describe('Electron’s defaults, which the app must override (so the security tests mean something)', () => {
  it('without guards a page may navigate anywhere, open windows and attach webviews', async () => {
    fake.ready();
    const win = new FakeBrowserWindow();
    await win.loadURL('https://example.com/');
    expect(win.webContents.simulateNavigation('https://evil.example/')).toBe(true);
    expect(win.webContents.simulateWindowOpen('https://evil.example/popup')).toBeInstanceOf(FakeBrowserWindow);
    expect(win.webContents.simulateAttachWebview()).toBe(true);
  });

  it('without handlers every permission is granted', async () => {
    fake.ready();
    const win = new FakeBrowserWindow();
    await expect(session.defaultSession.requestPermission(win.webContents, 'media')).resolves.toBe(true);
    expect(session.defaultSession.checkPermission(win.webContents, 'geolocation')).toBe(true);
  });

  it('web-contents-created fires from inside the BrowserWindow constructor', () => {
    fake.ready();
    const seen: unknown[] = [];
    app.on('web-contents-created', (_event: unknown, contents: unknown) => seen.push(contents));
    const win = new FakeBrowserWindow();
    expect(seen).toEqual([win.webContents]);
  });
});

describe('app', () => {
  it('whenReady resolves on ready; Electron-before-ready APIs refuse afterwards', async () => {
    const ready = app.whenReady();
    fake.ready();
    await expect(ready).resolves.toBeUndefined();
    expect(() => protocol.registerSchemesAsPrivileged([{ scheme: 'x' }])).toThrow(/before app is ready/);
    expect(() => app.enableSandbox()).toThrow(/before app is ready/);
  });

  it('windows cannot be made, nor protocols handled, before ready', () => {
    expect(() => new FakeBrowserWindow()).toThrow(/after the app is ready/);
    expect(() => protocol.handle('app', () => new Response(''))).toThrow(/after the app is ready/);
  });

  it('quit: before-quit can cancel; a window refusing to close cancels; window-all-closed is not emitted', () => {
    fake.ready();
    const win = new FakeBrowserWindow();
    const allClosed = vi.fn();
    app.on('window-all-closed', allClosed);
    const cancel = (event: { preventDefault(): void }) => event.preventDefault();
    app.once('before-quit', cancel);
    app.quit();
    expect(app.ended).toBeNull();
    win.once('close', cancel);
    app.quit();
    expect(app.ended).toBeNull();
    expect(win.isDestroyed()).toBe(false);
    app.quit();
    expect(app.ended).toEqual({ how: 'quit', exitCode: 0 });
    expect(allClosed).not.toHaveBeenCalled();
  });

  it('closing the last window outside a quit emits window-all-closed', () => {
    fake.ready();
    const allClosed = vi.fn();
    app.on('window-all-closed', allClosed);
    new FakeBrowserWindow().close();
    expect(allClosed).toHaveBeenCalledTimes(1);
  });

  it('the single-instance lock', () => {
    expect(app.requestSingleInstanceLock()).toBe(true);
    fake.reset();
    fake.lockHeldElsewhere();
    expect(app.requestSingleInstanceLock()).toBe(false);
    expect(() => fake.secondInstance()).toThrow(/holds the lock/);
  });
});

describe('ipcMain / ipcRenderer', () => {
  it('a second handler for a channel throws, with Electron’s message', () => {
    ipcMain.handle('c', () => 1);
    expect(() => ipcMain.handle('c', () => 2)).toThrow("Attempted to register a second handler for 'c'");
    ipcMain.removeHandler('c');
    expect(() => ipcMain.handle('c', () => 2)).not.toThrow();
  });

  it('invoke errors reach the caller the way Electron words them', async () => {
    fake.ready();
    const win = new FakeBrowserWindow();
    await expect(ipcMain.invokeFrom({ sender: win.webContents }, 'none')).rejects.toThrow(
      "Error invoking remote method 'none': Error: No handler registered for 'none'",
    );
    ipcMain.handle('boom', () => {
      throw new Error('kaput');
    });
    await expect(ipcMain.invokeFrom({ sender: win.webContents }, 'boom')).rejects.toThrow("Error invoking remote method 'boom': Error: kaput");
  });

  it('arguments are structured-cloned: class instances lose their prototype, functions cannot be sent', async () => {
    fake.ready();
    const win = new FakeBrowserWindow();
    class Point {
      constructor(readonly x: number) {}
      norm() {
        return this.x;
      }
    }
    let received: unknown;
    ipcMain.handle('c', (_event, arg: unknown) => (received = arg));
    await ipcMain.invokeFrom({ sender: win.webContents }, 'c', new Point(3));
    expect(received).toEqual({ x: 3 });
    expect(Object.getPrototypeOf(received)).toBe(Object.prototype);
    await expect(ipcMain.invokeFrom({ sender: win.webContents }, 'c', { f: () => 1 })).rejects.toThrow(/could not be cloned/);
  });

  it('the event carries sender and senderFrame; senderFrame is null once the frame navigated', async () => {
    fake.ready();
    const win = new FakeBrowserWindow();
    await win.loadURL('https://example.com/');
    const frames: unknown[] = [];
    ipcMain.handle('c', (event) => {
      expect(event.sender).toBe(win.webContents);
      frames.push(event.senderFrame);
    });
    await ipcMain.invokeFrom({ sender: win.webContents }, 'c');
    const pending = ipcMain.invokeFrom({ sender: win.webContents }, 'c');
    win.webContents.mainFrame.navigateTo('https://example.com/next');
    await pending;
    expect(frames).toEqual([win.webContents.mainFrame, null]);
  });

  it('webContents.send reaches the attached page’s listeners asynchronously, event first, arguments cloned', async () => {
    fake.ready();
    const win = new FakeBrowserWindow();
    fake.attachRenderer(win.webContents);
    const calls: unknown[][] = [];
    ipcRenderer.on('ch', (...args: unknown[]) => calls.push(args));
    const payload = { a: 1 };
    win.webContents.send('ch', payload);
    expect(calls).toEqual([]);
    await fake.settle();
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toMatchObject({ sender: ipcRenderer, ports: [] });
    expect(calls[0]![1]).toEqual(payload);
    expect(calls[0]![1]).not.toBe(payload);
    expect(() => win.webContents.send('ch', () => 1)).toThrow(/Failed to serialize/);
  });
});

describe('contextBridge', () => {
  function page(contextIsolation = true) {
    fake.ready();
    const win = new FakeBrowserWindow({ webPreferences: { contextIsolation } });
    return fake.attachRenderer(win.webContents).mainWorld;
  }

  it('copies values and freezes the exposed API; class instances lose their prototype; symbols are dropped', () => {
    const world = page();
    class Thing {
      value = 1;
      method() {
        return 2;
      }
    }
    contextBridge.exposeInMainWorld('api', { thing: new Thing(), list: [1, { b: 2 }], tag: Symbol('x'), nested: { deep: 'yes' } });
    const api = world.api as { thing: { value: number; method?: unknown }; nested: object };
    expect(api.thing).toEqual({ value: 1 });
    expect(api.thing.method).toBeUndefined();
    expect('tag' in api).toBe(false);
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.nested)).toBe(true);
  });

  it('proxies functions both ways: new function objects, copied arguments and results, errors by message', async () => {
    const world = page();
    const inner = vi.fn((arg: { n: number }, callback: (v: unknown) => void) => {
      callback({ got: arg.n });
      return { ok: true };
    });
    const fn = () => 1;
    contextBridge.exposeInMainWorld('api', {
      call: inner,
      fail: () => {
        throw Object.assign(new Error('nope'), { secret: 'x' });
      },
      later: async () => ({ done: true }),
      give: () => fn,
    });
    const api = world.api as {
      call(arg: { n: number }, callback: (v: unknown) => void): unknown;
      fail(): never;
      later(): Promise<unknown>;
      give(): () => number;
    };
    const seen: unknown[] = [];
    const arg = { n: 4 };
    expect(api.call(arg, (v: unknown) => seen.push(v))).toEqual({ ok: true });
    expect(inner.mock.calls[0]![0]).not.toBe(arg);
    expect(seen).toEqual([{ got: 4 }]);
    expect(() => api.fail()).toThrow('nope');
    try {
      api.fail();
    } catch (error) {
      expect((error as Record<string, unknown>).secret).toBeUndefined();
    }
    await expect(api.later()).resolves.toEqual({ done: true });
    expect(api.give()).not.toBe(api.give());
  });

  it('ipcRenderer itself cannot cross: it arrives as an empty object', () => {
    const world = page();
    contextBridge.exposeInMainWorld('leak', { ipc: ipcRenderer });
    expect((world.leak as Record<string, unknown>).ipc).toEqual({});
  });

  it('refuses to expose over an existing key, or without contextIsolation', () => {
    const world = page();
    contextBridge.exposeInMainWorld('api', {});
    expect(() => contextBridge.exposeInMainWorld('api', {})).toThrow(/existing property/);
    expect(Object.keys(world)).toEqual(['api']);
    fake.reset();
    page(false);
    expect(() => contextBridge.exposeInMainWorld('api', {})).toThrow(/contextIsolation/);
  });
});

describe('protocol', () => {
  it('registers privileged schemes once; a scheme is handled once; handlers answer Requests', async () => {
    protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true } }]);
    expect(() => protocol.registerSchemesAsPrivileged([])).toThrow(/only once/);
    fake.ready();
    protocol.handle('app', (request) => new Response(`you asked for ${new URL(request.url).pathname}`));
    expect(() => protocol.handle('app', () => new Response(''))).toThrow('Failed to register protocol: app');
    expect(await (await protocol.fetch('app://x/y')).text()).toBe('you asked for /y');
  });

  it('a window loading an unhandled custom scheme fails like Electron (ERR_UNKNOWN_URL_SCHEME)', async () => {
    fake.ready();
    await expect(new FakeBrowserWindow().loadURL('app://gcc/index.html')).rejects.toThrow("ERR_UNKNOWN_URL_SCHEME (-302) loading 'app://gcc/index.html'");
  });
});

describe('crashes, hangs and reloads', () => {
  async function pageAt(url: string) {
    fake.ready();
    protocol.handle('app', () => new Response('<!doctype html>', { headers: { 'Content-Type': 'text/html' } }));
    const win = new FakeBrowserWindow();
    await win.loadURL(url);
    return win;
  }

  it('a load that only changes the #fragment stays in the same document (did-navigate-in-page, no request)', async () => {
    const win = await pageAt('app://gcc/#/wall/overview');
    const events: string[] = [];
    for (const name of ['did-navigate', 'did-navigate-in-page', 'did-finish-load']) win.webContents.on(name, () => events.push(name));
    await win.loadURL('app://gcc/#/wall/disputes');
    expect(events).toEqual(['did-navigate-in-page']);
    expect(win.webContents.loads).toHaveLength(1);
    expect(win.webContents.getURL()).toBe('app://gcc/#/wall/disputes');
    await win.loadURL('app://gcc/index.html#/wall/disputes'); // another document
    expect(win.webContents.loads).toHaveLength(2);
  });

  it('a gone renderer: render-process-gone on the web contents, then on app; reload restarts it asynchronously', async () => {
    const win = await pageAt('app://gcc/#/wall/overview');
    const seen: unknown[] = [];
    win.webContents.on('render-process-gone', (_e: unknown, details: unknown) => seen.push(['contents', details]));
    app.on('render-process-gone', (_e: unknown, contents: unknown, details: unknown) => seen.push(['app', contents === win.webContents, details]));
    win.webContents.simulateRenderProcessGone({ reason: 'oom', exitCode: -1 });
    expect(seen).toEqual([
      ['contents', { reason: 'oom', exitCode: -1 }],
      ['app', true, { reason: 'oom', exitCode: -1 }],
    ]);
    expect(win.webContents.isCrashed()).toBe(true);
    // After a crash the #fragment no longer keeps the document: a load is a real one.
    const navigated = vi.fn();
    win.webContents.on('did-navigate', navigated);
    win.webContents.reload();
    expect(navigated).not.toHaveBeenCalled();
    await fake.settle();
    expect(navigated).toHaveBeenCalledWith(expect.anything(), 'app://gcc/#/wall/overview', 200, 'OK');
    expect(win.webContents.isCrashed()).toBe(false);
  });

  it('forcefullyCrashRenderer ends the renderer as "killed"; hangs and the GPU process are reported', async () => {
    const win = await pageAt('app://gcc/');
    const events: unknown[] = [];
    win.webContents.on('render-process-gone', (_e: unknown, details: unknown) => events.push(details));
    win.on('unresponsive', () => events.push('window unresponsive'));
    win.webContents.on('responsive', () => events.push('contents responsive'));
    app.on('child-process-gone', (_e: unknown, details: unknown) => events.push(details));
    win.webContents.simulateUnresponsive();
    win.webContents.simulateResponsive();
    win.webContents.forcefullyCrashRenderer();
    fake.childProcessGone({ type: 'GPU', reason: 'crashed', exitCode: 8704 });
    expect(events).toEqual([
      'window unresponsive',
      'contents responsive',
      { reason: 'killed', exitCode: 1 },
      { type: 'GPU', reason: 'crashed', exitCode: 8704 },
    ]);
  });
});

describe('the rest, for the unattended wall', () => {
  it('screen reports displays and their changes (only after ready)', () => {
    expect(() => screen.getAllDisplays()).toThrow(/after the app is ready/);
    fake.ready();
    const added = vi.fn();
    const removed = vi.fn();
    const changed = vi.fn();
    screen.on('display-added', added);
    screen.on('display-removed', removed);
    screen.on('display-metrics-changed', changed);
    screen.addDisplay(makeDisplay({ id: 2, bounds: { x: 1920, y: 0, width: 3840, height: 2160 } }));
    expect(screen.getAllDisplays().map((d) => d.id)).toEqual([1, 2]);
    expect(screen.getDisplayNearestPoint({ x: 2500, y: 100 }).id).toBe(2);
    expect(screen.getDisplayMatching({ x: 0, y: 0, width: 100, height: 100 }).id).toBe(1);
    screen.changeDisplay(2, { scaleFactor: 2 });
    screen.removeDisplay(2);
    expect(added).toHaveBeenCalledTimes(1);
    expect(changed.mock.calls[0]![2]).toEqual(['scaleFactor']);
    expect(removed.mock.calls[0]![1]).toMatchObject({ id: 2 });
    expect(screen.getPrimaryDisplay().id).toBe(1);
  });

  it('powerSaveBlocker, safeStorage and nativeTheme', () => {
    const id = powerSaveBlocker.start('prevent-display-sleep');
    expect(powerSaveBlocker.isStarted(id)).toBe(true);
    expect(powerSaveBlocker.stop(id)).toBe(true);
    expect(powerSaveBlocker.isStarted(id)).toBe(false);

    const secret = 'token-令牌-123';
    const sealed = safeStorage.encryptString(secret);
    expect(sealed.toString('utf8')).not.toContain('token');
    expect(safeStorage.decryptString(sealed)).toBe(secret);
    expect(() => safeStorage.decryptString(Buffer.from(secret))).toThrow(/decrypting/);
    safeStorage.available = false;
    expect(() => safeStorage.encryptString(secret)).toThrow(/not available/);

    const updated = vi.fn();
    nativeTheme.on('updated', updated);
    nativeTheme.themeSource = 'dark';
    expect(nativeTheme.shouldUseDarkColors).toBe(true);
    expect(updated).toHaveBeenCalledTimes(1);
  });
});
