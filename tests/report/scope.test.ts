/**
 * The briefing of a street and of a community: every figure is a count of the scope's own cases in the demo cache
 * (this period, the previous one, a year earlier), its rankings rank what lies below it, its drill-downs and case
 * lists stay within it, and the streets' briefings add up to the district's.
 */
import { describe, expect, it } from 'vitest';
import { asOfInstant, assembleBriefing } from '../../core/report/briefing';
import { caseRows } from '../../core/report/cases';
import { Names } from '../../core/report/names';
import { OVERDUE_HORIZON_DAYS } from '../../core/cache/reads';
import { Briefing, briefingRequests, type Kpi } from '../../shared/bridge/briefing';
import { DAY_MS, dayStart } from '../../shared/time';
import { DEMO_WEEK, openDistrict } from './helpers';

const district = openDistrict();
const { db, ctx } = district;
const period = { kind: 'week' as const, week: DEMO_WEEK };
const names = new Names(ctx.reads);
const count = (sql: string, ...params: unknown[]) =>
  db
    .prepare(sql)
    .pluck()
    .get(...params) as number;
const streetIds = db.prepare("SELECT id FROM regions WHERE level = 'street' ORDER BY code").pluck().all() as string[];
const street = streetIds[2];
const streetName = names.name(street);
const communityIds = db.prepare("SELECT id FROM regions WHERE level = 'community' AND street_id = ? ORDER BY code").pluck().all(street) as string[];
const community = communityIds[0];

const whole = assembleBriefing(ctx, period);
const ofStreet = assembleBriefing(ctx, period, street);
const ofCommunity = assembleBriefing(ctx, period, community);
const kpi = (b: Briefing, metric: Kpi['metric']) => b.kpis.find((k) => k.metric === metric)!;

/** The figures of a span counted straight from the events of a region (column street_id or community_id). */
function direct(column: 'street_id' | 'community_id', id: string, from: number, to: number) {
  const inSpan = (where = '') => count(`SELECT count(*) FROM events WHERE ${column} = ? AND day BETWEEN ? AND ? ${where}`, id, from, to);
  const asOf = Math.min(ctx.now, dayStart(to) + DAY_MS);
  const overdue =
    count(`SELECT count(*) FROM events WHERE ${column} = ? AND stage <> 'closed' AND deadline < ? AND reported_at < ?`, id, asOf, asOf) +
    count(
      `SELECT count(*) FROM events WHERE ${column} = ? AND reported_at >= ? AND reported_at < ? AND stage = 'closed' AND closed_at > ? AND deadline < ?`,
      id,
      asOf - OVERDUE_HORIZON_DAYS * DAY_MS,
      asOf,
      asOf,
      asOf,
    );
  const closed = inSpan("AND stage = 'closed'");
  const onTime = inSpan("AND stage = 'closed' AND closed_at <= deadline");
  return {
    events: inSpan(),
    appeals: inSpan("AND kind = 'appeal'"),
    closed,
    onTimeRate: closed ? onTime / closed : null,
    disputesFound: inSpan("AND kind = 'dispute'"),
    breaking: inSpan('AND criterion IS NOT NULL'),
    repeatAppeals: inSpan('AND repeat_of IS NOT NULL'),
    jointAppeals: inSpan("AND kind = 'appeal' AND joint = 1"),
    difficultiesSolved: inSpan("AND kind = 'service' AND stage = 'closed' AND outcome = 'resolved'"),
    overdue,
  };
}

describe('a street’s briefing', () => {
  it('matches the contract and says whose it is', () => {
    for (const b of [ofStreet, ofCommunity]) {
      const r = Briefing.safeParse(b);
      expect(r.success, r.success ? '' : JSON.stringify(r.error.issues.slice(0, 3))).toBe(true);
    }
    expect(ofStreet.scope).toMatchObject({ id: street, level: 'street', name: streetName, areaLevel: 'community', unknown: null });
    expect(ofCommunity.scope.path.map((s) => s.id)).toEqual([null, street, community]);
    expect(whole.scope).toMatchObject({ id: null, level: 'district' });
  });

  it('states counts of the street’s own cases: this period, the previous one and a year earlier', () => {
    const spans = { value: ofStreet.period, previous: ofStreet.period.previous, lastYear: ofStreet.period.lastYear } as const;
    for (const [variant, span] of Object.entries(spans) as [keyof typeof spans, { from: number; to: number }][]) {
      const d = direct('street_id', street, span.from, span.to);
      expect(d.events).toBeGreaterThan(0);
      for (const [metric, value] of Object.entries(d)) expect(kpi(ofStreet, metric as Kpi['metric'])[variant], `${metric} ${variant}`).toBe(value);
    }
    // Not the district's: a street has a fraction of its cases.
    expect(kpi(ofStreet, 'events').value).toBeLessThan(kpi(whole, 'events').value!);
    expect(ofStreet.exceptions.overdue.total).toBe(kpi(ofStreet, 'overdue').value);
    // The trend of 12 weeks is the street's too.
    const last = ofStreet.trend.periods[ofStreet.trend.periods.length - 1];
    expect(last.events).toBe(kpi(ofStreet, 'events').value);
    const first = ofStreet.trend.periods[0];
    expect(first.events).toBe(count('SELECT count(*) FROM events WHERE street_id = ? AND day BETWEEN ? AND ?', street, first.from, first.to));
    expect(ofStreet.trend.daily.reduce((n, d) => n + Object.values(d.byKind).reduce((a, b) => a + b, 0), 0)).toBe(kpi(ofStreet, 'events').value);
  });

  it('of a community: its own cases, its grids ranked', () => {
    const d = direct('community_id', community, ofCommunity.period.from, ofCommunity.period.to);
    for (const [metric, value] of Object.entries(d)) expect(kpi(ofCommunity, metric as Kpi['metric']).value, metric).toBe(value);
    const grids = db.prepare("SELECT id FROM regions WHERE level = 'grid' AND community_id = ?").pluck().all(community) as string[];
    expect(ofCommunity.rankings.grids.map((g) => g.id).sort()).toEqual([...grids].sort());
    expect(ofCommunity.rankings.streets).toEqual([]);
    expect(ofCommunity.rankings.communities).toEqual([]);
    expect(ofCommunity.rankings.grids.reduce((n, g) => n + g.events, 0)).toBe(d.events);
    expect(ofCommunity.rankings.grids.reduce((n, g) => n + g.overdue, 0)).toBe(d.overdue);
    expect(ofCommunity.safeGrids.total).toBe(grids.length);
    // 环比 of each grid: its cases of the previous week.
    const p = ofCommunity.period.previous;
    for (const g of ofCommunity.rankings.grids)
      expect(g.previousEvents, g.id).toBe(count('SELECT count(*) FROM events WHERE grid_id = ? AND day BETWEEN ? AND ?', g.id, p.from, p.to));
  });

  it('ranks its communities (not the streets), with their 环比 and overdue cases its own', () => {
    expect(ofStreet.rankings.streets).toEqual([]);
    expect(ofStreet.rankings.grids).toEqual([]);
    expect(ofStreet.rankings.communities.map((c) => c.id).sort()).toEqual([...communityIds].sort());
    const p = ofStreet.period.previous;
    for (const c of ofStreet.rankings.communities) {
      expect(c.events, c.id).toBe(
        count('SELECT count(*) FROM events WHERE community_id = ? AND day BETWEEN ? AND ?', c.id, ofStreet.period.from, ofStreet.period.to),
      );
      expect(c.previousEvents, c.id).toBe(count('SELECT count(*) FROM events WHERE community_id = ? AND day BETWEEN ? AND ?', c.id, p.from, p.to));
    }
    expect(ofStreet.rankings.communities.reduce((n, c) => n + c.events, 0)).toBe(kpi(ofStreet, 'events').value);
    expect(ofStreet.exceptions.overdue.byArea.reduce((n, c) => n + c.count, 0)).toBe(kpi(ofStreet, 'overdue').value);
    for (const a of ofStreet.exceptions.overdue.byArea) expect(communityIds).toContain(a.id);
    // Departments: the street's cases that have one.
    const asOf = asOfInstant(ofStreet.period, ctx.now);
    const inStreet = (id: string) =>
      count(
        'SELECT count(*) FROM events WHERE street_id = ? AND department_id = ? AND day BETWEEN ? AND ?',
        street,
        id,
        ofStreet.period.from,
        ofStreet.period.to,
      );
    for (const d of ofStreet.rankings.departments) expect(d.events, d.id).toBe(inStreet(d.id));
    expect(ofStreet.rankings.departments.reduce((n, d) => n + d.overdue, 0)).toBe(
      ctx.reads.overdueAt(asOf, { column: 'street_id', id: street }).filter((r) => r.department_id).length,
    );
    // The worst named are its communities and departments, never the street itself or another.
    expect(ofStreet.worst.every((w) => w.level === 'community' || w.level === 'department')).toBe(true);
    for (const w of ofStreet.worst) expect(w.drill.streetId).toBe(street);
  });

  it('speaks of the street in its narrative', () => {
    const text = ofStreet.narrative.map((s) => s.text).join('');
    expect(text).toContain(`${streetName}共受理各类事件${kpi(ofStreet, 'events').value}件`);
    expect(text).toContain('从各社区看');
    expect(text).not.toContain('全区');
    expect(text).not.toContain('从各街道看');
    // Every figure cited is the street's or below it.
    for (const s of ofStreet.narrative)
      for (const ref of s.refs) expect(['street', 'community', 'grid', 'department', 'kind', 'district'], ref).toContain(ofStreet.figures[ref].subject.level);
    expect(ofStreet.narrative.flatMap((s) => s.refs).some((r) => r.startsWith(`street:${street}:events:value`))).toBe(true);
    expect(ofCommunity.narrative.map((s) => s.text).join('')).toContain('从各网格看');
  });

  it('drills into exactly the street’s cases, and lists only them', () => {
    for (const k of ofStreet.kpis.filter((x) => x.unit === 'count' && x.drill)) {
      expect(k.drill!.streetId, k.metric).toBe(street);
      expect(caseRows(ctx, names, { period, filter: k.drill!, offset: 0, limit: 1 }).total, k.metric).toBe(k.value);
    }
    // A case list asked for within the street (the renderer's ranking cells send their own filter and the region).
    const streetOf = db.prepare('SELECT street_id FROM events WHERE id = ?').pluck();
    for (const d of ofStreet.rankings.departments.filter((x) => x.events > 0)) {
      const page = caseRows(ctx, names, { period, region: street, filter: { departmentId: d.id }, offset: 0, limit: 200 });
      expect(page.total, d.id).toBe(d.events);
      for (const c of page.cases) expect(streetOf.get(c.id)).toBe(street);
    }
    const all = caseRows(ctx, names, { period, region: street, filter: {}, offset: 0, limit: 1 });
    expect(all.total).toBe(kpi(ofStreet, 'events').value);
    // Another street's cases are none of this street's.
    expect(caseRows(ctx, names, { period, region: street, filter: { streetId: streetIds[0] }, offset: 0, limit: 1 }).total).toBe(0);
    // A community's case list: within the community.
    const inCommunity = caseRows(ctx, names, { period, region: community, filter: { status: 'closed' }, offset: 0, limit: 1 });
    expect(inCommunity.total).toBe(kpi(ofCommunity, 'closed').value);
  });
});

describe('the streets’ briefings', () => {
  const streets = streetIds.map((id) => assembleBriefing(ctx, period, id));
  const sum = (pick: (b: Briefing) => number) => streets.reduce((n, b) => n + pick(b), 0);

  it('add up to the district’s', () => {
    // Every case of the demo district lies in a street.
    for (const metric of [
      'events',
      'appeals',
      'closed',
      'disputesFound',
      'overdue',
      'breaking',
      'repeatAppeals',
      'jointAppeals',
      'difficultiesSolved',
    ] as const)
      for (const variant of ['value', 'previous', 'lastYear'] as const)
        expect(
          sum((b) => kpi(b, metric)[variant] as number),
          `${metric} ${variant}`,
        ).toBe(kpi(whole, metric)[variant]);
    for (const part of ['safe', 'atRisk', 'lost', 'total'] as const)
      expect(
        sum((b) => b.safeGrids[part]),
        part,
      ).toBe(whole.safeGrids[part]);
    expect(sum((b) => b.rankings.communities.length)).toBe(whole.rankings.communities.length);
    for (const d of whole.rankings.departments)
      expect(
        sum((b) => b.rankings.departments.find((x) => x.id === d.id)!.events),
        d.id,
      ).toBe(d.events);
    whole.trend.periods.forEach((p, i) =>
      expect(
        sum((b) => b.trend.periods[i].events),
        p.key,
      ).toBe(p.events),
    );
    expect(sum((b) => b.exceptions.repeats.length)).toBe(whole.exceptions.repeats.length);
    // And each is what the district's ranking says of that street.
    for (const b of streets) expect(kpi(b, 'events').value).toBe(whole.rankings.streets.find((s) => s.id === b.scope.id)!.events);
  });
});

describe('an unknown region', () => {
  it('gives the district’s briefing and says so', () => {
    const b = assembleBriefing(ctx, period, 'no-such-street');
    expect(b.scope).toMatchObject({ id: null, level: 'district', unknown: 'no-such-street' });
    expect(b.kpis).toEqual(whole.kpis);
  });

  it('is refused when empty or too long (the request schemas)', () => {
    expect(briefingRequests['briefing.get'].payload.safeParse({ region: street }).success).toBe(true);
    expect(briefingRequests['briefing.get'].payload.safeParse({ region: '' }).success).toBe(false);
    expect(briefingRequests['briefing.cases'].payload.safeParse({ region: 'x'.repeat(65) }).success).toBe(false);
    expect(briefingRequests['report.template'].payload.safeParse({ region: street }).success).toBe(true);
    expect(briefingRequests['report.export'].payload.safeParse({ region: street, format: 'pdf' }).success).toBe(true);
  });
});
