/**
 * The bundled central service against its own contract: every GET path is requested and each real answer is
 * validated with the document's JSON Schema for that path and status (ajv, draft 2020-12, with formats), and the
 * rules the document states are checked on real pages: page <= limit, revs ascending and <= head_rev, next_rev
 * advancing, the stable watermark, 410 below the kept tombstones, empty pages, new fields tolerated.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { Change, ChangesPage, MetaResponse, OrganisationResponse, RegionsResponse } from '../../shared/api/schemas';
import type { CentralEngine } from '../../central/demo/engine';
import { NO_FAULTS } from '../../central/demo/faults';
import { openApiDocument } from '../../central/http/openapi';
import { REV_SECOND } from '../../central/demo/revs';
import { createCentralServer, DEFAULT_PAGE, MAX_PAGE, type CentralServer } from '../../central/demo/server';
import { engineAt, openStream } from './helpers';

type Schema = Record<string, unknown>;
interface DocResponse {
  description: string;
  headers?: Record<string, { required?: boolean; schema: Schema }>;
  content?: Record<string, { schema: Schema }>;
}
interface Doc {
  info: { description: string };
  paths: Record<string, { get: { responses: Record<string, DocResponse> } }>;
  components: { schemas: Record<string, Schema> };
}

const DOC_ID = 'https://contract.invalid/openapi.json';
const auth = { authorization: 'Bearer demo-token' };
// A cursor a year into the history: deterministic pages holding every kind of record.
const DEEP = REV_SECOND * 86400 * 400;

let engine: CentralEngine;
let server: CentralServer;
let doc: Doc;
let ajv: Ajv2020;
const requested = new Set<string>();

beforeAll(async () => {
  // Live extras at 40/s (on the fixed clock they all fall in its second), a window large enough to resume in.
  engine = engineAt({ rate: 40, streamWindow: 20_000 });
  server = await createCentralServer({ engine, heartbeatMs: 200 });
  doc = JSON.parse(await openApiDocument()) as Doc;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOC_ID, components: doc.components });
});
afterEach(() => server.setFaults(NO_FAULTS));
afterAll(async () => {
  await server.close();
  engine.stop();
});

/** The validator of a schema from the document: a $ref into components, or an inline schema. */
function validator(schema: Schema): ValidateFunction {
  const ref = schema.$ref;
  if (typeof ref === 'string') return ajv.getSchema(`${DOC_ID}${ref}`)!;
  return ajv.compile(schema);
}

function component(name: string): ValidateFunction {
  return validator({ $ref: `#/components/schemas/${name}` });
}

function failures(v: ValidateFunction): string {
  return (v.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath} ${e.message}`)
    .join('; ');
}

/** The document's answer for GET path + status; fails when the status is not documented there. */
function documented(path: string, status: number): DocResponse {
  const response = doc.paths[path]?.get.responses[String(status)];
  expect(response, `GET ${path} answered ${status}, which the document does not list`).toBeDefined();
  return response!;
}

/** GET a path and check the answer against the document: status listed, required headers sent, body valid. */
async function get(pathAndQuery: string, headers: Record<string, string> = auth) {
  const path = pathAndQuery.split('?')[0];
  requested.add(path);
  const res = await fetch(new URL(pathAndQuery, server.url), { headers });
  const text = await res.text();
  const response = documented(path, res.status);
  for (const [name, header] of Object.entries(response.headers ?? {}))
    if (header.required) expect(res.headers.get(name), `${pathAndQuery} ${res.status}: header ${name}`).not.toBeNull();
  const media = response.content?.['application/json'];
  if (!media) {
    expect(text, `${pathAndQuery} ${res.status} has no body in the document`).toBe('');
    return { res, body: undefined as unknown };
  }
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text) as unknown;
  const v = validator(media.schema);
  expect(v(body), `${pathAndQuery} ${res.status}: ${failures(v)}`).toBe(true);
  return { res, body };
}

/** The rules of a page (ChangesPage's descriptions), checked on a real one; returns it parsed. */
function checkPage(body: unknown, afterRev: number, limit: number): ChangesPage {
  const page = ChangesPage.parse(body);
  const where = `page after ${afterRev} (limit ${limit})`;
  expect(page.items.length, `${where}: more items than limit`).toBeLessThanOrEqual(limit);
  let last = afterRev;
  const validChange = component('Change');
  for (const item of page.items) {
    expect(validChange(item), `${where}: ${failures(validChange)}`).toBe(true);
    const change = Change.parse(item);
    expect(change.rev, `${where}: revs ascend after after_rev`).toBeGreaterThan(last);
    expect(change.rev, `${where}: rev ${change.rev} above head_rev ${page.head_rev}`).toBeLessThanOrEqual(page.head_rev);
    expect(change.record.rev).toBe(change.rev);
    last = change.rev;
  }
  expect(page.next_rev, `${where}: next_rev below the last item`).toBeGreaterThanOrEqual(last);
  if (afterRev <= page.head_rev) expect(page.next_rev, `${where}: next_rev above the watermark`).toBeLessThanOrEqual(page.head_rev);
  else expect(page).toMatchObject({ items: [], has_more: false, next_rev: afterRev });
  if (page.has_more) expect(page.next_rev, `${where}: has_more but next_rev does not advance`).toBeGreaterThan(afterRev);
  return page;
}

async function changes(afterRev: number, limit?: number) {
  const { res, body } = await get(`/v1/changes?after_rev=${afterRev}${limit === undefined ? '' : `&limit=${limit}`}`);
  expect(res.status).toBe(200);
  return checkPage(body, afterRev, Math.min(limit ?? DEFAULT_PAGE, MAX_PAGE));
}

describe('every GET path answers as the document says', () => {
  it('service paths, meta and reference data (with their ETags and 304s)', async () => {
    expect((await get('/healthz', {})).res.status).toBe(200);
    expect((await get('/openapi.json', {})).res.status).toBe(200);
    const meta = MetaResponse.parse((await get('/v1/meta')).body);
    expect(meta.head_rev).toBeLessThanOrEqual(engine.headRev);
    for (const path of ['/v1/regions', '/v1/organisation']) {
      const { res } = await get(path);
      expect(res.status).toBe(200);
      expect((await get(path, { ...auth, 'if-none-match': res.headers.get('etag')! })).res.status).toBe(304);
    }
  });

  it('/v1/changes: defaults, limit=1, the maximum, past the maximum, mid-feed, at and past the head', async () => {
    expect((await changes(0)).items).toHaveLength(DEFAULT_PAGE);
    expect((await get('/v1/changes')).res.status).toBe(200);
    expect((await changes(0, 1)).items).toHaveLength(1);
    expect((await changes(DEEP, 1)).items).toHaveLength(1);
    expect((await changes(DEEP, MAX_PAGE)).items).toHaveLength(MAX_PAGE);
    expect((await changes(DEEP, MAX_PAGE + 1000)).items).toHaveLength(MAX_PAGE);
    const head = MetaResponse.parse((await get('/v1/meta')).body).head_rev;
    const tail = await changes(head - 2 * 86400 * REV_SECOND, MAX_PAGE);
    expect(tail.has_more).toBe(false);
    expect(tail.items.length).toBeGreaterThan(0);
    // At the head only what was published since (live changes) may follow; past it (an hour ahead) nothing does.
    await changes(head);
    const future = head + 3600 * REV_SECOND;
    expect(await changes(future)).toMatchObject({ items: [], has_more: false, next_rev: future });
  });

  it('errors: 400, 401, 403, 503 with Retry-After, 410 — each a documented ApiError with a sentence', async () => {
    for (const q of ['after_rev=abc', 'after_rev=-1', 'limit=0', 'limit=ten']) expect((await get(`/v1/changes?${q}`)).res.status).toBe(400);
    expect((await get('/v1/stream?last_event_id=yesterday')).res.status).toBe(400);
    for (const path of ['/v1/meta', '/v1/regions', '/v1/organisation', '/v1/changes', '/v1/stream']) {
      expect((await get(path, {})).res.status).toBe(401);
      expect((await get(path, { authorization: 'Bearer guess' })).res.status).toBe(401);
    }
    server.setFaults({ revokeToken: true });
    for (const path of ['/v1/meta', '/v1/changes', '/v1/stream']) expect((await get(path)).res.status).toBe(403);
    server.setFaults({ revokeToken: false, errorRate: 1 });
    for (const path of ['/v1/meta', '/v1/regions', '/v1/organisation', '/v1/changes', '/v1/stream']) {
      const { res } = await get(path);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(doc.paths[path].get.responses['503'].headers).toHaveProperty('Retry-After');
    }
  });

  it('the stream: first frames are Change events with id = rev; a too-old id gets a ResyncNotice', async () => {
    const validChange = component('Change');
    const start = engine.headRev;
    const s = openStream(new URL(`/v1/stream`, server.url).toString(), { ...auth, 'last-event-id': String(start) });
    const res = await s.ready;
    requested.add('/v1/stream');
    expect(res.status).toBe(200);
    expect(doc.paths['/v1/stream'].get.responses['200'].content).toHaveProperty('text/event-stream');
    await s.waitFor(() => s.events.length >= 5);
    s.stop();
    let last = start;
    for (const e of s.events.slice(0, 5)) {
      expect(e.event).toBe('change');
      const data = JSON.parse(e.data) as unknown;
      expect(validChange(data), failures(validChange)).toBe(true);
      expect(Change.parse(data).rev).toBe(Number(e.id));
      expect(Number(e.id)).toBeGreaterThan(last);
      last = Number(e.id);
    }
    const old = openStream(new URL(`/v1/stream`, server.url).toString(), { ...auth, 'last-event-id': '1' });
    await old.ready;
    await old.closed;
    expect(old.events.map((e) => e.event)).toEqual(['resync']);
    const validNotice = component('ResyncNotice');
    expect(validNotice(JSON.parse(old.events[0].data)), failures(validNotice)).toBe(true);
  });

  it('covered every GET path of the document', () => {
    expect([...requested].sort()).toEqual(Object.keys(doc.paths).sort());
  });
});

describe('paging rules on real pages', () => {
  it('limit 1, 7, 500 and the maximum walk the same feed, each page within its rules', async () => {
    const walk = async (limit: number, pages: number) => {
      const revs: number[] = [];
      let cursor = DEEP;
      for (let p = 0; p < pages; p++) {
        const page = await changes(cursor, limit);
        revs.push(...page.items.map((i) => (i as { rev: number }).rev));
        if (!page.has_more) break;
        cursor = page.next_rev;
      }
      return revs;
    };
    const big = await walk(MAX_PAGE, 1);
    expect(await walk(1, 20)).toEqual(big.slice(0, 20));
    expect(await walk(7, 10)).toEqual(big.slice(0, 70));
    expect(await walk(500, 4)).toEqual(big.slice(0, 2000));
  });

  it('from a few days before the head to the end: every page within its rules, has_more false at the end', async () => {
    let cursor = engine.headRev - 4 * 86400 * REV_SECOND;
    let pages = 0;
    for (;;) {
      const page = await changes(cursor, 700);
      pages++;
      if (!page.has_more) break;
      cursor = page.next_rev;
    }
    expect(pages).toBeGreaterThan(1);
  });

  it('empty pages with has_more true still advance, and skip nothing', async () => {
    const clean: number[] = [];
    let cursor = DEEP;
    for (let p = 0; p < 5; p++) {
      const page = await changes(cursor, 300);
      clean.push(...page.items.map((i) => (i as { rev: number }).rev));
      cursor = page.next_rev;
    }
    server.setFaults({ emptyPageRate: 1 });
    const seen: number[] = [];
    let empty = 0;
    cursor = DEEP;
    for (let p = 0; p < 20 && seen.length < clean.length; p++) {
      const page = await changes(cursor, 300);
      if (page.items.length === 0) {
        empty++;
        expect(page.has_more).toBe(true);
      }
      seen.push(...page.items.map((i) => (i as { rev: number }).rev));
      cursor = page.next_rev;
    }
    expect(empty).toBeGreaterThanOrEqual(5);
    expect(seen).toEqual(clean);
  });
});

describe('the stable watermark', () => {
  it('pages never hold a rev above the head_rev they report, nor send next_rev past it', async () => {
    // Without lag the watermark is the newest published change; with it, the live changes of the clock's second
    // (all of them, on this fixed clock) are still committing and must not be handed out.
    await new Promise((r) => setTimeout(r, 300));
    const from = engine.headRev - 86400 * REV_SECOND;
    for (const commitLagSec of [0, 1]) {
      server.setFaults({ commitLagSec });
      const before = engine.headRev;
      const meta = MetaResponse.parse((await get('/v1/meta')).body);
      if (commitLagSec) expect(meta.head_rev).toBeLessThan(before);
      else expect(meta.head_rev).toBeGreaterThanOrEqual(before);
      expect(meta.head_rev).toBeLessThanOrEqual(engine.headRev);
      let cursor = from;
      let top = 0;
      for (;;) {
        const page = await changes(cursor, 400); // checks items <= head_rev and next_rev <= head_rev
        top = Math.max(top, page.next_rev);
        if (!page.has_more) break;
        cursor = page.next_rev;
      }
      if (commitLagSec) expect(top).toBeLessThanOrEqual(meta.head_rev);
    }
  });

  it('the stream holds changes above the watermark until it passes them', async () => {
    server.setFaults({ commitLagSec: 1 });
    const s = openStream(new URL('/v1/stream', server.url).toString(), auth);
    await s.ready;
    await new Promise((r) => setTimeout(r, 500));
    expect(s.events).toEqual([]);
    expect(s.comments.length).toBeGreaterThan(0); // alive, just holding
    server.setFaults({ commitLagSec: 0 });
    await s.waitFor(() => s.events.length >= 10);
    s.stop();
    const ids = s.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });
});

describe('tombstones kept, and 410 for an older cursor', () => {
  it('answers 410 Gone with a sentence below the oldest kept rev; 0 and later cursors still page', async () => {
    expect((await get(`/v1/changes?after_rev=1`)).res.status).toBe(200); // off by default: everything is kept
    const floor = DEEP + 5;
    server.setFaults({ oldestChangesRev: floor });
    const { res, body } = await get(`/v1/changes?after_rev=${floor - 1}`);
    expect(res.status).toBe(410);
    expect(body).toMatchObject({ error: 'cursor_too_old' });
    expect((body as { message: string }).message).toMatch(/older than .* Re-sync in full from after_rev=0/);
    expect((await get(`/v1/changes?after_rev=1&limit=1`)).res.status).toBe(410);
    expect((await get(`/v1/changes?after_rev=${floor}&limit=10`)).res.status).toBe(200);
    expect((await get(`/v1/changes?after_rev=0&limit=10`)).res.status).toBe(200);
  });
});

describe('new fields are tolerated', () => {
  const EXTRA = 'x_added_in_a_later_version';

  /** A copy with a new field in every object, at every depth. */
  function withExtras(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withExtras);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = withExtras(v);
      out[EXTRA] = { since: '1.1.0', note: 'ignore me' };
      return out;
    }
    return value;
  }
  const hasExtra = (value: unknown) => JSON.stringify(value).includes(EXTRA);

  /** The document accepts it, the client's schema parses it, and the parsed value carries no unknown field. */
  function tolerated(name: string, schema: z.ZodType, body: unknown): unknown {
    const extended = withExtras(body);
    expect(hasExtra(extended)).toBe(true);
    const v = component(name);
    expect(v(extended), `${name} with new fields: ${failures(v)}`).toBe(true);
    const parsed = schema.safeParse(extended);
    expect(parsed.success, `${name}: ${parsed.error?.message}`).toBe(true);
    return parsed.data;
  }

  it('in meta, regions (region, profile, geometry), organisation, a page and each of its records', async () => {
    expect(hasExtra(tolerated('MetaResponse', MetaResponse, (await get('/v1/meta')).body))).toBe(false);
    const regions = tolerated('RegionsResponse', RegionsResponse, (await get('/v1/regions')).body) as RegionsResponse;
    expect(hasExtra(regions)).toBe(false);
    expect(regions.regions.some((r) => r.profile !== null)).toBe(true);
    expect(hasExtra(tolerated('OrganisationResponse', OrganisationResponse, (await get('/v1/organisation')).body))).toBe(false);
    // Pages until every kind of record has come by (evaluations come once a quarter).
    const types = new Set<string>();
    const validChange = component('Change');
    let cursor = DEEP;
    for (let p = 0; p < 20 && types.size < 4; p++) {
      const body = (await get(`/v1/changes?after_rev=${cursor}&limit=2000`)).body as ChangesPage;
      const page = tolerated('ChangesPage', ChangesPage, body) as ChangesPage;
      // The page's own new field is dropped; its items are the client's to validate one by one with Change.
      expect(Object.keys(page)).not.toContain(EXTRA);
      for (const item of page.items) {
        expect(validChange(item), failures(validChange)).toBe(true);
        const change = Change.safeParse(item);
        expect(change.success, change.error?.message).toBe(true);
        expect(hasExtra(change.data)).toBe(false);
        types.add(change.data!.type);
      }
      cursor = page.next_rev;
    }
    expect([...types].sort()).toEqual(['evaluation', 'event', 'service', 'tombstone']);
  });

  it('the validator is not blind: a wrong type or an impossible date still fails', () => {
    const v = component('MetaResponse');
    const meta = { api_version: '1.0.0', district: { code: '511602', name: '广安区' }, datum: 'GCJ-02', server_time: '2026-11-27T18:00:00+08:00', head_rev: 5, oldest_stream_rev: 1, demo: true, time_zone: 'Asia/Shanghai' };
    expect(v(meta)).toBe(true);
    expect(v({ ...meta, server_time: '2026-02-30T18:00:00+08:00' })).toBe(false);
    expect(v({ ...meta, server_time: '2026-11-27T18:00:00' })).toBe(false);
    expect(v({ ...meta, head_rev: '5' })).toBe(false);
  });
});
