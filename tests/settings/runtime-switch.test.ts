/**
 * Changing the central API from the Settings page applies without a restart: syncing stops, the right cache opens
 * (demo-cache.sqlite for the demo, cache.sqlite for a real API; a cache of another API is moved aside) and the new
 * API syncs, with its status pushed. Two demo central servers stand in for two districts' APIs.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCentralServer, type CentralServer } from '../../central/demo/server';
import { startCore, type Core } from '../../core/runtime';
import { dispatch } from '../../shared/bridge/dispatch';
import type { SyncStatus } from '../../shared/bridge/contract';
import { MemoryApiStore, nextPush } from './helpers';

const SMALL = { events: 1500, rate: 0 } as const;

let a: CentralServer;
let b: CentralServer;
let core: Core | null = null;

beforeAll(async () => {
  [a, b] = await Promise.all([
    createCentralServer({ port: 0, host: '127.0.0.1', seed: 11, token: 'token-a', ...SMALL }),
    createCentralServer({ port: 0, host: '127.0.0.1', seed: 12, token: 'token-b', ...SMALL }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});
afterEach(async () => {
  await core?.close();
  core = null;
});

const trim = (url: string) => url.replace(/\/+$/, '');

/** The status once it is live on `source` (already, or by a later push). */
async function liveOn(c: Core, source: string): Promise<SyncStatus> {
  const pushed = nextPush(c.backend, 'sync.status', (s) => s.state === 'live' && trim(s.source) === trim(source));
  const now = await c.backend.handlers['sync.status']({});
  if (now.state === 'live' && trim(now.source) === trim(source)) return now;
  return pushed;
}

async function call(c: Core, name: string, payload: unknown) {
  return dispatch(c.backend.handlers, name, payload);
}

function recordedSource(cacheFile: string): string {
  const db = new Database(cacheFile, { readonly: true });
  try {
    return db.prepare('SELECT source FROM sync_state WHERE id = 1').pluck().get() as string;
  } finally {
    db.close();
  }
}

describe('switching the central API without a restart', () => {
  it('goes from the demo to API A to API B, each in the right cache, pushing each new status', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gcc-switch-'));
    const apiStore = new MemoryApiStore();
    core = await startCore({ host: 'electron', version: '0.0.0-test', api: null, apiStore, dataDir, demo: { seed: 3, ...SMALL } });
    expect(path.basename(core.cacheFile)).toBe('demo-cache.sqlite');
    expect(core.demoServer).not.toBeNull();
    const demoUrl = core.demoServer!.url;
    await liveOn(core, 'demo');
    const before = await call(core, 'settings.get', {});
    expect(before).toMatchObject({ ok: true, reply: { api: { source: 'demo', baseUrl: null, tokenSet: false, editable: true } } });

    // → API A
    const toA = nextPush(core.backend, 'sync.status', (s) => trim(s.source) === trim(a.url));
    const resyncA = nextPush(core.backend, 'scene.delta', (d) => d.referenceChanged && d.totalsChanged);
    const viewA = await call(core, 'settings.api', { baseUrl: a.url, token: 'token-a' });
    expect(viewA).toEqual({ ok: true, reply: { baseUrl: a.url, tokenSet: true, caFile: null, proxy: null, source: 'settings', editable: true } });
    expect(JSON.stringify(viewA)).not.toContain('token-a');
    await toA;
    await resyncA;
    expect(path.basename(core.cacheFile)).toBe('cache.sqlite');
    expect(core.demoServer).toBeNull();
    await expect(fetch(`${demoUrl}healthz`)).rejects.toThrow(); // the demo server is gone
    await liveOn(core, a.url);
    expect(a.streams()).toBe(1);
    expect(recordedSource(core.cacheFile)).toBe(a.url);
    const regionsA = await call(core, 'map.regions', {});
    expect(regionsA.ok).toBe(true);

    // → API B: A's cache is moved aside, not continued from B.
    const viewB = await call(core, 'settings.api', { baseUrl: b.url, token: 'token-b' });
    expect(viewB).toMatchObject({ ok: true, reply: { baseUrl: b.url, source: 'settings' } });
    await liveOn(core, b.url);
    expect(a.streams()).toBe(0);
    expect(b.streams()).toBe(1);
    expect(recordedSource(core.cacheFile)).toBe(b.url);
    expect(readdirSync(dataDir).some((f) => /^cache\.sqlite\.replaced-\d+$/.test(f))).toBe(true);
    expect(existsSync(path.join(dataDir, 'demo-cache.sqlite'))).toBe(true); // the demo's cache is left for the demo
    const snapshot = await call(core, 'scene.snapshot', { window: { preset: 'today' } });
    expect(snapshot.ok).toBe(true);

    // Saving again without a token keeps the stored one (the page never has it).
    const again = await call(core, 'settings.api', { baseUrl: b.url });
    expect(again).toMatchObject({ ok: true, reply: { tokenSet: true } });
    await liveOn(core, b.url);
    expect(apiStore.stored?.token).toBe('token-b');
  }, 180_000);

  it('starts on the connection saved in Settings rather than the environment', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gcc-switch-'));
    core = await startCore({
      host: 'electron',
      version: '0.0.0-test',
      api: { baseUrl: a.url, token: 'token-a' },
      apiStore: new MemoryApiStore({ baseUrl: b.url, token: 'token-b' }),
      dataDir,
    });
    await liveOn(core, b.url);
    const page = await call(core, 'settings.get', {});
    expect(page).toMatchObject({ ok: true, reply: { api: { baseUrl: b.url, source: 'settings', tokenSet: true } } });
  }, 120_000);

  it('a saved connection that cannot be read is logged, and the environment is used meanwhile', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gcc-switch-'));
    const apiStore = new MemoryApiStore();
    apiStore.load = () => {
      throw new Error('The stored central API token cannot be decrypted on this computer.');
    };
    const lines: string[] = [];
    core = await startCore({
      host: 'electron',
      version: '0.0.0-test',
      api: { baseUrl: a.url, token: 'token-a' },
      apiStore,
      dataDir,
      log: (l) => lines.push(l),
    });
    await liveOn(core, a.url);
    expect(lines.join('\n')).toMatch(/cannot be decrypted.*Using the central API from the environment until it is entered again/);
  }, 120_000);

  it('refuses a CA file it cannot use before anything is stored, naming the field', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gcc-switch-'));
    const apiStore = new MemoryApiStore();
    core = await startCore({ host: 'electron', version: '0.0.0-test', api: { baseUrl: a.url, token: 'token-a' }, apiStore, dataDir, sync: 'off' });
    const notPem = path.join(dataDir, 'ca.txt');
    writeFileSync(notPem, 'hello');
    for (const caFile of [path.join(dataDir, 'missing.pem'), notPem]) {
      const result = await call(core, 'settings.api', { baseUrl: b.url, token: 'token-b', caFile });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: [{ path: 'caFile' }] } });
      if (!result.ok) expect(result.error.message).toMatch(/^The CA file .* cannot be used .*PEM certificate file/);
    }
    expect(apiStore.saves).toBe(0);
    expect(await call(core, 'settings.get', {})).toMatchObject({ ok: true, reply: { api: { baseUrl: a.url, source: 'environment' } } });
  }, 120_000);

  it('a desktop without a keychain shows the connection read-only and says why', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gcc-switch-'));
    const apiStore = new MemoryApiStore();
    apiStore.secure = false;
    core = await startCore({ host: 'electron', version: '0.0.0-test', api: { baseUrl: a.url, token: 'token-a' }, apiStore, dataDir, sync: 'off' });
    expect(await call(core, 'settings.get', {})).toMatchObject({ ok: true, reply: { api: { editable: false, source: 'environment' } } });
    const result = await call(core, 'settings.api', { baseUrl: b.url, token: 'token-b' });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    if (!result.ok) expect(result.error.message).toMatch(/no secure storage for the token/);
  }, 120_000);

  it('the web host (no API store) shows where its connection comes from and refuses to change it with a sentence', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gcc-switch-'));
    core = await startCore({ host: 'web', version: '0.0.0-test', api: { baseUrl: a.url, token: 'token-a' }, dataDir, sync: 'off' });
    const page = await call(core, 'settings.get', {});
    expect(page).toEqual({
      ok: true,
      reply: {
        settings: expect.any(Object),
        api: { baseUrl: a.url, tokenSet: true, caFile: null, proxy: null, source: 'environment', editable: false },
        logFolder: null,
      },
    });
    expect(JSON.stringify(page)).not.toContain('token-a');
    const result = await call(core, 'settings.api', { baseUrl: b.url, token: 'token-b' });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    if (!result.ok) expect(result.error.message).toMatch(/web host takes the central API from the environment \(GCC_API_URL.*GCC_API_TOKEN_FILE/);
    expect((await core.backend.handlers['sync.status']({})).source).toBe(a.url);
  }, 120_000);

  it('keeps the settings in settings.json in the data folder and pushes each change', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gcc-switch-'));
    core = await startCore({ host: 'web', version: '0.0.0-test', api: { baseUrl: a.url, token: 'token-a' }, dataDir, sync: 'off' });
    const pushed = nextPush(core.backend, 'settings.changed');
    const result = await call(core, 'settings.update', { districtTitle: '广安区智慧网格指挥中心' });
    expect(result).toMatchObject({ ok: true, reply: { districtTitle: '广安区智慧网格指挥中心' } });
    expect((await pushed).districtTitle).toBe('广安区智慧网格指挥中心');
    expect(core.settings.get().districtTitle).toBe('广安区智慧网格指挥中心');
    expect(existsSync(path.join(dataDir, 'settings.json'))).toBe(true);
  }, 120_000);
});
