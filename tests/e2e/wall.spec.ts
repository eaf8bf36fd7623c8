/**
 * The wall in Chromium, on the web host with the bundled demo server: every scene at the four wall sizes lays
 * out inside the viewport with no two panels overlapping, draws a non-blank map and non-blank charts, and is
 * screenshotted to test-results/ for a person to look at. Then a live case from the demo server reaches the
 * ticker, the map and the totals without a reload.
 */
import { expect, test, type Page } from '@playwright/test';
import { waitForLiveSync } from './sync';

// A chart counts as drawn when at least this share of its canvas is painted: a few thin bars on a 32:9 wall
// paint about half a percent, a blank canvas none.
const MIN_DRAWN = 0.002;

const SIZES = [
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
  { width: 5760, height: 1080 },
  { width: 1366, height: 768 },
];
const SCENES = ['overview', 'safe-grids', 'disputes', 'appeals', 'services'];
/** Where the screenshots go (test-results/ by default; another folder keeps them from a later run's clean-up). */
const SHOTS = process.env.GCC_WALL_SHOTS ?? 'test-results';

interface WallWindow {
  __gccWall?: { scene: string; chartsRendered: number; charts: number; maps: number; drawn: { id: string; receivedAt: number; drawnAt: number }[] };
  __gccWallMap?: {
    loaded(): boolean;
    isMoving(): boolean;
    getCanvas(): HTMLCanvasElement;
    once(event: string, cb: () => void): void;
    triggerRepaint(): void;
  };
}

async function waitForWall(page: Page, scene: string) {
  await page.waitForFunction(
    (want) => {
      const w = window as unknown as WallWindow;
      // wallReady: data in, the map idle once, the first scene's charts drawn. Then this scene's charts drawn.
      // (Not map.loaded(): on a live wall new cases keep the map busy, as they should.)
      if (!w.__gccWall || !w.__gccWallMap || w.__gccWall.scene !== want || document.documentElement.dataset.wallReady !== '1') return false;
      return w.__gccWall.chartsRendered >= document.querySelectorAll('[data-test=chart]').length;
    },
    scene,
    { timeout: 90_000, polling: 250 },
  );
  await page.waitForTimeout(500);
}

/** Acknowledge any critical-event alert the live demo data raised, so it does not cover the screenshot. */
async function dismissAlerts(page: Page) {
  for (let i = 0; i < 20 && (await page.getByTestId('critical-alert').count()) > 0; i++) await page.keyboard.press('Escape');
}

/**
 * Clicks the middle of a grid drawn on the map that lies in `region` (a street's or community's id; null: any),
 * once the map shows that scope's snapshot.
 */
async function clickGridOf(page: Page, region: string | null) {
  await page.waitForFunction(
    (id) => document.querySelector('[data-test=scope-breadcrumb]:not([data-pending])') !== null && (id === null || location.hash.includes(`region=${id}`)),
    region,
  );
  await page.waitForFunction(() => !(window as unknown as WallWindow).__gccWallMap?.isMoving(), null, { polling: 200 });
  const point = await page.evaluate((id) => {
    type Ring = [number, number][];
    const m = (
      window as unknown as {
        __gccWallMap: {
          queryRenderedFeatures(o: object): { properties: { parentId: string }; geometry: { coordinates: Ring[] } }[];
          project(p: [number, number]): { x: number; y: number };
        };
      }
    ).__gccWallMap;
    const grid = m.queryRenderedFeatures({ layers: ['grid-fill'] }).find((f) => id === null || f.properties.parentId.startsWith(id));
    if (!grid) return null;
    const ring = grid.geometry.coordinates[0];
    const centre: [number, number] = [ring.reduce((a, p) => a + p[0], 0) / ring.length, ring.reduce((a, p) => a + p[1], 0) / ring.length];
    return m.project(centre);
  }, region);
  expect(point, `a grid of ${region ?? 'the district'} on the map`).not.toBeNull();
  const box = (await page.getByTestId('wall-map').boundingBox())!;
  await page.mouse.click(box.x + point!.x, box.y + point!.y);
}

/** Boxes of the header, the banner (if any) and every panel, in CSS px. */
async function layoutBoxes(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-test=wall-header], [data-test=stale-banner], [data-test=wall-panel]')].map((el) => {
      const r = el.getBoundingClientRect();
      return { name: el.dataset.panel ?? el.dataset.test ?? '?', x: r.x, y: r.y, w: r.width, h: r.height };
    }),
  );
}

/** Pixel statistics of the map's WebGL canvas, read inside a render callback (no preserveDrawingBuffer needed). */
async function mapPixels(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ distinct: number; lit: number; total: number }>((resolve, reject) => {
        setTimeout(() => reject(new Error('the map rendered no frame in 15 s')), 15_000);
        const m = (window as unknown as WallWindow).__gccWallMap!;
        m.once('render', () => {
          const src = m.getCanvas();
          const c = document.createElement('canvas');
          c.width = 200;
          c.height = Math.max(1, Math.round((200 * src.height) / src.width));
          const ctx = c.getContext('2d')!;
          ctx.drawImage(src, 0, 0, c.width, c.height);
          const data = ctx.getImageData(0, 0, c.width, c.height).data;
          const colours = new Set<number>();
          let lit = 0;
          for (let i = 0; i < data.length; i += 4) {
            colours.add(((data[i] >> 3) << 10) | ((data[i + 1] >> 3) << 5) | (data[i + 2] >> 3));
            // Anything clearly different from the map's background (#041021): grids, lines, labels, points.
            if (Math.abs(data[i] - 4) + Math.abs(data[i + 1] - 16) + Math.abs(data[i + 2] - 33) > 40) lit++;
          }
          resolve({ distinct: colours.size, lit, total: data.length / 4 });
        });
        m.triggerRepaint();
      }),
  );
}

/**
 * Lite shows the map through a copy (renderer/src/map/mirror.ts): the map's frame as drawn, and the copy shown a
 * moment later, each as its share of lit pixels per row (top to bottom as the copy's pixels are stored: GL's rows
 * run bottom-up, which CSS flips); null where there is no copy (full rendering).
 */
async function mapMirror(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ drawn: number[]; stored: number[]; hidden: boolean; transform: string } | null>((resolve, reject) => {
        const mirror = document.querySelector<HTMLCanvasElement>('[data-test=map-mirror]');
        if (!mirror) return resolve(null);
        setTimeout(() => reject(new Error('the map rendered no frame in 15 s')), 15_000);
        const rows = (canvas: HTMLCanvasElement) => {
          const c = document.createElement('canvas');
          [c.width, c.height] = [100, 50];
          const ctx = c.getContext('2d')!;
          ctx.drawImage(canvas, 0, 0, c.width, c.height);
          const data = ctx.getImageData(0, 0, c.width, c.height).data;
          const lit = new Array<number>(c.height).fill(0);
          for (let i = 0; i < data.length; i += 4)
            if (Math.abs(data[i] - 4) + Math.abs(data[i + 1] - 16) + Math.abs(data[i + 2] - 33) > 40) lit[Math.floor(i / 4 / c.width)] += 1 / c.width;
          return lit;
        };
        const m = (window as unknown as WallWindow).__gccWallMap!;
        m.once('render', () => {
          const src = m.getCanvas();
          const drawn = rows(src);
          // The copy of this frame is shown once SwiftShader has finished it (polled every 8 ms).
          setTimeout(
            () =>
              resolve({ drawn, stored: rows(mirror), hidden: getComputedStyle(src).visibility === 'hidden', transform: getComputedStyle(mirror).transform }),
            1000,
          );
        });
        m.triggerRepaint();
      }),
  );
}

/** For each chart canvas: how many of its pixels are drawn (not transparent). */
async function chartPixels(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-test=chart]')].map((el) => {
      const canvas = el.querySelector('canvas');
      const label = el.dataset.label ?? '?';
      // A chart with nothing to show says so in words instead (e.g. "no overdue cases").
      const empty = el.parentElement?.querySelector('[data-test=chart-empty]')?.textContent ?? null;
      if (!canvas || !canvas.width || !canvas.height) return { label, empty, drawn: 0, total: 0 };
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let drawn = 0;
      for (let i = 3; i < data.length; i += 4 * 7) if (data[i] > 0) drawn++;
      return { label, empty, drawn, total: Math.floor(data.length / 28) };
    }),
  );
}

const intersect = (a: { x: number; y: number; w: number; h: number }, b: typeof a) =>
  Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));

for (const size of SIZES) {
  test(`every scene lays out and draws at ${size.width}×${size.height}`, async ({ page }) => {
    test.setTimeout(240_000);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.setViewportSize(size);
    for (const scene of SCENES) {
      await page.goto(`./#/wall/${scene}?rotate=0`);
      await waitForWall(page, scene);
      await dismissAlerts(page);

      // Layout: every box inside the viewport, none overlapping another, nothing scrolls.
      const boxes = await layoutBoxes(page);
      expect(boxes.filter((b) => b.name !== 'stale-banner').length, `${scene}: header, kpi, map and panels`).toBeGreaterThanOrEqual(7);
      for (const b of boxes) {
        expect(b.w * b.h, `${scene} ${b.name} has an area`).toBeGreaterThan(100);
        expect(b.x, `${scene} ${b.name} left`).toBeGreaterThanOrEqual(-0.5);
        expect(b.y, `${scene} ${b.name} top`).toBeGreaterThanOrEqual(-0.5);
        expect(b.x + b.w, `${scene} ${b.name} right`).toBeLessThanOrEqual(size.width + 0.5);
        expect(b.y + b.h, `${scene} ${b.name} bottom`).toBeLessThanOrEqual(size.height + 0.5);
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          expect(intersect(boxes[i], boxes[j]), `${scene}: ${boxes[i].name} overlaps ${boxes[j].name}`).toBeLessThan(1);
        }
      }
      const scroll = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight }));
      expect(scroll.w).toBeLessThanOrEqual(size.width);
      expect(scroll.h).toBeLessThanOrEqual(size.height);

      // The fitted district's grids stand above the map's legend: a grid drawn under it could not be read.
      const below = await page.evaluate(async () => {
        type Outline = { features: { geometry: { coordinates: unknown } }[] };
        const m = (
          window as unknown as {
            __gccWallMap: { getSource(id: string): { getData(): Promise<Outline> }; project(p: [number, number]): { y: number } };
          }
        ).__gccWallMap;
        const lowest = (c: unknown): number =>
          typeof (c as number[])[0] === 'number' ? m.project(c as [number, number]).y : Math.max(...(c as unknown[]).map(lowest));
        const outline = await m.getSource('grids').getData();
        const legend = document.querySelector('.wall-map__legend')!.getBoundingClientRect();
        const box = document.querySelector('[data-test=wall-map]')!.getBoundingClientRect();
        return Math.max(...outline.features.map((f) => lowest(f.geometry.coordinates))) - (legend.top - box.top);
      });
      expect(below, `${scene}: the lowest grid reaches this far (px) below the legend's top`).toBeLessThanOrEqual(1);

      // Non-blank map: many colours and lit pixels (grids, outlines, labels), not a flat background.
      // Best of three frames: a live map may be between two data updates in any one frame.
      let map = await mapPixels(page);
      for (let k = 0; k < 2 && map.lit / map.total < 0.2; k++) {
        await page.waitForTimeout(700);
        const next = await mapPixels(page);
        if (next.lit > map.lit) map = next;
      }
      console.log(`${size.width}x${size.height} ${scene}: map ${map.distinct} colours, ${((100 * map.lit) / map.total).toFixed(0)}% drawn`);
      expect(map.distinct, `${scene}: map colours`).toBeGreaterThan(40);
      expect(map.lit / map.total, `${scene}: share of the map drawn over its background`).toBeGreaterThan(0.08);
      // Lite (SwiftShader here): what is shown is the copy, the map's own canvas hidden, its rows flipped back.
      const mirror = scene === 'overview' ? await mapMirror(page) : null;
      if (mirror) {
        expect(mirror.hidden, 'the map canvas under its copy is hidden').toBe(true);
        expect(mirror.transform).toBe('matrix(1, 0, 0, -1, 0, 0)');
        const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
        const apart = (a: number[], b: number[]) => sum(a.map((v, i) => Math.abs(v - b[i])));
        expect(sum(mirror.stored) / mirror.stored.length, 'share of the copy drawn').toBeGreaterThan(0.08);
        // Stored bottom-up: the frame's rows reversed, not as they are.
        expect(apart(mirror.drawn, [...mirror.stored].reverse())).toBeLessThan(apart(mirror.drawn, mirror.stored) / 2);
      }

      // Non-blank charts: each one has drawn something on its canvas.
      // A chart being resized (e.g. the sync banner went away) is blank for a frame: take the best of three looks.
      let charts = await chartPixels(page);
      for (let k = 0; k < 2 && charts.some((c) => !c.empty && c.drawn / Math.max(1, c.total) <= MIN_DRAWN); k++) {
        await page.waitForTimeout(700);
        const again = await chartPixels(page);
        charts = charts.map((c, i) => (again[i] && again[i].drawn > c.drawn ? again[i] : c));
      }
      expect(charts.length, `${scene}: charts`).toBeGreaterThanOrEqual(2);
      for (const c of charts) {
        if (c.empty) expect(c.empty.length, `${scene}: chart "${c.label}" says it is empty`).toBeGreaterThan(2);
        else expect(c.drawn / Math.max(1, c.total), `${scene}: chart "${c.label}" drawn share`).toBeGreaterThan(MIN_DRAWN);
      }

      // One map, and as many chart instances as charts on screen (none leaked by the scene switch).
      const counts = await page.evaluate(() => (window as unknown as WallWindow).__gccWall!);
      expect(counts.maps).toBe(1);
      expect(counts.charts).toBe(charts.length);

      await page.screenshot({ path: `${SHOTS}/wall-${scene}-${size.width}x${size.height}.png` });
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });
}

test('scene URLs, keyboard control and the grid profile', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('./#/wall/disputes?rotate=0');
  await waitForWall(page, 'disputes');
  await dismissAlerts(page);
  await expect(page.getByTestId('wall')).toHaveAttribute('data-scene', 'disputes');
  await expect(page.getByTestId('playlist-state')).toContainText('轮播关闭');
  await expect(page.getByTestId('demo-badge')).toHaveText('演示数据');
  await expect(page.getByTestId('synthetic-note')).toBeVisible();
  await expect(page.getByTestId('map-loading')).toHaveCount(0); // drawn: the loading line is gone
  // This Chromium draws with SwiftShader: auto picks the lite rendering, whose clock shows minutes.
  await expect(page.locator('html')).toHaveAttribute('data-rendering', 'lite');
  await expect(page.locator('[data-test=wall-clock] .whead__time')).toHaveText(/^\d{2}:\d{2}$/);

  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/#\/wall\/appeals\?rotate=0$/);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(page).toHaveURL(/#\/wall\/safe-grids\?rotate=0$/);

  // Drill down with the map: a click takes the district to the grid's street, the street to its community, and in
  // the community opens the grid's profile, with the eight criteria. The breadcrumb goes back up.
  await waitForWall(page, 'safe-grids');
  await dismissAlerts(page);
  const crumbs = page.getByTestId('scope-breadcrumb');
  await expect(crumbs.getByTestId('scope-current')).toHaveText('广安区');
  await clickGridOf(page, null);
  await expect(page).toHaveURL(/[?&]region=\d+/);
  await expect(crumbs.locator('button')).toHaveCount(1);
  const street = new URL(page.url().replace('#/', '')).searchParams.get('region')!;
  await expect(page.locator('[data-panel=safe-by-street] .panel__title')).toHaveText('各社区平安网格');
  await clickGridOf(page, street);
  await expect(crumbs.locator('button')).toHaveCount(2);
  const community = new URL(page.url().replace('#/', '')).searchParams.get('region')!;
  expect(community.startsWith(street)).toBe(true);
  await clickGridOf(page, community);
  await expect(page.getByTestId('grid-profile')).toBeVisible();
  await expect(page.getByTestId('profile-criteria').locator('[data-criterion]')).toHaveCount(8);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('grid-profile')).toHaveCount(0);
  await crumbs.locator('[data-scope-step=district]').click();
  await expect(crumbs.getByTestId('scope-current')).toHaveText('广安区');
  await expect(page).not.toHaveURL(/region=/);

  // Rotation on: the scene moves on by itself (a short interval for the test).
  await page.goto('./#/wall/overview?interval=5');
  await expect(page.getByTestId('playlist-state')).toContainText('轮播 5 秒');
  // Space pauses and resumes.
  await page.keyboard.press(' ');
  await expect(page.getByTestId('playlist-state')).toContainText('轮播已暂停');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('playlist-state')).toContainText('轮播 5 秒');
  await expect(page).toHaveURL(/#\/wall\/safe-grids/, { timeout: 20_000 });
});

test('on a small wall the district map draws its communities, and a click on one scopes the wall to it', async ({ page }) => {
  test.setTimeout(120_000);
  // 297 grids are too small to read on a 1024×600 wall's map: the coarse level draws the 42 communities.
  await page.setViewportSize({ width: 1024, height: 600 });
  await page.goto('./#/wall/overview?rotate=0');
  await waitForWall(page, 'overview');
  await dismissAlerts(page);
  await page.waitForFunction(() => !(window as unknown as WallWindow).__gccWallMap?.isMoving(), null, { polling: 200 });
  const hit = await page.evaluate(() => {
    const m = (
      window as unknown as {
        __gccWallMap: {
          getLayer(id: string): unknown;
          getCanvas(): HTMLCanvasElement;
          queryRenderedFeatures(p: [number, number] | { layers: string[] }, o?: object): { properties: { id: string; name: string } }[];
        };
      }
    ).__gccWallMap;
    const drawn = {
      areas: m.queryRenderedFeatures({ layers: ['area-fill'] }).length,
      grids: m.getLayer('grid-fill') ? m.queryRenderedFeatures({ layers: ['grid-fill'] }).length : 0,
    };
    // The first point, scanning from the middle outwards, that lies on an area (not on its figure's bubble).
    const { width, height } = m.getCanvas().getBoundingClientRect();
    for (let r = 0; r < Math.min(width, height) / 2; r += 12)
      for (const [dx, dy] of [
        [r, 0],
        [-r, 0],
        [0, r],
        [0, -r],
      ]) {
        const point: [number, number] = [width / 2 + dx, height / 2 + dy];
        const [top] = m.queryRenderedFeatures(point);
        const area = m.queryRenderedFeatures(point, { layers: ['area-fill'] })[0];
        if (area && top && top.properties.id === area.properties.id) return { drawn, point, id: area.properties.id, name: area.properties.name };
      }
    return { drawn, point: null, id: null, name: null };
  });
  expect(hit.drawn.areas).toBeGreaterThan(30);
  expect(hit.drawn.grids).toBe(0);
  expect(hit.point, 'a community drawn on the map').not.toBeNull();
  const box = (await page.getByTestId('wall-map').boundingBox())!;
  await page.mouse.click(box.x + hit.point![0], box.y + hit.point![1]);
  await expect(page).toHaveURL(new RegExp(`[?&]region=${hit.id}(&|$)`));
  const crumbs = page.getByTestId('scope-breadcrumb');
  await expect(crumbs.getByTestId('scope-current')).toHaveText(hit.name!);
  await expect(crumbs.locator('button')).toHaveCount(2); // 广安区 › its street › the community
  await expect(page.locator('[data-panel=street-rank] .panel__title')).toHaveText('网格排名');
});

test('a live case from the demo server reaches the ticker, the map and the totals without a reload', async ({ page, request }) => {
  test.setTimeout(300_000);
  // Wait for the first sync to finish: live cases arrive on the stream after it.
  await waitForLiveSync(request);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('./#/wall/overview?rotate=0');
  await waitForWall(page, 'overview');
  const navigations: string[] = [];
  page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()));
  const kpiToday = page.locator('[data-kpi=todayCases] [data-test=kpi-value]');
  const before = await kpiToday.textContent();
  const startedAt = Date.now();

  // The demo server publishes new cases and stage changes on its own; wait for a new case drawn on the map.
  const drawn = await page.waitForFunction(
    (since) => (window as unknown as WallWindow).__gccWall!.drawn.find((d) => d.receivedAt >= since) ?? null,
    startedAt,
    { timeout: 240_000, polling: 500 },
  );
  const { id } = (await drawn.jsonValue())!;
  await dismissAlerts(page);
  await expect(page.locator(`[data-test=ticker] [data-event-id="${id}"]`)).toBeVisible();
  // The delta's counts move today's total in place (no re-read of the snapshots).
  await expect.poll(async () => kpiToday.textContent(), { timeout: 20_000 }).not.toBe(before);
  expect(navigations.filter((u) => !u.includes('#/wall/overview'))).toEqual([]);
});
