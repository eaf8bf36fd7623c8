/**
 * The write half of the central API contract (the central data service's importers and a district platform post
 * here; walls only read): batches of records with the ids they have in their source system, all or nothing per
 * request, an answer per record. The records are the read schemas without `rev`: the store assigns revs.
 */
import { z } from 'zod';
import { Event, OrganisationResponse, RegionsResponse, SafeGridEvaluation, ServiceActivity } from './schemas';

/** Most records one request may carry. */
export const MAX_WRITE_BATCH = 5000;

export const EventInput = Event.omit({ rev: true });
export const EvaluationInput = SafeGridEvaluation.omit({ rev: true });
export const ServiceInput = ServiceActivity.omit({ rev: true });

const Source = z
  .string()
  .min(1)
  .max(100)
  .describe('The system the records come from, for the audit (e.g. "12345", "excel:矛盾纠纷台账", "district-platform")');

/**
 * A write request. Records are checked one by one (so the answer can name every bad one) against the record
 * schema of the path: one invalid record rejects the whole request.
 */
export const WriteBatch = z.object({
  source: Source.optional(),
  records: z.array(z.unknown()).min(1).max(MAX_WRITE_BATCH).describe(`Up to ${MAX_WRITE_BATCH} records, each with its id in the source system`),
});

export const WRITE_RECORD_SCHEMAS = { event: EventInput, evaluation: EvaluationInput, service: ServiceInput } as const;

export const RecordResult = z.object({
  index: z.number().int().nonnegative().describe('Position in the request'),
  id: z.string(),
  outcome: z.enum(['created', 'updated', 'unchanged', 'deleted', 'rejected']),
  rev: z.number().int().positive().optional().describe('The record\'s rev after the write'),
  reason: z.string().optional().describe('Why the record was rejected, naming the field'),
});
export type RecordResult = z.infer<typeof RecordResult>;

export const WriteResponse = z.object({
  results: z.array(RecordResult),
  counts: z.object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    deleted: z.number().int(),
    rejected: z.number().int(),
  }),
  head_rev: z.number().int().nonnegative(),
});
export type WriteResponse = z.infer<typeof WriteResponse>;

/** 400 for a batch with invalid records: nothing was written; `results` names each bad record and its field. */
export const RejectedWrite = z.object({
  error: z.literal('bad_request'),
  message: z.string(),
  results: z.array(RecordResult),
});

export const ReferenceWriteResponse = z.object({ changed: z.boolean(), etag: z.string() });

export { OrganisationResponse as OrganisationInput, RegionsResponse as RegionsInput };
