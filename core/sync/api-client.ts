/**
 * The central API over HTTP (axios): reference data with ETags, the change feed paged by rev, and the SSE stream.
 * Every failure becomes an ApiClientError whose message is a sentence a duty officer can act on; the token is
 * never part of a message or a log line. Each error also says whether it is worth trying again (`transient`) and
 * how long the server asked to wait (`retryAfterMs`): the one classification both the CLI and the app use.
 *
 * Every request has a deadline for the whole answer (headers and body), so a body that trickles a byte every few
 * seconds (which keeps an idle timeout from ever firing) is cut off; the stream instead has a watchdog: no byte at
 * all (event or heartbeat comment) for twice the contract's heartbeat and it is given up as dead.
 */
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { createParser } from 'eventsource-parser';
import { ChangesPage, MetaResponse, OrganisationResponse, RegionsResponse, type ApiError } from '../../shared/api/schemas';

export interface ApiConfig {
  baseUrl: string;
  token: string;
  /** PEM file of a custom CA for intranet TLS. */
  caFile?: string;
  /** e.g. http://proxy.local:3128 */
  proxy?: string;
  /** Idle timeout of a request: no byte for this long (default 30 s). */
  timeoutMs?: number;
  /** Deadline for a whole answer, headers and body (default 60 s): a body that trickles is cut off here. */
  deadlineMs?: number;
  /** The stream's watchdog: no event and no heartbeat comment for this long means the stream is dead (default
   * 30 s, twice the 15 s heartbeat the contract promises). Also bounds the wait for the stream's headers. */
  streamSilenceMs?: number;
  /** How the source is named in the cache and the UI (default: the base URL). The demo's port changes per run. */
  label?: string;
}

/** 'timeout': no (complete) answer in time; the UI's problem code for it is 'unreachable'. */
export type ApiFailure = 'unauthorized' | 'forbidden' | 'unreachable' | 'timeout' | 'server' | 'bad_response' | 'cursor_too_old';

/** Statuses worth asking again (DESIGN.md §4): the rest (400, 401, 403, 404, …) will answer the same. */
const TRANSIENT_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);
/** Network failures that may go away by themselves. Not DNS "no such host" or TLS certificate failures. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ERR_BAD_RESPONSE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
/** The longest Retry-After honoured: a server asking for an hour is not waited for an hour. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

export interface ApiErrorDetails {
  /** Worth trying again (default: by kind and status, see transientFault). */
  transient?: boolean;
  /** How long the server asked to wait (Retry-After), in ms. */
  retryAfterMs?: number | null;
  /** The fault as a clause without the advice around it, e.g. "the central API at X answered 503 on v1/changes". */
  fault?: string;
}

/** The one classification of failures: may trying again later get a different answer? */
export function transientFault(kind: ApiFailure, status?: number): boolean {
  if (status !== undefined) return TRANSIENT_STATUSES.has(status);
  return kind === 'unreachable' || kind === 'timeout';
}

export class ApiClientError extends Error {
  readonly transient: boolean;
  readonly retryAfterMs: number | null;
  readonly fault: string;

  constructor(
    readonly kind: ApiFailure,
    message: string,
    readonly status?: number,
    details: ApiErrorDetails = {},
  ) {
    super(message);
    this.name = 'ApiClientError';
    this.transient = details.transient ?? transientFault(kind, status);
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.fault = details.fault ?? message.replace(/^The /, 'the ').replace(/\.$/, '');
  }
}

/** Retry-After: delta-seconds or an HTTP date; null when absent or unreadable; capped at MAX_RETRY_AFTER_MS. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | null {
  if (typeof value !== 'string' || !value.trim()) return null;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (!Number.isFinite(at)) return null;
    ms = at - now;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
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
    return this.parse(MetaResponse, res.body, 'v1/meta');
  }

  async regions(etag: string | null): Promise<Conditional<RegionsResponse>> {
    return this.conditional('v1/regions', etag, RegionsResponse);
  }

  async organisation(etag: string | null): Promise<Conditional<OrganisationResponse>> {
    return this.conditional('v1/organisation', etag, OrganisationResponse);
  }

  async changes(afterRev: number, limit: number): Promise<ChangesPage> {
    const res = await this.get('v1/changes', { after_rev: afterRev, limit });
    return this.parse(ChangesPage, res.body, 'v1/changes');
  }

  /**
   * Follows the SSE stream from `lastEventId` until it ends or `signal` aborts. Each change is handed over raw
   * (the store validates and quarantines). Resolves 'ended' when the server closed the stream, 'resync' when it
   * said the cursor is too old. Rejects with a 'timeout' ApiClientError when the stream went silent (no byte for
   * streamSilenceMs, headers included): a half-open connection or a buffering proxy.
   */
  async stream(
    lastEventId: number,
    onChange: (raw: unknown, rev: number) => void,
    signal: AbortSignal,
    onOpen: () => void = () => {},
  ): Promise<'ended' | 'resync' | 'aborted'> {
    const silenceMs = this.config.streamSilenceMs ?? 30_000;
    const own = new AbortController();
    const onAbort = () => own.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) own.abort();
    let silent = false;
    let body: Readable | null = null;
    let watchdog: NodeJS.Timeout | null = null;
    const feedWatchdog = () => {
      if (watchdog) clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        silent = true;
        own.abort();
        body?.destroy();
      }, silenceMs);
    };
    const silence = () =>
      new ApiClientError(
        'timeout',
        `The live stream from ${this.source} went silent: no event or heartbeat for ${seconds(silenceMs)} (it did not answer in time).`,
        undefined,
        {
          fault: `the live stream from ${this.source} went silent for ${seconds(silenceMs)}`,
        },
      );
    feedWatchdog();
    try {
      let response;
      try {
        response = await this.http.get<Readable>('v1/stream', {
          headers: { Accept: 'text/event-stream', 'Last-Event-ID': String(lastEventId), 'Cache-Control': 'no-cache' },
          responseType: 'stream',
          timeout: 0,
          signal: own.signal,
        });
      } catch (error) {
        if (signal.aborted) return 'aborted';
        if (silent) throw silence();
        throw this.translate(error, 'v1/stream');
      }
      body = response.data;
      feedWatchdog();
      if (response.status !== 200) {
        const text = await readAll(response.data).catch(() => '');
        throw this.statusError(response.status, safeParseJson(text), 'v1/stream', response.headers['retry-after']);
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
        stream.on('data', (chunk: string) => {
          // Any byte, a heartbeat comment included, proves the connection alive.
          feedWatchdog();
          parser.feed(chunk);
        });
        const ended = () => {
          if (silent && !signal.aborted) reject(silence());
          else resolve(signal.aborted ? 'aborted' : outcome);
        };
        stream.on('end', ended);
        stream.on('close', ended);
        stream.on('error', (error) => {
          if (signal.aborted) resolve('aborted');
          else if (silent) reject(silence());
          else if (outcome === 'resync') resolve('resync');
          else
            reject(
              new ApiClientError('unreachable', `The live stream from ${this.source} broke off: ${error.message}`, undefined, {
                fault: `the live stream from ${this.source} broke off (${error.message})`,
              }),
            );
        });
      });
    } finally {
      if (watchdog) clearTimeout(watchdog);
      signal.removeEventListener('abort', onAbort);
      own.abort(); // ends the response stream if anything above left it open
    }
  }

  private async conditional<T>(
    path: string,
    etag: string | null,
    schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } },
  ): Promise<Conditional<T>> {
    const res = await this.get(path, undefined, etag ? { 'If-None-Match': etag } : undefined);
    const newEtag = (res.headers['etag'] as string | undefined) ?? null;
    if (res.status === 304) return { notModified: true, data: null, etag: etag };
    return { notModified: false, data: this.parse(schema, res.body, path), etag: newEtag };
  }

  /**
   * One GET with a deadline over the whole answer. The body is read as text and parsed here: JSON that does not
   * parse (broken, or cut short by a gateway) is a transient fault, unlike a well-formed answer in the wrong shape.
   */
  private async get(path: string, params?: Record<string, unknown>, headers?: Record<string, string>) {
    const deadlineMs = this.config.deadlineMs ?? 60_000;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), deadlineMs);
    let res;
    try {
      res = await this.http.get<string>(path, { params, headers, signal: deadline.signal, responseType: 'text' });
    } catch (error) {
      if (deadline.signal.aborted)
        throw new ApiClientError(
          'timeout',
          `The central API at ${this.source} did not answer in time: no complete answer to ${path} within ${seconds(deadlineMs)}.`,
          undefined,
          {
            fault: `the central API at ${this.source} did not answer in time (no complete answer to ${path} within ${seconds(deadlineMs)})`,
          },
        );
      throw this.translate(error, path);
    } finally {
      clearTimeout(timer);
    }
    if (res.status === 304) return { status: res.status, headers: res.headers, body: undefined as unknown };
    if (res.status !== 200) throw this.statusError(res.status, safeParseJson(res.data), path, res.headers['retry-after']);
    try {
      return { status: res.status, headers: res.headers, body: JSON.parse(res.data) as unknown };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new ApiClientError('bad_response', `The central API's answer to ${path} is not valid JSON (broken or cut short: ${why}).`, res.status, {
        transient: true,
        fault: `the central API's answer to ${path} was not valid JSON (broken or cut short)`,
      });
    }
  }

  private parse<T>(
    schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } },
    data: unknown,
    path: string,
  ): T {
    const parsed = schema.safeParse(data);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new ApiClientError(
      'bad_response',
      `The central API's answer to ${path} is not in the agreed format (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'}). Tell the platform's operators.`,
    );
  }

  private statusError(status: number, body: unknown, path: string, retryAfter?: unknown): ApiClientError {
    const detail = (body as Partial<ApiError> | undefined)?.message;
    const said = typeof detail === 'string' ? ` The server said: ${detail}` : '';
    const details = { retryAfterMs: parseRetryAfter(retryAfter) };
    if (status === 401)
      return new ApiClientError(
        'unauthorized',
        `The central API at ${this.source} refused the access token (401). Enter the correct token in Settings.${said}`,
        status,
        details,
      );
    if (status === 403)
      return new ApiClientError(
        'forbidden',
        `The central API at ${this.source} no longer accepts this token (403). Ask the platform's operators for a new one.${said}`,
        status,
        details,
      );
    if (status === 410)
      return new ApiClientError(
        'cursor_too_old',
        `The central API no longer has the changes this cache needs (410); a full re-sync is required.${said}`,
        status,
        details,
      );
    const reason = STATUS_CODES[status] ? ` (${STATUS_CODES[status]})` : '';
    const fault = `the central API at ${this.source} answered ${status}${reason} on ${path}`;
    const kind: ApiFailure = status >= 500 || status === 429 || status === 425 ? 'server' : status === 408 ? 'timeout' : 'bad_response';
    return new ApiClientError(kind, `The central API at ${this.source} answered ${status}${reason} on ${path}.${said}`, status, { ...details, fault });
  }

  private translate(error: unknown, path: string): ApiClientError {
    if (error instanceof ApiClientError) return error;
    if (error instanceof AxiosError) {
      const code = error.code ?? '';
      if (code === 'ETIMEDOUT' || code === 'ECONNABORTED')
        return new ApiClientError(
          'timeout',
          `The central API at ${this.source} did not answer in time (nothing on ${path} for ${seconds(this.config.timeoutMs ?? 30_000)}).`,
          undefined,
          {
            fault: `the central API at ${this.source} did not answer in time (nothing on ${path} for ${seconds(this.config.timeoutMs ?? 30_000)})`,
          },
        );
      const transient = TRANSIENT_CODES.has(code) || /socket hang up|aborted/i.test(error.message);
      if (error.response)
        // The headers came, then the connection broke: the body was cut short.
        return new ApiClientError(
          'unreachable',
          `The central API at ${this.source} broke off its answer to ${path} (the body was cut short: ${error.message}).`,
          undefined,
          {
            transient: true,
            fault: `the central API at ${this.source} broke off its answer to ${path} (the body was cut short)`,
          },
        );
      return new ApiClientError(
        'unreachable',
        `The central API at ${this.source} cannot be reached (${code || error.message} on ${path}). The wall keeps showing the cached data.`,
        undefined,
        {
          transient,
          fault: `the central API at ${this.source} cannot be reached (${code || error.message} on ${path})`,
        },
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    return new ApiClientError('unreachable', `The central API at ${this.source} cannot be reached: ${message}`, undefined, {
      transient: false,
      fault: `the central API at ${this.source} cannot be reached (${message})`,
    });
  }
}

/** "3 s", "1 min 30 s". */
export function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
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
