/**
 * How numbers, changes and dates read in a Chinese government briefing: "96.6%", "环比增长12.5%",
 * "提高1.2个百分点", "2026年11月23日" (GB/T 9704: Arabic numerals, year in full, no leading zeros).
 */
import type { ResolvedPeriod } from '../../shared/bridge/briefing';
import { percent, type Rate } from '../../shared/kpi/formulas';
import { dayParts, monthParts, parseIsoWeek, parseMonth, yearOf } from '../../shared/time';

export const DASH = '—';

export function fmtCount(n: number | null): string {
  return n === null ? DASH : String(n);
}

export function fmtRate(rate: Rate, digits = 1): string {
  const p = percent(rate, digits);
  return p === null ? DASH : `${p.toFixed(digits)}%`;
}

/** Relative change of a count: "增长12.5%", "下降3.1%", "持平"; null base → null. */
export function fmtCountChange(change: number | null): string | null {
  if (change === null) return null;
  const p = percent(Math.abs(change), 1)!;
  if (p === 0) return '持平';
  return `${change > 0 ? '增长' : '下降'}${p.toFixed(1)}%`;
}

/** Difference of two rates in percentage points: "提高1.2个百分点", "下降0.8个百分点", "持平". */
export function fmtPointsChange(points: number | null): string | null {
  if (points === null) return null;
  const p = percent(Math.abs(points), 1)!;
  if (p === 0) return '持平';
  return `${points > 0 ? '提高' : '下降'}${p.toFixed(1)}个百分点`;
}

export function rateDiff(current: Rate, previous: Rate): number | null {
  return current === null || previous === null ? null : current - previous;
}

/** 2026年11月23日 */
export function zhDate(day: number): string {
  const { year, month, day: d } = dayParts(day);
  return `${year}年${month}月${d}日`;
}

/** 11月23日 */
export function zhMonthDay(day: number): string {
  const { month, day: d } = dayParts(day);
  return `${month}月${d}日`;
}

/** 2026年第47周（11月16日至11月22日）, 2026年11月, 2026年11月1日至15日 */
export function periodLabel(p: ResolvedPeriod): string {
  if (p.kind === 'week') {
    const { year, week } = parseIsoWeek(p.key)!;
    return `${year}年第${week}周（${zhMonthDay(p.from)}至${zhMonthDay(p.to)}）`;
  }
  if (p.kind === 'month') {
    const { year, month } = monthParts(parseMonth(p.key)!);
    return `${year}年${month}月`;
  }
  return spanLabel(p.from, p.to);
}

/** A short form for titles: 2026年第47周, 2026年11月, 2026年11月1日至11月15日 */
export function periodShort(p: ResolvedPeriod): string {
  if (p.kind === 'week') {
    const { year, week } = parseIsoWeek(p.key)!;
    return `${year}年第${week}周`;
  }
  return periodLabel(p);
}

export function spanLabel(from: number, to: number): string {
  if (from === to) return zhDate(from);
  if (yearOf(from) !== yearOf(to)) return `${zhDate(from)}至${zhDate(to)}`;
  return `${zhDate(from)}至${zhMonthDay(to)}`;
}

/** 本周 / 本月 / 本期 */
export function periodNoun(p: ResolvedPeriod): string {
  return p.kind === 'week' ? '本周' : p.kind === 'month' ? '本月' : '本期';
}

/** 上周 / 上月 / 上期 */
export function previousNoun(p: ResolvedPeriod): string {
  return p.kind === 'week' ? '上周' : p.kind === 'month' ? '上月' : '上期';
}

/** Chinese ordinal for headings: 1 → 一, 12 → 十二. */
export function zhNumber(n: number): string {
  const digits = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
  if (n < 10) return digits[n];
  if (n < 20) return `十${n % 10 ? digits[n % 10] : ''}`;
  if (n < 100) return `${digits[Math.floor(n / 10)]}十${n % 10 ? digits[n % 10] : ''}`;
  return String(n);
}

/** Joins names the way the text lists them: 甲、乙和丙. */
export function listNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join('、')}和${names[names.length - 1]}`;
}
