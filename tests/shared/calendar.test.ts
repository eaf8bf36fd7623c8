/**
 * The app's calendar (shared/time): its edge cases in one place. Days are yyyymmdd in Asia/Shanghai (UTC+8).
 * Where a rule can be checked against an independent reckoning (JavaScript's own UTC calendar), it is, day by day.
 */
import { describe, expect, it } from 'vitest';
import { PeriodRequest } from '../../shared/bridge/briefing';
import { WindowRequest } from '../../shared/bridge/scene';
import {
  addDays,
  addMonths,
  assessmentPeriodRange,
  dayCount,
  dayEnd,
  dayOfEpochDay,
  dayParts,
  dayStart,
  daysBetween,
  daysInMonth,
  dayToIsoDate,
  epochDayOf,
  firstDayOfMonth,
  formatIsoWeek,
  formatMonth,
  halfYearOf,
  isCalendarDay,
  isLeapYear,
  isoDateToDay,
  isoWeekday,
  isoWeekOf,
  isoWeekRange,
  isoWeekStart,
  lastCompleteWeek,
  lastDayOfMonth,
  monthDayLabel,
  monthOf,
  mondayOf,
  monthRange,
  nextIsoWeekday,
  parseIsoWeek,
  parseMonth,
  periodKey,
  periodOrder,
  periodOrderEndingBy,
  periodsEndingWith,
  previousQuarter,
  quarterOf,
  quarterSpan,
  resolvePeriod,
  runningPeriod,
  shanghaiClock,
  shanghaiDay,
  shiftPeriod,
  shiftYears,
  splitByMonth,
  toShanghaiIso,
  toShanghaiSeconds,
  weeksInYear,
  windowOn,
} from '../../shared/time';

/** The day `n` days after 1970-01-01 by JavaScript's UTC calendar: the reference the arithmetic is checked against. */
function referenceDay(n: number): number {
  const d = new Date(n * 86_400_000);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** ISO week by the textbook rule: the week's Thursday decides the year; week 1 holds 4 January. */
function referenceIsoWeek(n: number): { year: number; week: number } {
  const date = new Date(n * 86_400_000);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const yearStart = Date.UTC(year, 0, 1);
  return { year, week: Math.floor((thursday.getTime() - yearStart) / (7 * 86_400_000)) + 1 };
}

const EPOCH_1900 = Date.UTC(1900, 0, 1) / 86_400_000;
const EPOCH_2101 = Date.UTC(2101, 0, 1) / 86_400_000;

describe('days', () => {
  it('agree with the reference calendar on every day from 1900 to 2100: date, weekday, ISO week, Monday', () => {
    let checked = 0;
    for (let n = EPOCH_1900; n < EPOCH_2101; n++) {
      const day = referenceDay(n);
      const weekday = ((new Date(n * 86_400_000).getUTCDay() + 6) % 7) + 1;
      if (dayOfEpochDay(n) !== day || epochDayOf(day) !== n || isoWeekday(day) !== weekday) throw new Error(`day ${day} (${n}) is off`);
      const week = isoWeekOf(day);
      const ref = referenceIsoWeek(n);
      if (week.year !== ref.year || week.week !== ref.week) throw new Error(`ISO week of ${day}: ${formatIsoWeek(week)}, not ${formatIsoWeek(ref)}`);
      if (mondayOf(day) !== referenceDay(n - weekday + 1)) throw new Error(`Monday of ${day}`);
      checked++;
    }
    expect(checked).toBe(73414);
  });

  it('crosses year ends both ways', () => {
    expect(addDays(20261231, 1)).toBe(20270101);
    expect(addDays(20270101, -1)).toBe(20261231);
    expect(addDays(19700101, -1)).toBe(19691231);
    expect(daysBetween(20261231, 20270101)).toBe(1);
    expect(dayCount(20260101, 20261231)).toBe(365);
    expect(dayCount(20240101, 20241231)).toBe(366);
    expect(dayCount(20261127, 20261127)).toBe(1);
  });

  it('adds negative and large numbers of days', () => {
    for (const n of [-1, -7, -366, -36_524, -365_000, 1, 400, 36_525, 365_000]) {
      expect(addDays(20261127, n), String(n)).toBe(referenceDay(epochDayOf(20261127) + n));
      expect(daysBetween(20261127, addDays(20261127, n))).toBe(n);
    }
    expect(addDays(20000101, 36_524)).toBe(20991231);
    expect(addDays(21000101, -36_525)).toBe(20000101);
  });

  it('knows leap days: 2024 and 2000 have one, 2100 and 2025 do not', () => {
    expect([2024, 2000, 2100, 2025, 1900].map(isLeapYear)).toEqual([true, true, false, false, false]);
    expect([daysInMonth(2024, 2), daysInMonth(2000, 2), daysInMonth(2100, 2), daysInMonth(2025, 2)]).toEqual([29, 29, 28, 28]);
    expect(isCalendarDay(20240229)).toBe(true);
    expect(isCalendarDay(20000229)).toBe(true);
    expect(isCalendarDay(21000229)).toBe(false);
    expect(isCalendarDay(20250229)).toBe(false);
    expect(addDays(20240228, 1)).toBe(20240229);
    expect(addDays(21000228, 1)).toBe(21000301);
    expect(addDays(20240229, 365)).toBe(20250228);
  });

  it('tells calendar days from numbers that only look like them', () => {
    for (const day of [20260101, 20261231, 20260430, 20260131]) expect(isCalendarDay(day), String(day)).toBe(true);
    for (const day of [20261131, 20260431, 20261300, 20260100, 20260000, 2026113, 202611270, 20261127.5]) expect(isCalendarDay(day), String(day)).toBe(false);
  });

  it('takes a day apart and writes it', () => {
    expect(dayParts(20260307)).toEqual({ year: 2026, month: 3, day: 7 });
    expect(dayToIsoDate(20260307)).toBe('2026-03-07');
    expect(monthDayLabel(20260307)).toBe('3/7');
    expect(isoDateToDay('2024-02-29')).toBe(20240229);
    expect(() => isoDateToDay('2025-02-29')).toThrow(/not a day of the calendar/);
    expect(() => isoDateToDay('2026/11/27')).toThrow(/YYYY-MM-DD/);
  });

  it('finds the next given weekday strictly after a day', () => {
    expect(nextIsoWeekday(20261127, 5)).toBe(20261204); // a Friday: the next Friday
    expect(nextIsoWeekday(20261123, 5)).toBe(20261127); // a Monday: that week's Friday
    expect(nextIsoWeekday(20261229, 1)).toBe(20270104); // across the year end
  });
});

describe('instants in Shanghai', () => {
  it('a day runs from 00:00 to 23:59:59.999 Shanghai, i.e. 16:00 UTC the day before', () => {
    expect(dayStart(20261123)).toBe(Date.parse('2026-11-23T00:00:00+08:00'));
    expect(dayEnd(20261122)).toBe(Date.parse('2026-11-22T23:59:59.999+08:00'));
    expect(dayEnd(20261122) + 1).toBe(dayStart(20261123));
    expect(shanghaiDay('2026-11-22T15:59:59.999Z')).toBe(20261122);
    expect(shanghaiDay('2026-11-22T16:00:00Z')).toBe(20261123);
    expect(shanghaiDay(new Date('2026-12-31T16:00:00Z'))).toBe(20270101); // new year's midnight
    expect(shanghaiDay(dayEnd(20241231))).toBe(20241231);
    expect(shanghaiDay(dayStart(20240229))).toBe(20240229);
  });

  it('reads a Shanghai clock and writes +08:00 times', () => {
    expect(shanghaiClock(Date.parse('2026-11-22T16:05:09.900Z'))).toEqual({
      day: 20261123,
      year: 2026,
      month: 11,
      dayOfMonth: 23,
      weekday: 1,
      hour: 0,
      minute: 5,
      second: 9,
    });
    expect(shanghaiClock(dayEnd(20261129))).toMatchObject({ day: 20261129, weekday: 7, hour: 23, minute: 59, second: 59 });
    expect(toShanghaiIso(dayStart(20270101))).toBe('2027-01-01T00:00:00.000+08:00');
    expect(toShanghaiSeconds(dayEnd(20261231))).toBe('2026-12-31T23:59:59+08:00');
  });
});

describe('ISO weeks', () => {
  it('has week 53 in 2020 and 2026, not in 2025', () => {
    expect(isoWeekRange('2020-W53')).toEqual({ from: 20201228, to: 20210103 });
    expect(isoWeekRange('2026-W53')).toEqual({ from: 20261228, to: 20270103 });
    expect([2015, 2020, 2026, 2032, 2025, 2024, 2027].map(weeksInYear)).toEqual([53, 53, 53, 53, 52, 52, 52]);
    expect(parseIsoWeek('2025-W53')).toBeNull();
    expect(() => isoWeekRange('2025-W53')).toThrow(/does not exist/);
    expect(() => isoWeekRange('2026-W00')).toThrow(/does not exist/);
    expect(() => isoWeekRange('2026-47')).toThrow(/ISO week of the form/);
  });

  it('puts early January in the previous year’s last week and late December in next year’s first', () => {
    expect(isoWeekOf(20270101)).toEqual({ year: 2026, week: 53 });
    expect(isoWeekOf(20270103)).toEqual({ year: 2026, week: 53 });
    expect(isoWeekOf(20270104)).toEqual({ year: 2027, week: 1 });
    expect(isoWeekOf(20210103)).toEqual({ year: 2020, week: 53 });
    expect(isoWeekOf(20230101)).toEqual({ year: 2022, week: 52 });
    expect(isoWeekOf(20241230)).toEqual({ year: 2025, week: 1 });
    expect(isoWeekStart({ year: 2025, week: 1 })).toBe(20241230);
    expect(isoWeekRange('2026-W47')).toEqual({ from: 20261116, to: 20261122 });
  });

  it('the last complete week is the one before today’s', () => {
    expect(lastCompleteWeek(20261127)).toBe('2026-W47');
    expect(lastCompleteWeek(20260105)).toBe('2026-W01'); // a Monday: the week that ended yesterday
    expect(lastCompleteWeek(20260104)).toBe('2025-W52'); // a Sunday: its own week is not complete
    expect(lastCompleteWeek(20270104)).toBe('2026-W53');
  });
});

describe('months and years', () => {
  it('first and last days of every month, leap February included', () => {
    const lasts = Array.from({ length: 12 }, (_, i) => lastDayOfMonth(202400 + i + 1) % 100);
    expect(lasts).toEqual([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(lastDayOfMonth(210002)).toBe(21000228);
    expect(firstDayOfMonth(202611)).toBe(20261101);
    expect(monthRange(202602)).toEqual({ from: 20260201, to: 20260228 });
    expect(monthOf(20261127)).toBe(202611);
  });

  it('adds months across year ends both ways', () => {
    expect(addMonths(202601, -1)).toBe(202512);
    expect(addMonths(202612, 1)).toBe(202701);
    expect(addMonths(202603, -27)).toBe(202312);
    expect(addMonths(202611, 120)).toBe(203611);
    expect(addMonths(202611, 0)).toBe(202611);
  });

  it('writes and reads month keys', () => {
    expect(formatMonth(202603)).toBe('2026-03');
    expect(parseMonth('2026-03')).toBe(202603);
    for (const bad of ['2026-13', '2026-00', '2026-3', '202603']) expect(parseMonth(bad), bad).toBeNull();
  });

  it('shifts a day by years, 29 February becoming the 28th in a common year', () => {
    expect(shiftYears(20240229, -1)).toBe(20230228);
    expect(shiftYears(20240229, 4)).toBe(20280229);
    expect(shiftYears(20960229, 4)).toBe(21000228);
    expect(shiftYears(20261231, -1)).toBe(20251231);
  });
});

describe('quarters and half-years (assessment periods)', () => {
  it('quarter and half-year of a day, at their bounds', () => {
    expect([20230101, 20230331, 20230401, 20230630, 20230701, 20230930, 20231001, 20231231].map(quarterOf)).toEqual([
      '2023-Q1',
      '2023-Q1',
      '2023-Q2',
      '2023-Q2',
      '2023-Q3',
      '2023-Q3',
      '2023-Q4',
      '2023-Q4',
    ]);
    expect([20230630, 20230701, 20231231].map(halfYearOf)).toEqual(['2023-H1', '2023-H2', '2023-H2']);
    expect(previousQuarter('2023-Q1')).toBe('2022-Q4');
    expect(previousQuarter('2023-Q3')).toBe('2023-Q2');
  });

  it('first and last days of quarters and half-years', () => {
    expect(['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4', '2024-H1', '2024-H2'].map(assessmentPeriodRange)).toEqual([
      { from: 20240101, to: 20240331 },
      { from: 20240401, to: 20240630 },
      { from: 20240701, to: 20240930 },
      { from: 20241001, to: 20241231 },
      { from: 20240101, to: 20240630 },
      { from: 20240701, to: 20241231 },
    ]);
    expect(quarterSpan({ year: 2026, quarter: 4 })).toEqual({ from: 20261001, to: 20261231 });
    for (const bad of ['2023-H3', '2023-Q5', '2023Q1', '2023-q1']) expect(() => assessmentPeriodRange(bad)).toThrow(/not an assessment period/);
  });

  it('orders assessment periods by their end, a half-year after the quarter it ends with', () => {
    const periods = ['2023-H2', '2023-Q4', '2023-Q3', '2023-H1', '2023-Q2', '2024-Q1', '2023-Q1', '2022-H2'];
    expect([...periods].sort((a, b) => periodOrder(a) - periodOrder(b))).toEqual([
      '2022-H2',
      '2023-Q1',
      '2023-Q2',
      '2023-H1',
      '2023-Q3',
      '2023-Q4',
      '2023-H2',
      '2024-Q1',
    ]);
    // Text order is what went wrong: "2023-H1" < "2023-Q1".
    expect(periodOrder('2023-H1')).toBeGreaterThan(periodOrder('2023-Q1'));
    expect(Math.floor(periodOrder('2023-H1') / 10)).toBe(202306);
    // Everything that has ended by the end of Q2 — Q1, Q2 and H1 — and nothing after.
    expect(periodOrderEndingBy('2023-Q2')).toBeGreaterThanOrEqual(periodOrder('2023-H1'));
    expect(periodOrderEndingBy('2023-Q2')).toBeLessThan(periodOrder('2023-Q3'));
    for (const bad of ['2023-H3', '2023-Q5', '2023Q1', '2023-q1']) expect(() => periodOrder(bad)).toThrow(/not an assessment period/);
  });
});

describe('briefing periods', () => {
  it('resolves ISO weeks, months and custom ranges with their 环比 and 同比 periods', () => {
    expect(resolvePeriod({ kind: 'week', week: '2026-W47' })).toEqual({
      kind: 'week',
      key: '2026-W47',
      from: 20261116,
      to: 20261122,
      days: 7,
      previous: { from: 20261109, to: 20261115 },
      lastYear: { from: 20251117, to: 20251123 },
    });
    // 2026 has a week 53; 2025 does not, so its 同比 is 2025-W52 (and 2020-W53's is 2019-W52).
    expect(resolvePeriod({ kind: 'week', week: '2026-W53' })).toMatchObject({ from: 20261228, to: 20270103, lastYear: { from: 20251222, to: 20251228 } });
    expect(resolvePeriod({ kind: 'week', week: '2020-W53' }).lastYear).toEqual({ from: 20191223, to: 20191229 });
    expect(resolvePeriod({ kind: 'week', week: '2026-W01' })).toMatchObject({ from: 20251229, previous: { from: 20251222, to: 20251228 } });
    expect(resolvePeriod({ kind: 'month', month: '2026-03' })).toMatchObject({
      from: 20260301,
      to: 20260331,
      days: 31,
      previous: { from: 20260201, to: 20260228 },
      lastYear: { from: 20250301, to: 20250331 },
    });
    expect(resolvePeriod({ kind: 'month', month: '2026-01' }).previous).toEqual({ from: 20251201, to: 20251231 });
    expect(resolvePeriod({ kind: 'month', month: '2025-02' }).lastYear).toEqual({ from: 20240201, to: 20240229 });
    expect(resolvePeriod({ kind: 'custom', from: 20240229, to: 20240302 })).toMatchObject({
      key: '20240229-20240302',
      days: 3,
      previous: { from: 20240226, to: 20240228 },
      lastYear: { from: 20230228, to: 20230302 },
    });
    expect(() => resolvePeriod({ kind: 'week', week: '2025-W53' })).toThrow(/does not exist/);
    expect(() => resolvePeriod({ kind: 'month', month: '2026-13' })).toThrow(/not a month/);
  });

  it('steps to the period before or after, across year ends and week 53', () => {
    expect(shiftPeriod({ kind: 'week', week: '2026-W53' }, 1)).toEqual({ kind: 'week', week: '2027-W01' });
    expect(shiftPeriod({ kind: 'week', week: '2027-W01' }, -1)).toEqual({ kind: 'week', week: '2026-W53' });
    expect(shiftPeriod({ kind: 'week', week: '2026-W02' }, -2)).toEqual({ kind: 'week', week: '2025-W52' });
    expect(shiftPeriod({ kind: 'month', month: '2026-01' }, -1)).toEqual({ kind: 'month', month: '2025-12' });
    expect(shiftPeriod({ kind: 'month', month: '2026-11' }, 14)).toEqual({ kind: 'month', month: '2028-01' });
    expect(shiftPeriod({ kind: 'custom', from: 20261101, to: 20261115 }, -1)).toEqual({ kind: 'custom', from: 20261017, to: 20261031 });
    expect(periodKey({ kind: 'custom', from: 20261101, to: 20261115 })).toBe('20261101-20261115');
  });

  it('lists the periods of the same kind ending with one, oldest first', () => {
    expect(periodsEndingWith({ kind: 'month', month: '2026-02' }, 3)).toEqual([
      { key: '2025-12', from: 20251201, to: 20251231 },
      { key: '2026-01', from: 20260101, to: 20260131 },
      { key: '2026-02', from: 20260201, to: 20260228 },
    ]);
    const weeks = periodsEndingWith({ kind: 'week', week: '2027-W02' }, 12);
    expect(weeks.map((w) => w.key).slice(-3)).toEqual(['2026-W53', '2027-W01', '2027-W02']);
    expect(weeks[0]).toEqual({ key: '2026-W44', from: 20261026, to: 20261101 }); // 12 weeks: W44 … W53, W01, W02
    expect(periodsEndingWith({ kind: 'custom', from: 20261111, to: 20261120 }, 2)).toEqual([
      { key: '20261101-20261110', from: 20261101, to: 20261110 },
      { key: '20261111-20261120', from: 20261111, to: 20261120 },
    ]);
  });

  it('the contract refuses periods and windows that are not on the calendar, with a sentence', () => {
    const periods = [
      { kind: 'week', week: '2025-W53' },
      { kind: 'week', week: '2026-47' },
      { kind: 'month', month: '2026-13' },
      { kind: 'custom', from: 20261131, to: 20261201 },
      { kind: 'custom', from: 20250229, to: 20250301 },
      { kind: 'custom', from: 20261201, to: 20261130 },
      { kind: 'custom', from: 20240101, to: 20260101 },
    ];
    for (const p of periods) {
      const r = PeriodRequest.safeParse(p);
      expect(r.success, JSON.stringify(p)).toBe(false);
      expect(r.error!.issues[0].message.length).toBeGreaterThan(10);
    }
    expect(PeriodRequest.safeParse({ kind: 'custom', from: 20240229, to: 20250228 }).success).toBe(true); // 366 days
    expect(WindowRequest.safeParse({ preset: 'custom', from: 20261101, to: 20261131 }).success).toBe(false);
    expect(WindowRequest.safeParse({ preset: 'custom', from: 20240229, to: 20240301 }).success).toBe(true);
  });
});

describe('windows', () => {
  it('today, this week, this month and this year up to today', () => {
    expect(windowOn('today', 20261127)).toEqual({ from: 20261127, to: 20261127 });
    expect(windowOn('week', 20261127)).toEqual({ from: 20261123, to: 20261127 });
    expect(windowOn('week', 20270101)).toEqual({ from: 20261228, to: 20270101 });
    expect(windowOn('month', 20261127)).toEqual({ from: 20261101, to: 20261127 });
    expect(windowOn('year', 20261127)).toEqual({ from: 20260101, to: 20261127 });
  });

  it.each([
    [20261128, 20261128, { head: [20261128, 20261128], months: [1, 0], tail: [1, 0] }],
    [20261101, 20261130, { head: [1, 0], months: [202611, 202611], tail: [1, 0] }],
    [20260101, 20261128, { head: [1, 0], months: [202601, 202610], tail: [20261101, 20261128] }],
    [20251215, 20260310, { head: [20251215, 20251231], months: [202601, 202602], tail: [20260301, 20260310] }],
    [20260215, 20260314, { head: [20260215, 20260314], months: [1, 0], tail: [1, 0] }],
    [20240201, 20240229, { head: [1, 0], months: [202402, 202402], tail: [1, 0] }], // leap February
    [21000201, 21000228, { head: [1, 0], months: [210002, 210002], tail: [1, 0] }], // 2100 is no leap year
    [20261201, 20261231, { head: [1, 0], months: [202612, 202612], tail: [1, 0] }],
    [20261130, 20261101, { head: [1, 0], months: [1, 0], tail: [1, 0] }],
  ])('splits %i … %i into whole months and the days around them', (from, to, expected) => {
    expect(splitByMonth(from, to)).toEqual(expected);
  });

  it.each([
    [20261123, 20261127, { of: 'week', key: 20261123 }],
    [20261123, 20261129, { of: 'week', key: 20261123 }],
    [20261101, 20261127, { of: 'month', key: 202611 }],
    [20261101, 20261130, { of: 'month', key: 202611 }],
    [20260101, 20261127, { of: 'year', key: 2026 }],
    [20260601, 20260605, null], // a Monday and the 1st, but over before today
    [20261101, 20261126, null], // ends before today
    [20261124, 20261127, null], // not from the Monday
    [20261101, 20261201, null], // runs into the next month
    [20261030, 20261127, null],
    [20261127, 20261123, null],
  ])('%i … %i runs as a whole period to today (a Friday)', (from, to, expected) => {
    expect(runningPeriod(from, to, 20261127)).toEqual(expected);
  });
});
