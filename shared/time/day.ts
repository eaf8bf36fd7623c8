/**
 * Calendar days. The app has ONE encoding of a day: the integer yyyymmdd (20261127), always a day of the
 * Asia/Shanghai calendar. Why this one: the cache's rollup tables store and index days that way (and their month and
 * year keys are `day / 100` and `day / 10000` in SQL), the bridge contract carries it, it reads as a date in logs,
 * URLs and SQL, and integer order is date order. Instants are epoch milliseconds (see instant.ts); a day index (the
 * demo generator's days since 2022-01-01) lives only inside its generator and is converted here at its edges.
 *
 * Arithmetic goes through the epoch day (days since 1970-01-01, Howard Hinnant's civil-date algorithms): plain
 * integer maths, no Date objects, no time zone of the machine involved.
 */

/** yyyymmdd, Asia/Shanghai. */
export type Day = number;

export interface DayParts {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
}

export const makeDay = (year: number, month: number, dayOfMonth: number): Day => year * 10000 + month * 100 + dayOfMonth;

export function dayParts(day: Day): DayParts {
  return { year: Math.floor(day / 10000), month: Math.floor(day / 100) % 100, day: day % 100 };
}

export const yearOf = (day: Day): number => Math.floor(day / 10000);

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in month 1..12 of a year. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1];
}

/** True for a yyyymmdd that names a day of the calendar (not 20261131, not 20250229). */
export function isCalendarDay(day: number): boolean {
  if (!Number.isInteger(day) || day < 10000101 || day > 99991231) return false;
  const { year, month, day: d } = dayParts(day);
  return month >= 1 && month <= 12 && d >= 1 && d <= daysInMonth(year, month);
}

/** Days since 1970-01-01 (negative before). A day past its month's end counts on into the next month. */
export function epochDayOf(day: Day): number {
  const { year, month, day: d } = dayParts(day);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + d - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The day `epochDay` days after 1970-01-01. */
export function dayOfEpochDay(epochDay: number): Day {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const d = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return makeDay(yearOfEra + era * 400 + (m <= 2 ? 1 : 0), m, d);
}

export function addDays(day: Day, n: number): Day {
  return dayOfEpochDay(epochDayOf(day) + n);
}

/** How many days `to` is after `from` (negative when before). */
export function daysBetween(from: Day, to: Day): number {
  return epochDayOf(to) - epochDayOf(from);
}

/** Days in the inclusive span from..to (1 for a single day). */
export function dayCount(from: Day, to: Day): number {
  return daysBetween(from, to) + 1;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: Day): number {
  return ((((epochDayOf(day) + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
}

/** The Monday of the week of a day (weeks start on Monday). */
export function mondayOf(day: Day): Day {
  return addDays(day, 1 - isoWeekday(day));
}

/** The first day after `day` that is the given ISO weekday (a Friday's next Friday is a week later). */
export function nextIsoWeekday(day: Day, weekday: number): Day {
  return addDays(day, (weekday - isoWeekday(day) + 7) % 7 || 7);
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;

/** 20261127 → "2026-11-27" */
export function dayToIsoDate(day: Day): string {
  const { year, month, day: d } = dayParts(day);
  return `${year}-${pad2(month)}-${pad2(d)}`;
}

/** "2026-11-27" → 20261127; throws a sentence for anything else, a day that does not exist included. */
export function isoDateToDay(date: string): Day {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`"${date}" is not a date of the form YYYY-MM-DD.`);
  const day = makeDay(Number(m[1]), Number(m[2]), Number(m[3]));
  if (!isCalendarDay(day)) throw new Error(`${date} is not a day of the calendar.`);
  return day;
}

/** 20261127 → "11/27", as the charts' axes label days. */
export function monthDayLabel(day: Day): string {
  const { month, day: d } = dayParts(day);
  return `${month}/${d}`;
}
