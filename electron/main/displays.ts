/**
 * The wall: one window per connected display, each on its display's playlist from Settings (`?display=<key>` tells
 * the page which one), kiosk or not as that playlist says. Windows follow the displays as they are added, removed,
 * moved, resized or made primary; where each display's window was is remembered in a small JSON file; the
 * displays are kept from sleeping while any wall window is open; every page is looked after by the healer.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { powerSaveBlocker, screen, type BrowserWindow, type Display, type Rectangle } from 'electron';
import { z } from 'zod';
import { playlistFor, type DisplayPlaylist, type Settings } from '../../shared/settings';
import type { Healer } from './healing';
import type { MainLog } from './log';
import { APP_ORIGIN } from './origin';
import type { SettingsSource } from './settings-source';
import { createMainWindow } from './window';

/** The key of the primary display; every other display is known by its Electron display id. */
export const PRIMARY_DISPLAY_KEY = 'primary';

export function displayKeyOf(display: Pick<Display, 'id'>, primaryId: number): string {
  return display.id === primaryId ? PRIMARY_DISPLAY_KEY : String(display.id);
}

export function wallUrl(playlist: DisplayPlaylist, displayKey: string): string {
  return `${APP_ORIGIN}/#/wall/${playlist.scenes[0]}?display=${encodeURIComponent(displayKey)}`;
}

const Bounds = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() });
const Layout = z.object({ version: z.literal(1), windows: z.record(z.string(), Bounds) });
type Layout = z.infer<typeof Layout>;

export interface WallOptions {
  preloadPath: string;
  settings: SettingsSource;
  /** wall-layout.json in the user-data folder. */
  layoutFile: string;
  healer: Healer;
  log: MainLog;
  /** Moves and resizes are written this long after the last one. */
  layoutSaveDelayMs?: number;
}

export interface Wall {
  /** The open wall windows by display key. */
  windows(): ReadonlyMap<string, BrowserWindow>;
  /** The primary display's window, else any. */
  primaryWindow(): BrowserWindow | null;
  /** Stops following displays and settings, saves the layout and lets the displays sleep again. */
  dispose(): void;
}

interface WallWindow {
  win: BrowserWindow;
  display: Display;
}

const center = (r: Rectangle) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2 });
const contains = (outer: Rectangle, p: { x: number; y: number }) =>
  p.x >= outer.x && p.x < outer.x + outer.width && p.y >= outer.y && p.y < outer.y + outer.height;
const sameBounds = (a: Rectangle, b: Rectangle) => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
/** What the page shows; kiosk is the window's business and needs no reload. */
const samePlaylist = (a: DisplayPlaylist, b: DisplayPlaylist) =>
  a.rotate === b.rotate && a.rotateSeconds === b.rotateSeconds && a.scenes.join() === b.scenes.join();

export function openWall(options: WallOptions): Wall {
  const { log, healer } = options;
  const open = new Map<string, WallWindow>();
  const layout = readLayout(options.layoutFile, log);
  let settings = options.settings.get();
  let blocker: number | null = null;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  function keepAwake() {
    if (open.size > 0 && blocker === null) {
      blocker = powerSaveBlocker.start('prevent-display-sleep');
      log.info('The displays are kept awake while the wall is open.');
    } else if (open.size === 0 && blocker !== null) {
      powerSaveBlocker.stop(blocker);
      blocker = null;
      log.info('No wall window is open; the displays may sleep again.');
    }
  }

  function saveLayout() {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    for (const [key, { win }] of open) {
      // Kiosk windows cover their display; only a window staff can move has bounds worth remembering.
      if (!win.isDestroyed() && !win.isKiosk() && !win.isFullScreen()) layout.windows[key] = win.getBounds();
    }
    try {
      mkdirSync(path.dirname(options.layoutFile), { recursive: true });
      // Write then rename: a power cut never leaves half a layout file.
      writeFileSync(`${options.layoutFile}.tmp`, `${JSON.stringify(layout, null, 2)}\n`);
      renameSync(`${options.layoutFile}.tmp`, options.layoutFile);
    } catch (error) {
      log.warn(`Could not save the wall layout to ${options.layoutFile}; window positions will not be remembered.`, error);
    }
  }

  function saveLayoutSoon() {
    if (disposed) return;
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(saveLayout, options.layoutSaveDelayMs ?? 1000);
  }

  /** Kiosk windows cover the display; others go where they were last, if that is still on the display. */
  function boundsFor(key: string, display: Display, kiosk: boolean): Rectangle {
    if (kiosk) return display.bounds;
    const remembered = layout.windows[key];
    return remembered && contains(display.bounds, center(remembered)) ? remembered : display.workArea;
  }

  function openWindow(key: string, display: Display) {
    const playlist = playlistFor(settings, key);
    const url = wallUrl(playlist, key);
    log.info(`Opening the wall on display "${key}" (${display.label || display.id}, ${display.bounds.width}×${display.bounds.height}) at ${url}.`);
    const win = createMainWindow({ preloadPath: options.preloadPath, url, bounds: boundsFor(key, display, playlist.kiosk), kiosk: playlist.kiosk, log });
    healer.watch(win.webContents, key, url);
    win.on('move', saveLayoutSoon);
    win.on('resize', saveLayoutSoon);
    win.on('closed', () => {
      if (open.get(key)?.win === win) open.delete(key);
      keepAwake();
    });
    open.set(key, { win, display });
  }

  function place(entry: WallWindow, key: string, display: Display) {
    entry.display = display;
    const { win } = entry;
    if (win.isKiosk()) {
      if (sameBounds(win.getBounds(), display.bounds)) return;
      // A full-screen window only moves to other bounds by leaving full screen first.
      win.setKiosk(false);
      win.setBounds(display.bounds);
      win.setKiosk(true);
    } else if (!contains(display.bounds, center(win.getBounds()))) {
      win.setBounds(boundsFor(key, display, false));
    }
  }

  /** One window per connected display, each on its display; run at start and on every display change. */
  function followDisplays(why: string) {
    const displays = screen.getAllDisplays();
    // Some systems briefly report no display while the last one is replugged; keep the windows for its return.
    if (displays.length === 0) return log.warn(`${why}: no display is connected; keeping the wall windows until one is.`);
    const primaryId = screen.getPrimaryDisplay().id;
    const wanted = new Map(displays.map((d) => [displayKeyOf(d, primaryId), d]));
    // Open before closing, so the app never has no window (which would quit it).
    for (const [key, display] of wanted) {
      const entry = open.get(key);
      if (entry) place(entry, key, display);
      else openWindow(key, display);
    }
    for (const [key, { win }] of [...open]) {
      if (wanted.has(key)) continue;
      log.info(`${why}: display "${key}" is gone; closing its wall window.`);
      open.delete(key);
      if (!win.isDestroyed()) win.close();
    }
    keepAwake();
  }

  function applySettings(next: Settings) {
    const previous = settings;
    settings = next;
    for (const [key, { win, display }] of open) {
      if (win.isDestroyed()) continue;
      const before = playlistFor(previous, key);
      const after = playlistFor(next, key);
      if (before.kiosk !== after.kiosk) {
        log.info(`Display "${key}": kiosk ${after.kiosk ? 'on' : 'off'}.`);
        if (after.kiosk) win.setBounds(display.bounds);
        win.setKiosk(after.kiosk);
        if (!after.kiosk) win.setBounds(boundsFor(key, display, false));
      }
      if (!samePlaylist(before, after)) {
        const url = wallUrl(after, key);
        log.info(`Display "${key}": its playlist changed; reloading at ${url}.`);
        void showAsNewPage(win, url, log);
      }
    }
  }

  const onDisplayAdded = () => followDisplays('A display was connected');
  const onDisplayRemoved = () => followDisplays('A display was disconnected');
  const onDisplayChanged = () => followDisplays('A display changed');
  screen.on('display-added', onDisplayAdded);
  screen.on('display-removed', onDisplayRemoved);
  screen.on('display-metrics-changed', onDisplayChanged);
  const stopSettings = options.settings.onChange(applySettings);
  followDisplays('Starting');

  return {
    windows: () => new Map([...open].map(([key, { win }]) => [key, win])),
    primaryWindow: () => (open.get(PRIMARY_DISPLAY_KEY) ?? open.values().next().value)?.win ?? null,
    dispose() {
      disposed = true;
      screen.off('display-added', onDisplayAdded);
      screen.off('display-removed', onDisplayRemoved);
      screen.off('display-metrics-changed', onDisplayChanged);
      stopSettings();
      saveLayout();
      open.clear();
      keepAwake();
    },
  };
}

/**
 * Loads `url` as a new document. The wall's URLs differ only after the #, and a load that only changes the
 * fragment stays in the old document (Chromium), so such a load is followed by a reload.
 */
async function showAsNewPage(win: BrowserWindow, url: string, log: MainLog): Promise<void> {
  const contents = win.webContents;
  const sameDocument = contents.getURL().split('#')[0] === url.split('#')[0];
  try {
    await contents.loadURL(url);
    if (sameDocument && !contents.isDestroyed()) contents.reload();
  } catch (error) {
    log.error(`Could not load ${url}`, error);
  }
}

function readLayout(file: string, log: MainLog): Layout {
  const empty: Layout = { version: 1, windows: {} };
  if (!existsSync(file)) return empty;
  try {
    return Layout.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    log.warn(`The wall layout in ${file} is damaged; the windows start on their displays' full areas and it is rewritten.`);
    return empty;
  }
}
