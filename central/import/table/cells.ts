/**
 * Reading what people write in ledger cells: dates in the half-dozen ways 街道 staff write them, full-width digits,
 * thousands separators, 是/否 and √/×, enum labels and their synonyms, lists in one cell. Pure functions, no I/O;
 * the sources reuse them for their own columns.
 *
 * Dates and times are Asia/Shanghai wall times (the ledgers are kept there; China has no daylight saving, so the
 * offset is always +08:00). A JS Date is read the way exceljs (and our SheetJS reader) gives a date cell: its UTC
 * fields are the wall time written in the cell, so a date-only cell (UTC midnight) stays on its day.
 */

import { daysInMonth, SHANGHAI_OFFSET_MS } from '../../../shared/time';

const SHANGHAI_OFFSET = '+08:00';
const MIN_YEAR = 1900;
const MAX_YEAR = 2100;
/** Excel's 1900 date system: day 0 is 1899-12-31 and day 60 is the 1900-02-29 that never was (Lotus's bug). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const EXCEL_FAKE_LEAP_DAY = 60;
const EXCEL_MAX_SERIAL = 2958465; // 9999-12-31

/** Trim, full-width ASCII (Ａ１，：) → half-width, runs of spaces (also U+3000, no-break) → one; line breaks are kept. */
export function normaliseText(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\u200B-\u200D\uFEFF]/g, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00A0\u2002-\u200A\u202F\u205F\u3000]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .trim();
}

/** Free text as written (Chinese punctuation kept): trimmed, runs of spaces collapsed, line breaks kept. */
export function cleanText(s: string): string {
  return s
    .replace(/[\u200B-\u200D\uFEFF]/g, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00A0\u2002-\u200A\u202F\u205F\u3000]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .trim();
}

/**
 * A header's comparison key: normalised, lower case, without spaces, colons, parentheses and the * that marks a
 * required column. `loose` also drops what is inside parentheses (units, hints: 面积（平方公里）→ 面积).
 */
export function headerKey(header: string, loose = false): string {
  let s = normaliseText(header).toLowerCase();
  if (loose) s = s.replace(/\([^)]*\)|\[[^\]]*\]|【[^】]*】|〔[^〕]*〕/g, '');
  return s.replace(/[\s:*※()[\]【】〔〕]/g, '');
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function formatDate(t: WallTime): string {
  return `${t.year}-${pad2(t.month)}-${pad2(t.day)}`;
}

function formatDateTime(t: WallTime): string {
  return `${formatDate(t)}T${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}${SHANGHAI_OFFSET}`;
}

function fromUtcFields(ms: number): WallTime | null {
  if (!Number.isFinite(ms)) return null;
  const d = new Date(Math.round(ms / 1000) * 1000);
  const t = {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
  return t.year >= MIN_YEAR && t.year <= MAX_YEAR ? t : null;
}

function checked(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): WallTime | null {
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  if (day > daysInMonth(year, month)) return null;
  return { year, month, day, hour, minute, second };
}

/** An Excel serial day number (1900 system; the fraction is the time of day) as a wall time. */
export function excelSerialToDate(serial: number): Date | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > EXCEL_MAX_SERIAL) return null;
  const whole = Math.floor(serial);
  if (whole === EXCEL_FAKE_LEAP_DAY) return null;
  // Serials before the fake leap day are one day off from the epoch used after it.
  const days = whole < EXCEL_FAKE_LEAP_DAY ? serial + 1 : serial;
  return new Date(EXCEL_EPOCH_MS + Math.round(days * 86400) * 1000);
}

const NUMERIC_DATE = /^\d{8}$/;
const COMPACT_DATE_TIME = /^(\d{4})(\d{2})(\d{2})(?:\s*(\d{1,2}):?(\d{2})(?::?(\d{2}))?)?$/;
const SERIAL_TEXT = /^\d{5}(?:\.\d+)?$/;
// 2023-3-5, 2023/3/5, 2023.03.05, 2023年3月5日, each with an optional time: 10:30, 10:30:00, 10时30分, T10:30:00+08:00.
const SEPARATED_DATE_TIME =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*[T ]?\s*(\d{1,2})\s*[:时点]\s*(\d{1,2})(?:\s*(?:分|[:分]\s*(\d{1,2})(?:\.\d+)?\s*秒?))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function offsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

function fromText(text: string): WallTime | null {
  const s = normaliseText(text);
  if (!s) return null;
  if (SERIAL_TEXT.test(s)) return fromNumber(Number(s));
  const compact = COMPACT_DATE_TIME.exec(s);
  if (compact) {
    const [, y, mo, d, h, mi, sec] = compact;
    return checked(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0));
  }
  const m = SEPARATED_DATE_TIME.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, zone] = m;
  const wall = checked(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0));
  if (!wall || !zone) return wall;
  // A stated offset (an ISO export): the instant, seen on a Shanghai clock.
  const instant = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - offsetMinutes(zone) * 60_000;
  return fromUtcFields(instant + SHANGHAI_OFFSET_MS);
}

function fromNumber(n: number): WallTime | null {
  if (!Number.isFinite(n)) return null;
  // 20230305 typed as a number is a date written without separators, not serial day 20 million.
  if (Number.isInteger(n) && NUMERIC_DATE.test(String(n))) return fromText(String(n));
  const date = excelSerialToDate(n);
  return date ? fromUtcFields(date.getTime()) : null;
}

function wallTime(value: string | number | Date): WallTime | null {
  if (value instanceof Date) return fromUtcFields(value.getTime());
  if (typeof value === 'number') return fromNumber(value);
  return fromText(value);
}

/** A date as 'YYYY-MM-DD' from an Excel serial, a date cell, or text (2023/3/5, 2023年3月5日, 20230305…); null when it is none. */
export function parseDate(text: string | number | Date): string | null {
  const t = wallTime(text);
  return t ? formatDate(t) : null;
}

/** A date-time as 'YYYY-MM-DDTHH:mm:ss+08:00' (midnight when only a date is written); null when it is none. */
export function parseDateTime(text: string | number | Date): string | null {
  const t = wallTime(text);
  return t ? formatDateTime(t) : null;
}

/** A Date cell as the text a spreadsheet shows: the date, and the time when it is not midnight. */
export function formatDateCell(value: Date): string {
  const t = fromUtcFields(value.getTime());
  if (!t) return '';
  const time = t.hour || t.minute || t.second ? ` ${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}` : '';
  return formatDate(t) + time;
}

const NUMBER_TEXT = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$/;

/** A number from text: full-width digits, thousands separators (1,234.5) and spaces understood; null when it is none. */
export function parseNumber(text: string | number): number | null {
  if (typeof text === 'number') return Number.isFinite(text) ? text : null;
  const s = normaliseText(text).replace(/\s/g, '');
  if (!s || !/\d/.test(s) || !NUMBER_TEXT.test(s)) return null;
  const n = Number(s.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
}

/** An integer (3, ３, 1,200; not 3.5); null when the text is no whole number. */
export function parseInteger(text: string | number): number | null {
  const n = parseNumber(text);
  if (n === null) return null;
  const rounded = Math.round(n);
  // A computed cell may carry float noise (2.9999999999999996).
  return Math.abs(n - rounded) < 1e-9 ? rounded : null;
}

const TRUE_WORDS = new Set(['是', 'y', 'yes', 'true', '1', '√', '✓', '✔', '对', '有']);
const FALSE_WORDS = new Set(['否', 'n', 'no', 'false', '0', '×', '✗', '✘', '错', '无']);

/** 是/否, Y/N, √/×, true/false, 1/0 (also 有/无); null when it is none of them. */
export function parseBoolean(text: string | number | boolean): boolean | null {
  if (typeof text === 'boolean') return text;
  const s = normaliseText(String(text)).toLowerCase();
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  return null;
}

const optionKey = (s: string) => normaliseText(s).toLowerCase().replace(/\s/g, '');

/** The option a cell means: one of `options` (compared normalised), or what `synonyms` maps it to; null when none. */
export function matchOption(text: string, options: readonly string[], synonyms: Readonly<Record<string, string>> = {}): string | null {
  const key = optionKey(text);
  if (!key) return null;
  const direct = options.find((o) => optionKey(o) === key);
  if (direct !== undefined) return direct;
  for (const [written, meant] of Object.entries(synonyms)) {
    if (optionKey(written) === key) return options.find((o) => optionKey(o) === optionKey(meant)) ?? meant;
  }
  return null;
}

/** Several values in one cell, split on 、,，;；/ and line breaks; each trimmed, empty ones dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[、,，;；/／\n\r]+/)
    .map(cleanText)
    .filter((s) => s.length > 0);
}
