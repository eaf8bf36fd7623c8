/**
 * The central data service as a process (`node --import tsx central/main.ts --store …`), hurt from outside, on
 * SQLite and on a real throw-away PostgreSQL cluster: SIGKILL in the middle of a 5,000-record write, PostgreSQL down
 * when the service starts and while it runs, two service processes writing the same record at once.
 *
 * Where a kill or a race must land inside a transaction, the test holds it there with the database's own means (a
 * trigger that never returns in SQLite; a table lock in PostgreSQL) and sees it there (SQLite's write lock taken;
 * pg_stat_activity and pg_locks) before it acts. No mocks.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '../../shared/api/schemas';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { POSTGRES_MIGRATIONS } from '../../central/store/postgres/migrations';
import { killAll, startService, type ChildService } from './fixtures/child-service';
import { call, readFeed, statusOf, until } from './fixtures/http';
import { openStream } from './helpers';
import { posted } from './store-suite';

const TOKEN = 'faults-quick-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const sqliteFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'gcc-faults-')), 'central.sqlite');
const serve = (store: string) => startService(['--store', store, '--port', '0', '--token', TOKEN]);
const stream = (svc: ChildService, lastEventId: number) => openStream(new URL('/v1/stream', svc.url).href, { ...auth, 'last-event-id': String(lastEventId) });
const recordOf = (data: string) => (JSON.parse(data) as { record: { id: string } }).record;

let server: TestPostgres | undefined;
let databases = 0;
const pgServer = () => {
  if (!server) throw new Error('The PostgreSQL test cluster did not start (see the error of beforeAll).');
  return server;
};
const freshDatabase = () => {
  const name = `f${++databases}`;
  return { name, url: pgServer().createDatabase(name) };
};
async function pgClient(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.destroy());
afterEach(killAll);

/** What holds the service's write transaction open where the kill must land. */
interface Hold {
  /** Resolves once the service is inside its write transaction, held there. */
  reached(): Promise<void>;
  /** Lets go and undoes the hold (after the kill); how many records of the batch are in the store, read directly. */
  release(): Promise<number>;
}

/**
 * Three changes (revs 1–3), a stream client following them; then a 5,000-record batch held mid-transaction and the
 * service SIGKILLed there; restart on the same store. None of the 5,000 is there; sent again they get revs 4..5003
 * (none of the earlier revs again); the stream client resumes with its Last-Event-ID and gets exactly what follows.
 */
async function killMidBatch(location: string, hold: () => Promise<Hold>) {
  let svc = await serve(location);
  const before = await call(svc.url, 'POST', '/v1/events', TOKEN, { source: 'before', records: [0, 1, 2].map((i) => posted({ id: `b${i}` })) });
  expect(before.body).toMatchObject({ counts: { created: 3 }, head_rev: 3 });
  const follower = stream(svc, 0);
  await follower.waitFor(() => follower.events.length === 3);

  const held = await hold();
  const records = Array.from({ length: 5000 }, (_, i) => posted({ id: `k${i}`, title: `批量导入的第${i}件` }));
  const answer = call(svc.url, 'POST', '/v1/events', TOKEN, { source: 'killed', records }).then(
    (a) => a.status,
    () => 'no answer',
  );
  await held.reached();
  expect(await svc.kill('SIGKILL')).toBe('SIGKILL');
  expect(await answer).toBe('no answer');
  // Read from the database itself, not through the feed (which stops at the committed head): none of it.
  expect(await held.release()).toBe(0);
  const lastSeen = Number(follower.events.at(-1)!.id);
  follower.stop();
  expect(lastSeen).toBe(3);

  svc = await serve(location);
  const survived = await readFeed(svc.url, TOKEN);
  expect(survived.head).toBe(3);
  expect(survived.items.map((i) => [i.rev, i.id])).toEqual([
    [1, 'b0'],
    [2, 'b1'],
    [3, 'b2'],
  ]);

  const again = await call(svc.url, 'POST', '/v1/events', TOKEN, { source: 'again', records });
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ counts: { created: 5000, updated: 0, unchanged: 0 }, head_rev: 5003 });
  expect((again.body!.results as { rev: number }[]).map((r) => r.rev)).toEqual(range(4, 5003));

  const resumed = stream(svc, lastSeen);
  await resumed.waitFor(() => resumed.events.length >= 5000, 15_000);
  await call(svc.url, 'POST', '/v1/events', TOKEN, { source: 'live', records: [posted({ id: 'after-restart' })] });
  await resumed.waitFor(() => resumed.events.some((e) => e.id === '5004'));
  resumed.stop();
  expect(resumed.events.map((e) => Number(e.id))).toEqual(range(4, 5004));
  expect(resumed.events.map((e) => recordOf(e.data).id)).toEqual([...records.map((r) => r.id), 'after-restart']);
  const feed = await readFeed(svc.url, TOKEN);
  expect(feed.items.map((i) => i.rev)).toEqual(range(1, 5004));
}

describe('SIGKILL in the middle of a 5,000-record write, then a restart', () => {
  it('SQLite: none of the batch is kept, revs go on from the last commit, a stream resumes exactly after its id', async () => {
    const file = sqliteFile();
    await killMidBatch(file, async () => {
      // The 2,501st insert of the batch runs a trigger that does not return: the transaction stays open, half
      // written, until the process dies. The test's own connection sees SQLite's write lock taken.
      const probe = new Database(file, { timeout: 0 });
      probe.exec(`CREATE TABLE test_hold (x INTEGER);
        WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000) INSERT INTO test_hold SELECT x FROM n;
        CREATE TRIGGER test_hold_mid_batch AFTER INSERT ON records WHEN NEW.id = 'k2500'
        BEGIN SELECT count(*) FROM test_hold a, test_hold b, test_hold c; END;`);
      const writing = () => {
        try {
          probe.exec('BEGIN IMMEDIATE');
          probe.exec('ROLLBACK');
          return false;
        } catch (error) {
          if (String((error as { code?: string }).code).startsWith('SQLITE_BUSY')) return true;
          throw error;
        }
      };
      return {
        async reached() {
          await until('the service to take the write lock', () => writing() || undefined, 20_000, 5);
          // Still taken half a second later: a whole write of 5,000 takes well under that here; this one is held.
          await sleep(500);
          expect(writing()).toBe(true);
        },
        async release() {
          probe.exec('DROP TRIGGER test_hold_mid_batch; DROP TABLE test_hold');
          const kept = probe.prepare("SELECT count(*) FROM records WHERE id LIKE 'k%'").pluck().get() as number;
          probe.close();
          return kept;
        },
      };
    });
  }, 60_000);

  it('PostgreSQL: none of the batch is kept, revs go on from the last commit, a stream resumes exactly after its id', async () => {
    const { url } = freshDatabase();
    await killMidBatch(url, async () => {
      // The write inserts its records, moves the head, then writes its audit row: a lock on the audit table holds it
      // there, its rows written and not committed (pg_locks: its lock for writing records granted, for audit waiting).
      const holder = await pgClient(url);
      const observer = await pgClient(url);
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE audit IN SHARE MODE');
      return {
        async reached() {
          await until(
            'the write to wait at its audit row with its records inserted',
            async () => {
              const { rows } = await observer.query<{ n: number }>(
                `SELECT count(*)::int AS n FROM pg_stat_activity a
               JOIN pg_locks w ON w.pid = a.pid AND w.relation = 'records'::regclass AND w.mode = 'RowExclusiveLock' AND w.granted
               JOIN pg_locks h ON h.pid = a.pid AND h.relation = 'audit'::regclass AND NOT h.granted
               WHERE a.datname = current_database() AND a.application_name = 'gcc-central'`,
              );
              return rows[0].n === 1 || undefined;
            },
            20_000,
            20,
          );
        },
        async release() {
          await holder.query('ROLLBACK');
          await holder.end();
          const { rows } = await observer.query<{ n: number }>("SELECT count(*)::int AS n FROM records WHERE id LIKE 'k%'");
          await observer.end();
          return rows[0].n;
        },
      };
    });
  }, 60_000);
});

describe('PostgreSQL down', () => {
  it('at start: the service starts anyway, answers 503 with a sentence, and recovers by itself; mid-run likewise', async () => {
    const { name, url } = freshDatabase();
    pgServer().stop();
    let up = false;
    try {
      const svc = await serve(url);
      const unreachable = new RegExp(
        `^The store's database at postgres://postgres@127\\.0\\.0\\.1:\\d+/${name} cannot be reached \\(.+\\)\\. The service answers 503 until it is back\\.$`,
      );
      const expectDown = async () => {
        for (const url of ['/v1/meta', '/v1/changes?after_rev=0', '/v1/regions', '/v1/stream']) {
          const a = await call(svc.url, 'GET', url, TOKEN);
          expect(a.status, url).toBe(503);
          expect(a.body, url).toMatchObject({ error: 'unavailable' });
          expect(a.body!.message, url).toMatch(unreachable);
          expect(a.headers.get('retry-after')).toBe('5');
        }
        const write = await call(svc.url, 'POST', '/v1/events', TOKEN, { records: [posted({ id: 'while-down' })] });
        expect(write.status).toBe(503);
        expect(write.body!.message).toMatch(unreachable);
        // A token the store keeps cannot be checked either: 503, not 401.
        expect((await call(svc.url, 'GET', '/v1/meta', 'a-token-of-the-store')).status).toBe(503);
        expect((await fetch(new URL('/healthz', svc.url))).status).toBe(503);
      };
      await expectDown();

      pgServer().start();
      up = true;
      await until('the service to answer once the database is up', async () => (await statusOf(svc.url, '/v1/meta', TOKEN)) === 200 || undefined);
      // It brought the schema up to date by itself, and writes.
      expect(pgServer().psql(name, 'SELECT version FROM schema_version').trim()).toBe(String(POSTGRES_MIGRATIONS.length));
      const first = await call(svc.url, 'POST', '/v1/events', TOKEN, { records: [posted({ id: 'e1' }), posted({ id: 'e2' })] });
      expect(first.body).toMatchObject({ counts: { created: 2 }, head_rev: 2 });

      // Down mid-run, with a stream client connected: 503 in words, nothing written; back, it goes on where it was.
      const follower = stream(svc, 2);
      await follower.ready;
      pgServer().stop();
      up = false;
      await expectDown();
      pgServer().start();
      up = true;
      await until('the service to answer again', async () => (await statusOf(svc.url, '/v1/meta', TOKEN)) === 200 || undefined);
      const after = await call(svc.url, 'POST', '/v1/events', TOKEN, { records: [posted({ id: 'e3' })] });
      expect(after.body).toMatchObject({ counts: { created: 1 }, head_rev: 3 });
      await follower.waitFor(() => follower.events.length > 0, 10_000);
      await sleep(300);
      follower.stop();
      expect(follower.events.map((e) => [e.id, recordOf(e.data).id])).toEqual([['3', 'e3']]);
      expect((await readFeed(svc.url, TOKEN)).items.map((i) => i.id)).toEqual(['e1', 'e2', 'e3']);
      expect(svc.stderr()).toMatch(/cannot be reached .*Its schema is brought up to date once it is\./);
    } finally {
      if (!up) pgServer().start();
    }
  }, 60_000);
});

/**
 * Two service processes on one store; the same record changed through each at once (both writes held at the
 * store's lock until both are there). Each answers 200; the writes take their revs one after the other; the record is
 * whole as the later one wrote it; the feed holds each write's revs in order, and the stream clients of both
 * processes see them in order.
 */
async function twoWriters(
  location: string,
  hold: () => Promise<{ bothWaiting(answered: () => number, services: ChildService[]): Promise<void>; release(): Promise<void> }>,
) {
  const [a, b] = await Promise.all([serve(location), serve(location)]);
  expect((await call(a.url, 'POST', '/v1/events', TOKEN, { records: [posted({ id: 'shared' })] })).body).toMatchObject({ head_rev: 1 });
  const watchers = [stream(a, 1), stream(b, 1)];
  await Promise.all(watchers.map((w) => w.ready));

  const versions: Record<'a' | 'b', ReturnType<typeof posted>> = {
    a: posted({ id: 'shared', title: '甲：楼道堆物已清理', severity: 'high', department_id: 'dep1', stage: 'dispatched' as Event['stage'] }),
    b: posted({ id: 'shared', title: '乙：改派市场监管局', severity: 'medium', department_id: 'dep2', grid_id: 'g2' }),
  };
  const held = await hold();
  let answered = 0;
  const write = (svc: ChildService, who: 'a' | 'b') =>
    call(svc.url, 'POST', '/v1/events', TOKEN, { source: `writer-${who}`, records: [versions[who], posted({ id: `only-${who}` })] }).finally(() => answered++);
  const answers = Promise.all([write(a, 'a'), write(b, 'b')]);
  await held.bothWaiting(() => answered, [a, b]);
  await held.release();
  const [ra, rb] = await answers;
  expect([ra.status, rb.status]).toEqual([200, 200]);

  const revsOf = (r: typeof ra) => (r.body!.results as { rev: number; outcome: string }[]).map((x) => [x.rev, x.outcome]);
  const [first, second] = (revsOf(ra)[0][0] as number) < (revsOf(rb)[0][0] as number) ? (['a', 'b'] as const) : (['b', 'a'] as const);
  const answer = { a: ra, b: rb };
  expect(revsOf(answer[first])).toEqual([
    [2, 'updated'],
    [3, 'created'],
  ]);
  expect(revsOf(answer[second])).toEqual([
    [4, 'updated'],
    [5, 'created'],
  ]);
  expect(answer[second].body!.head_rev).toBe(5);

  // The later write wins whole: the record is exactly its version (no field of the other), at its rev.
  for (const svc of [a, b]) {
    const feed = await readFeed(svc.url, TOKEN, 1);
    expect(feed.items.map((i) => [i.rev, i.id])).toEqual([
      [3, `only-${first}`],
      [4, 'shared'],
      [5, `only-${second}`],
    ]);
    expect(feed.items[1].record).toEqual({ ...versions[second], rev: 4 });
  }
  for (const w of watchers) {
    await w.waitFor(() => w.events.some((e) => e.id === '5'), 10_000);
    w.stop();
    const ids = w.events.map((e) => Number(e.id));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
    expect(ids.slice(-3)).toEqual([3, 4, 5]);
    const shared = w.events.filter((e) => recordOf(e.data).id === 'shared');
    expect(JSON.parse(shared.at(-1)!.data)).toMatchObject({ rev: 4, record: { ...versions[second], rev: 4 } });
    // Seen between the two commits, the first write is there at its own rev, whole too.
    if (shared.length > 1) expect(JSON.parse(shared[0].data)).toMatchObject({ rev: 2, record: { ...versions[first], rev: 2 } });
  }
}

describe('several service processes start on one new SQLite store at once', () => {
  it('all come up: they take turns at creating the schema, and serve the same store', async () => {
    const file = sqliteFile();
    // The write lock held while they start: each reads the schema version (none yet) and then waits for the lock,
    // so all of them find an empty store and want to create it — the race two services hit in CI, every time.
    const holder = new Database(file);
    holder.pragma('journal_mode = WAL');
    holder.exec('BEGIN IMMEDIATE');
    const starting = [1, 2, 3].map(() => serve(file));
    await new Promise((r) => setTimeout(r, 5000));
    holder.exec('ROLLBACK');
    holder.close();
    const services = await Promise.all(starting);
    const posted1 = await call(services[0].url, 'POST', '/v1/events', TOKEN, { records: [posted({ id: 'one' })] });
    expect(posted1.body).toMatchObject({ head_rev: 1 });
    for (const svc of services) expect((await readFeed(svc.url, TOKEN)).items.map((i) => i.id)).toEqual(['one']);
  }, 60_000);
});

describe('two service processes write the same record at once', () => {
  it('PostgreSQL: both answer, one wins whole, the feed and both streams show the revs in order', async () => {
    const { url } = freshDatabase();
    await twoWriters(url, async () => {
      // Hold the rev counter: both writes wait for it inside their transactions (seen in pg_stat_activity).
      const holder = await pgClient(url);
      const observer = await pgClient(url);
      await holder.query('BEGIN');
      await holder.query('SELECT head_rev FROM revs FOR UPDATE');
      return {
        async bothWaiting(answered) {
          await until(
            'both writes to wait for the rev counter',
            async () => {
              const { rows } = await observer.query<{ n: number }>(
                "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'gcc-central' AND wait_event_type = 'Lock'",
              );
              return rows[0].n === 2 || undefined;
            },
            20_000,
            20,
          );
          expect(answered()).toBe(0);
        },
        async release() {
          await holder.query('ROLLBACK');
          await holder.end();
          await observer.end();
        },
      };
    });
  }, 60_000);

  it('SQLite (one file, two processes): both answer, one wins whole, the feed and both streams show the revs in order', async () => {
    const file = sqliteFile();
    await twoWriters(file, async () => {
      // Hold SQLite's write lock: both writes wait for it in their busy handlers, which block their processes (so
      // neither answers even /healthz while it waits).
      const holder = new Database(file);
      holder.exec('BEGIN IMMEDIATE');
      return {
        async bothWaiting(answered, services) {
          const blocked = (svc: ChildService) =>
            fetch(new URL('/healthz', svc.url), { signal: AbortSignal.timeout(300) }).then(
              () => false,
              () => true,
            );
          await until(
            'both services to wait for the write lock',
            async () => (await Promise.all(services.map(blocked))).every(Boolean) || undefined,
            20_000,
            0,
          );
          expect(answered()).toBe(0);
        },
        async release() {
          holder.exec('ROLLBACK');
          holder.close();
        },
      };
    });
  }, 60_000);
});
