/**
 * The plan: how many records of each type are created on each day, from 2022-01-01 to a fixed horizon (2039).
 * It is small (days × types integers) and is the only thing held in memory; every record is then a pure function
 * of (seed, its global index), where index order is by creation day, then type, then ordinal within the day.
 *
 * Totals the seed article gives are hit exactly by apportioning a segment's total over its days (largest
 * remainder); rhythm comes from the day weights (weekday, holidays, season, noise). The plan does not depend on the
 * clock, so the same seed gives the same history whenever the server starts (unless `events` asks for a count
 * "up to now").
 */
import { AliasTable, apportion, hashString, Rng } from './prng';
import { civil, dayOfDate, daysFromSpringFestival, isHoliday, quarterDays, weekday } from './time';

export const T_APPEAL = 0;
export const T_DISPUTE = 1;
export const T_INCIDENT = 2;
export const T_HAZARD = 3;
export const T_SERVICE = 4;
/** An event entered by mistake (a duplicate) and deleted hours later: it ends as a tombstone. */
export const T_DELETED = 5;
export const T_PROJECT = 6;
export const T_SESSION = 7;
export const T_WISH = 8;
export const T_DEMAND = 9;
export const T_EVALUATION = 10;
export const N_TYPES = 11;
export const EVENT_TYPES = [T_APPEAL, T_DISPUTE, T_INCIDENT, T_HAZARD, T_SERVICE, T_DELETED];

export const FIRST_YEAR = 2022;
export const HORIZON_YEAR = 2039;
export const HORIZON_DAYS = dayOfDate(HORIZON_YEAR + 1, 1, 1);
/** Every change of a record happens within this many days of its creation (the rev encoding relies on it). */
export const MAX_LIFE_DAYS = 60;
/** Record indices sharing (index mod 2^20) must be more than MAX_LIFE_DAYS apart (see revs.ts). */
export const INDEX_LANES = 1 << 20;

/** The article's date: "so far" figures are as of this day. */
export const ARTICLE_DAY = dayOfDate(2023, 3, 23);

/** Seed-article figures (district scale). */
export const FIGURES = {
  appeals2022: 1491,
  jointAppeals2022: 79,
  satisfaction2022: 0.966,
  disputesResolved2022: 252,
  disputesUnresolved2022: 9,
  disputesFound2023ToArticle: 258,
  difficultiesSolved2022: 16192,
  servicesUnresolved2022: 398,
  safeGrids: 212,
  projectsToArticle: 107,
  microWishesToArticle: 138,
};

export interface PlanOptions {
  seed: number;
  /** Multiplier for event counts, before `eventsUpTo` (city scale uses it). */
  eventFactor?: number;
  /** Multiplier for service activities (city scale: grids / 297). */
  activityFactor?: number;
  grids: number;
  /** When set: exactly this many events are created from 2022-01-01 up to the end of `upToDay - 1`. */
  events?: { count: number; upToDay: number };
  /** Scale service activities by the same factor as `events` (city scale keeps the district's mix). */
  activitiesFollowEvents?: boolean;
}

export interface Plan {
  seed: number;
  days: number;
  grids: number;
  /** counts[type][day] */
  counts: Int32Array[];
  /** Records created before day d (all types). */
  dayPrefix: Float64Array;
  /** typePrefix[type][d]: records of that type created before day d. */
  typePrefix: Float64Array[];
  /** Evaluation day -> quarter index (0 = 2022-Q1). */
  evaluationQuarter: Map<number, number>;
  /** Quarter index -> its evaluation day. */
  evaluationDay: number[];
  /** Segment-exact figures for activities up to the article day (what the test checks). */
  activityTargets: { sessions: number; demands: number };
  exact: boolean;
}

type Weight = (day: number, rng: Rng) => number;

const yearStart = (y: number) => dayOfDate(y, 1, 1);

function monthOf(day: number): number {
  return civil(day).month;
}

/** Days before a long holiday: inspections and appeals pick up. */
function preHoliday(day: number): boolean {
  for (let k = 1; k <= 4; k++) if (isHoliday(day + k) && !isHoliday(day)) return true;
  return false;
}

const WEIGHTS: Record<number, Weight> = {
  [T_APPEAL]: (d, r) => {
    const wd = weekday(d);
    let w = wd === 0 ? 1.3 : wd < 5 ? 1.12 : wd === 5 ? 0.62 : 0.52;
    if (isHoliday(d)) w *= 0.55;
    const m = monthOf(d);
    if (m >= 6 && m <= 8) w *= 1.18; // heat, power cuts, noise
    if (m === 12 || m === 1) w *= 1.08; // wages before the new year
    return w * r.spread(0.2);
  },
  [T_DISPUTE]: (d, r) => {
    const wd = weekday(d);
    let w = wd >= 5 ? 1.15 : 1;
    const sf = daysFromSpringFestival(d);
    if (sf >= -12 && sf <= 12) w *= 1.9; // family and wage disputes around the Spring Festival
    const m = monthOf(d);
    if (m >= 7 && m <= 8) w *= 1.12;
    return w * r.spread(0.3);
  },
  [T_INCIDENT]: (d, r) => {
    const wd = weekday(d);
    let w = wd === 4 || wd === 5 ? 1.2 : wd === 6 ? 1.05 : 0.95;
    if (isHoliday(d)) w *= 1.3; // fireworks, traffic
    const m = monthOf(d);
    if (m >= 6 && m <= 9) w *= 1.1;
    return w * r.spread(0.3);
  },
  [T_HAZARD]: (d, r) => {
    const wd = weekday(d);
    let w = wd < 5 ? 1.2 : 0.42;
    if (isHoliday(d)) w *= 0.4;
    if (preHoliday(d)) w *= 1.7; // safety inspections before the long holidays
    const m = monthOf(d);
    if (m >= 6 && m <= 8) w *= 1.35; // flood season
    if (m === 12 || m <= 2) w *= 1.15; // fire season
    return w * r.spread(0.22);
  },
  [T_SERVICE]: (d, r) => {
    const wd = weekday(d);
    let w = wd < 5 ? 1.16 : wd === 5 ? 0.7 : 0.56;
    if (isHoliday(d)) w *= 0.6;
    const sf = daysFromSpringFestival(d);
    if (sf >= -20 && sf < -1) w *= 1.25; // visits to the elderly and families in need before the festival
    return w * r.spread(0.15);
  },
  [T_DELETED]: (d, r) => (weekday(d) < 5 ? 1.2 : 0.5) * r.spread(0.3),
  [T_PROJECT]: (d, r) => (weekday(d) < 5 ? 1 : 0.3) * r.spread(0.3),
  [T_SESSION]: (d, r) => {
    const wd = weekday(d);
    let w = wd >= 5 ? 1.6 : 0.85; // volunteers come at weekends
    const m = monthOf(d);
    if (m === 3) w *= 1.5; // 学雷锋 month
    return w * r.spread(0.25);
  },
  [T_WISH]: (d, r) => {
    const sf = daysFromSpringFestival(d);
    let w = weekday(d) < 5 ? 1 : 0.6;
    if (sf >= -30 && sf < 0) w *= 2.5; // "micro-wishes" cluster before the festival
    if (monthOf(d) === 6) w *= 1.6; // Children's Day
    return w * r.spread(0.3);
  },
  [T_DEMAND]: (d, r) => (weekday(d) < 5 ? 1.15 : 0.6) * (isHoliday(d) ? 0.5 : 1) * r.spread(0.15),
};

/** Per-year totals at district scale, before any factor. Later years drift a little, seeded. */
function yearTotal(type: number, year: number, rng: Rng): number {
  const drift = (base: number, growth: number) => Math.round(base * Math.pow(1 + growth, year - 2023) * (1 + 0.04 * rng.normal()));
  switch (type) {
    case T_APPEAL:
      return year === 2022 ? FIGURES.appeals2022 : drift(1640, 0.035);
    case T_DISPUTE:
      return year === 2022 ? FIGURES.disputesResolved2022 + FIGURES.disputesUnresolved2022 : drift(880, -0.02);
    case T_INCIDENT:
      return drift(2150, 0.01);
    case T_HAZARD:
      return drift(3300, 0.02);
    case T_SERVICE:
      return year === 2022 ? FIGURES.difficultiesSolved2022 + FIGURES.servicesUnresolved2022 : drift(17300, 0.02);
    case T_DELETED:
      return drift(62, 0);
    case T_PROJECT:
      return drift(84, 0.03);
    case T_SESSION:
      return drift(3050, 0.03);
    case T_WISH:
      return drift(112, 0.02);
    case T_DEMAND:
      return drift(10600, 0.02);
    default:
      return 0;
  }
}

interface Segment {
  start: number;
  end: number;
  total: number;
}

function segmentsFor(type: number, rng: Rng, targets: { sessions: number; demands: number }): Segment[] {
  const segs: Segment[] = [];
  const articleEnd = ARTICLE_DAY + 1;
  for (let y = FIRST_YEAR; y <= HORIZON_YEAR; y++) {
    const start = yearStart(y);
    const end = yearStart(y + 1);
    const total = yearTotal(type, y, rng);
    if (type === T_DISPUTE && y === 2023) {
      // 258 disputes found from 1 January to the article's day, the rest of 2023 at the later rate.
      const rest = Math.round((total * (end - articleEnd)) / (end - start));
      segs.push({ start, end: articleEnd, total: FIGURES.disputesFound2023ToArticle }, { start: articleEnd, end, total: rest });
    } else if (type >= T_PROJECT && type <= T_DEMAND && y <= 2023) {
      // Cumulative figures "so far" (as of the article) cover 2022-01-01 .. 2023-03-23.
      if (y === 2022) {
        const cumulative =
          type === T_PROJECT
            ? FIGURES.projectsToArticle
            : type === T_WISH
              ? FIGURES.microWishesToArticle
              : type === T_SESSION
                ? targets.sessions
                : targets.demands;
        segs.push({ start, end: articleEnd, total: cumulative });
      } else {
        segs.push({ start: articleEnd, end, total: Math.round((total * (end - articleEnd)) / (end - start)) });
      }
    } else {
      segs.push({ start, end, total });
    }
  }
  return segs;
}

export function buildPlan(options: PlanOptions): Plan {
  const days = HORIZON_DAYS;
  const seed = options.seed;
  const rng = new Rng(seed ^ hashString('plan'));
  const activityTargets = { sessions: 3700 + rng.between(10, 95), demands: 13000 + rng.between(20, 380) };
  const counts: Int32Array[] = [];
  for (let t = 0; t < N_TYPES; t++) {
    const c = new Int32Array(days);
    if (t !== T_EVALUATION) {
      const trng = new Rng(seed ^ hashString(`plan-type-${t}`));
      for (const seg of segmentsFor(t, trng, activityTargets)) {
        const w = new Float64Array(seg.end - seg.start);
        for (let d = seg.start; d < seg.end; d++) {
          let weight = WEIGHTS[t](d, trng);
          // The 2022 re-division ramps up the grids' dispute screening over the year.
          if (t === T_DISPUTE && d < yearStart(2023)) weight *= 0.6 + (1.4 * d) / 365;
          w[d - seg.start] = weight;
        }
        const a = apportion(seg.total, w);
        c.set(a, seg.start);
      }
    }
    counts.push(c);
  }
  // Safe-grid evaluations: one per grid, a few days into the following quarter, on a working day.
  const evaluationQuarter = new Map<number, number>();
  const evaluationDay: number[] = [];
  for (let q = 0; ; q++) {
    const next = quarterDays(q + 1).start;
    if (next >= days) break;
    let d = next + 5;
    while (weekday(d) >= 5 || isHoliday(d)) d++;
    evaluationQuarter.set(d, q);
    evaluationDay.push(d);
    counts[T_EVALUATION][d] = options.grids;
  }
  const exact = (options.eventFactor ?? 1) === 1 && (options.activityFactor ?? 1) === 1 && !options.events;
  scaleCounts(counts, options);
  const dayPrefix = new Float64Array(days + 1);
  const typePrefix = counts.map(() => new Float64Array(days + 1));
  for (let d = 0; d < days; d++) {
    let total = 0;
    for (let t = 0; t < N_TYPES; t++) {
      typePrefix[t][d + 1] = typePrefix[t][d] + counts[t][d];
      total += counts[t][d];
    }
    dayPrefix[d + 1] = dayPrefix[d] + total;
  }
  checkLanes(dayPrefix);
  return { seed, days, grids: options.grids, counts, dayPrefix, typePrefix, evaluationQuarter, evaluationDay, activityTargets, exact };
}

function scaleCounts(counts: Int32Array[], options: PlanOptions): void {
  const ef = options.eventFactor ?? 1;
  const af = options.activityFactor ?? 1;
  const scaleType = (t: number, f: number, from = 0) => {
    if (f === 1) return;
    const c = counts[t];
    let carry = 0;
    for (let d = from; d < c.length; d++) {
      const exact = c[d] * f + carry;
      c[d] = Math.floor(exact);
      carry = exact - c[d];
    }
  };
  if (options.events) {
    const upTo = Math.max(1, Math.min(options.events.upToDay, counts[0].length));
    let base = 0;
    for (const t of EVENT_TYPES) for (let d = 0; d < upTo; d++) base += counts[t][d];
    const f = options.events.count / Math.max(1, base);
    for (let t = T_PROJECT; t <= T_DEMAND; t++) scaleType(t, options.activitiesFollowEvents ? f : af);
    // Exactly `count` events before `upToDay`: apportion over (type, day) cells in proportion to the plan.
    const cells = new Float64Array(EVENT_TYPES.length * upTo);
    EVENT_TYPES.forEach((t, i) => {
      for (let d = 0; d < upTo; d++) cells[i * upTo + d] = counts[t][d];
    });
    const shares = apportion(options.events.count, cells);
    EVENT_TYPES.forEach((t, i) => {
      for (let d = 0; d < upTo; d++) counts[t][d] = shares[i * upTo + d];
      scaleType(t, f, upTo);
    });
  } else {
    for (let t = T_PROJECT; t <= T_DEMAND; t++) scaleType(t, af);
    for (const t of EVENT_TYPES) scaleType(t, ef);
  }
}

/** The rev encoding needs indices 2^20 apart to be more than MAX_LIFE_DAYS + 1 days apart. */
function checkLanes(dayPrefix: Float64Array): void {
  const span = MAX_LIFE_DAYS + 2;
  for (let d = 0; d + span < dayPrefix.length; d++) {
    if (dayPrefix[d + span] - dayPrefix[d] >= INDEX_LANES)
      throw new Error(`too many records per ${span} days around day ${d} for the rev encoding (max ${INDEX_LANES}); lower --events`);
  }
}

/** Day of a global record index (binary search over the day prefix). */
export function dayOfIndex(plan: Plan, index: number): number {
  let lo = 0;
  let hi = plan.days - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (plan.dayPrefix[mid] <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Day holding the n-th (0-based) record of a type. */
export function dayOfTypeOrdinal(plan: Plan, type: number, n: number): number {
  const p = plan.typePrefix[type];
  let lo = 0;
  let hi = plan.days - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (p[mid] <= n) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Offset of a type's block within its day. */
export function typeOffset(plan: Plan, type: number, day: number): number {
  let off = 0;
  for (let t = 0; t < type; t++) off += plan.counts[t][day];
  return off;
}

/** Global index of the n-th record of a type. */
export function indexOfTypeOrdinal(plan: Plan, type: number, n: number): number {
  const day = dayOfTypeOrdinal(plan, type, n);
  return plan.dayPrefix[day] + typeOffset(plan, type, day) + (n - plan.typePrefix[type][day]);
}

/** Records of `type` created in [startDay, endDay). */
export function countBetween(plan: Plan, type: number, startDay: number, endDay: number): number {
  const p = plan.typePrefix[type];
  return p[Math.min(endDay, plan.days)] - p[Math.max(0, startDay)];
}

/** Hours of the day at which each type is created: alias tables over 24 hourly weights. */
const HOURLY: Record<number, number[]> = {
  // 12345 hotline: staffed day and evening.
  [T_APPEAL]: [0.4, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 7, 7.5, 6.5, 3.5, 3, 5, 6.5, 6.5, 5.5, 3.5, 3, 2.6, 2, 1.3, 0.8],
  [T_DISPUTE]: [0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 1, 2.5, 4.5, 5, 4.5, 3, 2.5, 4, 5, 5, 4.5, 4, 4.5, 4, 3, 1.5, 0.6],
  [T_INCIDENT]: [2.2, 1.6, 1.2, 0.9, 0.7, 0.7, 1, 2, 3, 3.2, 3.3, 3.5, 3.4, 3, 3.2, 3.4, 3.6, 4, 4.5, 4.8, 5, 4.8, 4, 3],
  [T_HAZARD]: [0.05, 0.02, 0.02, 0.02, 0.02, 0.05, 0.2, 0.8, 4, 7.5, 8, 6.5, 2, 1.5, 4.5, 7, 7.5, 6, 1.5, 0.6, 0.4, 0.3, 0.15, 0.08],
  [T_SERVICE]: [0.05, 0.02, 0.02, 0.02, 0.02, 0.05, 0.3, 1.2, 5, 8, 8.5, 7, 2.5, 2, 5.5, 7.5, 7.5, 6, 2.5, 1.5, 1, 0.6, 0.3, 0.1],
  [T_DELETED]: [0.05, 0.02, 0.02, 0.02, 0.02, 0.05, 0.2, 1, 5, 8, 8, 6, 2, 2, 5, 7, 7, 5, 2, 1, 0.8, 0.5, 0.2, 0.1],
  [T_PROJECT]: [0, 0, 0, 0, 0, 0, 0, 0.2, 2, 5, 6, 4, 1, 1, 4, 6, 5, 3, 0.5, 0.2, 0, 0, 0, 0],
  [T_SESSION]: [0, 0, 0, 0, 0, 0, 0.2, 1.5, 5, 7, 7, 4, 1, 1, 4, 6, 6, 4, 3, 3.5, 2, 0.5, 0, 0],
  [T_WISH]: [0, 0, 0, 0, 0, 0, 0, 0.5, 3, 5, 6, 4, 1.5, 1.5, 4, 5.5, 5, 3, 1, 0.6, 0.3, 0, 0, 0],
  [T_DEMAND]: [0, 0, 0, 0, 0, 0, 0.1, 1, 5, 8, 8, 6, 2, 2, 5, 7.5, 7, 5, 1.5, 0.8, 0.4, 0.1, 0, 0],
  [T_EVALUATION]: [0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 5, 4, 0, 0, 4, 5, 4, 0, 0, 0, 0, 0, 0, 0],
};

export const HOUR_TABLES: AliasTable[] = Array.from({ length: N_TYPES }, (_, t) => new AliasTable(HOURLY[t]));

/** A time of day in seconds for a record of `type`, from two uniforms. */
export function timeOfDay(type: number, u1: number, u2: number): number {
  const h = HOUR_TABLES[type].draw(u1);
  return h * 3600 + Math.floor(u2 * 3600);
}
