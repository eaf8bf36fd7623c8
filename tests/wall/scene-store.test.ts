import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { createBridgeClient, type Transport } from '../../shared/bridge/client';
import type { SceneDelta } from '../../shared/bridge/scene';
import { setBridge } from '../../renderer/src/common/bridge';
import { useSceneStore, type LiveBatch } from '../../renderer/src/wall/store';
import { event, regions, snapshot } from './fixtures';

/** A transport whose replies come from the fixtures and whose pushes the test sends. */
function fakeTransport() {
  const pushes = new Set<(name: string, payload: unknown) => void>();
  const connections = new Set<(up: boolean) => void>();
  const requests: string[] = [];
  const transport: Transport = {
    kind: 'web',
    async request(name, payload) {
      requests.push(name === 'scene.snapshot' ? `${name}:${(payload as { window: { preset: string } }).window.preset}` : name);
      if (name === 'scene.snapshot') return snapshot((payload as { window: { preset: 'today' | 'year' } }).window.preset);
      if (name === 'map.regions') return regions;
      throw { code: 'unknown_request', message: name };
    },
    onPush: (l) => (pushes.add(l), () => pushes.delete(l)),
    onConnection: (l) => (connections.add(l), () => connections.delete(l)),
  };
  return {
    transport,
    requests,
    push: (name: string, payload: unknown) => pushes.forEach((l) => l(name, payload)),
    connect: (up: boolean) => connections.forEach((l) => l(up)),
  };
}

const delta = (over: Partial<SceneDelta>): SceneDelta => ({
  cursorRev: 4,
  events: [],
  removed: [],
  grids: [],
  totalsChanged: false,
  referenceChanged: false,
  ...over,
});

describe('the scene store', () => {
  let fake: ReturnType<typeof fakeTransport>;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    fake = fakeTransport();
    setBridge(createBridgeClient(fake.transport));
    setActivePinia(createPinia());
  });
  afterEach(() => {
    setBridge(undefined);
    vi.useRealTimers();
  });

  async function started() {
    const store = useSceneStore();
    store.start({ refetchMs: 2000 });
    await vi.waitFor(() => expect(store.ready).toBe(true));
    await vi.waitFor(() => expect(store.regions).not.toBeNull());
    return store;
  }

  it('loads one snapshot per window and the regions', async () => {
    const store = await started();
    expect(fake.requests.sort()).toEqual(['map.regions', 'scene.snapshot:today', 'scene.snapshot:year']);
    expect(store.grids.get('g2')?.status).toBe('at_risk');
    expect([...store.points.keys()]).toEqual(['e1']);
    expect(store.ticker.map((e) => e.id)).toEqual(['e1']);
  });

  it('applies a delta in place: new case on top of the ticker and on the map, grid status changed, listeners told', async () => {
    const store = await started();
    const batches: LiveBatch[] = [];
    store.onEvents((b) => batches.push(b));
    const year = store.snapshots.year!;
    const gridsBefore = year.grids;
    fake.push(
      'scene.delta',
      delta({
        events: [event({ id: 'e9', kind: 'dispute', severity: 'critical' })],
        grids: [{ id: 'g1', status: 'at_risk', events: 1, open: 1, critical: 1, broken: ['fire'] }],
      }),
    );
    expect(store.ticker.map((e) => e.id)).toEqual(['e9', 'e1']);
    expect(store.points.get('e9')).toMatchObject({ kind: 'dispute', severity: 'critical' });
    expect(store.grids.get('g1')).toMatchObject({ status: 'at_risk', broken: ['fire'], events: 3 });
    // The snapshot object is the same one, changed in place (no re-fetch for a grid change).
    expect(store.snapshots.year).toBe(year);
    expect(year.grids).toBe(gridsBefore);
    expect(year.grids.find((g) => g.id === 'g1')?.status).toBe('at_risk');
    expect(batches).toHaveLength(1);
    expect(batches[0].added.map((e) => e.id)).toEqual(['e9']);
    // Reported days ago (a catch-up): new to the wall, but not "just reported" — no pulse, no alert.
    expect(batches[0].fresh).toEqual([]);
  });

  it('calls a case fresh only when it was reported in the last minutes', async () => {
    const store = await started();
    const batches: LiveBatch[] = [];
    store.onEvents((b) => batches.push(b));
    const justNow = new Date(Date.now() - 30_000).toISOString();
    fake.push('scene.delta', delta({ events: [event({ id: 'new1', reportedAt: justNow, severity: 'critical' }), event({ id: 'old1' })] }));
    expect(batches[0].added.map((e) => e.id)).toEqual(['new1', 'old1']);
    expect(batches[0].fresh.map((e) => e.id)).toEqual(['new1']);
  });

  it('a known case that changes is updated where it stands; a closed one leaves the map', async () => {
    const store = await started();
    const batches: LiveBatch[] = [];
    store.onEvents((b) => batches.push(b));
    fake.push('scene.delta', delta({ events: [event({ id: 'e1', stage: 'closed', title: '已处理' })] }));
    expect(store.ticker[0]).toMatchObject({ id: 'e1', stage: 'closed', title: '已处理' });
    expect(store.points.has('e1')).toBe(false);
    expect(batches[0].added).toEqual([]);
    expect(batches[0].changed.map((e) => e.id)).toEqual(['e1']);
  });

  it('re-reads the totals at most once per interval however many deltas say they changed', async () => {
    const store = await started();
    fake.requests.length = 0;
    for (let i = 0; i < 20; i++) fake.push('scene.delta', delta({ totalsChanged: true, events: [event({ id: `n${i}` })] }));
    expect(fake.requests).toEqual([]);
    await vi.advanceTimersByTimeAsync(2100);
    expect(fake.requests.sort()).toEqual(['scene.snapshot:today', 'scene.snapshot:year']);
    // Live points the new snapshot does not know yet are kept.
    expect(store.points.has('n19')).toBe(true);
  });

  it('a re-read that changes nothing on the map leaves the map’s revisions alone; one that does moves them', async () => {
    const store = await started();
    const grids = store.gridRevision;
    const points = store.pointsRevision;
    const revision = store.revision;
    fake.push('scene.delta', delta({ totalsChanged: true }));
    await vi.advanceTimersByTimeAsync(2100);
    expect(store.revision).toBeGreaterThan(revision);
    expect([store.gridRevision, store.pointsRevision]).toEqual([grids, points]);
    // A grid's status and a new point in the next read: both move.
    const year = snapshot('year');
    const changed = {
      ...year,
      grids: year.grids.map((g, i) => (i === 0 ? { ...g, status: g.status === 'safe' ? ('at_risk' as const) : ('safe' as const) } : g)),
    };
    const more = {
      ...changed,
      points: [...changed.points, { id: 'px', kind: 'appeal' as const, stage: 'reported' as const, severity: 'low' as const, lon: 106.6, lat: 30.5 }],
    };
    const original = fake.transport.request;
    fake.transport.request = async (name, payload) =>
      name === 'scene.snapshot' && (payload as { window: { preset: string } }).window.preset === 'year' ? more : original(name, payload);
    fake.push('scene.delta', delta({ totalsChanged: true }));
    await vi.advanceTimersByTimeAsync(2100);
    expect(store.gridRevision).toBeGreaterThan(grids);
    expect(store.pointsRevision).toBeGreaterThan(points);
  });

  it('does not read everything twice when the socket connects right after the first read, but does after an outage', async () => {
    const store = useSceneStore();
    store.start({ refetchMs: 2000 });
    // Connected while the first read is still on its way: nothing more.
    fake.connect(true);
    await vi.waitFor(() => expect(store.ready).toBe(true));
    await vi.waitFor(() => expect(store.regions).not.toBeNull());
    expect(fake.requests.sort()).toEqual(['map.regions', 'scene.snapshot:today', 'scene.snapshot:year']);
    // Connected just after it: the snapshots are re-read on the usual schedule, not at once.
    fake.requests.length = 0;
    fake.connect(false);
    fake.connect(true);
    expect(fake.requests).toEqual([]);
    await vi.advanceTimersByTimeAsync(2100);
    expect(fake.requests.sort()).toEqual(['scene.snapshot:today', 'scene.snapshot:year']);
    // After an outage (deltas lost in between): at once.
    fake.requests.length = 0;
    fake.connect(false);
    await vi.advanceTimersByTimeAsync(30_000);
    fake.connect(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.requests.sort()).toEqual(['scene.snapshot:today', 'scene.snapshot:year']);
  });

  it('removes deleted cases', async () => {
    const store = await started();
    fake.push('scene.delta', delta({ removed: ['e1'] }));
    expect(store.ticker).toEqual([]);
    expect(store.points.size).toBe(0);
  });
});
