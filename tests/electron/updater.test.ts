/**
 * Auto-update: off unless Settings name an update server; then a generic-provider check at start and every few
 * hours; an update installs on the next quit, never by restarting the wall. electron-updater is replaced by a fake.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { startAutoUpdate, UPDATE_CHECK_INTERVAL_MS, type Updater } from '../../electron/main/updater';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { app, fake } from '../fakes/electron';
import { boot, changeableSettings, recordingLog } from './harness';

const SERVER = 'https://updates.grid.example/gcc/';

/** electron-updater's autoUpdater as the app sees it: records what it is told, emits what a test says. */
class FakeUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  logger: Updater['logger'] = null;
  feeds: unknown[] = [];
  checks = 0;
  quitAndInstall = vi.fn();
  failNextCheck: Error | null = null;
  setFeedURL(options: unknown) {
    this.feeds.push(options);
  }
  async checkForUpdates() {
    this.checks++;
    const failure = this.failNextCheck;
    this.failNextCheck = null;
    if (failure) throw failure;
    return null;
  }
}

function fakeUpdater() {
  const updater = new FakeUpdater();
  const loadUpdater = vi.fn(async () => updater as unknown as Updater);
  return { updater, loadUpdater };
}

/** Lets pending promises settle. (Not vi.waitFor: with fake timers it advances the clock.) */
const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

beforeEach(() => {
  fake.reset();
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => vi.useRealTimers());

describe('auto-update', () => {
  it('is off unless an update server is set: electron-updater is not even loaded', async () => {
    const { loadUpdater } = fakeUpdater();
    const { log, main } = await boot({ loadUpdater });
    vi.advanceTimersByTime(UPDATE_CHECK_INTERVAL_MS * 3);
    await flush();
    expect(loadUpdater).not.toHaveBeenCalled();
    expect(log.text('info')).toMatch(/Auto-update is off: no update server is set in Settings/);
    await main.shutdown();
  });

  it('with a server, checks it (generic provider) at start and every 4 hours, downloading in the background', async () => {
    const { updater, loadUpdater } = fakeUpdater();
    const { log, main } = await boot({ loadUpdater, settings: changeableSettings({ ...DEFAULT_SETTINGS, updateUrl: SERVER }) });
    await flush();
    expect(updater.checks).toBe(1);
    expect(updater.feeds).toEqual([{ provider: 'generic', url: SERVER }]);
    expect(updater).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: true });
    expect(log.text('info')).toContain(`Auto-update is on: ${SERVER}, checked now and every 4 h.`);

    vi.advanceTimersByTime(UPDATE_CHECK_INTERVAL_MS - 1);
    await flush();
    expect(updater.checks).toBe(1);
    vi.advanceTimersByTime(1);
    await flush();
    expect(updater.checks).toBe(2);
    vi.advanceTimersByTime(UPDATE_CHECK_INTERVAL_MS);
    await flush();
    expect(updater.checks).toBe(3);
    expect(loadUpdater).toHaveBeenCalledTimes(1);
    await main.shutdown();
  });

  it('installs a downloaded update on the next quit and never restarts the wall for it; says so in the log', async () => {
    const { updater, loadUpdater } = fakeUpdater();
    const { log, main } = await boot({ loadUpdater, settings: changeableSettings({ ...DEFAULT_SETTINGS, updateUrl: SERVER }) });
    await flush();
    expect(updater.checks).toBe(1);
    updater.emit('update-downloaded', { version: '0.2.0', downloadedFile: '/tmp/gcc-0.2.0.exe' });
    expect(log.text('info')).toContain('Update 0.2.0 is downloaded; it installs the next time the app quits. The wall is not restarted for it.');
    vi.advanceTimersByTime(UPDATE_CHECK_INTERVAL_MS * 6);
    await flush();
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    expect(app.quitCalls).toBe(0);
    await main.shutdown();
  });

  it('follows Settings: switched on, re-pointed and switched off without a restart', async () => {
    const { updater, loadUpdater } = fakeUpdater();
    const settings = changeableSettings();
    const { main } = await boot({ loadUpdater, settings });
    settings.set({ ...DEFAULT_SETTINGS, updateUrl: SERVER });
    await flush();
    expect(updater.checks).toBe(1);
    settings.set({ ...DEFAULT_SETTINGS, updateUrl: 'http://10.1.2.3/gcc/' });
    await flush();
    expect(updater.checks).toBe(2);
    expect(updater.feeds.at(-1)).toEqual({ provider: 'generic', url: 'http://10.1.2.3/gcc/' });
    settings.set(DEFAULT_SETTINGS);
    vi.advanceTimersByTime(UPDATE_CHECK_INTERVAL_MS * 3);
    await flush();
    expect(updater.checks).toBe(2);
    await main.shutdown();
  });

  it('stops checking when the app quits', async () => {
    const { updater, loadUpdater } = fakeUpdater();
    const { main } = await boot({ loadUpdater, settings: changeableSettings({ ...DEFAULT_SETTINGS, updateUrl: SERVER }) });
    await flush();
    expect(updater.checks).toBe(1);
    await main.shutdown();
    vi.advanceTimersByTime(UPDATE_CHECK_INTERVAL_MS * 3);
    await flush();
    expect(updater.checks).toBe(1);
  });

  it('a server that cannot be reached, or an updater error, is logged and the app carries on', async () => {
    const { updater, loadUpdater } = fakeUpdater();
    updater.failNextCheck = new Error('net::ERR_CONNECTION_REFUSED');
    const log = recordingLog();
    const stop = startAutoUpdate({ settings: changeableSettings({ ...DEFAULT_SETTINGS, updateUrl: SERVER }), loadUpdater, log }).stop;
    await flush();
    expect(log.text('warn')).toContain(`Auto-update could not check ${SERVER}; the next check is in 4 h.`);
    updater.emit('error', new Error('sha512 checksum mismatch'));
    expect(log.text('warn')).toMatch(/Auto-update failed; this version keeps running/);
    updater.logger?.info('Checking for update');
    expect(log.text('info')).toContain('Auto-update: Checking for update');
    vi.advanceTimersByTime(UPDATE_CHECK_INTERVAL_MS);
    await flush();
    expect(updater.checks).toBe(2);
    stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('electron-updater failing to load is logged, not thrown', async () => {
    const log = recordingLog();
    const { stop } = startAutoUpdate({
      settings: changeableSettings({ ...DEFAULT_SETTINGS, updateUrl: SERVER }),
      loadUpdater: () => Promise.reject(new Error('Cannot find module electron-updater')),
      log,
    });
    await flush();
    expect(log.text('warn')).toMatch(/could not check/);
    stop();
  });
});
