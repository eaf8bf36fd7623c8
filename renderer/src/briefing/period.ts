/** Periods in the UI: their labels and the value of a date input. The arithmetic is the calendar's (shared/time). */
import type { PeriodRequest } from '../../../shared/bridge/briefing';
import { dayToIsoDate, isoDateToDay, monthParts, parseIsoWeek, parseMonth, type Day } from '../../../shared/time';

type T = (key: string, values?: Record<string, unknown>) => string;

export function periodLabel(p: PeriodRequest, t: T): string {
  if (p.kind === 'week') {
    const week = parseIsoWeek(p.week);
    return week ? t('briefing.period.weekLabel', { year: String(week.year), week: week.week }) : p.week;
  }
  if (p.kind === 'month') {
    const month = parseMonth(p.month);
    return month === null ? p.month : t('briefing.period.monthLabel', { year: String(monthParts(month).year), month: monthParts(month).month });
  }
  return t('briefing.period.range', { from: dayToIsoDate(p.from), to: dayToIsoDate(p.to) });
}

/** yyyymmdd ↔ the value of an <input type="date">. */
export const dayToInput = (day: Day) => dayToIsoDate(day);
export function inputToDay(value: string): Day | null {
  try {
    return isoDateToDay(value);
  } catch {
    return null;
  }
}
