/**
 * The headless sync against a misbehaving API, continued (tests/sync/retry.test.ts has each transient fault): the
 * CLI retries and sends the page size; permanent faults stop at once; the budget ends a sync with one sentence;
 * Retry-After is honoured; a body that trickles is cut off at the deadline; a 410 on the change feed re-syncs from
 * scratch.
 */
import { describe, expect, it } from 'vitest';
import { openCache } from '../../core/cache/database';
import { cacheChecksum, checkCache } from '../../core/cache/inspect';
import type { SyncStatus } from '../../shared/bridge/contract';
import { cleanChecksum, server, tempCache } from './harness';
import { fixtures, misbehaving, oncePerPath, unavailable } from './misbehaving-server';

/** The server's largest page: the shared data set is about 16 of them (at 500 a record it is 150). */
const PAGE = 5000;
const { front, engine, runCli, changes, defer } = fixtures();

describe('the sync CLI', { timeout: 60_000 }, () => {
  it('the CLI (npm run sync) retries a reset connection on every path and exits 0 with all the data', async () => {
    // Once per path, not per request: the CLI backs off from 1 s, and every page failing would take a minute.
    const f = await front(oncePerPath({ type: 'reset' }));
    const cache = tempCache();
    const run = runCli(['--api', f.url, '--token', 'demo-token', '--cache', cache, '--retry-for', '30']);
    expect(await run.exited, run.stderr()).toBe(0);
    const { db } = openCache(cache);
    expect(cacheChecksum(db)).toBe(await cleanChecksum());
    db.close();
    expect(
      f.requests
        .filter((r) => r.action === 'reset')
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/v1/changes', '/v1/meta', '/v1/organisation', '/v1/regions']);
  });

  it('the CLI sends limit: 5000 by default, --page-size otherwise', async () => {
    const f = await front(() => ({ type: 'pass' }));
    const first = runCli(['--api', f.url, '--token', 'demo-token', '--cache', tempCache()]);
    expect(await first.exited, first.stderr()).toBe(0);
    expect(changes(f).length).toBeGreaterThan(0);
    for (const r of changes(f)) expect(r.query.get('limit')).toBe('5000');
    f.requests.length = 0;
    const second = runCli(['--api', f.url, '--token', 'demo-token', '--cache', tempCache(), '--page-size', '2500']);
    expect(await second.exited, second.stderr()).toBe(0);
    expect(changes(f).length).toBeGreaterThan(3);
    for (const r of changes(f)) expect(r.query.get('limit')).toBe('2500');
  });
});

describe('permanent faults and the budget', { timeout: 60_000 }, () => {
  it.each([404, 400])('%d on the change feed stops at once, without retries', async (status) => {
    const f = await front((r) =>
      r.path === '/v1/changes'
        ? {
            type: 'status',
            status,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ error: status === 404 ? 'not_found' : 'bad_request', message: 'No.' }),
          }
        : { type: 'pass' },
    );
    const { engine: e } = engine(f.url, { retryForMs: 30_000, pageSize: PAGE });
    const error = await e.syncOnce().then(
      () => null,
      (err: Error) => err,
    );
    expect(error?.message).toMatch(new RegExp(`answered ${status}`));
    expect(error?.message).not.toMatch(/retrying|Gave up/);
    expect(changes(f)).toHaveLength(1);
  });

  it('a page that promises more but does not move next_rev forward stops with a sentence, not an endless loop', async () => {
    const stuck = JSON.stringify({ items: [], next_rev: 0, has_more: true, head_rev: 10, total: 10 });
    const f = await front((r) =>
      r.path === '/v1/changes' ? { type: 'status', status: 200, headers: { 'content-type': 'application/json' }, body: stuck } : { type: 'pass' },
    );
    const { engine: e } = engine(f.url, { retryForMs: 30_000, pageSize: PAGE });
    await expect(e.syncOnce()).rejects.toThrow(/next_rev 0, which does not move forward/);
    // The first page and at most the one already requested beside it.
    expect(changes(f).length).toBeLessThanOrEqual(2);
  });

  it('an answer in the wrong format (well-formed JSON) stops at once', async () => {
    const f = await front((r) =>
      r.path === '/v1/changes' ? { type: 'status', status: 200, headers: { 'content-type': 'application/json' }, body: '{"items":"none"}' } : { type: 'pass' },
    );
    const { engine: e } = engine(f.url, { retryForMs: 30_000, pageSize: PAGE });
    await expect(e.syncOnce()).rejects.toThrow(/not in the agreed format/);
    expect(changes(f)).toHaveLength(1);
  });

  it('an API that always answers 503 is given up on after the budget, in one sentence that does not say "retrying"', async () => {
    const f = await front((r) => (r.path === '/v1/changes' ? unavailable() : { type: 'pass' }));
    const { engine: e } = engine(f.url, { retryForMs: 1500, pageSize: PAGE });
    const started = performance.now();
    const error = await e.syncOnce().then(
      () => null,
      (err: Error) => err,
    );
    const took = performance.now() - started;
    expect(error?.message).toMatch(/^Gave up after \d+ s of retries: the central API at .* answered 503 .*on v1\/changes \(\d+ attempts\)\.$/);
    expect(error?.message).not.toMatch(/retrying/i);
    expect(changes(f).length).toBeGreaterThan(2);
    // It kept trying for the budget (a behaviour check; the bound is generous).
    expect(took).toBeGreaterThanOrEqual(1400);
  });

  it.each([
    // An HTTP date has whole seconds: 3 s from now is at least 2 s away.
    ['delta-seconds', () => '2'],
    ['an HTTP date', () => new Date(Date.now() + 3000).toUTCString()],
  ])('Retry-After as %s is honoured', async (_name, retryAfter) => {
    const f = await front(oncePerPath(unavailable({ 'retry-after': retryAfter() }), (r) => r.path === '/v1/changes'));
    const { db, engine: e } = engine(f.url, { retryForMs: 30_000, pageSize: PAGE });
    await e.syncOnce();
    const [first, second] = changes(f).filter((r) => r.query.get('after_rev') === '0');
    expect(second.at - first.at).toBeGreaterThanOrEqual(1800);
    expect(cacheChecksum(db)).toBe(await cleanChecksum());
  });
});

describe('deadlines', { timeout: 60_000 }, () => {
  it('a page that trickles a byte every 2 s is abandoned at the deadline ("did not answer in time") and asked again', async () => {
    const f = await front(oncePerPath({ type: 'trickle', everyMs: 2000 }, (r) => r.path === '/v1/changes'));
    const statuses: SyncStatus[] = [];
    const { db, engine: e } = engine(f.url, { retryForMs: 30_000, pageSize: PAGE }, { deadlineMs: 3000 }, { status: (st) => statuses.push(st) });
    await e.syncOnce();
    expect(statuses.some((st) => /did not answer in time/.test(st.message ?? ''))).toBe(true);
    expect(statuses.some((st) => /cannot be reached/.test(st.message ?? ''))).toBe(false);
    expect(cacheChecksum(db)).toBe(await cleanChecksum());
  });
});

describe('410 on the change feed', { timeout: 60_000 }, () => {
  it('re-syncs from scratch: a record deleted on the server whose tombstone was pruned does not stay', async () => {
    const s = await server();
    let gone = false;
    const f = await misbehaving(s.url);
    defer(() => s.close());
    defer(() => f.close());
    const statuses: SyncStatus[] = [];
    const { db, store, engine: e } = engine(f.url, { retryForMs: 30_000, pageSize: PAGE }, {}, { status: (st) => statuses.push(st) });
    await e.syncOnce();
    const clean = await cleanChecksum();
    expect(cacheChecksum(db)).toBe(clean);
    // A record the server has since deleted, and whose tombstone it has pruned: only a full re-sync drops it.
    const page = (await (await fetch(`${s.url}v1/changes?after_rev=0&limit=1`, { headers: { authorization: 'Bearer demo-token' } })).json()) as {
      items: { type: string; record: { id: string } }[];
    };
    const ghost = { ...page.items[0], record: { ...page.items[0].record, id: `${page.items[0].record.id}-ghost` } };
    store.applyChanges([ghost], { nextRev: 0, headRev: 0 }, 'stream');
    expect(cacheChecksum(db)).not.toBe(clean);
    const cursor = store.cursor;
    f.rule = (r) => {
      if (!gone && r.path === '/v1/changes' && Number(r.query.get('after_rev')) === cursor) {
        gone = true;
        return {
          type: 'status',
          status: 410,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ error: 'not_found', message: 'Tombstones before rev 9 have been pruned.' }),
        };
      }
      return { type: 'pass' };
    };
    await e.syncOnce();
    expect(gone).toBe(true);
    expect(cacheChecksum(db)).toBe(clean);
    expect(checkCache(db)).toEqual([]);
    expect(statuses.some((st) => st.state === 'syncing' && /full re-sync/.test(st.message ?? ''))).toBe(true);
  });
});
