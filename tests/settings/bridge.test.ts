/**
 * settings.get, settings.update, settings.api and the settings.changed push through the renderer's bridge client,
 * over both transports the app uses: the web host (HTTP + WebSocket) and Electron IPC (the real preload and main
 * process on the fake electron module).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';

vi.mock('electron', () => import('../fakes/electron'));

import { createBackend, type ApiConnectionControl, type CoreBackend } from '../../core/backend';
import { SettingsStore } from '../../core/settings/store';
import { exposePreloadApi } from '../../electron/preload/api';
import { createIpcTransport, getPreloadApi } from '../../renderer/src/common/bridge/ipc-transport';
import { createWebTransport } from '../../renderer/src/common/bridge/web-transport';
import { createBridgeClient, type BridgeClient, type Transport } from '../../shared/bridge/client';
import { BridgeError, BridgeErrorBody, type Push } from '../../shared/bridge/contract';
import { SettingsPage } from '../../shared/bridge/settings';
import { DEFAULT_SETTINGS, type ApiConnectionView } from '../../shared/settings';
import { startWebHost } from '../../web/server';
import { createPushableBackend } from '../contract/bridge-contract';
import { fake } from '../fakes/electron';
import { boot } from '../electron/harness';

(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const rendererDir = mkdtempSync(path.join(tmpdir(), 'gcc-renderer-'));
writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>test</title>');

/** Stands in for the runtime's control: remembers a connection, never the token in what it shows. */
function recordingApiControl(): ApiConnectionControl & { tokens: string[] } {
  let view: ApiConnectionView = { baseUrl: null, tokenSet: false, caFile: null, proxy: null, source: 'demo', editable: true };
  const tokens: string[] = [];
  return {
    tokens,
    view: () => view,
    async apply(input) {
      if (input.token) tokens.push(input.token);
      view = {
        baseUrl: input.baseUrl,
        tokenSet: view.tokenSet || !!input.token,
        caFile: input.caFile ?? null,
        proxy: input.proxy ?? null,
        source: 'settings',
        editable: true,
      };
      return view;
    },
  };
}

interface Target {
  transport: Transport;
  backend: CoreBackend;
  control: ReturnType<typeof recordingApiControl> | null;
  /** Publish a push through the host exactly as the backend would, unvalidated. */
  emit(name: string, payload: unknown): void;
  close(): Promise<void>;
}

type MakeTarget = (withApiControl: boolean) => Promise<Target>;

const webHost: MakeTarget = async (withApiControl) => {
  const control = withApiControl ? recordingApiControl() : null;
  const backend = createBackend({ host: 'web', version: '0.0.0-test', settings: new SettingsStore(null), ...(control ? { apiConnection: control } : {}) });
  const pushable = createPushableBackend(backend);
  const host = await startWebHost({ backend: pushable, rendererDir, port: 0 });
  const transport = createWebTransport(new URL(host.url));
  return {
    transport,
    backend,
    control,
    emit: pushable.emit,
    close: async () => {
      transport.close?.();
      await host.close();
      await pushable.close();
    },
  };
};

const electronIpc: MakeTarget = async (withApiControl) => {
  fake.reset();
  const control = withApiControl ? recordingApiControl() : null;
  let backend!: CoreBackend;
  let emit!: Target['emit'];
  const { win, main } = await boot({
    createBackend: (options) => {
      backend = createBackend({ ...options, logFolder: '/var/log/gcc', ...(control ? { apiConnection: control } : {}) });
      const pushable = createPushableBackend(backend);
      emit = pushable.emit;
      return pushable;
    },
  });
  const page = fake.attachRenderer(win.webContents);
  exposePreloadApi();
  return { transport: createIpcTransport(getPreloadApi(page.mainWorld)), backend, control, emit, close: () => main.shutdown() };
};

async function refusal(pending: Promise<unknown>): Promise<BridgeErrorBody> {
  const error = await pending.then(
    (value) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  if (error instanceof BridgeError) return error.toBody();
  return BridgeErrorBody.parse(error);
}

/** Waits for a push, saving again every 100 ms while a transport may still be connecting its push channel. */
async function pushedWhile<T>(received: T[], act: () => Promise<unknown>): Promise<T> {
  const deadline = Date.now() + 5000;
  while (!received.length) {
    if (Date.now() > deadline) throw new Error('no settings.changed push arrived within 5 s');
    await act();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return received[0];
}

describe.each<[string, MakeTarget]>([
  ['web host (HTTP + WebSocket)', webHost],
  ['Electron IPC (fake electron)', electronIpc],
])('settings over %s', (_label, make) => {
  let target: Target;
  let client: BridgeClient;

  async function setUp(withApiControl: boolean) {
    target = await make(withApiControl);
    client = createBridgeClient(target.transport);
  }
  beforeEach(() => setUp(true));
  afterEach(() => target.close());

  it('settings.get answers the settings, the connection without its token, and the log folder', async () => {
    const page = await client.request('settings.get', {});
    expect(SettingsPage.safeParse(page).success).toBe(true);
    expect(page.settings).toEqual(DEFAULT_SETTINGS);
    expect(page.api).toEqual({ baseUrl: null, tokenSet: false, caFile: null, proxy: null, source: 'demo', editable: true });
    expect(page.logFolder).toBe(target.transport.kind === 'electron' ? '/var/log/gcc' : null);
  });

  it('settings.update answers the merged settings and every listener hears settings.changed', async () => {
    const heard: Push<'settings.changed'>[] = [];
    client.on('settings.changed', (s) => heard.push(s));
    let title = 0;
    const pushed = await pushedWhile(heard, async () => {
      const reply = await client.request('settings.update', { districtTitle: `前锋区指挥中心${++title}`, alertSound: true });
      expect(reply).toEqual({ ...DEFAULT_SETTINGS, districtTitle: `前锋区指挥中心${title}`, alertSound: true });
    });
    expect(pushed.alertSound).toBe(true);
    expect(target.backend.settings.get().districtTitle).toBe(`前锋区指挥中心${title}`);
  });

  it.each<[string, unknown, string]>([
    ['an empty title', { districtTitle: ' ' }, 'districtTitle'],
    ['rotation below 5 s', { displays: [{ ...DEFAULT_SETTINGS.displays[0], rotateSeconds: 1 }] }, 'displays.0.rotateSeconds'],
    ['an unknown scene', { displays: [{ ...DEFAULT_SETTINGS.displays[0], scenes: ['weather'] }] }, 'displays.0.scenes.0'],
    ['a field that does not exist', { fontSize: 40 }, '(root)'],
    ['a tile URL without {z}/{x}/{y}', { basemap: { kind: 'tiles', url: 'http://tiles.intranet/a.png' } }, 'basemap.url'],
  ])('settings.update with %s is refused by client and host with invalid_payload naming the field; nothing changes', async (_what, patch, field) => {
    const fromClient = await refusal(client.request('settings.update', patch as never));
    const fromHost = await refusal(target.transport.request('settings.update', patch));
    for (const body of [fromClient, fromHost]) {
      expect(body.code).toBe('invalid_payload');
      expect(body.issues?.map((i) => i.path)).toContain(field);
    }
    expect(target.backend.settings.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('settings.api stores the connection and answers what Settings may show, never the token', async () => {
    const view = await client.request('settings.api', {
      baseUrl: 'https://grid.example.gov.cn/api/',
      token: 'very-secret-token',
      proxy: 'http://proxy.intranet:3128',
    });
    expect(view).toEqual({
      baseUrl: 'https://grid.example.gov.cn/api/',
      tokenSet: true,
      caFile: null,
      proxy: 'http://proxy.intranet:3128',
      source: 'settings',
      editable: true,
    });
    expect(target.control?.tokens).toEqual(['very-secret-token']);
    const page = await client.request('settings.get', {});
    expect(JSON.stringify(page)).not.toContain('very-secret-token');
  });

  it.each<[string, unknown, string]>([
    ['an address that is not http', { baseUrl: 'ftp://grid.example.gov.cn/' }, 'baseUrl'],
    ['an empty token', { baseUrl: 'https://grid.example.gov.cn/', token: '' }, 'token'],
    ['a proxy that is not an address', { baseUrl: 'https://grid.example.gov.cn/', proxy: 'proxy:3128' }, 'proxy'],
  ])('settings.api with %s is refused with invalid_payload naming the field', async (_what, input, field) => {
    const body = await refusal(target.transport.request('settings.api', input));
    expect(body.code).toBe('invalid_payload');
    expect(body.issues?.map((i) => i.path)).toContain(field);
    expect(target.control?.tokens).toEqual([]);
  });

  it('without an API store, settings.get shows the connection read-only and settings.api says where it comes from', async () => {
    await target.close();
    await setUp(false);
    expect((await client.request('settings.get', {})).api.editable).toBe(false);
    const body = await refusal(client.request('settings.api', { baseUrl: 'https://grid.example.gov.cn/', token: 't' }));
    expect(body.code).toBe('forbidden');
    expect(body.message).toMatch(/GCC_API_URL.*GCC_API_TOKEN_FILE/);
  });

  it('a malformed settings.changed push is dropped by the client; a good one still arrives', async () => {
    const dropped: string[] = [];
    const heard: Push<'settings.changed'>[] = [];
    client = createBridgeClient(target.transport, (name) => dropped.push(name));
    client.on('settings.changed', (s) => heard.push(s));
    const deadline = Date.now() + 5000;
    while (!heard.length && Date.now() < deadline) {
      target.emit('settings.changed', { ...DEFAULT_SETTINGS, theme: 'neon' });
      target.emit('settings.changed', DEFAULT_SETTINGS);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(dropped).toContain('settings.changed');
    expect(heard.every((s) => s.theme === 'midnight')).toBe(true);
    expect(heard.length).toBeGreaterThan(0);
  });
});
