/**
 * An Open311 service request → an Event record (id "open311:<service_request_id>"). Open311 is the citizen
 * platform, so every record is source 'hotline_12345'. Choices the feed does not make for us, and what we do:
 * - kind and task: by the operator's ServiceMapping of service_code (defaultServiceMapping proposes one);
 * - severity: the mapping's, else 'low' (most 12345 appeals are);
 * - stage: open → reported, or dispatched when agency_responsible names someone (dispatched at updated_datetime, else
 *   requested_datetime); closed → closed at updated_datetime, outcome 'resolved' (Open311 has no outcome; closed
 *   means handled); any other status → open, with a warning;
 * - deadline: expected_datetime, else requested_datetime + DEFAULT_DEADLINE_DAYS of the kind (the demo's deadlines
 *   for low severity: appeal 15, dispute 30, incident 3, hazard 10, service 7 days);
 * - location: lat/long in WGS-84 (the spec), converted to the region tree's datum, then its grid by point-in-polygon;
 * - reporter: null, unless the server sends first_name/last_name/email/phone (then they are the reporter: personal).
 */
import { DAY_MS, toShanghaiSeconds } from '../../../shared/time';
import type { Department, EventKind, OrganisationResponse, Region } from '../../../shared/api/schemas';
import { EventInput, firstIssue } from '../../../shared/api/writes';
import type { MapContext, OutgoingRecord, Problem } from '../types';
import type { Open311Request, Open311Service } from './client';
import type { ServiceMapping, ServiceMappingEntry } from '../../../shared/api/imports';
import { gcj02ToWgs84, wgs84ToGcj02 } from './datum';
import { parseOpen311Time, type Open311Time } from './time';

export type { ServiceMapping, ServiceMappingEntry };

export interface MapOptions {
  /** The datum of the feed's lat/long: 'WGS-84' by the spec (default); some Chinese platforms send GCJ-02. */
  coordinateDatum?: 'WGS-84' | 'GCJ-02';
  /** Days from requested_datetime to the deadline where expected_datetime is absent, by kind. */
  deadlineDays?: Partial<Record<EventKind, number>>;
}

export const ID_PREFIX = 'open311:';
const MAX_ID = 64;
const MAX_TITLE = 200;

export const DEFAULT_DEADLINE_DAYS: Record<EventKind, number> = { appeal: 15, dispute: 30, incident: 3, hazard: 10, service: 7 };

/** The kind's usual task: by name in the organisation's list, else this code (the demo organisation's). */
const DEFAULT_TASKS: Record<EventKind, { code: string; name: string; duty: string }> = {
  appeal: { code: 'CJ08', name: '民生诉求收集', duty: 'collection' },
  dispute: { code: 'CZ01', name: '矛盾纠纷调处', duty: 'handling' },
  hazard: { code: 'PA01', name: '安全隐患排查', duty: 'safety' },
  incident: { code: 'PA02', name: '治安巡防开展', duty: 'safety' },
  service: { code: 'FW09', name: '便民代办服务', duty: 'service' },
};

/** Keywords of service names (and groups), in order: the first that matches decides; none → appeal. */
const KIND_KEYWORDS: [EventKind, RegExp][] = [
  ['dispute', /纠纷|调解|dispute|conflict/i],
  ['hazard', /隐患|安全|hazard|safety|danger/i],
  ['incident', /治安|犯罪|违法犯罪|crime|criminal|police/i],
];

export function kindOfServiceName(name: string): EventKind {
  for (const [kind, pattern] of KIND_KEYWORDS) if (pattern.test(name)) return kind;
  return 'appeal';
}

/** A default mapping from service names (纠纷/dispute → dispute, 隐患/hazard/安全 → hazard, 治安/crime → incident, else appeal). */
export function defaultServiceMapping(services: Open311Service[], organisation: OrganisationResponse | null): ServiceMapping {
  const mapping: ServiceMapping = {};
  for (const service of services) mapping[service.service_code] = defaultEntry(service.service_name, service.group, organisation);
  return mapping;
}

/** What a service of this name (and group) becomes by default. */
export function defaultEntry(name: string, group: string | undefined, organisation: OrganisationResponse | null): ServiceMappingEntry {
  const kind = kindOfServiceName(`${name} ${group ?? ''}`);
  const usual = defaultTaskCode(kind, organisation);
  const alike = tasksNamedLike(name, organisation);
  // Several tasks named alike (安全隐患上报, 安全隐患排查): the kind's usual one among them, else the first.
  return { kind, task_code: alike.length ? (alike.find((code) => code === usual) ?? alike[0]) : usual };
}

/** The tasks whose name contains the service's name or is contained in it (噪音扰民 → 噪音扰民处置). */
function tasksNamedLike(name: string, organisation: OrganisationResponse | null): string[] {
  const n = normalise(name);
  if (!organisation || n.length < 3) return [];
  return organisation.tasks
    .filter((t) => {
      const task = normalise(t.name);
      return task.length >= 3 && (task.includes(n) || n.includes(task));
    })
    .map((t) => t.code);
}

export function defaultTaskCode(kind: EventKind, organisation: OrganisationResponse | null): string {
  const preferred = DEFAULT_TASKS[kind];
  if (!organisation || organisation.tasks.length === 0) return preferred.code;
  const task =
    organisation.tasks.find((t) => t.name === preferred.name) ??
    organisation.tasks.find((t) => t.code === preferred.code) ??
    organisation.tasks.find((t) => t.duty === preferred.duty) ??
    organisation.tasks[0];
  return task.code;
}

/**
 * One request → an Event record (id "open311:<service_request_id>"), or problems that say why not. Errors leave
 * the record out (it cannot be written as it is); warnings come with the record.
 */
export function mapRequest(
  request: Open311Request,
  mapping: ServiceMapping,
  ctx: MapContext,
  options: MapOptions = {},
): { record?: OutgoingRecord; problems: Problem[] } {
  const problems: Problem[] = [];
  const rawId = typeof request.service_request_id === 'string' ? request.service_request_id.trim() : String(request.service_request_id ?? '').trim();
  const address = request.address?.trim() || undefined;
  const who = `Open311 请求 ${rawId || '（无编号）'}${address ? `（${address}）` : '（无地址）'}`;
  const error = (message: string, place: Partial<Problem> = {}) => problems.push({ severity: 'error', ...place, message: `${who}${message}` });
  const warn = (message: string, place: Partial<Problem> = {}) => problems.push({ severity: 'warning', ...place, message: `${who}${message}` });

  if (!rawId) {
    error('没有 service_request_id，无法导入：请平台补上编号。', { column: 'service_request_id', value: address });
    return { problems };
  }
  const id = `${ID_PREFIX}${rawId}`;
  if (id.length > MAX_ID || rawId.includes('\u0000'))
    error(`的编号过长或含有无法保存的字符（记录编号最多 ${MAX_ID - ID_PREFIX.length} 个字符），无法导入。`, {
      column: 'service_request_id',
      value: clip(rawId),
    });

  // What it is.
  const code = request.service_code ?? '';
  let entry = mapping[code];
  if (!entry) {
    entry = defaultEntry(request.service_name ?? '', undefined, ctx.organisation);
    warn(
      `的服务类型「${code || '（空）'}${request.service_name ? ` ${request.service_name}` : ''}」不在服务类型对照表中，暂按名称归为「${entry.kind}」：请在对照表中补上这一类型。`,
      {
        column: 'service_code',
        value: code || undefined,
      },
    );
  }
  const kind = entry.kind;
  const taskCode = entry.task_code ?? defaultTaskCode(kind, ctx.organisation);
  if (ctx.organisation && ctx.organisation.tasks.length > 0 && !ctx.organisation.tasks.some((t) => t.code === taskCode))
    warn(`对应的任务编码「${taskCode}」不在组织机构的任务清单中：请在服务类型对照表中改为清单中的任务。`, { column: 'service_code', value: code || undefined });

  // When.
  const requested = readTime(request, 'requested_datetime', true, error);
  const updated = readTime(request, 'updated_datetime', false, error);
  const expected = readTime(request, 'expected_datetime', false, error);

  // Where.
  const location = locate(request, ctx, options, error);

  // Who handles it.
  const agency = request.agency_responsible?.trim();
  let departmentId: string | null = null;
  if (agency) {
    const department = findDepartment(agency, ctx.organisation?.departments ?? []);
    if (department) departmentId = department.id;
    else
      warn(`的承办单位「${agency}」与组织机构中的部门对不上（按全称或简称），部门记为空：请在组织机构中补上该部门，或请平台使用部门的全称。`, {
        column: 'agency_responsible',
        value: clip(agency),
      });
  }

  if (problems.some((p) => p.severity === 'error') || !requested || !location) return { problems };

  // The closed loop.
  const status = (request.status ?? '').trim().toLowerCase();
  if (status !== 'open' && status !== 'closed')
    warn(`的状态「${request.status ?? '（空）'}」不是 Open311 的 open 或 closed，按未办结（open）导入。`, { column: 'status', value: request.status });
  const closed = status === 'closed';
  const stages: Record<string, string> = { reported: requested.iso };
  let stage: 'reported' | 'dispatched' | 'closed' = 'reported';
  const later = (t: Open311Time | null) => (t && t.ms >= requested.ms ? t.ms : requested.ms);
  if (closed) {
    if (!updated) warn('已办结（closed）但没有 updated_datetime，办结时间按受理时间记：请平台提供更新时间。', { column: 'updated_datetime' });
    else if (updated.ms < requested.ms)
      warn(`的更新时间 ${updated.iso} 早于受理时间 ${requested.iso}，办结时间按受理时间记。`, { column: 'updated_datetime', value: request.updated_datetime });
    stages.closed = toShanghaiSeconds(later(updated));
    stage = 'closed';
  } else if (agency) {
    stages.dispatched = toShanghaiSeconds(later(updated));
    stage = 'dispatched';
  }

  let deadlineMs: number;
  if (expected) deadlineMs = expected.ms;
  else deadlineMs = requested.ms + (options.deadlineDays?.[kind] ?? DEFAULT_DEADLINE_DAYS[kind]) * DAY_MS;

  const record = {
    id,
    kind,
    task_code: taskCode,
    criterion: null,
    severity: entry.severity ?? 'low',
    source: 'hotline_12345',
    grid_id: location.grid.id,
    location: location.lonLat,
    title: titleOf(request, rawId),
    stage,
    stages,
    department_id: departmentId,
    joint: false,
    deadline: toShanghaiSeconds(deadlineMs),
    outcome: closed ? 'resolved' : null,
    satisfaction: null,
    reporter: reporterOf(request),
    repeat_of: null,
  };
  // The write API's own rule: a record it would refuse is an error here, not a failed batch later.
  const checked = EventInput.safeParse(record);
  if (!checked.success) {
    error(`映射后的记录不符合写入接口的要求（${firstIssue(checked.error)}）：请检查该请求的内容。`);
    return { problems };
  }
  return { record: { type: 'event', record }, problems };
}

type Report = (message: string, place?: Partial<Problem>) => void;

function readTime(
  request: Open311Request,
  field: 'requested_datetime' | 'updated_datetime' | 'expected_datetime',
  required: boolean,
  error: Report,
): Open311Time | null {
  const value = request[field]?.trim();
  if (!value) {
    if (required) error(`没有受理时间（${field}），无法导入：请平台补上。`, { column: field });
    return null;
  }
  const time = parseOpen311Time(value);
  if (!time)
    error(`的 ${field}「${clip(value)}」不是有效的日期时间（应如 2024-03-05T10:00:00+08:00），无法导入：请平台更正。`, { column: field, value: clip(value) });
  return time;
}

function locate(request: Open311Request, ctx: MapContext, options: MapOptions, error: Report): { grid: Region; lonLat: [number, number] } | null {
  const lat = coordinate(request.lat);
  const lon = coordinate(request.long);
  if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) {
    error(`没有有效的坐标（lat「${request.lat ?? ''}」，long「${request.long ?? ''}」），无法定位到网格：请平台补上坐标，或排除这条请求。`, {
      column: 'lat/long',
      value: `${request.lat ?? ''},${request.long ?? ''}`,
    });
    return null;
  }
  const feedDatum = options.coordinateDatum ?? 'WGS-84';
  const treeDatum = ctx.regions.tree?.datum ?? feedDatum;
  let lonLat: [number, number] = [lon, lat];
  if (feedDatum === 'WGS-84' && treeDatum === 'GCJ-02') lonLat = wgs84ToGcj02(lonLat);
  else if (feedDatum === 'GCJ-02' && treeDatum === 'WGS-84') lonLat = gcj02ToWgs84(lonLat);
  lonLat = [round6(lonLat[0]), round6(lonLat[1])];
  const grid = ctx.regions.gridAt(lonLat[0], lonLat[1]);
  if (!grid) {
    error(`的位置（经度 ${lon}，纬度 ${lat}）不在任何网格内，无法定位：请核对坐标，或先导入覆盖该处的网格边界。`, {
      column: 'lat/long',
      value: `${lat},${lon}`,
      lonLat,
    });
    return null;
  }
  return { grid, lonLat };
}

function coordinate(value: number | string | undefined): number | null {
  if (value === undefined) return null;
  const n = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** By full name or short name (spaces and full-width forms aside), else the one department whose name holds the text or is held in it. */
export function findDepartment(agency: string, departments: readonly Department[]): Department | undefined {
  const a = normalise(agency);
  if (!a) return undefined;
  const exact = departments.find((d) => normalise(d.name) === a || normalise(d.short_name) === a);
  if (exact) return exact;
  const near = departments.filter((d) => {
    const name = normalise(d.name);
    const short = normalise(d.short_name);
    return (short.length >= 2 && a.includes(short)) || (a.length >= 2 && name.includes(a));
  });
  return near.length === 1 ? near[0] : undefined;
}

function titleOf(request: Open311Request, id: string): string {
  const name = request.service_name?.trim() ?? '';
  const description = request.description?.replace(/\s+/g, ' ').trim() ?? '';
  const title = name && description ? `${name}：${description}` : name || description || `Open311 请求 ${id}`;
  return cut(title.replace(/\u0000/g, ''), MAX_TITLE);
}

function reporterOf(request: Open311Request): { name: string; phone: string } | null {
  const name = [request.last_name, request.first_name].filter(Boolean).join('') || request.email || '';
  const phone = request.phone ?? '';
  if (!name && !phone) return null;
  return { name: name.replace(/\u0000/g, ''), phone: phone.replace(/\u0000/g, '') };
}

/** Full-width → half-width, no spaces, lower case: how people and platforms differ in writing the same name. */
function normalise(s: string): string {
  return s
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000]+/g, '')
    .toLowerCase();
}

/** At most n UTF-16 units (the schema counts those), never splitting a surrogate pair. */
function cut(s: string, n: number): string {
  if (s.length <= n) return s;
  let end = n - 1;
  if (/[\ud800-\udbff]/.test(s[end - 1] ?? '')) end--;
  return `${s.slice(0, end)}…`;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
