import diagnostics_channel from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { cacheChecksum, cacheStats, checkCache } from '../../core/cache/inspect';
import type { SyncStatus } from '../../shared/bridge/contract';
import { cleanChecksum, server, syncEngine, tempCache, until } from './harness';

describe('sync engine against the demo central server', { timeout: 120_000 }, () => {
  it('a clean sync holds everything the API had, with consistent rollups and progress', async () => {
    const s = await server();
    const statuses: SyncStatus[] = [];
    const { db, engine } = syncEngine(s.url, tempCache(), {}, { status: (st) => statuses.push(st) });
    await engine.syncOnce();
    const stats = cacheStats(db);
    expect(stats.grids).toBe(297);
    expect(stats.streets).toBe(6);
    expect(stats.communities).toBe(42);
    expect(stats.events).toBeGreaterThan(2000);
    expect(stats.cursorRev).toBe(s.engine.headRev);
    expect(checkCache(db)).toEqual([]);
    const progress = statuses.filter((st) => st.state === 'syncing' && st.progress && st.progress.records > 0);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)!.progress!.total).toBeGreaterThan(0);
    expect(cacheChecksum(db)).toBe(await cleanChecksum());
    // Not told it is a demo, the engine learns it from /v1/meta: the cache and the UI say 演示数据.
    expect(db.prepare('SELECT demo FROM sync_state WHERE id = 1').pluck().get()).toBe(1);
    expect(statuses.at(-1)!.demo).toBe(true);
    db.close();
    await s.close();
  });

  it('syncing again changes nothing (idempotent), and reference data comes back 304', async () => {
    const s = await server();
    const file = tempCache();
    const first = syncEngine(s.url, file);
    await first.engine.syncOnce();
    const before = cacheChecksum(first.db);
    await first.engine.syncOnce();
    expect(cacheChecksum(first.db)).toBe(before);
    first.db.close();
    await s.close();
  });

  it('duplicate and out-of-order deliveries end in the same cache as a clean sync', async () => {
    const s = await server({ faults: { duplicateRate: 0.2, reorderRate: 0.2 } });
    const { db, engine } = syncEngine(s.url, tempCache());
    await engine.syncOnce();
    expect(cacheChecksum(db)).toBe(await cleanChecksum());
    db.close();
    await s.close();
  });

  it('malformed records go to quarantine with a reason; the rest is applied and the UI gets the count', async () => {
    const s = await server({ faults: { malformedRate: 0.03 } });
    const statuses: SyncStatus[] = [];
    const { db, engine } = syncEngine(s.url, tempCache(), {}, { status: (st) => statuses.push(st) });
    await engine.syncOnce();
    const stats = cacheStats(db);
    expect(stats.quarantined).toBeGreaterThan(10);
    expect(statuses.at(-1)!.quarantined).toBe(stats.quarantined);
    const reasons = db.prepare('SELECT reason FROM quarantine').pluck().all() as string[];
    for (const reason of reasons) expect(reason.length).toBeGreaterThan(5);
    expect(checkCache(db)).toEqual([]);
    db.close();
    await s.close();
  });

  it('a wrong token ends in the unauthorized state with a sentence, not a stack trace', async () => {
    const s = await server();
    const statuses: SyncStatus[] = [];
    const { db, engine } = syncEngine(s.url, tempCache(), {}, { status: (st) => statuses.push(st) }, 'wrong-token');
    void engine.start();
    await until(() => statuses.some((st) => st.state === 'unauthorized'));
    const st = statuses.find((x) => x.state === 'unauthorized')!;
    expect(st.message).toMatch(/refused the access token \(401\)\. Enter the correct token in Settings/);
    expect(st.message).not.toMatch(/at .*\.ts:\d+/);
    await engine.stop();
    db.close();
    await s.close();
  });

  it('a revoked token is told apart (403)', async () => {
    const s = await server({ faults: { revokeToken: true } });
    const { db, engine } = syncEngine(s.url, tempCache());
    await expect(engine.syncOnce()).rejects.toThrow(/no longer accepts this token \(403\)/);
    db.close();
    await s.close();
  });

  it('with the API down at start, it says offline, keeps the cache and retries with backoff', async () => {
    const s = await server();
    const file = tempCache();
    const first = syncEngine(s.url, file);
    await first.engine.syncOnce();
    const before = cacheChecksum(first.db);
    first.db.close();
    const deadUrl = s.url;
    await s.close();
    const statuses: SyncStatus[] = [];
    const { db, engine } = syncEngine(deadUrl, file, {}, { status: (st) => statuses.push(st) });
    void engine.start();
    await until(() => statuses.filter((x) => x.retryInSeconds !== null).length > 0 && statuses.some((x) => x.message?.includes('cannot be reached')));
    const st = statuses.find((x) => x.message?.includes('cannot be reached'))!;
    expect(['reconnecting', 'offline']).toContain(st.state);
    expect(st.lastContact).not.toBeNull(); // the UI shows how old the data is
    expect(cacheChecksum(db)).toBe(before);
    await engine.stop();
    db.close();
  });

  it('flaky API (errors and latency) mid-bootstrap: it retries and ends equal to a clean sync', async () => {
    const s = await server({ faults: { errorRate: 0.3, latencyMs: 5 } });
    // The simulated outages say Retry-After: 1, which the engine honours: big pages keep the number of them (and
    // of one-second waits) small.
    const { db, engine } = syncEngine(s.url, tempCache(), { pageSize: 5000 });
    void engine.start();
    await until(() => engine.current.state === 'live', 60_000);
    expect(cacheChecksum(db)).toBe(await cleanChecksum());
    await engine.stop();
    db.close();
    await s.close();
  });

  it('asks for the next page before writing the one it has, so the server makes it meanwhile', async () => {
    const s = await server();
    const { db, store, engine } = syncEngine(s.url, tempCache());
    // When each page request leaves this process (http.request called), and when each page's write starts.
    const requested: number[] = [];
    const onRequest = (message: unknown) => {
      const { request } = message as { request: { path: string } };
      if (request.path.includes('v1/changes')) requested.push(performance.now());
    };
    diagnostics_channel.subscribe('http.client.request.start', onRequest);
    const applyStarted: number[] = [];
    const apply = store.applyChanges.bind(store);
    store.applyChanges = (...args) => {
      applyStarted.push(performance.now());
      return apply(...args);
    };
    try {
      await engine.syncOnce();
    } finally {
      diagnostics_channel.unsubscribe('http.client.request.start', onRequest);
    }
    expect(applyStarted.length).toBeGreaterThan(3);
    // Page k+1 was requested before page k's (synchronous) write began: without that the server idles during every
    // write and the client during every page (a third of a bootstrap's time, measured).
    for (let k = 0; k + 1 < applyStarted.length; k++) expect(requested[k + 1]).toBeLessThan(applyStarted[k]);
    db.close();
    await s.close();
  });

  it('follows the live stream, survives drops every second, and stays lossless', async () => {
    const { CentralEngine } = await import('../../central/demo/engine');
    let clock = Date.parse('2026-11-27T12:00:00+08:00');
    const live = new CentralEngine({ seed: 11, events: 1500, rate: 40, now: () => clock });
    const s = await server({ engine: live, faults: { dropStreamEverySec: 1 } });
    live.start();
    const ticker = setInterval(() => (clock += 1000), 250); // the demo's own day moves on too
    const file = tempCache();
    const { db, engine } = syncEngine(s.url, file, { backoff: { initialMs: 20, maxMs: 100 } });
    const started = engine.start();
    await until(() => engine.current.state === 'live', 30_000);
    await new Promise((r) => setTimeout(r, 3500)); // several drops and reconnections
    clearInterval(ticker);
    await engine.stop();
    await started;
    live.stop();
    // Catch up by pages, then compare with a clean sync of the same server state.
    const { db: db2, engine: again } = syncEngine(s.url, file);
    await again.syncOnce();
    const clean = syncEngine(s.url, tempCache());
    await clean.engine.syncOnce();
    expect(cacheChecksum(db2)).toBe(cacheChecksum(clean.db));
    expect(cacheStats(db2).events).toBeGreaterThan(cacheStats(syncEngine(s.url, tempCache()).db).events);
    db.close();
    db2.close();
    clean.db.close();
    await s.close();
  });
});

describe('stream resume', () => {
  it('a Last-Event-ID older than the stream keeps is answered "resync", and the client says so', async () => {
    const { ApiClient } = await import('../../core/sync/api-client');
    const s = await server();
    const client = new ApiClient({ baseUrl: s.url, token: 'demo-token' });
    const seen: unknown[] = [];
    const outcome = await client.stream(1, (raw) => seen.push(raw), new AbortController().signal);
    expect(outcome).toBe('resync');
    expect(seen).toEqual([]);
    await s.close();
  });
});
