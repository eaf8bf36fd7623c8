/** The feed's `total` without a full count per page (central/store/feed-totals.ts). */
import { describe, expect, it } from 'vitest';
import { FeedTotals } from '../../central/store/feed-totals';

describe('FeedTotals', () => {
  it('counts in full once, then only the changes committed since the previous page', () => {
    const totals = new FeedTotals();
    const counted: [number, number][] = [];
    const count = (from: number, to: number) => (counted.push([from, to]), to - from);
    expect(totals.total(0, 100, count)).toBe(100);
    totals.remember(10, 100, 90);
    expect(totals.total(10, 100, count)).toBe(90); // nothing new: no count at all
    totals.remember(20, 100, 80);
    expect(totals.total(20, 130, count)).toBe(110); // 30 new since the head the last page saw
    expect(counted).toEqual([
      [0, 100],
      [100, 130],
    ]);
  });

  it('counts in full for a cursor it has not seen, a head that went back, and once a memo is used', () => {
    const totals = new FeedTotals();
    const count = (from: number, to: number) => to - from;
    totals.remember(10, 100, 90);
    expect(totals.total(11, 100, count)).toBe(89);
    expect(totals.total(10, 50, count)).toBe(40);
    expect(totals.total(10, 100, count)).toBe(90);
  });

  it('works with an asynchronous count (PostgreSQL) and keeps at most its capacity', async () => {
    const totals = new FeedTotals(2);
    const count = async (from: number, to: number) => to - from;
    totals.remember(1, 10, 5);
    totals.remember(2, 10, 6);
    totals.remember(3, 10, 7); // the oldest (1) is dropped
    expect(await totals.total(1, 12, count)).toBe(11);
    expect(await totals.total(3, 12, count)).toBe(9);
  });
});
