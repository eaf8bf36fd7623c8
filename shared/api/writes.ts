/**
 * The write half of the central API contract (the central data service's importers and a district platform post
 * here; walls only read): batches of records with the ids they have in their source system, all or nothing per
 * request, an answer per record. The records are the read schemas without `rev`: the store assigns revs.
 * The OpenAPI document (central/http/openapi.ts) generates the write half's schemas from these, as it does the
 * read half's from schemas.ts; the service (central/http/service.ts) validates with checkWriteBatch, so the answer
 * a writer gets is the one the document shows.
 *
 * No string of a written record (nor its id, nor the batch's source) may hold U+0000 (NUL): PostgreSQL text cannot
 * hold it, and the SQLite engine would keep it, so the two engines would disagree. Such a record is refused at
 * validation, naming its field, like any other invalid one.
 */
import { z } from 'zod';
import { ApiError, Event, OrganisationResponse, RegionsResponse, SafeGridEvaluation, ServiceActivity, type RecordType } from './schemas';

/** Most records one request may carry. */
export const MAX_WRITE_BATCH = 5000;

/** Why a string with U+0000 is refused (after the field's name). */
export const NUL_MESSAGE = 'holds the character U+0000 (NUL), which the store cannot keep: remove it';

/** The path to the first string holding U+0000 in a value (a key holding it counts as its field), or null. */
export function nulPath(value: unknown): PropertyKey[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? [] : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const inner = nulPath(value[i]);
      if (inner) return [i, ...inner];
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key.includes('\u0000')) return [key];
      const inner = nulPath(v);
      if (inner) return [key, ...inner];
    }
  }
  return null;
}

/**
 * The schema, refusing U+0000 in any string of what it parsed (what is stored: unknown fields are stripped first).
 * Runs after the schema's own checks, so a record that is wrong in other ways is named for those first.
 */
function withoutNul<T extends z.ZodType>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    const path = nulPath(value);
    if (path) ctx.addIssue({ code: 'custom', path, message: NUL_MESSAGE });
  });
}

const NO_NUL_TEXT = 'No string in it, the id included, may hold U+0000 (NUL).';

export const EventInput = withoutNul(Event.omit({ rev: true })).describe(`An Event as written: without rev (the store assigns it). ${NO_NUL_TEXT}`);
export const EvaluationInput = withoutNul(SafeGridEvaluation.omit({ rev: true })).describe(
  `A SafeGridEvaluation as written: without rev (the store assigns it). ${NO_NUL_TEXT}`,
);
export const ServiceInput = withoutNul(ServiceActivity.omit({ rev: true })).describe(
  `A ServiceActivity as written: without rev (the store assigns it). ${NO_NUL_TEXT}`,
);

/** PUT /v1/regions and /v1/organisation: the read answers, whole, without U+0000 in any string. */
export const RegionsInput = withoutNul(RegionsResponse);
export const OrganisationInput = withoutNul(OrganisationResponse);

const Source = z
  .string()
  .min(1)
  .max(100)
  .refine((s) => !s.includes('\u0000'), NUL_MESSAGE)
  .describe('The system the records come from, for the audit (e.g. "12345", "excel:矛盾纠纷台账", "district-platform"); the token\'s name when absent');

const RECORDS_TEXT = `1 to ${MAX_WRITE_BATCH} records, each with its id in the source system`;

/**
 * A write request. Records are checked one by one (so the answer can name every bad one) against the record
 * schema of the path: one invalid record rejects the whole request.
 */
export const WriteBatch = z.object({
  source: Source.optional(),
  records: z.array(z.unknown()).min(1).max(MAX_WRITE_BATCH).describe(RECORDS_TEXT),
});

/** The write request of one path, as the document shows it: WriteBatch with the records typed. */
function batchOf(record: z.ZodType, path: string) {
  return z
    .object({ source: Source.optional(), records: z.array(record).min(1).max(MAX_WRITE_BATCH).describe(RECORDS_TEXT) })
    .describe(
      `POST ${path}: all or nothing. Each record is created, updated (a new rev) or left unchanged (the same record again: no new rev); ` +
        'one invalid record refuses the whole request, naming every invalid record and its field.',
    );
}
export const EventWriteBatch = batchOf(EventInput, '/v1/events');
export const EvaluationWriteBatch = batchOf(EvaluationInput, '/v1/evaluations');
export const ServiceWriteBatch = batchOf(ServiceInput, '/v1/services');

export const WRITE_RECORD_SCHEMAS = { event: EventInput, evaluation: EvaluationInput, service: ServiceInput } as const;

/** DELETE /v1/{type}/{id}?source=: the id (no U+0000) and the optional audit source. */
export const DeleteParams = z.object({
  id: z
    .string()
    .min(1)
    .refine((s) => !s.includes('\u0000'), NUL_MESSAGE),
  source: Source.optional(),
});

export const RecordResult = z.object({
  index: z.number().int().nonnegative().describe('Position in the request'),
  id: z.string(),
  outcome: z
    .enum(['created', 'updated', 'unchanged', 'deleted', 'rejected'])
    .describe(
      'created (new, or back after a deletion), updated (changed: a new rev), unchanged (the same as stored: no new rev), deleted (a tombstone), rejected (invalid: nothing of the request was written)',
    ),
  rev: z.number().int().positive().optional().describe("The record's rev after the write"),
  reason: z.string().optional().describe('Why the record was rejected, naming the field'),
});
export type RecordResult = z.infer<typeof RecordResult>;

export const WriteResponse = z
  .object({
    results: z.array(RecordResult).describe('One per record, in the order of the request'),
    counts: z.object({
      created: z.number().int().nonnegative(),
      updated: z.number().int().nonnegative(),
      unchanged: z.number().int().nonnegative(),
      deleted: z.number().int().nonnegative(),
      rejected: z.number().int().nonnegative(),
    }),
    head_rev: z.number().int().nonnegative().describe("The store's stable watermark after the write"),
  })
  .describe('The write committed: an answer per record');
export type WriteResponse = z.infer<typeof WriteResponse>;

/** 400 for a batch with invalid records: nothing was written; `results` names each bad record and its field. */
export const RejectedWrite = z
  .object({
    error: z.literal('bad_request'),
    message: z.string().describe('A sentence: how many records are invalid, and the first of them with its field'),
    results: z.array(RecordResult).describe('Every invalid record (outcome rejected), with its index, id and the field at fault'),
  })
  .describe('A batch with invalid records (an ApiError with results): nothing of it was written');
export type RejectedWrite = z.infer<typeof RejectedWrite>;

/** Any 400 of POST /v1/{type}: invalid records (RejectedWrite), or a body that is not a batch at all (ApiError). */
export const WriteBadRequest = z.union([RejectedWrite, ApiError]);

export const ReferenceWriteResponse = z
  .object({
    changed: z.boolean().describe('False when the tree or organisation was the same as stored (the ETag stays)'),
    etag: z.string().describe('The ETag GET now answers with'),
  })
  .describe('The reference data was replaced whole');

/** The first issue of a zod error as "field: message". */
export function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.map(String).join('.') || '(record)'}: ${issue.message}` : 'invalid';
}

/** A record that passed validation: its fields as the store keeps them. */
export interface ValidRecord {
  id: string;
  [field: string]: unknown;
}

export type CheckedBatch = { ok: true; source: string | undefined; records: ValidRecord[] } | { ok: false; body: ApiError | RejectedWrite };

/**
 * Validates the body of POST /v1/{type}: the batch, then every record against its type's schema. Either the records
 * to write, or the 400 body that says why nothing is written (naming each invalid record and its field).
 */
export function checkWriteBatch(type: RecordType, body: unknown): CheckedBatch {
  const batch = WriteBatch.safeParse(body);
  if (!batch.success)
    return {
      ok: false,
      body: {
        error: 'bad_request',
        message: `The request body is not a batch of records (${firstIssue(batch.error)}): send {"source": "…", "records": [ … ]} with 1 to ${MAX_WRITE_BATCH} records.`,
      },
    };
  const schema = WRITE_RECORD_SCHEMAS[type];
  const records: ValidRecord[] = [];
  const rejected: RecordResult[] = [];
  batch.data.records.forEach((raw, index) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) records.push(parsed.data as ValidRecord);
    else {
      const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : '';
      rejected.push({ index, id, outcome: 'rejected', reason: firstIssue(parsed.error) });
    }
  });
  if (rejected.length) {
    const first = rejected[0];
    const message = `${rejected.length} of ${batch.data.records.length} records are invalid, so nothing was written. The first: record ${first.index}${first.id ? ` ("${first.id}")` : ''}, ${first.reason}.`;
    return { ok: false, body: { error: 'bad_request', message, results: rejected } };
  }
  return { ok: true, source: batch.data.source, records };
}
