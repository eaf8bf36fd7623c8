/**
 * The real build (scripts/build-electron.ts, esbuild) and the built main process booted against the fake
 * electron in a child Node process, the way Electron loads it (CommonJS require of dist/electron/main.js).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildElectron, externalModules, type BuiltElectron } from '../../scripts/build-electron';
import { CONTENT_SECURITY_POLICY } from '../../shared/security/csp';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/boot-built-main.ts', import.meta.url));

let built: BuiltElectron;

beforeAll(async () => {
  const dist = mkdtempSync(path.join(os.tmpdir(), 'gcc-dist-'));
  mkdirSync(path.join(dist, 'renderer'));
  writeFileSync(path.join(dist, 'renderer', 'index.html'), '<!doctype html><title>built</title>');
  built = await buildElectron({ outDir: path.join(dist, 'electron') });
});

/** "electron-log/node" → "electron-log", "@scope/pkg/sub" → "@scope/pkg". */
const packageOf = (request: string) =>
  request
    .split('/')
    .slice(0, request.startsWith('@') ? 2 : 1)
    .join('/');

const requires = (file: string) => [...new Set([...readFileSync(file, 'utf8').matchAll(/\brequire\((["'])([^"']+)\1\)/g)].map((m) => m[2]!))];

describe('npm run build:electron', () => {
  it('writes main.js, preload.cjs and (for the core) core-worker.js, in a CommonJS folder', () => {
    expect(path.basename(built.mainPath)).toBe('main.js');
    expect(path.basename(built.preloadPath)).toBe('preload.cjs');
    expect(JSON.parse(readFileSync(path.join(built.outDir, 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    expect(built.workerPath && path.basename(built.workerPath)).toBe('core-worker.js');
  });

  it('the sandboxed preload requires nothing but electron', () => {
    expect(requires(built.preloadPath)).toEqual(['electron']);
  });

  it('the main bundle requires only electron, runtime dependencies and Node built-ins (everything else is bundled)', () => {
    const allowed = new Set([...externalModules(), ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    for (const file of [built.mainPath, built.workerPath!, built.centralPath]) {
      const outside = requires(file).filter((name) => !allowed.has(name) && !allowed.has(packageOf(name)));
      expect(outside, path.basename(file)).toEqual([]);
    }
    // electron-log and electron-updater stay outside the bundle: they ship in node_modules.
    expect(requires(built.mainPath)).toEqual(expect.arrayContaining(['electron', 'electron-log/node', 'electron-updater']));
    expect(externalModules()).toEqual(expect.arrayContaining(['electron', 'better-sqlite3']));
  });

  it('the built main boots against the fake electron: scheme before ready, secure window on app://gcc, bridge answers', { timeout: 120_000 }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', FIXTURE, built.mainPath], {
      cwd: ROOT,
      // The temporary dist folder is outside the repository: let it find the native add-ons.
      env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), GCC_RESOURCES_DIR: path.join(ROOT, 'resources') },
      timeout: 110_000,
    });
    const report = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(report.beforeReady).toEqual({ privileges: null, sandbox: false });
    expect(report.afterRequire).toEqual({ privileges: { standard: true, secure: true, supportFetchAPI: true }, sandbox: true, ready: false });
    expect(report.windows).toHaveLength(1);
    expect(report.windows[0].webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: built.preloadPath });
    expect(report.windows[0].loads).toEqual([{ url: 'app://gcc/#/wall/overview?display=primary', status: 200, csp: CONTENT_SECURITY_POLICY }]);
    const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(report.info).toMatchObject({ ok: true, reply: { host: 'electron', version } });
    // The log file is written through electron-log into the app's logs folder.
    expect(report.log).toMatch(/\[info\] {2}Opening the wall on display "primary"/);
  });

  it(
    'central.js, the embedded central data service, runs on its own from the bundle: the demo in a store, the contract served',
    { timeout: 120_000 },
    async () => {
      const store = path.join(mkdtempSync(path.join(os.tmpdir(), 'gcc-built-central-')), 'demo-central.sqlite');
      const child = spawn(
        process.execPath,
        [
          built.centralPath,
          '--embedded',
          '--exit-with-stdin',
          '--demo',
          '--store',
          store,
          '--port',
          '0',
          '--events',
          '3000',
          '--rate',
          '0',
          '--resources',
          path.join(ROOT, 'resources'),
        ],
        {
          env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), GCC_CENTRAL_TOKEN: 'built-token' },
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      try {
        const url = await new Promise<string>((resolve, reject) => {
          child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim().split('\n')[0]!));
          child.once('exit', (code) => reject(new Error(`central.js exited with ${code}`)));
        });
        const get = async (p: string, token = 'built-token') => fetch(new URL(p, url), { headers: { authorization: `Bearer ${token}` } });
        const meta = (await (await get('v1/meta')).json()) as { demo: boolean; head_rev: number; district: { name: string } };
        expect(meta).toMatchObject({ demo: true, district: { name: '广安区' } });
        expect(meta.head_rev).toBeGreaterThan(2000);
        expect((await get('v1/meta', 'wrong')).status).toBe(401);
        expect(((await (await get('openapi.json')).json()) as { openapi: string }).openapi).toMatch(/^3\./);
        // The app's pipe closing ends the service (a killed app leaves nothing behind).
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.stdin.end();
        await exited;
      } finally {
        child.kill('SIGKILL');
      }
    },
  );
});
