/**
 * The central API over HTTP (axios): reference data with ETags, the change feed paged by rev, and the SSE stream.
 * Every failure becomes an ApiClientError whose message is a sentence a duty officer can act on; the token is
 * never part of a message or a log line.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { Readable } from 'node:stream';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { createParser } from 'eventsource-parser';
import {
  ChangesPage,
  MetaResponse,
  OrganisationResponse,
  RegionsResponse,
  type ApiError,
} from '../../shared/api/schemas';

export interface ApiConfig {
  baseUrl: string;
  token: string;
  /** PEM file of a custom CA for intranet TLS. */
  caFile?: string;
  /** e.g. http://proxy.local:3128 */
  proxy?: string;
  timeoutMs?: number;
  /** How the source is named in the cache and the UI (default: the base URL). The demo's port changes per run. */
  label?: string;
}

export type ApiFailure = 'unauthorized' | 'forbidden' | 'unreachable' | 'server' | 'bad_response' | 'cursor_too_old';

export class ApiClientError extends Error {
  constructor(
    readonly kind: ApiFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ApiClientError';
  }
}

export interface Conditional<T> {
  notModified: boolean;
  data: T | null;
  etag: string | null;
}

function proxyConfig(proxy: string | undefined) {
  if (!proxy) return false as const;
  const url = new URL(proxy);
  return {
    protocol: url.protocol.replace(':', ''),
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    ...(url.username ? { auth: { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } } : {}),
  };
}

export class ApiClient {
  private readonly http: AxiosInstance;

  constructor(readonly config: ApiConfig) {
    const baseURL = config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`;
    this.http = axios.create({
      baseURL,
      timeout: config.timeoutMs ?? 30_000,
      headers: { Authorization: `Bearer ${config.token}`, Accept: 'application/json' },
      httpsAgent: config.caFile ? new https.Agent({ ca: readFileSync(config.caFile), keepAlive: true }) : undefined,
      proxy: proxyConfig(config.proxy),
      // Statuses are ours to judge (304 is a success for ETags, 4xx bodies carry sentences).
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
    });
  }

  get source(): string {
    return this.config.label ?? this.config.baseUrl;
  }

  async meta(): Promise<MetaResponse> {
    const res = await this.get('v1/meta');
    return this.parse(MetaResponse, res.data, 'v1/meta');
  }

  async regions(etag: string | null): Promise<Conditional<RegionsResponse>> {
    return this.conditional('v1/regions', etag, RegionsResponse);
  }

  async organisation(etag: string | null): Promise<Conditional<OrganisationResponse>> {
    return this.conditional('v1/organisation', etag, OrganisationResponse);
  }

  async changes(afterRev: number, limit: number): Promise<ChangesPage> {
    const res = await this.get('v1/changes', { after_rev: afterRev, limit });
    return this.parse(ChangesPage, res.data, 'v1/changes');
  }

  /**
   * Follows the SSE stream from `lastEventId` until it ends or `signal` aborts. Each change is handed over raw
   * (the store validates and quarantines). Resolves 'ended' when the server closed the stream, 'resync' when it
   * said the cursor is too old.
   */
  async stream(
    lastEventId: number,
    onChange: (raw: unknown, rev: number) => void,
    signal: AbortSignal,
    onOpen: () => void = () => {},
  ): Promise<'ended' | 'resync' | 'aborted'> {
    let response;
    try {
      response = await this.http.get<Readable>('v1/stream', {
        headers: { Accept: 'text/event-stream', 'Last-Event-ID': String(lastEventId), 'Cache-Control': 'no-cache' },
        responseType: 'stream',
        timeout: 0,
        signal,
      });
    } catch (error) {
      if (signal.aborted) return 'aborted';
      throw this.translate(error);
    }
    if (response.status !== 200) {
      const body = await readAll(response.data).catch(() => '');
      throw this.statusError(response.status, safeParseJson(body), 'v1/stream');
    }
    onOpen();
    let outcome: 'ended' | 'resync' = 'ended';
    const parser = createParser({
      onEvent: (event) => {
        if (event.event === 'resync') {
          // The notice's body (oldest_rev, a sentence) is for people; the engine just fills the gap by pages.
          outcome = 'resync';
          response.data.destroy();
          return;
        }
        if (event.event && event.event !== 'change') return;
        const rev = Number(event.id);
        // A frame that is not JSON still reaches the store, which quarantines it with its reason.
        onChange(safeParseJson(event.data) ?? { unparseable: event.data }, Number.isFinite(rev) ? rev : NaN);
      },
    });
    return await new Promise((resolve, reject) => {
      const stream = response.data;
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => parser.feed(chunk));
      stream.on('end', () => resolve(outcome));
      stream.on('close', () => resolve(signal.aborted ? 'aborted' : outcome));
      stream.on('error', (error) => {
        if (signal.aborted) resolve('aborted');
        else if (outcome === 'resync') resolve('resync');
        else reject(new ApiClientError('unreachable', `The live stream from ${this.source} broke off: ${error.message}`));
      });
    });
  }

  private async conditional<T>(path: string, etag: string | null, schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }): Promise<Conditional<T>> {
    const res = await this.get(path, undefined, etag ? { 'If-None-Match': etag } : undefined);
    const newEtag = (res.headers['etag'] as string | undefined) ?? null;
    if (res.status === 304) return { notModified: true, data: null, etag: etag };
    return { notModified: false, data: this.parse(schema, res.data, path), etag: newEtag };
  }

  private async get(path: string, params?: Record<string, unknown>, headers?: Record<string, string>) {
    let res;
    try {
      res = await this.http.get(path, { params, headers });
    } catch (error) {
      throw this.translate(error);
    }
    if (res.status === 200 || res.status === 304) return res;
    throw this.statusError(res.status, res.data, path);
  }

  private parse<T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, data: unknown, path: string): T {
    const parsed = schema.safeParse(data);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new ApiClientError('bad_response', `The central API's answer to ${path} is not in the agreed format (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'}). Tell the platform's operators.`);
  }

  private statusError(status: number, body: unknown, path: string): ApiClientError {
    const detail = (body as Partial<ApiError> | undefined)?.message;
    const said = typeof detail === 'string' ? ` The server said: ${detail}` : '';
    if (status === 401) return new ApiClientError('unauthorized', `The central API at ${this.source} refused the access token (401). Enter the correct token in Settings.${said}`, status);
    if (status === 403) return new ApiClientError('forbidden', `The central API at ${this.source} no longer accepts this token (403). Ask the platform's operators for a new one.${said}`, status);
    if (status === 410) return new ApiClientError('cursor_too_old', `The central API no longer has the changes this cache needs (410); a full re-sync is required.${said}`, status);
    if (status >= 500) return new ApiClientError('server', `The central API at ${this.source} failed (${status}) on ${path}; retrying.${said}`, status);
    return new ApiClientError('bad_response', `The central API at ${this.source} answered ${status} on ${path}.${said}`, status);
  }

  private translate(error: unknown): ApiClientError {
    if (error instanceof ApiClientError) return error;
    if (error instanceof AxiosError) {
      const code = error.code ?? '';
      if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') return new ApiClientError('unreachable', `The central API at ${this.source} did not answer in time.`);
      return new ApiClientError('unreachable', `The central API at ${this.source} cannot be reached (${code || error.message}). The wall keeps showing the cached data.`);
    }
    return new ApiClientError('unreachable', `The central API at ${this.source} cannot be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function safeParseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}
