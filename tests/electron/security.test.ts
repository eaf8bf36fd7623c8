import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { createMainWindow } from '../../electron/main/window';
import { fake, session, type FakeBrowserWindow } from '../fakes/electron';
import { boot, PRELOAD_PATH, PRIMARY_WALL_URL } from './harness';

beforeEach(() => fake.reset());

const FOREIGN = [
  'https://evil.example/',
  'http://127.0.0.1:8787/',
  'file:///etc/passwd',
  'app://evil/index.html',
  'app://gcc.evil.example/index.html',
  'app://gcc:81/index.html',
  'data:text/html,<script>alert(1)</script>',
  'javascript:alert(1)',
  'about:blank',
  'chrome://gpu',
];

describe('navigation', () => {
  it.each(FOREIGN)('the page cannot navigate to %s', async (url) => {
    const { win, log } = await boot();
    expect(win.webContents.simulateNavigation(url)).toBe(false);
    expect(win.webContents.getURL()).toBe(PRIMARY_WALL_URL);
    expect(log.text('warn')).toMatch(/Blocked (frame )?navigation/);
  });

  it.each(FOREIGN)('a redirect to %s is not followed', async (url) => {
    const { win } = await boot();
    expect(win.webContents.simulateRedirect(url)).toBe(false);
    expect(win.webContents.getURL()).toBe(PRIMARY_WALL_URL);
  });

  it('a subframe cannot navigate away either', async () => {
    const { win } = await boot();
    const frame = win.webContents.mainFrame.addChildFrame('app://gcc/reports/index.html');
    expect(win.webContents.simulateNavigation('https://evil.example/', frame)).toBe(false);
    expect(frame.url).toBe('app://gcc/reports/index.html');
  });

  it('navigation inside the app is allowed', async () => {
    const { win } = await boot();
    expect(win.webContents.simulateNavigation('app://gcc/index.html#/wall')).toBe(true);
    expect(win.webContents.simulateNavigation('app://gcc/reports/')).toBe(true);
  });
});

describe('new windows and webviews', () => {
  it.each(['https://evil.example/', 'app://gcc/index.html', 'about:blank'])('window.open(%s) is denied', async (url) => {
    const { win, log } = await boot();
    expect(win.webContents.simulateWindowOpen(url)).toBeNull();
    expect(win.webContents.simulateWindowOpen(url, 'foreground-tab')).toBeNull();
    expect(fake.windows()).toEqual([win]);
    expect(log.text('warn')).toMatch(/Blocked a new window/);
  });

  it('a <webview> is never attached', async () => {
    const { win } = await boot();
    expect(win.webContents.simulateAttachWebview({ nodeIntegration: true }, { src: 'https://evil.example/' })).toBe(false);
  });

  it('web contents created after start-up are guarded too (e.g. the wall’s per-display windows)', async () => {
    await boot();
    const later = createMainWindow({ preloadPath: PRELOAD_PATH }) as unknown as FakeBrowserWindow;
    await vi.waitFor(() => expect(later.webContents.getURL()).toBe('app://gcc/index.html'));
    expect(later.webContents.simulateNavigation('https://evil.example/')).toBe(false);
    expect(later.webContents.simulateWindowOpen('https://evil.example/')).toBeNull();
    expect(later.webContents.simulateAttachWebview()).toBe(false);
  });
});

describe('permissions', () => {
  const PERMISSIONS = [
    'media',
    'geolocation',
    'notifications',
    'clipboard-read',
    'clipboard-sanitized-write',
    'display-capture',
    'fullscreen',
    'pointerLock',
    'openExternal',
    'window-management',
    'fileSystem',
    'unknown',
  ] as const;

  it.each(PERMISSIONS)('a request for "%s" is denied', async (permission) => {
    const { win, log } = await boot();
    await expect(session.defaultSession.requestPermission(win.webContents, permission)).resolves.toBe(false);
    expect(log.text('warn')).toContain(`Denied a "${permission}" permission request`);
  });

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'hid', 'serial', 'usb', 'fullscreen', 'midi'] as const)(
    'a check for "%s" says no',
    async (permission) => {
      const { win } = await boot();
      expect(session.defaultSession.checkPermission(win.webContents, permission)).toBe(false);
      expect(session.defaultSession.checkPermission(null, permission, 'app://gcc')).toBe(false);
    },
  );
});
