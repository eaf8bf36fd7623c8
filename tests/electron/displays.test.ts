/**
 * The wall: a window per display, following the displays, kiosk per playlist, the layout remembered, the displays
 * kept awake, and settings changes applied without a restart.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import type { MainApp } from '../../electron/main/app';
import { displayKeyOf, wallUrl } from '../../electron/main/displays';
import { DEFAULT_SETTINGS, type DisplayPlaylist, type Settings } from '../../shared/settings';
import { app, fake, makeDisplay, powerSaveBlocker, screen, type FakeBrowserWindow } from '../fakes/electron';
import { boot, changeableSettings, expectSecure, freshUserData } from './harness';

const LEFT = makeDisplay({ id: 11, label: 'LED wall left', bounds: { x: 0, y: 0, width: 1920, height: 1080 } });
const WIDE = makeDisplay({ id: 22, label: 'LED wall 32:9', bounds: { x: 1920, y: 0, width: 5760, height: 1080 } });
const SMALL = makeDisplay({ id: 33, label: 'duty desk', bounds: { x: -1366, y: 200, width: 1366, height: 768 } });

const playlist = (displayKey: string, patch: Partial<DisplayPlaylist> = {}): DisplayPlaylist => ({
  displayKey,
  scenes: ['overview', 'safe-grids', 'disputes', 'appeals', 'services'],
  rotate: true,
  rotateSeconds: 30,
  kiosk: true,
  ...patch,
});
const withDisplays = (...displays: DisplayPlaylist[]): Settings => ({ ...DEFAULT_SETTINGS, displays });

function wallWindow(main: MainApp, key: string): FakeBrowserWindow {
  const win = main.wallWindows().get(key);
  if (!win) throw new Error(`no wall window for display "${key}"; open: ${[...main.wallWindows().keys()].join(', ')}`);
  return win as unknown as FakeBrowserWindow;
}

const loaded = (win: FakeBrowserWindow, url: string) => vi.waitFor(() => expect(win.webContents.getURL()).toBe(url));
const displayKeepAwakeBlockers = () => [...powerSaveBlocker.active.values()].filter((type) => type === 'prevent-display-sleep');

beforeEach(() => fake.reset());
afterEach(() => vi.useRealTimers());

describe('a window per display', () => {
  it('opens one on every connected display, on its own playlist’s first scene, kiosk as that playlist says', async () => {
    screen.setDisplays([LEFT, WIDE, SMALL], LEFT.id);
    const settings = withDisplays(playlist('*'), playlist('22', { scenes: ['disputes', 'appeals'] }), playlist('33', { kiosk: false }));
    const { main } = await boot({ settings: changeableSettings(settings) });

    expect([...main.wallWindows().keys()].sort()).toEqual(['22', '33', 'primary']);
    expect(fake.windows()).toHaveLength(3);
    const primary = wallWindow(main, 'primary');
    const wide = wallWindow(main, '22');
    const desk = wallWindow(main, '33');
    expect(main.mainWindow()).toBe(primary);
    await loaded(primary, 'app://gcc/#/wall/overview?display=primary');
    await loaded(wide, 'app://gcc/#/wall/disputes?display=22');
    await loaded(desk, 'app://gcc/#/wall/overview?display=33');

    expect(primary.isKiosk()).toBe(true);
    expect(primary.getBounds()).toEqual(LEFT.bounds);
    expect(wide.isKiosk()).toBe(true);
    expect(wide.getBounds()).toEqual(WIDE.bounds);
    expect(desk.isKiosk()).toBe(false);
    expect(desk.getBounds()).toEqual(SMALL.workArea);
  });

  it('gives every wall window the secure webPreferences', async () => {
    screen.setDisplays([LEFT, WIDE, SMALL], LEFT.id);
    await boot();
    expect(fake.windows()).toHaveLength(3);
    for (const win of fake.windows()) expectSecure(win);
  });

  it('names the primary display "primary" and every other one by its display id', () => {
    expect(displayKeyOf(LEFT, LEFT.id)).toBe('primary');
    expect(displayKeyOf(WIDE, LEFT.id)).toBe('22');
    expect(wallUrl(playlist('x y', { scenes: ['appeals'] }), 'x y')).toBe('app://gcc/#/wall/appeals?display=x%20y');
  });
});

describe('following the displays', () => {
  it('a display plugged in gets its window; one unplugged loses it; the others stay as they are', async () => {
    screen.setDisplays([LEFT], LEFT.id);
    const { main, win: primary, log } = await boot();

    screen.addDisplay(WIDE);
    const wide = wallWindow(main, '22');
    await loaded(wide, 'app://gcc/#/wall/overview?display=22');
    expect(wide.getBounds()).toEqual(WIDE.bounds);
    expectSecure(wide);

    screen.removeDisplay(WIDE.id);
    expect(wide.isDestroyed()).toBe(true);
    expect([...main.wallWindows().keys()]).toEqual(['primary']);
    expect(primary.isDestroyed()).toBe(false);
    expect(primary.webContents.loads).toHaveLength(1);
    expect(app.ended).toBeNull();
    expect(log.text('info')).toMatch(/display "22" is gone; closing its wall window/);
  });

  it('a display that moves or changes resolution takes its (kiosk) window along', async () => {
    screen.setDisplays([LEFT, WIDE], LEFT.id);
    const { main } = await boot();
    const wide = wallWindow(main, '22');
    const moved = { x: 1920, y: -200, width: 7680, height: 2160 };
    screen.changeDisplay(WIDE.id, { bounds: moved, workArea: moved });
    expect(wide.getBounds()).toEqual(moved);
    expect(wide.isKiosk()).toBe(true);
    expect(fake.windows()).toHaveLength(2);
  });

  it('a window that is not kiosk is brought back when its display moves away from under it', async () => {
    screen.setDisplays([LEFT, WIDE], LEFT.id);
    const { main } = await boot({ settings: changeableSettings(withDisplays(playlist('*', { kiosk: false }))) });
    const wide = wallWindow(main, '22');
    expect(wide.getBounds()).toEqual(WIDE.workArea);
    const moved = { x: 0, y: 1080, width: 5760, height: 1080 };
    screen.changeDisplay(WIDE.id, { bounds: moved, workArea: moved });
    expect(wide.getBounds()).toEqual(moved);
  });

  it('when another display becomes primary, the primary playlist moves to it and the old one gets its own', async () => {
    screen.setDisplays([LEFT, WIDE], LEFT.id);
    const settings = withDisplays(playlist('primary', { scenes: ['safe-grids'] }), playlist('*', { scenes: ['services'] }));
    const { main, win: primary } = await boot({ settings: changeableSettings(settings) });
    const oldWide = wallWindow(main, '22');

    // The OS moves the new primary display to the origin: Electron reports it as a metrics change.
    const wideAtOrigin = makeDisplay({ id: WIDE.id, bounds: { x: 0, y: 0, width: 5760, height: 1080 } });
    const leftAfter = makeDisplay({ id: LEFT.id, bounds: { x: 5760, y: 0, width: 1920, height: 1080 } });
    screen.setDisplays([leftAfter, wideAtOrigin], WIDE.id);
    screen.changeDisplay(WIDE.id, { bounds: wideAtOrigin.bounds });

    expect(wallWindow(main, 'primary')).toBe(primary);
    expect(primary.getBounds()).toEqual(wideAtOrigin.bounds);
    expect(oldWide.isDestroyed()).toBe(true);
    const left = wallWindow(main, String(LEFT.id));
    await loaded(left, `app://gcc/#/wall/services?display=${LEFT.id}`);
    expect(left.getBounds()).toEqual(leftAfter.bounds);
  });

  it('the last display going away keeps its window (the app does not quit) until a display is back', async () => {
    screen.setDisplays([LEFT], LEFT.id);
    const { main, win, log } = await boot();
    screen.removeDisplay(LEFT.id);
    expect(win.isDestroyed()).toBe(false);
    expect(app.ended).toBeNull();
    expect(log.text('warn')).toMatch(/no display is connected; keeping the wall windows/);
    screen.addDisplay(LEFT);
    expect(main.wallWindows().get('primary')).toBe(win);
    expect(fake.windows()).toEqual([win]);
  });
});

describe('never sleeps', () => {
  it('keeps the displays awake once while wall windows exist, and lets them sleep when the app quits', async () => {
    screen.setDisplays([LEFT, WIDE], LEFT.id);
    await boot();
    expect(displayKeepAwakeBlockers()).toEqual(['prevent-display-sleep']);
    screen.removeDisplay(WIDE.id);
    expect(displayKeepAwakeBlockers()).toHaveLength(1);
    app.quit();
    await vi.waitFor(() => expect(app.ended).not.toBeNull());
    expect(powerSaveBlocker.active.size).toBe(0);
  });

  it('lets the displays sleep when the last wall window is closed', async () => {
    screen.setDisplays([LEFT, WIDE], LEFT.id);
    app.on('window-all-closed', () => expect(powerSaveBlocker.active.size).toBe(0));
    const { main } = await boot();
    wallWindow(main, '22').close();
    expect(displayKeepAwakeBlockers()).toHaveLength(1);
    wallWindow(main, 'primary').close();
    expect(powerSaveBlocker.active.size).toBe(0);
  });
});

describe('the layout', () => {
  const windowed = () => changeableSettings(withDisplays(playlist('*', { kiosk: false })));

  it('remembers where each display’s window was and puts it back there at the next start', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    screen.setDisplays([LEFT, WIDE], LEFT.id);
    const userData = freshUserData();
    const first = await boot({ settings: windowed() });
    const placed = { x: 2400, y: 100, width: 1600, height: 900 };
    wallWindow(first.main, '22').setBounds(placed);
    vi.advanceTimersByTime(1000);

    const file = path.join(userData, 'wall-layout.json');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toEqual({ version: 1, windows: { primary: LEFT.workArea, '22': placed } });
    expect(existsSync(`${file}.tmp`)).toBe(false);

    fake.reset();
    app.setPath('userData', userData);
    screen.setDisplays([LEFT, WIDE], LEFT.id);
    const second = await boot({ settings: windowed() });
    expect(wallWindow(second.main, '22').getBounds()).toEqual(placed);
  });

  it('saves the layout when the app quits', async () => {
    screen.setDisplays([LEFT], LEFT.id);
    const userData = freshUserData();
    const { win } = await boot({ settings: windowed() });
    win.setBounds({ x: 10, y: 20, width: 1000, height: 700 });
    app.quit();
    await vi.waitFor(() => expect(app.ended).not.toBeNull());
    expect(JSON.parse(readFileSync(path.join(userData, 'wall-layout.json'), 'utf8')).windows.primary).toEqual({ x: 10, y: 20, width: 1000, height: 700 });
  });

  it('does not put a window back where its display no longer is, and ignores a damaged file', async () => {
    screen.setDisplays([LEFT, WIDE], LEFT.id);
    const userData = freshUserData();
    writeFileSync(path.join(userData, 'wall-layout.json'), JSON.stringify({ version: 1, windows: { '22': { x: 9000, y: 0, width: 800, height: 600 } } }));
    const { main } = await boot({ settings: windowed() });
    expect(wallWindow(main, '22').getBounds()).toEqual(WIDE.workArea);

    fake.reset();
    app.setPath('userData', userData);
    writeFileSync(path.join(userData, 'wall-layout.json'), '{"version": 1, "windows": ');
    screen.setDisplays([LEFT], LEFT.id);
    const { win, log } = await boot({ settings: windowed() });
    expect(win.getBounds()).toEqual(LEFT.workArea);
    expect(log.text('warn')).toMatch(/wall layout .* is damaged/);
  });

  it('kiosk windows cover their display whatever the file says', async () => {
    screen.setDisplays([LEFT], LEFT.id);
    const userData = freshUserData();
    writeFileSync(path.join(userData, 'wall-layout.json'), JSON.stringify({ version: 1, windows: { primary: { x: 100, y: 100, width: 1000, height: 700 } } }));
    const { win } = await boot();
    expect(win.getBounds()).toEqual(LEFT.bounds);
    expect(win.isKiosk()).toBe(true);
  });
});

describe('settings changes, without a restart', () => {
  it('with the real core, the Settings page’s saved playlists drive the windows, and it shows the log folder', { timeout: 60_000 }, async () => {
    screen.setDisplays([LEFT], LEFT.id);
    app.setPath('logs', path.join(freshUserData(), 'logs'));
    const { main, win } = await boot({ createBackend: undefined });
    try {
      expect(win.isKiosk()).toBe(true);
      const saved = await main.backend.handlers['settings.update']({ displays: [playlist('*', { kiosk: false, scenes: ['appeals'] })] });
      expect(saved.displays[0].kiosk).toBe(false);
      await vi.waitFor(() => expect(win.isKiosk()).toBe(false));
      await loaded(win, 'app://gcc/#/wall/appeals?display=primary');
      const { logFolder } = await main.backend.handlers['settings.get']({});
      expect(logFolder).toBe(app.getPath('logs'));
    } finally {
      await main.shutdown();
    }
  });

  it('re-applies kiosk without reloading the page', async () => {
    screen.setDisplays([LEFT], LEFT.id);
    const settings = changeableSettings(withDisplays(playlist('*')));
    const { win } = await boot({ settings });
    settings.set(withDisplays(playlist('*', { kiosk: false })));
    expect(win.isKiosk()).toBe(false);
    expect(win.getBounds()).toEqual(LEFT.workArea);
    settings.set(withDisplays(playlist('*')));
    expect(win.isKiosk()).toBe(true);
    expect(win.getBounds()).toEqual(LEFT.bounds);
    await fake.settle();
    expect(win.webContents.loads).toHaveLength(1);
    expect(win.webContents.reloads).toBe(0);
  });

  it('reloads a display’s page on its new playlist only when that playlist changed', async () => {
    screen.setDisplays([LEFT, WIDE], LEFT.id);
    const settings = changeableSettings(withDisplays(playlist('*')));
    const { main, win: primary, log } = await boot({ settings });
    const wide = wallWindow(main, '22');
    await loaded(wide, 'app://gcc/#/wall/overview?display=22');
    primary.webContents.simulateInPageNavigation('app://gcc/#/wall/appeals?display=primary'); // rotated on

    settings.set(withDisplays(playlist('*'), playlist('primary', { scenes: ['disputes', 'services'], rotateSeconds: 60 })));
    // Only the #fragment differs, so the page is reloaded to be a new document on the new playlist.
    await vi.waitFor(() => expect(primary.webContents.reloads).toBe(1));
    await loaded(primary, 'app://gcc/#/wall/disputes?display=primary');
    expect(log.text('info')).toMatch(/Display "primary": its playlist changed/);
    await fake.settle();
    expect(wide.webContents.reloads).toBe(0);
    expect(wide.webContents.loads).toHaveLength(1);
  });
});
