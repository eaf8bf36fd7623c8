/**
 * The central API against its own contract, on every server that speaks it: the demo server (central/demo/server.ts,
 * with its faults), and the central data service (central/http/service.ts) over a SQLite store and over a PostgreSQL
 * store on a throw-away cluster, both filled by the demo source. Every path is requested and each real answer is
 * validated with the document's JSON Schema for that path, method and status (ajv, draft 2020-12, with formats),
 * and the rules the document states are checked on real pages: page <= limit, revs ascending and <= head_rev,
 * next_rev advancing, the stable watermark, 410 below the kept tombstones, empty pages, new fields tolerated. On the
 * data service the write half too: 200, 400 (naming each bad record and field; U+0000 refused), 401, 403, 404, 415,
 * 503 (PostgreSQL stopped) and 507 (a full SQLite store), each against the document, and what was posted against
 * the document's request schemas.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { Change, ChangesPage, MetaResponse, OrganisationResponse, RegionsResponse, type RecordType } from '../../shared/api/schemas';
import type { ImportView } from '../../shared/api/imports';
import { MAX_WRITE_BATCH } from '../../shared/api/writes';
import type { CentralEngine } from '../../central/demo/engine';
import { NO_FAULTS } from '../../central/demo/faults';
import { REV_SECOND } from '../../central/demo/revs';
import { createCentralServer, DEFAULT_PAGE, MAX_PAGE, type CentralServer } from '../../central/demo/server';
import { startDemoSource } from '../../central/demo/source';
import { openApiDocument } from '../../central/http/openapi';
import { startCentralService, type CentralService } from '../../central/http/service';
import { PostgresStore } from '../../central/store/postgres/store';
import { SqliteStore } from '../../central/store/sqlite/store';
import type { CentralStore } from '../../central/store/types';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { engineAt, FIXED_NOW, openStream } from './helpers';
import { posted } from './store-suite';

type Schema = Record<string, unknown>;
interface DocResponse {
  description: string;
  headers?: Record<string, { required?: boolean; schema: Schema }>;
  content?: Record<string, { schema: Schema }>;
}
interface DocOperation {
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, DocResponse>;
}
interface Doc {
  info: { description: string };
  paths: Record<string, Record<string, DocOperation>>;
  components: { schemas: Record<string, Schema> };
}

const DOC_ID = 'https://contract.invalid/openapi.json';
// A cursor a year into the demo server's history: deterministic pages holding every kind of record.
const DEEP = REV_SECOND * 86400 * 400;

let doc: Doc;
let docText: string;
let ajv: Ajv2020;

beforeAll(async () => {
  docText = await openApiDocument();
  doc = JSON.parse(docText) as Doc;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOC_ID, components: doc.components });
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

/** A server under test: where it is, a token with every scope, and cursors into its feed. */
interface Target {
  url: string;
  token: string;
  /** The producer's newest rev (the demo engine's, or the store's). */
  head(): Promise<number>;
  /** A cursor with many pages holding every kind of record after it. */
  deep: number;
  /** A cursor close enough to the head that one page of the maximum reaches it (computed when asked). */
  recent(): Promise<number>;
  /** A cursor a few pages of 700 before the head. */
  walkFrom(): Promise<number>;
  /** How far past the head "the future" is, in revs. */
  ahead: number;
}

/** Requests to one server, each answer checked against the document (status listed, headers, body schema). */
class Client {
  /** "METHOD /path/template" of every request made. */
  readonly requested = new Set<string>();
  constructor(private readonly target: () => Target) {}

  get auth(): Record<string, string> {
    return { authorization: `Bearer ${this.target().token}` };
  }

  /** The document's answer for method + path template + status; fails when the status is not documented there. */
  documented(method: string, template: string, status: number): DocResponse {
    const response = doc.paths[template]?.[method]?.responses[String(status)];
    expect(response, `${method.toUpperCase()} ${template} answered ${status}, which the document does not list`).toBeDefined();
    return response!;
  }

  /** A request checked against the document; the path template defaults to the URL's path. */
  async request(method: string, url: string, options: { template?: string; headers?: Record<string, string>; body?: unknown; rawBody?: string } = {}) {
    const template = options.template ?? url.split('?')[0];
    const m = method.toLowerCase();
    this.requested.add(`${m} ${template}`);
    const headers = { ...(options.headers ?? this.auth) };
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(new URL(url, this.target().url), { method, headers, body });
    const text = await res.text();
    const where = `${method} ${url.slice(0, 80)} ${res.status}`;
    const response = this.documented(m, template, res.status);
    for (const [name, header] of Object.entries(response.headers ?? {}))
      if (header.required) expect(res.headers.get(name), `${where}: header ${name}`).not.toBeNull();
    const media = response.content?.['application/json'];
    if (!media) {
      if (!response.content) expect(text, `${where} has no body in the document`).toBe('');
      else expect(Object.keys(response.content), `${where}: content type`).toContain(res.headers.get('content-type'));
      return { res, body: undefined as unknown };
    }
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const parsed = JSON.parse(text) as unknown;
    const v = validator(media.schema);
    expect(v(parsed), `${where}: ${failures(v)}`).toBe(true);
    return { res, body: parsed };
  }

  get(pathAndQuery: string, headers: Record<string, string> = this.auth) {
    return this.request('GET', pathAndQuery, { headers });
  }

  async changes(afterRev: number, limit?: number) {
    const { res, body } = await this.get(`/v1/changes?after_rev=${afterRev}${limit === undefined ? '' : `&limit=${limit}`}`);
    expect(res.status).toBe(200);
    return checkPage(body, afterRev, Math.min(limit ?? DEFAULT_PAGE, MAX_PAGE));
  }
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

/** Every operation the document lists, as "method /path". */
function documentedOperations(methods?: string[]): string[] {
  return Object.entries(doc.paths)
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
    .filter((op) => !methods || methods.includes(op.split(' ')[0]))
    .sort();
}

// ---- what every server must do ------------------------------------------------------------------------------------

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

/** The read half's checks every server passes (no faults needed). */
function readContract(client: Client, target: () => Target) {
  const { get } = { get: client.get.bind(client) };
  const changes = client.changes.bind(client);

  it('service paths, meta and reference data (with their ETags and 304s)', async () => {
    expect((await get('/healthz', {})).res.status).toBe(200);
    expect((await get('/openapi.json', {})).res.status).toBe(200);
    const meta = MetaResponse.parse((await get('/v1/meta')).body);
    expect(meta.head_rev).toBeLessThanOrEqual(await target().head());
    for (const p of ['/v1/regions', '/v1/organisation']) {
      const { res } = await get(p);
      expect(res.status).toBe(200);
      expect((await get(p, { ...client.auth, 'if-none-match': res.headers.get('etag')! })).res.status).toBe(304);
    }
  });

  it('/v1/changes: defaults, limit=1, the maximum, past the maximum, mid-feed, at and past the head', async () => {
    const { deep, ahead } = target();
    expect((await changes(0)).items).toHaveLength(DEFAULT_PAGE);
    expect((await get('/v1/changes')).res.status).toBe(200);
    expect((await changes(0, 1)).items).toHaveLength(1);
    expect((await changes(deep, 1)).items).toHaveLength(1);
    expect((await changes(deep, MAX_PAGE)).items).toHaveLength(MAX_PAGE);
    expect((await changes(deep, MAX_PAGE + 1000)).items).toHaveLength(MAX_PAGE);
    const tail = await changes(await target().recent(), MAX_PAGE);
    expect(tail.has_more).toBe(false);
    expect(tail.items.length).toBeGreaterThan(0);
    // At the head only what was published since (live changes) may follow; past it nothing does.
    const head = MetaResponse.parse((await get('/v1/meta')).body).head_rev;
    await changes(head);
    const future = head + ahead;
    expect(await changes(future)).toMatchObject({ items: [], has_more: false, next_rev: future });
  });

  it('errors: 400 and 401, each a documented ApiError with a sentence', async () => {
    for (const q of ['after_rev=abc', 'after_rev=-1', 'limit=0', 'limit=ten']) expect((await get(`/v1/changes?${q}`)).res.status).toBe(400);
    expect((await get('/v1/stream?last_event_id=yesterday')).res.status).toBe(400);
    for (const p of ['/v1/meta', '/v1/regions', '/v1/organisation', '/v1/changes', '/v1/stream']) {
      expect((await get(p, {})).res.status).toBe(401);
      expect((await get(p, { authorization: 'Bearer guess' })).res.status).toBe(401);
    }
  });

  it('limit 1, 7, 500 and the maximum walk the same feed, each page within its rules', async () => {
    const walk = async (limit: number, pages: number) => {
      const revs: number[] = [];
      let cursor = target().deep;
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

  it('from a few thousand changes before the head to the end: every page within its rules, has_more false at the end', async () => {
    let cursor = await target().walkFrom();
    let pages = 0;
    for (;;) {
      const page = await changes(cursor, 700);
      pages++;
      if (!page.has_more) break;
      cursor = page.next_rev;
    }
    expect(pages).toBeGreaterThan(1);
  });

  it('new fields are tolerated in meta, regions (region, profile, geometry), organisation, a page and each of its records', async () => {
    expect(hasExtra(tolerated('MetaResponse', MetaResponse, (await get('/v1/meta')).body))).toBe(false);
    const regions = tolerated('RegionsResponse', RegionsResponse, (await get('/v1/regions')).body) as RegionsResponse;
    expect(hasExtra(regions)).toBe(false);
    expect(regions.regions.some((r) => r.profile !== null)).toBe(true);
    expect(hasExtra(tolerated('OrganisationResponse', OrganisationResponse, (await get('/v1/organisation')).body))).toBe(false);
    // Pages until every kind of record has come by (evaluations come once a quarter; tombstones near the head).
    const types = new Set<string>();
    const validChange = component('Change');
    let cursor = target().deep;
    for (let p = 0; p < 40 && types.size < 4; p++) {
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
      if (!page.has_more) break;
      cursor = page.next_rev;
    }
    expect([...types].sort()).toEqual(['evaluation', 'event', 'service', 'tombstone']);
  });
}

// ---- the demo server ----------------------------------------------------------------------------------------------

describe('the demo server', () => {
  let engine: CentralEngine;
  let server: CentralServer;
  const target = (): Target => ({
    url: server.url,
    token: 'demo-token',
    head: async () => engine.headRev,
    deep: DEEP,
    recent: async () => engine.headRev - 2 * 86400 * REV_SECOND,
    walkFrom: async () => engine.headRev - 4 * 86400 * REV_SECOND,
    ahead: 3600 * REV_SECOND,
  });
  const client = new Client(target);
  const get = client.get.bind(client);
  const changes = client.changes.bind(client);

  beforeAll(async () => {
    // Live extras at 40/s (on the fixed clock they all fall in its second), a window large enough to resume in.
    engine = engineAt({ rate: 40, streamWindow: 20_000 });
    server = await createCentralServer({ engine, heartbeatMs: 200 });
  });
  afterEach(() => server.setFaults(NO_FAULTS));
  afterAll(async () => {
    await server.close();
    engine.stop();
  });

  describe('every GET path answers as the document says', () => {
    readContract(client, target);

    it('errors: 403, 503 with Retry-After — each a documented ApiError with a sentence', async () => {
      server.setFaults({ revokeToken: true });
      for (const p of ['/v1/meta', '/v1/changes', '/v1/stream']) expect((await get(p)).res.status).toBe(403);
      server.setFaults({ revokeToken: false, errorRate: 1 });
      for (const p of ['/v1/meta', '/v1/regions', '/v1/organisation', '/v1/changes', '/v1/stream']) {
        const { res } = await get(p);
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(doc.paths[p].get.responses['503'].headers).toHaveProperty('Retry-After');
      }
    });

    it('the stream: first frames are Change events with id = rev; a too-old id gets a ResyncNotice', async () => {
      const validChange = component('Change');
      const start = engine.headRev;
      const s = openStream(new URL(`/v1/stream`, server.url).toString(), { ...client.auth, 'last-event-id': String(start) });
      const res = await s.ready;
      client.requested.add('get /v1/stream');
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
      const old = openStream(new URL(`/v1/stream`, server.url).toString(), { ...client.auth, 'last-event-id': '1' });
      await old.ready;
      await old.closed;
      expect(old.events.map((e) => e.event)).toEqual(['resync']);
      const validNotice = component('ResyncNotice');
      expect(validNotice(JSON.parse(old.events[0].data)), failures(validNotice)).toBe(true);
    });

    it('covered every GET path of the document (the demo server only reads; it has no importers)', () => {
      expect([...client.requested].sort()).toEqual(documentedOperations(['get']).filter((op) => !op.includes('/v1/imports')));
    });
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
      const s = openStream(new URL('/v1/stream', server.url).toString(), client.auth);
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

  it('tombstones kept, and 410 Gone with a sentence below the oldest kept rev; 0 and later cursors still page', async () => {
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

  it('the validator is not blind: a wrong type or an impossible date still fails', () => {
    const v = component('MetaResponse');
    const meta = {
      api_version: '1.0.0',
      district: { code: '511602', name: '广安区' },
      datum: 'GCJ-02',
      server_time: '2026-11-27T18:00:00+08:00',
      head_rev: 5,
      oldest_stream_rev: 1,
      demo: true,
      time_zone: 'Asia/Shanghai',
    };
    expect(v(meta)).toBe(true);
    expect(v({ ...meta, server_time: '2026-02-30T18:00:00+08:00' })).toBe(false);
    expect(v({ ...meta, server_time: '2026-11-27T18:00:00' })).toBe(false);
    expect(v({ ...meta, head_rev: '5' })).toBe(false);
  });
});

// ---- the central data service over a store ------------------------------------------------------------------------

const TOKEN = 'contract-token';
const RECORD_PATHS: Record<RecordType, string> = { event: 'events', evaluation: 'evaluations', service: 'services' };
const INPUTS: Record<RecordType, string> = { event: 'EventInput', evaluation: 'EvaluationInput', service: 'ServiceInput' };

interface StoreTarget {
  store: CentralStore;
  /** Sets the oldest rev the store keeps changes after (what pruning tombstones would do). */
  setOldestRev(rev: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The data service over a store the demo source filled (a few thousand events and the district's services and
 * evaluations; no live rate): the read contract, the stream, 410, the scopes, and the write half.
 */
function storeContract(name: string, open: () => Promise<StoreTarget>, extra: (ctx: { client: Client; service: () => CentralService }) => void = () => {}) {
  describe(`the central data service on ${name}`, () => {
    let opened: StoreTarget;
    let service: CentralService;
    let head = 0;
    const tokens = { reader: '', writeOnly: '' };
    const target = (): Target => ({
      url: service.url,
      token: TOKEN,
      head: () => service.store.headRev(),
      deep: Math.floor(head / 3),
      recent: async () => (await service.store.headRev()) - 3000,
      walkFrom: async () => (await service.store.headRev()) - 3000,
      ahead: 1000,
    });
    const client = new Client(target);
    const get = client.get.bind(client);
    const request = client.request.bind(client);

    beforeAll(async () => {
      opened = await open();
      const source = await startDemoSource({ store: opened.store, seed: 1, events: 3000, rate: 0, now: () => FIXED_NOW, prefetch: false });
      await source.stop();
      // One deletion, so the feed holds a tombstone as well (the demo source at rate 0 writes none).
      const [firstEvent] = (await opened.store.changes(0, MAX_PAGE)).items
        .map((i) => JSON.parse(i.json) as { type: string; record: { id: string } })
        .filter((c) => c.type === 'event');
      await opened.store.deleteRecords('event', [firstEvent.record.id], { tokenId: null, tokenName: 'test', source: 'contract-test' });
      head = await opened.store.headRev();
      service = await startCentralService({ store: opened.store, token: TOKEN, heartbeatMs: 200, openApiJson: docText, demo: true });
      tokens.reader = (await opened.store.createToken('wall-1', ['read'])).token;
      tokens.writeOnly = (await opened.store.createToken('write-only', ['write'])).token;
    }, 120_000);
    afterAll(async () => {
      await service?.close();
      await opened?.close();
    });

    describe('the read half', () => {
      readContract(client, target);

      it('403 for a token without the read scope, with a sentence naming the scope', async () => {
        for (const p of ['/v1/meta', '/v1/regions', '/v1/organisation', '/v1/changes', '/v1/stream']) {
          const { res, body } = await get(p, { authorization: `Bearer ${tokens.writeOnly}` });
          expect(res.status).toBe(403);
          expect((body as { message: string }).message).toMatch(/may only write; GET \/v1\/\w+ needs a token with the read scope/);
        }
        expect((await get('/v1/changes?limit=1', { authorization: `Bearer ${tokens.reader}` })).res.status).toBe(200);
      });

      it('the stream replays after Last-Event-ID as Change events with id = rev; a too-old id gets a ResyncNotice; 410 below the oldest kept rev', async () => {
        const validChange = component('Change');
        const start = (await service.store.headRev()) - 5;
        const s = openStream(new URL('/v1/stream', service.url).toString(), { ...client.auth, 'last-event-id': String(start) });
        expect((await s.ready).status).toBe(200);
        client.requested.add('get /v1/stream');
        await s.waitFor(() => s.events.length >= 5);
        await s.waitFor(() => s.comments.length > 0); // a heartbeat
        s.stop();
        expect(s.events.map((e) => Number(e.id))).toEqual([1, 2, 3, 4, 5].map((n) => start + n));
        for (const e of s.events) {
          expect(e.event).toBe('change');
          const data = JSON.parse(e.data) as unknown;
          expect(validChange(data), failures(validChange)).toBe(true);
          expect(Change.parse(data).rev).toBe(Number(e.id));
        }
        // Pruned below a floor (what dropping old tombstones would do): the stream asks to resync, the feed answers 410.
        const floor = Math.floor(head / 2);
        await opened.setOldestRev(floor);
        try {
          const old = openStream(new URL('/v1/stream', service.url).toString(), { ...client.auth, 'last-event-id': '1' });
          await old.ready;
          await old.closed;
          expect(old.events.map((e) => e.event)).toEqual(['resync']);
          const validNotice = component('ResyncNotice');
          expect(validNotice(JSON.parse(old.events[0].data)), failures(validNotice)).toBe(true);
          const { res, body } = await get(`/v1/changes?after_rev=${floor - 1}`);
          expect(res.status).toBe(410);
          expect(body).toMatchObject({ error: 'cursor_too_old' });
          expect((await get(`/v1/changes?after_rev=${floor}&limit=10`)).res.status).toBe(200);
          expect((await get(`/v1/changes?after_rev=0&limit=10`)).res.status).toBe(200);
        } finally {
          await opened.setOldestRev(0);
        }
      });
    });

    describe('the write half', () => {
      /** A real record of each type from the feed, without rev, under a new id. */
      const samples = async () => {
        const found: Partial<Record<RecordType, Record<string, unknown>>> = {};
        let cursor = 0;
        while (Object.keys(found).length < 3) {
          const page = await service.store.changes(cursor, MAX_PAGE);
          for (const item of page.items) {
            const change = JSON.parse(item.json) as { type: string; record: Record<string, unknown> };
            if (change.type !== 'tombstone' && !found[change.type as RecordType]) {
              const { rev: _rev, ...record } = change.record;
              found[change.type as RecordType] = record;
            }
          }
          if (!page.hasMore) break;
          cursor = page.nextRev;
        }
        return found as Record<RecordType, Record<string, unknown>>;
      };
      /** The document's request schema of a write accepts (or refuses) what is sent. */
      const requestValid = (template: string, method: string, body: unknown) => {
        const v = validator(doc.paths[template][method].requestBody!.content['application/json'].schema);
        return { ok: v(body), why: failures(v) };
      };

      it('POST a batch of each type: 200 created, then unchanged, then updated; what was posted is what the document asks for', async () => {
        const records = await samples();
        for (const [type, record] of Object.entries(records) as [RecordType, Record<string, unknown>][]) {
          const url = `/v1/${RECORD_PATHS[type]}`;
          const batch = {
            source: 'contract-test',
            records: [
              { ...record, id: `contract-${type}-1` },
              { ...record, id: `contract-${type}-2` },
            ],
          };
          const accepted = requestValid(url, 'post', batch);
          expect(accepted.ok, `${url}: ${accepted.why}`).toBe(true);
          expect(component(INPUTS[type])(batch.records[0])).toBe(true);
          const first = await request('POST', url, { body: batch });
          expect(first.res.status).toBe(200);
          expect(first.body).toMatchObject({ counts: { created: 2, updated: 0, unchanged: 0, deleted: 0, rejected: 0 } });
          const again = await request('POST', url, { body: batch });
          expect(again.body).toMatchObject({ counts: { created: 0, unchanged: 2 } });
          const changed = { ...batch, records: [batch.records[0], { ...batch.records[1], grid_id: record.grid_id === 'x-grid' ? 'y-grid' : 'x-grid' }] };
          const updated = await request('POST', url, { body: changed });
          expect(updated.body).toMatchObject({ counts: { unchanged: 1, updated: 1 } });
          const results = (updated.body as { results: { index: number; outcome: string; rev: number }[]; head_rev: number }).results;
          expect(results.map((r) => [r.index, r.outcome])).toEqual([
            [0, 'unchanged'],
            [1, 'updated'],
          ]);
          expect(results[1].rev).toBeLessThanOrEqual((updated.body as { head_rev: number }).head_rev);
        }
      });

      it('POST with invalid records: 400 naming each record and field (U+0000 too), nothing written; not a batch, too many records: 400; not JSON: 400 or 415', async () => {
        const { event } = await samples();
        const before = await service.store.headRev();
        const records = [
          { ...event, id: 'contract-ok' },
          { ...event, id: 'contract-bad-date', deadline: '2026-02-30T10:00:00+08:00' },
          { ...event, id: 'contract-nul-title', title: '路灯\u0000不亮' },
          { ...event, id: 'contract-nul\u0000id' },
          { ...event, id: 'contract-nul-reporter', reporter: { name: '张\u0000三', phone: '13800000000' } },
        ];
        // The document's request schema refuses the bad date; U+0000 only the validation can (JSON Schema has no word for it).
        expect(requestValid('/v1/events', 'post', { records: records.slice(0, 2) }).ok).toBe(false);
        const { res, body } = await request('POST', '/v1/events', { body: { source: 'contract-test', records } });
        expect(res.status).toBe(400);
        expect(component('RejectedWrite')(body), failures(component('RejectedWrite'))).toBe(true);
        const rejected = body as { message: string; results: { index: number; id: string; outcome: string; reason: string }[] };
        expect(rejected.message).toMatch(/^4 of 5 records are invalid, so nothing was written\. The first: record 1 \("contract-bad-date"\), deadline: /);
        expect(rejected.results.map((r) => [r.index, r.id, r.outcome, r.reason.split(':')[0]])).toEqual([
          [1, 'contract-bad-date', 'rejected', 'deadline'],
          [2, 'contract-nul-title', 'rejected', 'title'],
          [3, 'contract-nul\u0000id', 'rejected', 'id'],
          [4, 'contract-nul-reporter', 'rejected', 'reporter.name'],
        ]);
        for (const r of rejected.results.slice(1)) expect(r.reason).toMatch(/U\+0000/);
        expect(await service.store.headRev()).toBe(before);

        const notABatch = [{ records: [] }, { records: 'x' }, [], { source: 'a\u0000b', records: [event] }];
        for (const b of notABatch) {
          const answer = await request('POST', '/v1/events', { body: b });
          expect(answer.res.status).toBe(400);
          expect(component('ApiError')(answer.body)).toBe(true);
        }
        const tooMany = Array.from({ length: MAX_WRITE_BATCH + 1 }, (_, i) => ({ ...event, id: `contract-many-${i}` }));
        expect(requestValid('/v1/events', 'post', { records: tooMany }).ok).toBe(false);
        const many = await request('POST', '/v1/events', { body: { records: tooMany } });
        expect(many.res.status).toBe(400);
        expect((many.body as { message: string }).message).toMatch(/with 1 to 5000 records/);
        expect(
          (await request('POST', '/v1/events', { rawBody: '{"records": [', headers: { ...client.auth, 'content-type': 'application/json' } })).res.status,
        ).toBe(400);
        expect(
          (await request('POST', '/v1/events', { rawBody: '<records/>', headers: { ...client.auth, 'content-type': 'application/xml' } })).res.status,
        ).toBe(415);
        expect(await service.store.headRev()).toBe(before);
      });

      it('401 without a token or with a wrong one, 403 with a read token (a sentence naming the write scope) — for every write', async () => {
        const { event } = await samples();
        const regions = (await get('/v1/regions')).body;
        const writes: [string, string, string, unknown][] = [
          ['POST', '/v1/events', '/v1/events', { records: [event] }],
          ['POST', '/v1/evaluations', '/v1/evaluations', { records: [event] }],
          ['POST', '/v1/services', '/v1/services', { records: [event] }],
          ['DELETE', '/v1/events/contract-event-1', '/v1/events/{id}', undefined],
          ['DELETE', '/v1/evaluations/x', '/v1/evaluations/{id}', undefined],
          ['DELETE', '/v1/services/x', '/v1/services/{id}', undefined],
          ['PUT', '/v1/regions', '/v1/regions', regions],
          ['PUT', '/v1/organisation', '/v1/organisation', {}],
        ];
        const before = await service.store.headRev();
        for (const [method, url, template, body] of writes) {
          expect((await request(method, url, { template, body, headers: {} })).res.status).toBe(401);
          expect((await request(method, url, { template, body, headers: { authorization: 'Bearer guess' } })).res.status).toBe(401);
          const refused = await request(method, url, { template, body, headers: { authorization: `Bearer ${tokens.reader}` } });
          expect(refused.res.status).toBe(403);
          expect((refused.body as { message: string }).message).toMatch(
            new RegExp(`^This token \\("wall-1"\\) may only read; ${method} ${url} needs a token with the write scope`),
          );
        }
        expect(await service.store.headRev()).toBe(before);
      });

      it('DELETE: 200 with a tombstone, unchanged when deleted before, 404 for an unknown id, 400 for U+0000 in the id', async () => {
        const { service: activity } = await samples();
        await request('POST', '/v1/services', { body: { records: [{ ...activity, id: 'contract-delete-me' }] } });
        const url = '/v1/services/contract-delete-me?source=contract-test';
        const deleted = await request('DELETE', url, { template: '/v1/services/{id}' });
        expect(deleted.res.status).toBe(200);
        expect(deleted.body).toMatchObject({ results: [{ index: 0, id: 'contract-delete-me', outcome: 'deleted' }], counts: { deleted: 1 } });
        const rev = (deleted.body as { results: { rev: number }[] }).results[0].rev;
        const page = await client.changes(rev - 1, 1);
        expect(page.items[0]).toMatchObject({ type: 'tombstone', of: 'service', rev, record: { id: 'contract-delete-me' } });
        const again = await request('DELETE', url, { template: '/v1/services/{id}' });
        expect(again.body).toMatchObject({ results: [{ outcome: 'unchanged', rev }] });
        expect((await request('DELETE', '/v1/services/never-written', { template: '/v1/services/{id}' })).res.status).toBe(404);
        const nul = await request('DELETE', '/v1/events/a%00b', { template: '/v1/events/{id}' });
        expect(nul.res.status).toBe(400);
        expect((nul.body as { message: string }).message).toMatch(/id: .*U\+0000/);
        expect((await request('DELETE', `/v1/evaluations/${'x'.repeat(120)}`, { template: '/v1/evaluations/{id}' })).res.status).toBe(414);
        expect((await request('DELETE', '/v1/evaluations/never-written', { template: '/v1/evaluations/{id}' })).res.status).toBe(404);
      });

      it('PUT the reference data: 200 changed false for the same, true (a new ETag) for another; 400 for a broken one', async () => {
        for (const key of ['regions', 'organisation'] as const) {
          const url = `/v1/${key}`;
          const { res, body } = await get(url);
          const accepted = requestValid(url, 'put', body);
          expect(accepted.ok, accepted.why).toBe(true);
          const same = await request('PUT', url, { body });
          expect(same.res.status).toBe(200);
          expect(same.body).toEqual({ changed: false, etag: res.headers.get('etag') });
          const other =
            key === 'regions'
              ? { ...(body as RegionsResponse), attribution: `${(body as RegionsResponse).attribution} (contract test)` }
              : {
                  ...(body as OrganisationResponse),
                  people: { ...(body as OrganisationResponse).people, volunteers: (body as OrganisationResponse).people.volunteers + 1 },
                };
          const changed = await request('PUT', url, { body: other });
          expect(changed.body).toMatchObject({ changed: true });
          expect((changed.body as { etag: string }).etag).not.toBe(res.headers.get('etag'));
          expect((await get(url)).res.headers.get('etag')).toBe((changed.body as { etag: string }).etag);
          expect((await request('PUT', url, { body })).body).toMatchObject({ changed: true, etag: res.headers.get('etag') });
          expect((await request('PUT', url, { body: { ...(body as object), [key === 'regions' ? 'regions' : 'departments']: 'none' } })).res.status).toBe(400);
          const withNul =
            key === 'regions'
              ? { ...(body as RegionsResponse), attribution: 'a\u0000b' }
              : { ...(body as OrganisationResponse), tasks: [{ code: 'T\u00001', name: 'x', duty: 'service' }] };
          const nul = await request('PUT', url, { body: withNul });
          expect(nul.res.status).toBe(400);
          expect((nul.body as { message: string }).message).toMatch(/U\+0000/);
          expect((await request('PUT', url, { rawBody: 'x', headers: { ...client.auth, 'content-type': 'application/xml' } })).res.status).toBe(415);
        }
        const regions = (await get('/v1/regions')).body as RegionsResponse;
        const orphan = { ...regions, regions: regions.regions.map((r, i) => (i === regions.regions.length - 1 ? { ...r, parent_id: 'no-such-parent' } : r)) };
        const refused = await request('PUT', '/v1/regions', { body: orphan });
        expect(refused.res.status).toBe(400);
        expect((refused.body as { message: string }).message).toMatch(/does not hold together, so nothing was written: .*has no parent in the tree/);
      });

      it('imports: a file is read and previewed (202, then ready), committed whole, listed; a template; 404 and 409 in words', async () => {
        const regions = (await get('/v1/regions')).body as RegionsResponse;
        const grid = regions.regions.find((r) => r.level === 'grid')!;
        const csv = `编号,发现时间,网格,简要情况\nC-1,2026-11-18 09:00,${grid.code},邻里纠纷（契约测试）\nC-2,2026-11-18 10:00,${grid.code},物业纠纷（契约测试）\n`;
        const octet = { ...client.auth, 'content-type': 'application/octet-stream' };
        const started = await request('POST', '/v1/imports?source=disputes&file_name=contract.csv', { template: '/v1/imports', rawBody: csv, headers: octet });
        expect(started.res.status).toBe(202);
        const id = (started.body as ImportView).id;
        let view = started.body as ImportView;
        for (let i = 0; i < 200 && view.status === 'reading'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 25));
          view = (await request('GET', `/v1/imports/${id}`, { template: '/v1/imports/{id}' })).body as ImportView;
        }
        expect(view).toMatchObject({ status: 'ready', state: { outcome: { created: 2 }, problemCounts: { error: 0 } } });
        expect((await request('GET', `/v1/imports/${id}/regions`, { template: '/v1/imports/{id}/regions' })).res.status).toBe(404);
        const before = await service.store.headRev();
        const done = await request('POST', `/v1/imports/${id}/commit`, { template: '/v1/imports/{id}/commit', body: { accept_warnings: true } });
        expect(done.body).toMatchObject({ status: 'committed' });
        expect(await service.store.headRev()).toBe(before + 2);
        const again = await request('POST', `/v1/imports/${id}/commit`, { template: '/v1/imports/{id}/commit', body: {} });
        expect(again.res.status).toBe(409);
        expect((await request('DELETE', `/v1/imports/${id}`, { template: '/v1/imports/{id}' })).res.status).toBe(409);
        const list = (await get('/v1/imports')).body as { imports: ImportView[] };
        expect(list.imports[0]).toMatchObject({ id, fileName: 'contract.csv', status: 'committed' });
        expect(list.imports[0].sha256).toMatch(/^[0-9a-f]{64}$/);

        const discardMe = await request('POST', '/v1/imports?source=disputes&file_name=contract.csv', {
          template: '/v1/imports',
          rawBody: csv,
          headers: octet,
        });
        const discarded = await request('DELETE', `/v1/imports/${(discardMe.body as ImportView).id}`, { template: '/v1/imports/{id}' });
        expect(discarded.body).toMatchObject({ status: 'discarded' });
        expect((await request('GET', '/v1/imports/no-such-import', { template: '/v1/imports/{id}' })).res.status).toBe(404);
        expect((await request('POST', '/v1/imports', { rawBody: csv, headers: octet })).res.status).toBe(400);

        const template = await request('GET', '/v1/imports/templates/disputes', { template: '/v1/imports/templates/{source}' });
        expect(template.res.status).toBe(200);
        expect((await request('GET', '/v1/imports/templates/nothing', { template: '/v1/imports/templates/{source}' })).res.status).toBe(404);
      });

      extra({ client, service: () => service });

      it('covered every path and method of the document', () => {
        // Failures of the store (503, 507) are the engine-specific tests'; a missing 404 of reference data the SQLite one's.
        expect([...client.requested].sort()).toEqual(documentedOperations());
      });
    });
  });
}

storeContract(
  'SQLite',
  async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gcc-contract-')), 'central.sqlite');
    const store = new SqliteStore(file);
    return {
      store,
      async setOldestRev(rev) {
        const db = new Database(file);
        try {
          db.prepare("UPDATE meta SET value = ? WHERE key = 'oldest_rev'").run(String(rev));
        } finally {
          db.close();
        }
      },
      close: () => store.close(),
    };
  },
  ({ client }) => {
    it('a store nothing was imported into: 404 for the reference data; a full store: 507 with a sentence, nothing kept', async () => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'gcc-contract-')), 'small.sqlite');
      const small = await startCentralService({ store: new SqliteStore(file, { maxPageCount: 40 }), token: TOKEN, openApiJson: docText });
      const other = new Client(() => ({
        url: small.url,
        token: TOKEN,
        head: () => small.store.headRev(),
        deep: 0,
        recent: async () => 0,
        walkFrom: async () => 0,
        ahead: 1,
      }));
      try {
        for (const p of ['/v1/regions', '/v1/organisation']) expect((await other.get(p)).res.status).toBe(404);
        const big = Array.from({ length: 2000 }, (_, i) => posted({ id: `e${i}`, title: `${'很长的标题'.repeat(30)}${i}` }));
        const { res, body } = await other.request('POST', '/v1/events', { body: { records: big } });
        expect(res.status).toBe(507);
        expect((body as { message: string }).message).toMatch(/is full .* Nothing of this write was kept/);
        expect(await small.store.headRev()).toBe(0);
      } finally {
        await small.close();
        await small.store.close();
      }
      for (const op of other.requested) client.requested.add(op);
    });
  },
);

let pg: TestPostgres | undefined;
afterAll(() => pg?.destroy());

storeContract(
  'PostgreSQL',
  async () => {
    pg = await startPostgres();
    const store = await PostgresStore.open(pg.createDatabase('contract'));
    return {
      store,
      async setOldestRev(rev) {
        pg!.psql('contract', `UPDATE meta SET value = '${rev}' WHERE key = 'oldest_rev'`);
      },
      close: () => store.close(),
    };
  },
  ({ client, service }) => {
    it('the database stopped: 503 with Retry-After and a sentence for reads, writes and /healthz; served again once it is back', async () => {
      const records = [posted({ id: 'contract-while-down' })];
      pg!.stop();
      try {
        for (const p of ['/healthz', '/v1/meta', '/v1/changes']) {
          const { res } = await client.get(p);
          expect(res.status).toBe(503);
          expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        }
        const write = await client.request('POST', '/v1/events', { body: { records } });
        expect(write.res.status).toBe(503);
        expect((write.body as { message: string }).message).toMatch(/cannot be reached .* The service answers 503 until it is back\./);
        // A token the service must look up in the store cannot be checked either: 503, not 401.
        expect((await client.get('/v1/meta', { authorization: 'Bearer gcc_not-checked' })).res.status).toBe(503);
      } finally {
        pg!.start();
      }
      const deadline = Date.now() + 15_000;
      for (;;) {
        const res = await fetch(new URL('/v1/meta', service().url), { headers: client.auth });
        await res.text();
        if (res.status === 200) break;
        if (Date.now() > deadline) throw new Error(`the service still answers ${res.status} after the database came back`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const written = await client.request('POST', '/v1/events', { body: { records } });
      expect(written.body).toMatchObject({ counts: { created: 1 } });
    });
  },
);
