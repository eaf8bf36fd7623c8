/**
 * Entry of the Electron main process (bundled to dist/electron/main.js by scripts/build-electron.ts).
 * Everything happens in app.ts; this file only finds the built pieces and reports a failed start.
 */
import { app } from 'electron';
import { startApp } from './app';
import { consoleLog } from './log';
import { resolveAppPaths } from './paths';

/** Set by the build from package.json; running unbundled falls back to Electron's idea of the version. */
declare const __GCC_VERSION__: string | undefined;
const version = typeof __GCC_VERSION__ === 'string' ? __GCC_VERSION__ : app.getVersion();

process.setSourceMapsEnabled(true); // stack traces in the log point at the TypeScript sources

startApp({ ...resolveAppPaths(import.meta.url), version, log: consoleLog }).catch((error: unknown) => {
  consoleLog.error('Grid Command Center could not start.', error);
  app.exit(1);
});
