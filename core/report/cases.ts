/**
 * The cases behind a figure (drill-down): the events a briefing figure counts, filtered as CaseFilter says, with
 * reporters masked and titles scrubbed. The counts here agree with the rollups the figures come from. With a
 * region (a street's or community's briefing) only its cases.
 */
import type { CacheReads, CaseEventRow } from '../cache/reads';
import type { CaseFilter, CasePage, CaseRow, PeriodRequest } from '../../shared/bridge/briefing';
import { addDays, dayStart, resolvePeriod, toShanghaiIso } from '../../shared/time';
import { maskedReporter, scrubText } from './mask';
import type { Names } from './names';

export interface CaseQuery {
  period: PeriodRequest;
  /** The briefing's scope: a street or a community (a region the cache does not hold: the district, as the briefing). */
  region?: string | null;
  filter: CaseFilter;
  offset: number;
  limit: number;
}

export function caseRows(ctx: { reads: CacheReads; now: number }, names: Names, q: CaseQuery): CasePage {
  const period = resolvePeriod(q.period);
  const asOf = Math.min(ctx.now, dayStart(addDays(period.to, 1)));
  const region = q.region ? names.regions.get(q.region) : undefined;
  const within: CaseFilter = region?.level === 'street' ? { streetId: region.id } : region?.level === 'community' ? { communityId: region.id } : {};
  // A filter naming another street (community) than the scope's: none of its cases are the scope's.
  for (const [field, id] of Object.entries(within) as [keyof CaseFilter, string][])
    if (q.filter[field] !== undefined && q.filter[field] !== id) return { total: 0, offset: q.offset, cases: [] };
  const filter = { ...q.filter, ...within };
  const { total, rows } = ctx.reads.cases({ filter, from: period.from, to: period.to, asOf, offset: q.offset, limit: q.limit });
  return { total, offset: q.offset, cases: rows.map((r) => toCase(r, names, asOf)) };
}

/** Cases by id, in the order given. */
export function casesById(reads: CacheReads, names: Names, ids: string[], asOf: number): CaseRow[] {
  const rows = reads.casesById(ids);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => (byId.has(id) ? [toCase(byId.get(id)!, names, asOf)] : []));
}

export function toCase(r: CaseEventRow, names: Names, asOf: number): CaseRow {
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
