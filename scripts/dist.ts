/**
 * `npm run dist -- [electron-builder options]`: builds the app (`npm run build`) and packages it with electron-builder
 * and electron-builder.config.cjs into out/dist/. Without options it packages the targets of the machine's own
 * platform (Linux: AppImage and deb, x64 and arm64); `-- --win` adds the Windows installer. Stops before building,
 * with a sentence, when Electron has not been fetched: packaging downloads Electron for every target the same way.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { electronVersion, findElectronBinary } from './lib/electron-binary';
import { ROOT } from './lib/renderer-build';

export const BUILDER_CONFIG = 'electron-builder.config.cjs';

export function noElectronForDist(version: string): string {
  return [
    `Packaging needs Electron ${version}, and it has not been fetched on this machine, so nothing was built.`,
    `Run "npm run desktop:fetch" first; through an intranet mirror, set ELECTRON_MIRROR (e.g. ELECTRON_MIRROR=https://mirror.example/electron/)`,
    `for both that and "npm run dist", and ELECTRON_BUILDER_BINARIES_MIRROR for electron-builder's packaging tools.`,
  ].join('\n');
}

function run(command: string, args: string[], shell = false): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', shell });
  if (result.status !== 0) {
    console.error(`"${[command, ...args].join(' ')}" failed${result.status === null ? '' : ` with exit code ${result.status}`}; see its output above.`);
    process.exit(result.status || 1);
  }
}

function main(argv: string[]): void {
  if (!findElectronBinary()) {
    console.error(noElectronForDist(electronVersion()));
    process.exit(1);
  }
  // npm is npm.cmd on Windows, which only a shell runs.
  run('npm', ['run', 'build'], process.platform === 'win32');
  run(process.execPath, [path.join(ROOT, 'node_modules', 'electron-builder', 'cli.js'), '--config', BUILDER_CONFIG, ...argv]);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main(process.argv.slice(2));
