/**
 * What the wall tells the e2e tests and the benchmarks about itself, on `window.__gccWall`: how many map and chart
 * instances are alive, when each live case was first drawn, and when the first complete frame was on screen.
 * Read-only numbers; nothing here changes what the wall shows.
 */
export interface DrawnCase {
  id: string;
  /** Date.now() when the delta carrying the case arrived. */
  receivedAt: number;
  /** Date.now() when the first frame showing it was rendered. */
  drawnAt: number;
}

export interface WallMetrics {
  maps: number;
  charts: number;
  /** Last 2,000 live cases drawn on the map. */
  drawn: DrawnCase[];
  /** performance.now() of the first frame with the map idle and every panel's chart rendered. */
  firstCompleteFrame: number | null;
  mapIdle: boolean;
  /** A frame was drawn with the regions and the case points loaded (a live map may never be fully idle). */
  mapDrawn: boolean;
  chartsRendered: number;
  scene: string | null;
  /** performance.now() when each step of a cold start was first reached (the cold-start benchmark prints the split). */
  milestones: Record<string, number>;
}

const metrics: WallMetrics = {
  maps: 0,
  charts: 0,
  drawn: [],
  firstCompleteFrame: null,
  mapIdle: false,
  mapDrawn: false,
  chartsRendered: 0,
  scene: null,
  milestones: {},
};

/** The first time the page reaches `name` (later times are ignored). */
export function milestone(name: string) {
  wallMetrics().milestones[name] ??= performance.now();
}

export function wallMetrics(): WallMetrics {
  // The store's unit tests run without a window.
  if (typeof window !== 'undefined') (window as unknown as { __gccWall?: WallMetrics }).__gccWall ??= metrics;
  return metrics;
}

export function recordDrawn(cases: { id: string; receivedAt: number }[], drawnAt = Date.now()) {
  const m = wallMetrics();
  for (const c of cases) m.drawn.push({ id: c.id, receivedAt: c.receivedAt, drawnAt });
  if (m.drawn.length > 2000) m.drawn.splice(0, m.drawn.length - 2000);
}

/** The live map, for the e2e tests and benchmarks (read its canvas, wait for idle). */
export function exposeMap(map: unknown) {
  (window as unknown as { __gccWallMap?: unknown }).__gccWallMap = map ?? undefined;
}
