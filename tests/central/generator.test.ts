/**
 * The generator reproduces the seed article's figures exactly, keeps the safe-grid rule, has a believable rhythm,
 * and is deterministic (same seed, same bytes; a later start only adds and moves records forward).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Change, RegionsResponse, type Event, type SafeGridEvaluation, type ServiceActivity } from '../../shared/api/schemas';
import type { CentralEngine } from '../../central/demo/engine';
import { EVENT_TYPES } from '../../central/demo/plan';
import { REV_SECOND } from '../../central/demo/revs';
import { DAY, dayOf, secFromUnixMs } from '../../central/demo/time';
import { DAY_MS, isoWeekday, quarterOf, shanghaiDay } from '../../shared/time';
import { engineAt, feed, FIXED_NOW } from './helpers';

type Tomb = { id: string; rev: number; deleted_at: string };

let engine: CentralEngine;
const events: Event[] = [];
const evaluations: SafeGridEvaluation[] = [];
const activities: ServiceActivity[] = [];
const tombstones: Tomb[] = [];
let invalid = 0;
let outOfOrder = 0;

beforeAll(() => {
  engine = engineAt();
  let last = 0;
  let i = 0;
  for (const item of feed(engine)) {
    if (item.rev <= last) outOfOrder++;
    last = item.rev;
    const raw = JSON.parse(item.data) as Change;
    // Schema-check a spread sample (every record would add seconds for no extra confidence).
    if (i++ % 7 === 0 && !Change.safeParse(raw).success) invalid++;
    if (raw.type === 'event') events.push(raw.record);
    else if (raw.type === 'evaluation') evaluations.push(raw.record);
    else if (raw.type === 'service') activities.push(raw.record);
    else tombstones.push(raw.record);
  }
});

afterAll(() => engine.stop());

const year = (t: string) => t.slice(0, 4);
const inRange = (t: string, from: string, to: string) => t >= from && t < to;

describe('seed article totals (district scale, seed 1)', () => {
  it('lists every record once, in strictly increasing rev order, all valid', () => {
    expect(outOfOrder).toBe(0);
    expect(invalid).toBe(0);
    const ids = new Set([...events.map((e) => e.id), ...tombstones.map((t) => t.id)]);
    expect(ids.size).toBe(events.length + tombstones.length);
    expect(events.length).toBeGreaterThan(100_000);
  });

  it('2022: 1,491 appeals, 79 handled jointly, 96.6% satisfied', () => {
    const appeals = events.filter((e) => e.kind === 'appeal' && year(e.stages.reported) === '2022');
    expect(appeals).toHaveLength(1491);
    expect(appeals.filter((e) => e.joint)).toHaveLength(79);
    const rated = appeals.filter((e) => e.satisfaction !== null);
    const happy = rated.filter((e) => e.satisfaction === 'satisfied' || e.satisfaction === 'basically_satisfied');
    expect(Math.round((1000 * happy.length) / rated.length) / 10).toBe(96.6);
    expect(rated.some((e) => e.satisfaction === 'dissatisfied')).toBe(true);
    expect(rated.some((e) => e.satisfaction === 'basically_satisfied')).toBe(true);
  });

  it('2022: 252 disputes resolved and 16,192 difficulties solved, by report date and by close date alike', () => {
    const disputes = events.filter((e) => e.kind === 'dispute' && e.outcome === 'resolved');
    expect(disputes.filter((e) => year(e.stages.reported) === '2022')).toHaveLength(252);
    expect(disputes.filter((e) => year(e.stages.closed!) === '2022')).toHaveLength(252);
    const solved = events.filter((e) => e.kind === 'service' && e.outcome === 'resolved');
    expect(solved.filter((e) => year(e.stages.reported) === '2022')).toHaveLength(16192);
    expect(solved.filter((e) => year(e.stages.closed!) === '2022')).toHaveLength(16192);
  });

  it('2023-01-01 .. 2023-03-23: 258 disputes found', () => {
    const found = events.filter((e) => e.kind === 'dispute' && inRange(e.stages.reported, '2023-01-01', '2023-03-24'));
    expect(found).toHaveLength(258);
  });

  it('the latest assessment period has 212 safe grids of 297 (and so has 2022-Q4)', () => {
    const periods = [...new Set(evaluations.map((e) => e.period))].sort();
    expect(periods[0]).toBe('2022-Q1');
    const latest = periods[periods.length - 1];
    expect(latest).toBe('2026-Q3');
    for (const period of [latest, '2022-Q4']) {
      const of = evaluations.filter((e) => e.period === period);
      expect(of).toHaveLength(297);
      expect(of.filter((e) => e.safe)).toHaveLength(212);
    }
  });

  it('service activity up to the article: 107 projects, 3,700+ sessions, 138 micro-wishes, 13,000+ demands, 70,000+ people', () => {
    const upTo = activities.filter((a) => a.date <= '2023-03-23');
    const count = (t: ServiceActivity['type']) => upTo.filter((a) => a.type === t).length;
    expect(count('project')).toBe(107);
    expect(count('micro_wish')).toBe(138);
    expect(count('volunteer_session')).toBeGreaterThanOrEqual(3700);
    expect(count('volunteer_session')).toBeLessThan(3800);
    expect(count('demand_matched')).toBeGreaterThanOrEqual(13000);
    expect(count('demand_matched')).toBeLessThan(14000);
    const people = upTo.reduce((a, s) => a + s.people_reached, 0);
    expect(people).toBeGreaterThanOrEqual(70000);
    expect(people).toBeLessThan(80000);
  });

  it('organisation: 531 branches, 13,000+ Party members, 87 recruited workers, 561 staff from 16 departments, 46 tasks', () => {
    const org = engine.org.response;
    const regions = RegionsResponse.parse(JSON.parse(engine.regionsJson));
    const profiles = regions.regions.flatMap((r) => (r.profile ? [r.profile] : []));
    expect(profiles).toHaveLength(297);
    expect(org.people.party_branches).toBe(531);
    expect(profiles.reduce((a, p) => a + (p.party_branches ?? 0), 0)).toBe(531);
    expect(org.people.party_members).toBe(profiles.reduce((a, p) => a + p.party_members, 0));
    expect(org.people.party_members).toBeGreaterThanOrEqual(13000);
    expect(org.people.party_members).toBeLessThan(14000);
    expect(org.people.full_time_workers).toBe(87);
    expect(profiles.filter((p) => p.full_time_worker_recruited)).toHaveLength(87);
    expect(profiles.every((p) => p.workforce >= 6 && p.workforce <= 8 && p.full_time_worker.length >= 2 && p.leader.length >= 2)).toBe(true);
    expect(org.people.community_workers).toBe(11);
    expect(org.people.public_health_posts).toBe(121);
    expect(org.people.enforcement_staff).toBe(561);
    expect(org.departments).toHaveLength(16);
    expect(org.departments.reduce((a, d) => a + d.enforcement_staff, 0)).toBe(561);
    expect(org.people.volunteer_teams).toBe(277);
    expect(org.people.volunteers).toBeGreaterThanOrEqual(8900);
    expect(org.people.volunteers).toBeLessThan(9000);
    expect(org.tasks).toHaveLength(46);
    expect(new Set(org.tasks.map((t) => t.duty)).size).toBe(5);
    for (const name of ['社情民意收集', '矛盾纠纷调处', '特殊人群服务', '安全隐患排查', '治安巡防开展', '法律政策宣传'])
      expect(org.tasks.map((t) => t.name)).toContain(name);
    const codes = new Set(org.tasks.map((t) => t.code));
    expect(events.every((e) => codes.has(e.task_code))).toBe(true);
  });
});

describe('consistency and texture', () => {
  it('an incident that breaks a criterion makes its grid unsafe that quarter, and every unsafe grid has one', () => {
    const byKey = new Map(evaluations.map((e) => [`${e.grid_id}/${e.period}`, e]));
    const criminal = events.filter((e) => e.criterion !== null);
    expect(criminal.length).toBeGreaterThan(1000);
    const seen = new Set<string>();
    for (const e of criminal) {
      expect(e.kind).toBe('incident');
      const key = `${e.grid_id}/${quarterOf(shanghaiDay(e.stages.reported))}`;
      seen.add(`${key}/${e.criterion}`);
      const evaluation = byKey.get(key);
      if (!evaluation) continue; // the quarter is not assessed yet
      expect(evaluation.safe).toBe(false);
      expect(evaluation.broken).toContain(e.criterion);
    }
    for (const ev of evaluations) {
      if (ev.safe) expect(ev.broken).toEqual([]);
      for (const c of ev.broken) expect(seen.has(`${ev.grid_id}/${ev.period}/${c}`)).toBe(true);
    }
  });

  it('has late cases, cases open past their deadline, repeat appeals and tombstones', () => {
    const now = '2026-11-27T18:00:00+08:00';
    const late = events.filter((e) => e.stages.closed && e.stages.closed > e.deadline);
    const overdue = events.filter((e) => !e.stages.closed && e.deadline < now);
    expect(late.length).toBeGreaterThan(1000);
    expect(overdue.length).toBeGreaterThan(5);
    const repeats = events.filter((e) => e.repeat_of !== null);
    expect(repeats.length).toBeGreaterThan(100);
    const byId = new Map(events.map((e) => [e.id, e]));
    for (const r of repeats.slice(0, 200)) {
      const first = byId.get(r.repeat_of!);
      expect(first?.kind).toBe('appeal');
      expect(first!.grid_id).toBe(r.grid_id);
      expect(first!.stages.reported < r.stages.reported).toBe(true);
    }
    expect(tombstones.length).toBeGreaterThan(50);
    for (const t of tombstones) expect(byId.has(t.id)).toBe(false);
  });

  it('stages follow the closed loop in time order, with +08:00 times', () => {
    const order = ['reported', 'analysed', 'dispatched', 'supervised', 'evaluated', 'closed'] as const;
    for (const e of events.slice(0, 20000)) {
      const times = order.map((s) => e.stages[s]).filter((t): t is string => t !== undefined);
      expect([...times].sort()).toEqual(times);
      expect(times.every((t) => t.endsWith('+08:00'))).toBe(true);
      expect(e.stage).toBe(order.filter((s) => e.stages[s] !== undefined).pop());
      expect(e.outcome !== null).toBe(e.stage === 'closed');
    }
  });

  it('recent weeks are alive and the rhythm is believable (weekdays, office hours, streets)', () => {
    // ISO week 2026-W47: Monday 16 to Sunday 22 November.
    const week = events.filter((e) => inRange(e.stages.reported, '2026-11-16', '2026-11-23'));
    expect(week.length).toBeGreaterThan(300);
    expect(new Set(week.map((e) => e.kind)).size).toBe(5);
    const onWeekend = (t: string) => isoWeekday(shanghaiDay(t)) >= 6;
    const service = events.filter((e) => e.kind === 'service' && year(e.stages.reported) === '2025');
    const weekday = service.filter((e) => !onWeekend(e.stages.reported)).length / 5;
    const weekend = service.filter((e) => onWeekend(e.stages.reported)).length / 2;
    expect(weekday).toBeGreaterThan(1.4 * weekend);
    const hour = (t: string) => Number(t.slice(11, 13));
    const office = service.filter((e) => hour(e.stages.reported) >= 8 && hour(e.stages.reported) < 18).length;
    expect(office / service.length).toBeGreaterThan(0.8);
    // Appeals per grid differ from street to street.
    const streetOf = (grid: string) => grid.slice(0, 9);
    const perStreet = new Map<string, number>();
    for (const e of events) if (e.kind === 'appeal') perStreet.set(streetOf(e.grid_id), (perStreet.get(streetOf(e.grid_id)) ?? 0) + 1);
    const grids = new Map<string, number>();
    for (const g of engine.geo.grids) grids.set(streetOf(g.id), (grids.get(streetOf(g.id)) ?? 0) + 1);
    const rates = [...perStreet].map(([s, n]) => n / grids.get(s)!);
    expect(Math.max(...rates) / Math.min(...rates)).toBeGreaterThan(1.25);
  });
});

describe('determinism', () => {
  const fingerprint = (e: CentralEngine, pages: number) => {
    const h = createHash('sha256').update(e.regionsJson).update(e.organisationJson);
    let cursor = 0;
    for (let p = 0; p < pages; p++) {
      const page = e.page(cursor, 1000);
      for (const i of page.items) h.update(i.data);
      cursor = page.next_rev;
    }
    return h.digest('hex');
  };

  it('the same seed gives byte-identical data; another seed does not', () => {
    const a = fingerprint(engine, 15);
    const b = engineAt();
    const c = engineAt({ seed: 2 });
    try {
      expect(fingerprint(b, 15)).toBe(a);
      expect(fingerprint(c, 15)).not.toBe(a);
      expect(c.regionsJson).not.toBe(engine.regionsJson);
    } finally {
      b.stop();
      c.stop();
    }
  });

  it('a server started later serves the same bytes for every rev it shares with an earlier one', () => {
    const later = engineAt({ now: () => FIXED_NOW + 3 * DAY_MS });
    try {
      const from = engine.page(0, 1).next_rev;
      const cutoff = engine.headRev;
      // Compare the last 30 days before the earlier start: that is where records are still moving.
      const start = (secFromUnixMs(FIXED_NOW) - 30 * DAY) * REV_SECOND;
      const earlier = new Map<number, string>();
      for (const i of feed(engine, Math.max(start, from))) earlier.set(i.rev, i.data);
      let shared = 0;
      for (const i of feed(later, Math.max(start, from))) {
        if (i.rev > cutoff) break;
        expect(earlier.get(i.rev)).toBe(i.data);
        shared++;
      }
      expect(shared).toBeGreaterThan(earlier.size * 0.8);
      expect(later.headRev).toBeGreaterThan(cutoff);
    } finally {
      later.stop();
    }
  });

  it('--events N makes exactly N events up to the start of the current day', () => {
    const small = engineAt({ events: 40_000 });
    try {
      const today = dayOf(secFromUnixMs(FIXED_NOW));
      const planned = EVENT_TYPES.reduce((a, t) => a + small.plan.typePrefix[t][today], 0);
      expect(planned).toBe(40_000);
      let n = 0;
      for (const i of feed(small)) {
        const c = JSON.parse(i.data) as Change;
        if (c.type === 'event' && c.record.stages.reported < '2026-11-27') n++;
      }
      // All of them but the few deleted (tombstones) are listed.
      expect(n).toBeGreaterThan(39_800);
      expect(n).toBeLessThanOrEqual(40_000);
    } finally {
      small.stop();
    }
  });
});
