import { describe, expect, it } from 'vitest';
import { criteriaByArea, gridIndex, lastDays, riskList, spotlightOrder } from '../../renderer/src/wall/derive';
import { beijingClock } from '../../renderer/src/common/clock';
import { bannerFor, LIVE_QUIET_MINUTES } from '../../renderer/src/wall/honesty';
import type { SyncStatus } from '../../shared/bridge/contract';
import { gridStates, regions, snapshot } from './fixtures';

describe('wall derivations', () => {
  const index = gridIndex(regions);
  // Every grid that broke a criterion, as a snapshot gives them (most are not listed with their counts).
  const broken = snapshot('year').brokenGrids;

  it('looks grids up with their community and street', () => {
    expect(index.get('g3')).toEqual({
      id: 'g3',
      name: '城北社区第1网格',
      communityId: 'c2',
      communityName: '城北社区',
      streetId: 's2',
      streetName: '北辰街道',
    });
    expect(gridIndex(null).size).toBe(0);
  });

  it('counts, per street and criterion, the grids that broke it', () => {
    const m = criteriaByArea(
      broken,
      index,
      [
        { id: 's1', name: '浓洄街道' },
        { id: 's2', name: '北辰街道' },
      ],
      'street',
    );
    expect(m.rows).toEqual(['浓洄街道', '北辰街道']);
    const cell = (street: number, criterion: string) => m.cells.find(([c, r]) => r === street && m.cols[c] === criterion)![2];
    expect(cell(0, 'fire')).toBe(1);
    expect(cell(0, 'crime')).toBe(1);
    expect(cell(1, 'traffic')).toBe(1);
    expect(cell(1, 'fire')).toBe(0);
    expect(m.cells).toHaveLength(16);
  });

  it('counts per community, or per grid, when the scope is a street or a community', () => {
    const byCommunity = criteriaByArea(broken, index, [{ id: 'c2', name: '城北社区' }], 'community');
    expect(byCommunity.cells.filter(([, , v]) => v > 0).map(([c]) => byCommunity.cols[c])).toEqual(['traffic']);
    const byGrid = criteriaByArea(broken, index, [{ id: 'g2', name: 'g2' }], 'grid');
    expect(
      byGrid.cells
        .filter(([, , v]) => v > 0)
        .map(([c]) => byGrid.cols[c])
        .sort(),
    ).toEqual(['crime', 'fire']);
  });

  it('lists at-risk grids first, then normal grids with broken criteria, never safe ones', () => {
    expect(riskList(gridStates, index).map((r) => [r.id, r.status, r.streetName])).toEqual([
      ['g2', 'at_risk', '浓洄街道'],
      ['g3', 'normal', '北辰街道'],
    ]);
  });

  it('tours grids with open serious cases, most critical first', () => {
    expect(spotlightOrder(gridStates)).toEqual(['g2']);
    expect(spotlightOrder([...gridStates, { id: 'g9', status: 'normal', events: 9, open: 3, critical: 4, broken: [] }])).toEqual(['g9', 'g2']);
    expect(spotlightOrder([{ id: 'x', status: 'normal', events: 1, open: 0, critical: 3, broken: [] }])).toEqual([]);
  });

  it('keeps the last days of the trend', () => {
    const trend = Array.from({ length: 40 }, (_, i) => ({
      day: 20261001 + i,
      byKind: { incident: 0, dispute: i, hazard: 0, appeal: 0, service: 0 },
      closed: 0,
      disputesResolved: 0,
    }));
    expect(lastDays(trend, 30).map((p) => p.byKind.dispute)).toEqual(Array.from({ length: 30 }, (_, i) => i + 10));
  });
});

describe('what the wall says about its data', () => {
  const now = Date.parse('2026-11-23T10:00:00+08:00');
  const sync = (over: Partial<SyncStatus>): SyncStatus =>
    ({
      state: 'live',
      source: 'demo',
      demo: true,
      lastContact: '2026-11-23T09:59:30+08:00',
      progress: null,
      retryInSeconds: null,
      quarantined: 0,
      message: null,
      ...over,
    }) as SyncStatus;
  const banner = (s: SyncStatus | null, over: Partial<Parameters<typeof bannerFor>[0]> = {}) =>
    bannerFor({ connected: true, sync: s, now, error: null, hasData: true, ...over });

  it('says nothing while the data is live', () => {
    expect(banner(sync({}))).toBeNull();
  });

  it('says how old the data is when the sync is not live', () => {
    expect(banner(sync({ state: 'reconnecting', lastContact: '2026-11-23T09:47:00+08:00' }))).toEqual({ kind: 'stale', minutes: 13, state: 'reconnecting' });
    expect(banner(sync({ state: 'offline', lastContact: '2026-11-23T09:59:59+08:00' }))).toEqual({ kind: 'stale', minutes: 0, state: 'offline' });
  });

  it('calls a live stream that went quiet stale too', () => {
    const quiet = new Date(now - (LIVE_QUIET_MINUTES + 1) * 60_000).toISOString();
    expect(banner(sync({ lastContact: quiet }))).toEqual({ kind: 'stale', minutes: LIVE_QUIET_MINUTES + 1, state: 'live' });
  });

  it('says when there has never been any data', () => {
    expect(banner(sync({ state: 'unauthorized', lastContact: null }))).toEqual({ kind: 'never', state: 'unauthorized' });
  });

  it('shows the first sync in progress', () => {
    expect(banner(sync({ state: 'syncing', progress: { records: 10, total: 100, perSecond: 5, etaSeconds: 18 } }))).toEqual({
      kind: 'syncing',
      records: 10,
      total: 100,
      etaSeconds: 18,
    });
  });

  it('says when the host itself is gone, and when reading failed with nothing to show', () => {
    expect(banner(sync({}), { connected: false })).toEqual({ kind: 'hostDown' });
    expect(banner(null, { error: 'boom', hasData: false })).toEqual({ kind: 'error', detail: 'boom' });
  });

  it('keeps Beijing time whatever the machine zone', () => {
    expect(beijingClock(Date.parse('2026-11-22T18:30:05Z'), ['日', '一', '二', '三', '四', '五', '六'])).toEqual({
      date: '2026-11-23',
      weekday: '一',
      time: '02:30:05',
    });
    expect(beijingClock(Date.parse('2026-11-22T18:30:05Z'), ['日', '一', '二', '三', '四', '五', '六'], false).time).toBe('02:30'); // lite: minutes
    // Sunday: the last of the clock's weekdays, the first of Date's.
    expect(beijingClock(Date.parse('2026-11-22T03:00:00Z'), ['日', '一', '二', '三', '四', '五', '六'])).toMatchObject({ date: '2026-11-22', weekday: '日' });
  });
});
