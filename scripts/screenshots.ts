/**
 * Screenshots of every wall scene at the wall sizes we support, for a person to look at:
 *
 *   npx tsx scripts/screenshots.ts [--url http://127.0.0.1:4317/] [--out test-results/wall] [--sizes 1920x1080,3840x2160]
 *                                  [--scenes overview,disputes] [--lang zh-CN] [--rendering full,lite] [--region ID]
 *
 * Without --url it starts the web host itself (`scripts/serve.ts`, the bundled demo data) on a free port.
 * Uses Debian's Chromium (CHROMIUM_PATH to override) with SwiftShader WebGL, like the e2e tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';

export const WALL_SIZES = ['1920x1080', '3840x2160', '5760x1080', '1366x768'];
export const WALL_SCENES = ['overview', 'safe-grids', 'disputes', 'appeals', 'services'];
export const CHROMIUM_ARGS = [
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Starts `scripts/serve.ts` on a free port and resolves with its URL once it prints it. */
export async function startServer(extraArgs: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts', '--port', '0', ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve.ts printed no URL in 180 s:\n${out}`)), 180_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^(http:\/\/\S+\/)\s*$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve.ts exited with ${code}:\n${out}`)));
  });
  return { url, child };
}

/** What page-side functions read (scripts/ has no DOM types: the page is described here). */
export interface PageGlobals {
  __gccWall?: {
    scene: string;
    chartsRendered: number;
    charts: number;
    maps: number;
    firstCompleteFrame: number | null;
    drawn: { id: string; receivedAt: number; drawnAt: number }[];
    milestones: Record<string, number>;
  };
  __gccWallMap?: { loaded(): boolean; isMoving(): boolean; getCanvas(): unknown; once(event: string, cb: () => void): void; triggerRepaint(): void };
  document: { documentElement: { dataset: Record<string, string | undefined> }; querySelectorAll(selector: string): { length: number } };
  performance: { now(): number; memory?: { usedJSHeapSize: number } };
}

/**
 * Waits until the wall shows `scene` completely: data in, every chart of the scene drawn once, the map loaded and
 * still. The same page can switch scenes (hash navigation), so this checks the live state, not a one-off flag.
 */
export async function waitForWall(page: Page, scene: string, timeout = 90_000) {
  await page.waitForFunction(
    (want) => {
      const g = globalThis as unknown as PageGlobals;
      const w = g.__gccWall;
      const m = g.__gccWallMap;
      if (!w || !m || w.scene !== want || g.document.documentElement.dataset.wallReady !== '1') return false;
      return w.chartsRendered >= g.document.querySelectorAll('[data-test=chart]').length;
    },
    scene,
    { timeout, polling: 250 },
  );
  // For a still picture, also let the map settle (a live wall may never be fully idle: give up after 5 s).
  await page
    .waitForFunction(
      () => {
        const m = (globalThis as unknown as PageGlobals).__gccWallMap;
        return !!m && m.loaded() && !m.isMoving();
      },
      null,
      { timeout: 5000, polling: 200 },
    )
    .catch(() => undefined);
}

export async function screenshots(options: {
  url: string;
  out: string;
  sizes: string[];
  scenes: string[];
  lang?: string;
  /** Each rendering asked for (`?rendering=`), named in the file; none: what the page picks itself. */
  renderings?: ('full' | 'lite')[];
  /** A street's or community's id: the wall scoped to it (`?region=`). */
  region?: string;
}): Promise<string[]> {
  mkdirSync(options.out, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const files: string[] = [];
  try {
    for (const size of options.sizes) {
      const [width, height] = size.split('x').map(Number);
      const page = await browser.newPage({ viewport: { width, height } });
      page.on('console', (m) => m.type() === 'error' && console.error(`[${size}] console: ${m.text()}`));
      page.on('pageerror', (e) => console.error(`[${size}] page error: ${e.message}`));
      for (const scene of options.scenes) {
        for (const rendering of options.renderings?.length ? options.renderings : [null]) {
          const query = new URLSearchParams();
          if (options.lang && options.lang !== 'zh-CN') query.set('lang', options.lang);
          if (rendering) query.set('rendering', rendering);
          const region = options.region ? `&region=${encodeURIComponent(options.region)}` : '';
          await page.goto(`${options.url}${query.size ? `?${query}` : ''}#/wall/${scene}?rotate=0${region}`);
          await waitForWall(page, scene);
          await page.waitForTimeout(600);
          const suffix = `${options.lang && options.lang !== 'zh-CN' ? `-${options.lang}` : ''}${rendering ? `-${rendering}` : ''}${options.region ? `-${options.region}` : ''}`;
          const file = path.join(options.out, `wall-${scene}-${size}${suffix}.png`);
          await page.screenshot({ path: file });
          files.push(file);
        }
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return files;
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      out: { type: 'string', default: 'test-results/wall' },
      sizes: { type: 'string', default: WALL_SIZES.join(',') },
      scenes: { type: 'string', default: WALL_SCENES.join(',') },
      lang: { type: 'string', default: 'zh-CN' },
      rendering: { type: 'string' },
      region: { type: 'string' },
    },
  });
  const server = values.url ? null : await startServer();
  try {
    const files = await screenshots({
      url: values.url ?? server!.url,
      out: values.out!,
      sizes: values.sizes!.split(','),
      scenes: values.scenes!.split(','),
      lang: values.lang,
      renderings: values.rendering ? (values.rendering.split(',') as ('full' | 'lite')[]) : undefined,
      region: values.region,
    });
    for (const f of files) console.log(f);
  } finally {
    server?.child.kill('SIGTERM');
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  void main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
