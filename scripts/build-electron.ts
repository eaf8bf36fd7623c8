/**
 * `npm run build:electron`: bundles the Electron main process and the sandboxed preload with esbuild.
 *
 *   electron/main/index.ts    → dist/electron/main.js        CommonJS (dist/electron/package.json says so), Node
 *   core/worker.ts            → dist/electron/core-worker.js the core's worker threads (sync, checkpointer, reads),
 *                                                          which core/threads.ts looks for next to the bundle
 *   central/main.ts           → dist/electron/central.js     the embedded central data service, which the core starts
 *                                                          as a utility process (its own program: the app never
 *                                                          imports the central layer)
 *   electron/preload/index.ts → dist/electron/preload.cjs    CommonJS, the only form a sandboxed preload can take
 *
 * The main process is CommonJS on purpose: it loads synchronously, so everything Electron accepts only before
 * `ready` (privileged schemes, the sandbox switch) is certain to run in time, and bundled CommonJS dependencies
 * keep a real `require`. Electron and native add-ons are never bundled.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BuildElectronOptions {
  /** Repository root (default: this checkout). */
  root?: string;
  /** Output folder (default: <root>/dist/electron). */
  outDir?: string;
  minify?: boolean;
}

export interface BuiltElectron {
  outDir: string;
  mainPath: string;
  preloadPath: string;
  /** Null when the core has no sync worker. */
  workerPath: string | null;
  centralPath: string;
}

/** Optional native helpers some dependencies try to load; never bundled either. */
const OPTIONAL_NATIVE = ['bufferutil', 'utf-8-validate', 'fsevents'];

/**
 * electron, plus every runtime dependency: they ship in node_modules (packaged into app.asar, native add-ons
 * unpacked), and several load parts of themselves by computed require (fastify's ajv, playwright-core).
 */
export function externalModules(root: string = ROOT): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const native = Object.keys(pkg.dependencies ?? {}).filter((name) => {
    const dir = path.join(root, 'node_modules', name);
    return existsSync(path.join(dir, 'binding.gyp')) || existsSync(path.join(dir, 'prebuilds'));
  });
  return [...new Set(['electron', 'better-sqlite3', ...native, ...OPTIONAL_NATIVE, ...Object.keys(pkg.dependencies ?? {})])];
}

export async function buildElectron(options: BuildElectronOptions = {}): Promise<BuiltElectron> {
  const root = options.root ?? ROOT;
  const outDir = options.outDir ?? path.join(root, 'dist', 'electron');
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const mainPath = path.join(outDir, 'main.js');
  const preloadPath = path.join(outDir, 'preload.cjs');
  const common = { bundle: true, sourcemap: true, legalComments: 'none', logLevel: 'warning', absWorkingDir: root, minify: options.minify ?? false } as const;

  mkdirSync(outDir, { recursive: true });
  // The repository is "type": "module"; this folder's .js files are CommonJS.
  writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);

  // Node-side bundles: import.meta.url (used to find files next to the code) becomes this file's own URL.
  const nodeBundle = (entry: string, outfile: string) =>
    build({
      ...common,
      entryPoints: [entry],
      outfile,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      external: externalModules(root),
      define: { __GCC_VERSION__: JSON.stringify(version), 'import.meta.url': '__gccModuleUrl' },
      banner: { js: `"use strict";\nvar __gccModuleUrl = require('node:url').pathToFileURL(__filename).href;` },
    });

  const workerEntry = path.join(root, 'core', 'worker.ts');
  const workerPath = existsSync(workerEntry) ? path.join(outDir, 'core-worker.js') : null;
  const centralPath = path.join(outDir, 'central.js');
  await Promise.all([
    nodeBundle(path.join(root, 'electron', 'main', 'index.ts'), mainPath),
    nodeBundle(path.join(root, 'central', 'main.ts'), centralPath),
    workerPath ? nodeBundle(workerEntry, workerPath) : null,
    build({
      ...common,
      entryPoints: [path.join(root, 'electron', 'preload', 'index.ts')],
      outfile: preloadPath,
      platform: 'browser',
      format: 'cjs',
      target: 'chrome130',
      external: ['electron'],
    }),
  ]);
  return { outDir, mainPath, preloadPath, workerPath, centralPath };
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  buildElectron().then(
    (built) =>
      console.log(
        `Built ${[built.mainPath, built.workerPath, built.centralPath, built.preloadPath]
          .filter(Boolean)
          .map((p) => path.relative(ROOT, p!))
          .join(', ')}`,
      ),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
