/**
 * Finds an Electron binary without ever downloading one: ELECTRON_OVERRIDE_DIST_PATH first, then the binary that
 * `npm run desktop:fetch` placed inside node_modules/electron. Returns null when there is none.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './renderer-build';

const EXECUTABLE: Partial<Record<NodeJS.Platform, string>> = { win32: 'electron.exe', darwin: 'Electron.app/Contents/MacOS/Electron', linux: 'electron' };

export function findElectronBinary(env: NodeJS.ProcessEnv = process.env, root = ROOT): string | null {
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const candidate = path.join(override, EXECUTABLE[process.platform] ?? 'electron');
    return existsSync(candidate) ? candidate : null;
  }
  const pkg = path.join(root, 'node_modules', 'electron');
  try {
    const relative = readFileSync(path.join(pkg, 'path.txt'), 'utf8').trim();
    const candidate = path.join(pkg, 'dist', relative);
    return existsSync(candidate) ? candidate : null;
  } catch {
    return null;
  }
}

export function electronVersion(root = ROOT): string {
  return JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version as string;
}

export function noElectronParagraph(version: string): string {
  return [
    `The Electron ${version} binary is not installed, so the desktop window cannot open here; serving the same app in the browser instead.`,
    `This project never downloads Electron during "npm install". To get the desktop app, run "npm run desktop:fetch" on a machine that can`,
    `reach the Electron download site or an intranet mirror (set ELECTRON_MIRROR, e.g. ELECTRON_MIRROR=https://mirror.example/electron/),`,
    `or unpack an Electron ${version} build yourself and set ELECTRON_OVERRIDE_DIST_PATH to its folder; then "npm start" opens the window.`,
  ].join('\n');
}
