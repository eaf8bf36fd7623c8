/**
 * Reads a district platform's Open311 GeoReport v2 feed (wiki.open311.org/GeoReport_v2): services.json and
 * requests.json, in JSON. Requests come in time windows of at most 90 days (the spec's limit for start_date/end_date),
 * page by page where the server offers the common page/page_size extension. Everything that goes wrong with the
 * server is an Open311Error whose message is a Chinese sentence naming the URL (the api_key masked); what is wrong
 * with single entries is a Problem on the batch, and the rest continue.
 */
import { DAY_MS, toShanghaiSeconds } from '../../../shared/time';
import type { Problem } from '../types';
import { parseOpen311Time } from './time';

export interface Open311Options {
  /** Endpoint base, e.g. https://311.example.gov.cn/open311/v2 (services.json and requests.json under it). */
  url: string;
  /** Sent as the api_key query parameter (on every call: servers that do not need it ignore it). */
  apiKey?: string;
  jurisdictionId?: string;
  /** RFC 3339: pull requests after this (the last run's maxUpdated); default 90 days before `until`. */
  since?: string;
  /** RFC 3339; default now. */
  until?: string;
  /** Ask page by page (page/page_size extension): a full page means there is a next one. Unset: one call per window. */
  pageSize?: number;
  /** Per request, default 30 s. */
  timeoutMs?: number;
  /** For the whole pull (services or all windows and pages), default 30 minutes. */
  deadlineMs?: number;
  /** Most pages per window before giving up on a server that pages forever (default 10,000). */
  maxPages?: number;
  /** Days per window, 1–90 (default 90): smaller windows for a server that caps its answers without paging. */
  windowDays?: number;
  /**
   * Which date the windows filter on. 'requested' (default): the spec's start_date/end_date, which match
   * requested_datetime — an incremental run then sees requests *made* since the last run, not older ones updated
   * since. 'updated': the updated_after/updated_before extension (Chicago and others), which sees both.
   */
  dateFilter?: 'requested' | 'updated';
  /** Cancels the pull (the 导入 page's cancel button). */
  signal?: AbortSignal;
  /** Injectable for tests only if needed; default the global fetch. */
  fetch?: typeof fetch;
}

export interface Open311Service {
  service_code: string;
  service_name: string;
  description?: string;
  group?: string;
  type?: string;
}

/** A service request as the server sent it, its text fields trimmed (empty → absent), nothing else interpreted. */
export interface Open311Request {
  service_request_id: string;
  status?: string;
  status_notes?: string;
  service_name?: string;
  service_code?: string;
  description?: string;
  agency_responsible?: string;
  service_notice?: string;
  requested_datetime?: string;
  updated_datetime?: string;
  expected_datetime?: string;
  address?: string;
  address_id?: string;
  zipcode?: string;
  lat?: number | string;
  long?: number | string;
  media_url?: string;
  /** Personal data some servers send (not in the spec's public feed): kept only as the record's reporter. */
  email?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
}

export interface PullBatch {
  /** Requests new to this pull (an id seen in an earlier window or page is not repeated). */
  requests: Open311Request[];
  /** Entries that could not be read (no id, not an object), and notices about the window. */
  problems: Problem[];
  window: { start: string; end: string };
  /** 1-based page within the window. */
  page: number;
  /**
   * The highest updated_datetime (or requested_datetime where none) seen so far in this pull, never after `until`
   * nor before `since` when one was given; null while none. Store the last batch's value as the next run's `since` once the whole pull has been committed
   * (a pull that stopped half way has not seen every window up to it).
   */
  maxUpdated: string | null;
}

export type Open311ErrorReason = 'options' | 'timeout' | 'deadline' | 'cancelled' | 'network' | 'http' | 'xml' | 'html' | 'json' | 'shape' | 'paging';

/** The server (or the options) made the pull impossible; the message is a sentence for the operator. */
export class Open311Error extends Error {
  override readonly name = 'Open311Error';
  constructor(
    readonly reason: Open311ErrorReason,
    message: string,
    /** The URL asked, api_key masked. */
    readonly url?: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The spec: a span of at most 90 days per start_date/end_date query. */
export const MAX_WINDOW_DAYS = 90;
/** The spec's default cap on one answer: a window answering this many without paging is probably cut short. */
export const SPEC_DEFAULT_LIMIT = 1000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_DEADLINE_MS = 30 * 60_000;
const DEFAULT_MAX_PAGES = 10_000;

interface Run {
  fetch: typeof fetch;
  timeoutMs: number;
  deadlineMs: number;
  deadline: AbortSignal;
  signal?: AbortSignal;
}

function startRun(options: Open311Options): Run {
  const deadlineMs = positive(options.deadlineMs, DEFAULT_DEADLINE_MS);
  return {
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: positive(options.timeoutMs, DEFAULT_TIMEOUT_MS),
    deadlineMs,
    deadline: AbortSignal.timeout(deadlineMs),
    signal: options.signal,
  };
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The list of service types the platform offers. */
export async function fetchServices(options: Open311Options): Promise<Open311Service[]> {
  const run = startRun(options);
  const url = endpoint(options, 'services.json');
  const data = await getJson(url, run);
  if (!Array.isArray(data))
    throw new Open311Error('shape', `${maskUrl(url)} 返回的不是服务类型列表（应为 JSON 数组）：请检查接口地址是否为 GeoReport v2 的基地址。`, maskUrl(url));
  const services: Open311Service[] = [];
  for (const entry of data) {
    if (!isRecord(entry)) continue;
    const code = text(entry.service_code);
    // A service without a code cannot be mapped nor matched by any request: nothing to keep.
    if (!code) continue;
    const service: Open311Service = { service_code: code, service_name: text(entry.service_name) ?? code };
    for (const key of ['description', 'group', 'type'] as const) {
      const value = text(entry[key]);
      if (value) service[key] = value;
    }
    services.push(service);
  }
  return services;
}

/**
 * Requests in windows of at most 90 days (the spec's limit) from since to until, paging within a window where the
 * server pages; yields batches. Tracks the highest updated_datetime seen (maxUpdated, for the next incremental run).
 */
export async function* pullRequests(options: Open311Options): AsyncGenerator<PullBatch> {
  const run = startRun(options);
  const { sinceMs, untilMs } = pullRange(options);
  const windowDays = Math.min(MAX_WINDOW_DAYS, Math.max(1, Math.floor(options.windowDays ?? MAX_WINDOW_DAYS)));
  const pageSize = options.pageSize !== undefined && options.pageSize >= 1 ? Math.floor(options.pageSize) : undefined;
  const maxPages = Math.floor(positive(options.maxPages, DEFAULT_MAX_PAGES));
  const seen = new Set<string>();
  // The cursor never goes back: a run that sees nothing new hands on the since it was given.
  let maxUpdatedMs = options.since === undefined ? Number.NEGATIVE_INFINITY : sinceMs;

  for (const window of pullWindows(sinceMs, untilMs, windowDays)) {
    const seenInWindow = new Set<string>();
    for (let page = 1; ; page++) {
      const url = endpoint(options, 'requests.json');
      const [after, before] = options.dateFilter === 'updated' ? ['updated_after', 'updated_before'] : ['start_date', 'end_date'];
      url.searchParams.set(after, window.start);
      url.searchParams.set(before, window.end);
      if (pageSize) {
        url.searchParams.set('page', String(page));
        url.searchParams.set('page_size', String(pageSize));
      }
      const shown = maskUrl(url);
      const list = requestList(await getJson(url, run), shown);
      const { requests, problems } = readRequests(list, shown);

      const ids = requests.map((r) => r.service_request_id);
      if (page > 1 && ids.length > 0 && ids.every((id) => seenInWindow.has(id)))
        throw new Open311Error(
          'paging',
          `${shown} 第 ${page} 页返回的请求与前面各页完全相同：服务器似乎不支持 page/page_size 分页，会一直返回同一页，已停止拉取。请不设每页条数（pageSize）重试（每个时间窗口只取一次），或缩短时间窗口（windowDays）。`,
          shown,
        );
      for (const id of ids) seenInWindow.add(id);

      const fresh: Open311Request[] = [];
      for (const r of requests) {
        if (seen.has(r.service_request_id)) continue;
        seen.add(r.service_request_id);
        fresh.push(r);
        const updated = parseOpen311Time(r.updated_datetime ?? r.requested_datetime ?? '');
        if (updated) maxUpdatedMs = Math.max(maxUpdatedMs, Math.min(updated.ms, untilMs));
      }
      // A full page asks for the next one; more than asked means the server ignored page_size (it does not page).
      const full = pageSize !== undefined && list.length === pageSize;
      if (!pageSize && list.length >= SPEC_DEFAULT_LIMIT)
        problems.push({
          severity: 'warning',
          message: `${shown} 在 ${window.start} 至 ${window.end} 这个时间窗口返回了 ${list.length} 条，达到 Open311 默认的单次上限，可能没有取全：请缩短时间窗口（windowDays），或在平台支持 page/page_size 时设置每页条数（pageSize）。`,
        });
      yield { requests: fresh, problems, window, page, maxUpdated: Number.isFinite(maxUpdatedMs) ? toShanghaiSeconds(maxUpdatedMs) : null };
      if (!full) break;
      if (page >= maxPages)
        throw new Open311Error(
          'paging',
          `${shown} 已连续返回 ${maxPages} 个满页（每页 ${pageSize} 条）仍没有结束：服务器的分页似乎永远不停，已停止拉取。请联系平台检查分页，或缩短时间窗口（windowDays）、调大页数上限（maxPages）。`,
          shown,
        );
    }
  }
}

/** The windows of at most `days` days covering since..until, oldest first, as the server is sent them (+08:00). */
export function pullWindows(sinceMs: number, untilMs: number, days = MAX_WINDOW_DAYS): { start: string; end: string }[] {
  const windows: { start: string; end: string }[] = [];
  const span = Math.min(MAX_WINDOW_DAYS, days) * DAY_MS;
  for (let start = sinceMs; start < untilMs; start += span)
    windows.push({ start: toShanghaiSeconds(start), end: toShanghaiSeconds(Math.min(start + span, untilMs)) });
  return windows;
}

function pullRange(options: Open311Options): { sinceMs: number; untilMs: number } {
  const untilMs = options.until === undefined ? Date.now() : optionTime('until', options.until);
  const sinceMs = options.since === undefined ? untilMs - MAX_WINDOW_DAYS * DAY_MS : optionTime('since', options.since);
  return { sinceMs, untilMs };
}

function optionTime(name: string, value: string): number {
  const time = parseOpen311Time(value);
  if (!time) throw new Open311Error('options', `${name}「${value}」不是有效的时间：请写成 RFC 3339 格式，如 2024-03-05T10:00:00+08:00。`);
  return time.ms;
}

// ---- one call ------------------------------------------------------------------------------------------------

function endpoint(options: Open311Options, resource: 'services.json' | 'requests.json'): URL {
  let base: URL;
  try {
    base = new URL(options.url.trim());
  } catch {
    throw new Open311Error('options', `接口地址「${options.url}」不是有效的网址：请写完整的基地址，如 https://311.example.gov.cn/open311/v2。`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new Open311Error('options', `接口地址「${options.url}」不是 http(s) 网址：请写完整的基地址，如 https://311.example.gov.cn/open311/v2。`);
  // A base given with a resource on it (…/requests.json, …/services.xml) still means the base.
  const path = base.pathname.replace(/\/(services|requests|discovery)\.(json|xml)$/i, '').replace(/\/+$/, '');
  const url = new URL(`${base.origin}${path}/${resource}`);
  base.searchParams.forEach((value, key) => url.searchParams.set(key, value));
  if (options.jurisdictionId) url.searchParams.set('jurisdiction_id', options.jurisdictionId);
  if (options.apiKey) url.searchParams.set('api_key', options.apiKey);
  return url;
}

/** The URL as shown to people and logs: the api_key never. */
function maskUrl(url: URL): string {
  if (!url.searchParams.has('api_key')) return url.toString();
  const shown = new URL(url);
  shown.searchParams.set('api_key', '***');
  return shown.toString();
}

async function getJson(url: URL, run: Run): Promise<unknown> {
  const shown = maskUrl(url);
  const timeout = AbortSignal.timeout(run.timeoutMs);
  const signal = AbortSignal.any([timeout, run.deadline, ...(run.signal ? [run.signal] : [])]);
  let response: Response;
  let body: string;
  try {
    response = await run.fetch(url, { signal, headers: { accept: 'application/json' } });
    body = await response.text();
  } catch (error) {
    if (run.signal?.aborted) throw new Open311Error('cancelled', `已取消拉取（停在 ${shown}）。`, shown);
    if (timeout.aborted)
      throw new Open311Error(
        'timeout',
        `请求 ${shown} 超过 ${duration(run.timeoutMs)}没有返回：服务器太慢或连不上，请稍后重试，或调大单次超时（timeoutMs）。`,
        shown,
      );
    if (run.deadline.aborted)
      throw new Open311Error(
        'deadline',
        `整次拉取超过 ${duration(run.deadlineMs)}仍没有完成（停在 ${shown}）：请缩短时间范围（since/until），或调大总时限（deadlineMs）后重试。`,
        shown,
      );
    throw new Open311Error('network', `无法连接 ${shown}（${describe(error)}）：请检查接口地址和网络后重试。`, shown);
  }
  const content = body.replace(/^\uFEFF/, '');
  if (!response.ok) throw httpError(response.status, shown, content);
  const type = response.headers.get('content-type') ?? '';
  const start = content.trimStart();
  if (/html/i.test(type) || /^<(!doctype\s+html|html)/i.test(start))
    throw new Open311Error(
      'html',
      `${shown} 返回的是网页（HTML），不是 Open311 的 JSON：请检查接口地址是否为 GeoReport v2 的基地址（其下有 services.json、requests.json）。`,
      shown,
    );
  if (/xml/i.test(type) || start.startsWith('<'))
    throw new Open311Error('xml', `该接口返回的是 XML（${shown}），本导入只读 JSON：请使用 .json 端点（如 …/requests.json），或请平台开启 JSON 格式。`, shown);
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (error) {
    throw new Open311Error(
      'json',
      `${shown} 返回的内容不是有效的 JSON（${describe(error)}；开头为「${clip(start, 40)}」）：请确认接口正常，或联系平台检查。`,
      shown,
    );
  }
  const apiError = open311Errors(data);
  if (apiError) throw new Open311Error('http', `${shown} 返回了 Open311 错误：${apiError}。请按说明检查参数（api_key、jurisdiction_id、时间范围）。`, shown);
  return data;
}

function httpError(status: number, shown: string, body: string): Open311Error {
  let said = '';
  try {
    said = open311Errors(JSON.parse(body)) ?? '';
  } catch {
    said = /^\s*</.test(body) ? '' : clip(body.trim(), 100);
  }
  const note = said ? `（服务器说明：${said}）` : '';
  let message: string;
  if (status === 401 || status === 403) message = `${shown} 拒绝访问（HTTP ${status}）${note}：请检查 api_key 和 jurisdiction_id 是否正确、是否有读取权限。`;
  else if (status === 404)
    message = `${shown} 不存在（HTTP 404）${note}：请检查接口基地址，应形如 https://311.example.gov.cn/open311/v2（其下有 services.json 和 requests.json）。`;
  else if (status === 429) message = `${shown} 请求过于频繁（HTTP 429）${note}：请稍后重试，或调大每页条数以减少请求次数。`;
  else if (status >= 500) message = `${shown} 服务器出错（HTTP ${status}）${note}：这是平台一侧的问题，请稍后重试；持续出现请联系平台运维。`;
  else message = `${shown} 拒绝了请求（HTTP ${status}）${note}：请检查时间范围（since/until）、jurisdiction_id 等参数。`;
  return new Open311Error('http', message, shown, status);
}

/** The spec's error answer: [{ code, description }, …] → "403 Invalid api_key; …", else null. */
function open311Errors(data: unknown): string | null {
  if (!Array.isArray(data) || data.length === 0) return null;
  const isError = (e: unknown) =>
    isRecord(e) && 'description' in e && 'code' in e && !('service_request_id' in e) && !('service_code' in e) && !('requested_datetime' in e);
  if (!data.every(isError)) return null;
  return data.map((e: Record<string, unknown>) => `${text(e.code) ?? ''} ${text(e.description) ?? ''}`.trim()).join('；');
}

// ---- entries -------------------------------------------------------------------------------------------------

function requestList(data: unknown, shown: string): unknown[] {
  if (Array.isArray(data)) return data;
  // Some platforms wrap the list; the spec's JSON is the bare array.
  if (isRecord(data)) for (const key of ['service_requests', 'requests']) if (Array.isArray(data[key])) return data[key] as unknown[];
  throw new Open311Error('shape', `${shown} 返回的不是请求列表（应为 JSON 数组）：请检查接口地址是否为 GeoReport v2 的 requests.json。`, shown);
}

const TEXT_FIELDS = [
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'media_url',
  'email',
  'first_name',
  'last_name',
  'phone',
] as const;

function readRequests(list: unknown[], shown: string): { requests: Open311Request[]; problems: Problem[] } {
  const requests: Open311Request[] = [];
  const problems: Problem[] = [];
  list.forEach((entry, index) => {
    const where = `${shown} 返回的第 ${index + 1} 条`;
    if (!isRecord(entry)) {
      problems.push({ severity: 'warning', value: clip(JSON.stringify(entry) ?? String(entry), 60), message: `${where}不是一个请求对象，已跳过。` });
      return;
    }
    const id = text(entry.service_request_id);
    if (!id) {
      const address = text(entry.address);
      problems.push({
        severity: 'warning',
        column: 'service_request_id',
        value: address,
        message: `${where}请求没有 service_request_id（${address ? `地址「${address}」` : '没有地址'}${text(entry.token) ? `，token ${text(entry.token)}` : ''}），无法导入，已跳过：平台通常在受理后补上编号，下次拉取时会带上。`,
      });
      return;
    }
    const request: Open311Request = { service_request_id: id };
    for (const key of TEXT_FIELDS) {
      const value = text(entry[key]);
      if (value !== undefined) request[key] = value;
    }
    for (const key of ['lat', 'long'] as const) {
      const value = entry[key];
      if (typeof value === 'number' || (typeof value === 'string' && value.trim())) request[key] = typeof value === 'string' ? value.trim() : value;
    }
    requests.push(request);
  });
  return { requests, problems };
}

/** A text field as text: strings trimmed, numbers written out; empty, null, objects → undefined. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function duration(ms: number): string {
  return ms < 60_000 ? `${+(ms / 1000).toFixed(1)} 秒` : `${+(ms / 60_000).toFixed(1)} 分钟`;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}
