/**
 * The central store's contract on the PostgreSQL engine, against a real throw-away PostgreSQL 15 + PostGIS cluster
 * (tests/helpers/postgres.ts; never a mock), and what only PostgreSQL does: PostGIS geometry, N service processes
 * over one database (wake-ups, one migration), a database that goes away and comes back, concurrent writers.
 * Without PostgreSQL installed this file fails with the sentence that says what to install; CI installs it.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_MIGRATION_1, POSTGRES_MIGRATIONS } from '../../central/store/postgres/migrations';
import { CHANGES_SQL, PostgresStore, translatePgError, withoutPassword } from '../../central/store/postgres/store';
import { StoreError } from '../../central/store/types';
import { regions } from '../fixtures/records';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { posted, storeSuite, WHO } from './store-suite';

let server: TestPostgres | undefined;
let databases = 0;
const pgServer = () => {
  if (!server) throw new Error('The PostgreSQL test cluster did not start (see the error of beforeAll).');
  return server;
};
/** A fresh database (PostGIS enabled); its name and URL. */
const fresh = () => {
  const name = `s${++databases}`;
  return { name, url: pgServer().createDatabase(name) };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

const mine: PostgresStore[] = [];
async function open(url: string) {
  const store = await PostgresStore.open(url);
  mine.push(store);
  return store;
}

describe('central store: PostgreSQL', () => {
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);

  afterAll(async () => {
    for (const store of mine.splice(0)) await store.close().catch(() => {});
    server?.destroy();
  });

  storeSuite({
    async open() {
      const { url } = fresh();
      return { store: await PostgresStore.open(url), reopen: () => PostgresStore.open(url) };
    },
  });

  it('refuses a database from a newer version with a sentence', async () => {
    const { name, url } = fresh();
    await (await PostgresStore.open(url)).close();
    pgServer().psql(name, 'UPDATE schema_version SET version = 99');
    const refused = await PostgresStore.open(url).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreError);
    expect((refused as StoreError).code).toBe('too_new');
    expect((refused as StoreError).message).toMatch(/written by a newer version of the central service \(schema 99; this version understands up to 2\)/);
  });

  it('migration 2 (imports) brings a version-1 database up to date and keeps its records', async () => {
    const { name, url } = fresh();
    const old = await PostgresStore.open(url, { migrations: [PG_MIGRATION_1] });
    await old.putRecords('event', [posted({ id: 'kept' })], WHO);
    await old.close();
    const store = await open(url);
    expect(pgServer().psql(name, 'SELECT version FROM schema_version').trim()).toBe('2');
    expect((await store.changes(0, 10)).items.map((i) => i.rev)).toEqual([1]);
    expect(await store.listImports()).toEqual([]);
  });

  it('two processes starting at once on a fresh database migrate it once, without error', async () => {
    const { name, url } = fresh();
    const [a, b] = await Promise.all([open(url), open(url)]);
    expect(pgServer().psql(name, 'SELECT version FROM schema_version').trim()).toBe(String(POSTGRES_MIGRATIONS.length));
    expect(pgServer().psql(name, 'SELECT count(*) FROM revs').trim()).toBe('1');
    await a.putRecords('event', [posted({ id: 'e1' })], WHO);
    expect(await b.headRev()).toBe(1);
  });

  it('keeps boundaries as PostGIS MultiPolygons in SRID 4326 that spatial queries use', async () => {
    const { name, url } = fresh();
    const store = await open(url);
    await store.putRegions(regions, WHO);
    const kinds = pgServer().psql(name, 'SELECT DISTINCT ST_SRID(geometry), GeometryType(geometry) FROM regions').trim();
    expect(kinds).toBe('4326|MULTIPOLYGON');
    expect(pgServer().psql(name, 'SELECT count(*) FROM regions').trim()).toBe(String(regions.regions.length));
    const holder = pgServer().psql(
      name,
      "SELECT id FROM regions WHERE level = 'grid' AND ST_Contains(geometry, ST_SetSRID(ST_MakePoint(106.615, 30.505), 4326))",
    );
    expect(holder.trim()).toBe('g2');
    expect(pgServer().psql(name, "SELECT indexdef FROM pg_indexes WHERE tablename = 'regions' AND indexname = 'regions_geometry'")).toMatch(
      /USING gist \(geometry\)/,
    );
    // The answer as served stays the posted document, datum and all.
    expect(JSON.parse((await store.regions())!.json)).toEqual(regions);
  });

  it('a write through one service process wakes the other within a second, and the other serves it', async () => {
    const { url } = fresh();
    const [a, b] = await Promise.all([open(url), open(url)]);
    let wakeups = 0;
    b.onChange(() => wakeups++);
    const started = Date.now();
    await a.putRecords('event', [posted({ id: 'e1' })], WHO);
    await until("b's wake-up", () => wakeups > 0, 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await b.changes(0, 10)).items.map((i) => i.rev)).toEqual([1]);
  });

  it('four writers at once: the feed holds revs 1..2000 without gap or duplicate, and every record', async () => {
    const { url } = fresh();
    const store = await open(url);
    const batches = [0, 1, 2, 3].map((w) => Array.from({ length: 500 }, (_, i) => posted({ id: `w${w}-${i}` })));
    const results = await Promise.all(batches.map((batch) => store.putRecords('event', batch, WHO)));
    expect(results.flat().every((r) => r.outcome === 'created')).toBe(true);
    expect(await store.headRev()).toBe(2000);
    const revs: number[] = [];
    const ids = new Set<string>();
    for (let after = 0, more = true; more;) {
      const page = await store.changes(after, 700);
      for (const item of page.items) {
        revs.push(item.rev);
        ids.add((JSON.parse(item.json) as { record: { id: string } }).record.id);
      }
      after = page.nextRev;
      more = page.hasMore;
    }
    expect(revs).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(ids).toEqual(new Set(batches.flat().map((r) => r.id)));
  });

  it('a value the database cannot hold fails the whole batch with a sentence; nothing of it is kept', async () => {
    const { url } = fresh();
    const store = await open(url);
    await store.putRecords('event', [posted({ id: 'before' })], WHO);
    const refused = await store.putRecords('event', [posted({ id: 'fine' }), posted({ id: 'bad\u0000id' })], WHO).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreError);
    expect((refused as StoreError).code).toBe('invalid');
    expect((refused as StoreError).message).toMatch(/Nothing of this write was kept/);
    expect(await store.headRev()).toBe(1);
    expect((await store.changes(0, 10)).items.map((i) => i.rev)).toEqual([1]);
    expect(await store.putRecords('event', [posted({ id: 'after' })], WHO)).toEqual([{ id: 'after', outcome: 'created', rev: 2 }]);
  });

  it('the database stopped mid-run: writes answer "unavailable" in words, then the same store recovers by itself', async () => {
    const { url } = fresh();
    const a = await open(url);
    let wakeups = 0;
    a.onChange(() => wakeups++);
    await a.putRecords('event', [posted({ id: 'e1' })], WHO);
    await a.headRev(); // the pool holds idle connections the stop will kill
    expect(a.listening).toBe(true);

    pgServer().stop();
    const refused = await a.putRecords('event', [posted({ id: 'e2' })], WHO).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreError);
    expect((refused as StoreError).code).toBe('unavailable');
    expect((refused as StoreError).message).toMatch(
      /^The store's database at postgres:\/\/postgres@127\.0\.0\.1:\d+\/s\d+ cannot be reached \(.+\)\. The service answers 503 until it is back\.$/,
    );
    await expect(a.headRev()).rejects.toMatchObject({ code: 'unavailable' });

    pgServer().start();
    const beforeRecovery = wakeups;
    let written: Awaited<ReturnType<PostgresStore['putRecords']>> | undefined;
    const deadline = Date.now() + 10_000;
    while (!written) {
      try {
        written = await a.putRecords('event', [posted({ id: 'e2' })], WHO);
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(200);
      }
    }
    expect(written).toEqual([{ id: 'e2', outcome: 'created', rev: 2 }]);

    // The LISTEN connection came back by itself (and woke the listeners once, for what it may have missed) …
    await until('the LISTEN connection to reconnect', () => a.listening, 12_000);
    await until('the wake-up after reconnecting', () => wakeups >= beforeRecovery + 2, 1000);
    // … and hears another process's writes again.
    const b = await open(url);
    const beforeOther = wakeups;
    await b.putRecords('event', [posted({ id: 'from-b' })], WHO);
    await until("a's wake-up for b's write", () => wakeups > beforeOther, 1000);
    expect((await a.changes(0, 10)).items.map((i) => i.rev)).toEqual([1, 2, 3]);
  }, 40_000);

  it('a fresh database is fast at once: its feed query is planned from statistics, and no query is JIT-compiled', async () => {
    const { name, url } = fresh();
    const store = await open(url);
    await store.putRecords(
      'event',
      Array.from({ length: 20 }, (_, i) => posted({ id: `e${i}` })),
      WHO,
    );
    // Planned as another client would (jit on): without statistics the one-row `revs` was guessed at ~2,200 rows and
    // the feed query's cost (millions) passed jit_above_cost, so each page paid ~134 ms of JIT compilation.
    const plan = JSON.parse(
      pgServer().psql(name, `EXPLAIN (FORMAT JSON) ${CHANGES_SQL.replaceAll('$1', '0').replaceAll('$2', '5000').replaceAll('$3', '0')}`),
    ) as { Plan: { 'Total Cost': number } }[];
    const jitAboveCost = Number(pgServer().psql(name, 'SHOW jit_above_cost').trim());
    expect(plan[0].Plan['Total Cost']).toBeLessThan(jitAboveCost);
    // And the service's own connections do not JIT at all, whatever the estimate (a large count, stale statistics).
    const pool = (store as unknown as { pool: pg.Pool }).pool;
    const settings = await Promise.all(Array.from({ length: 3 }, () => pool.query<{ jit: string }>('SHOW jit')));
    expect(settings.map((r) => r.rows[0].jit)).toEqual(['off', 'off', 'off']);
  });

  it('a write larger than one statement (12,000 records) is all or nothing, at consecutive revs', async () => {
    const { name, url } = fresh();
    const store = await open(url);
    const batch = Array.from({ length: 12_000 }, (_, i) => posted({ id: `big-${i}`, title: `第${i}件` }));
    const refused = await store.putRecords('event', [...batch, posted({ id: 'bad\u0000id' })], WHO).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'invalid' });
    expect(await store.headRev()).toBe(0);
    expect(pgServer().psql(name, 'SELECT count(*) FROM records').trim()).toBe('0');

    const results = await store.putRecords('event', batch, WHO);
    expect(results.map((r) => r.rev)).toEqual(Array.from({ length: 12_000 }, (_, i) => i + 1));
    expect(results.every((r) => r.outcome === 'created')).toBe(true);
    expect(await store.headRev()).toBe(12_000);
    expect(pgServer().psql(name, "SELECT count(*), min(rev), max(rev), count(DISTINCT id) FROM records WHERE body LIKE '%第%件%'").trim()).toBe(
      '12000|1|12000|12000',
    );
    // Sent again: nothing changes, no rev is taken; the audit has both writes that committed, the refused one not.
    expect((await store.putRecords('event', batch, WHO)).every((r) => r.outcome === 'unchanged')).toBe(true);
    expect(await store.headRev()).toBe(12_000);
    expect((await store.audit()).map((a) => [a.created, a.unchanged])).toEqual([
      [0, 12_000],
      [12_000, 0],
    ]);
    const deleted = await store.deleteRecords(
      'event',
      batch.map((r) => r.id),
      WHO,
    );
    expect(deleted.map((r) => r.rev)).toEqual(Array.from({ length: 12_000 }, (_, i) => 12_001 + i));
    expect(pgServer().psql(name, 'SELECT count(*) FROM records WHERE deleted_at IS NOT NULL AND rev > 12000').trim()).toBe('12000');
  }, 30_000);

  it("the same id twice in one write: each version gets its rev, the later one is kept whole; a source's progress commits with the write only", async () => {
    const { url } = fresh();
    const store = await open(url);
    const progress = (value: string) => ({ ...WHO, progress: { key: 'demo.cursor', value } });
    const refused = await store.putRecords('event', [posted({ id: 'a' }), posted({ id: 'bad\u0000' })], progress('1')).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'invalid' });
    expect(await store.getMeta('demo.cursor')).toBeNull();

    const results = await store.putRecords('event', [posted({ id: 'a', title: '甲' }), posted({ id: 'b' }), posted({ id: 'a', title: '乙' })], progress('2'));
    expect(results).toEqual([
      { id: 'a', outcome: 'created', rev: 1 },
      { id: 'b', outcome: 'created', rev: 2 },
      { id: 'a', outcome: 'updated', rev: 3 },
    ]);
    expect(await store.getMeta('demo.cursor')).toBe('2');
    const page = await store.changes(0, 10);
    expect(page.items.map((i) => i.rev)).toEqual([2, 3]);
    expect(JSON.parse(page.items[1].json)).toMatchObject({ rev: 3, record: { id: 'a', rev: 3, title: '乙' } });
    // Deleted twice in one write: one tombstone; a write that changes nothing still moves the progress.
    expect(await store.deleteRecords('event', ['a', 'a'], progress('3'))).toEqual([
      { id: 'a', outcome: 'deleted', rev: 4 },
      { id: 'a', outcome: 'unchanged', rev: 4 },
    ]);
    expect(await store.putRecords('event', [posted({ id: 'b' })], progress('4'))).toEqual([{ id: 'b', outcome: 'unchanged', rev: 2 }]);
    expect([await store.getMeta('demo.cursor'), await store.headRev()]).toEqual(['4', 4]);
  });

  it('says what went wrong in words: unreachable, shut down, full; and never shows the password', () => {
    const where = 'postgres://gcc@db:5432/central';
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    expect(translatePgError(refused, where)).toMatchObject({
      code: 'unavailable',
      message:
        "The store's database at postgres://gcc@db:5432/central cannot be reached (ECONNREFUSED: connect ECONNREFUSED 10.0.0.5:5432). The service answers 503 until it is back.",
    });
    expect(translatePgError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), where)).toMatchObject({
      code: 'unavailable',
    });
    expect(translatePgError(Object.assign(new Error('the database system is starting up'), { code: '57P03' }), where)).toMatchObject({ code: 'unavailable' });
    expect(translatePgError(Object.assign(new Error('connection failure'), { code: '08006' }), where)).toMatchObject({ code: 'unavailable' });
    expect(translatePgError(new Error('Connection terminated unexpectedly'), where)).toMatchObject({ code: 'unavailable' });
    const full = translatePgError(Object.assign(new Error('could not extend file "base/16384/16390": No space left on device'), { code: '53100' }), where);
    expect(full).toMatchObject({ code: 'full' });
    expect(full.message).toMatch(/is full \(53100: could not extend file .*\)\. Nothing of this write was kept/);
    const other = new Error('syntax error');
    expect(translatePgError(other, where)).toBe(other);
    expect(withoutPassword('postgres://gcc:s3cret@db:5432/central?sslmode=require')).toBe('postgres://gcc@db:5432/central?sslmode=require');
    expect(withoutPassword('postgresql://gcc@db/central?password=s3cret')).not.toContain('s3cret');
  });
});
