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
  /** resources/ (the contract, and data/ with the district outline and division names) for the embedded central service. */
  resourcesDir: string;
}

/**
 * `packagedResources` is Electron's process.resourcesPath in a packaged app: electron-builder puts the demo data
 * there (extraResources → resources/data), outside app.asar, where a checkout has it under resources/.
 */
export function resolveAppPaths(mainModuleUrl: string, packagedResources?: string): AppPaths {
  const here = path.dirname(fileURLToPath(mainModuleUrl));
  const resources = process.env.GCC_RESOURCES_DIR ?? packagedResources ?? path.resolve(here, '..', '..', 'resources');
  return {
    rendererDir: path.resolve(here, '..', 'renderer'),
    preloadPath: path.join(here, 'preload.cjs'),
    resourcesDir: resources,
  };
}
