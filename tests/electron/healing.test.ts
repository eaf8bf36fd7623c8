/**
 * Self-healing: a wall page that crashes, hangs or loses its GPU process is reloaded on the scene it was showing,
 * with a back-off on repeated failures, and everything is logged.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { HEALING_DEFAULTS } from '../../electron/main/healing';
import { fake, makeDisplay, screen, type FakeBrowserWindow } from '../fakes/electron';
import { boot, PRIMARY_WALL_URL } from './harness';

const ROTATED = 'app://gcc/#/wall/disputes?display=primary';

/** Reloads and loads after start-up. */
const recoveries = (win: FakeBrowserWindow) => win.webContents.reloads + win.webContents.loads.length - 1;

async function bootWall() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const booted = await boot();
  booted.win.webContents.simulateInPageNavigation(ROTATED); // the playlist moved on to another scene
  return booted;
}

/** Lets the fake renderer finish what a reload started (it is asynchronous, as in Electron). */
async function after(ms: number) {
  vi.advanceTimersByTime(ms);
  await fake.settle();
}

beforeEach(() => fake.reset());
afterEach(() => vi.useRealTimers());

describe('a crashed page', () => {
  it('is reloaded within seconds, on the scene it was showing, and both are logged', async () => {
    const { win, log } = await bootWall();
    win.webContents.simulateRenderProcessGone({ reason: 'crashed', exitCode: 139 });
    expect(win.webContents.isCrashed()).toBe(true);

    await after(999);
    expect(recoveries(win)).toBe(0);
    await after(1);
    expect(win.webContents.reloads).toBe(1);
    expect(win.webContents.getURL()).toBe(ROTATED);
    expect(win.webContents.isCrashed()).toBe(false);
    expect(log.text('error')).toContain(
      `Wall window "primary": its page's process is gone (crashed, exit code 139). Reloading ${ROTATED} in 1 s (failure 1 in a row).`,
    );
    expect(log.text('info')).toContain(`Wall window "primary": reloading ${ROTATED}.`);
  });

  it.each(['oom', 'killed', 'abnormal-exit', 'launch-failed'] as const)('is reloaded after its process is gone for "%s" too', async (reason) => {
    const { win } = await bootWall();
    win.webContents.simulateRenderProcessGone({ reason, exitCode: 1 });
    await after(1000);
    expect(win.webContents.reloads).toBe(1);
  });

  it('loads the scene URL when the page had not reached it (crashed mid-load)', async () => {
    const { win } = await bootWall();
    win.webContents.mainFrame.url = ''; // nothing committed yet
    win.webContents.simulateRenderProcessGone();
    await after(1000);
    await vi.waitFor(() => expect(win.webContents.getURL()).toBe(ROTATED));
    expect(win.webContents.loads.map((l) => l.url)).toEqual([PRIMARY_WALL_URL, ROTATED]);
  });

  it('one crash reloads once, however many events report it', async () => {
    const { win } = await bootWall();
    win.webContents.simulateRenderProcessGone();
    win.webContents.simulateRenderProcessGone();
    await after(10_000);
    expect(win.webContents.reloads).toBe(1);
  });

  it('each display’s page is healed on its own', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    screen.setDisplays([makeDisplay({ id: 1 }), makeDisplay({ id: 2, bounds: { x: 1920, y: 0, width: 1920, height: 1080 } })], 1);
    const { main, win } = await boot();
    const other = main.wallWindows().get('2') as unknown as FakeBrowserWindow;
    await vi.waitFor(() => expect(other.webContents.getURL()).toBe('app://gcc/#/wall/overview?display=2'));
    other.webContents.simulateRenderProcessGone();
    await after(1000);
    expect(other.webContents.reloads).toBe(1);
    expect(other.webContents.getURL()).toBe('app://gcc/#/wall/overview?display=2');
    expect(win.webContents.reloads).toBe(0);
  });
});

describe('repeated crashes back off', () => {
  it('waits 1, 2, 4, 8 … s, at most 60 s, and starts from 1 s again once the page stayed up a few minutes', async () => {
    const { win, log } = await bootWall();
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const before = win.webContents.reloads;
      win.webContents.simulateRenderProcessGone();
      let waited = 0;
      while (win.webContents.reloads === before) {
        await after(500);
        waited += 500;
      }
      waits.push(waited / 1000);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
    expect(log.text('error')).toContain('(failure 9 in a row)');

    await after(HEALING_DEFAULTS.stableMs);
    win.webContents.simulateRenderProcessGone();
    await after(1000);
    expect(log.text('error').split('\n').at(-1)).toContain('in 1 s (failure 1 in a row)');
  });

  it('a crash soon after a reload still counts as the next in a row', async () => {
    const { win, log } = await bootWall();
    win.webContents.simulateRenderProcessGone();
    await after(1000);
    await after(HEALING_DEFAULTS.stableMs - 1000);
    win.webContents.simulateRenderProcessGone();
    expect(log.text('error').split('\n').at(-1)).toContain('in 2 s (failure 2 in a row)');
  });
});

describe('a hung page', () => {
  it('gets a grace period, then its renderer is ended and the page reloaded on its scene', async () => {
    const { win, log } = await bootWall();
    win.webContents.simulateUnresponsive();
    expect(log.text('warn')).toMatch(/stopped responding; its page restarts if it still hangs in 15 s/);
    await after(HEALING_DEFAULTS.hangGraceMs - 1);
    expect(win.webContents.isCrashed()).toBe(false);
    await after(1);
    expect(win.webContents.isCrashed()).toBe(true); // forcefullyCrashRenderer
    expect(log.text('error')).toMatch(/still hangs after 15 s; ending its renderer process/);
    await after(1000);
    expect(win.webContents.reloads).toBe(1);
    expect(win.webContents.getURL()).toBe(ROTATED);
  });

  it('is left alone when it answers again within the grace period', async () => {
    const { win, log } = await bootWall();
    win.webContents.simulateUnresponsive();
    await after(10_000);
    win.webContents.simulateResponsive();
    await after(HEALING_DEFAULTS.hangGraceMs * 4);
    expect(win.webContents.isCrashed()).toBe(false);
    expect(recoveries(win)).toBe(0);
    expect(log.text('info')).toMatch(/responds again/);
  });
});

describe('the GPU process dying', () => {
  it('reloads every wall page on its scene; other child processes dying do not', async () => {
    const { win, log } = await bootWall();
    fake.childProcessGone({ type: 'Utility', reason: 'crashed', exitCode: 1, name: 'Audio Service' });
    await after(5000);
    expect(recoveries(win)).toBe(0);

    fake.childProcessGone({ type: 'GPU', reason: 'crashed', exitCode: 1 });
    await after(1000);
    expect(win.webContents.reloads).toBe(1);
    expect(win.webContents.getURL()).toBe(ROTATED);
    expect(log.text('error')).toMatch(/the GPU process is gone \(crashed, exit code 1\)/);
  });
});

describe('a page that fails to load', () => {
  it('is tried again with the same back-off', async () => {
    const { win, log } = await bootWall();
    win.webContents.emit('did-fail-load', {}, -6, 'ERR_FILE_NOT_FOUND', ROTATED, true);
    win.webContents.emit('did-fail-load', {}, -3, 'ERR_ABORTED', ROTATED, true); // superseded: not a failure
    await after(1000);
    expect(win.webContents.reloads).toBe(1);
    expect(log.text('error')).toMatch(/failed to load .* \(ERR_FILE_NOT_FOUND, -6\)/);
  });
});

describe('when the app quits', () => {
  it('a pending reload does not run against a closed window', async () => {
    const { main, win } = await bootWall();
    win.webContents.simulateRenderProcessGone();
    await main.shutdown();
    await after(60_000);
    expect(win.webContents.reloads).toBe(0);
  });
});
