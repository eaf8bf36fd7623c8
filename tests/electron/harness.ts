/**
 * Shared set-up for the Electron tests. Every test file that uses it must itself call
 *   vi.mock('electron', () => import('../fakes/electron'));
 * (vi.mock is per file), so that the main process below runs against the fake.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { startApp, type MainApp, type StartOptions } from '../../electron/main/app';
import { createBackend } from '../../core/backend';
import type { MainLog } from '../../electron/main/log';
import type { SettingsSource } from '../../electron/main/settings-source';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { app, fake, type FakeBrowserWindow } from '../fakes/electron';

/** Never read by the fake (it does not run preloads by path); only its shape is checked. */
export const PRELOAD_PATH = path.join(os.tmpdir(), 'gcc-electron-test', 'preload.cjs');

export const SECRET = 'TOP-SECRET-OUTSIDE-THE-RENDERER';

/** Where the primary display's wall window opens with the default settings (their first scene). */
export const PRIMARY_WALL_URL = 'app://gcc/#/wall/overview?display=primary';

export interface LoggedLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  details: unknown[];
}

export function recordingLog(): MainLog & { lines: LoggedLine[]; text(level?: LoggedLine['level']): string } {
  const lines: LoggedLine[] = [];
  const at =
    (level: LoggedLine['level']) =>
    (message: string, ...details: unknown[]) => {
      lines.push({ level, message, details });
    };
  return {
    lines,
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: (level) =>
      lines
        .filter((l) => !level || l.level === level)
        .map((l) => l.message)
        .join('\n'),
  };
}

/** Electron's security checklist, as webPreferences. */
export const SECURE_WEB_PREFERENCES = {
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
  disableBlinkFeatures: 'Auxclick',
};

/**
 * Every app window: exactly these preferences plus the preload, and Electron agrees they are in effect. A wall
 * window is also never throttled in the background (it must keep drawing when covered; window.ts).
 */
export function expectSecure(win: FakeBrowserWindow) {
  expect(win.options.webPreferences).toEqual({ ...SECURE_WEB_PREFERENCES, backgroundThrottling: false, preload: PRELOAD_PATH });
  expect(win.webContents.effectiveWebPreferences).toMatchObject(SECURE_WEB_PREFERENCES);
}

let fixture: { root: string; rendererDir: string } | undefined;

/**
 * A built-renderer lookalike in a temporary folder, with a secret file next to it, a sibling folder whose name
 * starts like it, and a symlink pointing out of it.
 */
export function rendererFixture(): { root: string; rendererDir: string } {
  if (fixture) return fixture;
  const root = mkdtempSync(path.join(os.tmpdir(), 'gcc-electron-'));
  const rendererDir = path.join(root, 'renderer');
  const files: Record<string, string> = {
    'index.html': '<!doctype html><html lang="zh-CN"><head><script type="module" src="/assets/app.js"></script></head><body><div id="app"></div></body></html>',
    'assets/app.js': 'console.log("app");',
    'assets/app.css': 'body{background:#0b1220}',
    'assets/chunk.mjs': 'export {};',
    'assets/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'data/guangan.geojson': '{"type":"FeatureCollection","features":[]}',
    'data/divisions.json': '{}',
    'fonts/noto.woff2': 'wOF2',
    'blob.bin': 'bytes',
    'reports/index.html': '<!doctype html><title>reports</title>',
  };
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(rendererDir, name)), { recursive: true });
    writeFileSync(path.join(rendererDir, name), body);
  }
  writeFileSync(path.join(root, 'secret.txt'), SECRET);
  mkdirSync(path.join(root, 'renderer-evil'));
  writeFileSync(path.join(root, 'renderer-evil', 'x.js'), SECRET);
  try {
    symlinkSync(path.join(root, 'secret.txt'), path.join(rendererDir, 'escape-link.txt'));
  } catch {
    /* no symlinks on this file system: that test checks for the file */
  }
  fixture = { root, rendererDir };
  return fixture;
}

export interface Booted {
  main: MainApp;
  win: FakeBrowserWindow;
  log: ReturnType<typeof recordingLog>;
  rendererDir: string;
}

/** Settings a test can change, as the core's settings store would. */
export function changeableSettings(initial: Settings = DEFAULT_SETTINGS): SettingsSource & { set(next: Settings): void } {
  let current = initial;
  const listeners = new Set<(settings: Settings) => void>();
  return {
    get: () => current,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      current = next;
      for (const listener of listeners) listener(next);
    },
  };
}

/** A user-data folder of its own (the wall layout lives there), unless the test already chose one. */
export function freshUserData(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gcc-userdata-'));
  app.setPath('userData', dir);
  return dir;
}

/**
 * Starts the main process against a freshly reset fake, makes Electron ready, and waits for the main (primary
 * display's) window to show.
 */
export async function boot(overrides: Partial<StartOptions> = {}): Promise<Booted> {
  const log = recordingLog();
  const { rendererDir } = rendererFixture();
  if (!app.paths.has('userData')) freshUserData();
  // A backend without a data cache unless the test brings one: the real core (demo server, sync worker) is
  // exercised by tests/electron/build.test.ts against the built bundle.
  const started = startApp({
    rendererDir,
    preloadPath: PRELOAD_PATH,
    version: '9.9.9-test',
    log,
    createBackend: (options) => createBackend(options),
    ...overrides,
  });
  fake.ready();
  const main = await started;
  if (!main) throw new Error('startApp resolved null: the fake single-instance lock was not free');
  const win = main.mainWindow() as unknown as FakeBrowserWindow;
  if (!win.isVisible()) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the main window was never shown')), 5000);
      win.once('show', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return { main, win, log, rendererDir };
}
