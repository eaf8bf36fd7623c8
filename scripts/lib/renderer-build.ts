/** Builds the renderer when dist/renderer is missing or older than its sources, so `npm start` works on a fresh clone. */
import { spawn } from 'node:child_process';
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

/**
 * Builds in a child process: a Vite build leaves hundreds of MB in the process that ran it, and the web host that
 * asked for it then serves a wall for months (measured: 315 MB without, 850+ MB after an in-process build).
 */
export async function ensureRendererBuilt(log: (line: string) => void = console.log): Promise<string> {
  if (rendererIsStale()) {
    log('Building the renderer (first start or sources changed)…');
    const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [vite, 'build', '-c', path.join(ROOT, 'renderer', 'vite.config.ts'), '--logLevel', 'warn'], {
        cwd: ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0) throw new Error(`Building the renderer failed (vite exited with ${code}); see the messages above.`);
  }
  return RENDERER_DIST;
}
