/**
 * The app's initial sync from the central data service: the app's own sync (core/sync/service.ts, the worker that
 * runs the SyncEngine, exactly as the app starts it) into a fresh cache, from the service on its store; against
 * the bare better-sqlite3 insert of the same rows into the app's cache, best of 3, as the sync benchmark measures
 * it (scripts/bench/bare-insert.ts, in a child process of its own).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cacheStats } from '../../core/cache/inspect';
import { openCache } from '../../core/cache/database';
import { SyncService } from '../../core/sync/service';
import type { Rate } from './central-store';

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

export async function appInitialSync(url: string, token: string, cacheFile: string): Promise<Rate & { events: number; peakRssMb: number }> {
  let records = 0;
  const started = performance.now();
  const service = new SyncService(
    { cacheFile, api: { baseUrl: url, token }, engine: { pageSize: 5000 }, mode: 'once' },
    { status: (s) => (records = s.progress?.records ?? records) },
  );
  await service.finished;
  await service.stop();
  const seconds = (performance.now() - started) / 1000;
  const { db } = openCache(cacheFile, { readonly: true });
  const events = cacheStats(db).events;
  db.close();
  return { records, seconds, perSecond: records / seconds, events, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** scripts/bench/bare-insert.ts on the synced cache, best of `runs` (the least disturbed run: a pessimistic ratio). */
export async function bareCacheInsert(fromCache: string, runs = 3): Promise<Rate & { runs: number }> {
  let best: { rows: number; perSecond: number } | null = null;
  for (let i = 0; i < runs; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/bench/bare-insert.ts'), fromCache], {
      cwd: root,
      maxBuffer: 1 << 20,
    });
    const run = JSON.parse(stdout.trim().split('\n').pop()!) as { rows: number; perSecond: number };
    if (!best || run.perSecond > best.perSecond) best = run;
  }
  return { records: best!.rows, seconds: best!.rows / best!.perSecond, perSecond: best!.perSecond, runs };
}
