/**
 * The contract document: valid OpenAPI 3.1, the same as resources/openapi.json, generated from the zod schemas,
 * with examples that the schemas accept and personal data marked.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { Change, ResyncNotice } from '../../shared/api/schemas';
import { periodOrder } from '../../shared/kpi/formulas';
import { EXAMPLE_SCHEMAS, openApiDocument, TOMBSTONE_RETENTION_DAYS } from '../../central/http/openapi';
import { createCentralServer, DEFAULT_PAGE, MAX_PAGE, type CentralServer } from '../../central/demo/server';
import { engineAt } from './helpers';

type Doc = {
  openapi: string;
  info: { description: string };
  paths: Record<
    string,
    Record<
      string,
      {
        description?: string;
        parameters?: { name: string; description: string; schema: Record<string, unknown> }[];
        responses: Record<string, { description: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: { $ref?: string }; examples?: Record<string, { value: unknown }> }> }>;
      }
    >
  >;
  components: { schemas: Record<string, Record<string, unknown>> };
};

let server: CentralServer;
let served: string;
let doc: Doc;

beforeAll(async () => {
  server = await createCentralServer({ engine: engineAt() });
  const res = await fetch(new URL('/openapi.json', server.url));
  expect(res.status).toBe(200);
  served = await res.text();
  doc = JSON.parse(served) as Doc;
});
afterAll(async () => {
  await server.close();
  server.engine.stop();
});

describe('/openapi.json', () => {
  it('validates as OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    // The validator does reject a broken document (so the check above means something).
    const broken = structuredClone(doc) as unknown as Record<string, unknown>;
    delete broken.info;
    expect((await validate(broken as never)).valid).toBe(false);
  });

  it('is resources/openapi.json, byte for byte (run `npm run openapi` after changing the schemas)', async () => {
    const stored = readFileSync(fileURLToPath(new URL('../../resources/openapi.json', import.meta.url)), 'utf8');
    expect(served).toBe(stored);
    expect(await openApiDocument()).toBe(stored);
  });

  it('every example validates against the zod schema it illustrates', () => {
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths))
      for (const op of Object.values(ops))
        for (const [status, response] of Object.entries(op.responses)) {
          const media = response.content?.['application/json'];
          if (!media?.examples) continue;
          const name = media.schema?.$ref?.split('/').pop();
          expect(name, `${path} ${status}`).toBeDefined();
          const schema = EXAMPLE_SCHEMAS[name!] as z.ZodType;
          for (const [key, ex] of Object.entries(media.examples)) {
            const parsed = schema.safeParse(ex.value);
            expect(parsed.success, `${path} ${status} ${key}: ${parsed.error?.message}`).toBe(true);
            checked++;
            if (name === 'ChangesPage') for (const item of (ex.value as { items: unknown[] }).items) expect(Change.safeParse(item).success).toBe(true);
          }
        }
    expect(checked).toBeGreaterThanOrEqual(15);
    const page = doc.paths['/v1/changes'].get.responses['200'].content!['application/json'].examples!.page.value as { items: { type: string }[] };
    expect(page.items.map((i) => i.type).sort()).toEqual(['evaluation', 'event', 'service', 'tombstone']);
    // The stream's examples carry a Change and a ResyncNotice.
    const sse = doc.paths['/v1/stream'].get.responses['200'].content!['text/event-stream'].examples!;
    const data = (text: unknown) => JSON.parse(/^data: (.*)$/m.exec(String(text))![1]) as unknown;
    expect(Change.safeParse(data(sse.changes.value)).success).toBe(true);
    expect(ResyncNotice.safeParse(data(sse.resync.value)).success).toBe(true);
  });

  it('marks personal data with x-personal-data', () => {
    const s = doc.components.schemas;
    const props = (name: string) => s[name].properties as Record<string, Record<string, unknown>>;
    expect(s.Reporter['x-personal-data']).toBe(true);
    expect(props('Reporter').name['x-personal-data']).toBe(true);
    expect(props('Reporter').phone['x-personal-data']).toBe(true);
    expect(props('GridProfile').leader['x-personal-data']).toBe(true);
    expect(props('GridProfile').full_time_worker['x-personal-data']).toBe(true);
    expect(served).not.toMatch(/"personal":/);
    expect(props('Event').reporter).toEqual({ anyOf: [{ $ref: '#/components/schemas/Reporter' }, { type: 'null' }] });
  });

  it('documents the demo token', () => {
    expect(served).toMatch(/demo-token/);
  });
});

describe('the rules the document states', () => {
  const props = (name: string) => doc.components.schemas[name].properties as Record<string, Record<string, unknown>>;

  it('times are RFC 3339 date-times with offset and full-dates', () => {
    for (const [schema, field] of [
      ['Event', 'deadline'],
      ['MetaResponse', 'server_time'],
      ['Tombstone', 'deleted_at'],
      ['SafeGridEvaluation', 'evaluated_at'],
    ])
      expect(props(schema)[field], `${schema}.${field}`).toMatchObject({ type: 'string', format: 'date-time' });
    expect(props('StageTimes').reported).toMatchObject({ format: 'date-time' });
    expect(props('ServiceActivity').date).toMatchObject({ type: 'string', format: 'date' });
    expect(doc.info.description).toMatch(/RFC 3339/);
  });

  it('which statuses are retried and which are not, with Retry-After where a server may send it', () => {
    const info = doc.info.description;
    const transient = /Transient[^.]*: network errors, timeouts, 408, 425, 429, 500, 502, 503, 504, and bodies that break off or do not parse/;
    expect(info).toMatch(transient);
    expect(info).toMatch(/Retry-After` \(seconds or an HTTP date\)/);
    expect(info).toMatch(/capped, jittered back-off within a time budget/);
    expect(info).toMatch(/Permanent, the client stops at once[^.]*: 400, 401, 403, 404/);
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v1/')) continue;
      const responses = ops.get.responses;
      for (const status of ['429', '503']) {
        expect(responses[status]?.headers, `${path} ${status}`).toHaveProperty('Retry-After');
        expect(responses[status].description).toMatch(/^[^.]*\. Transient: retry after Retry-After/);
      }
      expect(responses['500'].description).toMatch(/Transient/);
      for (const status of ['401', '403']) expect(responses[status].description).toMatch(/Permanent/);
    }
  });

  it('responses may grow new fields: no schema forbids additional properties', () => {
    expect(served).not.toMatch(/additionalProperties/);
    expect(doc.info.description).toMatch(/clients ignore the ones they do not know/);
  });

  it('paging rules, limit default and maximum', () => {
    const changes = doc.paths['/v1/changes'].get;
    const limit = changes.parameters!.find((p) => p.name === 'limit')!;
    expect(limit.schema).toMatchObject({ minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE });
    expect(changes.description).toMatch(/never more than `limit`/);
    expect(changes.description).toMatch(/or none while `has_more` is true/);
    expect(changes.description).toMatch(/`next_rev` > `after_rev`: paging always advances/);
    const page = props('ChangesPage');
    expect(page.next_rev.description).toMatch(/Greater than after_rev whenever has_more is true/);
    expect(page.items.description).toMatch(/never more than `limit`/);
  });

  it('tombstone retention, and 410 Gone with an ApiError for a too-old cursor', () => {
    const changes = doc.paths['/v1/changes'].get;
    expect(changes.responses['410'].content!['application/json'].schema!.$ref).toBe('#/components/schemas/ApiError');
    expect(changes.responses['410'].description).toMatch(/re-sync in full from after_rev=0/);
    expect(changes.description).toMatch(new RegExp(`kept at least ${TOMBSTONE_RETENTION_DAYS} days \\(the bundled service keeps them forever\\)`));
    expect(doc.components.schemas.Tombstone.description).toMatch(/410 Gone/);
    expect((props('ApiError').error as { enum: string[] }).enum).toContain('cursor_too_old');
  });

  it('the stable watermark, in head_rev, /v1/changes and the stream', () => {
    expect(props('MetaResponse').head_rev.description).toMatch(/stable watermark: the newest rev below which every transaction has committed/);
    expect(props('ChangesPage').head_rev.description).toMatch(/stable watermark/);
    expect(doc.paths['/v1/changes'].get.description).toMatch(/stable watermark/);
    expect(doc.paths['/v1/stream'].get.description).toMatch(/only up to the stable watermark/);
    expect(doc.info.description).toMatch(/never skips a record that becomes visible later/);
  });

  it('which safe-grid evaluation counts: the latest-ending period (a half-year after its last quarter), then the highest rev', () => {
    expect(props('SafeGridEvaluation').period.description).toMatch(/Q1 < Q2 < H1 < Q3 < Q4 < H2/);
    expect(doc.components.schemas.SafeGridEvaluation.description).toMatch(/period ends latest.*highest rev/);
    const shuffled = ['2023-H2', '2024-Q1', '2023-Q3', '2023-H1', '2023-Q1', '2023-Q4', '2023-Q2', '2022-H2'];
    expect([...shuffled].sort((a, b) => periodOrder(a) - periodOrder(b))).toEqual([
      '2022-H2',
      '2023-Q1',
      '2023-Q2',
      '2023-H1',
      '2023-Q3',
      '2023-Q4',
      '2023-H2',
      '2024-Q1',
    ]);
  });
});
