/** Builds the renderer when dist/renderer is missing or older than its sources, so `npm start` works on a fresh clone. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RENDERER_DIST = path.join(ROOT, 'dist', 'renderer');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export function rendererIsStale(): boolean {
  const index = path.join(RENDERER_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return [path.join(ROOT, 'renderer'), path.join(ROOT, 'shared')].some((dir) => newestMtime(dir) > built);
}

export async function ensureRendererBuilt(log: (line: string) => void = console.log): Promise<string> {
  if (rendererIsStale()) {
    log('Building the renderer (first start or sources changed)…');
    const { build } = await import('vite');
    await build({ configFile: path.join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  }
  return RENDERER_DIST;
}
