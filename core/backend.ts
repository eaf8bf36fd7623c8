/**
 * The core as both hosts see it: bridge handlers plus a stream of pushes. It opens the cache (migrating it), reads
 * it through read threads (core/read) and syncs it in a worker thread, so the host's own thread only routes.
 * Everything here is plain Node; the Electron main process and the web host each wrap it in their own transport.
 */
import { EventEmitter } from 'node:events';
import { BridgeError, type BridgeHandlers, type HostKind, type Push, type PushName, type SyncStatus } from '../shared/bridge/contract';
import type { SceneDelta } from '../shared/bridge/scene';
import type { ApiConnectionInput, ApiConnectionView } from '../shared/settings';
import { toShanghaiIso } from '../shared/time';
import { ReadPool } from './read/pool';
import type { ReadApi } from './read/service';
import { importHandlers } from './imports/handlers';
import { Uploads } from './imports/uploads';
import { reportHandlers } from './report/handlers';
import type { PdfPrinter } from './report/pdf';
import { NO_API_STORE } from './settings/api-connection';
import { SettingsStore, type SettingsSource } from './settings/store';
import type { ApiConfig } from './sync/api-client';
import type { SyncEngineOptions } from './sync/engine';
import { SyncService } from './sync/service';

/** The push that makes every wall re-read its regions and figures (new reference data, another source). */
const RE_READ_ALL: SceneDelta = { seq: 0, events: [], removed: [], grids: [], counts: null, totalsChanged: true, referenceChanged: true };

export interface Backend {
  readonly handlers: BridgeHandlers;
  /** Where a host puts a file the operator gave it for an import (web: an upload; desktop: a dropped file's path). */
  readonly uploads?: Uploads;
  onPush(listener: <N extends PushName>(name: N, payload: Push<N>) => void): () => void;
  close(): Promise<void>;
}

/** The backend as createBackend makes it: also the settings hosts follow, and the switch between central APIs. */
export interface CoreBackend extends Backend {
  readonly settings: SettingsSource;
  readonly uploads: Uploads;
  /** Stops syncing the current central API (its cache closed), then opens the next one's and syncs it. */
  useData(next: () => Promise<DataOptions>): Promise<void>;
}

export interface DataOptions {
  cacheFile: string;
  api: ApiConfig;
  /** The source is the bundled demo central server: every screen says 演示数据. */
  demo: boolean;
  engine?: Omit<SyncEngineOptions, 'now' | 'random' | 'demo'>;
  /** Tests and benchmarks may run without the live stream. */
  sync?: 'follow' | 'off';
}

/** The central API connection as the Settings page sees and changes it (the runtime provides it). */
export interface ApiConnectionControl {
  view(): ApiConnectionView;
  /** Stores the connection and switches syncing to it; resolves with the new view. */
  apply(input: ApiConnectionInput): Promise<ApiConnectionView>;
}

export interface BackendOptions {
  host: HostKind;
  version: string;
  locale?: 'zh-CN' | 'en-US';
  /** Role of the connection the handlers serve (web host viewers are read-only). */
  role?: 'viewer' | 'operator';
  districtName?: string;
  data?: DataOptions;
  /** The settings; by default kept in memory only. */
  settings?: SettingsStore;
  /** Without it the connection is shown from `data` and cannot be changed (the host's environment sets it). */
  apiConnection?: ApiConnectionControl;
  /** Where the host writes its log files, shown on the Settings page. */
  logFolder?: string | null;
  now?: () => number;
  log?: (line: string) => void;
  /** Files handed to the host for imports (the host adds them; the 导入 page names them by id). */
  uploads?: Uploads;
  /** Prints the 通报's PDF (the desktop app: Electron's printToPDF); headless Chromium by default. */
  pdfPrinter?: PdfPrinter;
  /** Told, for every live delta pushed, how long after its batch committed it was pushed (benchmarks). */
  onPushLag?: (ms: number) => void;
}

interface OpenData {
  options: DataOptions;
  reads: ReadPool;
  sync: SyncService | null;
  /** Settles when the cache is open (and the sync started). */
  ready: Promise<void>;
}

export function createBackend(options: BackendOptions): CoreBackend {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const publish = <N extends PushName>(name: N, payload: Push<N>) => emitter.emit('push', name, payload);
  const settings = options.settings ?? new SettingsStore(null, log);
  const stopSettingsPush = settings.onChange((next) => publish('settings.changed', next));

  let data: OpenData | null = null;
  let switching = false;
  let status: SyncStatus = idleStatus(options.data ?? null);
  const setStatus = (next: SyncStatus) => {
    status = next;
    publish('sync.status', status);
  };

  function idleStatus(d: DataOptions | null): SyncStatus {
    return {
      state: 'idle',
      source: d?.api.label ?? d?.api.baseUrl ?? '',
      demo: d?.demo ?? false,
      lastContact: null,
      progress: null,
      retryInSeconds: null,
      quarantined: 0,
      message: null,
      problem: null,
    };
  }

  /**
   * Opens the cache on the read pool's first thread (migrating and checking it there, not on this thread) and, once
   * it is open, starts the sync. `replace`: the background check found the file damaged; it is set aside first.
   * `ready` settles when the cache is open, rejecting with the sentence when it cannot be (a newer schema, a full disk).
   */
  function open(d: DataOptions, replace?: string): OpenData {
    // With a sync worker the full integrity check runs there, in the background: the wall starts at once.
    const background = d.sync !== 'off';
    const reads = new ReadPool(d.cacheFile, { open: { integrity: background ? 'deferred' : 'full', replace } });
    status = idleStatus(d);
    // Reports from a cache or a sync that has been replaced are dropped.
    const live = () => data === current;
    const current: OpenData = {
      options: d,
      reads,
      sync: null,
      ready: reads.opened.then((opened) => {
        if (!live() || !opened) return;
        if (opened.migrated) log(`cache upgraded from schema ${opened.migrated.from} to ${opened.migrated.to} in ${(opened.migrated.ms / 1000).toFixed(1)} s`);
        status = { ...status, lastContact: opened.lastContact, quarantined: opened.quarantined };
        if (opened.rebuilt) {
          status.message = `The cache file was damaged and has been moved aside (${opened.rebuilt.movedTo}); it is being rebuilt from the central API.`;
          status.problem = { code: 'cache_rebuilt', detail: status.message };
          log(`cache rebuilt: ${opened.rebuilt.reason}`);
        }
        publish('sync.status', status);
        if (background) current.sync = startSync(current, live);
      }),
    };
    return current;
  }

  function startSync(current: OpenData, live: () => boolean): SyncService {
    const d = current.options;
    const sync = new SyncService(
      { cacheFile: d.cacheFile, api: d.api, engine: { ...d.engine, demo: d.demo }, mode: 'follow', checkIntegrity: true },
      {
        corrupt: (reason) => {
          if (live()) void replaceDamaged(d, reason);
        },
        // Keep telling the user the cache is being rebuilt until the bootstrap is done.
        status: (s) => {
          if (live())
            setStatus(
              status.problem?.code === 'cache_rebuilt' && s.state === 'syncing' && !s.problem ? { ...s, message: status.message, problem: status.problem } : s,
            );
        },
        reference: () => {
          if (!live()) return;
          current.reads.api.reloadReference().then(
            () => live() && publish('scene.delta', RE_READ_ALL),
            (error: Error) => log(`reference data not re-read: ${error.message}`),
          );
        },
        // Deltas come back in the order of their batches: the wall's read thread answers one request at a time.
        batch: (batch) => {
          if (!live()) return;
          current.reads.api.delta(batch, now()).then(
            (delta) => {
              if (!delta || !live()) return;
              publish('scene.delta', delta);
              if (batch.committedAt) options.onPushLag?.(Date.now() - batch.committedAt);
            },
            (error: Error) => log(`live delta not pushed: ${error.message}`),
          );
        },
      },
    );
    sync.finished.catch((error: Error) => {
      if (!live()) return;
      log(`sync worker failed: ${error.message}`);
      setStatus({ ...status, state: 'error', message: error.message, problem: { code: 'internal', detail: error.message } });
    });
    return sync;
  }

  /** A cache that could not be opened: the status bar says why; nothing is read or synced until another source. */
  function openFailed(error: Error) {
    const message = `The data cache could not be opened: ${error.message}`;
    log(message);
    setStatus({ ...status, state: 'error', message, problem: { code: 'internal', detail: message } });
  }

  /** The background check found the cache damaged: set it aside, start an empty one and sync it from the API. */
  async function replaceDamaged(d: DataOptions, reason: string) {
    log(`cache damaged: ${reason}`);
    switching = true;
    try {
      await closeData();
      data = open(d, reason);
      await data.ready;
    } catch (error) {
      const message = `The damaged cache could not be replaced: ${(error as Error).message}`;
      log(message);
      setStatus({ ...status, state: 'error', message, problem: { code: 'internal', detail: message } });
      return;
    } finally {
      switching = false;
    }
    publish('scene.delta', RE_READ_ALL);
  }

  async function closeData() {
    const d = data;
    data = null;
    await d?.sync?.stop();
    await d?.reads.close();
  }

  if (options.data) {
    const first = (data = open(options.data));
    first.ready.catch((error: Error) => data === first && openFailed(error));
  }

  const requireReads = (): ReadApi => {
    if (data) return data.reads.api;
    if (switching) throw new BridgeError({ code: 'unavailable', message: 'The central API is being switched; the data is back in a moment.' });
    throw new BridgeError({ code: 'unavailable', message: 'This host has no data cache configured.' });
  };

  const viewFromData = (): ApiConnectionView => {
    const d = data?.options ?? options.data;
    return {
      baseUrl: d && !d.demo ? d.api.baseUrl : null,
      tokenSet: !!d && !d.demo,
      caFile: d?.api.caFile ?? null,
      proxy: d?.api.proxy ?? null,
      source: d && !d.demo ? 'environment' : 'demo',
      editable: false,
    };
  };
  const apiConnection: ApiConnectionControl = options.apiConnection ?? {
    view: viewFromData,
    apply: async () => {
      throw new BridgeError({ code: 'forbidden', message: NO_API_STORE });
    },
  };

  const uploads = options.uploads ?? new Uploads(now);
  const handlers: BridgeHandlers = {
    'app.info': async () => ({
      name: 'Grid Command Center',
      version: options.version,
      host: options.host,
      now: toShanghaiIso(now()),
      locale: options.locale ?? 'zh-CN',
      districtName: options.districtName ?? '广安区',
      role: options.role ?? 'operator',
    }),
    'app.echo': async ({ text }) => ({ text, at: toShanghaiIso(now()) }),
    'sync.status': async () => status,
    'scene.snapshot': async ({ window, region, view }) => requireReads().snapshot(window, now(), region ?? null, view ?? null),
    'map.regions': async () => requireReads().mapRegions(),
    'regions.list': async () => requireReads().regionList(),
    'grid.detail': async ({ gridId }) => requireReads().gridDetail(gridId, now()),
    ...reportHandlers({ reads: requireReads, now, role: options.role, pdfPrinter: options.pdfPrinter }),
    'settings.get': async () => ({ settings: settings.get(), api: apiConnection.view(), logFolder: options.logFolder ?? null }),
    'settings.update': async (patch) => settings.update(patch),
    'settings.api': async (input) => apiConnection.apply(input),
    ...importHandlers({ target: () => (data ? { api: data.options.api, demo: data.options.demo } : null), uploads }),
  };

  return {
    handlers,
    settings,
    uploads,
    onPush(listener) {
      const wrapped = (name: PushName, payload: unknown) => listener(name, payload as never);
      emitter.on('push', wrapped);
      return () => emitter.off('push', wrapped);
    },
    async useData(next) {
      switching = true;
      try {
        await closeData();
        data = open(await next());
        await data.ready;
      } catch (error) {
        const message = `The new central API could not be opened: ${(error as Error).message}`;
        log(message);
        setStatus({ ...idleStatus(null), state: 'error', message, problem: { code: 'internal', detail: message } });
        throw error;
      } finally {
        switching = false;
      }
      publish('sync.status', status);
      // Walls re-read the regions and every figure: they belong to the new source.
      publish('scene.delta', RE_READ_ALL);
    },
    async close() {
      stopSettingsPush();
      await closeData();
      emitter.removeAllListeners();
    },
  };
}
