/**
 * Records as a pure function of (seed, global index): `core(index)` decides everything about a record (what, where,
 * when each stage of the closed loop happens, how it ends), and `change(core, W)` writes the record as it stands at
 * time W (stages after W are not visible yet). Nothing is stored, so any page of millions of records can be
 * produced on demand.
 *
 * How the article's totals are hit exactly: a cohort is all records of one type created in one year; record j of
 * a cohort of n gets an attribute when permute(j, n, key) < quota (a seeded bijection of [0, n)), so exactly
 * `quota` records of the cohort carry it, and which ones is decided record by record. The grid is then drawn
 * conditioned on the attribute (unhappy ratings lean towards some streets), which keeps the totals exact and still
 * gives streets their differences.
 */
import { SAFE_CRITERIA, type Change } from '../../shared/api/schemas';
import { pointInGrid, type Geography } from './geography';
import { personName, phoneNumber } from './names';
import { DEPARTMENTS, DEPT_INDEX, TASKS, type Organisation } from './organisation';
import {
  countBetween,
  dayOfIndex,
  dayOfTypeOrdinal,
  FIGURES,
  FIRST_YEAR,
  HORIZON_DAYS,
  HORIZON_YEAR,
  indexOfTypeOrdinal,
  MAX_LIFE_DAYS,
  T_APPEAL,
  T_DELETED,
  T_DEMAND,
  T_DISPUTE,
  T_EVALUATION,
  T_HAZARD,
  T_INCIDENT,
  T_PROJECT,
  T_SERVICE,
  T_SESSION,
  T_WISH,
  timeOfDay,
  type Plan,
} from './plan';
import { AliasTable, hash2, hash3, hashString, permute, Rng } from './prng';
import { timelineRev } from './revs';
import { criteriaOf, type Safety } from './safety';
import { CRIMINAL_PHRASES, DEMAND_TITLES, placeName, PROJECT_TITLES, SESSION_TITLES, TASK_PHRASES, WISH_TITLES } from './texts';
import { civil, DAY, dateString, dayOfDate, iso, quarterDays, quarterIndexOfDay, quarterLabel } from './time';

export const S_REPORTED = 0;
export const S_ANALYSED = 1;
export const S_DISPATCHED = 2;
export const S_SUPERVISED = 3;
export const S_EVALUATED = 4;
export const S_CLOSED = 5;
export const S_DELETED = 6;
const STAGE_NAMES = ['reported', 'analysed', 'dispatched', 'supervised', 'evaluated', 'closed'] as const;
const KINDS = ['appeal', 'dispute', 'incident', 'hazard', 'service'] as const;
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const SOURCES = ['grid_worker', 'hotline_12345', 'patrol'] as const;
const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
const ACTIVITY_TYPES = ['project', 'volunteer_session', 'micro_wish', 'demand_matched'] as const;
/** Year of each day and first day of each year, precomputed: every record needs its cohort. */
const YEAR_OF_DAY = Int16Array.from({ length: HORIZON_DAYS }, (_, d) => civil(d).year);
const YEAR_START = Array.from({ length: HORIZON_YEAR - FIRST_YEAR + 2 }, (_, i) => dayOfDate(FIRST_YEAR + i, 1, 1));
const TASK_NAMES: Record<string, string> = Object.fromEntries(TASKS.map((t) => [t.code, t.name]));

/** A JSON string literal; the plain path is the common one (our texts hold no quotes or control characters). */
function q(s: string): string {
  return /["\\\u0000-\u001f\u2028\u2029]/.test(s) ? JSON.stringify(s) : `"${s}"`;
}

type Weighted = [code: string, weight: number, departments: string[]];

/** What each kind of case is about, and which departments handle it. */
const TASKS_BY_KIND: Record<number, Weighted[]> = {
  [T_APPEAL]: [
    ['CZ03', 18, ['综合执法局']],
    ['CZ08', 12, ['综合执法局', '公安分局', '生态环境分局']],
    ['CZ09', 8, ['综合执法局', '市场监管局']],
    ['CZ05', 12, ['住建局']],
    ['CZ06', 8, ['人社局']],
    ['SB05', 10, ['综合执法局', '住建局']],
    ['SB08', 6, ['生态环境分局']],
    ['CJ08', 12, ['民政局', '卫健局', '教育局', '水务局']],
    ['FW07', 4, ['人社局']],
    ['FW08', 5, ['人社局', '卫健局']],
    ['FW03', 5, ['民政局']],
    ['PA07', 6, ['交通运输局', '公安分局']],
    ['PA01', 4, ['应急管理局', '住建局']],
    ['SB01', 3, ['水务局']],
    ['CZ10', 5, ['综合执法局', '自然资源分局']],
  ],
  [T_DISPUTE]: [
    ['CZ01', 30, ['司法局']],
    ['CZ04', 25, ['司法局']],
    ['CZ05', 15, ['住建局']],
    ['CZ06', 12, ['人社局']],
    ['CZ07', 15, ['司法局', '民政局']],
    ['SB03', 5, ['司法局']],
  ],
  [T_INCIDENT]: [
    ['SB01', 20, ['水务局', '应急管理局']],
    ['CZ02', 20, ['应急管理局']],
    ['CZ08', 20, ['公安分局']],
    ['SB05', 15, ['综合执法局']],
    ['PA02', 25, ['公安分局']],
    ['SB04', 8, ['公安分局']],
    ['SB06', 3, ['信访局']],
    ['SB07', 3, ['卫健局']],
  ],
  [T_HAZARD]: [
    ['PA01', 25, ['应急管理局']],
    ['PA03', 20, ['消防救援大队']],
    ['PA08', 12, ['公安分局', '住建局']],
    ['PA09', 10, ['自然资源分局', '水务局']],
    ['SB02', 20, ['应急管理局', '住建局']],
    ['SB08', 8, ['生态环境分局']],
    ['CZ10', 5, ['综合执法局']],
  ],
  [T_SERVICE]: [
    ['FW01', 12, ['民政局']],
    ['FW02', 6, ['司法局']],
    ['FW03', 12, ['民政局']],
    ['FW04', 14, ['民政局', '卫健局']],
    ['FW05', 6, ['民政局']],
    ['FW06', 6, ['教育局', '民政局']],
    ['FW07', 8, ['人社局']],
    ['FW08', 14, ['人社局', '卫健局']],
    ['FW09', 16, ['民政局']],
    ['FW10', 4, ['民政局']],
    ['CJ01', 4, ['民政局']],
  ],
};

/** Task and departments for an incident that breaks a criterion (same order as SAFE_CRITERIA). */
const CRITERION_TASKS: [string, string[]][] = [
  ['PA02', ['公安分局']],
  ['PA05', ['公安分局']],
  ['PA06', ['公安分局']],
  ['PA02', ['市场监管局', '公安分局']],
  ['PA03', ['消防救援大队']],
  ['PA07', ['公安分局', '交通运输局']],
  ['SB01', ['信访局']],
  ['PA04', ['公安分局']],
];

const SEVERITY_WEIGHTS: Record<number, number[]> = {
  [T_APPEAL]: [0.55, 0.38, 0.065, 0.005],
  [T_DISPUTE]: [0.45, 0.45, 0.09, 0.01],
  [T_INCIDENT]: [0.45, 0.45, 0.09, 0.01],
  [T_HAZARD]: [0.4, 0.45, 0.14, 0.01],
  [T_SERVICE]: [0.7, 0.27, 0.03, 0],
};
const CRIMINAL_SEVERITY = [0.05, 0.55, 0.36, 0.04];
/** Deadline in days by severity. */
const DEADLINE_DAYS: Record<number, number[]> = {
  [T_APPEAL]: [15, 10, 5, 2],
  [T_DISPUTE]: [30, 30, 15, 7],
  [T_INCIDENT]: [3, 2, 1, 0.5],
  [T_HAZARD]: [10, 7, 3, 1],
  [T_SERVICE]: [7, 7, 3, 1],
};
/** Share of cases handed to a department (the rest are settled in the grid and community). */
const DISPATCH_SHARE: Record<number, number> = { [T_APPEAL]: 1, [T_DISPUTE]: 0.25, [T_INCIDENT]: 0.5, [T_HAZARD]: 0.65, [T_SERVICE]: 0.2 };
const REPORTER_SHARE: Record<number, number> = { [T_APPEAL]: 1, [T_DISPUTE]: 0.6, [T_INCIDENT]: 0.5, [T_HAZARD]: 0.25, [T_SERVICE]: 0.75 };
const LATE_RATE: Record<number, number> = { [T_APPEAL]: 0.045, [T_DISPUTE]: 0.06, [T_INCIDENT]: 0.04, [T_HAZARD]: 0.06, [T_SERVICE]: 0.03 };

/** Everything decided about one record. Times are seconds since 2022-01-01T00:00+08:00; -1 = never. */
export interface Core {
  index: number;
  /** Live extras carry their own ids ("L…"); timeline records derive theirs from the index. */
  id?: string;
  day: number;
  type: number;
  created: number;
  /** Time of each change by stage code (S_*), -1 when the record never reaches it. */
  times: number[];
  grid: number;
  // events
  task: string;
  criterion: number;
  severity: number;
  source: number;
  department: number;
  joint: boolean;
  deadline: number;
  resolved: boolean;
  satisfaction: number;
  reporter: boolean;
  repeatOf: number;
  /** Deleted records: the kind they were entered as. */
  enteredAs: number;
  // evaluations
  quarter: number;
}

interface Quota {
  n: number;
  joint: number;
  dissatisfied: number;
  basic: number;
  unrated: number;
  unresolved: number;
}

export class History {
  private readonly quotas: Quota[] = [];
  private readonly gridTables: AliasTable[] = [];
  private readonly discontentTable: AliasTable;
  private readonly activityTable: AliasTable;
  private readonly taskTables: Record<number, AliasTable> = {};
  private readonly salt: number;
  readonly deptLateness: number[];

  constructor(
    readonly seed: number,
    readonly plan: Plan,
    readonly geo: Geography,
    readonly org: Organisation,
    readonly safety: Safety,
  ) {
    this.salt = seed ^ hashString('history');
    const pops = org.profiles.map((p) => p.population);
    for (let t = 0; t <= T_SERVICE; t++) {
      this.gridTables[t] = new AliasTable(
        geo.grids.map((g, i) => pops[i] * org.streetFactor[g.street][t] * (t === T_INCIDENT || t === T_HAZARD ? (g.centrality < 3 ? 1.3 : 1) : 1)),
      );
      this.taskTables[t] = new AliasTable(TASKS_BY_KIND[t].map((w) => w[1]));
    }
    this.discontentTable = new AliasTable(geo.grids.map((g, i) => pops[i] * org.streetFactor[g.street][T_APPEAL] * org.streetDiscontent[g.street] ** 2));
    this.activityTable = new AliasTable(geo.grids.map((g, i) => pops[i] * org.streetFactor[g.street][T_SESSION]));
    this.deptLateness = org.departmentLateness;
  }

  /** Total records created before `day`. */
  recordsBefore(day: number): number {
    return this.plan.dayPrefix[Math.max(0, Math.min(day, this.plan.days))];
  }

  recordsOnDay(day: number): number {
    return this.plan.dayPrefix[day + 1] - this.plan.dayPrefix[day];
  }

  private quota(type: number, year: number): Quota {
    const key = type * 64 + (year - FIRST_YEAR);
    let q = this.quotas[key];
    if (!q) {
      const n = countBetween(this.plan, type, dayOfDate(year, 1, 1), dayOfDate(year + 1, 1, 1));
      q = { n, joint: 0, dissatisfied: 0, basic: 0, unrated: 0, unresolved: 0 };
      // Rates are the article's 2022 figures (which they reproduce exactly at the default scale), easing a little
      // in later years.
      const later = Math.max(0, year - 2022);
      if (type === T_APPEAL) {
        q.joint = Math.round((n * FIGURES.jointAppeals2022) / FIGURES.appeals2022);
        q.unrated = Math.round((n * 41) / FIGURES.appeals2022);
        const rated = n - q.unrated;
        q.dissatisfied = Math.round(rated * (49 / 1450) * Math.pow(0.94, later));
        q.basic = Math.round(rated * (170 / 1450));
      } else if (type === T_DISPUTE) {
        q.unresolved = Math.round((n * FIGURES.disputesUnresolved2022) / (FIGURES.disputesResolved2022 + FIGURES.disputesUnresolved2022));
      } else if (type === T_SERVICE) {
        q.unresolved = Math.round((n * FIGURES.servicesUnresolved2022) / (FIGURES.difficultiesSolved2022 + FIGURES.servicesUnresolved2022));
      }
      this.quotas[key] = q;
    }
    return q;
  }

  private key(type: number, year: number, attr: number): number {
    return hash3(this.salt, type * 10000 + year, attr);
  }

  /** Decide everything about record `index` (its day may be passed when known, to skip a search). */
  core(index: number, dayHint = -1): Core {
    const plan = this.plan;
    const day = dayHint >= 0 ? dayHint : dayOfIndex(plan, index);
    let local = index - plan.dayPrefix[day];
    let type = 0;
    while (local >= plan.counts[type][day]) {
      local -= plan.counts[type][day];
      type++;
    }
    const r = new Rng(hash2(this.salt, index));
    const c: Core = {
      index,
      day,
      type,
      created: day * DAY + timeOfDay(type, r.next(), r.next()),
      times: [-1, -1, -1, -1, -1, -1, -1],
      grid: 0,
      task: '',
      criterion: -1,
      severity: 0,
      source: 0,
      department: -1,
      joint: false,
      deadline: 0,
      resolved: true,
      satisfaction: -1,
      reporter: false,
      repeatOf: -1,
      enteredAs: -1,
      quarter: -1,
    };
    c.times[S_REPORTED] = c.created;
    if (type === T_EVALUATION) {
      c.quarter = plan.evaluationQuarter.get(day) ?? quarterIndexOfDay(day) - 1;
      c.grid = local;
      return c;
    }
    if (type >= T_PROJECT) {
      c.grid = this.activityTable.draw(r.next());
      return c;
    }
    if (type === T_DELETED) {
      this.deleted(c, r);
      return c;
    }
    const year = YEAR_OF_DAY[day];
    const ordinal = plan.typePrefix[type][day] - plan.typePrefix[type][YEAR_START[year - FIRST_YEAR]] + local;
    const q = this.quota(type, year);
    this.event(c, r, year, ordinal, q, local);
    return c;
  }

  private event(c: Core, r: Rng, year: number, j: number, q: Quota, local: number): void {
    const type = c.type;
    let gridTable = this.gridTables[type];
    let taskPick = TASKS_BY_KIND[type][this.taskTables[type].draw(r.next())];
    let severityWeights = SEVERITY_WEIGHTS[type];
    if (type === T_APPEAL) {
      c.joint = permute(j, q.n, this.key(type, year, 1)) < q.joint;
      const p = permute(j, q.n, this.key(type, year, 2));
      c.satisfaction = p < q.dissatisfied ? 2 : p < q.dissatisfied + q.basic ? 1 : p < q.dissatisfied + q.basic + q.unrated ? -1 : 0;
      if (c.satisfaction === 2) gridTable = this.discontentTable;
      c.resolved = c.satisfaction === 2 ? r.next() < 0.45 : true;
    } else if (type === T_DISPUTE || type === T_SERVICE) {
      c.resolved = permute(j, q.n, this.key(type, year, 3)) >= q.unresolved;
    } else if (type === T_INCIDENT) {
      const quarter = quarterIndexOfDay(c.day);
      const { start, end } = quarterDays(quarter);
      const inQuarter = this.plan.typePrefix[T_INCIDENT][c.day] - this.plan.typePrefix[T_INCIDENT][start] + local;
      const total = countBetween(this.plan, T_INCIDENT, start, end);
      const list = this.safety.get(quarter).incidents;
      const p = permute(inQuarter, total, hash3(this.salt, quarter, 0xc417));
      if (p < list.length) {
        c.criterion = list[p].criterion;
        c.grid = list[p].grid;
        const [task, depts] = CRITERION_TASKS[c.criterion];
        taskPick = [task, 1, depts];
        severityWeights = CRIMINAL_SEVERITY;
      }
    }
    if (c.criterion < 0) c.grid = gridTable.draw(r.next());
    // Repeat appeals: the same matter from the same place as an earlier appeal that left someone unhappy.
    if (type === T_APPEAL && r.next() < 0.03) {
      const prev = this.repeatTarget(c, r);
      if (prev) {
        c.repeatOf = prev.index;
        c.grid = prev.grid;
        taskPick = TASKS_BY_KIND[T_APPEAL].find((t) => t[0] === prev.task) ?? taskPick;
      }
    }
    c.task = taskPick[0];
    c.severity = r.weighted(severityWeights);
    c.source =
      type === T_APPEAL
        ? 1
        : type === T_INCIDENT
          ? r.weighted([0.45, 0.15, 0.4])
          : type === T_SERVICE
            ? r.weighted([0.95, 0.05, 0])
            : r.weighted([0.8, 0, 0.2]);
    c.reporter = r.next() < REPORTER_SHARE[type];
    const dispatched = c.criterion >= 0 || r.next() < DISPATCH_SHARE[type];
    const depts = taskPick[2];
    let lateness = 1;
    if (dispatched) {
      c.department = DEPT_INDEX[depts[r.int(depts.length)]];
      lateness = this.deptLateness[c.department];
    } else {
      c.joint = false;
    }
    c.deadline = c.created + Math.round(DEADLINE_DAYS[type][c.severity] * DAY);
    const late = r.next() < LATE_RATE[type] * lateness * this.org.streetFactor[this.geo.grids[c.grid].street][type];
    // Cases that never close (stuck at a department): only from 2024, a handful.
    const stuck = year >= 2024 && r.next() < (type === T_SERVICE || type === T_INCIDENT ? 0.0008 : 0.003);
    // 2022 disputes and service demands close within 2022: "resolved in 2022" then means the same whichever date
    // one counts by.
    const cap = year === 2022 && (type === T_DISPUTE || type === T_SERVICE) ? YEAR_START[1] * DAY - 1 : Infinity;
    this.stages(c, r, late, stuck, dispatched, cap);
    if (c.times[S_CLOSED] < 0) c.satisfaction = -1;
  }

  /** Satisfaction code of the g-th appeal overall, from its cohort permutation alone (no full record). */
  private appealSatisfaction(g: number): number {
    const day = dayOfTypeOrdinal(this.plan, T_APPEAL, g);
    const year = YEAR_OF_DAY[day];
    const q = this.quota(T_APPEAL, year);
    const j = g - this.plan.typePrefix[T_APPEAL][dayOfDate(year, 1, 1)];
    const p = permute(j, q.n, this.key(T_APPEAL, year, 2));
    return p < q.dissatisfied ? 2 : p < q.dissatisfied + q.basic ? 1 : p < q.dissatisfied + q.basic + q.unrated ? -1 : 0;
  }

  /** An earlier appeal (from a previous day) about the same matter: preferably one rated "dissatisfied". */
  private repeatTarget(c: Core, r: Rng): Core | null {
    const before = this.plan.typePrefix[T_APPEAL][c.day];
    if (before < 1) return null;
    let target = Math.max(0, before - 1 - r.int(40));
    for (let k = 0, g = target; k < 60 && g >= 0; k++, g--) {
      if (this.appealSatisfaction(g) === 2) {
        target = g;
        break;
      }
    }
    return this.core(indexOfTypeOrdinal(this.plan, T_APPEAL, target), dayOfTypeOrdinal(this.plan, T_APPEAL, target));
  }

  private deleted(c: Core, r: Rng): void {
    c.enteredAs = [T_SERVICE, T_APPEAL, T_HAZARD, T_INCIDENT][r.weighted([0.6, 0.15, 0.15, 0.1])];
    const pick = TASKS_BY_KIND[c.enteredAs][this.taskTables[c.enteredAs].draw(r.next())];
    c.task = pick[0];
    c.grid = this.gridTables[c.enteredAs].draw(r.next());
    c.severity = r.weighted(SEVERITY_WEIGHTS[c.enteredAs]);
    c.source = c.enteredAs === T_APPEAL ? 1 : 0;
    c.reporter = c.enteredAs === T_APPEAL;
    c.deadline = c.created + Math.round(DEADLINE_DAYS[c.enteredAs][c.severity] * DAY);
    const gone = c.created + 1200 + r.int(2 * DAY);
    if (r.next() < 0.5) c.times[S_ANALYSED] = c.created + Math.max(1, Math.floor((gone - c.created) * r.range(0.1, 0.6)));
    c.times[S_DELETED] = gone;
  }

  /** When each stage happens: most cases close well before the deadline, late ones after it. */
  private stages(c: Core, r: Rng, late: boolean, stuck: boolean, dispatched: boolean, cap: number): void {
    const span = c.deadline - c.created;
    let close: number;
    if (late) close = span + Math.max(3600, span * (0.05 + 0.9 * r.next() ** 2) + r.next() * 2 * DAY);
    else close = Math.max(1800, span * (0.12 + 0.8 * r.next() ** 1.6));
    close = Math.min(close, (MAX_LIFE_DAYS - 2) * DAY);
    if (c.created + close > cap) close = Math.max(60, cap - c.created);
    const fractions = [0, 0.03 + 0.07 * r.next(), 0.12 + 0.12 * r.next(), 0.35 + 0.25 * r.next(), 0.82 + 0.13 * r.next(), 1];
    const stopAfter = stuck ? (dispatched ? S_DISPATCHED + r.int(2) : S_ANALYSED) : S_CLOSED;
    let prev = c.created;
    for (let s = S_ANALYSED; s <= S_CLOSED; s++) {
      if (!dispatched && (s === S_DISPATCHED || s === S_SUPERVISED)) continue;
      if (s > stopAfter) break;
      const t = Math.max(prev + 1, c.created + Math.round(close * fractions[s]));
      c.times[s] = t;
      prev = t;
    }
  }

  /** The stage codes a record goes through, in time order (for visibility and revs). */
  changeList(c: Core): number[] {
    const out: number[] = [];
    for (let s = 0; s < 7; s++) if (c.times[s] >= 0) out.push(s);
    return out;
  }

  /** The last stage reached at or before W, or -1 when the record does not exist yet. */
  visibleStage(c: Core, w: number): number {
    let k = -1;
    for (let s = 0; s < 7; s++) if (c.times[s] >= 0 && c.times[s] <= w) k = s;
    return k;
  }

  /** The first change after W (stage code), or -1. */
  nextStage(c: Core, w: number): number {
    let best = -1;
    let bestT = Infinity;
    for (let s = 0; s < 7; s++) {
      const t = c.times[s];
      if (t > w && t < bestT) {
        bestT = t;
        best = s;
      }
    }
    return best;
  }

  rev(c: Core, stage: number): number {
    return timelineRev(c.times[stage], c.index, stage);
  }

  eventId(index: number): string {
    return `E${index}`;
  }

  /** The record as it stands at time W (stage `k` = visibleStage(c, W)), as an object. */
  change(c: Core, k: number): Change {
    return JSON.parse(this.changeJson(c, k)) as Change;
  }

  /**
   * The record as it stands at stage k, as JSON text. Written directly rather than built as objects and passed to
   * JSON.stringify: paging millions of records is dominated by this, and the direct form is about twice as fast.
   * Key order is fixed, so the same record is always the same bytes.
   */
  changeJson(c: Core, k: number, revOverride?: number): string {
    const rev = revOverride ?? this.rev(c, k);
    if (c.type === T_EVALUATION) {
      const grid = this.geo.grids[c.grid];
      const mask = this.safety.get(c.quarter).broken[c.grid];
      const period = quarterLabel(c.quarter);
      const broken = criteriaOf(mask)
        .map((x) => `"${x}"`)
        .join(',');
      return `{"type":"evaluation","rev":${rev},"record":{"id":"SG-${period}-${grid.code}","rev":${rev},"grid_id":"${grid.id}","period":"${period}","safe":${mask === 0},"broken":[${broken}],"evaluated_at":"${iso(c.created)}"}}`;
    }
    if (c.type >= T_PROJECT) return this.activityJson(c, rev);
    const id = c.id ?? this.eventId(c.index);
    if (k === S_DELETED)
      return `{"type":"tombstone","rev":${rev},"of":"event","record":{"id":${q(id)},"rev":${rev},"deleted_at":"${iso(c.times[S_DELETED])}"}}`;
    return `{"type":"event","rev":${rev},"record":${this.eventJson(c, k, rev, id)}}`;
  }

  private eventJson(c: Core, k: number, rev: number, id: string): string {
    const grid = this.geo.grids[c.grid];
    const community = this.geo.communities[grid.community];
    const r = new Rng(hash2(this.salt ^ 0x7e47, c.index));
    const kindType = c.type === T_DELETED ? c.enteredAs : c.type;
    const last = Math.min(k, S_CLOSED);
    let stages = '';
    for (let s = 0; s <= last; s++) if (c.times[s] >= 0) stages += `${stages ? ',' : ''}"${STAGE_NAMES[s]}":"${iso(c.times[s])}"`;
    const closed = k === S_CLOSED;
    const showDept = c.times[S_DISPATCHED] >= 0 && c.times[S_DISPATCHED] <= c.times[k];
    const place = placeName(community.name, hash2(this.salt, c.index ^ 0x51ace));
    let phrase: string;
    if (c.criterion >= 0) {
      const list = CRIMINAL_PHRASES[SAFE_CRITERIA[c.criterion]];
      phrase = list[r.int(list.length)];
    } else {
      const list = TASK_PHRASES[c.task] ?? [TASK_NAMES[c.task] ?? '事项'];
      phrase = list[r.int(list.length)];
    }
    const title = c.repeatOf >= 0 ? `（重复诉求）${place}${phrase}` : `${place}${phrase}`;
    const loc = pointInGrid(this.geo, grid, () => r.next());
    const dept = showDept && c.department >= 0 ? `"${DEPARTMENTS[c.department].id}"` : 'null';
    const outcome = closed ? (c.resolved ? '"resolved"' : '"unresolved"') : 'null';
    const satisfaction = closed && kindType === T_APPEAL && c.satisfaction >= 0 ? `"${SATISFACTIONS[c.satisfaction]}"` : 'null';
    const who = hash2(this.salt ^ 0x9e9, c.index);
    const reporter = c.reporter ? `{"name":${q(personName(who))},"phone":"${phoneNumber(who)}"}` : 'null';
    const repeat = c.repeatOf >= 0 ? `"${this.eventId(c.repeatOf)}"` : 'null';
    const criterion = c.criterion >= 0 ? `"${SAFE_CRITERIA[c.criterion]}"` : 'null';
    return (
      `{"id":${q(id)},"rev":${rev},"kind":"${KINDS[kindType]}","task_code":"${c.task}","criterion":${criterion},` +
      `"severity":"${SEVERITIES[c.severity]}","source":"${SOURCES[c.source]}","grid_id":"${grid.id}","location":[${loc[0]},${loc[1]}],` +
      `"title":${q(title)},"stage":"${STAGE_NAMES[last]}","stages":{${stages}},"department_id":${dept},"joint":${showDept && c.joint},` +
      `"deadline":"${iso(c.deadline)}","outcome":${outcome},"satisfaction":${satisfaction},"reporter":${reporter},"repeat_of":${repeat}}`
    );
  }

  private activityJson(c: Core, rev: number): string {
    const r = new Rng(hash2(this.salt ^ 0xac7, c.index));
    const grid = this.geo.grids[c.grid];
    const community = this.geo.communities[grid.community];
    let title: string;
    let people: number;
    let volunteers: number;
    switch (c.type) {
      case T_PROJECT:
        title = `${community.name}${r.pick(PROJECT_TITLES)}`;
        people = r.between(100, 300);
        volunteers = r.between(10, 60);
        break;
      case T_SESSION:
        title = `${community.name}${r.pick(SESSION_TITLES)}`;
        people = r.between(4, 16);
        volunteers = r.between(3, 15);
        break;
      case T_WISH:
        title = `微心愿：${r.pick(WISH_TITLES)}`;
        people = 1;
        volunteers = 1;
        break;
      default:
        title = `${r.pick(DEMAND_TITLES)}（${grid.name}）`;
        people = 1;
        volunteers = r.between(0, 1);
    }
    return (
      `{"type":"service","rev":${rev},"record":{"id":"A${c.index}","rev":${rev},"grid_id":"${grid.id}","type":"${ACTIVITY_TYPES[c.type - T_PROJECT]}",` +
      `"title":${q(title)},"date":"${dateString(c.day)}","people_reached":${people},"volunteers":${volunteers}}}`
    );
  }

  /** The record of a live extra at stage k, with a rev given by the live clock, as JSON text. */
  liveChangeJson(c: Core, k: number, rev: number): string {
    return this.changeJson(c, k, rev);
  }

  /**
   * A new live case (not part of the timeline): drawn like history, stages filled in as the live generator moves
   * it along. `critical` makes it a serious incident that costs its grid the safe-grid title this quarter.
   */
  liveCore(id: string, virtualIndex: number, sec: number, r: Rng, critical: boolean): Core {
    const type = critical ? T_INCIDENT : [T_SERVICE, T_APPEAL, T_HAZARD, T_INCIDENT, T_DISPUTE][r.weighted([0.55, 0.12, 0.15, 0.12, 0.06])];
    const c: Core = {
      index: virtualIndex,
      id,
      day: Math.floor(sec / DAY),
      type,
      created: sec,
      times: [-1, -1, -1, -1, -1, -1, -1],
      grid: this.gridTables[type].draw(r.next()),
      task: '',
      criterion: -1,
      severity: r.weighted(SEVERITY_WEIGHTS[type]),
      source: type === T_APPEAL ? 1 : type === T_INCIDENT ? r.weighted([0.45, 0.15, 0.4]) : 0,
      department: -1,
      joint: false,
      deadline: 0,
      resolved: true,
      satisfaction: -1,
      reporter: r.next() < REPORTER_SHARE[type],
      repeatOf: -1,
      enteredAs: -1,
      quarter: -1,
    };
    c.times[S_REPORTED] = sec;
    let pick = TASKS_BY_KIND[type][this.taskTables[type].draw(r.next())];
    if (critical) {
      // Keep the safe-grid rule true: a critical incident lands on a grid already losing the title this quarter.
      const list = this.safety.get(quarterIndexOfDay(c.day)).incidents;
      if (list.length) {
        const e = list[r.int(list.length)];
        c.grid = e.grid;
        c.criterion = e.criterion;
        const [task, depts] = CRITERION_TASKS[e.criterion];
        pick = [task, 1, depts];
      }
      c.severity = 3;
    }
    c.task = pick[0];
    if (c.criterion >= 0 || r.next() < DISPATCH_SHARE[type]) {
      c.department = DEPT_INDEX[pick[2][r.int(pick[2].length)]];
      c.joint = type === T_APPEAL && r.next() < 0.05;
      // Mark the route through dispatch and supervision (times are filled in as they happen).
      c.times[S_DISPATCHED] = -2;
    }
    c.deadline = sec + Math.round(DEADLINE_DAYS[type][c.severity] * DAY);
    if (type === T_APPEAL) {
      const p = r.next();
      c.satisfaction = p < 0.035 ? 2 : p < 0.145 ? 1 : p < 0.17 ? -1 : 0;
    }
    c.resolved = type === T_SERVICE || type === T_DISPUTE ? r.next() > 0.025 : c.satisfaction === 2 ? r.next() < 0.45 : true;
    return c;
  }

  /** The next stage a live case moves to from stage k (-1 when closed). */
  static nextLiveStage(c: Core, k: number): number {
    const routed = c.times[S_DISPATCHED] !== -1;
    for (let s = k + 1; s <= S_CLOSED; s++) {
      if (!routed && (s === S_DISPATCHED || s === S_SUPERVISED)) continue;
      return s;
    }
    return -1;
  }

  /** The activity type code for T_PROJECT..T_DEMAND. */
  static activityType(type: number): (typeof ACTIVITY_TYPES)[number] | null {
    return type >= T_PROJECT && type <= T_DEMAND ? ACTIVITY_TYPES[type - T_PROJECT] : null;
  }
}

export { T_SESSION, T_WISH, T_DEMAND };
