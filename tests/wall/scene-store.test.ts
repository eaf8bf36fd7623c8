import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { createBridgeClient, type Transport } from '../../shared/bridge/client';
import type { CountChange, MapView, SceneDelta } from '../../shared/bridge/scene';
import { setBridge } from '../../renderer/src/common/bridge';
import { FIGURES_EVERY_MS, RESYNC_MS, useSceneStore, type LiveBatch } from '../../renderer/src/wall/store';
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
      const asked = payload as { window: { preset: 'today' | 'year' }; region?: string; view?: MapView };
      // Today's is read without every grid's state and open case (the map and the grid lists read the year's).
      const view = asked.view ? `/${asked.view.level}` : '';
      requests.push(name === 'scene.snapshot' ? `${name}:${asked.window.preset}${view}${asked.region ? `@${asked.region}` : ''}` : name);
      if (name === 'scene.snapshot') {
        await replyGate;
        const reply = asked.region === 's2' ? streetSnapshot(asked.window.preset) : snapshot(asked.window.preset);
        return asked.view ? { ...reply, view: asked.view } : reply;
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

/** One appeal reported and closed on time, rated satisfied, in grid `gridId` on the fixtures' last day. */
const appealClosed = (gridId: string): CountChange => ({
  day: 20261123,
  gridId,
  kind: 'appeal',
  departmentId: null,
  d: [1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
});

const delta = (over: Partial<SceneDelta>): SceneDelta => ({
  seq: 4,
  events: [],
  removed: [],
  grids: [],
  counts: [],
  totalsChanged: false,
  referenceChanged: false,
  ...over,
});

describe('the scene store', () => {
  let fake: ReturnType<typeof fakeTransport>;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
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
    expect(fake.requests.sort()).toEqual(['map.regions', 'scene.snapshot:today/street', 'scene.snapshot:year']);
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
    expect(fake.requests.sort()).toEqual(['scene.snapshot:today/street', 'scene.snapshot:year']);
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
    expect(fake.requests.sort()).toEqual(['map.regions', 'scene.snapshot:today/street', 'scene.snapshot:year']);
    // Connected just after it: the snapshots are re-read on the usual schedule, not at once.
    fake.requests.length = 0;
    fake.connect(false);
    fake.connect(true);
    expect(fake.requests).toEqual([]);
    await vi.advanceTimersByTimeAsync(2100);
    expect(fake.requests.sort()).toEqual(['scene.snapshot:today/street', 'scene.snapshot:year']);
    // After an outage (deltas lost in between): at once.
    fake.requests.length = 0;
    fake.connect(false);
    await vi.advanceTimersByTimeAsync(30_000);
    fake.connect(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.requests.sort()).toEqual(['scene.snapshot:today/street', 'scene.snapshot:year']);
  });

  it('removes deleted cases', async () => {
    const store = await started();
    fake.push('scene.delta', delta({ removed: ['e1'] }));
    expect(store.ticker).toEqual([]);
    expect(store.points.size).toBe(0);
  });

  it('reads the year for the level the map draws, and again only when the map zooms in past what it holds', async () => {
    const store = useSceneStore();
    // A map so small that the fixture's grids and communities cannot be read on it: its streets are drawn.
    store.setMapFrame({ width: 60, height: 50, padding: 0, scale: 1 });
    await started();
    expect(fake.requests.sort()).toEqual(['map.regions', 'scene.snapshot:today/street', 'scene.snapshot:year/street']);
    fake.requests.length = 0;
    // Zoomed in on a corner: the grids in view (and a margin) are read.
    store.setMapCamera({ level: 'grid', bbox: [106.6, 30.5, 106.615, 30.515] });
    await vi.waitFor(() => expect(fake.requests.sort()).toEqual(['scene.snapshot:today/street', 'scene.snapshot:year/grid']));
    await vi.waitFor(() => expect(store.year?.view).toEqual({ level: 'grid', bbox: [106.6, 30.5, 106.615, 30.515] }));
    fake.requests.length = 0;
    // A pan inside what is held reads nothing; back to the fitted map, the streets again.
    store.setMapCamera({ level: 'grid', bbox: [106.602, 30.502, 106.61, 30.51] });
    store.setMapCamera(null);
    await vi.waitFor(() => expect(fake.requests.sort()).toEqual(['scene.snapshot:today/street', 'scene.snapshot:year/street']));
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
    expect(fake.requests.sort()).toEqual(['scene.snapshot:today/street@s2', 'scene.snapshot:year@s2']);
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

  it('moves the panels’ figures at once, then at most once a second while cases keep coming', async () => {
    const store = await started();
    const before = store.revision;
    fake.push('scene.delta', delta({ seq: 5, counts: [appealClosed('g1')] }));
    expect(store.revision).toBe(before + 1);
    expect(store.year!.totals.events).toBe(10);
    fake.push('scene.delta', delta({ seq: 6, counts: [appealClosed('g1')] }));
    fake.push('scene.delta', delta({ seq: 7, counts: [appealClosed('g1')] }));
    expect(store.revision).toBe(before + 1);
    await vi.advanceTimersByTimeAsync(FIGURES_EVERY_MS);
    expect(store.revision).toBe(before + 2);
    expect(store.year!.totals.events).toBe(12);
  });

  it('a live case moves the figures it touches in both windows, and causes no re-read', async () => {
    const store = await started();
    fake.requests.length = 0;
    const gridRevision = store.gridRevision;
    fake.push('scene.delta', delta({ seq: 4, events: [event({ id: 'e9', gridId: 'g1' })], counts: [appealClosed('g1')] }));
    for (const s of [store.today!, store.year!]) {
      expect(s.totals).toMatchObject({ events: 10, closed: 6, appeals: 10, appealsClosed: 6, onTime: 5 });
      expect(s.totals.satisfaction.satisfied).toBe(4);
      expect(s.totals.satisfaction.rate).toBeGreaterThan(0.8);
      expect(s.trend[0].byKind.appeal).toBe(1);
      expect(s.funnel.closed).toBe(6);
    }
    expect(store.grids.get('g1')).toMatchObject({ events: 4, open: 1 });
    expect(store.gridRevision).toBeGreaterThan(gridRevision);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.requests).toEqual([]);
    // A delta the snapshots already hold (its cursor is not past theirs) is not counted again.
    fake.push('scene.delta', delta({ seq: 4, counts: [appealClosed('g1')] }));
    fake.push('scene.delta', delta({ seq: 2, counts: [appealClosed('g1')] }));
    expect(store.year!.totals.events).toBe(10);
  });

  it('a delta that comes while the snapshots are re-read is added to them when the read missed it', async () => {
    const store = await started();
    let release!: () => void;
    replyGate = new Promise((r) => (release = r));
    fake.push('scene.delta', delta({ totalsChanged: true }));
    await vi.advanceTimersByTimeAsync(2100);
    expect(store.loading).toBe(true);
    // The re-read answers with a cursor of 3: the delta at 5 is not in it.
    fake.push('scene.delta', delta({ seq: 5, counts: [appealClosed('g2')] }));
    release();
    await vi.waitFor(() => expect(store.loading).toBe(false));
    expect(store.year!.totals.events).toBe(10);
    expect(store.year!.seq).toBe(5);
    expect(store.grids.get('g2')?.events).toBe(6);
  });

  it('re-reads the snapshots every few minutes for what only the clock moves (overdue cases, the day)', async () => {
    await started();
    fake.requests.length = 0;
    await vi.advanceTimersByTimeAsync(RESYNC_MS + 100);
    expect(fake.requests.sort()).toEqual(['scene.snapshot:today/street', 'scene.snapshot:year']);
  });

  it('at a street, a case elsewhere moves nothing; a case of the street moves its figures; neither re-reads', async () => {
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
        counts: [appealClosed('g1')],
      }),
    );
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.requests).toEqual([]);
    expect(store.revision).toBe(revision);
    expect(store.ticker.map((e) => e.id)).not.toContain('far');
    expect(store.points.has('far')).toBe(false);
    expect(store.grids.has('g1')).toBe(false);
    expect(batches).toEqual([]);

    expect(store.year!.totals.events).toBe(9);

    fake.push('scene.delta', delta({ events: [event({ id: 'near', gridId: 'g3' })], counts: [appealClosed('g3'), appealClosed('g1')] }));
    expect(store.ticker[0].id).toBe('near');
    expect(batches.map((b) => b.added.map((e) => e.id))).toEqual([['near']]);
    expect(store.year!.totals.events).toBe(10);
    expect(store.grids.get('g3')?.events).toBe(2);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.requests).toEqual([]);

    // What a delta cannot place (services, evaluations, a batch too big to count) is re-read.
    fake.push('scene.delta', delta({ counts: null, totalsChanged: true }));
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.requests.sort()).toEqual(['scene.snapshot:today/street@s2', 'scene.snapshot:year@s2']);
  });
});
