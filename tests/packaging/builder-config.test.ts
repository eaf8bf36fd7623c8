/**
 * The packaging configuration, checked without packaging (there is no Electron here): electron-builder.config.cjs
 * loaded the way `electron-builder --config` loads it, validated against electron-builder's own JSON schema (with
 * ajv, and with electron-builder's own validator), and the choices that matter asserted: targets and arches, the
 * native add-on outside the asar, the fuses, the files the app needs, the icons, and `npm run dist` refusing early.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import type { Configuration } from 'app-builder-lib';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { resolveAppPaths } from '../../electron/main/paths';
import { BUILDER_CONFIG } from '../../scripts/dist';
import { ROOT } from '../../scripts/lib/renderer-build';

const require = createRequire(import.meta.url);
// A copy: electron-builder's own loader (below) gets the same cached module and normalises it in place.
const config = structuredClone(require(path.join(ROOT, BUILDER_CONFIG))) as Configuration;
const schema = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'));
// electron-builder compiles its schema the same way (its `typeof` keyword is unknown to ajv, hence strict: false).
const validateConfig = new Ajv({ strict: false, allErrors: true }).compile(schema);

type Target = { target: string; arch: string[] };
const targets = (platform: { target?: unknown } | null | undefined) => (platform?.target ?? []) as Target[];

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature').toBe(true);
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('electron-builder configuration', () => {
  it("validates against electron-builder's JSON schema (ajv, no type coercion)", () => {
    expect(validateConfig(config), JSON.stringify(validateConfig.errors, null, 1)).toBe(true);
  });

  it('is found, loaded and accepted by electron-builder itself as `--config` would', async () => {
    const loaded = await getConfig(ROOT, BUILDER_CONFIG, null);
    expect(loaded.appId).toBe(config.appId);
    await expect(validateConfiguration(loaded, { isEnabled: false } as never)).resolves.toBeUndefined();
  });

  it('refuses a wrong option, so the schema check is not vacuous', () => {
    expect(validateConfig({ ...config, asarUnpacked: ['x'] })).toBe(false);
    expect(validateConfig({ ...config, linux: { ...config.linux, target: [{ target: 'AppImage', arch: ['sparc'] }] } })).toBe(false);
  });

  it('builds an NSIS installer for Windows x64, and AppImage and deb for Linux x64 and arm64 (Kylin, UOS)', () => {
    expect(targets(config.win)).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(targets(config.linux)).toEqual([
      { target: 'AppImage', arch: ['x64', 'arm64'] },
      { target: 'deb', arch: ['x64', 'arm64'] },
    ]);
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z-]+)+$/);
    expect(config.productName).toBe('Grid Command Center');
    expect(config.nsis?.shortcutName).toBe('网格化服务管理指挥中心');
  });

  it('packs the app in an asar with better-sqlite3 unpacked and rebuilt for Electron', () => {
    expect(config.asar).toBe(true);
    const unpacked = [config.asarUnpack ?? []].flat() as string[];
    const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    expect(unpacked.some((pattern) => minimatch(addon, pattern, { dot: true }))).toBe(true);
    expect(unpacked.some((pattern) => minimatch('node_modules/zod/index.js', pattern))).toBe(false);
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(false);
  });

  it('sets the fuses of the security checklist', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('ships what `npm run build` makes, where the main process looks for it, and the demo data beside the asar', () => {
    const main = (config.extraMetadata as { main: string }).main;
    expect(main).toBe('dist/electron/main.js');
    const files = config.files as string[];
    const relative = (p: string) => path.relative(ROOT, p).split(path.sep).join('/');
    const paths = resolveAppPaths(pathToFileURL(path.join(ROOT, main)).href);
    for (const needed of [
      main,
      relative(paths.preloadPath),
      `${relative(paths.rendererDir)}/index.html`,
      'dist/electron/core-worker.js',
      'dist/electron/package.json',
      'package.json',
    ]) {
      expect(
        files.some((pattern) => minimatch(needed, pattern)),
        needed,
      ).toBe(true);
    }
    expect(config.extraResources).toContainEqual({ from: 'resources/data', to: 'data' });
    expect(config.extraResources).toContainEqual({ from: 'resources/openapi.json', to: 'openapi.json' });
    // …and the packaged main process looks for it there (process.resourcesPath), not inside app.asar.
    const packaged = resolveAppPaths(pathToFileURL('/opt/gcc/resources/app.asar/dist/electron/main.js').href, '/opt/gcc/resources');
    expect(packaged.resourcesDir).toBe('/opt/gcc/resources');
    expect(packaged.rendererDir).toBe('/opt/gcc/resources/app.asar/dist/renderer');
    for (const file of ['guangan-counties.geojson', 'guangan-divisions.json']) expect(existsSync(path.join(ROOT, 'resources', 'data', file)), file).toBe(true);
  });

  it('publishes to a generic (intranet) server for electron-updater, a placeholder that never resolves', () => {
    expect(config.publish).toEqual([{ provider: 'generic', url: expect.stringMatching(/^https:\/\/[^/]+\.invalid\//) }]);
  });

  it('has the icons: PNGs of 512 and 256 px, and an .ico with 16 to 256 px images', () => {
    const dir = path.join(ROOT, config.linux?.icon as string);
    for (const size of [512, 256]) expect(pngSize(readFileSync(path.join(dir, `${size}x${size}.png`)))).toEqual([size, size]);
    expect(existsSync(path.join(dir, 'icon.svg'))).toBe(true);

    const ico = readFileSync(path.join(ROOT, config.win?.icon as string));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => {
      const entry = 6 + 16 * i;
      const size = ico[entry] || 256;
      const image = ico.subarray(ico.readUInt32LE(entry + 12), ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8));
      expect(pngSize(image)).toEqual([size, size]);
      return size;
    });
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });
});

describe('npm run dist', () => {
  it('is a script of package.json', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.dist).toBe('tsx scripts/dist.ts');
  });

  it('stops before building when Electron has not been fetched, saying what to do', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'dist.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: path.join(ROOT, 'no-such-electron') },
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^Packaging needs Electron \d+\.\d+\.\d+, and it has not been fetched on this machine, so nothing was built\./);
    expect(run.stderr).toContain('npm run desktop:fetch');
    expect(run.stderr).toContain('ELECTRON_MIRROR');
  });
});
