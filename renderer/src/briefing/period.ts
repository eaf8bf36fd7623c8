/** Periods in the UI: keys for URLs and caches, paging to the previous/next period, labels. */
import { periodFromKey, resolvePeriod, type PeriodRequest } from '../../../shared/bridge/briefing';
import { addDays, dayToIsoDate, formatIsoWeek, isoDateToDay, isoWeekOf } from '../../../shared/time/shanghai';

export function periodKey(p: PeriodRequest): string {
  return p.kind === 'week' ? p.week : p.kind === 'month' ? p.month : `${p.from}-${p.to}`;
}

export { periodFromKey };

/** The period `delta` steps before (−) or after (+) this one, of the same kind and length. */
export function shiftPeriod(p: PeriodRequest, delta: number): PeriodRequest {
  if (p.kind === 'week') {
    const { from } = resolvePeriod(p);
    return { kind: 'week', week: formatIsoWeek(isoWeekOf(addDays(from, 7 * delta))) };
  }
  if (p.kind === 'month') {
    const [y, m] = p.month.split('-').map(Number);
    const i = y * 12 + (m - 1) + delta;
    return { kind: 'month', month: `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}` };
  }
  const days = resolvePeriod(p).days;
  return { kind: 'custom', from: addDays(p.from, days * delta), to: addDays(p.to, days * delta) };
}

type T = (key: string, values?: Record<string, unknown>) => string;

export function periodLabel(p: PeriodRequest, t: T): string {
  if (p.kind === 'week') {
    const [year, week] = p.week.split('-W');
    return t('briefing.period.weekLabel', { year, week: Number(week) });
  }
  if (p.kind === 'month') {
    const [year, month] = p.month.split('-');
    return t('briefing.period.monthLabel', { year, month: Number(month) });
  }
  return t('briefing.period.range', { from: dayToIsoDate(p.from), to: dayToIsoDate(p.to) });
}

/** yyyymmdd ↔ the value of an <input type="date">. */
export const dayToInput = (day: number) => dayToIsoDate(day);
export function inputToDay(value: string): number | null {
  try {
    return isoDateToDay(value);
  } catch {
    return null;
  }
}
