/**
 * Open311 date-times (GeoReport v2: ISO 8601 with Z or an HH:MM offset) read strictly and written as the contract
 * writes every time: RFC 3339 in Asia/Shanghai, whole seconds, "+08:00".
 */
import { daysInMonth, SHANGHAI_OFFSET_MS, toShanghaiSeconds } from '../../../shared/time';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const SHANGHAI_OFFSET_MIN = SHANGHAI_OFFSET_MS / 60_000;

export interface Open311Time {
  /** Epoch milliseconds. */
  ms: number;
  /** RFC 3339 with +08:00, whole seconds (what the contract's records carry). */
  iso: string;
  /** The text carried no offset and was read as Shanghai time (the spec requires one; some platforms leave it out). */
  assumedOffset: boolean;
}

/** A date-time as an Open311 server writes it, or null when it is no real date-time (month 13, 30 February, junk). */
export function parseOpen311Time(text: string): Open311Time | null {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const fraction = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  const zone = m[8];
  let offsetMin = SHANGHAI_OFFSET_MIN;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (hours > 14 || minutes > 59) return null;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
  } else if (zone) offsetMin = 0;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction) - offsetMin * 60_000;
  return { ms, iso: toShanghaiSeconds(ms), assumedOffset: !zone };
}
