import { describe, expect, it } from 'vitest';
import { change, disputeResolutionRate, gridStatus, isOverdue, onTimeRate, percent, periodOfDay, periodOrder, periodOrderEndingBy, periodRange, satisfactionRate } from '../../shared/kpi/formulas';
import { maskName, maskPhone } from '../../shared/privacy';
import { isoWeekOf, isoWeekRange, mondayOf, shanghaiDay } from '../../shared/time/shanghai';

// Hand-worked: the seed's 2022 figure is 96.6% satisfaction. 1,100 rated appeals: 980 满意 + 83 基本满意 + 37 不满意
// → (980 + 83) / 1100 = 1063 / 1100 = 0.966363… → 96.6%.
describe('KPI formulas', () => {
  it('satisfaction rate counts 满意 and 基本满意 over rated cases only', () => {
    expect(satisfactionRate({ satisfied: 980, basic: 83, dissatisfied: 37 })).toBeCloseTo(1063 / 1100, 12);
    expect(percent(satisfactionRate({ satisfied: 980, basic: 83, dissatisfied: 37 }))).toBe(96.6);
    expect(satisfactionRate({ satisfied: 0, basic: 0, dissatisfied: 0 })).toBeNull();
    expect(satisfactionRate({ satisfied: 0, basic: 0, dissatisfied: 3 })).toBe(0);
  });

  it('on-time rate is closed-by-deadline over closed', () => {
    expect(onTimeRate({ onTime: 45, closed: 50 })).toBe(0.9);
    expect(onTimeRate({ onTime: 0, closed: 0 })).toBeNull();
  });

  it('dispute resolution rate: 252 resolved of 258 found → 97.7%', () => {
    expect(percent(disputeResolutionRate({ resolved: 252, found: 258 }))).toBe(97.7);
  });

  it('overdue means open past the deadline', () => {
    expect(isOverdue({ stage: 'dispatched', deadline: 100 }, 101)).toBe(true);
    expect(isOverdue({ stage: 'closed', deadline: 100 }, 101)).toBe(false);
    expect(isOverdue({ stage: 'reported', deadline: 100 }, 100)).toBe(false);
  });

  it('safe-grid status: titled and clean → safe; titled and broken this period → at risk; untitled → normal', () => {
    expect(gridStatus(true, [])).toBe('safe');
    expect(gridStatus(true, ['fire'])).toBe('at_risk');
    expect(gridStatus(false, [])).toBe('normal');
    expect(gridStatus(false, ['crime'])).toBe('normal');
  });

  it('week-on-week change', () => {
    expect(change(110, 100)).toBeCloseTo(0.1);
    expect(change(5, 0)).toBeNull();
  });

  it('assessment periods are quarters', () => {
    expect(periodOfDay(20230323)).toBe('2023-Q1');
    expect(periodOfDay(20261127)).toBe('2026-Q4');
    expect(periodRange('2026-Q2')).toEqual({ from: 20260401, to: 20260630 });
  });

  it('orders assessment periods by their end, a half-year after the quarter it ends with', () => {
    const periods = ['2023-H2', '2023-Q4', '2023-Q3', '2023-H1', '2023-Q2', '2024-Q1', '2023-Q1', '2022-H2'];
    expect([...periods].sort((a, b) => periodOrder(a) - periodOrder(b))).toEqual(['2022-H2', '2023-Q1', '2023-Q2', '2023-H1', '2023-Q3', '2023-Q4', '2023-H2', '2024-Q1']);
    // Text order is what went wrong: "2023-H1" < "2023-Q1".
    expect(periodOrder('2023-H1')).toBeGreaterThan(periodOrder('2023-Q1'));
    expect(Math.floor(periodOrder('2023-H1') / 10)).toBe(202306);
    // Everything that has ended by the end of Q2 — Q1, Q2 and H1 — and nothing after.
    expect(periodOrderEndingBy('2023-Q2')).toBeGreaterThanOrEqual(periodOrder('2023-H1'));
    expect(periodOrderEndingBy('2023-Q2')).toBeLessThan(periodOrder('2023-Q3'));
    for (const bad of ['2023-H3', '2023-Q5', '2023Q1', '2023-q1']) expect(() => periodOrder(bad)).toThrow(/not an assessment period/);
  });
});

describe('time in Asia/Shanghai', () => {
  it('days and ISO weeks', () => {
    expect(shanghaiDay('2026-11-22T16:30:00Z')).toBe(20261123); // 00:30 on Monday in Shanghai
    expect(isoWeekRange('2026-W47')).toEqual({ from: 20261116, to: 20261122 });
    expect(isoWeekOf(20210103)).toEqual({ year: 2020, week: 53 });
    expect(() => isoWeekRange('2026-W54')).toThrow(/does not exist|ISO week/);
    // Mondays: a Saturday, the Monday itself, a Sunday, and a week across the new year.
    expect([20261128, 20261123, 20261129, 20270101].map(mondayOf)).toEqual([20261123, 20261123, 20261123, 20261228]);
  });
});

describe('masking personal data', () => {
  it('masks names and phone numbers', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('欧阳')).toBe('欧*');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('0826-2345678')).toBe('082****5678');
  });
});
