/**
 * The main process, composed: single instance, app:// scheme, guards on every web contents, then on ready the
 * protocol handler, session lock-down, the core backend, the bridge IPC, pushes, the wall (a self-healing window
 * per display) and auto-update; and a clean quit that closes the backend. Kept free of paths and process globals
 * so tests drive it against a fake `electron`.
 */
import path from 'node:path';
import { app, BrowserWindow, session } from 'electron';
import type { Backend, BackendOptions } from '../../core/backend';
import { startCore } from '../../core/runtime';
import { basemapFile } from '../../core/settings/basemap-file';
import { contentSecurityPolicy } from '../../shared/security/csp';
import { ApiSettings } from './api-settings';
import { electronPdfPrinter } from './pdf-printer';
import { registerBridgeIpc } from './ipc';
import { registerUploadIpc } from './uploads';
import type { Uploads } from '../../core/imports/uploads';
import { openWall, type Wall } from './displays';
import { createHealer } from './healing';
import { consoleLog, logFolder, type MainLog } from './log';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { forwardPushes } from './pushes';
import { applySessionSecurity, installWebContentsGuards } from './security';
import { fixedSettings, type SettingsSource } from './settings-source';
import { startAutoUpdate, type Updater } from './updater';
import { utilityLauncher } from './utility-launcher';
import { focusWindow } from './window';
import { applySoftwareGlSwitches, reportGpu } from './gpu';

export interface StartOptions {
  rendererDir: string;
  /** resources/ (contract and data) for the embedded central service. */
  resourcesDir?: string;
  preloadPath: string;
  version: string;
  log?: MainLog;
  /** Passed to the backend besides host and version (the data cache and central API, once configured). */
  backendOptions?: Omit<BackendOptions, 'host' | 'version'>;
  /** Tests pass a backend they can make push; by default the core starts (configured API or the embedded demo). */
  createBackend?: (options: BackendOptions) => Backend;
  /** How long quitting waits for the backend to close before giving up on it. */
  closeTimeoutMs?: number;
  /** The Settings (displays, kiosk, update server) and their changes; by default the built-in defaults. */
  settings?: SettingsSource;
  /** electron-updater's autoUpdater; without it the app never updates itself. */
  loadUpdater?: () => Promise<Updater>;
}

export interface MainApp {
  readonly backend: Backend;
  /** The primary display's wall window, else any wall window. */
  mainWindow(): BrowserWindow | null;
  /** The wall windows by display key ("primary", or the Electron display id). */
  wallWindows(): ReadonlyMap<string, BrowserWindow>;
  /** Stops IPC and pushes and closes the backend; idempotent. Quitting calls it. */
  shutdown(): Promise<void>;
}

/** Resolves to null in a second instance (which hands over to the first and quits). */
export async function startApp(options: StartOptions): Promise<MainApp | null> {
  const log = options.log ?? consoleLog;

  if (!app.requestSingleInstanceLock()) {
    log.info('Grid Command Center is already running; bringing its window to the front instead.');
    app.quit();
    return null;
  }

  // Before `ready`, synchronously: Electron accepts these only then.
  app.enableSandbox();
  registerAppScheme();
  installWebContentsGuards(log);

  let wall: Wall | null = null;
  app.on('second-instance', () => focusWindow(wall?.primaryWindow() ?? BrowserWindow.getAllWindows()[0]));

  // A PC found drawing WebGL in software at its last start composites in software (gpu.ts, measured there).
  const userData = app.getPath('userData');
  const switched = applySoftwareGlSwitches(userData);
  // Said once, when Chromium knows (Electron: the status is only usable after this event). A new finding restarts
  // the app once, when it has started (its quit closes the backend properly); never twice in a row.
  let restartWanted = false;
  const restartForGpu = () => {
    log.info('Restarting once so that Chromium composites as this PC draws WebGL.');
    app.relaunch({ args: [...process.argv.slice(1), RELAUNCHED_FOR_GPU] });
    app.quit();
  };
  app.once('gpu-info-update', () => {
    restartWanted = reportGpu(log, userData, switched).restartApplies && !process.argv.includes(RELAUNCHED_FOR_GPU);
    // Started once its wall is open (set last in startApp).
    if (restartWanted && wall) restartForGpu();
  });

  await app.whenReady();

  handleAppProtocol(
    options.rendererDir,
    log,
    () => contentSecurityPolicy(settings.get().basemap),
    () => basemapFile(settings.get().basemap),
  );
  applySessionSecurity(session.defaultSession, log);
  // 通报 PDFs print with Electron's own Chromium rather than a separate browser.
  const backendOptions = {
    logFolder: logFolder(),
    pdfPrinter: electronPdfPrinter(),
    ...options.backendOptions,
    host: 'electron' as const,
    version: options.version,
  };
  let backend: Backend & { uploads?: Uploads };
  let settings = options.settings ?? fixedSettings();
  if (options.createBackend) backend = options.createBackend(backendOptions);
  else {
    // The cache lives in the user-data folder; with no central API configured the bundled demo server runs.
    // The API comes from Settings (token decrypted with safeStorage), else the environment, else the demo.
    const core = await startCore({
      ...backendOptions,
      apiStore: new ApiSettings(userData),
      dataDir: userData,
      demo: { resourcesDir: options.resourcesDir },
      centralLauncher: utilityLauncher,
      log: (line) => log.info(line),
    });
    backend = { ...core.backend, uploads: core.backend.uploads, close: () => core.close() };
    // The windows, kiosk and auto-update follow what is saved on the Settings page.
    settings = options.settings ?? core.settings;
  }
  const disposeIpc = registerBridgeIpc(backend.handlers, log);
  const disposeUploads = backend.uploads ? registerUploadIpc(backend.uploads, log) : () => {};
  const stopPushes = forwardPushes(backend, log);

  const healer = createHealer({ log });
  const updates = options.loadUpdater ? startAutoUpdate({ settings, loadUpdater: options.loadUpdater, log }) : null;

  let closing: Promise<void> | null = null;
  const shutdown = () =>
    (closing ??= (async () => {
      updates?.stop();
      wall?.dispose();
      healer.dispose();
      stopPushes();
      disposeIpc();
      disposeUploads();
      await closeWithin(backend, options.closeTimeoutMs ?? 5000, log);
    })());

  let mayQuit = false;
  app.on('before-quit', (event) => {
    if (mayQuit) return;
    event.preventDefault(); // finish closing the backend first, then quit for real
    void shutdown().finally(() => {
      mayQuit = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => app.quit());

  wall = openWall({ preloadPath: options.preloadPath, settings, layoutFile: path.join(userData, 'wall-layout.json'), healer, log });
  if (restartWanted) restartForGpu();

  return { backend, mainWindow: () => wall?.primaryWindow() ?? null, wallWindows: () => wall?.windows() ?? new Map(), shutdown };
}

/** The argument a restart for the GPU finding carries: a second restart in a row would be a loop. */
export const RELAUNCHED_FOR_GPU = '--relaunched-for-gpu';

async function closeWithin(backend: Backend, ms: number, log: MainLog): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    const outcome = await Promise.race([backend.close().then(() => 'closed' as const), timeout]);
    if (outcome === 'timeout') log.warn(`The backend did not close within ${ms} ms; quitting anyway.`);
  } catch (error) {
    log.error('The backend failed while closing; quitting anyway.', error);
  } finally {
    clearTimeout(timer);
  }
}
