/**
 * The headless sync against an API that misbehaves the way real ones and their gateways do: each transient fault,
 * once on every request, is retried and the cache ends equal to a clean sync. (tests/sync/give-up.test.ts: the
 * budget, permanent faults, Retry-After, deadlines, 410, the CLI.)
 */
import { describe, expect, it } from 'vitest';
import { cacheChecksum, checkCache } from '../../core/cache/inspect';
import { cleanChecksum } from './harness';
import { fixtures, gatewayHtml, unavailable, type Action } from './misbehaving-server';

/** The server's largest page: the shared data set is about 16 of them (at 500 a record it is 150). */
const PAGE = 5000;
const { front, engine, changes } = fixtures();

describe('transient faults are retried and the cache ends equal to a clean sync', { timeout: 60_000 }, () => {
  const status = (code: number, body = ''): Action => ({ type: 'status', status: code, headers: { 'content-type': 'text/plain' }, body });
  const others = [408, 425, 500, 504];
  let turn = 0;
  const faults: [string, Action | (() => Action)][] = [
    ['503 without Retry-After', unavailable()],
    ['502 with a gateway HTML page', gatewayHtml],
    ['429', { type: 'status', status: 429, headers: { 'content-type': 'application/json' }, body: '{"error":"unavailable","message":"Slow down."}' }],
    ['408, 425, 500 and 504 in turn', () => status(others[turn++ % others.length], 'try later')],
    ['a body cut short', { type: 'truncate' }],
    ['a reset connection', { type: 'reset' }],
    ['200 with broken JSON', { type: 'broken_json' }],
  ];
  it.each(faults)('%s, once on every request', async (_name, fault) => {
    const f = await front((r) => (r.n === 1 ? (typeof fault === 'function' ? fault() : fault) : { type: 'pass' }));
    const { db, engine: e } = engine(f.url, { retryForMs: 30_000, pageSize: PAGE });
    await e.syncOnce();
    expect(cacheChecksum(db)).toBe(await cleanChecksum());
    expect(checkCache(db)).toEqual([]);
    // Every request failed once: the reference data and every page (mid-chain too) were asked for again.
    expect(changes(f).filter((r) => r.action !== 'pass').length).toBeGreaterThan(3);
  });
});
