/**
 * The central data service over HTTP on its SQLite store: writes with idempotence, updates and tombstones, scopes
 * and audit, bad batches, a full store, the stream resumed across a restart, and the app's own sync engine syncing
 * from it unchanged.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCentralService, type CentralService } from '../../central/http/service';
import { SqliteStore } from '../../central/store/sqlite/store';
import { openCache } from '../../core/cache/database';
import { cacheStats, checkCache } from '../../core/cache/inspect';
import { CacheStore } from '../../core/cache/store';
import { ApiClient } from '../../core/sync/api-client';
import { SyncEngine } from '../../core/sync/engine';
import { ChangesPage } from '../../shared/api/schemas';
import { organisation, regions } from '../fixtures/records';
import { posted } from './store-suite';

const TOKEN = 'quick-start-token';
const tempDir = () => mkdtempSync(path.join(tmpdir(), 'gcc-service-'));
const running: CentralService[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) {
    await s.close();
    await s.store.close();
  }
});

async function service(file = path.join(tempDir(), 'central.sqlite'), options: { maxPageCount?: number } = {}) {
  const s = await startCentralService({ store: new SqliteStore(file, options), token: TOKEN, heartbeatMs: 500 });
  running.push(s);
  return { s, file };
}

async function call(s: CentralService, method: string, url: string, body?: unknown, token = TOKEN) {
  const res = await fetch(new URL(url, s.url), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null, headers: res.headers };
}

const seed = async (s: CentralService) => {
  expect((await call(s, 'PUT', '/v1/regions', regions)).status).toBe(200);
  expect((await call(s, 'PUT', '/v1/organisation', organisation)).status).toBe(200);
};

describe('central data service (SQLite store)', { timeout: 60_000 }, () => {
  it('writes: created, unchanged when posted again, updated when changed, a tombstone on DELETE; the feed follows', async () => {
    const { s } = await service();
    await seed(s);
    const first = await call(s, 'POST', '/v1/events', { source: '12345', records: [posted({ id: 'e1' }), posted({ id: 'e2' })] });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ counts: { created: 2, updated: 0, unchanged: 0 }, head_rev: 2 });
    const again = await call(s, 'POST', '/v1/events', { source: '12345', records: [posted({ id: 'e1' }), posted({ id: 'e2', title: '改了' })] });
    expect(again.body).toMatchObject({ counts: { created: 0, updated: 1, unchanged: 1 }, head_rev: 3 });
    expect((again.body!.results as unknown[])[0]).toEqual({ index: 0, id: 'e1', outcome: 'unchanged', rev: 1 });
    const deleted = await call(s, 'DELETE', '/v1/events/e1');
    expect(deleted.body).toMatchObject({ counts: { deleted: 1 }, head_rev: 4 });
    expect((await call(s, 'DELETE', '/v1/events/nope')).status).toBe(404);
    const page = ChangesPage.parse((await call(s, 'GET', '/v1/changes?after_rev=0&limit=10')).body);
    expect(page.items.map((i) => [(i as { type: string }).type, (i as { rev: number }).rev])).toEqual([
      ['event', 3],
      ['tombstone', 4],
    ]);
    expect(page).toMatchObject({ next_rev: 4, has_more: false, head_rev: 4 });
  });

  it('a batch with one invalid record writes nothing and names the record and the field', async () => {
    const { s } = await service();
    const bad = { ...posted({ id: 'bad' }), stages: { reported: '2023-02-30T10:00:00+08:00' } };
    const res = await call(s, 'POST', '/v1/events', { records: [posted({ id: 'ok' }), bad] });
    expect(res.status).toBe(400);
    expect(res.body!.message).toMatch(
      /1 of 2 records are invalid, so nothing was written\. The first: record 1 \("bad"\), stages\.reported: not an RFC 3339 date-time/,
    );
    expect(res.body!.results).toEqual([expect.objectContaining({ index: 1, id: 'bad', outcome: 'rejected' })]);
    expect(await s.store.headRev()).toBe(0);
    expect((await call(s, 'POST', '/v1/events', { records: [] })).status).toBe(400);
    expect((await call(s, 'POST', '/v1/events', { records: Array.from({ length: 5001 }, (_, i) => posted({ id: `e${i}` })) })).status).toBe(400);
  });

  it('scopes: a read token reads but may not write (403 with a sentence); a revoked or wrong token gets 401; writes are audited', async () => {
    const { s } = await service();
    const reader = await s.store.createToken('wall-1', ['read']);
    const writer = await s.store.createToken('importer', ['read', 'write']);
    expect((await call(s, 'GET', '/v1/changes', undefined, reader.token)).status).toBe(200);
    const refused = await call(s, 'POST', '/v1/events', { records: [posted({ id: 'e1' })] }, reader.token);
    expect(refused.status).toBe(403);
    expect(refused.body!.message).toMatch(/may only read; POST \/v1\/events needs a token with the write scope/);
    expect((await call(s, 'POST', '/v1/events', { source: 'excel:矛盾纠纷台账', records: [posted({ id: 'e1' })] }, writer.token)).status).toBe(200);
    await s.store.revokeToken('importer');
    expect((await call(s, 'GET', '/v1/meta', undefined, writer.token)).status).toBe(401);
    expect((await call(s, 'GET', '/v1/meta', undefined, 'nonsense')).status).toBe(401);
    expect((await s.store.audit())[0]).toMatchObject({ tokenName: 'importer', source: 'excel:矛盾纠纷台账', action: 'put events', created: 1 });
  });

  it('a region tree that does not hold together is refused whole, with the places named', async () => {
    const { s } = await service();
    const orphan = { ...regions, regions: regions.regions.map((r) => (r.id === 'g2' ? { ...r, parent_id: 'c9' } : r)) };
    const res = await call(s, 'PUT', '/v1/regions', orphan);
    expect(res.status).toBe(400);
    expect(res.body!.message).toMatch(/grid "翠屏路社区第2网格" \(g2\) has no parent in the tree/);
    expect(await s.store.regions()).toBeNull();
  });

  it('a full store answers 507 with a sentence and keeps nothing of the batch', async () => {
    const { s } = await service(undefined, { maxPageCount: 40 });
    const big = Array.from({ length: 2000 }, (_, i) => posted({ id: `e${i}`, title: `${'很长的标题'.repeat(30)}${i}` }));
    const res = await call(s, 'POST', '/v1/events', { records: big });
    expect(res.status).toBe(507);
    expect(res.body!.message).toMatch(/is full .* Nothing of this write was kept/);
    expect(await s.store.headRev()).toBe(0);
  });

  it('the stream sends new changes and resumes with Last-Event-ID across a restart of the service', async () => {
    const { s, file } = await service();
    await call(s, 'POST', '/v1/events', { records: [posted({ id: 'e1' }), posted({ id: 'e2' })] });
    await s.close();
    await s.store.close();
    running.pop();
    // Restarted on the same store file; meanwhile two more changes were written.
    const store = new SqliteStore(file);
    await store.putRecords('event', [posted({ id: 'e3' }), posted({ id: 'e4' })], { tokenId: null, tokenName: 't', source: 't' });
    const again = await startCentralService({ store, token: TOKEN, heartbeatMs: 200 });
    running.push(again);
    const controller = new AbortController();
    const res = await fetch(new URL('/v1/stream', again.url), {
      headers: { authorization: `Bearer ${TOKEN}`, 'last-event-id': '2' },
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil(/id: 4\n/);
    expect([...text.matchAll(/id: (\d+)\n/g)].map((m) => Number(m[1]))).toEqual([3, 4]);
    // A write after connecting arrives live; heartbeats keep the line alive.
    await call(again, 'POST', '/v1/events', { records: [posted({ id: 'e5' })] });
    await readUntil(/id: 5\n/);
    await readUntil(/: heartbeat/);
    controller.abort();
  });

  it('the app syncs from it unchanged: a cache that equals what was written', async () => {
    const { s } = await service();
    await seed(s);
    const records = Array.from({ length: 1200 }, (_, i) => posted({ id: `e${i}`, grid_id: i % 2 ? 'g1' : 'g2' }));
    await call(s, 'POST', '/v1/events', { source: 'test', records });
    await call(s, 'DELETE', '/v1/events/e7');
    const { db } = openCache(path.join(tempDir(), 'cache.sqlite'));
    const engine = new SyncEngine(new ApiClient({ baseUrl: s.url, token: TOKEN }), new CacheStore(db), {}, { pageSize: 500 });
    await engine.syncOnce();
    const stats = cacheStats(db);
    expect(stats).toMatchObject({ events: 1199, grids: 2, quarantined: 0, cursorRev: 1201 });
    expect(checkCache(db)).toEqual([]);
    db.close();
  });
});
