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
import { MAX_WRITE_BATCH } from '../../shared/api/writes';
import { periodOrder } from '../../shared/time';
import { EXAMPLE_SCHEMAS, openApiDocument, TOMBSTONE_RETENTION_DAYS } from '../../central/http/openapi';
import { createCentralServer, DEFAULT_PAGE, MAX_PAGE, type CentralServer } from '../../central/demo/server';
import { engineAt } from './helpers';

type Media = Record<string, { schema?: { $ref?: string }; examples?: Record<string, { value: unknown }> }>;
type Operation = {
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; description: string; schema: Record<string, unknown> }[];
  requestBody?: { required?: boolean; content: Media };
  responses: Record<string, { description: string; headers?: Record<string, unknown>; content?: Media }>;
};
type Doc = {
  openapi: string;
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>>; securitySchemes: Record<string, { description: string }> };
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

  it('every example (answers and request bodies) validates against the zod schema it illustrates', () => {
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths))
      for (const op of Object.values(ops))
        for (const [status, response] of [...Object.entries(op.responses), ['request', op.requestBody ?? {}] as const]) {
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
    expect(checked).toBeGreaterThanOrEqual(60);
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
      if (!path.startsWith('/v1/') || path.startsWith('/v1/imports') || !ops.get) continue;
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
    expect(served).not.toMatch(/"additionalProperties": false/);
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

describe('the write half', () => {
  const schemas = () => doc.components.schemas;
  const props = (name: string) => schemas()[name].properties as Record<string, Record<string, unknown>>;
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const writes = () =>
    Object.entries(doc.paths)
      .filter(([path]) => !path.startsWith('/v1/imports'))
      .flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([method]) => method !== 'get')
          .map(([method, op]) => ({ path, method, op })),
      );
  const RECORDS = [
    ['events', 'Event', 'EventInput', 'EventWriteBatch'],
    ['evaluations', 'SafeGridEvaluation', 'EvaluationInput', 'EvaluationWriteBatch'],
    ['services', 'ServiceActivity', 'ServiceInput', 'ServiceWriteBatch'],
  ] as const;

  it('lists every write the service takes, and leaves the read half as it was', () => {
    expect(
      writes()
        .map(({ method, path }) => `${method.toUpperCase()} ${path}`)
        .sort(),
    ).toEqual([
      'DELETE /v1/evaluations/{id}',
      'DELETE /v1/events/{id}',
      'DELETE /v1/services/{id}',
      'POST /v1/evaluations',
      'POST /v1/events',
      'POST /v1/services',
      'PUT /v1/organisation',
      'PUT /v1/regions',
    ]);
    const reads = Object.entries(doc.paths).flatMap(([path, ops]) => (ops.get && !path.startsWith('/v1/imports') ? [path] : []));
    expect(reads).toEqual(['/healthz', '/openapi.json', '/v1/meta', '/v1/regions', '/v1/organisation', '/v1/changes', '/v1/stream']);
    for (const path of reads) {
      expect(doc.paths[path].get.security ?? null, path).toEqual(path.startsWith('/v1/') ? null : []);
      expect(doc.paths[path].get.requestBody, path).toBeUndefined();
    }
  });

  it('the importers: start, poll, commit, discard, list, templates — every one of them needs the write scope, reads included', () => {
    const imports = Object.entries(doc.paths).filter(([path]) => path.startsWith('/v1/imports'));
    expect(imports.flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`)).sort()).toEqual([
      'DELETE /v1/imports/{id}',
      'GET /v1/imports',
      'GET /v1/imports/templates/{source}',
      'GET /v1/imports/{id}',
      'GET /v1/imports/{id}/regions',
      'POST /v1/imports',
      'POST /v1/imports/{id}/commit',
    ]);
    for (const [path, ops] of imports) for (const op of Object.values(ops)) expect(op.security, path).toEqual([{ bearer: ['write'] }]);
  });

  it('tokens have scopes: read for walls, write for importers and the district platform; every write needs write', () => {
    const scheme = doc.components.securitySchemes.bearer.description;
    expect(scheme).toMatch(/`read` \(walls[^)]*\) and `write` \(importers and the district platform/);
    expect(doc.info.description).toMatch(/Tokens have scopes: `read` for walls .* and `write` for importers and the district platform/);
    for (const { path, method, op } of writes()) expect(op.security, `${method} ${path}`).toEqual([{ bearer: ['write'] }]);
  });

  it('every write answers 401, 403 (with the scope named), 500, 503 with Retry-After and 507, each an ApiError', () => {
    for (const { path, method, op } of writes()) {
      const where = `${method} ${path}`;
      for (const status of ['401', '403', '500', '503', '507'])
        expect(op.responses[status]?.content?.['application/json'].schema, `${where} ${status}`).toEqual(ref('ApiError'));
      expect(op.responses['403'].description).toMatch(/`write` scope.*Permanent/);
      expect(JSON.stringify(op.responses['403'].content!['application/json'].examples)).toMatch(/needs a token with the write scope/);
      expect(op.responses['503'].headers).toHaveProperty('Retry-After');
      expect(op.responses['503'].description).toMatch(/Transient: retry after Retry-After/);
      expect(op.responses['507'].description).toMatch(/store is full.*nothing of the request was kept/);
      if (method !== 'delete')
        for (const status of ['413', '415']) expect(op.responses[status]?.content?.['application/json'].schema, `${where} ${status}`).toEqual(ref('ApiError'));
    }
  });

  it('POST takes a batch of 1 to 5,000 records, each the read schema without rev; 200 WriteResponse; 400 names each bad record and field', () => {
    for (const [path, read, input, batch] of RECORDS) {
      const op = doc.paths[`/v1/${path}`].post;
      expect(op.requestBody).toMatchObject({ required: true, content: { 'application/json': { schema: ref(batch) } } });
      expect(props(batch).records).toMatchObject({ type: 'array', minItems: 1, maxItems: MAX_WRITE_BATCH, items: ref(input) });
      expect(props(batch).source).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
      expect(schemas()[batch].required).toEqual(['records']);
      // The input is the read record without rev, field for field.
      const { rev, ...rest } = props(read);
      expect(rev).toBeDefined();
      expect(props(input)).toEqual(rest);
      expect(schemas()[input].required).toEqual((schemas()[read].required as string[]).filter((f) => f !== 'rev'));
      expect(schemas()[input].description).toMatch(/without rev.*U\+0000/);
      expect(op.responses['200'].content!['application/json'].schema).toEqual(ref('WriteResponse'));
      expect(op.responses['400'].content!['application/json'].schema).toEqual(ref('WriteBadRequest'));
      const rejected = op.responses['400'].content!['application/json'].examples!.invalid_records.value as {
        results: { index: number; id: string; reason: string }[];
      };
      expect(rejected.results.map((r) => r.reason.split(':')[0])).toEqual([
        path === 'events' ? 'deadline' : path === 'services' ? 'date' : 'period',
        path === 'evaluations' ? 'grid_id' : 'title',
      ]);
      expect(rejected.results[1].reason).toMatch(/U\+0000/);
      expect(op.description).toMatch(/One invalid record refuses the whole request/);
    }
    expect(schemas().WriteBadRequest).toEqual({ anyOf: [ref('RejectedWrite'), ref('ApiError')] });
    expect(schemas().RejectedWrite.required).toEqual(['error', 'message', 'results']);
    expect(props('RejectedWrite').results).toMatchObject({ items: ref('RecordResult') });
    expect(props('WriteResponse').results).toMatchObject({ items: ref('RecordResult') });
    expect((props('RecordResult').outcome as { enum: string[] }).enum).toEqual(['created', 'updated', 'unchanged', 'deleted', 'rejected']);
  });

  it('DELETE makes a tombstone and answers per record; 404 for an id never written', () => {
    for (const [path] of RECORDS) {
      const op = doc.paths[`/v1/${path}/{id}`].delete;
      expect(op.parameters!.map((p) => [p.name, p.in, p.required])).toEqual([
        ['id', 'path', true],
        ['source', 'query', false],
      ]);
      expect(op.description).toMatch(/tombstone/);
      expect(op.responses['200'].content!['application/json'].schema).toEqual(ref('WriteResponse'));
      for (const status of ['400', '404', '414']) expect(op.responses[status].content!['application/json'].schema).toEqual(ref('ApiError'));
    }
  });

  it('PUT replaces the region tree or the organisation whole: the read answer in, {changed, etag} out', () => {
    for (const [key, schema] of [
      ['regions', 'RegionsResponse'],
      ['organisation', 'OrganisationResponse'],
    ]) {
      const op = doc.paths[`/v1/${key}`].put;
      expect(op.requestBody).toMatchObject({ required: true, content: { 'application/json': { schema: ref(schema) } } });
      expect(op.responses['200'].content!['application/json'].schema).toEqual(ref('ReferenceWriteResponse'));
      expect(op.responses['400'].content!['application/json'].schema).toEqual(ref('ApiError'));
    }
    expect(schemas().ReferenceWriteResponse.required).toEqual(['changed', 'etag']);
  });

  it('says that writes are all or nothing, idempotent, and refuse U+0000', () => {
    const info = doc.info.description;
    expect(info).toMatch(/A request is all or nothing: one invalid record refuses it \(400 naming each invalid record and its field\) and nothing is written/);
    expect(info).toMatch(/the same record again is `unchanged` \(no new rev\)/);
    expect(info).toMatch(/No string may hold U\+0000 \(NUL\)/);
  });
});
