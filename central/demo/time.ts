/**
 * Time for the demo generator. It counts days by a compact index (day 0 = 2022-01-01, Shanghai) because its plan
 * keeps arrays and prefix sums by day, and times in whole seconds since the start of day 0
 * (2022-01-01T00:00:00+08:00): day n starts at n * 86400, since Shanghai has no daylight saving. The index lives only
 * in here and the generator; every calendar question about it (its date, weekday, quarter) is answered by the app's
 * calendar (shared/time) through `calendarDay` / `dayIndex`, and what leaves the generator is ISO text.
 */
import {
  DAY_MS,
  dayOfEpochDay,
  dayParts,
  dayStart,
  dayToIsoDate,
  epochDayOf,
  formatQuarter,
  isoWeekday,
  makeDay,
  quarterPartsOf,
  quarterSpan,
  type Day,
  type DayParts,
} from '../../shared/time';

/** The first day of the generator, day index 0. */
const FIRST_DAY: Day = 20220101;
const FIRST_EPOCH_DAY = epochDayOf(FIRST_DAY);
/** 2022-01-01T00:00:00+08:00 in Unix seconds. */
const EPOCH_UNIX = dayStart(FIRST_DAY) / 1000;
/** Seconds in a day. */
export const DAY = DAY_MS / 1000;

export function secFromUnixMs(ms: number): number {
  return Math.floor(ms / 1000) - EPOCH_UNIX;
}

/** The day index of a time in seconds. */
export function dayOf(sec: number): number {
  return Math.floor(sec / DAY);
}

/** The calendar day (yyyymmdd) of a day index. */
export const calendarDay = (index: number): Day => dayOfEpochDay(index + FIRST_EPOCH_DAY);

/** The day index of a calendar day. */
export const dayIndex = (day: Day): number => epochDayOf(day) - FIRST_EPOCH_DAY;

/** Year, month and day of a day index. */
export const civil = (index: number): DayParts => dayParts(calendarDay(index));

/** Day index of a date. */
export const dayOfDate = (year: number, month: number, day: number): number => dayIndex(makeDay(year, month, day));

/** 0 = Monday … 6 = Sunday, as the plan's weekday weights count. */
export const weekday = (index: number): number => isoWeekday(calendarDay(index)) - 1;

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

const dateCache = new Map<number, string>();

/** YYYY-MM-DD of a day index. */
export function dateString(index: number): string {
  let s = dateCache.get(index);
  if (s === undefined) {
    s = dayToIsoDate(calendarDay(index));
    if (dateCache.size < 20000) dateCache.set(index, s);
  }
  return s;
}

const timeOfDayText: string[] = new Array<string>(DAY);

/** ISO 8601 with +08:00, whole seconds. The "Thh:mm:ss+08:00" tails are cached: paging formats millions. */
export function iso(sec: number): string {
  const day = Math.floor(sec / DAY);
  const r = sec - day * DAY;
  let tail = timeOfDayText[r];
  if (tail === undefined) {
    const h = Math.floor(r / 3600);
    const mi = Math.floor((r - h * 3600) / 60);
    const s = r - h * 3600 - mi * 60;
    tail = timeOfDayText[r] = `T${pad2(h)}:${pad2(mi)}:${pad2(s)}+08:00`;
  }
  return dateString(day) + tail;
}

/** The generator's quarters are indexed from 2022-Q1 (0) too, for its per-quarter tables. */
const FIRST_YEAR = dayParts(FIRST_DAY).year;

/** Quarter index (0 = 2022-Q1) of a day index. */
export function quarterIndexOfDay(index: number): number {
  const { year, quarter } = quarterPartsOf(calendarDay(index));
  return (year - FIRST_YEAR) * 4 + (quarter - 1);
}

const quarterOfIndex = (index: number) => ({ year: FIRST_YEAR + Math.floor(index / 4), quarter: (index % 4) + 1 });

/** "2023-Q1" of a quarter index. */
export function quarterLabel(index: number): string {
  return formatQuarter(quarterOfIndex(index));
}

/** First day index of quarter `index` and first day index of the next one. */
export function quarterDays(index: number): { start: number; end: number } {
  const { from, to } = quarterSpan(quarterOfIndex(index));
  return { start: dayIndex(from), end: dayIndex(to) + 1 };
}

/** Spring Festival (lunar new year) dates, for the seasonal rhythm. */
const SPRING_FESTIVAL: Record<number, [number, number]> = {
  2022: [2, 1],
  2023: [1, 22],
  2024: [2, 10],
  2025: [1, 29],
  2026: [2, 17],
  2027: [2, 6],
  2028: [1, 26],
  2029: [2, 13],
  2030: [2, 3],
  2031: [1, 23],
  2032: [2, 11],
  2033: [1, 31],
  2034: [2, 19],
  2035: [2, 8],
  2036: [1, 28],
  2037: [2, 15],
  2038: [2, 4],
  2039: [1, 24],
};

/** Days from the year's Spring Festival (negative before it); large when unknown. */
export function daysFromSpringFestival(day: number): number {
  const { year } = civil(day);
  const sf = SPRING_FESTIVAL[year];
  if (!sf) return 999;
  return day - dayOfDate(year, sf[0], sf[1]);
}

/** Public holidays that empty the offices (Spring Festival week, Labour Day, National Day week). */
export function isHoliday(day: number): boolean {
  const sf = daysFromSpringFestival(day);
  if (sf >= -1 && sf <= 5) return true;
  const { month, day: d } = civil(day);
  if (month === 5 && d <= 5) return true;
  if (month === 10 && d <= 7) return true;
  return false;
}
