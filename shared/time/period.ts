/**
 * The briefing's periods: an ISO week, a month or a custom range of days, with the two periods it is compared with
 * (环比: the one before; 同比: the same one a year earlier). The contract's PeriodRequest (shared/bridge/briefing.ts)
 * is a PeriodSpec checked by zod.
 */
import { addDays, dayCount, type Day } from './day';
import { addMonths, formatMonth, monthRange, parseMonth, shiftYears } from './month';
import type { Span } from './span';
import { formatIsoWeek, isoWeekOf, isoWeekRange, parseIsoWeek } from './week';

export type PeriodSpec = { kind: 'week'; week: string } | { kind: 'month'; month: string } | { kind: 'custom'; from: Day; to: Day };

/** A period's days and those of the periods it is compared with. */
export interface PeriodDays extends Span {
  kind: PeriodSpec['kind'];
  /** 2026-W47, 2026-11 or 20261101-20261115 */
  key: string;
  days: number;
  previous: Span;
  lastYear: Span;
}

/** 2026-W47, 2026-11 or 20261101-20261115: URLs, caches and trend rows name periods so. */
export function periodKey(p: PeriodSpec): string {
  return p.kind === 'week' ? p.week : p.kind === 'month' ? p.month : `${p.from}-${p.to}`;
}

/** The spec a key has the form of (not checked against the calendar: resolvePeriod or the contract does that). */
export function periodSpecOfKey(key: string): PeriodSpec | null {
  if (/^\d{4}-W\d{2}$/.test(key)) return { kind: 'week', week: key };
  if (/^\d{4}-\d{2}$/.test(key)) return { kind: 'month', month: key };
  const m = /^(\d{8})-(\d{8})$/.exec(key);
  return m ? { kind: 'custom', from: Number(m[1]), to: Number(m[2]) } : null;
}

function monthOfSpec(text: string) {
  const month = parseMonth(text);
  if (month === null) throw new Error(`"${text}" is not a month of the form YYYY-MM (e.g. 2026-11).`);
  return month;
}

/** The days of a period and of the two it is compared with. Throws a sentence for a period that does not exist. */
export function resolvePeriod(p: PeriodSpec): PeriodDays {
  if (p.kind === 'week') {
    const span = isoWeekRange(p.week);
    const { year, week } = isoWeekOf(span.from);
    // Same ISO week a year earlier; week 53 falls back to week 52 in a 52-week year.
    const lastYear = isoWeekRange(formatIsoWeek(parseIsoWeek(formatIsoWeek({ year: year - 1, week })) ?? { year: year - 1, week: 52 }));
    return { kind: 'week', key: p.week, ...span, days: 7, previous: { from: addDays(span.from, -7), to: addDays(span.to, -7) }, lastYear };
  }
  if (p.kind === 'month') {
    const month = monthOfSpec(p.month);
    const span = monthRange(month);
    return {
      kind: 'month',
      key: p.month,
      ...span,
      days: dayCount(span.from, span.to),
      previous: monthRange(addMonths(month, -1)),
      lastYear: monthRange(addMonths(month, -12)),
    };
  }
  const days = dayCount(p.from, p.to);
  return {
    kind: 'custom',
    key: periodKey(p),
    from: p.from,
    to: p.to,
    days,
    previous: { from: addDays(p.from, -days), to: addDays(p.from, -1) },
    lastYear: { from: shiftYears(p.from, -1), to: shiftYears(p.to, -1) },
  };
}

/** The period `delta` steps before (−) or after (+) this one, of the same kind and length. */
export function shiftPeriod(p: PeriodSpec, delta: number): PeriodSpec {
  if (p.kind === 'week') return { kind: 'week', week: formatIsoWeek(isoWeekOf(addDays(isoWeekRange(p.week).from, 7 * delta))) };
  if (p.kind === 'month') return { kind: 'month', month: formatMonth(addMonths(monthOfSpec(p.month), delta)) };
  const days = dayCount(p.from, p.to);
  return { kind: 'custom', from: addDays(p.from, days * delta), to: addDays(p.to, days * delta) };
}

/** The `n` periods of the same kind ending with this one, oldest first (a briefing's trend). */
export function periodsEndingWith(p: PeriodSpec, n: number): (Span & { key: string })[] {
  return Array.from({ length: n }, (_, i) => {
    const q = shiftPeriod(p, i - (n - 1));
    const { from, to } = resolvePeriod(q);
    return { key: periodKey(q), from, to };
  });
}
