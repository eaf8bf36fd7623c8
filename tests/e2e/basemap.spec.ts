/**
 * A PMTiles basemap on the wall, in Chromium on the web host: the test fixture (light "daylight" PNG tiles over
 * Guang'an) is set as basemap through the bridge, and the map canvas shows it — dimmed — where no grid covers it,
 * near the canvas's top-left corner; the page is not reloaded and logs no error. The setting is put back afterwards.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { waitForLiveSync } from './sync';
import { writeGuanganFixture } from '../fixtures/pmtiles';

interface MapWindow {
  __gccWall?: { scene: string };
  __gccWallMap?: {
    getCanvas(): HTMLCanvasElement;
    getSource(id: string): unknown;
    isSourceLoaded(id: string): boolean;
    loaded(): boolean;
    once(event: string, cb: () => void): void;
    triggerRepaint(): void;
  };
}

async function setBasemap(request: APIRequestContext, basemap: unknown) {
  const response = await request.post('bridge/settings.update', { data: { basemap } });
  expect(response.ok(), await response.text()).toBe(true);
}

/** The colour near the map canvas's top-left corner (outside the district), read inside a render callback. */
async function cornerColour(page: Page) {
  return page.evaluate(
    () =>
      new Promise<[number, number, number]>((resolve, reject) => {
        setTimeout(() => reject(new Error('the map rendered no frame in 15 s')), 15_000);
        const m = (window as unknown as MapWindow).__gccWallMap!;
        m.once('render', () => {
          const src = m.getCanvas();
          const c = document.createElement('canvas');
          c.width = c.height = 8;
          const ctx = c.getContext('2d')!;
          // An 8×8 average of the canvas's top-left 3 % (clear of the legend at the bottom and the note at the right).
          const side = Math.round(src.width * 0.03);
          ctx.drawImage(src, 4, 4, side, side, 0, 0, 8, 8);
          const data = ctx.getImageData(0, 0, 8, 8).data;
          const sum = [0, 0, 0];
          for (let i = 0; i < data.length; i += 4) for (let k = 0; k < 3; k++) sum[k] += data[i + k];
          resolve(sum.map((v) => Math.round(v / 64)) as [number, number, number]);
        });
        m.triggerRepaint();
      }),
  );
}

const NONE = { kind: 'none' };
test.beforeEach(async ({ request }) => setBasemap(request, NONE));
test.afterEach(async ({ request }) => setBasemap(request, NONE));

test('a PMTiles basemap set in Settings appears under the wall map, without a reload', async ({ page, request }) => {
  test.setTimeout(300_000);
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  // After the first sync: until then new reference data can re-fit the map between two readings of the corner.
  await waitForLiveSync(request);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('./#/wall/overview?rotate=0');
  await page.waitForFunction(() => document.documentElement.dataset.wallReady === '1' && !!(window as unknown as MapWindow).__gccWallMap, null, {
    timeout: 90_000,
  });
  // The first colour only once the map has drawn its sources: the district's real outline runs close to that corner,
  // and its glow, not yet drawn, once made "before" darker than the same map after the basemap went again.
  await page.waitForFunction(() => (window as unknown as MapWindow).__gccWallMap!.loaded(), null, { timeout: 30_000, polling: 100 });
  await page.evaluate(() => ((window as unknown as { __sameDocument?: boolean }).__sameDocument = true));
  const before = await cornerColour(page);

  const file = writeGuanganFixture(mkdtempSync(path.join(tmpdir(), 'gcc-e2e-basemap-')));
  await setBasemap(request, { kind: 'pmtiles', path: file });
  await page.waitForFunction(
    () => {
      const m = (window as unknown as MapWindow).__gccWallMap;
      return !!m?.getSource('basemap') && m.isSourceLoaded('basemap');
    },
    null,
    { timeout: 60_000, polling: 250 },
  );
  const after = await cornerColour(page);
  // The dark background (#041021) turns into the fixture's light-grey land, dimmed to a dark grey: lighter in every
  // channel, most in red and green (the background is blue), and still dark.
  for (let k = 0; k < 3; k++) expect(after[k] - before[k], `channel ${k}: ${before} → ${after}`).toBeGreaterThan(10);
  expect(after[0] - before[0] + after[1] - before[1], `${before} → ${after}`).toBeGreaterThan(50);
  expect(Math.max(...after), `${after} stays dark`).toBeLessThan(110);
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // And off again: the background comes back.
  await setBasemap(request, NONE);
  await page.waitForFunction(() => !(window as unknown as MapWindow).__gccWallMap?.getSource('basemap'), null, { timeout: 30_000 });
  const reset = await cornerColour(page);
  for (let k = 0; k < 3; k++) expect(Math.abs(reset[k] - before[k]), `${before} vs ${reset}`).toBeLessThan(6);
  expect(problems, problems.join('\n')).toEqual([]);
});
