/**
 * The central service's importers over HTTP (shared/api/imports.ts): used by `npm run import` and by the app's 导入
 * page, which both only speak the contract to the service. A file is streamed up as it is on disk (a 200 MB ledger
 * is never held in memory here); the import then reads on the service, and this client polls its progress.
 * Failures are sentences: the service's own message where it gave one.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import https from 'node:https';
import axios, { type AxiosError, type AxiosInstance } from 'axios';
import { z } from 'zod';
import { ImportView, type ColumnMapping, type ServiceMapping, type SourceName, type TableSourceName } from '../../shared/api/imports';
import { RegionsResponse } from '../../shared/api/schemas';

export interface ImportsConfig {
  baseUrl: string;
  /** A token with the write scope. */
  token: string;
  caFile?: string;
  timeoutMs?: number;
}

export interface FileImport {
  source: Exclude<SourceName, 'open311'>;
  /** A file on disk, or its bytes (the page's dropped file). */
  file: { path: string } | { bytes: Uint8Array };
  fileName: string;
  mapping?: ColumnMapping;
  excludeRows?: number[];
  datum?: 'WGS-84' | 'GCJ-02' | 'CGCS2000';
}

export interface Open311Import {
  url: string;
  apiKey?: string;
  jurisdictionId?: string;
  since?: string;
  until?: string;
  pageSize?: number;
  mapping?: ServiceMapping;
}

export class ImportsError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ImportsError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ImportsClient {
  private readonly http: AxiosInstance;

  constructor(config: ImportsConfig) {
    this.http = axios.create({
      baseURL: config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`,
      timeout: config.timeoutMs ?? 60_000,
      headers: { Authorization: `Bearer ${config.token}`, Accept: 'application/json' },
      httpsAgent: config.caFile ? new https.Agent({ ca: readFileSync(config.caFile) }) : undefined,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      // No redirects: axios follows them with follow-redirects, which keeps the whole request body in memory to
      // send it again (a 200 MB ledger held twice); the service never redirects.
      maxRedirects: 0,
      validateStatus: () => true,
    });
  }

  /** Sends a file; the answer comes at once (status 'reading'). */
  async start(request: FileImport): Promise<ImportView> {
    const params: Record<string, string> = { source: request.source, file_name: request.fileName };
    if (request.mapping) params.mapping = JSON.stringify(request.mapping);
    if (request.excludeRows?.length) params.exclude_rows = request.excludeRows.join(',');
    if (request.datum) params.datum = request.datum;
    const body = 'path' in request.file ? createReadStream(request.file.path) : Buffer.from(request.file.bytes);
    const length = 'path' in request.file ? (await stat(request.file.path)).size : request.file.bytes.byteLength;
    return this.call(ImportView, 'post', 'v1/imports', body, {
      params,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(length) },
      timeout: 0,
    });
  }

  async startOpen311(request: Open311Import): Promise<ImportView> {
    const body = {
      url: request.url,
      api_key: request.apiKey,
      jurisdiction_id: request.jurisdictionId,
      since: request.since,
      until: request.until,
      page_size: request.pageSize,
      mapping: request.mapping,
    };
    return this.call(ImportView, 'post', 'v1/imports', body, { params: { source: 'open311' } });
  }

  async get(id: string): Promise<ImportView> {
    return this.call(ImportView, 'get', `v1/imports/${encodeURIComponent(id)}`);
  }

  async list(): Promise<ImportView[]> {
    return (await this.call(z.object({ imports: z.array(ImportView) }), 'get', 'v1/imports')).imports;
  }

  async stagedTree(id: string): Promise<RegionsResponse> {
    return this.call(RegionsResponse, 'get', `v1/imports/${encodeURIComponent(id)}/regions`);
  }

  /** The region tree the service serves now (null before any boundaries were imported). */
  async currentTree(): Promise<RegionsResponse | null> {
    try {
      return await this.call(RegionsResponse, 'get', 'v1/regions');
    } catch (error) {
      if (error instanceof ImportsError && error.status === 404) return null;
      throw error;
    }
  }

  /** Polls until the import has finished reading (ready or failed), reporting its progress. */
  async settled(id: string, onProgress: (view: ImportView) => void = () => {}, everyMs = 500): Promise<ImportView> {
    for (;;) {
      const view = await this.get(id);
      onProgress(view);
      if (view.status !== 'reading' && view.status !== 'committing') return view;
      await sleep(everyMs);
    }
  }

  async commit(id: string, options: { acceptWarnings: boolean; deleteMissing: boolean }): Promise<ImportView> {
    return this.call(
      ImportView,
      'post',
      `v1/imports/${encodeURIComponent(id)}/commit`,
      { accept_warnings: options.acceptWarnings, delete_missing: options.deleteMissing },
      { timeout: 0 },
    );
  }

  async discard(id: string): Promise<ImportView> {
    return this.call(ImportView, 'delete', `v1/imports/${encodeURIComponent(id)}`);
  }

  async template(source: TableSourceName): Promise<Buffer> {
    const res = await this.http
      .get<ArrayBuffer>(`v1/imports/templates/${source}`, { responseType: 'arraybuffer' })
      .catch((error: unknown) => this.unreachable(error));
    if (res.status !== 200) throw new ImportsError(messageOf(Buffer.from(res.data).toString('utf8'), res.status), res.status);
    return Buffer.from(res.data);
  }

  /** One request; the answer checked against the contract (a service that answers otherwise is named, not trusted). */
  private async call<S extends z.ZodType>(
    schema: S,
    method: 'get' | 'post' | 'delete',
    url: string,
    data?: unknown,
    config: Parameters<AxiosInstance['request']>[0] = {},
  ): Promise<z.output<S>> {
    const res = await this.http
      .request<string>({ ...config, method, url, data, responseType: 'text', transformResponse: (x) => x })
      .catch((error: unknown) => this.unreachable(error));
    if (res.status >= 200 && res.status < 300) {
      let body: unknown;
      try {
        body = JSON.parse(res.data);
      } catch {
        throw new ImportsError(`The central service's answer to ${method.toUpperCase()} /${url} is not JSON.`, res.status);
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success)
        throw new ImportsError(
          `The central service's answer to ${method.toUpperCase()} /${url} is not in the agreed format (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}).`,
          res.status,
        );
      return parsed.data;
    }
    throw new ImportsError(messageOf(res.data, res.status), res.status);
  }

  private unreachable(error: unknown): never {
    const e = error as AxiosError;
    throw new ImportsError(
      `The central service at ${this.http.defaults.baseURL} did not answer (${e.code ?? e.message}). Is it running, and is the address right?`,
    );
  }
}

/** The service's sentence from an error body, or the status in words. */
function messageOf(body: string, status: number): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: fall through
  }
  if (status === 401) return 'The central service does not accept the token: check the token file.';
  if (status === 403) return 'The token may not import: importing needs a token with the write scope (npm run central -- token create NAME --scope write).';
  return `The central service answered ${status}.`;
}
