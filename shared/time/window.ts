/**
 * The wall's windows of days (today, this week, this month, this year, or a custom span) and how a window lines up
 * with whole weeks, months and years, which the cache keeps rollups of.
 */
import { addDays, mondayOf, yearOf, type Day } from './day';
import { addMonths, firstDayOfMonth, firstDayOfYear, lastDayOfMonth, monthOf, type Month } from './month';
import type { Span } from './span';

export type CalendarWindow = 'today' | 'week' | 'month' | 'year';

/** A preset window on a day: from the start of its week, month or year to the day itself. */
export function windowOn(window: CalendarWindow, today: Day): Span {
  const from =
    window === 'week' ? mondayOf(today) : window === 'month' ? firstDayOfMonth(monthOf(today)) : window === 'year' ? firstDayOfYear(yearOf(today)) : today;
  return { from, to: today };
}

/** An empty pair for BETWEEN (from > to). */
const NONE: [number, number] = [1, 0];

/**
 * A span of days (inclusive) as the whole months inside it (yyyymm, inclusive) plus the days before and after
 * them, so long windows can read month rollups (a year: 12 months instead of 365 days). Empty parts are [1, 0].
 */
export function splitByMonth(from: Day, to: Day): { head: [Day, Day]; months: [Month, Month]; tail: [Day, Day] } {
  if (from > to) return { head: NONE, months: NONE, tail: NONE };
  const fromMonth = monthOf(from);
  const toMonth = monthOf(to);
  const firstFull = from === firstDayOfMonth(fromMonth) ? fromMonth : addMonths(fromMonth, 1);
  const lastFull = to === lastDayOfMonth(toMonth) ? toMonth : addMonths(toMonth, -1);
  if (firstFull > lastFull) return { head: [from, to], months: NONE, tail: NONE };
  return {
    head: firstFull === fromMonth ? NONE : [from, lastDayOfMonth(fromMonth)],
    months: [firstFull, lastFull],
    tail: lastFull === toMonth ? NONE : [firstDayOfMonth(toMonth), to],
  };
}

/**
 * The week (keyed by its Monday), month (yyyymm) or year a window covers from its first day to today or later, if
 * it is one: rollup rows of that period then answer it exactly (nothing is reported after today).
 */
export function runningPeriod(from: Day, to: Day, today: Day): { of: 'week' | 'month' | 'year'; key: number } | null {
  if (to < today || from > to) return null;
  if (from === mondayOf(from) && to <= addDays(from, 6)) return { of: 'week', key: from };
  const month = monthOf(from);
  if (from === firstDayOfMonth(month) && monthOf(to) === month) return { of: 'month', key: month };
  const year = yearOf(from);
  if (from === firstDayOfYear(year) && yearOf(to) === year) return { of: 'year', key: year };
  return null;
}
