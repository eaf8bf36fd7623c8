/**
 * Instants (epoch milliseconds) and the Shanghai calendar days they fall on. Asia/Shanghai is UTC+8 all year (no
 * daylight saving), so every day is 86,400,000 ms long and starts at 16:00 UTC of the day before.
 */
import { dayOfEpochDay, epochDayOf, isoWeekday, type Day } from './day';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

const msOf = (instant: number | string | Date): number => (typeof instant === 'number' ? instant : new Date(instant).getTime());

/** The Shanghai calendar day containing the instant. */
export function shanghaiDay(instant: number | string | Date): Day {
  return dayOfEpochDay(Math.floor((msOf(instant) + SHANGHAI_OFFSET_MS) / DAY_MS));
}

/** Midnight (00:00:00.000 Shanghai) at the start of a day, as epoch ms. */
export function dayStart(day: Day): number {
  return epochDayOf(day) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** The last millisecond (23:59:59.999 Shanghai) of a day, as epoch ms. */
export function dayEnd(day: Day): number {
  return dayStart(day) + DAY_MS - 1;
}

export interface ShanghaiClock {
  day: Day;
  year: number;
  month: number;
  dayOfMonth: number;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

/** What a clock in Shanghai shows at the instant. */
export function shanghaiClock(instant: number | Date): ShanghaiClock {
  const ms = msOf(instant);
  const day = shanghaiDay(ms);
  const secondOfDay = Math.floor((ms - dayStart(day)) / 1000);
  return {
    day,
    year: Math.floor(day / 10000),
    month: Math.floor(day / 100) % 100,
    dayOfMonth: day % 100,
    weekday: isoWeekday(day),
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor(secondOfDay / 60) % 60,
    second: secondOfDay % 60,
  };
}

/** ISO 8601 text with the +08:00 offset, milliseconds included. */
export function toShanghaiIso(instant: number | Date): string {
  return new Date(msOf(instant) + SHANGHAI_OFFSET_MS).toISOString().replace('Z', '+08:00');
}

/** RFC 3339 with +08:00 in whole seconds, as the contract's records carry times (no milliseconds). */
export function toShanghaiSeconds(instant: number): string {
  return toShanghaiIso(Math.floor(instant / 1000) * 1000).replace('.000+', '+');
}
