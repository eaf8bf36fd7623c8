import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { createMainWindow, WINDOW_BACKGROUND } from '../../electron/main/window';
import { app, fake, type FakeBrowserWindow } from '../fakes/electron';
import { boot, expectSecure, PRELOAD_PATH, PRIMARY_WALL_URL, recordingLog } from './harness';

beforeEach(() => fake.reset());

describe('the main window', () => {
  it('is created with the secure webPreferences and the built preload', async () => {
    const { win } = await boot();
    expect(fake.windows()).toEqual([win]);
    expectSecure(win);
  });

  it('loads its wall scene through the app protocol, never file://', async () => {
    const { win } = await boot();
    expect(win.webContents.loads.map((l) => l.url)).toEqual([PRIMARY_WALL_URL]);
    expect(win.webContents.loads[0]).toMatchObject({ status: 200 });
    expect(win.webContents.loads[0]!.body).toContain('<div id="app">');
    expect(win.webContents.getURL()).toBe(PRIMARY_WALL_URL);
  });

  it('without a URL, a window opens the app’s entry page', async () => {
    await boot();
    const win = createMainWindow({ preloadPath: PRELOAD_PATH }) as unknown as FakeBrowserWindow;
    await vi.waitFor(() => expect(win.webContents.getURL()).toBe('app://gcc/index.html'));
  });

  it('starts hidden on a dark background and shows itself once ready to show', async () => {
    const { win } = await boot();
    expect(win.options.show).toBe(false);
    expect(win.options.backgroundColor).toBe(WINDOW_BACKGROUND);
    expect(win.isVisible()).toBe(true);
  });

  it('runs with the renderer sandbox forced on for the whole app (before ready)', async () => {
    await boot();
    expect(app.sandboxEnabled).toBe(true);
  });

  it('every window the app can make has the same secure preferences, whatever its placement', async () => {
    await boot();
    const log = recordingLog();
    createMainWindow({ preloadPath: PRELOAD_PATH, bounds: { x: 1920, y: 0, width: 3840, height: 2160 }, kiosk: true, log });
    createMainWindow({ preloadPath: PRELOAD_PATH, fullscreen: true, log });
    // A page trying to open more windows gets none (see security.test.ts), so this is every window there is.
    for (const win of fake.windows()) {
      win.webContents.simulateWindowOpen('app://gcc/index.html');
    }
    expect(fake.windows()).toHaveLength(3);
    for (const win of fake.windows()) expectSecure(win);
    expect(fake.windows()[1]!.options).toMatchObject({ x: 1920, y: 0, width: 3840, height: 2160, kiosk: true });
  });

  it('logs a page that fails to load instead of throwing', async () => {
    fake.ready(); // no app:// handler registered: the load fails as it would in Electron
    const log = recordingLog();
    const win = createMainWindow({ preloadPath: PRELOAD_PATH, log }) as unknown as FakeBrowserWindow;
    await vi.waitFor(() => expect(log.text('error')).toMatch(/could not load app:\/\/gcc\/index\.html/));
    expect(win.isVisible()).toBe(false);
  });
});
