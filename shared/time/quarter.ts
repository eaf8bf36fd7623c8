/**
 * Quarters and half-years: the assessment periods of the 平安网格 evaluations ("2023-Q1", "2023-H1").
 */
import { dayParts, type Day } from './day';
import { firstDayOfMonth, lastDayOfMonth, makeMonth } from './month';
import type { Span } from './span';

const PERIOD = /^(\d{4})-([QH])([1-4])$/;

function parse(period: string): { year: number; half: boolean; n: number } | null {
  const m = PERIOD.exec(period);
  if (!m || (m[2] === 'H' && Number(m[3]) > 2)) return null;
  return { year: Number(m[1]), half: m[2] === 'H', n: Number(m[3]) };
}

function parseOrThrow(period: string) {
  const p = parse(period);
  if (!p) throw new Error(`"${period}" is not an assessment period like 2023-Q1 or 2023-H1.`);
  return p;
}

export interface Quarter {
  year: number;
  /** 1..4 */
  quarter: number;
}

export function quarterPartsOf(day: Day): Quarter {
  const { year, month } = dayParts(day);
  return { year, quarter: Math.floor((month - 1) / 3) + 1 };
}

/** { 2023, 1 } → "2023-Q1" */
export const formatQuarter = ({ year, quarter }: Quarter): string => `${year}-Q${quarter}`;

/** 20230323 → "2023-Q1" */
export const quarterOf = (day: Day): string => formatQuarter(quarterPartsOf(day));

/** First and last day of a quarter. */
export function quarterSpan({ year, quarter }: Quarter): Span {
  return { from: firstDayOfMonth(makeMonth(year, quarter * 3 - 2)), to: lastDayOfMonth(makeMonth(year, quarter * 3)) };
}

/** 20230723 → "2023-H2" */
export function halfYearOf(day: Day): string {
  const { year, month } = dayParts(day);
  return `${year}-H${month <= 6 ? 1 : 2}`;
}

/** "2023-Q1" → "2022-Q4" */
export function previousQuarter(quarter: string): string {
  const p = parse(quarter);
  if (!p || p.half) throw new Error(`"${quarter}" is not a quarter like 2023-Q1.`);
  return p.n === 1 ? `${p.year - 1}-Q4` : `${p.year}-Q${p.n - 1}`;
}

/** First and last day of a quarter or half-year. */
export function assessmentPeriodRange(period: string): Span {
  const p = parseOrThrow(period);
  const months = p.half ? 6 : 3;
  const lastMonth = p.n * months;
  return { from: firstDayOfMonth(makeMonth(p.year, lastMonth - months + 1)), to: lastDayOfMonth(makeMonth(p.year, lastMonth)) };
}

/**
 * Where an assessment period stands in time: periods are ordered by their end, and a half-year after the quarter it
 * ends with (Q1 < Q2 < H1 < Q3 < Q4 < H2). The value is yyyymm of the last month × 10, plus 1 for a half-year, so
 * `Math.floor(order / 10)` is the month the period ends in. Text order got this wrong ("2023-H1" < "2023-Q1"). The
 * cache keeps it per evaluation (evaluations.period_key, migration 007).
 */
export function periodOrder(period: string): number {
  const p = parseOrThrow(period);
  return makeMonth(p.year, p.n * (p.half ? 6 : 3)) * 10 + (p.half ? 1 : 0);
}

/** The largest periodOrder of any period that ends by the end of `period` (a half-year ending with it included). */
export function periodOrderEndingBy(period: string): number {
  return Math.floor(periodOrder(period) / 10) * 10 + 9;
}
