/**
 * End to end: no record the API served is lost silently. Events that arrive before their grid is in /v1/regions wait
 * in quarantine and land when the regions change, and at the end of a sync every served record is in the cache,
 * waiting in quarantine with a reason, or a tombstone.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cacheChecksum, cacheStats, checkCache, quarantineSummary } from '../../core/cache/inspect';
import type { RegionsResponse } from '../../shared/api/schemas';
import { cleanChecksum, server, syncEngine, tempCache } from './harness';

/** Forwards to the demo server; `regions` may rewrite /v1/regions, and every record id served on /v1/changes is kept. */
async function proxy(target: string, regions: (body: RegionsResponse) => RegionsResponse) {
  const served = new Set<string>();
  const http: Server = createServer(async (req, res) => {
    const upstream = await fetch(new URL(req.url!.slice(1), target), { headers: { authorization: req.headers.authorization ?? '' } });
    let body = await upstream.text();
    const path = req.url!.split('?')[0];
    if (path === '/v1/regions' && upstream.status === 200) body = JSON.stringify(regions(JSON.parse(body) as RegionsResponse));
    if (path === '/v1/changes' && upstream.status === 200)
      for (const item of (JSON.parse(body) as { items: { type: string; of?: string; record: { id: string } }[] }).items)
        served.add(`${item.of ?? item.type}:${item.record.id}`);
    // A changed body is a changed ETag, as a real server would send.
    const etag = path === '/v1/regions' ? `"${body.length}-${body.charCodeAt(body.length >> 1)}"` : upstream.headers.get('etag');
    if (etag && req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
    res.writeHead(upstream.status, { 'content-type': 'application/json', ...(etag ? { etag } : {}) }).end(body);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/`, served, close: () => new Promise((r) => http.close(r)) };
}

describe('records wait for reference data instead of being lost', { timeout: 120_000 }, () => {
  it('events for grids the regions do not list yet land when the regions change; nothing served is unaccounted for', async () => {
    const s = await server();
    let hidden: Set<string> | null = null;
    const p = await proxy(s.url, (body) => {
      // The district platform adds three grids to /v1/regions only later: their events are served already.
      hidden ??= new Set(
        body.regions
          .filter((r) => r.level === 'grid')
          .slice(-3)
          .map((r) => r.id),
      );
      return hideGrids ? { ...body, regions: body.regions.filter((r) => !hidden!.has(r.id)) } : body;
    });
    let hideGrids = true;
    const statuses: number[] = [];
    const healedBatches: number[] = [];
    const { db, engine } = syncEngine(
      p.url,
      tempCache(),
      {},
      { status: (st) => statuses.push(st.quarantined), batch: (b) => b.healed && healedBatches.push(b.healed) },
    );
    await engine.syncOnce();

    const waiting = quarantineSummary(db);
    expect(waiting.map((g) => g.waitingFor).sort()).toEqual([...hidden!].map((id) => `grid:${id}`).sort());
    expect(waiting.every((g) => g.records > 0 && /is not a grid in the reference data \(yet\)/.test(g.reason))).toBe(true);
    expect(cacheStats(db).cursorRev).toBe(s.engine.headRev); // the sync went on past them
    // Every served record is in the cache, waiting in quarantine, or a tombstone.
    const accounted = new Set(
      db
        .prepare(
          `SELECT 'event:' || id FROM events UNION ALL SELECT 'evaluation:' || id FROM evaluations UNION ALL SELECT 'service:' || id FROM services
        UNION ALL SELECT type || ':' || id FROM tombstones UNION ALL
        SELECT json_extract(raw, '$.type') || ':' || record_id FROM quarantine`,
        )
        .pluck()
        .all() as string[],
    );
    expect([...p.served].filter((id) => !accounted.has(id))).toEqual([]);

    // The regions now list the grids (a new ETag): the next sync lands everything that waited.
    hideGrids = false;
    const waited = waiting.reduce((sum, g) => sum + g.records, 0);
    expect(statuses.at(-1)).toBe(waited);
    await engine.syncOnce();
    expect(quarantineSummary(db)).toEqual([]);
    // The wall hears of the records that landed, and the status stops counting them.
    expect(healedBatches).toEqual([waited]);
    expect(statuses.at(-1)).toBe(0);
    expect(checkCache(db)).toEqual([]);
    expect(cacheChecksum(db)).toBe(await cleanChecksum());
    db.close();
    await p.close();
    await s.close();
  });

  it('a clean sync of the demo district quarantines nothing', async () => {
    const s = await server();
    const { db, engine } = syncEngine(s.url, tempCache());
    await engine.syncOnce();
    expect(cacheStats(db).quarantined).toBe(0);
    db.close();
    await s.close();
  });
});
