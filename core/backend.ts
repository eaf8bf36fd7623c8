/**
 * The core as both hosts see it: bridge handlers plus a stream of pushes. It owns the cache's read connection and
 * the query layer, and runs the sync engine in a worker thread. Everything here is plain Node; the Electron main
 * process and the web host each wrap it in their own transport.
 */
import { EventEmitter } from 'node:events';
import { BridgeError, type BridgeHandlers, type HostKind, type Push, type PushName, type SyncStatus } from '../shared/bridge/contract';
import { toShanghaiIso } from '../shared/time/shanghai';
import { openCache, type Db } from './cache/database';
import { SceneQueries } from './query/scene';
import { reportHandlers } from './report/handlers';
import type { ApiConfig } from './sync/api-client';
import type { SyncEngineOptions } from './sync/engine';
import { SyncService } from './sync/service';

export interface Backend {
  readonly handlers: BridgeHandlers;
  onPush(listener: <N extends PushName>(name: N, payload: Push<N>) => void): () => void;
  close(): Promise<void>;
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

export interface BackendOptions {
  host: HostKind;
  version: string;
  locale?: 'zh-CN' | 'en-US';
  /** Role of the connection the handlers serve (web host viewers are read-only). */
  role?: 'viewer' | 'operator';
  districtName?: string;
  data?: DataOptions;
  now?: () => number;
  log?: (line: string) => void;
}

export function createBackend(options: BackendOptions): Backend {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const publish = <N extends PushName>(name: N, payload: Push<N>) => emitter.emit('push', name, payload);

  let db: Db | null = null;
  let queries: SceneQueries | null = null;
  let sync: SyncService | null = null;
  let status: SyncStatus = {
    state: 'idle',
    source: options.data?.api.baseUrl ?? '',
    demo: options.data?.demo ?? false,
    lastContact: null,
    progress: null,
    retryInSeconds: null,
    quarantined: 0,
    message: null,
    problem: null,
  };
  const setStatus = (next: SyncStatus) => {
    status = next;
    publish('sync.status', status);
  };

  if (options.data) {
    const data = options.data;
    const opened = openCache(data.cacheFile);
    db = opened.db;
    queries = new SceneQueries(db);
    const sync_state = db.prepare('SELECT last_contact, (SELECT count(*) FROM quarantine) AS quarantined FROM sync_state WHERE id = 1').get() as { last_contact: string | null; quarantined: number };
    status = { ...status, lastContact: sync_state.last_contact, quarantined: sync_state.quarantined };
    if (opened.rebuilt) {
      status.message = `The cache file was damaged and has been moved aside (${opened.rebuilt.movedTo}); it is being rebuilt from the central API.`;
      status.problem = { code: 'cache_rebuilt', detail: status.message };
      log(`cache rebuilt: ${opened.rebuilt.reason}`);
    }
    if (data.sync !== 'off') {
      sync = new SyncService(
        { cacheFile: data.cacheFile, api: data.api, engine: { ...data.engine, demo: data.demo }, mode: 'follow' },
        {
          // Keep telling the user the cache is being rebuilt until the bootstrap is done.
          status: (s) => setStatus(status.problem?.code === 'cache_rebuilt' && s.state === 'syncing' && !s.problem ? { ...s, message: status.message, problem: status.problem } : s),
          reference: () => {
            queries?.reloadReference();
            publish('scene.delta', { cursorRev: 0, events: [], removed: [], grids: [], totalsChanged: true, referenceChanged: true });
          },
          batch: (batch) => {
            if (!queries) return;
            if (!queries.hasReference) queries.reloadReference();
            const delta = queries.delta(batch, now());
            if (delta) publish('scene.delta', delta);
          },
        },
      );
      sync.finished.catch((error: Error) => {
        log(`sync worker failed: ${error.message}`);
        setStatus({ ...status, state: 'error', message: error.message, problem: { code: 'internal', detail: error.message } });
      });
    }
  }

  const requireQueries = (): SceneQueries => {
    if (!queries) throw new BridgeError({ code: 'unavailable', message: 'This host has no data cache configured.' });
    return queries;
  };

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
    'scene.snapshot': async ({ window }) => requireQueries().snapshot(window, now()),
    'map.regions': async () => requireQueries().mapRegions(),
    'grid.detail': async ({ gridId }) => requireQueries().gridDetail(gridId, now()),
    ...reportHandlers({ queries: requireQueries, db: () => db, now, role: options.role }),
  };

  return {
    handlers,
    onPush(listener) {
      const wrapped = (name: PushName, payload: unknown) => listener(name, payload as never);
      emitter.on('push', wrapped);
      return () => emitter.off('push', wrapped);
    },
    async close() {
      await sync?.stop();
      db?.close();
      emitter.removeAllListeners();
    },
  };
}

