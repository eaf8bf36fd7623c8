/**
 * The demo source (central/demo/source.ts) writing the Guang'an generator into a SQLite store: it keeps everything it
 * wrote across a stop and a restart and continues where it ended; it refuses a store that is not its own; and the
 * seed article's figures come out of the app's cache exactly when the cache is synced through the whole new path
 * (demo source → store → central service → the app's SyncEngine → cache → the query layer).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoSource, type DemoSource } from '../../central/demo/source';
import { startCentralService } from '../../central/http/service';
import { SqliteStore } from '../../central/store/sqlite/store';
import type { CentralStore } from '../../central/store/types';
import { openCache } from '../../core/cache/database';
import { cacheStats, checkCache } from '../../core/cache/inspect';
import { CacheStore } from '../../core/cache/store';
import { SceneQueries } from '../../core/query/scene';
import { CacheReads } from '../../core/cache/reads';
import { ApiClient } from '../../core/sync/api-client';
import { SyncEngine } from '../../core/sync/engine';
import { percent } from '../../shared/kpi/formulas';
import { organisation, regions } from '../fixtures/records';
import { until } from './fixtures/http';
import { liveRev, REV_SECOND } from '../../central/demo/revs';
import { secFromUnixMs } from '../../central/demo/time';
import { engineAt, FIXED_NOW } from './helpers';
import { posted, WHO } from './store-suite';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'gcc-demo-source-'));
const SETTINGS = { events: 5000, rate: 20 } as const;

const opened: CentralStore[] = [];
const sources: DemoSource[] = [];
afterEach(async () => {
  for (const demo of sources.splice(0)) await demo.stop().catch(() => {});
  for (const store of opened.splice(0)) await store.close().catch(() => {});
});
function open(file: string) {
  const store = new SqliteStore(file);
  opened.push(store);
  return store;
}
async function start(options: Parameters<typeof startDemoSource>[0]) {
  const demo = await startDemoSource(options);
  sources.push(demo);
  return demo;
}
async function stop(demo: DemoSource) {
  sources.splice(sources.indexOf(demo), 1);
  await demo.stop();
}

type Stored = { rev: number; record: Record<string, unknown> };
/** Every record in the store, by type and id (a tombstone under its record's type), and the feed's length. */
async function contents(store: CentralStore): Promise<{ byKey: Map<string, Stored>; count: number }> {
  const byKey = new Map<string, Stored>();
  let count = 0;
  for (let after = 0, more = true; more;) {
    const page = await store.changes(after, 5000);
    for (const item of page.items) {
      const change = JSON.parse(item.json) as { type: string; of?: string; rev: number; record: { id: string } };
      byKey.set(`${change.of ?? change.type}:${change.record.id}`, { rev: change.rev, record: change.record });
      count++;
    }
    after = page.nextRev;
    more = page.hasMore;
  }
  return { byKey, count };
}

/** The generator's changes as it publishes them while running (live cases and the timeline going on). */
function recordPublished(demo: DemoSource) {
  const latest = new Map<string, Record<string, unknown>>();
  demo.engine.subscribe((_rev, data) => {
    const change = JSON.parse(data) as { type: string; of?: string; record: Record<string, unknown> & { id: string } };
    latest.set(`${change.of ?? change.type}:${change.record.id}`, change.type === 'tombstone' ? { deleted: true } : change.record);
  });
  return latest;
}

/** Each change the generator published is in the store in its latest state (the store's rev, not the generator's). */
function expectAllKept(published: Map<string, Record<string, unknown>>, stored: Map<string, Stored>) {
  expect(published.size).toBeGreaterThan(0);
  for (const [key, record] of published) {
    const kept = stored.get(key);
    expect(kept, key).toBeDefined();
    if ('deleted' in record) expect(kept!.record, key).toHaveProperty('deleted_at');
    else expect({ ...kept!.record, rev: 0 }, key).toEqual({ ...record, rev: 0 });
  }
}

describe('demo source: stop, reopen, start again', () => {
  it('loses nothing, continues its cursor and the revs, duplicates nothing; refuses other settings and other data', async () => {
    const file = path.join(tempDir(), 'demo.sqlite');
    let store = open(file);
    let demo = await start({ store, ...SETTINGS });
    const filled = await store.headRev();
    expect(filled).toBeGreaterThan(50_000);
    expect(demo.written).toBeGreaterThan(50_000);
    const published1 = recordPublished(demo);
    await until('live changes in the store', async () => (await store.headRev()) >= filled + 20 || undefined, 10_000);
    await stop(demo);
    const head1 = await store.headRev();
    const cursor1 = Number(await store.getMeta('demo.cursor'));
    const before = await contents(store);
    expectAllKept(published1, before.byKey);
    const live1 = [...before.byKey.keys()].filter((k) => k.startsWith('event:L'));
    expect(live1.length).toBeGreaterThan(0);
    await store.close();

    store = open(file);
    demo = await start({ store, ...SETTINGS });
    // It went on from its cursor: the history was not written again (a few timeline changes may have fallen due).
    expect(demo.written).toBeLessThan(50);
    const published2 = recordPublished(demo);
    await until('live changes after the restart', async () => (await store.headRev()) >= head1 + 20 || undefined, 10_000);
    await stop(demo);
    const head2 = await store.headRev();
    const cursor2 = Number(await store.getMeta('demo.cursor'));
    const after = await contents(store);
    expectAllKept(published2, after.byKey);

    expect(cursor2).toBeGreaterThan(cursor1);
    expect(head2).toBeGreaterThan(head1);
    // Every record kept before the stop is still there: the same, or changed since at a rev above the old head.
    for (const [key, was] of before.byKey) {
      const now = after.byKey.get(key);
      expect(now, key).toBeDefined();
      if (now!.rev === was.rev) expect(now!.record, key).toEqual(was.record);
      else expect(now!.rev, key).toBeGreaterThan(head1);
    }
    // The first run's live cases are its own (the second run's have other ids): none was overwritten, and those it
    // left open were closed by the second run (nothing else would ever move them on), the rest of them unchanged.
    const leftOpen = live1.filter((key) => (before.byKey.get(key)!.record as { stage: string }).stage !== 'closed');
    for (const key of live1) {
      const was = before.byKey.get(key)!.record as Record<string, unknown>;
      const now = after.byKey.get(key)!.record as Record<string, unknown>;
      if (!leftOpen.includes(key)) expect(now, key).toEqual(was);
      else {
        expect(now.stage, key).toBe('closed');
        expect({ ...now, rev: was.rev, stage: was.stage, stages: was.stages, outcome: was.outcome, satisfaction: was.satisfaction }, key).toEqual(was);
        expect(Object.keys(now.stages as object).sort()).toEqual(['analysed', 'closed', 'dispatched', 'evaluated', 'reported', 'supervised']);
        expect((now.stages as { closed?: string }).closed, key).toBeDefined();
      }
    }
    // (Usually a few are left open; at random none may be.)
    for (const key of leftOpen) expect(await store.getMeta('demo.live')).not.toContain(key.slice('event:'.length));
    // Revs go on: everything the second run wrote is above the first run's head; no record is in the feed twice.
    const written2 = [...after.byKey.entries()].filter(([key, s]) => before.byKey.get(key)?.rev !== s.rev);
    for (const key of published2.keys()) expect(written2.map(([k]) => k)).toContain(key);
    expect(written2.every(([, s]) => s.rev > head1)).toBe(true);
    expect(after.count).toBe(after.byKey.size);
    expect(Math.max(...[...after.byKey.values()].map((s) => s.rev))).toBe(head2);

    // Other demo settings are refused in words, and the store stays as it was.
    for (const other of [{ seed: 2 }, { events: 6000 }]) {
      const refused = await startDemoSource({ store, ...SETTINGS, rate: 0, ...other }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toMatch(
        /^This store was filled by the demo with \{"seed":\d+,"scale":"district","events":5000\}, not \{"seed":\d+,"scale":"district","events":\d+\}; the two cannot be mixed\. Use another store \(--store\) for other demo settings\.$/,
      );
    }
    expect(await store.headRev()).toBe(head2);
    expect(Number(await store.getMeta('demo.cursor'))).toBe(cursor2);
  }, 60_000);

  it("refuses a store that holds data from elsewhere (records, or only an importer's regions), in words, writing nothing", async () => {
    const withRecords = open(path.join(tempDir(), 'imported.sqlite'));
    await withRecords.putRecords('event', [posted({ id: 'e1' })], WHO);
    const refused = await startDemoSource({ store: withRecords, ...SETTINGS, rate: 0 }).catch((error: unknown) => error);
    expect((refused as Error).message).toBe(
      'This store holds data that did not come from the demo (head rev 1); the demo only fills an empty store or its own.',
    );
    expect(await withRecords.regions()).toBeNull();
    expect(await withRecords.getMeta('demo.identity')).toBeNull();

    // A district's own boundaries and organisation, imported before any case: the demo must not replace them.
    const withReference = open(path.join(tempDir(), 'boundaries.sqlite'));
    await withReference.putRegions(regions, WHO);
    await withReference.putOrganisation(organisation, WHO);
    const kept = await withReference.regions();
    const refusedToo = await startDemoSource({ store: withReference, ...SETTINGS, rate: 0 }).catch((error: unknown) => error);
    expect(refusedToo).toBeInstanceOf(Error);
    expect((refusedToo as Error).message).toBe(
      'This store holds data that did not come from the demo (its regions, imported); the demo only fills an empty store or its own.',
    );
    expect(await withReference.regions()).toEqual(kept);
    expect(await withReference.headRev()).toBe(0);
    expect(await withReference.getMeta('demo.identity')).toBeNull();
  }, 30_000);
});

describe('the seed article through the new path', () => {
  it("demo source → SQLite store → central service → the app's SyncEngine → cache: the 2022 figures and the safe grids, exactly", async () => {
    const dir = tempDir();
    const store = open(path.join(dir, 'central.sqlite'));
    // The district's default settings (seed 1, the article's rates), no live changes, the generator tests' clock.
    const demo = await start({ store, rate: 0, now: () => FIXED_NOW });
    await stop(demo);
    const service = await startCentralService({ store, token: 'figures-token', demo: true });
    const { db } = openCache(path.join(dir, 'cache.sqlite'));
    try {
      await new SyncEngine(new ApiClient({ baseUrl: service.url, token: 'figures-token' }), new CacheStore(db), {}, { pageSize: 5000 }).syncOnce();
      expect(checkCache(db)).toEqual([]);
      expect(cacheStats(db)).toMatchObject({ cursorRev: await store.headRev(), grids: 297, quarantined: 0, demo: true });

      const queries = new SceneQueries(new CacheReads(db));
      const year2022 = queries.snapshot({ preset: 'custom', from: 20220101, to: 20221231 }, FIXED_NOW, null, null, 0);
      expect(year2022.totals).toMatchObject({ appeals: 1491, jointAppeals: 79, disputesResolved: 252, difficultiesSolved: 16192 });
      expect(percent(year2022.totals.satisfaction.rate)).toBe(96.6);
      // 平安网格: the latest assessment (2026-Q3 on this clock) gave the title to 212 of 297 grids; the wall shows
      // those as safe, or at risk when a criterion has been broken since.
      expect(year2022.safeGrids).toMatchObject({ period: '2026-Q3', total: 297 });
      expect(year2022.safeGrids.safe + year2022.safeGrids.atRisk).toBe(212);
    } finally {
      db.close();
      await service.close();
    }
  }, 90_000);
});

describe('a generator resumed after a cursor', () => {
  it("counts its live revs on from the cursor within the cursor's second, so none falls at or below it", () => {
    const engine = engineAt({ events: 2000 });
    const sec = secFromUnixMs(FIXED_NOW);
    const revOf = (data: string) => (JSON.parse(data) as { rev: number }).rev;
    // A previous run handed out six live changes this very second; this run starts over at the same second.
    engine.resumeAfter(liveRev(sec, 5));
    expect(revOf(engine.emitLive((rev) => JSON.stringify({ rev }), 'a'))).toBe(liveRev(sec, 6));
    // A timeline cursor (or one of an earlier second) changes nothing.
    const fresh = engineAt({ events: 2000 });
    fresh.resumeAfter(liveRev(sec - 1, 9));
    fresh.resumeAfter(liveRev(sec, 0) - REV_SECOND / 2);
    expect(revOf(fresh.emitLive((rev) => JSON.stringify({ rev }), 'b'))).toBe(liveRev(sec, 0));
    engine.stop();
    fresh.stop();
  });
});
