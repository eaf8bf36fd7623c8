/**
 * Calendar arithmetic in Asia/Shanghai (UTC+8 all year, no daylight saving), which is what every day, week and
 * period in the app means. Days are integers yyyymmdd so ranges are cheap to index and compare.
 */
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** yyyymmdd of the Shanghai calendar day containing the instant. */
export function shanghaiDay(instant: number | string | Date): number {
  const ms = typeof instant === 'number' ? instant : new Date(instant).getTime();
  const d = new Date(ms + OFFSET_MS);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** Midnight (Shanghai) at the start of a yyyymmdd day, as epoch ms. */
export function dayStart(day: number): number {
  const y = Math.floor(day / 10000);
  const m = Math.floor((day % 10000) / 100);
  const d = day % 100;
  return Date.UTC(y, m - 1, d) - OFFSET_MS;
}

export function addDays(day: number, n: number): number {
  return shanghaiDay(dayStart(day) + n * DAY_MS + OFFSET_MS / 2);
}

/** The Monday (yyyymmdd) of the week of a day: weeks start on Monday. */
export function mondayOf(day: number): number {
  const weekday = (new Date(dayStart(day) + OFFSET_MS).getUTCDay() + 6) % 7; // Monday 0
  return addDays(day, -weekday);
}

export function dayToIsoDate(day: number): string {
  const s = String(day);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

export function isoDateToDay(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`"${date}" is not a date of the form YYYY-MM-DD.`);
  return Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]);
}

/** ISO 8601 text with the +08:00 offset. */
export function toShanghaiIso(instant: number | Date): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return new Date(ms + OFFSET_MS).toISOString().replace('Z', '+08:00');
}

/** RFC 3339 with +08:00 in whole seconds, as the contract's records carry times (no milliseconds). */
export function toShanghaiSeconds(instant: number): string {
  return toShanghaiIso(Math.floor(instant / 1000) * 1000).replace('.000+', '+');
}

/** ISO week (Monday first) of a day: { year, week }. */
export function isoWeekOf(day: number): { year: number; week: number } {
  const date = new Date(dayStart(day) + OFFSET_MS); // UTC fields now read as the Shanghai calendar
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(date.getTime() + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week1Monday = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * DAY_MS;
  return { year, week: 1 + Math.floor((thursday.getTime() - 3 * DAY_MS - week1Monday) / (7 * DAY_MS)) };
}

export function formatIsoWeek({ year, week }: { year: number; week: number }): string {
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday..Sunday of an ISO week "YYYY-Www" as inclusive yyyymmdd days. */
export function isoWeekRange(text: string): { from: number; to: number } {
  const m = /^(\d{4})-W(\d{2})$/.exec(text);
  if (!m) throw new Error(`"${text}" is not an ISO week of the form YYYY-Www (e.g. 2026-W47).`);
  const year = Number(m[1]);
  const week = Number(m[2]);
  const jan4 = Date.UTC(year, 0, 4);
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS + (week - 1) * 7 * DAY_MS;
  const from = shanghaiDay(monday); // UTC midnight of that Monday is 08:00 the same day in Shanghai
  if (week < 1 || week > 53 || isoWeekOf(from).year !== year) throw new Error(`${text} does not exist.`);
  return { from, to: addDays(from, 6) };
}
