/** A small demo central server and a sync engine over a temporary cache, for the sync tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCentralServer, type CentralServerOptions } from '../../central/demo/server';
import { CentralEngine } from '../../central/demo/engine';
import { openCache, type Db } from '../../core/cache/database';
import { cacheChecksum } from '../../core/cache/inspect';
import { CacheStore } from '../../core/cache/store';
import { ApiClient } from '../../core/sync/api-client';
import { SyncEngine, type SyncEngineOptions, type SyncListener } from '../../core/sync/engine';

export const NOW = Date.parse('2026-11-27T12:00:00+08:00');
export const SMALL = { seed: 7, events: 3000, rate: 0, now: () => NOW } as const;

let shared: CentralEngine | null = null;
/** One generated data set shared by the tests (generation is the slow part). */
export function sharedEngine(): CentralEngine {
  shared ??= new CentralEngine(SMALL);
  return shared;
}

export async function server(options: CentralServerOptions = {}) {
  return createCentralServer({ port: 0, host: '127.0.0.1', engine: sharedEngine(), ...options });
}

export function tempCache(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'gcc-sync-')), 'cache.sqlite');
}

export function syncEngine(
  url: string,
  cacheFile: string,
  options: SyncEngineOptions = {},
  listener: SyncListener = {},
  token = 'demo-token',
): { db: Db; store: CacheStore; engine: SyncEngine } {
  const { db } = openCache(cacheFile);
  const store = new CacheStore(db);
  const engine = new SyncEngine(new ApiClient({ baseUrl: url, token }), store, listener, { pageSize: 500, backoff: { initialMs: 50, maxMs: 200 }, ...options });
  return { db, store, engine };
}

/** Checksum of a clean sync of the shared data set: what every recovered cache must equal. */
let reference: string | null = null;
export async function cleanChecksum(): Promise<string> {
  if (reference) return reference;
  const s = await server();
  const { db, engine } = syncEngine(s.url, tempCache());
  await engine.syncOnce();
  reference = cacheChecksum(db);
  db.close();
  await s.close();
  return reference;
}

/** Polls until `check` holds; fails the test after `ms`. */
export async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
