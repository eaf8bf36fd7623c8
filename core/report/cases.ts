/**
 * The cases behind a figure (drill-down): the events a briefing figure counts, filtered as CaseFilter says, with
 * reporters masked and titles scrubbed. The counts here agree with the rollups the figures come from.
 */
import type { Db } from '../cache/database';
import type { SceneQueries } from '../query/scene';
import { resolvePeriod, type CaseFilter, type CasePage, type CaseRow, type PeriodRequest } from '../../shared/bridge/briefing';
import type { Event, EventKind, SafeCriterion, Stage } from '../../shared/api/schemas';
import { toShanghaiIso } from '../../shared/time/shanghai';
import { maskedReporter, scrubText } from './mask';
import type { Names } from './names';

/** Closed cases are looked for this far back when asking whether they were still open (overdue) at an instant. */
export const OVERDUE_HORIZON_DAYS = 180;

interface Row {
  id: string;
  kind: EventKind;
  severity: Event['severity'];
  source: Event['source'];
  stage: Stage;
  title: string;
  grid_id: string;
  lon: number;
  lat: number;
  reported_at: number;
  closed_at: number | null;
  deadline: number;
  department_id: string | null;
  criterion: SafeCriterion | null;
  satisfaction: Event['satisfaction'];
  outcome: Event['outcome'];
  reporter_name: string | null;
  reporter_phone: string | null;
  repeat_of: string | null;
}

const COLUMNS =
  'id, kind, severity, source, stage, title, grid_id, lon, lat, reported_at, closed_at, deadline, department_id, criterion, satisfaction, outcome, reporter_name, reporter_phone, repeat_of';

const STATUS_SQL: Record<Exclude<NonNullable<CaseFilter['status']>, 'overdue' | 'all'>, string> = {
  closed: "stage = 'closed'",
  open: "stage <> 'closed'",
  on_time: "stage = 'closed' AND closed_at IS NOT NULL AND closed_at <= deadline",
  late: "stage = 'closed' AND (closed_at IS NULL OR closed_at > deadline)",
  rated: 'satisfaction IS NOT NULL',
  dissatisfied: "satisfaction = 'dissatisfied'",
  resolved: "stage = 'closed' AND outcome = 'resolved'",
  unresolved: "NOT (stage = 'closed' AND outcome IS 'resolved')",
  breaking: 'criterion IS NOT NULL',
  repeat: 'repeat_of IS NOT NULL',
  joint: 'joint = 1',
};

export interface CaseQuery {
  period: PeriodRequest;
  filter: CaseFilter;
  offset: number;
  limit: number;
}

export function caseRows(ctx: { db: Db; queries?: SceneQueries; now: number }, names: Names, q: CaseQuery): CasePage {
  const period = resolvePeriod(q.period);
  const asOf = Math.min(ctx.now, dayAfterStart(period.to));
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const f = q.filter;
  const equal: [keyof CaseFilter, string][] = [
    ['kind', 'kind'],
    ['streetId', 'street_id'],
    ['communityId', 'community_id'],
    ['gridId', 'grid_id'],
    ['departmentId', 'department_id'],
  ];
  for (const [field, column] of equal) {
    if (f[field] === undefined) continue;
    where.push(`${column} = @${field}`);
    params[field] = f[field];
  }

  let sql: string;
  let order: string;
  if (f.status === 'overdue') {
    // Open past the deadline at the end of the period, whenever reported (see briefing.ts overdueAt).
    params.asOf = asOf;
    params.horizon = asOf - OVERDUE_HORIZON_DAYS * 86_400_000;
    const extra = where.length ? ` AND ${where.join(' AND ')}` : '';
    sql = `SELECT ${COLUMNS} FROM events WHERE stage <> 'closed' AND deadline < @asOf AND reported_at < @asOf${extra}
      UNION ALL SELECT ${COLUMNS} FROM events WHERE reported_at >= @horizon AND reported_at < @asOf AND stage = 'closed' AND closed_at > @asOf AND deadline < @asOf${extra}`;
    order = 'deadline ASC, id';
  } else {
    where.unshift('day BETWEEN @from AND @to');
    params.from = period.from;
    params.to = period.to;
    if (f.status && f.status !== 'all') where.push(STATUS_SQL[f.status]);
    sql = `SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')}`;
    order = f.status === 'late' ? '(coalesce(closed_at, deadline) - deadline) DESC, id' : 'reported_at DESC, id';
  }
  const total = ctx.db.prepare(`SELECT count(*) FROM (${sql})`).pluck().get(params) as number;
  const rows = ctx.db.prepare(`SELECT * FROM (${sql}) ORDER BY ${order} LIMIT @limit OFFSET @offset`).all({ ...params, limit: q.limit, offset: q.offset }) as Row[];
  return { total, offset: q.offset, cases: rows.map((r) => toCase(r, names, asOf)) };
}

/** Cases by id, in the order given. */
export function casesById(db: Db, names: Names, ids: string[], asOf: number): CaseRow[] {
  if (!ids.length) return [];
  const rows = db.prepare(`SELECT ${COLUMNS} FROM events WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as Row[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => (byId.has(id) ? [toCase(byId.get(id)!, names, asOf)] : []));
}

function dayAfterStart(day: number): number {
  const y = Math.floor(day / 10000);
  const m = Math.floor((day % 10000) / 100);
  const d = day % 100;
  return Date.UTC(y, m - 1, d + 1) - 8 * 3600_000;
}

export function toCase(r: Row, names: Names, asOf: number): CaseRow {
  const place = names.gridPlace(r.grid_id);
  return {
    id: r.id,
    kind: r.kind,
    severity: r.severity,
    source: r.source,
    stage: r.stage,
    title: scrubText(r.title),
    gridId: r.grid_id,
    gridName: place.gridName,
    streetName: place.streetName,
    communityName: place.communityName,
    location: [r.lon, r.lat],
    reportedAt: toShanghaiIso(r.reported_at),
    deadline: toShanghaiIso(r.deadline),
    closedAt: r.closed_at === null ? null : toShanghaiIso(r.closed_at),
    overdue: r.deadline < asOf && (r.closed_at === null ? r.stage !== 'closed' : r.closed_at > asOf),
    late: r.stage === 'closed' && (r.closed_at === null || r.closed_at > r.deadline),
    department: r.department_id ? (names.departments.get(r.department_id)?.short ?? null) : null,
    criterion: r.criterion,
    satisfaction: r.satisfaction,
    outcome: r.outcome,
    reporter: maskedReporter(r.reporter_name, r.reporter_phone),
    repeatOf: r.repeat_of,
  };
}
