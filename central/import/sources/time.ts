/**
 * Times of the ledgers, which are kept in Asia/Shanghai (UTC+8, no daylight saving). The table reader hands dates
 * over as 'YYYY-MM-DD' and date-times as 'YYYY-MM-DDTHH:mm:ss+08:00'; these turn them into instants and back.
 */
import { addDays, dayStart, dayToIsoDate, isCalendarDay, makeDay, shanghaiDay, toShanghaiSeconds } from '../../../shared/time';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDateOnly(value: string): boolean {
  return DATE_ONLY.test(value);
}

/**
 * The instant of a date ('YYYY-MM-DD', taken at the start of that day in Shanghai, or at its last second with
 * `endOfDay`) or of a date-time with an offset; null when it is no real time.
 */
export function instantOf(value: string, endOfDay = false): number | null {
  const m = DATE_ONLY.exec(value);
  if (m) {
    const day = makeDay(Number(m[1]), Number(m[2]), Number(m[3]));
    if (!isCalendarDay(day)) return null;
    return endOfDay ? dayStart(addDays(day, 1)) - 1000 : dayStart(day);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) * 1000 : null;
}

/** The Shanghai calendar date of an instant ('YYYY-MM-DD'). */
export function shanghaiDate(ms: number): string {
  return dayToIsoDate(shanghaiDay(ms));
}

/** A time for a message: '2023-03-05 09:30' (seconds only when not zero). */
export function displayTime(ms: number): string {
  const iso = toShanghaiSeconds(ms);
  const time = iso.slice(11, 19).replace(/:00$/, '');
  return `${iso.slice(0, 10)} ${time}`;
}
