/**
 * KPI formulas: the one definition of every rate the app shows, used by the query layer, the briefing and the
 * reports, and tested against hand-worked fixtures (tests/shared/kpi.test.ts). Pure functions, no I/O.
 * A rate with nothing to measure is null (shown as "—"), never 0 or 100%.
 */
import type { SafeCriterion } from '../api/schemas';

export type Rate = number | null;

const ratio = (part: number, whole: number): Rate => (whole > 0 ? part / whole : null);

/** 满意率 = (满意 + 基本满意) / 已评价. Unrated cases are left out of both sides. */
export function satisfactionRate(c: { satisfied: number; basic: number; dissatisfied: number }): Rate {
  return ratio(c.satisfied + c.basic, c.satisfied + c.basic + c.dissatisfied);
}

/** 按期办结率 = cases closed no later than their deadline / cases closed. Open cases do not count yet. */
export function onTimeRate(c: { onTime: number; closed: number }): Rate {
  return ratio(c.onTime, c.closed);
}

/** 矛盾纠纷化解率 = disputes closed as resolved / disputes found (reported) in the same window. */
export function disputeResolutionRate(c: { resolved: number; found: number }): Rate {
  return ratio(c.resolved, c.found);
}

/** A case is overdue when it is still open after its deadline. */
export function isOverdue(e: { stage: string; deadline: number }, now: number): boolean {
  return e.stage !== 'closed' && e.deadline < now;
}

export type GridStatus = 'safe' | 'at_risk' | 'normal';

/**
 * Live 平安网格 status of a grid: the official title comes from the latest evaluation; a titled grid is "at risk"
 * as soon as a case in the current assessment period breaks one of the eight criteria. A grid without the title
 * is "normal" (its broken criteria are still listed).
 */
export function gridStatus(officialSafe: boolean, brokenThisPeriod: readonly SafeCriterion[]): GridStatus {
  if (!officialSafe) return 'normal';
  return brokenThisPeriod.length > 0 ? 'at_risk' : 'safe';
}

const RISK_STATUS_ORDER = { at_risk: 0, normal: 1, safe: 2 } as const;

/**
 * A grid's place in the risk list, lower first: at risk, then normal, then most criteria broken (at most eight); ties
 * by grid code. The core lists a map view's first RISK_ROWS in this order, the wall ranks live grid states by it.
 */
export function riskRank(status: GridStatus, brokenCount: number): number {
  return RISK_STATUS_ORDER[status] * 100 - brokenCount;
}

/** Week-on-week (or year-on-year) change as a fraction of the earlier figure; null when there is no base. */
export function change(current: number, previous: number): Rate {
  return previous > 0 ? (current - previous) / previous : null;
}

/** Rounds a rate to a percentage with one decimal, e.g. 0.96604 → 96.6. */
export function percent(rate: Rate, digits = 1): number | null {
  if (rate === null) return null;
  const f = 10 ** digits;
  return Math.round(rate * 100 * f) / f;
}
