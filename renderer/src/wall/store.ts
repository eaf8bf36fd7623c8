/**
 * The wall's data: one scene snapshot per time window, the map's regions, and the live deltas applied to them in
 * place. A delta updates what it carries at once: new or changed cases, grid states, and the counts its cases moved
 * (added to totals, rates, rankings and trends: live-counts.ts), so a live case makes no re-read. The snapshots are
 * re-read when the scope changes, after an outage, when a delta cannot say what it changed (a big batch, services,
 * evaluations: at most once per `refetchMs`), and every RESYNC_MS for what only the clock moves (overdue cases, the
 * day).
 *
 * Snapshots are held in shallow refs and mutated in place; `revision` ticks after every change so views can
 * recompute. The map and the ticker also get each batch of new cases through `onEvents`, without going through
 * Vue's reactivity (a wall at 50 events/s must not diff arrays it does not show).
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import { BridgeError } from '../../../shared/bridge/contract';
import type { EventSummary, GridState, MapRegions, MapView, SceneDelta, SceneSnapshot } from '../../../shared/bridge/scene';
import { useBridge } from '../common/bridge';
import { milestone } from '../common/wall-metrics';
import { gridIndex, type GridInfo } from './derive';
import { addCounts, applyGridStates } from './live-counts';
import { fittedView, scopeRef, viewCovers, type MapFrame } from '../map/lod';

/** The windows the wall reads: today's counts and the year to date. */
export type WallWindow = 'today' | 'year';
export const WALL_WINDOWS: WallWindow[] = ['today', 'year'];

/** Cases shown in the ticker (newest first). */
export const TICKER_LENGTH = 80;
/** Open cases on the map, at most (the snapshot sends up to 5,000; live ones are added on top). */
export const MAX_POINTS = 8000;

export type Point = SceneSnapshot['points'][number];

/** The snapshots are read again this often even when every case was counted live: overdue cases and the day move with the clock. */
export const RESYNC_MS = 5 * 60_000;

/** Live figures (counts added in place) reach the panels at most this often. */
export const FIGURES_EVERY_MS = 1000;

/** A case counts as just reported (pulse on the map, critical alert) when reported this recently. */
export const FRESH_MS = 10 * 60_000;

export interface LiveBatch {
  /** Cases new to the wall in this delta (first seen), newest first. */
  added: EventSummary[];
  /** Of those, the ones reported in the last FRESH_MS: a catch-up after a restart must not flash old cases. */
  fresh: EventSummary[];
  /** Cases already known whose state changed. */
  changed: EventSummary[];
  removed: string[];
  /** performance.now() when the delta arrived. */
  receivedAt: number;
}

/** Same fields with the same values (arrays element by element). */
function sameFields(a: object | undefined, b: object): boolean {
  if (!a) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  return keys.every((k) => {
    const u = x[k];
    const v = y[k];
    return u === v || (Array.isArray(u) && Array.isArray(v) && u.length === v.length && u.every((e, i) => e === v[i]));
  });
}

export const useSceneStore = defineStore('scene', () => {
  const snapshots = shallowRef<Partial<Record<WallWindow, SceneSnapshot>>>({});
  const regions = shallowRef<MapRegions | null>(null);
  const error = ref<BridgeError | null>(null);
  const loading = ref(false);
  /** Ticks after every in-place change of the snapshots' figures (counts added, grid states set). */
  const revision = ref(0);
  /** Ticks only when grid states change (the map's grid layer listens to this one). */
  const gridRevision = ref(0);
  /** Ticks when the set of open points changes. */
  const pointsRevision = ref(0);
  const lastDeltaAt = ref<number | null>(null);
  const lastFetchAt = ref<number | null>(null);
  /** The street or community the wall shows (null: the whole district): the URL's ?region=, else the display's playlist. */
  const region = ref<string | null>(null);
  /** The region the snapshots held now were read for. */
  const shownRegion = ref<string | null>(null);
  /** The street or community shown (null: the district): deltas of cases elsewhere leave the wall alone. */
  let shownScope: { id: string; level: string } | null = null;

  /** Live grid states by id (from the year snapshot, then the deltas). */
  const grids = markRaw(new Map<string, GridState>());
  /** Open cases on the map by id. */
  const points = markRaw(new Map<string, Point>());
  /** The ticker: newest first, unique by id. */
  const ticker = shallowRef<EventSummary[]>([]);
  const seen = markRaw(new Set<string>());
  /** Live points added by deltas since the last snapshot (kept across a re-read until the snapshot has them). */
  const seenLive = markRaw(new Set<string>());

  const listeners = new Set<(batch: LiveBatch) => void>();
  let started = false;
  let refetchTimer: ReturnType<typeof setTimeout> | null = null;
  let refetchMs: () => number = () => 2000;
  let lastRefetch = 0;
  /** How long the last re-read took (ms): re-reads never take more than ~1/8 of the time. */
  let lastFetchCost = 0;
  let inflight: Promise<void> | null = null;
  let unsubscribe: (() => void)[] = [];
  let resyncTimer: ReturnType<typeof setInterval> | null = null;
  /** Deltas that came while snapshots were being read: their counts go onto the new snapshots if the read missed them. */
  let arrivedDuringRead: SceneDelta[] = [];
  /** Grid → street and community, from the regions (built when first needed after they change). */
  let places: Map<string, GridInfo> | null = null;
  const place = (gridId: string) => (places ??= gridIndex(regions.value)).get(gridId);

  // A new (shallow) object per revision: the snapshots are changed in place, and a computed that returns the same
  // object again does not wake what depends on it (Vue 3.4+), so the figures would stand still.
  const today = computed(() => (revision.value, snapshots.value.today ? { ...snapshots.value.today } : null));
  const year = computed(() => (revision.value, snapshots.value.year ? { ...snapshots.value.year } : null));
  const ready = computed(() => !!snapshots.value.today && !!snapshots.value.year);
  /** A new scope has been asked for and its snapshots are not in yet (the old scope's stay on screen until then). */
  const scopePending = computed(() => region.value !== shownRegion.value);

  function toError(e: unknown): BridgeError {
    return e instanceof BridgeError ? e : new BridgeError({ code: 'unavailable', message: String(e) });
  }

  async function fetchSnapshots(): Promise<void> {
    if (inflight) return inflight;
    const bridge = useBridge();
    loading.value = true;
    const began = performance.now();
    const asked = region.value;
    inflight = (async () => {
      try {
        // Today's snapshot feeds figures only (the map and the panels' grid lists read the year's): it is read
        // without any grid state or open case — 37 kB instead of 397 in the demo, 134 instead of 2,452 in a city.
        // The year's feeds the map too: it is read for the level the map draws (lod.ts), which needs the regions.
        const [t, y] = await Promise.all(
          WALL_WINDOWS.map(async (preset) => {
            let view: MapView | null = { level: 'street', lists: false };
            if (preset === 'year') {
              if (!regions.value && regionsInflight) await regionsInflight;
              view = wantedView(asked);
            }
            return bridge.request('scene.snapshot', { window: { preset }, ...(asked ? { region: asked } : {}), ...(view ? { view } : {}) });
          }),
        );
        // The scope changed while these were read: they are of the old one, read again.
        if (asked !== region.value) return;
        for (const d of arrivedDuringRead) for (const s of [t, y]) addDeltaCounts(s, d);
        snapshots.value = { today: markRaw(t), year: markRaw(y) };
        shownRegion.value = asked;
        shownScope = y.scope.id === null ? null : { id: y.scope.id, level: y.scope.level };
        milestone('snapshots in');
        absorbSnapshot(y, t);
        error.value = null;
        lastFetchAt.value = Date.now();
        revision.value++;
      } catch (e) {
        error.value = toError(e);
      } finally {
        arrivedDuringRead = [];
        loading.value = false;
        lastRefetch = performance.now();
        lastFetchCost = lastRefetch - began;
        inflight = null;
      }
      if (asked !== region.value) await fetchSnapshots();
    })();
    return inflight;
  }

  /**
   * The map's frame (its size less the padding of a fit, and the wall unit's scale) and, when its camera is zoomed
   * in past the scope's fit, what it shows: with them, the year's snapshot holds only the level the map draws.
   */
  let mapFrame: MapFrame | null = null;
  let mapCamera: { region: string | null; view: MapView } | null = null;

  /** The view the map draws for a region: the camera's if zoomed in, else the scope fitted into the frame. */
  function wantedView(forRegion: string | null): MapView | null {
    if (mapCamera && mapCamera.region === forRegion) return mapCamera.view;
    const r = regions.value;
    if (!r || !mapFrame) return null;
    return fittedView(r, scopeRef(r, forRegion), mapFrame);
  }

  /** Re-reads when the map draws what the year's snapshot does not hold (another level, grids out of its bbox). */
  function followMap() {
    const held = snapshots.value.year;
    if (!held || shownRegion.value !== region.value) return;
    if (!viewCovers(held.view, wantedView(region.value))) void fetchSnapshots();
  }

  function setMapFrame(frame: MapFrame | null) {
    mapFrame = frame;
    followMap();
  }

  /** The map's camera, zoomed in past the fit (null: fitted to the scope). */
  function setMapCamera(view: MapView | null) {
    mapCamera = view && { region: region.value, view };
    followMap();
  }

  /** Show a street or a community (null: the district); its snapshots are read at once. */
  function setRegion(id: string | null) {
    if (id === region.value) return;
    region.value = id;
    void fetchSnapshots();
  }

  /** Grid states and points come from the year snapshot; the ticker from today's (else the year's). */
  function absorbSnapshot(y: SceneSnapshot, t: SceneSnapshot) {
    // A re-read that changed nothing on the map leaves it alone: on software GL each grid or point refresh is a
    // re-tiling and a few whole-map frames, and the totals are re-read every few seconds while cases come in.
    let gridsChanged = grids.size !== y.grids.length;
    for (const g of y.grids) if (!gridsChanged && !sameFields(grids.get(g.id), g)) gridsChanged = true;
    grids.clear();
    for (const g of y.grids) grids.set(g.id, g);
    if (gridsChanged) gridRevision.value++;
    // Keep live points the snapshot may not have yet (a delta can arrive before the rollups are re-read).
    const inSnapshot = new Set(y.points.map((p) => p.id));
    const live: Point[] = [];
    for (const id of seenLive) {
      const p = points.get(id);
      if (p && !inSnapshot.has(id)) live.push(p);
      else seenLive.delete(id);
    }
    const before = new Map(points);
    points.clear();
    for (const p of y.points) points.set(p.id, p);
    for (const p of live) points.set(p.id, p);
    let pointsChanged = before.size !== points.size;
    for (const p of points.values()) if (!pointsChanged && !sameFields(before.get(p.id), p)) pointsChanged = true;
    if (pointsChanged) pointsRevision.value++;
    const recent = t.recent.length ? t.recent : y.recent;
    const byId = new Map(ticker.value.map((e) => [e.id, e]));
    for (const e of recent) byId.set(e.id, e);
    ticker.value = [...byId.values()].sort((a, b) => (a.reportedAt < b.reportedAt ? 1 : a.reportedAt > b.reportedAt ? -1 : 0)).slice(0, TICKER_LENGTH);
    for (const e of ticker.value) seen.add(e.id);
  }

  /** The regions request in flight, if any (the socket connecting right after start() must not ask again). */
  let regionsInflight: Promise<void> | null = null;
  function fetchRegions(): Promise<void> {
    // Asked for at once, before the snapshots: the wall's read lane answers in order, and the map — the longest
    // path to a complete first frame on software GL — can only start tiling once it has the boundaries.
    const asked = (async () => useBridge().request('map.regions', {}))();
    const request: Promise<void> = asked
      .then(
        (r) => {
          regions.value = markRaw(r);
          places = null;
          milestone('regions in');
        },
        (e: unknown) => void (error.value = toError(e)),
      )
      .finally(() => {
        if (regionsInflight === request) regionsInflight = null;
      });
    regionsInflight = request;
    return request;
  }

  function scheduleRefetch() {
    if (refetchTimer) return;
    const wait = Math.max(0, Math.max(refetchMs(), 8 * lastFetchCost) - (performance.now() - lastRefetch));
    refetchTimer = setTimeout(() => {
      refetchTimer = null;
      void fetchSnapshots();
    }, wait);
  }

  /**
   * The figures moved in place: the panels recompute at once, then at most once per FIGURES_EVERY_MS while cases
   * keep coming (at 50 a second every delta would redraw every chart, on software GL a frame each).
   */
  let figuresTimer: ReturnType<typeof setTimeout> | null = null;
  let figuresAt = -Infinity;
  function figuresChanged() {
    if (figuresTimer) return;
    const wait = figuresAt + FIGURES_EVERY_MS - performance.now();
    const tick = () => {
      figuresTimer = null;
      figuresAt = performance.now();
      revision.value++;
    };
    if (wait <= 0) tick();
    else figuresTimer = setTimeout(tick, wait);
  }

  /** Adds a delta's counts to a snapshot read before its batch was written (of a lower sequence); whether its figures and its grids' counts moved. */
  function addDeltaCounts(s: SceneSnapshot, delta: SceneDelta): { moved: boolean; gridsMoved: boolean } {
    if (!delta.counts?.length || delta.seq <= s.seq) return { moved: false, gridsMoved: false };
    s.seq = delta.seq;
    return addCounts(s, delta.counts, place);
  }

  /** Apply one pushed delta in place. Exposed for tests. */
  function applyDelta(pushed: SceneDelta, receivedAt = performance.now()) {
    lastDeltaAt.value = Date.now();
    const delta = inScope(pushed);
    if (!delta) return;
    const added: EventSummary[] = [];
    const changed: EventSummary[] = [];
    for (const e of delta.events) (seen.has(e.id) ? changed : added).push(e);

    // Ticker: replace changed cases where they stand, put new ones on top.
    if (delta.events.length || delta.removed.length) {
      const removed = new Set(delta.removed);
      const changedById = new Map(changed.map((e) => [e.id, e]));
      const kept = ticker.value.filter((e) => !removed.has(e.id)).map((e) => changedById.get(e.id) ?? e);
      ticker.value = [...added, ...kept].slice(0, TICKER_LENGTH);
      for (const e of added) seen.add(e.id);
      if (seen.size > 20_000) {
        seen.clear();
        for (const e of ticker.value) seen.add(e.id);
      }
    }

    // Points: open cases on the map.
    let pointsChanged = false;
    for (const e of delta.events) {
      if (e.stage === 'closed') pointsChanged = points.delete(e.id) || pointsChanged;
      else {
        points.set(e.id, { id: e.id, kind: e.kind, stage: e.stage, severity: e.severity, lon: e.location[0], lat: e.location[1] });
        seenLive.add(e.id);
        pointsChanged = true;
      }
    }
    for (const id of delta.removed) pointsChanged = points.delete(id) || pointsChanged;
    if (points.size > MAX_POINTS) {
      // Oldest first out: Map keeps insertion order.
      for (const id of points.keys()) {
        if (points.size <= MAX_POINTS) break;
        points.delete(id);
        seenLive.delete(id);
      }
    }
    if (pointsChanged) pointsRevision.value++;

    // Counts: totals, rates, funnel, trends, rankings and the year's grid counts (the map's grids are those objects).
    const { today: t, year: y } = snapshots.value;
    if (inflight && delta.counts?.length) arrivedDuringRead.push(delta);
    let figuresMoved = !!t && addDeltaCounts(t, delta).moved;
    const yearMoved = y ? addDeltaCounts(y, delta) : { moved: false, gridsMoved: false };
    figuresMoved ||= yearMoved.moved;
    let gridsMoved = yearMoved.gridsMoved;

    // Grid states: status and broken criteria are live whatever the window (a pushed state's counts are today's).
    if (delta.grids.length) {
      // Set on the year's snapshot only: the safe-grid figures, the map and the grid lists read the year's (today's
      // is read without grids, and every pushed grid would look new to it). A grid that starts breaking a criterion
      // and ranks among the risk list's grids joins the lists of a snapshot of a map view: its counts of the window
      // come with a re-read (rare: a grid's first broken criterion of the quarter, and at risk or above the last).
      if (y) {
        const { changed, joined } = applyGridStates(y, delta.grids, place);
        figuresMoved ||= changed;
        if (joined.length) scheduleRefetch();
      }
      for (const g of delta.grids) {
        const prev = grids.get(g.id);
        if (prev) Object.assign(prev, { status: g.status, broken: g.broken });
        else grids.set(g.id, { ...g });
      }
      gridsMoved = true;
    }
    if (gridsMoved) gridRevision.value++;
    if (figuresMoved) figuresChanged();
    if (delta.totalsChanged) scheduleRefetch();
    if (delta.referenceChanged) void fetchRegions();
    if (added.length || changed.length || delta.removed.length) {
      const now = Date.now();
      const fresh = added.filter((e) => now - Date.parse(e.reportedAt) <= FRESH_MS);
      const batch: LiveBatch = { added, fresh, changed, removed: delta.removed, receivedAt };
      for (const l of listeners) l(batch);
    }
  }

  /**
   * The part of a delta that concerns the scope shown: its cases, grids and counts. Null when nothing does — a case
   * in another street moves neither the ticker nor a figure.
   */
  function inScope(delta: SceneDelta): SceneDelta | null {
    const scope = shownScope;
    if (!scope) return delta;
    // By the regions, not the snapshot's grids: a snapshot of a map view lists only some of the scope's grids.
    const ofScope = (gridId: string) => {
      const p = place(gridId);
      return (scope.level === 'street' ? p?.streetId : p?.communityId) === scope.id;
    };
    const events = delta.events.filter((e) => ofScope(e.gridId));
    const states = delta.grids.filter((g) => ofScope(g.id));
    const counts = delta.counts && delta.counts.filter((c) => ofScope(c.gridId));
    const removed = delta.removed.filter((id) => seen.has(id) || points.has(id));
    // What a delta could not place (services, evaluations, a batch too big to count) is re-read to be sure.
    if (!events.length && !states.length && !counts?.length && !removed.length && !delta.totalsChanged && !delta.referenceChanged) return null;
    return { ...delta, events, grids: states, counts, removed };
  }

  function onEvents(listener: (batch: LiveBatch) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Subscribe to deltas and load everything; idempotent. */
  function start(options: { refetchMs?: number | (() => number) } = {}) {
    const r = options.refetchMs;
    if (r !== undefined) refetchMs = typeof r === 'function' ? r : () => r;
    if (started) return;
    started = true;
    const bridge = useBridge();
    unsubscribe = [
      bridge.on('scene.delta', (delta) => applyDelta(delta)),
      bridge.onConnection((up) => {
        if (!up) return;
        // After a reconnect the deltas in between are lost: re-read everything. The snapshots through the re-read
        // schedule: at once after an outage, but the first connection, which follows start()'s own read at once,
        // must not make the wall read and draw everything twice while it starts.
        if (!regions.value) void (regionsInflight ?? fetchRegions());
        if (!inflight) scheduleRefetch();
      }),
    ];
    void fetchRegions();
    void fetchSnapshots();
    resyncTimer = setInterval(scheduleRefetch, RESYNC_MS);
  }

  function stop() {
    for (const off of unsubscribe) off();
    unsubscribe = [];
    if (refetchTimer) clearTimeout(refetchTimer);
    refetchTimer = null;
    if (resyncTimer) clearInterval(resyncTimer);
    resyncTimer = null;
    if (figuresTimer) clearTimeout(figuresTimer);
    figuresTimer = null;
    started = false;
  }

  return {
    snapshots,
    regions,
    error,
    loading,
    revision,
    gridRevision,
    pointsRevision,
    lastDeltaAt,
    lastFetchAt,
    region,
    shownRegion,
    scopePending,
    setRegion,
    setMapFrame,
    setMapCamera,
    grids,
    points,
    ticker,
    today,
    year,
    ready,
    start,
    stop,
    fetchSnapshots,
    fetchRegions,
    applyDelta,
    onEvents,
  };
});
