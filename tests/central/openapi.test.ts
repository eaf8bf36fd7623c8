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
import { EXAMPLE_SCHEMAS, openApiDocument } from '../../core/central/openapi';
import { createCentralServer, type CentralServer } from '../../core/central/server';
import { engineAt } from './helpers';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string }; examples?: Record<string, { value: unknown }> }> }> }>>;
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
