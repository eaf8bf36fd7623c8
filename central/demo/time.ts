/**
 * Time for the demo generator. All generated times are whole seconds since EPOCH (2022-01-01T00:00:00+08:00) and
 * are written as ISO 8601 with the +08:00 offset (China has no daylight saving, so local days are 86,400 s and
 * day n starts at n * 86400).
 */

/** 2022-01-01T00:00:00+08:00 in Unix seconds. */
export const EPOCH_UNIX = 1640966400;
export const DAY = 86400;
/** Days from 1970-01-01 to 2022-01-01. */
const EPOCH_DAYS_1970 = 18993;

export function secFromUnixMs(ms: number): number {
  return Math.floor(ms / 1000) - EPOCH_UNIX;
}

export function unixMsFromSec(sec: number): number {
  return (sec + EPOCH_UNIX) * 1000;
}

export function dayOf(sec: number): number {
  return Math.floor(sec / DAY);
}

/** Civil date of a day index (Howard Hinnant's algorithm). */
export function civil(day: number): { y: number; m: number; d: number } {
  const z = day + EPOCH_DAYS_1970 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** Day index of a civil date. */
export function dayOfDate(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468 - EPOCH_DAYS_1970;
}

/** 0 = Monday … 6 = Sunday. */
export function weekday(day: number): number {
  return (((day + EPOCH_DAYS_1970 + 3) % 7) + 7) % 7;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

const dateCache = new Map<number, string>();

export function dateString(day: number): string {
  let s = dateCache.get(day);
  if (s === undefined) {
    const { y, m, d } = civil(day);
    s = `${y}-${pad2(m)}-${pad2(d)}`;
    if (dateCache.size < 20000) dateCache.set(day, s);
  }
  return s;
}

const timeOfDayText: string[] = new Array<string>(86400);

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

/** Parse an ISO 8601 time with offset into seconds since EPOCH. */
export function secFromIso(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`not an ISO time: ${text}`);
  return secFromUnixMs(ms);
}

export function yearOfDay(day: number): number {
  return civil(day).y;
}

/** Quarter label of a day, e.g. "2023-Q1". */
export function quarterOf(day: number): { year: number; q: number } {
  const { y, m } = civil(day);
  return { year: y, q: Math.floor((m - 1) / 3) + 1 };
}

/** Quarter index since 2022-Q1 (0 = 2022-Q1). */
export function quarterIndexOfDay(day: number): number {
  const { year, q } = quarterOf(day);
  return (year - 2022) * 4 + (q - 1);
}

export function quarterLabel(index: number): string {
  return `${2022 + Math.floor(index / 4)}-Q${(index % 4) + 1}`;
}

/** First day of quarter `index` and first day of the next one. */
export function quarterDays(index: number): { start: number; end: number } {
  const y = 2022 + Math.floor(index / 4);
  const q = index % 4;
  const start = dayOfDate(y, q * 3 + 1, 1);
  const end = q === 3 ? dayOfDate(y + 1, 1, 1) : dayOfDate(y, q * 3 + 4, 1);
  return { start, end };
}

/** ISO week (Monday first) of a day: e.g. { year: 2026, week: 47 }. */
export function isoWeek(day: number): { year: number; week: number } {
  const wd = weekday(day);
  const thursday = day - wd + 3;
  const { y } = civil(thursday);
  const jan1 = dayOfDate(y, 1, 1);
  return { year: y, week: Math.floor((thursday - jan1) / 7) + 1 };
}

/** Monday of ISO week `week` of `year`. */
export function isoWeekStart(year: number, week: number): number {
  const jan4 = dayOfDate(year, 1, 4);
  return jan4 - weekday(jan4) + (week - 1) * 7;
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
  const { y } = civil(day);
  const sf = SPRING_FESTIVAL[y];
  if (!sf) return 999;
  return day - dayOfDate(y, sf[0], sf[1]);
}

/** Public holidays that empty the offices (Spring Festival week, Labour Day, National Day week). */
export function isHoliday(day: number): boolean {
  const sf = daysFromSpringFestival(day);
  if (sf >= -1 && sf <= 5) return true;
  const { m, d } = civil(day);
  if (m === 5 && d <= 5) return true;
  if (m === 10 && d <= 7) return true;
  return false;
}
