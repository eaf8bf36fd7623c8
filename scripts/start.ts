/**
 * `npm start`: opens the desktop app when an Electron binary is present; otherwise says so in one paragraph and
 * serves the same app through the web host, printing its URL. `--web` forces the web host.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { electronVersion, findElectronBinary, noElectronParagraph } from './lib/electron-binary';
import { ensureRendererBuilt, ROOT } from './lib/renderer-build';
import { SERVE_HELP, serve } from './serve';

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(
      `Usage: npm start -- [--web] [web host options]\n\nOpens the desktop app, or the web host when Electron is not installed (or with --web).\n\n${SERVE_HELP}`,
    );
    return;
  }
  const forceWeb = argv.includes('--web');
  const electron = forceWeb ? null : findElectronBinary();
  if (electron) {
    await ensureRendererBuilt();
    const { buildElectron } = await import('./build-electron');
    await buildElectron();
    const child = spawn(electron, [path.join(ROOT, 'dist', 'electron', 'main.js')], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  if (!forceWeb) console.log(`${noElectronParagraph(electronVersion())}\n`);
  const { url, close } = await serve(argv.filter((a) => a !== '--web'));
  console.log('Grid Command Center is being served at:');
  console.log(url);
  const stop = () => void close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
