/**
 * The importers over HTTP (write scope, all of it: the list names files and people):
 *
 *   POST   /v1/imports?source=S&file_name=F[&mapping=JSON][&exclude_rows=7,12][&datum=D]   the file as the body
 *          (application/octet-stream, streamed to disk with its SHA-256); for source=open311 a JSON body
 *          {url, api_key?, jurisdiction_id?, since?, until?, page_size?, mapping?}. 202: the import, reading.
 *   GET    /v1/imports                       the imports, newest first (who, when, file, SHA-256, counts)
 *   GET    /v1/imports/{id}                  one: progress while reading, then the preview
 *   GET    /v1/imports/{id}/regions          the region tree a boundaries or grid-info import will write
 *   POST   /v1/imports/{id}/commit           {accept_warnings, delete_missing}: writes it whole
 *   DELETE /v1/imports/{id}                  discards it (nothing written)
 *   GET    /v1/imports/templates/{source}    the ledger's template (.xlsx)
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { WriteContext } from '../store/types';
import { ImportJobs, ImportRefused } from '../import/jobs';
import type { ImportRequest } from '../import/pipeline';
import { ImportCommit, Open311Import, SOURCE_NAMES, TABLE_SOURCES, type SourceName, type TableSourceName } from '../../shared/api/imports';

/** The largest file an import takes (a 200 MB ledger is the big case the importers are built for). */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;

type Send = (reply: FastifyReply, status: number, body: string, headers?: Record<string, string>) => FastifyReply;
type ApiErrorText = (error: 'bad_request' | 'not_found' | 'forbidden', message: string) => string;

export function registerImports(
  app: FastifyInstance,
  jobs: ImportJobs,
  deps: { send: Send; apiError: ApiErrorText; writer: (req: FastifyRequest) => WriteContext; failure: (reply: FastifyReply, error: unknown) => FastifyReply },
) {
  const { send, apiError, writer, failure } = deps;
  const uploads = path.join(tmpdir(), 'gcc-central-imports');

  // The file itself is the body: streamed to disk, never held in memory.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));

  app.get('/v1/imports', async (_req, reply) => {
    try {
      return send(reply, 200, JSON.stringify({ imports: await jobs.list() }));
    } catch (error) {
      return failure(reply, error);
    }
  });

  app.get('/v1/imports/templates/:source', async (req, reply) => {
    const source = (req.params as { source: string }).source.replace(/\.xlsx$/, '');
    if (!TABLE_SOURCES.includes(source as TableSourceName))
      return send(reply, 404, apiError('not_found', `There is no template "${source}"; templates: ${TABLE_SOURCES.join(', ')}.`));
    // Loaded on first use, like the readers (jobs.ts).
    const [{ TABULAR_SOURCES }, { writeTemplate }] = await Promise.all([import('../import/sources'), import('../import/table/template')]);
    const template = TABULAR_SOURCES[source as TableSourceName].template;
    const body = await writeTemplate(template);
    return reply
      .code(200)
      .headers({
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="${source}.xlsx"; filename*=UTF-8''${encodeURIComponent(`${template.title}模板.xlsx`)}`,
      })
      .send(body);
  });

  app.post('/v1/imports', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const source = q.source as SourceName | undefined;
    if (!source || !SOURCE_NAMES.includes(source))
      return send(reply, 400, apiError('bad_request', `Say which importer with ?source=: one of ${SOURCE_NAMES.join(', ')}.`));
    const request: ImportRequest = { source };
    const tokenName = writer(req).tokenName;
    try {
      if (source === 'open311') {
        const body = Open311Import.safeParse(req.body);
        if (!body.success)
          return send(reply, 400, apiError('bad_request', `An Open311 import needs {"url": "https://…/open311/v2"} (${body.error.issues[0]?.message}).`));
        const b = body.data;
        request.open311 = {
          url: b.url,
          apiKey: b.api_key,
          jurisdictionId: b.jurisdiction_id,
          since: b.since,
          until: b.until,
          pageSize: b.page_size,
          mapping: b.mapping,
        };
        const since = b.since ? undefined : await jobs.open311Since(b.url);
        if (since) request.open311.since = since;
        return send(reply, 202, JSON.stringify(await jobs.start(request, { name: b.url, sha256: '', bytes: 0 }, tokenName)));
      }
      const fileName = (q.file_name ?? '').trim();
      if (!fileName || fileName.length > 255 || /[\\/\u0000]/.test(fileName))
        return send(reply, 400, apiError('bad_request', 'Name the file with ?file_name= (its name only, without folders).'));
      if (!(req.body && typeof (req.body as Readable).pipe === 'function'))
        return send(reply, 415, apiError('bad_request', 'Send the file itself as the body, with Content-Type: application/octet-stream.'));
      const options = parseOptions(q);
      if (typeof options === 'string') return send(reply, 400, apiError('bad_request', options));
      Object.assign(request, options);
      await mkdir(uploads, { recursive: true, mode: 0o700 });
      const file = path.join(uploads, `${randomUUID()}.upload`);
      const saved = await saveUpload(req.body as Readable, file).catch(async (error: unknown) => {
        await rm(file, { force: true });
        throw error;
      });
      if (saved.bytes === 0) {
        await rm(file, { force: true });
        return send(reply, 400, apiError('bad_request', `The file "${fileName}" is empty.`));
      }
      request.file = { path: file, name: fileName };
      // From here the job removes the file when it has read it; a job that cannot start leaves it to us.
      const started = await jobs
        .start(request, { name: fileName, sha256: saved.sha256, bytes: saved.bytes, path: file }, tokenName)
        .catch(async (error: unknown) => {
          await rm(file, { force: true });
          throw error;
        });
      return send(reply, 202, JSON.stringify(started));
    } catch (error) {
      if (error instanceof TooLarge) return send(reply, 413, apiError('bad_request', error.message));
      return failure(reply, error);
    }
  });

  app.get('/v1/imports/:id', async (req, reply) => {
    const found = await jobs.get((req.params as { id: string }).id).catch((error: unknown) => error);
    if (found instanceof Error) return failure(reply, found);
    if (!found) return send(reply, 404, apiError('not_found', `There is no import ${(req.params as { id: string }).id}.`));
    return send(reply, 200, JSON.stringify(found));
  });

  app.get('/v1/imports/:id/regions', async (req, reply) => {
    const tree = await jobs.stagedTree((req.params as { id: string }).id);
    if (!tree) return send(reply, 404, apiError('not_found', 'This import writes no region tree (or it was committed or discarded).'));
    return send(reply, 200, JSON.stringify(tree));
  });

  app.post('/v1/imports/:id/commit', async (req, reply) => {
    const body = ImportCommit.default({ accept_warnings: false, delete_missing: false }).safeParse(req.body ?? undefined);
    if (!body.success) return send(reply, 400, apiError('bad_request', 'Commit with {"accept_warnings": true|false, "delete_missing": true|false}.'));
    try {
      const done = await jobs.commit(
        (req.params as { id: string }).id,
        { acceptWarnings: body.data.accept_warnings, deleteMissing: body.data.delete_missing },
        writer(req),
      );
      return send(reply, 200, JSON.stringify(done));
    } catch (error) {
      if (error instanceof ImportRefused) return send(reply, 409, JSON.stringify({ error: 'bad_request', message: error.message }));
      return failure(reply, error);
    }
  });

  app.delete('/v1/imports/:id', async (req, reply) => {
    try {
      const done = await jobs.discard((req.params as { id: string }).id);
      if (!done) return send(reply, 404, apiError('not_found', `There is no import ${(req.params as { id: string }).id}.`));
      return send(reply, 200, JSON.stringify(done));
    } catch (error) {
      if (error instanceof ImportRefused) return send(reply, 409, JSON.stringify({ error: 'bad_request', message: error.message }));
      return failure(reply, error);
    }
  });
}

/** mapping, exclude_rows and datum from the query; a sentence when one cannot be read. */
function parseOptions(q: Record<string, string | undefined>): Pick<ImportRequest, 'mapping' | 'excludeRows' | 'datum'> | string {
  const out: Pick<ImportRequest, 'mapping' | 'excludeRows' | 'datum'> = {};
  if (q.mapping) {
    try {
      const parsed = z.record(z.string(), z.string().nullable()).parse(JSON.parse(q.mapping));
      out.mapping = parsed;
    } catch {
      return 'mapping= must be a JSON object of field → the header in the file (or null), e.g. {"found_at":"登记日期"}.';
    }
  }
  if (q.exclude_rows) {
    const rows = q.exclude_rows.split(',').map((s) => Number(s.trim()));
    if (rows.some((n) => !Number.isInteger(n) || n < 1)) return 'exclude_rows= must be row numbers separated by commas, e.g. 7,12.';
    out.excludeRows = rows;
  }
  if (q.datum) {
    if (q.datum !== 'WGS-84' && q.datum !== 'GCJ-02' && q.datum !== 'CGCS2000') return 'datum= is one of WGS-84, CGCS2000, GCJ-02.';
    out.datum = q.datum;
  }
  return out;
}

class TooLarge extends Error {}

/** Streams the body to a file, hashing it, refusing more than MAX_IMPORT_BYTES. */
async function saveUpload(body: Readable, file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > MAX_IMPORT_BYTES) return done(new TooLarge(`The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it into several files.`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(body, count, createWriteStream(file, { mode: 0o600 }));
  return { sha256: hash.digest('hex'), bytes };
}
