/**
 * `npx tsx scripts/make-icons.ts`: renders resources/icons/icon.svg with Chromium into the app icons electron-builder
 * packs: 512x512.png and 256x256.png (Linux, where the file name gives the size) and icon.ico (Windows: PNG images
 * of 16–256 px in one file). The outputs are committed; run this again after changing the SVG.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumPath } from '../core/report/pdf';
import { ROOT } from './lib/renderer-build';

export const ICON_DIR = path.join(ROOT, 'resources', 'icons');
export const PNG_SIZES = [512, 256] as const;
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;

/** An .ico holding PNG images (Windows Vista and later read them; electron-builder wants a 256 px one). */
export function icoFromPngs(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

export async function makeIcons(svgFile = path.join(ICON_DIR, 'icon.svg'), outDir = ICON_DIR): Promise<string[]> {
  const svg = readFileSync(svgFile, 'utf8');
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const render = async (size: number): Promise<Buffer> => {
      await page.setViewportSize({ width: size, height: size });
      const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
      // setContent returns after the load event, so the image is drawn.
      await page.setContent(
        `<!doctype html><html><body style="margin:0;background:transparent"><img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
      );
      return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    };
    const written: string[] = [];
    for (const size of PNG_SIZES) {
      const file = path.join(outDir, `${size}x${size}.png`);
      writeFileSync(file, await render(size));
      written.push(file);
    }
    const images = [];
    for (const size of ICO_SIZES) images.push({ size, png: await render(size) });
    const ico = path.join(outDir, 'icon.ico');
    writeFileSync(ico, icoFromPngs(images));
    written.push(ico);
    return written;
  } finally {
    await browser.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  makeIcons().then(
    (files) => console.log(files.map((f) => path.relative(ROOT, f)).join('\n')),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
