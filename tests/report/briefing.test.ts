/**
 * The briefing of the demo district's last complete week: its figures are the query layer's, its comparisons are the
 * previous period's and last year's, the cases behind each figure add up to it, the worst are named, and the periods
 * resolve on the Shanghai calendar.
 */
import { describe, expect, it } from 'vitest';
import { assembleBriefing, asOfInstant } from '../../core/report/briefing';
import { caseRows } from '../../core/report/cases';
import { Names } from '../../core/report/names';
import { Briefing, CasePage } from '../../shared/bridge/briefing';
import { change } from '../../shared/kpi/formulas';
import { DEMO_WEEK, leakedPersonalData, openDistrict } from './helpers';

const district = openDistrict();
const period = { kind: 'week' as const, week: DEMO_WEEK };
const b = assembleBriefing(district.ctx, period);
const names = new Names(district.ctx.reads);
const kpi = (metric: string) => b.kpis.find((k) => k.metric === metric)!;
const snapshot = (from: number, to: number) => district.queries.snapshot({ preset: 'custom', from, to }, district.ctx.now, null, null, 0);
/** Counted in the cache itself, not through the query layer. */
const count = (sql: string, ...params: unknown[]) =>
  district.db
    .prepare(sql)
    .pluck()
    .get(...params) as number;

// Periods (weeks, months, 环比, 同比) and the contract refusing ones that do not exist: tests/shared/calendar.test.ts.

describe('briefing', () => {
  it('matches the contract', () => {
    const r = Briefing.safeParse(b);
    expect(r.success, r.success ? '' : JSON.stringify(r.error.issues.slice(0, 3))).toBe(true);
  });

  it('states the query layer’s figures for the period, the previous period and the same period last year', () => {
    const cur = snapshot(b.period.from, b.period.to);
    const prev = snapshot(b.period.previous.from, b.period.previous.to);
    const ly = snapshot(b.period.lastYear.from, b.period.lastYear.to);
    expect(cur.totals.events).toBe(count('SELECT count(*) FROM events WHERE day BETWEEN ? AND ?', b.period.from, b.period.to));
    expect(cur.totals.events).toBeGreaterThan(0);
    expect(kpi('events')).toMatchObject({
      value: cur.totals.events,
      previous: prev.totals.events,
      lastYear: ly.totals.events,
      wow: change(cur.totals.events, prev.totals.events),
      yoy: change(cur.totals.events, ly.totals.events),
    });
    expect(kpi('appeals').value).toBe(cur.totals.appeals);
    expect(kpi('onTimeRate')).toMatchObject({
      value: cur.totals.onTimeRate,
      previous: prev.totals.onTimeRate,
      wow: cur.totals.onTimeRate! - prev.totals.onTimeRate!,
    });
    expect(kpi('satisfaction').value).toBe(cur.totals.satisfaction.rate);
    expect(kpi('disputeResolutionRate').value).toBe(cur.totals.disputeResolutionRate);
    expect(kpi('difficultiesSolved').value).toBe(cur.totals.difficultiesSolved);
    expect(b.byKind).toEqual(cur.totals.byKind);
    for (const s of b.rankings.streets)
      expect(cur.streets.find((x) => x.id === s.id)).toMatchObject({ events: s.events, onTimeRate: s.onTimeRate, satisfaction: s.satisfaction });
  });

  it('counts overdue cases as of the end of the period', () => {
    const asOf = asOfInstant(b.period, district.ctx.now);
    expect(new Date(asOf).toISOString()).toBe('2023-03-19T16:00:00.000Z'); // midnight after Sunday 19 March, Shanghai
    expect(kpi('overdue').value).toBe(district.ctx.reads.overdueAt(asOf).length);
    expect(b.exceptions.overdue.total).toBe(kpi('overdue').value);
    expect(b.exceptions.overdue.byDepartment.reduce((n, d) => n + d.count, 0)).toBeLessThanOrEqual(b.exceptions.overdue.total);
  });

  it('drills every count into exactly the cases behind it', () => {
    for (const k of b.kpis.filter((x) => x.unit === 'count' && x.drill)) {
      const page = caseRows(district.ctx, names, { period, filter: k.drill!, offset: 0, limit: 5 });
      expect(page.total, k.metric).toBe(k.value);
      expect(CasePage.safeParse(page).success).toBe(true);
    }
    for (const s of b.rankings.streets) {
      expect(caseRows(district.ctx, names, { period, filter: { streetId: s.id }, offset: 0, limit: 1 }).total).toBe(s.events);
      expect(caseRows(district.ctx, names, { period, filter: { streetId: s.id, status: 'overdue' }, offset: 0, limit: 1 }).total).toBe(s.overdue);
    }
    for (const d of b.rankings.departments) {
      const late = caseRows(district.ctx, names, { period, filter: { departmentId: d.id, status: 'late' }, offset: 0, limit: 1 }).total;
      const closed = caseRows(district.ctx, names, { period, filter: { departmentId: d.id, status: 'closed' }, offset: 0, limit: 1 }).total;
      expect(closed).toBe(d.closed);
      expect(d.onTimeRate === null ? null : (closed - late) / closed).toBe(d.onTimeRate);
    }
    // Rates drill into the cases that pull them down: the dissatisfied appeals, the disputes not resolved.
    const dissatisfied = caseRows(district.ctx, names, { period, filter: kpi('satisfaction').drill!, offset: 0, limit: 200 });
    expect(dissatisfied.cases.every((c) => c.kind === 'appeal' && c.satisfaction === 'dissatisfied')).toBe(true);
  });

  it('masks reporters in the cases it lists', () => {
    // The demo's reporters have names and mobile numbers: one of this week's, unmasked, is found as a leak.
    const personal = district.personal();
    const reporter = district.db
      .prepare(
        'SELECT reporter_name AS name, reporter_phone AS phone FROM events WHERE day BETWEEN ? AND ? AND length(reporter_name) >= 3 AND reporter_phone IS NOT NULL',
      )
      .get(b.period.from, b.period.to) as { name: string; phone: string };
    expect(leakedPersonalData(`反映人${reporter.name}，电话${reporter.phone}。`, personal).sort()).toEqual([reporter.name, reporter.phone].sort());
    const page = caseRows(district.ctx, names, { period, filter: { kind: 'appeal' }, offset: 0, limit: 200 });
    expect(page.cases.length).toBeGreaterThan(10);
    for (const c of page.cases) if (c.reporter) expect(c.reporter).toMatch(/^.\*{1,3} 1\d\d\*{4}\d{4}$/);
    expect(leakedPersonalData(JSON.stringify(b), personal)).toEqual([]);
    expect(leakedPersonalData(JSON.stringify(page), personal)).toEqual([]);
  });

  it('ranks by volume and names the worst plainly, only where there are enough cases to judge', () => {
    // Every street, community and department of the demo district is ranked: 6, 42 and 16 of them.
    expect([b.rankings.streets.length, b.rankings.communities.length, b.rankings.departments.length]).toEqual([6, 42, 16]);
    const events = b.rankings.communities.map((c) => c.events);
    expect(events).toEqual([...events].sort((x, y) => y - x));
    expect(b.rankings.communities.map((c) => c.rank)).toEqual(b.rankings.communities.map((_, i) => i + 1));
    expect(b.rankings.departments.every((d) => d.fullName?.startsWith('广安'))).toBe(true);
    expect(b.worst.length).toBeGreaterThan(0);
    for (const w of b.worst) {
      const rows = { street: b.rankings.streets, community: b.rankings.communities, grid: b.rankings.grids, department: b.rankings.departments }[w.level];
      if (w.metric === 'overdue') expect(Math.max(...rows.map((r) => r.overdue))).toBe(w.value);
      else {
        const min = { street: 5, community: 3, grid: 3, department: 3 }[w.level];
        const base = (r: (typeof rows)[number]) => (w.metric === 'onTimeRate' ? r.closed : w.metric === 'satisfaction' ? r.rated : r.disputesFound);
        const judged = rows.filter((r) => r[w.metric] !== null && base(r) >= min);
        expect(Math.min(...judged.map((r) => r[w.metric]!))).toBe(w.value);
      }
      expect(b.figures[w.figure].value).toBe(w.value);
    }
  });

  it('lists the safe grids at risk this quarter and those that lost the title', () => {
    // The demo's evaluations: 212 of its 297 grids safe from 2022-Q4 on; the briefing's quarter is 2023-Q1.
    const evaluated = (period: string, safe: number) => `SELECT grid_id FROM evaluations WHERE period = '${period}' AND safe = ${safe}`;
    const holders = count(`SELECT count(*) FROM (${evaluated('2022-Q4', 1)})`);
    expect(holders).toBe(212);
    const atRisk = count(
      `SELECT count(DISTINCT grid_id) FROM events WHERE day BETWEEN 20230101 AND ? AND criterion IS NOT NULL AND grid_id IN (${evaluated('2022-Q4', 1)})`,
      b.period.to,
    );
    const lost = count(`SELECT count(*) FROM (${evaluated('2022-Q4', 0)} INTERSECT ${evaluated('2022-Q3', 1)})`);
    expect(b.safeGrids).toEqual({ period: '2023-Q1', safe: holders - atRisk, atRisk, lost, total: 297 });
    expect(atRisk).toBeGreaterThan(0);
    expect(lost).toBeGreaterThan(0);
    for (const g of b.exceptions.safeGrids.filter((x) => x.status === 'at_risk')) {
      expect(g.criteria.length).toBeGreaterThan(0);
      expect(g.firstBrokenDay).toBeGreaterThanOrEqual(20230101);
      expect(g.newInPeriod).toBe(g.firstBrokenDay! >= b.period.from);
    }
    for (const g of b.exceptions.safeGrids.filter((x) => x.status === 'lost')) expect(g.period).toBe('2022-Q4');
  });

  it('groups repeated appeals by place', () => {
    const total = b.exceptions.repeats.reduce((n, g) => n + g.count, 0);
    expect(total).toBe(kpi('repeatAppeals').value);
    expect(total).toBeGreaterThan(0);
  });

  it('has a trend of 12 periods ending with this one, and the days of the period', () => {
    expect(b.trend.periods).toHaveLength(12);
    expect(b.trend.periods.at(-1)).toMatchObject({ key: DEMO_WEEK, events: kpi('events').value });
    expect(b.trend.daily.map((d) => d.day)).toEqual([20230313, 20230314, 20230315, 20230316, 20230317, 20230318, 20230319]);
    const month = assembleBriefing(district.ctx, { kind: 'month', month: '2023-03' });
    expect(month.trend.periods.map((p) => p.key).slice(-3)).toEqual(['2023-01', '2023-02', '2023-03']);
  });

  it('is calm about an empty period: rates are null, nothing is named', () => {
    // The demo's history begins on 2022-01-01.
    const empty = assembleBriefing(district.ctx, { kind: 'week', week: '2021-W10' });
    expect(empty.kpis.find((k) => k.metric === 'events')!.value).toBe(0);
    expect(empty.kpis.find((k) => k.metric === 'onTimeRate')!.value).toBeNull();
    expect(empty.worst).toEqual([]);
    expect(empty.narrative[0].text).toContain('未受理');
  });
});
