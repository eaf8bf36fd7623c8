/**
 * The HTTP contract of the demo central server: auth bodies, ETags, paging by rev, bad input, and a clean close.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, Change, ChangesPage, MetaResponse, OrganisationResponse } from '../../shared/api/schemas';
import type { CentralEngine } from '../../central/demo/engine';
import { createCentralServer, type CentralServer } from '../../central/demo/server';
import { engineAt, FIXED_NOW } from './helpers';

let engine: CentralEngine;
let server: CentralServer;
const auth = { authorization: 'Bearer demo-token' };

async function get(path: string, headers: Record<string, string> = auth) {
  const res = await fetch(new URL(path, server.url), { headers });
  const text = await res.text();
  return { res, text, json: () => JSON.parse(text) as unknown };
}

beforeAll(async () => {
  engine = engineAt();
  server = await createCentralServer({ engine });
});
afterAll(async () => {
  await server.close();
  engine.stop();
});

describe('auth', () => {
  it('answers 401 in words when no token is sent', async () => {
    const { res, json } = await get('/v1/meta', {});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const body = ApiError.parse(json());
    expect(body.error).toBe('unauthorized');
    expect(body.message).toMatch(/no token/);
  });

  it('answers 401 "token is wrong" for a wrong token', async () => {
    const { res, json } = await get('/v1/changes', { authorization: 'Bearer guess' });
    expect(res.status).toBe(401);
    expect(ApiError.parse(json()).message).toMatch(/token is wrong/);
  });

  it('answers 403 with a sentence once the token is revoked', async () => {
    server.setFaults({ revokeToken: true });
    try {
      const { res, json } = await get('/v1/regions');
      expect(res.status).toBe(403);
      const body = ApiError.parse(json());
      expect(body.error).toBe('forbidden');
      expect(body.message).toMatch(/revoked.*administrator/);
    } finally {
      server.setFaults({ revokeToken: false });
    }
    expect((await get('/v1/meta')).res.status).toBe(200);
  });

  it('needs no token for /healthz and /openapi.json; accepts ?access_token=', async () => {
    expect((await get('/healthz', {})).res.status).toBe(200);
    expect((await get('/openapi.json', {})).res.status).toBe(200);
    expect((await get('/v1/meta?access_token=demo-token', {})).res.status).toBe(200);
  });

  it('says what is missing for an unknown path', async () => {
    const { res, json } = await get('/v1/nothing');
    expect(res.status).toBe(404);
    expect(ApiError.parse(json()).error).toBe('not_found');
  });
});

describe('reference data', () => {
  it('meta tells the time in +08:00, the head and the stream window', async () => {
    const meta = MetaResponse.parse((await get('/v1/meta')).json());
    expect(meta).toMatchObject({ demo: true, datum: 'GCJ-02', time_zone: 'Asia/Shanghai', district: { code: '511602', name: '广安区' } });
    expect(meta.server_time).toBe('2026-11-27T18:00:00+08:00');
    expect(meta.head_rev).toBe(engine.headRev);
    expect(meta.oldest_stream_rev).toBeLessThanOrEqual(meta.head_rev);
    expect(new Date(meta.server_time).getTime()).toBe(FIXED_NOW);
  });

  it('regions and organisation carry an ETag and answer If-None-Match with 304', async () => {
    for (const path of ['/v1/regions', '/v1/organisation']) {
      const first = await get(path);
      expect(first.res.status).toBe(200);
      const tag = first.res.headers.get('etag')!;
      expect(tag).toMatch(/^"[\w-]+"$/);
      const again = await get(path, { ...auth, 'if-none-match': tag });
      expect(again.res.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.res.headers.get('etag')).toBe(tag);
      expect((await get(path, { ...auth, 'if-none-match': `W/${tag}, "other"` })).res.status).toBe(304);
      expect((await get(path, { ...auth, 'if-none-match': '"stale"' })).res.status).toBe(200);
    }
    OrganisationResponse.parse((await get('/v1/organisation')).json());
  });
});

describe('GET /v1/changes', () => {
  it('pages by rev: strictly increasing revs, next_rev is the last rev, pages join up', async () => {
    const small: number[] = [];
    let cursor = 0;
    for (let p = 0; p < 12; p++) {
      const page = ChangesPage.parse((await get(`/v1/changes?after_rev=${cursor}&limit=500`)).json());
      expect(page.items).toHaveLength(500);
      expect(page.has_more).toBe(true);
      const revs = page.items.map((i) => Change.parse(i).rev);
      expect(page.next_rev).toBe(revs[revs.length - 1]);
      small.push(...revs);
      cursor = page.next_rev;
    }
    for (let i = 1; i < small.length; i++) expect(small[i]).toBeGreaterThan(small[i - 1]);
    const big = ChangesPage.parse((await get('/v1/changes?after_rev=0&limit=6000')).json());
    expect(big.items).toHaveLength(5000); // limit is capped at 5000
    expect(big.items.map((i) => (i as { rev: number }).rev)).toEqual(small.slice(0, 5000));
    const first = ChangesPage.parse((await get('/v1/changes')).json());
    expect(first.items).toHaveLength(1000); // defaults: after_rev 0, limit 1000
    expect(first.total).toBeGreaterThan(190_000);
    expect(first.head_rev).toBe(engine.headRev);
  });

  it('ends with has_more false at the head, and an empty page after it', async () => {
    const head = engine.headRev;
    // A cursor a few days before the head: the tail of the feed.
    const from = head - 3 * 86400 * 2 ** 24;
    let cursor = from;
    let last = 0;
    let pages = 0;
    for (;;) {
      const page = ChangesPage.parse((await get(`/v1/changes?after_rev=${cursor}&limit=2000`)).json());
      pages++;
      for (const i of page.items) {
        const rev = (i as { rev: number }).rev;
        expect(rev).toBeGreaterThan(last);
        last = rev;
      }
      cursor = page.next_rev;
      if (!page.has_more) break;
    }
    expect(pages).toBeLessThan(10);
    expect(last).toBe(head);
    const after = ChangesPage.parse((await get(`/v1/changes?after_rev=${head}`)).json());
    expect(after).toMatchObject({ items: [], has_more: false, next_rev: head, total: 0 });
  });

  it('rejects bad parameters with a sentence', async () => {
    for (const q of ['after_rev=abc', 'after_rev=-5', 'limit=0', 'limit=ten']) {
      const { res, json } = await get(`/v1/changes?${q}`);
      expect(res.status).toBe(400);
      const body = ApiError.parse(json());
      expect(body.error).toBe('bad_request');
      expect(body.message).toMatch(/must be a whole number/);
    }
  });
});

describe('embedding', () => {
  it('starts on a free port, reports its URL, and closes cleanly with a stream open', async () => {
    const other = await createCentralServer({ seed: 3, rate: 5, now: () => FIXED_NOW, port: 0 });
    expect(other.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(other.port).toBeGreaterThan(0);
    const controller = new AbortController();
    const res = await fetch(new URL('/v1/stream', other.url), { headers: auth, signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(other.streams()).toBe(1);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(3000);
    controller.abort();
    await expect(fetch(new URL('/healthz', other.url))).rejects.toThrow();
  });
});
