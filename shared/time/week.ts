/**
 * ISO 8601 weeks: Monday to Sunday; week 1 is the week with the year's first Thursday, so 1 to 3 January may belong
 * to the last week (52 or 53) of the year before and 29 to 31 December to week 1 of the next.
 */
import { addDays, dayOfEpochDay, epochDayOf, isoWeekday, makeDay, yearOf, type Day } from './day';
import type { Span } from './span';

export interface IsoWeek {
  year: number;
  week: number;
}

export function isoWeekOf(day: Day): IsoWeek {
  const thursday = epochDayOf(day) - isoWeekday(day) + 4;
  const year = yearOf(dayOfEpochDay(thursday));
  return { year, week: Math.floor((thursday - epochDayOf(makeDay(year, 1, 1))) / 7) + 1 };
}

/** 52 or 53: 28 December is always in a year's last week. */
export function weeksInYear(year: number): number {
  return isoWeekOf(makeDay(year, 12, 28)).week;
}

/** The Monday of a week (4 January is always in week 1). */
export function isoWeekStart({ year, week }: IsoWeek): Day {
  const jan4 = makeDay(year, 1, 4);
  return addDays(jan4, 1 - isoWeekday(jan4) + (week - 1) * 7);
}

/** { 2026, 47 } → "2026-W47" */
export function formatIsoWeek({ year, week }: IsoWeek): string {
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** "2026-W47" → { 2026, 47 }; null when the text is not of that form or the year has no such week. */
export function parseIsoWeek(text: string): IsoWeek | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(text);
  if (!m) return null;
  const week = { year: Number(m[1]), week: Number(m[2]) };
  return week.week >= 1 && week.week <= weeksInYear(week.year) ? week : null;
}

/** Monday..Sunday of an ISO week "YYYY-Www". Throws a sentence for text that is no week. */
export function isoWeekRange(text: string): Span {
  const week = parseIsoWeek(text);
  if (!week) {
    if (!/^\d{4}-W\d{2}$/.test(text)) throw new Error(`"${text}" is not an ISO week of the form YYYY-Www (e.g. 2026-W47).`);
    throw new Error(`${text} does not exist.`);
  }
  const from = isoWeekStart(week);
  return { from, to: addDays(from, 6) };
}

/** The week before today's: the last one that is over, what a Monday briefing reviews. */
export function lastCompleteWeek(today: Day): string {
  return formatIsoWeek(isoWeekOf(addDays(today, -7)));
}
