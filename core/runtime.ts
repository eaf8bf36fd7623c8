/**
 * Starting the core the way both hosts do: the central API from Settings (hosts that can keep its token), else the
 * configured environment, else the embedded default: the bundled central data service as a child process on a
 * free loopback port, its demo source keeping Guang'an in a store file in the data folder, with its own cache file
 * so demo data never mixes with a real district's. A new connection from the Settings page
 * applies at once: syncing stops, the right cache opens and syncing starts against the new API.
 */
import path from 'node:path';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { BridgeError } from '../shared/bridge/contract';
import { cacheSource } from './cache/reads';
import type { ApiConnectionInput, ApiConnectionView } from '../shared/settings';
import { createBackend, type BackendOptions, type CoreBackend, type DataOptions } from './backend';
import { apiFromEnvironment, defaultDataDir } from './config';
import { startEmbeddedCentral, type EmbeddedCentral, type ProgramLauncher } from './embedded-central';
import { checkCaFile, NO_API_STORE, NO_SECRET_STORAGE, type ApiConnectionStore } from './settings/api-connection';
import { SettingsStore, type SettingsSource } from './settings/store';
import type { ApiConfig } from './sync/api-client';

export interface CoreOptions extends Omit<BackendOptions, 'data' | 'settings' | 'apiConnection'> {
  /** The central API; null or absent means the embedded demo. Defaults to the GCC_API_* environment. */
  api?: ApiConfig | null;
  /** The connection entered on the Settings page, kept by a host that can keep its token (Electron). */
  apiStore?: ApiConnectionStore;
  dataDir?: string;
  cacheFile?: string;
  /** The settings; by default settings.json in the data folder. */
  settings?: SettingsStore;
  /** Tests and benchmarks may run without syncing. */
  sync?: 'follow' | 'off';
  /** How the embedded central service is run (Electron: a utility process); Node's child_process by default. */
  centralLauncher?: ProgramLauncher;
  /** Embedded demo knobs: live events per second (default 0.05), seed; the packaged resources folder. */
  demo?: { rate?: number; seed?: number | string; events?: number; resourcesDir?: string };
}

export interface Core {
  backend: CoreBackend;
  settings: SettingsSource;
  /** The embedded central service while the demo is the source. */
  readonly demoServer: EmbeddedCentral | null;
  readonly cacheFile: string;
  close(): Promise<void>;
}

type Origin = ApiConnectionView['source'];

/** The source a cache was filled from, as the sync engine records it (no trailing slash). */
const sourceOf = (api: ApiConfig) => (api.label ?? api.baseUrl).replace(/\/+$/, '');

/**
 * A cache filled from another central API must not be continued from this one (its cursor and rows belong to
 * the other): it is moved aside and the cache is rebuilt from the new API.
 */
function setAsideForeignCache(cacheFile: string, api: ApiConfig, log: (line: string) => void) {
  if (!existsSync(cacheFile)) return;
  const recorded = cacheSource(cacheFile);
  if (!recorded || recorded.replace(/\/+$/, '') === sourceOf(api)) return;
  const movedTo = `${cacheFile}.replaced-${Date.now()}`;
  renameSync(cacheFile, movedTo);
  for (const suffix of ['-wal', '-shm']) if (existsSync(cacheFile + suffix)) renameSync(cacheFile + suffix, movedTo + suffix);
  log(`The cache was filled from ${recorded}, not from ${sourceOf(api)}; it was moved to ${movedTo} and is rebuilt from the new central API.`);
}

export async function startCore(options: CoreOptions): Promise<Core> {
  const { apiStore } = options;
  const log = options.log ?? (() => {});
  const dataDir = options.dataDir ?? defaultDataDir();
  const settings = options.settings ?? new SettingsStore(path.join(dataDir, 'settings.json'), log);
  const fromHost = options.api === undefined ? apiFromEnvironment() : options.api;

  let stored: ApiConfig | null = null;
  try {
    stored = apiStore?.load() ?? null;
  } catch (error) {
    log(`${(error as Error).message} Using ${fromHost ? 'the central API from the environment' : 'the demo data'} until it is entered again.`);
  }
  let connection: { api: ApiConfig | null; origin: Origin } = stored
    ? { api: stored, origin: 'settings' }
    : fromHost
      ? { api: fromHost, origin: 'environment' }
      : { api: null, origin: 'demo' };
  let demoServer: EmbeddedCentral | null = null;
  let cacheFile = '';

  async function dataFor(api: ApiConfig | null): Promise<DataOptions> {
    if (api) {
      cacheFile = options.cacheFile ?? path.join(dataDir, 'cache.sqlite');
      setAsideForeignCache(cacheFile, api, log);
      return { cacheFile, api, demo: false, sync: options.sync };
    }
    cacheFile = options.cacheFile ?? path.join(dataDir, 'demo-cache.sqlite');
    const storeFile = path.join(dataDir, 'demo-central.sqlite');
    // A demo cache without its store was filled from a store that is gone (or from the old in-process generator,
    // whose revs were times): its cursor means nothing to a new store, so it is rebuilt.
    const firstStart = !existsSync(storeFile);
    if (firstStart) for (const suffix of ['', '-wal', '-shm']) rmSync(cacheFile + suffix, { force: true });
    if (!demoServer) {
      if (firstStart) log('First start on the demo data: filling its store (about 10 seconds).');
      demoServer = await startEmbeddedCentral({
        storeFile,
        rate: options.demo?.rate,
        seed: options.demo?.seed,
        events: options.demo?.events,
        resourcesDir: options.demo?.resourcesDir,
        launcher: options.centralLauncher,
        log,
      });
    }
    return { cacheFile, api: { baseUrl: demoServer.url, token: demoServer.token, label: 'demo' }, demo: true, sync: options.sync };
  }

  const view = (): ApiConnectionView => {
    const editable = !!apiStore && apiStore.canKeepSecrets();
    const described = connection.origin === 'settings' ? apiStore?.describe() : null;
    if (described) return { ...described, source: 'settings', editable };
    const api = connection.api;
    return { baseUrl: api?.baseUrl ?? null, tokenSet: !!api, caFile: api?.caFile ?? null, proxy: api?.proxy ?? null, source: connection.origin, editable };
  };

  let switching: Promise<unknown> = Promise.resolve();
  async function apply(input: ApiConnectionInput): Promise<ApiConnectionView> {
    if (!apiStore) throw new BridgeError({ code: 'forbidden', message: NO_API_STORE });
    if (!apiStore.canKeepSecrets()) throw new BridgeError({ code: 'forbidden', message: NO_SECRET_STORAGE });
    checkCaFile(input.caFile);
    // One switch at a time; the last one saved wins.
    const run = switching.then(async () => {
      apiStore.save(input);
      const api = apiStore.load();
      if (!api) throw new Error('The central API settings were saved but cannot be read back.');
      connection = { api, origin: 'settings' };
      await backend.useData(() => dataFor(api));
      if (demoServer) {
        await demoServer.close();
        demoServer = null;
      }
      log(`Syncing from the central API at ${api.baseUrl} (changed in Settings).`);
    });
    switching = run.catch(() => {});
    await run;
    return view();
  }

  const backend = createBackend({ ...options, settings, data: await dataFor(connection.api), apiConnection: { view, apply } });
  return {
    backend,
    settings,
    get demoServer() {
      return demoServer;
    },
    get cacheFile() {
      return cacheFile;
    },
    async close() {
      await switching;
      await backend.close();
      await demoServer?.close();
    },
  };
}
