/**
 * Months and years. A month is keyed yyyymm (202611), which is `day / 100` of its days: the cache's month rollups
 * use the same key. Its text form is "2026-11".
 */
import { daysInMonth, dayParts, makeDay, type Day } from './day';
import type { Span } from './span';

/** yyyymm */
export type Month = number;

export const monthOf = (day: Day): Month => Math.floor(day / 100);
export const makeMonth = (year: number, month: number): Month => year * 100 + month;

export function monthParts(month: Month): { year: number; month: number } {
  return { year: Math.floor(month / 100), month: month % 100 };
}

export const firstDayOfMonth = (month: Month): Day => month * 100 + 1;

export function lastDayOfMonth(month: Month): Day {
  const p = monthParts(month);
  return month * 100 + daysInMonth(p.year, p.month);
}

export function monthRange(month: Month): Span {
  return { from: firstDayOfMonth(month), to: lastDayOfMonth(month) };
}

/** The month `n` months after (before, when negative) this one. */
export function addMonths(month: Month, n: number): Month {
  const p = monthParts(month);
  const i = p.year * 12 + (p.month - 1) + n;
  return makeMonth(Math.floor(i / 12), (((i % 12) + 12) % 12) + 1);
}

/** 202611 → "2026-11" */
export function formatMonth(month: Month): string {
  const p = monthParts(month);
  return `${p.year}-${String(p.month).padStart(2, '0')}`;
}

/** "2026-11" → 202611; null for anything else. */
export function parseMonth(text: string): Month | null {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  return m ? makeMonth(Number(m[1]), Number(m[2])) : null;
}

export const firstDayOfYear = (year: number): Day => makeDay(year, 1, 1);
export const lastDayOfYear = (year: number): Day => makeDay(year, 12, 31);

/** The same day `years` years later (earlier, when negative); 29 February becomes the 28th in a common year. */
export function shiftYears(day: Day, years: number): Day {
  const { year, month, day: d } = dayParts(day);
  return makeDay(year + years, month, Math.min(d, daysInMonth(year + years, month)));
}
