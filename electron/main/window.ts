/**
 * The app's windows (the wall's, one per display; the PDF printer makes its own hidden one). Their security
 * settings are written out where the window is created, so `npm run security` (electronegativity) checks them
 * too; tests assert them on every window.
 */
import { BrowserWindow, type Rectangle } from 'electron';
import type { MainLog } from './log';
import { APP_ENTRY_URL } from './origin';

/** Dark command-center background, shown before the first paint so the wall never flashes white. */
export const WINDOW_BACKGROUND = '#0b1220';

export interface MainWindowOptions {
  /** Absolute path of the built preload (dist/electron/preload.cjs). */
  preloadPath: string;
  /** Page to load; always an app:// URL. */
  url?: string;
  /** Where to put the window (a display's bounds on the wall). */
  bounds?: Partial<Rectangle>;
  kiosk?: boolean;
  fullscreen?: boolean;
  title?: string;
  log?: MainLog;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1600,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    ...options.bounds,
    title: options.title ?? 'Grid Command Center',
    backgroundColor: WINDOW_BACKGROUND,
    show: false,
    autoHideMenuBar: true,
    kiosk: options.kiosk ?? false,
    fullscreen: options.fullscreen ?? false,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      // No middle-click (auxclick) opening of links either; window.open is denied in security.ts.
      disableBlinkFeatures: 'Auxclick',
      // A wall keeps drawing when another window covers it or it loses focus: throttled, its animation frames stop
      // and its timers slow to once a minute, i.e. no live cases drawn and a stopped clock (see gpu.ts).
      backgroundThrottling: false,
    },
  });
  win.once('ready-to-show', () => {
    if (!win.isDestroyed()) win.show();
  });
  const url = options.url ?? APP_ENTRY_URL;
  win.loadURL(url).catch((error: unknown) => options.log?.error(`The window could not load ${url}`, error));
  return win;
}

/** Bring a window to the front (second instance started, or a staff member asked for it). */
export function focusWindow(win: BrowserWindow | null | undefined): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}
