/** The fault knobs do what they say, on pages and on the stream. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, Change, ChangesPage } from '../../shared/api/schemas';
import type { CentralEngine } from '../../central/demo/engine';
import { NO_FAULTS } from '../../central/demo/faults';
import { createCentralServer, type CentralServer } from '../../central/demo/server';
import { engineAt, openStream } from './helpers';

const auth = { authorization: 'Bearer demo-token' };
let engine: CentralEngine;
let server: CentralServer;
// A cursor a year into the history: pages there hold every kind of record.
const cursor = 2 ** 24 * 86400 * 400;

async function page(after = cursor, limit = 200) {
  const res = await fetch(new URL(`/v1/changes?after_rev=${after}&limit=${limit}`, server.url), { headers: auth });
  return ChangesPage.parse(await res.json());
}

beforeAll(async () => {
  engine = engineAt({ rate: 40 });
  server = await createCentralServer({ engine });
});
afterEach(() => server.setFaults(NO_FAULTS));
afterAll(async () => {
  await server.close();
  engine.stop();
});

describe('fault knobs', () => {
  it('latency delays every /v1 answer', async () => {
    server.setFaults({ latencyMs: 300 });
    const t = performance.now();
    const res = await fetch(new URL('/v1/meta', server.url), { headers: auth });
    expect(res.status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(290);
  });

  it('error rate answers 503 with an ApiError and Retry-After', async () => {
    server.setFaults({ errorRate: 1 });
    const res = await fetch(new URL('/v1/changes', server.url), { headers: auth });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    const body = ApiError.parse(await res.json());
    expect(body.error).toBe('unavailable');
    server.setFaults({ errorRate: 0.5 });
    const statuses = await Promise.all(Array.from({ length: 40 }, () => fetch(new URL('/v1/meta', server.url), { headers: auth }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(5);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(5);
  });

  it('malformed records fail validation but keep their type and rev, so a client can quarantine them and go on', async () => {
    const clean = await page();
    server.setFaults({ malformedRate: 1 });
    const bad = await page();
    expect(bad.items).toHaveLength(clean.items.length);
    expect(bad.next_rev).toBe(clean.next_rev);
    for (const [i, item] of bad.items.entries()) {
      expect(Change.safeParse(item).success).toBe(false);
      const raw = item as { type: string; rev: number };
      expect(raw.rev).toBe((clean.items[i] as { rev: number }).rev);
      expect(['event', 'evaluation', 'service', 'tombstone']).toContain(raw.type);
    }
    server.setFaults({ malformedRate: 0.2 });
    const some = await page();
    const broken = some.items.filter((i) => !Change.safeParse(i).success).length;
    expect(broken).toBeGreaterThan(10);
    expect(broken).toBeLessThan(80);
  });

  it('duplicates send records twice with the same rev; reordering breaks rev order within a page', async () => {
    const clean = (await page()).items.map((i) => JSON.stringify(i));
    server.setFaults({ duplicateRate: 1 });
    const doubled = (await page()).items.map((i) => JSON.stringify(i));
    expect(doubled).toEqual(clean.flatMap((i) => [i, i]));
    server.setFaults({ duplicateRate: 0, reorderRate: 0.5 });
    const shuffled = (await page()).items;
    const revs = shuffled.map((i) => (i as { rev: number }).rev);
    expect([...revs].sort((a, b) => a - b)).toEqual(clean.map((i) => (JSON.parse(i) as { rev: number }).rev));
    expect(revs).not.toEqual([...revs].sort((a, b) => a - b));
  });

  it('the stream gets the same treatment: duplicates, bad records, out-of-order ids', async () => {
    server.setFaults({ duplicateRate: 1 });
    const dup = openStream(new URL('/v1/stream', server.url).toString(), auth);
    await dup.ready;
    await dup.waitFor(() => dup.events.length >= 10);
    dup.stop();
    for (let i = 0; i + 1 < 10; i += 2) expect(dup.events[i]).toEqual(dup.events[i + 1]);

    server.setFaults({ duplicateRate: 0, malformedRate: 1 });
    const bad = openStream(new URL('/v1/stream', server.url).toString(), auth);
    await bad.ready;
    await bad.waitFor(() => bad.events.length >= 5);
    bad.stop();
    for (const e of bad.events) expect(Change.safeParse(JSON.parse(e.data)).success).toBe(false);

    server.setFaults({ malformedRate: 0, reorderRate: 0.5 });
    const mixed = openStream(new URL('/v1/stream', server.url).toString(), auth);
    await mixed.ready;
    await mixed.waitFor(() => mixed.events.length >= 30);
    mixed.stop();
    const ids = mixed.events.map((e) => Number(e.id));
    expect(ids.some((id, i) => i > 0 && id < ids[i - 1])).toBe(true);
  });

  it('drops stream connections every S seconds', async () => {
    server.setFaults({ dropStreamEverySec: 0.5 });
    const s = openStream(new URL('/v1/stream', server.url).toString(), auth);
    await s.ready;
    const t = Date.now();
    await s.closed;
    expect(s.closedByServer).toBe(true);
    expect(Date.now() - t).toBeLessThan(2000);
    expect(s.events.length).toBeGreaterThan(0);
  });

  it('revoke-token answers 403 until lifted', async () => {
    server.setFaults({ revokeToken: true });
    const res = await fetch(new URL('/v1/stream', server.url), { headers: auth });
    expect(res.status).toBe(403);
    expect(ApiError.parse(await res.json()).error).toBe('forbidden');
    server.setFaults({ revokeToken: false });
    expect((await fetch(new URL('/v1/meta', server.url), { headers: auth })).status).toBe(200);
  });
});
