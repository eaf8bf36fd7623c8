import { describe, expect, it } from 'vitest';
import { change, disputeResolutionRate, gridStatus, isOverdue, onTimeRate, percent, satisfactionRate } from '../../shared/kpi/formulas';
import { maskName, maskPhone } from '../../shared/privacy';

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
});

describe('masking personal data', () => {
  it('masks names and phone numbers', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('欧阳')).toBe('欧*');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('0826-2345678')).toBe('082****5678');
  });
});
