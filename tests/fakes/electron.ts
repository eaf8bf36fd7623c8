/**
 * A small, faithful in-memory model of the parts of Electron this app uses, for unit tests under plain Node:
 *
 *   vi.mock('electron', () => import('../fakes/electron'));
 *
 * What it models (behaviour taken from Electron's API docs, v40):
 * - app: whenReady/ready, the single-instance lock and `second-instance`, quit (before-quit → windows close →
 *   will-quit → quit; window-all-closed is not emitted while quitting), exit, paths, version, enableSandbox.
 * - BrowserWindow/webContents: options recorded; `web-contents-created` and `browser-window-created` emitted from
 *   the constructor; loadURL goes through protocol.handle for custom schemes (a load that only changes the
 *   #fragment stays in the same document, did-navigate-in-page); reload is asynchronous and restarts a crashed
 *   renderer; renderer-initiated navigation, redirects, window.open and <webview> are simulated by the test and go
 *   through the app's handlers exactly where Electron would consult them; so are crashes (render-process-gone),
 *   hangs (unresponsive/responsive) and a dying GPU process (app child-process-gone).
 * - ipcMain/ipcRenderer: invoke is async, arguments and results are structured-cloned, errors reach the caller
 *   as "Error invoking remote method '<channel>': …"; the IpcMainInvokeEvent carries sender and senderFrame
 *   (null once the frame navigated or was destroyed). webContents.send reaches the attached renderer's
 *   ipcRenderer listeners with an IpcRendererEvent first.
 * - contextBridge: functions are proxied, everything else is copied (class instances lose their prototype,
 *   symbols are dropped, errors keep only their message, ipcRenderer arrives as an empty object) and the
 *   exposed API is frozen; only with contextIsolation; never on top of an existing key.
 * - protocol, session (permission handlers; Electron's default with no handler is to grant), screen,
 *   powerSaveBlocker, shell, safeStorage, nativeTheme, dialog, Menu: enough to drive and observe the main process.
 *
 * Test controls live on the exported `fake` object; call `fake.reset()` in beforeEach.
 */
import { EventEmitter } from 'node:events';
import { spawn as spawnChild } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type {
  App,
  BrowserWindowConstructorOptions,
  ContextBridge,
  CustomScheme,
  Display,
  HandlerDetails,
  IpcMain,
  IpcRenderer,
  NativeTheme,
  PowerSaveBlocker,
  Protocol,
  Rectangle,
  SafeStorage,
  Screen,
  Shell,
  WebPreferences,
  WindowOpenHandlerResponse,
} from 'electron';

// ---------------------------------------------------------------------------------------------------------------
// Events

export interface FakeEvent {
  preventDefault(): void;
  readonly defaultPrevented: boolean;
}

/** An Electron.Event: the params plus preventDefault/defaultPrevented. */
export function makeEvent<P extends object>(params: P = {} as P): P & FakeEvent {
  let prevented = false;
  // defineProperties, not Object.assign: the getters (here and in params) must stay live.
  return Object.defineProperties(params, {
    preventDefault: {
      value: () => {
        prevented = true;
      },
      enumerable: true,
    },
    defaultPrevented: { get: () => prevented, enumerable: true },
  }) as P & FakeEvent;
}

const later = () => new Promise<void>((resolve) => setImmediate(resolve));

function cloneForIpc<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    throw new Error('An object could not be cloned.');
  }
}

/** Origin the way Chromium reports it for a frame; custom standard schemes keep scheme://host. */
export function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.origin !== 'null') return parsed.origin;
    if (parsed.host && parsed.protocol !== 'file:') return `${parsed.protocol}//${parsed.host}`;
  } catch {
    /* not a URL */
  }
  return 'null';
}

// ---------------------------------------------------------------------------------------------------------------
// app

/** chrome://gpu's feature status on a PC that draws in software (SwiftShader), as Electron returns it. */
export const SOFTWARE_GPU_STATUS: Record<string, string> = {
  '2d_canvas': 'unavailable_software',
  gpu_compositing: 'disabled_software',
  multiple_raster_threads: 'enabled_on',
  opengl: 'disabled_off',
  rasterization: 'unavailable_software',
  video_decode: 'unavailable_software',
  video_encode: 'unavailable_software',
  webgl: 'unavailable_software',
  webgl2: 'unavailable_software',
  webgpu: 'unavailable_software',
};

class FakeApp
  extends EventEmitter
  implements
    Pick<
      App,
      | 'whenReady'
      | 'isReady'
      | 'requestSingleInstanceLock'
      | 'hasSingleInstanceLock'
      | 'releaseSingleInstanceLock'
      | 'quit'
      | 'exit'
      | 'relaunch'
      | 'focus'
      | 'getPath'
      | 'setPath'
      | 'getVersion'
      | 'getName'
      | 'setName'
      | 'getLocale'
      | 'getSystemLocale'
      | 'getAppPath'
      | 'enableSandbox'
      | 'disableHardwareAcceleration'
      | 'getGPUFeatureStatus'
      | 'setAppUserModelId'
      | 'isPackaged'
    >
{
  isPackaged = false;
  readonly commandLine = {
    switches: new Map<string, string>(),
    appendSwitch(name: string, value = '') {
      this.switches.set(name, value);
    },
    appendArgument(_value: string) {},
    hasSwitch(name: string) {
      return this.switches.has(name);
    },
    getSwitchValue(name: string) {
      return this.switches.get(name) ?? '';
    },
    removeSwitch(name: string) {
      this.switches.delete(name);
    },
  };

  // state, reset by fake.reset()
  ready = false;
  readyPromise!: Promise<void>;
  resolveReady!: () => void;
  lockHeldElsewhere = false;
  hasLock = false;
  quitting = false;
  /** Set once the app has really quit or exited. */
  ended: { how: 'quit' | 'exit'; exitCode: number } | null = null;
  quitCalls = 0;
  relaunches: unknown[] = [];
  sandboxEnabled = false;
  hardwareAccelerationDisabled = false;
  version = '0.1.0';
  name = 'grid-command-center';
  locale = 'zh-CN';
  paths = new Map<string, string>();

  constructor() {
    super();
    this.setMaxListeners(0);
    this.resetState();
  }

  resetState() {
    this.removeAllListeners();
    this.ready = false;
    this.readyPromise = new Promise<void>((resolve) => (this.resolveReady = resolve));
    this.lockHeldElsewhere = false;
    this.hasLock = false;
    this.quitting = false;
    this.ended = null;
    this.quitCalls = 0;
    this.relaunches = [];
    this.sandboxEnabled = false;
    this.hardwareAccelerationDisabled = false;
    this.gpuFeatureStatus = SOFTWARE_GPU_STATUS;
    this.version = '0.1.0';
    this.name = 'grid-command-center';
    this.locale = 'zh-CN';
    this.paths = new Map();
    this.isPackaged = false;
    this.commandLine.switches.clear();
  }

  isReady() {
    return this.ready;
  }
  whenReady() {
    return this.readyPromise;
  }
  requestSingleInstanceLock(_additionalData?: Record<string, unknown>) {
    if (this.lockHeldElsewhere) return false;
    this.hasLock = true;
    return true;
  }
  hasSingleInstanceLock() {
    return this.hasLock;
  }
  releaseSingleInstanceLock() {
    this.hasLock = false;
  }

  /** before-quit (cancellable) → every window gets close (cancellable) → will-quit (cancellable) → quit. */
  quit() {
    this.quitCalls++;
    if (this.ended || this.quitting) return;
    const beforeQuit = makeEvent();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return;
    this.quitting = true;
    for (const win of [...windows]) {
      win.close();
      if (!win.isDestroyed()) {
        this.quitting = false; // a window refused to close: the quit is cancelled
        return;
      }
    }
    const willQuit = makeEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) {
      this.quitting = false;
      return;
    }
    this.ended = { how: 'quit', exitCode: 0 };
    this.emit('quit', makeEvent(), 0);
  }
  /** Ends at once: windows are destroyed without close events; before-quit and will-quit are not emitted. */
  exit(exitCode = 0) {
    this.quitting = true;
    for (const win of [...windows]) win.destroy();
    this.ended = { how: 'exit', exitCode };
  }
  relaunch(options?: Electron.RelaunchOptions) {
    this.relaunches.push(options ?? {});
  }
  focus(_options?: Electron.FocusOptions) {}
  getPath(name: Parameters<App['getPath']>[0]) {
    return this.paths.get(name) ?? path.join(os.tmpdir(), 'gcc-electron-fake', name);
  }
  setPath(name: string, value: string) {
    this.paths.set(name, value);
  }
  getVersion() {
    return this.version;
  }
  getName() {
    return this.name;
  }
  setName(name: string) {
    this.name = name;
  }
  getLocale() {
    return this.locale;
  }
  getSystemLocale() {
    return this.locale;
  }
  getAppPath() {
    return process.cwd();
  }
  enableSandbox() {
    if (this.ready) throw new Error('app.enableSandbox() can only be called before app is ready');
    this.sandboxEnabled = true;
  }
  disableHardwareAcceleration() {
    if (this.ready) throw new Error('app.disableHardwareAcceleration() can only be called before app is ready');
    this.hardwareAccelerationDisabled = true;
  }
  setAppUserModelId(_id: string) {}
  /**
   * What Chromium reports on a PC without a usable GPU unless a test sets another (Electron's GPUFeatureStatus).
   * Electron documents it as usable only after 'gpu-info-update'; tests emit that event themselves.
   */
  gpuFeatureStatus: Record<string, string> = SOFTWARE_GPU_STATUS;
  getGPUFeatureStatus() {
    return this.gpuFeatureStatus as unknown as ReturnType<App['getGPUFeatureStatus']>;
  }

  /** Test: Electron finished starting. Emits will-finish-launching and ready, then resolves whenReady(). */
  emitReady() {
    if (this.ready) return;
    this.emit('will-finish-launching');
    this.ready = true;
    this.emit('ready', makeEvent(), {});
    this.resolveReady();
  }
}

export const app = new FakeApp();

function requireReady(what: string) {
  if (!app.isReady()) throw new Error(`fake electron: ${what} can only be used after the app is ready`);
}

// ---------------------------------------------------------------------------------------------------------------
// Frames and web contents

let nextFrameId = 1;
let nextWebContentsId = 1;
let nextWindowId = 1;

export class FakeWebFrameMain extends EventEmitter {
  readonly routingId = nextFrameId++;
  readonly frameTreeNodeId = this.routingId;
  readonly frameToken = `frame-${this.routingId}`;
  readonly processId: number;
  readonly frames: FakeWebFrameMain[] = [];
  name = '';
  detached = false;
  /** Bumped on every navigation: an IPC event captured before it reports senderFrame null. */
  navigations = 0;
  private destroyed = false;

  constructor(
    public url: string,
    readonly parent: FakeWebFrameMain | null = null,
    processId = 1000 + nextFrameId,
  ) {
    super();
    this.processId = processId;
    parent?.frames.push(this);
  }

  get origin(): string {
    return originOf(this.url);
  }
  get top(): FakeWebFrameMain {
    return this.parent ? this.parent.top : this;
  }
  get framesInSubtree(): FakeWebFrameMain[] {
    return [this, ...this.frames.flatMap((f) => f.framesInSubtree)];
  }
  isDestroyed() {
    return this.destroyed;
  }

  /** Test: the page creates an iframe showing `url` (same process unless told otherwise). */
  addChildFrame(url: string, processId = this.processId): FakeWebFrameMain {
    return new FakeWebFrameMain(url, this, processId);
  }

  navigateTo(url: string) {
    this.url = url;
    this.navigations++;
    for (const child of this.frames.splice(0)) child.destroy();
  }
  destroy() {
    this.destroyed = true;
    this.detached = true;
    for (const child of this.frames) child.destroy();
  }
}

export interface SentMessage {
  channel: string;
  args: unknown[];
}

export interface LoadRecord {
  url: string;
  status: number | null;
  headers: Record<string, string>;
  body: string | null;
}

const DEFAULT_WEB_PREFERENCES: WebPreferences = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
};

export class FakeWebContents
  extends EventEmitter
  implements
    Pick<
      Electron.WebContents,
      | 'id'
      | 'getURL'
      | 'loadURL'
      | 'send'
      | 'setWindowOpenHandler'
      | 'isDestroyed'
      | 'reload'
      | 'getTitle'
      | 'focus'
      | 'isFocused'
      | 'isLoading'
      | 'isCrashed'
      | 'forcefullyCrashRenderer'
      | 'getOSProcessId'
      | 'getProcessId'
      | 'openDevTools'
      | 'closeDevTools'
      | 'isDevToolsOpened'
      | 'executeJavaScript'
      | 'getType'
      | 'close'
      | 'printToPDF'
    >
{
  readonly id = nextWebContentsId++;
  readonly mainFrame: FakeWebFrameMain;
  readonly session: FakeSession;
  /** What the window asked for, merged over Electron's defaults. */
  readonly effectiveWebPreferences: WebPreferences;
  /** Every webContents.send, in order, arguments as the renderer would receive them. */
  readonly sent: SentMessage[] = [];
  readonly loads: LoadRecord[] = [];
  /** Every printToPDF: the page it printed and the options, as given. */
  readonly printed: { url: string; options: Electron.PrintToPDFOptions }[] = [];
  windowOpenHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | null = null;
  reloads = 0;
  devToolsOpened = false;
  crashed = false;
  private destroyed = false;
  private loading = false;
  private focused = false;

  constructor(
    readonly owner: FakeBrowserWindow | null,
    webPreferences: WebPreferences = {},
  ) {
    super();
    this.setMaxListeners(0);
    this.effectiveWebPreferences = { ...DEFAULT_WEB_PREFERENCES, ...webPreferences, ...(app.sandboxEnabled ? { sandbox: true } : {}) };
    this.mainFrame = new FakeWebFrameMain('', null, 2000 + this.id);
    this.session = webPreferences.partition ? session.fromPartition(webPreferences.partition) : session.defaultSession;
    allWebContents.add(this);
  }

  private assertAlive() {
    if (this.destroyed) throw new TypeError('Object has been destroyed');
  }

  getURL() {
    return this.mainFrame.url;
  }
  getTitle() {
    return this.owner?.getTitle() ?? '';
  }
  isDestroyed() {
    return this.destroyed;
  }
  isLoading() {
    return this.loading;
  }
  isCrashed() {
    return this.crashed;
  }
  isFocused() {
    return this.focused;
  }
  focus() {
    this.focused = true;
  }
  getOSProcessId() {
    return this.mainFrame.processId;
  }
  getProcessId() {
    return this.mainFrame.processId;
  }
  getType() {
    return 'window' as const;
  }
  openDevTools() {
    this.devToolsOpened = true;
  }
  closeDevTools() {
    this.devToolsOpened = false;
  }
  isDevToolsOpened() {
    return this.devToolsOpened;
  }
  /** Like Electron: rejects on a destroyed or never-loaded page; otherwise a one-page PDF naming the page. */
  async printToPDF(options: Electron.PrintToPDFOptions): Promise<Buffer> {
    this.assertAlive();
    if (!this.mainFrame.url) throw new Error('Failed to generate PDF: no page loaded');
    this.printed.push({ url: this.mainFrame.url, options: { ...options } });
    await later();
    return Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Pages /Kids [2 0 R] /Count 1 >> endobj\n% ${this.mainFrame.url.length} bytes of URL\n%%EOF\n`, 'latin1');
  }
  async executeJavaScript(_code: string): Promise<unknown> {
    this.assertAlive();
    return undefined;
  }
  close() {
    if (this.owner) this.owner.close();
    else this.destroyInternal();
  }

  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse) {
    this.windowOpenHandler = handler;
  }

  /**
   * Browser-initiated load (no will-navigate, as in Electron). Custom schemes go through protocol.handle; an
   * unhandled custom scheme fails with ERR_UNKNOWN_URL_SCHEME, as in Electron.
   */
  async loadURL(url: string): Promise<void> {
    this.assertAlive();
    if (this.isSameDocument(url)) return this.navigateInPage(url);
    this.loading = true;
    this.emit('did-start-loading');
    const record: LoadRecord = { url, status: null, headers: {}, body: null };
    this.loads.push(record);
    const scheme = url.split(':', 1)[0] ?? '';
    const handled = this.session.protocol.isProtocolHandled(scheme);
    if (!['http', 'https', 'file', 'data', 'about'].includes(scheme) && !handled) {
      return this.failLoad(url, -302, 'ERR_UNKNOWN_URL_SCHEME');
    }
    if (handled) {
      const response = await this.session.protocol.fetch(url);
      record.status = response.status;
      record.headers = Object.fromEntries(response.headers.entries());
      record.body = await response.text();
    }
    await later();
    if (this.destroyed) return this.failLoad(url, -3, 'ERR_ABORTED');
    this.crashed = false; // a new document gets a new renderer process
    this.mainFrame.navigateTo(url);
    this.loading = false;
    this.emit('did-navigate', makeEvent(), url, record.status ?? 200, 'OK');
    this.emit('dom-ready', makeEvent());
    this.emit('did-finish-load');
    this.emit('did-stop-loading');
    this.owner?.pageLoaded();
  }

  /** Chromium's rule: a load that only changes the #fragment of a live page stays in the same document. */
  private isSameDocument(url: string): boolean {
    if (this.crashed || !this.mainFrame.url || !url.includes('#')) return false;
    return this.mainFrame.url.split('#')[0] === url.split('#')[0];
  }

  /** No request, no new document: did-navigate-in-page, and the promise resolves (Electron ≥ 22). */
  private async navigateInPage(url: string): Promise<void> {
    this.emit('did-start-loading');
    await later();
    if (this.destroyed) return this.failLoad(url, -3, 'ERR_ABORTED');
    this.mainFrame.url = url;
    this.emit('did-navigate-in-page', makeEvent(), url, true, this.mainFrame.processId, this.mainFrame.routingId);
    this.emit('did-stop-loading');
  }

  private failLoad(url: string, code: number, description: string): Promise<never> {
    this.loading = false;
    this.emit('did-fail-load', makeEvent(), code, description, url, true, this.mainFrame.processId, this.mainFrame.routingId);
    this.emit('did-stop-loading');
    return Promise.reject(new Error(`${description} (${code}) loading '${url}'`));
  }

  /** Reloads the current URL as a new document, asynchronously; after a crash, in a new renderer process. */
  reload() {
    this.assertAlive();
    this.reloads++;
    const url = this.mainFrame.url;
    this.emit('did-start-loading');
    setImmediate(() => {
      if (this.destroyed) return;
      this.crashed = false;
      this.mainFrame.navigateTo(url);
      this.emit('did-navigate', makeEvent(), url, 200, 'OK');
      this.emit('dom-ready', makeEvent());
      this.emit('did-finish-load');
      this.emit('did-stop-loading');
    });
  }

  /** IPC main → renderer. Arguments are structured-cloned; the attached renderer gets them asynchronously. */
  send(channel: string, ...args: unknown[]) {
    this.assertAlive();
    let cloned: unknown[];
    try {
      cloned = args.map((arg) => structuredClone(arg));
    } catch {
      throw new Error('Failed to serialize arguments');
    }
    this.sent.push({ channel, args: cloned });
    setImmediate(() => {
      if (renderer?.webContents === this && !this.destroyed) ipcRenderer.deliver(channel, cloned);
    });
  }

  forcefullyCrashRenderer() {
    this.simulateRenderProcessGone({ reason: 'killed', exitCode: 1 });
  }

  // ----- test controls: things a page (or the GPU) does, seen where Electron would let the app intervene

  /**
   * The page tries to navigate `frame` (a link, location.href = …). will-frame-navigate, then for the main frame
   * will-navigate, are emitted with Electron's arguments; returns whether the navigation happened.
   */
  simulateNavigation(url: string, frame: FakeWebFrameMain = this.mainFrame): boolean {
    this.assertAlive();
    const isMainFrame = frame === this.mainFrame;
    const params = () => ({ url, isSameDocument: false, isMainFrame, frame, initiator: frame });
    const frameEvent = makeEvent(params());
    this.emit('will-frame-navigate', frameEvent);
    if (frameEvent.defaultPrevented) return false;
    if (isMainFrame) {
      const event = makeEvent(params());
      this.emit('will-navigate', event, url, false, true, frame.processId, frame.routingId);
      if (event.defaultPrevented) return false;
    }
    frame.navigateTo(url);
    if (isMainFrame) this.emit('did-navigate', makeEvent(), url, 200, 'OK');
    else this.emit('did-frame-navigate', makeEvent(), url, 200, 'OK', false, frame.processId, frame.routingId);
    return true;
  }

  /** A navigation of `frame` is redirected by the server to `url`; returns whether the redirect was followed. */
  simulateRedirect(url: string, frame: FakeWebFrameMain = this.mainFrame): boolean {
    this.assertAlive();
    const isMainFrame = frame === this.mainFrame;
    const event = makeEvent({ url, isSameDocument: false, isMainFrame, frame, initiator: frame });
    this.emit('will-redirect', event, url, false, isMainFrame, frame.processId, frame.routingId);
    if (event.defaultPrevented) return false;
    frame.navigateTo(url);
    return true;
  }

  /** window.open / target=_blank. Without a handler Electron allows it and opens a BrowserWindow. */
  simulateWindowOpen(url: string, disposition: HandlerDetails['disposition'] = 'new-window'): FakeBrowserWindow | null {
    this.assertAlive();
    const details: HandlerDetails = {
      url,
      frameName: '',
      features: '',
      disposition,
      referrer: { url: this.getURL(), policy: 'strict-origin-when-cross-origin' },
    };
    const response = this.windowOpenHandler ? this.windowOpenHandler(details) : { action: 'allow' as const };
    if (response.action !== 'allow') return null;
    const options: BrowserWindowConstructorOptions = {
      ...response.overrideBrowserWindowOptions,
      webPreferences: { ...this.effectiveWebPreferences, ...response.overrideBrowserWindowOptions?.webPreferences },
    };
    const child = new FakeBrowserWindow(options);
    this.emit('did-create-window', child, { url, frameName: '', options, disposition, referrer: details.referrer });
    void child.loadURL(url).catch(() => {});
    return child;
  }

  /** The page adds a <webview>; returns whether it was attached. */
  simulateAttachWebview(webPreferences: WebPreferences = {}, params: Record<string, string> = { src: 'https://example.com/' }): boolean {
    this.assertAlive();
    const event = makeEvent();
    this.emit('will-attach-webview', event, webPreferences, params);
    return !event.defaultPrevented;
  }

  /** The renderer stopped answering (owner window emits unresponsive). */
  simulateUnresponsive() {
    this.owner?.emit('unresponsive');
    this.emit('unresponsive');
  }

  /** The hung renderer answers again. */
  simulateResponsive() {
    this.owner?.emit('responsive');
    this.emit('responsive');
  }

  /** The page's renderer process died: render-process-gone here, then on app with this web contents (as Electron). */
  simulateRenderProcessGone(details: Electron.RenderProcessGoneDetails = { reason: 'crashed', exitCode: 139 }) {
    this.assertAlive();
    this.crashed = true;
    const event = makeEvent();
    this.emit('render-process-gone', event, details);
    app.emit('render-process-gone', event, this, details);
  }

  /** The page's router changes the #fragment (or uses pushState): no will-navigate, only did-navigate-in-page. */
  simulateInPageNavigation(url: string) {
    this.assertAlive();
    this.mainFrame.url = url;
    this.emit('did-navigate-in-page', makeEvent(), url, true, this.mainFrame.processId, this.mainFrame.routingId);
  }

  destroyInternal() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.mainFrame.destroy();
    allWebContents.delete(this);
    if (renderer?.webContents === this) renderer = null;
    this.emit('destroyed');
  }
}

const allWebContents = new Set<FakeWebContents>();

export const webContents = {
  getAllWebContents: () => [...allWebContents],
  fromId: (id: number) => [...allWebContents].find((wc) => wc.id === id),
  getFocusedWebContents: () => [...allWebContents].find((wc) => wc.isFocused()) ?? null,
  fromFrame: (frame: FakeWebFrameMain) => [...allWebContents].find((wc) => wc.mainFrame.framesInSubtree.includes(frame)),
};

export const webFrameMain = {
  fromId: (processId: number, routingId: number) =>
    [...allWebContents].flatMap((wc) => wc.mainFrame.framesInSubtree).find((f) => f.processId === processId && f.routingId === routingId),
};

// ---------------------------------------------------------------------------------------------------------------
// BrowserWindow

const windows = new Set<FakeBrowserWindow>();

export class FakeBrowserWindow
  extends EventEmitter
  implements
    Pick<
      Electron.BrowserWindow,
      | 'id'
      | 'show'
      | 'showInactive'
      | 'hide'
      | 'focus'
      | 'blur'
      | 'isVisible'
      | 'isFocused'
      | 'minimize'
      | 'restore'
      | 'isMinimized'
      | 'maximize'
      | 'isMaximized'
      | 'close'
      | 'destroy'
      | 'isDestroyed'
      | 'getBounds'
      | 'setBounds'
      | 'setKiosk'
      | 'isKiosk'
      | 'setFullScreen'
      | 'isFullScreen'
      | 'setTitle'
      | 'getTitle'
      | 'setMenuBarVisibility'
      | 'setAutoHideMenuBar'
      | 'removeMenu'
      | 'setAlwaysOnTop'
      | 'isAlwaysOnTop'
      | 'moveTop'
      | 'setBackgroundColor'
      | 'getBackgroundColor'
    >
{
  static getAllWindows(): FakeBrowserWindow[] {
    return [...windows];
  }
  static fromWebContents(contents: unknown): FakeBrowserWindow | null {
    return [...windows].find((w) => w.webContents === contents) ?? null;
  }
  static fromId(id: number): FakeBrowserWindow | null {
    return [...windows].find((w) => w.id === id) ?? null;
  }
  static getFocusedWindow(): FakeBrowserWindow | null {
    return [...windows].find((w) => w.isFocused()) ?? null;
  }

  readonly id = nextWindowId++;
  /** The constructor options exactly as the app passed them (a copy). */
  readonly options: BrowserWindowConstructorOptions;
  readonly webContents: FakeWebContents;
  private visible: boolean;
  private focused = false;
  private minimized = false;
  private maximized = false;
  private destroyed = false;
  private bounds: Rectangle;
  private kiosk: boolean;
  private fullScreen: boolean;
  private title: string;
  private alwaysOnTop: boolean;
  private backgroundColor: string;
  private shownOnce = false;
  menuBarVisible = true;

  constructor(options: BrowserWindowConstructorOptions = {}) {
    super();
    this.setMaxListeners(0);
    requireReady('BrowserWindow');
    this.options = { ...options, webPreferences: { ...options.webPreferences } };
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
    this.kiosk = options.kiosk ?? false;
    this.fullScreen = options.fullscreen ?? false;
    this.title = options.title ?? '';
    this.alwaysOnTop = options.alwaysOnTop ?? false;
    this.backgroundColor = options.backgroundColor ?? '#FFFFFF';
    this.visible = false;
    this.webContents = new FakeWebContents(this, options.webPreferences);
    windows.add(this);
    app.emit('web-contents-created', makeEvent(), this.webContents);
    app.emit('browser-window-created', makeEvent(), this);
    if (options.show !== false) this.show();
  }

  /** Called by webContents after a load: the first one makes the window ready to show. */
  pageLoaded() {
    if (this.shownOnce || this.destroyed) return;
    this.shownOnce = true;
    this.emit('ready-to-show');
  }

  loadURL(url: string) {
    return this.webContents.loadURL(url);
  }
  show() {
    this.visible = true;
    this.focused = true;
    this.emit('show');
    this.emit('focus');
  }
  showInactive() {
    this.visible = true;
    this.emit('show');
  }
  hide() {
    this.visible = false;
    this.emit('hide');
  }
  focus() {
    this.focused = true;
    this.webContents.focus();
    this.emit('focus');
  }
  blur() {
    this.focused = false;
    this.emit('blur');
  }
  isVisible() {
    return this.visible && !this.minimized;
  }
  isFocused() {
    return this.focused;
  }
  minimize() {
    this.minimized = true;
    this.focused = false;
    this.emit('minimize');
  }
  restore() {
    this.minimized = false;
    this.emit('restore');
  }
  isMinimized() {
    return this.minimized;
  }
  maximize() {
    this.maximized = true;
    this.emit('maximize');
  }
  isMaximized() {
    return this.maximized;
  }
  /** Emits close (cancellable), then destroys the window. */
  close() {
    if (this.destroyed) return;
    const event = makeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroy();
  }
  /** Destroys without a close event; the last window going (outside a quit) emits app window-all-closed. */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroyInternal();
    windows.delete(this);
    this.emit('closed');
    if (windows.size === 0 && !app.quitting) app.emit('window-all-closed');
  }
  isDestroyed() {
    return this.destroyed;
  }
  getBounds() {
    return { ...this.bounds };
  }
  setBounds(bounds: Partial<Rectangle>) {
    this.bounds = { ...this.bounds, ...bounds };
    this.emit('resize');
    this.emit('move');
  }
  setKiosk(flag: boolean) {
    this.kiosk = flag;
  }
  isKiosk() {
    return this.kiosk;
  }
  setFullScreen(flag: boolean) {
    this.fullScreen = flag;
    this.emit(flag ? 'enter-full-screen' : 'leave-full-screen');
  }
  isFullScreen() {
    return this.fullScreen;
  }
  setTitle(title: string) {
    this.title = title;
  }
  getTitle() {
    return this.title;
  }
  setMenuBarVisibility(visible: boolean) {
    this.menuBarVisible = visible;
  }
  setAutoHideMenuBar(_hide: boolean) {}
  removeMenu() {
    this.menuBarVisible = false;
  }
  setAlwaysOnTop(flag: boolean) {
    this.alwaysOnTop = flag;
  }
  isAlwaysOnTop() {
    return this.alwaysOnTop;
  }
  moveTop() {}
  setBackgroundColor(color: string) {
    this.backgroundColor = color;
  }
  getBackgroundColor() {
    return this.backgroundColor;
  }
}

export { FakeBrowserWindow as BrowserWindow };

// ---------------------------------------------------------------------------------------------------------------
// IPC

export interface InvokeOrigin {
  sender: FakeWebContents;
  /** The frame that sends; defaults to the sender's main frame. null models "navigated or destroyed". */
  senderFrame?: FakeWebFrameMain | null;
}

type InvokeHandler = (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown;

class FakeIpcMain extends EventEmitter implements Pick<IpcMain, 'handle' | 'handleOnce' | 'removeHandler'> {
  private handlers = new Map<string, InvokeHandler>();

  handle(channel: string, listener: InvokeHandler) {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  handleOnce(channel: string, listener: InvokeHandler) {
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel);
      return listener(event, ...args);
    });
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }

  // ----- test controls
  hasHandler(channel: string) {
    return this.handlers.has(channel);
  }
  handledChannels(): string[] {
    return [...this.handlers.keys()];
  }
  reset() {
    this.handlers.clear();
    this.removeAllListeners();
  }

  /**
   * What ipcRenderer.invoke does, from a chosen sender and frame: the arguments are structured-cloned, the
   * handler gets an IpcMainInvokeEvent, the result is cloned back; failures reject the way the renderer sees them.
   */
  async invokeFrom(origin: InvokeOrigin, channel: string, ...args: unknown[]): Promise<unknown> {
    const fail = (why: string) => new Error(`Error invoking remote method '${channel}': ${why}`);
    const cloned = cloneForIpc(args);
    const frame = origin.senderFrame === undefined ? origin.sender.mainFrame : origin.senderFrame;
    const navigationsAtSend = frame?.navigations ?? 0;
    await later();
    const handler = this.handlers.get(channel);
    if (!handler) throw fail(`Error: No handler registered for '${channel}'`);
    const event = makeEvent({
      type: 'frame' as const,
      sender: origin.sender as unknown as Electron.WebContents,
      frameId: frame?.routingId ?? -1,
      processId: frame?.processId ?? -1,
      get senderFrame() {
        if (!frame || frame.isDestroyed() || frame.navigations !== navigationsAtSend) return null;
        return frame as unknown as Electron.WebFrameMain;
      },
    });
    let result: unknown;
    try {
      result = await handler(event as unknown as Electron.IpcMainInvokeEvent, ...cloned);
    } catch (error) {
      throw fail(String(error));
    }
    try {
      return structuredClone(result);
    } catch {
      throw fail('Error: An object could not be cloned.');
    }
  }
}

export const ipcMain = new FakeIpcMain();

/** The renderer the preload runs in: one page at a time, attached to a webContents and a frame. */
export interface RendererContext {
  webContents: FakeWebContents;
  frame: FakeWebFrameMain;
  /** The page's `window`: what contextBridge.exposeInMainWorld puts there. */
  mainWorld: Record<string, unknown>;
}

let renderer: RendererContext | null = null;

function requireRenderer(): RendererContext {
  if (!renderer) throw new Error('fake electron: renderer APIs used with no page; call fake.attachRenderer(webContents) first');
  return renderer;
}

class FakeIpcRenderer extends EventEmitter implements Pick<IpcRenderer, 'invoke' | 'send'> {
  constructor() {
    super();
    this.setMaxListeners(0);
  }
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    try {
      const { webContents: sender, frame } = requireRenderer();
      return ipcMain.invokeFrom({ sender, senderFrame: frame }, channel, ...args);
    } catch (error) {
      return Promise.reject(error);
    }
  }
  send(channel: string, ...args: unknown[]) {
    const { webContents: sender, frame } = requireRenderer();
    const cloned = cloneForIpc(args);
    setImmediate(() =>
      ipcMain.emit(channel, makeEvent({ sender, senderFrame: frame, frameId: frame.routingId, processId: frame.processId, returnValue: undefined }), ...cloned),
    );
  }
  /** From webContents.send: listeners get an IpcRendererEvent, then the arguments. */
  deliver(channel: string, args: unknown[]) {
    const event = makeEvent({ sender: this as unknown as IpcRenderer, ports: [] as MessagePort[] });
    this.emit(channel, event, ...args);
  }
}

export const ipcRenderer = new FakeIpcRenderer();

// ---------------------------------------------------------------------------------------------------------------
// contextBridge

/**
 * Copy a value from one world to the other the way contextBridge does: functions become proxies (new objects
 * each crossing) whose arguments, results and thrown errors are copied in turn; promises are re-made; errors
 * keep their message; arrays and objects are copied key by key (prototype dropped, so class instances lose
 * their methods); symbols are dropped; ipcRenderer cannot cross (it arrives empty). `freeze` freezes the copies.
 */
export function copyAcrossWorlds(value: unknown, freeze = false, seen = new Map<object, unknown>()): unknown {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return value;
    case 'symbol':
      return undefined;
    case 'function':
      return proxyFunction(value as (...args: unknown[]) => unknown);
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return seen.get(object);
  if (object === ipcRenderer) return freeze ? Object.freeze({}) : {};
  if (object instanceof Promise) {
    return new Promise((resolve, reject) =>
      object.then(
        (v) => resolve(copyAcrossWorlds(v)),
        (e) => reject(copyAcrossWorlds(e)),
      ),
    );
  }
  if (object instanceof Error) return new Error(object.message);
  if (
    object instanceof Date ||
    object instanceof RegExp ||
    object instanceof Map ||
    object instanceof Set ||
    object instanceof ArrayBuffer ||
    ArrayBuffer.isView(object) ||
    object instanceof Blob
  ) {
    return structuredClone(object);
  }
  if (Array.isArray(object)) {
    const out: unknown[] = [];
    seen.set(object, out);
    for (const item of object) out.push(copyAcrossWorlds(item, freeze, seen));
    return freeze ? Object.freeze(out) : out;
  }
  const out: Record<string, unknown> = {};
  seen.set(object, out);
  for (const key of Object.keys(object)) {
    const copied = copyAcrossWorlds((object as Record<string, unknown>)[key], freeze, seen);
    if (copied !== undefined || typeof (object as Record<string, unknown>)[key] !== 'symbol') out[key] = copied;
  }
  return freeze ? Object.freeze(out) : out;
}

function proxyFunction(fn: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return function bridged(...args: unknown[]) {
    const inner = args.map((arg) => copyAcrossWorlds(arg));
    let result: unknown;
    try {
      result = fn(...inner);
    } catch (error) {
      throw copyAcrossWorlds(error);
    }
    return copyAcrossWorlds(result);
  };
}

export const contextBridge = {
  exposeInMainWorld(apiKey: string, api: unknown) {
    const page = requireRenderer();
    if (page.webContents.effectiveWebPreferences.contextIsolation === false) {
      throw new Error('contextBridge API can only be used when contextIsolation is enabled');
    }
    if (typeof apiKey !== 'string') throw new TypeError('Error processing argument at index 0, conversion failure');
    if (Object.prototype.hasOwnProperty.call(page.mainWorld, apiKey)) {
      throw new Error('Cannot bind an API on top of an existing property on the window object');
    }
    page.mainWorld[apiKey] = copyAcrossWorlds(api, true);
  },
  exposeInIsolatedWorld(_worldId: number, _apiKey: string, _api: unknown) {
    throw new Error('fake electron: exposeInIsolatedWorld is not modelled');
  },
  executeInMainWorld(): never {
    throw new Error('fake electron: executeInMainWorld is not modelled');
  },
} satisfies Pick<ContextBridge, 'exposeInMainWorld' | 'exposeInIsolatedWorld' | 'executeInMainWorld'>;

// ---------------------------------------------------------------------------------------------------------------
// protocol and session

class FakeProtocol implements Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle' | 'unhandle' | 'isProtocolHandled'> {
  privilegedSchemes: CustomScheme[] | null = null;
  private handlers = new Map<string, (request: Request) => Response | Promise<Response>>();

  reset() {
    this.privilegedSchemes = null;
    this.handlers.clear();
  }
  /** Only before ready, and only once. */
  registerSchemesAsPrivileged(customSchemes: CustomScheme[]) {
    if (app.isReady()) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    if (this.privilegedSchemes) throw new Error('fake electron: protocol.registerSchemesAsPrivileged can be called only once');
    this.privilegedSchemes = structuredClone(customSchemes);
  }
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>) {
    requireReady('protocol.handle');
    if (this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this.handlers.set(scheme, handler);
  }
  unhandle(scheme: string) {
    this.handlers.delete(scheme);
  }
  isProtocolHandled(scheme: string) {
    return this.handlers.has(scheme);
  }

  // ----- test controls
  privilegesOf(scheme: string) {
    return this.privilegedSchemes?.find((s) => s.scheme === scheme)?.privileges ?? null;
  }
  /** A request from the page to a handled scheme, answered by the app's handler. */
  async fetch(input: string | Request, init?: RequestInit): Promise<Response> {
    const request = typeof input === 'string' ? new Request(input, init) : input;
    const scheme = new URL(request.url).protocol.replace(/:$/, '');
    const handler = this.handlers.get(scheme);
    if (!handler) throw new TypeError(`fake electron: no protocol handler for ${scheme}: (net::ERR_UNKNOWN_URL_SCHEME)`);
    const response = await handler(request);
    if (!(response instanceof Response)) throw new TypeError(`The protocol handler for ${scheme}: did not return a Response`);
    return response;
  }
}

export const protocol = new FakeProtocol();

type PermissionRequestHandler = Parameters<Electron.Session['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<Electron.Session['setPermissionCheckHandler']>[0];

export class FakeSession
  extends EventEmitter
  implements
    Pick<
      Electron.Session,
      | 'setPermissionRequestHandler'
      | 'setPermissionCheckHandler'
      | 'setDevicePermissionHandler'
      | 'setProxy'
      | 'resolveProxy'
      | 'clearCache'
      | 'setCertificateVerifyProc'
      | 'setUserAgent'
      | 'getUserAgent'
    >
{
  permissionRequestHandler: PermissionRequestHandler = null;
  permissionCheckHandler: PermissionCheckHandler = null;
  devicePermissionHandler: Parameters<Electron.Session['setDevicePermissionHandler']>[0] = null;
  certificateVerifyProc: Parameters<Electron.Session['setCertificateVerifyProc']>[0] = null;
  proxy: Electron.ProxyConfig | null = null;
  userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Electron/40 (fake)';
  cacheClears = 0;

  constructor(
    readonly partition: string,
    readonly protocol: FakeProtocol = new FakeProtocol(),
  ) {
    super();
  }

  setPermissionRequestHandler(handler: PermissionRequestHandler) {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler) {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: Parameters<Electron.Session['setDevicePermissionHandler']>[0]) {
    this.devicePermissionHandler = handler;
  }
  setCertificateVerifyProc(proc: Parameters<Electron.Session['setCertificateVerifyProc']>[0]) {
    this.certificateVerifyProc = proc;
  }
  async setProxy(config: Electron.ProxyConfig) {
    this.proxy = { ...config };
  }
  async resolveProxy(_url: string) {
    return this.proxy?.proxyRules ? `PROXY ${this.proxy.proxyRules}` : 'DIRECT';
  }
  async clearCache() {
    this.cacheClears++;
  }
  setUserAgent(userAgent: string) {
    this.userAgent = userAgent;
  }
  getUserAgent() {
    return this.userAgent;
  }

  // ----- test controls
  /** A page asks for a permission. With no handler Electron grants it. */
  requestPermission(contents: FakeWebContents, permission: Parameters<NonNullable<PermissionRequestHandler>>[1], details: object = {}): Promise<boolean> {
    const handler = this.permissionRequestHandler;
    if (!handler) return Promise.resolve(true);
    return new Promise((resolve) =>
      handler(contents as unknown as Electron.WebContents, permission, resolve, {
        requestingUrl: contents.getURL(),
        isMainFrame: true,
        ...details,
      } as Electron.PermissionRequest),
    );
  }
  /** Chromium checks a permission synchronously. With no handler Electron says yes. */
  checkPermission(
    contents: FakeWebContents | null,
    permission: Parameters<NonNullable<PermissionCheckHandler>>[1],
    origin = contents?.getURL() ?? '',
  ): boolean {
    const handler = this.permissionCheckHandler;
    if (!handler) return true;
    return handler(contents as unknown as Electron.WebContents | null, permission, origin, {
      requestingUrl: origin,
      isMainFrame: true,
    } as Electron.PermissionCheckHandlerHandlerDetails);
  }
}

const partitions = new Map<string, FakeSession>();

export const session = {
  defaultSession: new FakeSession('', protocol),
  fromPartition(partition: string) {
    let found = partitions.get(partition);
    if (!found) partitions.set(partition, (found = new FakeSession(partition)));
    return found;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// screen

/** A complete Electron Display from the few fields a test cares about. */
export function makeDisplay(init: { id: number; bounds?: Rectangle; scaleFactor?: number; label?: string; internal?: boolean }): Display {
  const bounds = init.bounds ?? { x: 0, y: 0, width: 1920, height: 1080 };
  return {
    id: init.id,
    label: init.label ?? `Display ${init.id}`,
    bounds: { ...bounds },
    workArea: { ...bounds },
    size: { width: bounds.width, height: bounds.height },
    workAreaSize: { width: bounds.width, height: bounds.height },
    scaleFactor: init.scaleFactor ?? 1,
    rotation: 0,
    internal: init.internal ?? false,
    monochrome: false,
    accelerometerSupport: 'unknown',
    touchSupport: 'unknown',
    colorDepth: 24,
    colorSpace: 'srgb',
    depthPerComponent: 8,
    displayFrequency: 60,
    detected: true,
    maximumCursorSize: { width: 64, height: 64 },
    nativeOrigin: { x: bounds.x, y: bounds.y },
  };
}

class FakeScreen
  extends EventEmitter
  implements Pick<Screen, 'getAllDisplays' | 'getPrimaryDisplay' | 'getDisplayNearestPoint' | 'getDisplayMatching' | 'getCursorScreenPoint'>
{
  private displays: Display[] = [makeDisplay({ id: 1 })];
  private primaryId = 1;
  cursor: Electron.Point = { x: 0, y: 0 };

  reset() {
    this.removeAllListeners();
    this.displays = [makeDisplay({ id: 1 })];
    this.primaryId = 1;
    this.cursor = { x: 0, y: 0 };
  }
  getAllDisplays() {
    requireReady('screen');
    return this.displays.map((d) => structuredClone(d));
  }
  getPrimaryDisplay() {
    requireReady('screen');
    return structuredClone(this.displays.find((d) => d.id === this.primaryId) ?? this.displays[0]!);
  }
  getDisplayNearestPoint(point: Electron.Point) {
    requireReady('screen');
    const distance = (d: Display) => {
      const dx = Math.max(d.bounds.x - point.x, 0, point.x - (d.bounds.x + d.bounds.width));
      const dy = Math.max(d.bounds.y - point.y, 0, point.y - (d.bounds.y + d.bounds.height));
      return dx * dx + dy * dy;
    };
    return structuredClone([...this.displays].sort((a, b) => distance(a) - distance(b))[0]!);
  }
  getDisplayMatching(rect: Rectangle) {
    requireReady('screen');
    const overlap = (d: Display) =>
      Math.max(0, Math.min(d.bounds.x + d.bounds.width, rect.x + rect.width) - Math.max(d.bounds.x, rect.x)) *
      Math.max(0, Math.min(d.bounds.y + d.bounds.height, rect.y + rect.height) - Math.max(d.bounds.y, rect.y));
    return structuredClone([...this.displays].sort((a, b) => overlap(b) - overlap(a))[0]!);
  }
  getCursorScreenPoint() {
    requireReady('screen');
    return { ...this.cursor };
  }

  // ----- test controls
  setDisplays(displays: Display[], primaryId = displays[0]?.id ?? 1) {
    this.displays = displays.map((d) => structuredClone(d));
    this.primaryId = primaryId;
  }
  addDisplay(display: Display) {
    this.displays.push(structuredClone(display));
    this.emit('display-added', makeEvent(), structuredClone(display));
  }
  removeDisplay(id: number) {
    const gone = this.displays.find((d) => d.id === id);
    if (!gone) return;
    this.displays = this.displays.filter((d) => d.id !== id);
    this.emit('display-removed', makeEvent(), gone);
  }
  changeDisplay(id: number, patch: Partial<Display>, changedMetrics: string[] = Object.keys(patch)) {
    const index = this.displays.findIndex((d) => d.id === id);
    if (index < 0) return;
    const next = { ...this.displays[index]!, ...structuredClone(patch) };
    this.displays[index] = next;
    this.emit('display-metrics-changed', makeEvent(), structuredClone(next), changedMetrics);
  }
}

export const screen = new FakeScreen();

// ---------------------------------------------------------------------------------------------------------------
// powerSaveBlocker, shell, safeStorage, nativeTheme, dialog, Menu

class FakePowerSaveBlocker implements Pick<PowerSaveBlocker, 'start' | 'stop' | 'isStarted'> {
  readonly active = new Map<number, 'prevent-app-suspension' | 'prevent-display-sleep'>();
  private nextId = 0;
  reset() {
    this.active.clear();
    this.nextId = 0;
  }
  start(type: 'prevent-app-suspension' | 'prevent-display-sleep') {
    const id = this.nextId++;
    this.active.set(id, type);
    return id;
  }
  stop(id: number) {
    return this.active.delete(id);
  }
  isStarted(id: number) {
    return this.active.has(id);
  }
}

export const powerSaveBlocker = new FakePowerSaveBlocker();

class FakeShell implements Pick<Shell, 'openExternal' | 'openPath' | 'showItemInFolder' | 'beep'> {
  readonly externalUrls: string[] = [];
  readonly openedPaths: string[] = [];
  readonly shownItems: string[] = [];
  reset() {
    this.externalUrls.length = 0;
    this.openedPaths.length = 0;
    this.shownItems.length = 0;
  }
  async openExternal(url: string) {
    this.externalUrls.push(url);
  }
  async openPath(target: string) {
    this.openedPaths.push(target);
    return '';
  }
  showItemInFolder(fullPath: string) {
    this.shownItems.push(fullPath);
  }
  beep() {}
}

export const shell = new FakeShell();

/** Not real cryptography: a marked, scrambled encoding so tests can tell ciphertext from clear text. */
class FakeSafeStorage implements Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend' | 'setUsePlainTextEncryption'
> {
  available = true;
  /** Linux only in Electron: which secret store backs the encryption; 'basic_text' is a hard-coded key (no keyring). */
  backend: ReturnType<SafeStorage['getSelectedStorageBackend']> = 'gnome_libsecret';
  private static readonly PREFIX = Buffer.from('v10fake:');
  reset() {
    this.available = true;
    this.backend = 'gnome_libsecret';
  }
  isEncryptionAvailable() {
    return this.available;
  }
  encryptString(plainText: string): Buffer {
    if (!this.available) throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
    const bytes = Buffer.from(plainText, 'utf8').map((b) => b ^ 0x5a);
    return Buffer.concat([FakeSafeStorage.PREFIX, bytes]);
  }
  decryptString(encrypted: Buffer): string {
    if (!this.available) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.');
    if (!Buffer.isBuffer(encrypted) || !encrypted.subarray(0, FakeSafeStorage.PREFIX.length).equals(FakeSafeStorage.PREFIX)) {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    }
    return Buffer.from(encrypted.subarray(FakeSafeStorage.PREFIX.length).map((b) => b ^ 0x5a)).toString('utf8');
  }
  getSelectedStorageBackend() {
    return this.backend;
  }
  setUsePlainTextEncryption(_usePlainText: boolean) {}
}

export const safeStorage = new FakeSafeStorage();

class FakeNativeTheme
  extends EventEmitter
  implements Pick<NativeTheme, 'themeSource' | 'shouldUseDarkColors' | 'shouldUseHighContrastColors' | 'shouldUseInvertedColorScheme'>
{
  private source: 'system' | 'light' | 'dark' = 'system';
  systemDark = false;
  shouldUseHighContrastColors = false;
  shouldUseInvertedColorScheme = false;
  reset() {
    this.removeAllListeners();
    this.source = 'system';
    this.systemDark = false;
  }
  get themeSource() {
    return this.source;
  }
  set themeSource(value: 'system' | 'light' | 'dark') {
    this.source = value;
    this.emit('updated');
  }
  get shouldUseDarkColors() {
    return this.source === 'dark' || (this.source === 'system' && this.systemDark);
  }
}

export const nativeTheme = new FakeNativeTheme();

export const dialog = {
  errorBoxes: [] as { title: string; content: string }[],
  showErrorBox(title: string, content: string) {
    this.errorBoxes.push({ title, content });
  },
  async showMessageBox(_options: unknown) {
    return { response: 0, checkboxChecked: false };
  },
};

/**
 * utilityProcess.fork as Electron has it for the parts we use: a Node child running modulePath with args and env,
 * stdout/stderr as readable streams with stdio 'pipe', an 'exit' event with the code, kill(). Here a real
 * child_process (the Node running the tests), so the program really runs.
 */
class FakeUtilityProcess extends EventEmitter {
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  pid: number | undefined;
  constructor(private readonly child: import('node:child_process').ChildProcess) {
    super();
    this.stdout = child.stdout;
    this.stderr = child.stderr;
    this.pid = child.pid;
    child.once('spawn', () => this.emit('spawn'));
    child.once('exit', (code) => {
      this.pid = undefined;
      this.emit('exit', code ?? 1);
    });
  }
  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
  postMessage(): void {}
}

export const utilityProcess = {
  forks: [] as { modulePath: string; args: string[]; options: Record<string, unknown> }[],
  fork(modulePath: string, args: string[] = [], options: { stdio?: 'pipe' | 'inherit' | 'ignore'; env?: NodeJS.ProcessEnv; serviceName?: string } = {}) {
    if (!options.stdio || options.stdio === 'inherit') throw new Error('fake utilityProcess: only stdio "pipe" or "ignore" are modelled');
    utilityProcess.forks.push({ modulePath, args, options });
    const execArgv = modulePath.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const child = spawnChild(process.execPath, [...execArgv, modulePath, ...args], { env: options.env, stdio: ['ignore', options.stdio, options.stdio] });
    // Electron ends utility processes with the app.
    const endWithApp = () => child.kill('SIGKILL');
    process.once('exit', endWithApp);
    child.once('exit', () => process.off('exit', endWithApp));
    return new FakeUtilityProcess(child);
  },
};

export const Menu = {
  applicationMenu: undefined as unknown,
  setApplicationMenu(menu: unknown) {
    this.applicationMenu = menu;
  },
  getApplicationMenu() {
    return this.applicationMenu ?? null;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Test controls

// ---------------------------------------------------------------------------------------------------------------
// webUtils (preload): the path of a File the user dropped or chose; '' for a File the page made itself.

const filesOnDisk = new WeakMap<object, string>();
export const webUtils = {
  getPathForFile(file: File): string {
    if (!(file instanceof Blob)) throw new TypeError('getPathForFile expects a File');
    return filesOnDisk.get(file) ?? '';
  },
};

export const fake = {
  /** A File as a drop from the disk gives it: webUtils knows its path. */
  fileOnDisk(filePath: string, name = filePath.split('/').pop() ?? 'file'): File {
    const file = new File([], name);
    filesOnDisk.set(file, filePath);
    return file;
  },
  /** Back to a freshly started Electron that is not ready yet: no windows, handlers, listeners or pages. */
  reset() {
    for (const win of [...windows]) {
      win.removeAllListeners();
      win.webContents.removeAllListeners();
    }
    app.quitting = true; // destroying leftovers must not emit window-all-closed
    for (const win of [...windows]) win.destroy();
    for (const wc of [...allWebContents]) wc.destroyInternal();
    app.resetState();
    ipcMain.reset();
    ipcRenderer.removeAllListeners();
    protocol.reset();
    session.defaultSession.removeAllListeners();
    session.defaultSession.permissionRequestHandler = null;
    session.defaultSession.permissionCheckHandler = null;
    session.defaultSession.devicePermissionHandler = null;
    session.defaultSession.certificateVerifyProc = null;
    session.defaultSession.proxy = null;
    partitions.clear();
    screen.reset();
    powerSaveBlocker.reset();
    shell.reset();
    safeStorage.reset();
    nativeTheme.reset();
    dialog.errorBoxes.length = 0;
    Menu.applicationMenu = undefined;
    renderer = null;
  },

  /** Electron is ready (emits will-finish-launching, ready; resolves app.whenReady()). */
  ready() {
    app.emitReady();
  },

  /** Another instance holds the single-instance lock: requestSingleInstanceLock() returns false. */
  lockHeldElsewhere(held = true) {
    app.lockHeldElsewhere = held;
  },

  /** A child process died, e.g. { type: 'GPU', reason: 'crashed', exitCode: 1 }: app emits child-process-gone. */
  childProcessGone(details: Electron.Details) {
    app.emit('child-process-gone', makeEvent(), details);
  },

  /** Someone started the app again: this (first) instance gets second-instance. */
  secondInstance(argv: string[] = ['electron', '.'], workingDirectory = process.cwd(), additionalData: unknown = {}) {
    if (!app.hasSingleInstanceLock()) throw new Error('fake electron: second-instance only reaches the instance that holds the lock');
    app.emit('second-instance', makeEvent(), argv, workingDirectory, additionalData);
  },

  /**
   * Run "a page" in `contents`: ipcRenderer and contextBridge act for it from now on, invoke calls come from
   * `frame` (default: its main frame), and webContents.send reaches its ipcRenderer listeners. A fresh window
   * object each time, and no ipcRenderer listeners left over from the previous page.
   */
  attachRenderer(contents: FakeWebContents, frame: FakeWebFrameMain = contents.mainFrame): RendererContext {
    ipcRenderer.removeAllListeners();
    renderer = { webContents: contents, frame, mainWorld: {} };
    return renderer;
  },

  /** The current page, if any. */
  renderer(): RendererContext | null {
    return renderer;
  },

  windows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.getAllWindows();
  },

  /** Wait for pending IPC deliveries (they are asynchronous, as in Electron). */
  settle: async (rounds = 3) => {
    for (let i = 0; i < rounds; i++) await later();
  },
};

// Electron's module also has a default export in CommonJS interop.
export default {
  app,
  BrowserWindow: FakeBrowserWindow,
  contextBridge,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeTheme,
  powerSaveBlocker,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  webContents,
  webFrameMain,
  webUtils,
};
