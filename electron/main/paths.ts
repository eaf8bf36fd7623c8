/**
 * Where the built pieces sit relative to the built main (dist/electron/main.js), the same in a checkout and
 * inside a packaged app.asar: dist/electron/preload.cjs and dist/renderer/.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppPaths {
  /** The Vite build of the renderer (index.html + assets), served as app://gcc/. */
  rendererDir: string;
  /** The sandboxed preload, bundled to CommonJS. */
  preloadPath: string;
  /** resources/data (district outline and division names) for the embedded demo server. */
  resourcesDataDir: string;
}

export function resolveAppPaths(mainModuleUrl: string): AppPaths {
  const here = path.dirname(fileURLToPath(mainModuleUrl));
  return {
    rendererDir: path.resolve(here, '..', 'renderer'),
    preloadPath: path.join(here, 'preload.cjs'),
    // A checkout keeps resources/ beside dist/; GCC_RESOURCES_DIR points elsewhere (tests, packaged layouts).
    resourcesDataDir: path.join(process.env.GCC_RESOURCES_DIR ?? path.resolve(here, '..', '..', 'resources'), 'data'),
  };
}
