/**
 * Entry of the Electron main process (bundled to dist/electron/main.js by scripts/build-electron.ts).
 * Everything happens in app.ts; this file only finds the built pieces, opens the log file and reports a failed start.
 */
import { app } from 'electron';
import { autoUpdater } from 'electron-updater';
import { startApp } from './app';
import { createFileLog } from './log';
import { resolveAppPaths } from './paths';

/** Set by the build from package.json; running unbundled falls back to Electron's idea of the version. */
declare const __GCC_VERSION__: string | undefined;
const version = typeof __GCC_VERSION__ === 'string' ? __GCC_VERSION__ : app.getVersion();

process.setSourceMapsEnabled(true); // stack traces in the log point at the TypeScript sources

const log = createFileLog();
// Logged instead of Electron's error dialog, which nobody is in front of the wall to dismiss.
process.on('uncaughtException', (error) => log.error('Uncaught exception in the main process', error));
process.on('unhandledRejection', (reason) => log.error('Unhandled promise rejection in the main process', reason));

startApp({
  ...resolveAppPaths(import.meta.url, app.isPackaged ? process.resourcesPath : undefined),
  version,
  log,
  // electron-updater makes its updater on first use, i.e. only once Settings name an update server.
  loadUpdater: async () => autoUpdater,
}).catch((error: unknown) => {
  log.error('Grid Command Center could not start.', error);
  app.exit(1);
});
