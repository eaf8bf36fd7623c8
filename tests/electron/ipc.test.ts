import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { createBackend, type BackendOptions } from '../../core/backend';
import { AppInfo, ipcChannel, requestNames } from '../../shared/bridge/contract';
import { UPLOAD_CHANNEL } from '../../shared/bridge/preload-api';
import { createPushableBackend, SAMPLE_STATUS, type PushableBackend } from '../contract/bridge-contract';
import { fake, FakeBrowserWindow, FakeWebFrameMain, ipcMain } from '../fakes/electron';
import { boot } from './harness';

beforeEach(() => fake.reset());

const INFO = ipcChannel.request('app.info');
const ECHO = ipcChannel.request('app.echo');

describe('bridge IPC handlers', () => {
  it('handle exactly the contract’s requests, one channel each, and the channel of a file for an import', async () => {
    await boot();
    expect(ipcMain.handledChannels().sort()).toEqual([...requestNames.map((name) => ipcChannel.request(name)), UPLOAD_CHANNEL].sort());
  });

  it('answer the app’s own page: app.info', async () => {
    const { win } = await boot();
    const result = (await ipcMain.invokeFrom({ sender: win.webContents }, INFO, {})) as { ok: true; reply: unknown };
    expect(result.ok).toBe(true);
    const info = AppInfo.parse(result.reply);
    expect(info).toMatchObject({ name: 'Grid Command Center', version: '9.9.9-test', host: 'electron', role: 'operator' });
  });

  it('answer the app’s own page: app.echo', async () => {
    const { win } = await boot();
    const result = await ipcMain.invokeFrom({ sender: win.webContents }, ECHO, { text: '你好' });
    expect(result).toMatchObject({ ok: true, reply: { text: '你好' } });
  });

  it('still answer after an in-app navigation', async () => {
    const { win } = await boot();
    win.webContents.simulateNavigation('app://gcc/index.html#/wall');
    expect(await ipcMain.invokeFrom({ sender: win.webContents }, INFO, {})).toMatchObject({ ok: true });
  });

  it('treat a missing payload as empty for requests that take none', async () => {
    const { win } = await boot();
    expect(await ipcMain.invokeFrom({ sender: win.webContents }, INFO)).toMatchObject({ ok: true });
  });
});

describe('untrusted senders are refused with forbidden, and logged', () => {
  const FORBIDDEN = { ok: false, error: { code: 'forbidden', message: expect.stringMatching(/Only the app’s own page/) } };

  it('a subframe, even one showing the app’s own origin', async () => {
    const { win, log } = await boot();
    const frame = win.webContents.mainFrame.addChildFrame('app://gcc/index.html');
    expect(await ipcMain.invokeFrom({ sender: win.webContents, senderFrame: frame }, INFO, {})).toEqual(FORBIDDEN);
    expect(log.text('warn')).toMatch(/Refused bridge request "app\.info": a subframe/);
  });

  it('a subframe from another origin', async () => {
    const { win } = await boot();
    const frame = win.webContents.mainFrame.addChildFrame('https://evil.example/ad.html');
    expect(await ipcMain.invokeFrom({ sender: win.webContents, senderFrame: frame }, ECHO, { text: 'x' })).toEqual(FORBIDDEN);
  });

  it.each([
    'https://evil.example/',
    'http://127.0.0.1:4317/',
    'file:///work/main/dist/renderer/index.html',
    'app://evil/index.html',
    'app://gcc:8080/index.html',
    'about:blank',
    '',
  ])('a main frame showing %j', async (url) => {
    const { win, log } = await boot();
    win.webContents.mainFrame.url = url; // as if a navigation had slipped past the guards
    expect(await ipcMain.invokeFrom({ sender: win.webContents }, INFO, {})).toEqual(FORBIDDEN);
    expect(log.text('warn')).toMatch(/a page outside the app/);
  });

  it('a top-level frame of another origin that is not the sender’s main frame', async () => {
    const { win } = await boot();
    const stranger = new FakeWebFrameMain('https://evil.example/');
    expect(await ipcMain.invokeFrom({ sender: win.webContents, senderFrame: stranger }, INFO, {})).toEqual(FORBIDDEN);
  });

  it('a frame that is gone (navigated or destroyed) by the time the call arrives', async () => {
    const { win, log } = await boot();
    expect(await ipcMain.invokeFrom({ sender: win.webContents, senderFrame: null }, INFO, {})).toEqual(FORBIDDEN);
    expect(log.text('warn')).toMatch(/the sending frame is gone/);
  });

  it('another window that is not showing the app', async () => {
    await boot();
    const other = new FakeBrowserWindow({});
    await other.loadURL('https://example.com/');
    expect(await ipcMain.invokeFrom({ sender: other.webContents }, INFO, {})).toEqual(FORBIDDEN);
  });
});

describe('payloads are validated', () => {
  it.each([
    ['text is a number', { text: 5 }, 'text'],
    ['an extra key', { text: 'hi', extra: 1 }, '(root)'],
    ['text too long', { text: 'x'.repeat(201) }, 'text'],
    ['no payload', undefined, 'text'],
    ['a string', 'hi', '(root)'],
  ])('app.echo with %s → invalid_payload naming the field', async (_what, payload, field) => {
    const { win } = await boot();
    const result = await ipcMain.invokeFrom({ sender: win.webContents }, ECHO, payload);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_payload', message: expect.stringMatching(/Request "app\.echo" was refused/) } });
    expect((result as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path)).toContain(field);
  });

  it('app.info with keys → invalid_payload', async () => {
    const { win } = await boot();
    expect(await ipcMain.invokeFrom({ sender: win.webContents }, INFO, { admin: true })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });

  it('a handler that crashes gives internal (no stack trace) and the details go to the log', async () => {
    const { win, log } = await boot({
      createBackend: (options: BackendOptions) => {
        const backend = createBackend(options);
        return {
          ...backend,
          handlers: {
            ...backend.handlers,
            'app.info': async () => {
              throw new Error('database is locked at /secret/path');
            },
          },
        };
      },
    });
    const result = await ipcMain.invokeFrom({ sender: win.webContents }, INFO, {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: expect.any(String) } });
    expect(JSON.stringify(result)).not.toContain('/secret/path');
    expect(log.lines.find((l) => l.level === 'error')?.details[0]).toBeInstanceOf(Error);
  });
});

describe('pushes', () => {
  async function bootPushable() {
    let pushable!: PushableBackend;
    const booted = await boot({ createBackend: (options) => (pushable = createPushableBackend(createBackend(options))) });
    return { ...booted, pushable };
  }

  it('reach every window showing the app, on the push channel', async () => {
    const { win, pushable } = await bootPushable();
    const second = new FakeBrowserWindow({});
    await second.loadURL('app://gcc/index.html');
    pushable.emit('sync.status', SAMPLE_STATUS);
    for (const w of [win, second]) expect(w.webContents.sent).toEqual([{ channel: 'gcc:push:sync.status', args: [SAMPLE_STATUS] }]);
  });

  it('never reach a window showing anything else, nor a destroyed one', async () => {
    const { pushable } = await bootPushable();
    const foreign = new FakeBrowserWindow({});
    await foreign.loadURL('https://example.com/');
    const gone = new FakeBrowserWindow({});
    await gone.loadURL('app://gcc/index.html');
    gone.destroy();
    pushable.emit('sync.status', SAMPLE_STATUS);
    expect(foreign.webContents.sent).toEqual([]);
    expect(gone.webContents.sent).toEqual([]);
  });

  it('stop when the app shuts down', async () => {
    const { win, main, pushable } = await bootPushable();
    await main.shutdown();
    pushable.emit('sync.status', SAMPLE_STATUS);
    expect(win.webContents.sent).toEqual([]);
  });
});
