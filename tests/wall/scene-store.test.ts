import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { createBridgeClient, type Transport } from '../../shared/bridge/client';
import type { SceneDelta } from '../../shared/bridge/scene';
import { setBridge } from '../../renderer/src/common/bridge';
import { useSceneStore, type LiveBatch } from '../../renderer/src/wall/store';
import { event, regions, snapshot } from './fixtures';

/** Street s2 (北辰街道): its one grid g3, and its scope. */
const streetSnapshot = (preset: 'today' | 'year') =>
  snapshot(preset, {
    scope: {
      id: 's2',
      level: 'street',
      name: '北辰街道',
      path: [
        { id: null, level: 'district', name: '广安区' },
        { id: 's2', level: 'street', name: '北辰街道' },
      ],
      areaLevel: 'community',
      unknown: null,
    },
    grids: [{ id: 'g3', status: 'normal', events: 1, open: 1, critical: 0, broken: ['traffic'] }],
    points: [],
    recent: [],
  });
/** Snapshot replies wait for this (a test holds it to answer out of turn). */
let replyGate: Promise<void> = Promise.resolve();

/** A transport whose replies come from the fixtures and whose pushes the test sends. */
function fakeTransport() {
  const pushes = new Set<(name: string, payload: unknown) => void>();
  const connections = new Set<(up: boolean) => void>();
  const requests: string[] = [];
  const transport: Transport = {
    kind: 'web',
    async request(name, payload) {
      const asked = payload as { window: { preset: 'today' | 'year' }; region?: string };
      requests.push(name === 'scene.snapshot' ? `${name}:${asked.window.preset}${asked.region ? `@${asked.region}` : ''}` : name);
      if (name === 'scene.snapshot') {
        await replyGate;
        return asked.region === 's2' ? streetSnapshot(asked.window.preset) : snapshot(asked.window.preset);
      }
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

  it('reads the snapshots of the region asked for, and shows the old scope until the new one is in', async () => {
    const store = await started();
    fake.requests.length = 0;
    let release!: () => void;
    replyGate = new Promise((r) => (release = r));
    store.setRegion('s2');
    expect(store.scopePending).toBe(true);
    expect(store.year?.scope.id).toBeNull();
    release();
    await vi.waitFor(() => expect(store.scopePending).toBe(false));
    expect(fake.requests.sort()).toEqual(['scene.snapshot:today@s2', 'scene.snapshot:year@s2']);
    expect(store.year?.scope.id).toBe('s2');
    expect([...store.grids.keys()]).toEqual(['g3']);
  });

  it('a reply of the scope left meanwhile is dropped and the new scope read', async () => {
    const store = await started();
    let release!: () => void;
    replyGate = new Promise((r) => (release = r));
    store.setRegion('s2');
    store.setRegion(null);
    release();
    await vi.waitFor(() => expect(store.loading).toBe(false));
    await vi.waitFor(() => expect(store.scopePending).toBe(false));
    expect(store.year?.scope.id).toBeNull();
    expect(store.grids.has('g1')).toBe(true);
  });

  it('at a street, a case elsewhere moves nothing and causes no re-read; a case of the street does both', async () => {
    const store = await started();
    store.setRegion('s2');
    await vi.waitFor(() => expect(store.year?.scope.id).toBe('s2'));
    const batches: LiveBatch[] = [];
    store.onEvents((b) => batches.push(b));
    fake.requests.length = 0;
    const revision = store.revision;
    fake.push(
      'scene.delta',
      delta({
        events: [event({ id: 'far', gridId: 'g1' })],
        grids: [{ id: 'g1', status: 'at_risk', events: 1, open: 1, critical: 0, broken: ['fire'] }],
        totalsChanged: true,
      }),
    );
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.requests).toEqual([]);
    expect(store.revision).toBe(revision);
    expect(store.ticker.map((e) => e.id)).not.toContain('far');
    expect(store.points.has('far')).toBe(false);
    expect(store.grids.has('g1')).toBe(false);
    expect(batches).toEqual([]);

    fake.push('scene.delta', delta({ events: [event({ id: 'near', gridId: 'g3' })], totalsChanged: true }));
    expect(store.ticker[0].id).toBe('near');
    expect(batches.map((b) => b.added.map((e) => e.id))).toEqual([['near']]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.requests.sort()).toEqual(['scene.snapshot:today@s2', 'scene.snapshot:year@s2']);
  });
});
