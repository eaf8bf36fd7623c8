import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { exposePreloadApi } from '../../electron/preload/api';
import { BridgeErrorBody, ipcChannel } from '../../shared/bridge/contract';
import type { PreloadApi } from '../../shared/bridge/preload-api';
import { SAMPLE_STATUS } from '../contract/bridge-contract';
import { fake, ipcRenderer, type FakeBrowserWindow } from '../fakes/electron';
import { boot } from './harness';

const PUSH = ipcChannel.push('sync.status');

let win: FakeBrowserWindow;
let mainWorld: Record<string, unknown>;
let gcc: PreloadApi;

beforeEach(async () => {
  fake.reset();
  ({ win } = await boot());
  mainWorld = fake.attachRenderer(win.webContents).mainWorld;
  exposePreloadApi();
  gcc = mainWorld.gcc as PreloadApi;
});

/** Every value reachable from `root`, with its path. */
function walk(root: unknown, at = 'gcc', seen = new Set<unknown>()): [string, unknown][] {
  if ((typeof root !== 'object' && typeof root !== 'function') || root === null || seen.has(root)) return [[at, root]];
  seen.add(root);
  return [[at, root], ...Reflect.ownKeys(root).flatMap((key) => walk((root as Record<PropertyKey, unknown>)[key], `${at}.${String(key)}`, seen))];
}

describe('the preload', () => {
  it('exposes window.gcc and nothing else on window', () => {
    expect(Object.keys(mainWorld)).toEqual(['gcc']);
  });

  it('exposes exactly { host, request, upload, on }, frozen', () => {
    expect(Object.keys(gcc).sort()).toEqual(['host', 'on', 'request', 'upload']);
    expect(gcc.host).toBe('electron');
    expect(typeof gcc.request).toBe('function');
    expect(typeof gcc.on).toBe('function');
    expect(Object.isFrozen(gcc)).toBe(true);
  });

  it('hands the page no ipcRenderer and no Node object, at any depth', () => {
    for (const [where, value] of walk(gcc)) {
      expect(value, where).not.toBe(ipcRenderer);
      if (typeof value === 'object' && value !== null) expect(Object.getPrototypeOf(value), where).toBe(Object.prototype);
      if (typeof value === 'function') expect(Object.keys(value), where).toEqual([]);
    }
    const types = new Set(walk(gcc).map(([, value]) => typeof value));
    expect([...types].sort()).toEqual(['function', 'number', 'object', 'string']); // number: function lengths
  });

  it('is exposed by the entry module itself (what esbuild bundles into preload.cjs)', async () => {
    mainWorld = fake.attachRenderer(win.webContents).mainWorld;
    await import('../../electron/preload/index');
    expect(Object.keys(mainWorld.gcc as object).sort()).toEqual(['host', 'on', 'request', 'upload']);
  });
});

describe('gcc.request', () => {
  it('sends contract requests and resolves with the host’s dispatch result', async () => {
    await expect(gcc.request('app.echo', { text: 'hi' })).resolves.toMatchObject({ ok: true, reply: { text: 'hi' } });
    await expect(gcc.request('app.echo', { text: 5 })).resolves.toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });

  it.each(['cache.drop', '__proto__', 'constructor', 'toString', 'gcc:req:app.info', '', 42, null, { name: 'app.info' }])(
    'refuses %j without touching IPC, rejecting with an unknown_request body',
    async (name) => {
      const invoke = vi.spyOn(ipcRenderer, 'invoke');
      const failure = await gcc.request(name as string, {}).then(
        () => null,
        (error: unknown) => error,
      );
      expect(BridgeErrorBody.parse(failure).code).toBe('unknown_request');
      expect(invoke).not.toHaveBeenCalled();
      invoke.mockRestore();
    },
  );
});

describe('gcc.on', () => {
  it('refuses names that are not pushes, and listeners that are not functions', () => {
    expect(() => gcc.on('app.info', () => {})).toThrow(/no bridge push named "app\.info"/);
    expect(() => gcc.on('gcc:push:sync.status', () => {})).toThrow(/no bridge push/);
    expect(() => gcc.on('sync.status', 'not a function' as never)).toThrow(/must be a function/);
    expect(ipcRenderer.listenerCount(PUSH)).toBe(0);
  });

  it('calls the listener with the payload alone — never the IpcRendererEvent', async () => {
    const calls: unknown[][] = [];
    gcc.on('sync.status', (...args: unknown[]) => calls.push(args));
    win.webContents.send(PUSH, SAMPLE_STATUS);
    await fake.settle();
    expect(calls).toEqual([[SAMPLE_STATUS]]);
  });

  it('the unsubscribe removes exactly that subscription, and only once', async () => {
    const a: unknown[] = [];
    const b: unknown[] = [];
    const listener = (payload: unknown) => a.push(payload);
    const offA = gcc.on('sync.status', listener);
    gcc.on('sync.status', (payload) => b.push(payload));
    const offA2 = gcc.on('sync.status', listener); // the same page function, subscribed twice
    expect(ipcRenderer.listenerCount(PUSH)).toBe(3);
    offA();
    offA();
    expect(ipcRenderer.listenerCount(PUSH)).toBe(2);
    win.webContents.send(PUSH, SAMPLE_STATUS);
    await fake.settle();
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    offA2();
    expect(ipcRenderer.listenerCount(PUSH)).toBe(1);
  });

  it('a page listener that throws does not keep the push from the others', async () => {
    const seen: unknown[] = [];
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    gcc.on('sync.status', () => {
      throw new Error('page bug');
    });
    gcc.on('sync.status', (payload) => seen.push(payload));
    win.webContents.send(PUSH, SAMPLE_STATUS);
    await fake.settle();
    expect(seen).toEqual([SAMPLE_STATUS]);
    expect(consoleError).toHaveBeenCalled();
    consoleError.mockRestore();
  });
});
