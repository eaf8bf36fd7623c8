/**
 * Levels of detail (issue 17): the map draws the finest level whose regions are big enough on screen to read — the
 * grids, else the communities, else the streets — and the wall asks the core for that level only (a MapView), and
 * at the grid level, when zoomed in, only for the grids in view and a margin. A city of 20,000 grids is drawn as its
 * streets at the city's zoom; a district's 297 grids are drawn as grids on a 1080p wall.
 *
 * Pure functions of the regions, the scope and the camera, shared by the scene store (which must ask for a level
 * before the map has drawn anything) and the map (which follows its camera).
 */
import type { Feature } from 'geojson';
import type { MapRegions, MapView } from '../../../shared/bridge/scene';
import { collection, featureBounds } from './geojson';

export type MapLevel = MapView['level'];
export type Bbox = [number, number, number, number];

/** A region drawn smaller than this (px², at the 1080p wall unit; 40 × 40) is not readable: a coarser level is drawn. */
export const READABLE_PX2 = 1600;
/** The map's tile size at zoom 0 (MapLibre): the world is 512 · 2^zoom px wide. */
const WORLD_PX = 512;

export interface ScopeRef {
  id: string;
  level: 'street' | 'community';
}

/** How many grids and communities the scope holds, and its bounds. */
export interface ScopeExtent {
  bbox: Bbox;
  grids: number;
  communities: number;
  level: 'district' | 'street' | 'community';
}

const mercX = (lon: number) => (lon + 180) / 360;
const mercY = (lat: number) => {
  const s = Math.sin((lat * Math.PI) / 180);
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
};

/** The bbox's width and height in Web Mercator units (the world is 1 × 1). */
function mercSize([w, s, e, n]: Bbox): { width: number; height: number } {
  return { width: Math.max(1e-9, mercX(e) - mercX(w)), height: Math.max(1e-9, mercY(s) - mercY(n)) };
}

/** Extents already worked out, per regions object and scope: the map asks after every camera move, the store too. */
const extents = new WeakMap<MapRegions, Map<string, ScopeExtent>>();

/** The scope's bounds and counts, from the regions (worked out once per regions object and scope). */
export function scopeExtent(regions: MapRegions, scope: ScopeRef | null): ScopeExtent {
  let known = extents.get(regions);
  if (!known) extents.set(regions, (known = new Map()));
  const key = scope?.id ?? '';
  let extent = known.get(key);
  if (!extent) known.set(key, (extent = measureScope(regions, scope)));
  return extent;
}

/** Counts a city's 20,000 grids: not something to do on every camera move. */
function measureScope(regions: MapRegions, scope: ScopeRef | null): ScopeExtent {
  const grids = collection(regions.grids).features;
  const communities = collection(regions.communities).features;
  if (!scope) return { bbox: regions.bbox, grids: grids.length, communities: communities.length, level: 'district' };
  const idOf = (f: Feature) => (f.properties as { id?: string } | null)?.id;
  const parentOf = (f: Feature) => (f.properties as { parentId?: string | null } | null)?.parentId ?? null;
  const own = collection(scope.level === 'street' ? regions.streets : regions.communities).features.find((f) => idOf(f) === scope.id);
  // A street's communities, and the grids of the scope's communities.
  const inScope = new Set(scope.level === 'street' ? communities.filter((c) => parentOf(c) === scope.id).map(idOf) : [scope.id]);
  return {
    bbox: own ? featureBounds(own) : regions.bbox,
    grids: grids.filter((g) => inScope.has(parentOf(g) ?? undefined)).length,
    communities: scope.level === 'street' ? inScope.size : 1,
    level: scope.level,
  };
}

/** The scope's area on screen, in px², when the map fits it into a `width` × `height` frame less `padding`. */
export function fittedPx2(bbox: Bbox, width: number, height: number, padding: number): number {
  const m = mercSize(bbox);
  const k = Math.min(Math.max(1, width - 2 * padding) / m.width, Math.max(1, height - 2 * padding) / m.height);
  return k * k * m.width * m.height;
}

/** The scope's area on screen, in px², at a zoom. */
export function zoomedPx2(bbox: Bbox, zoom: number): number {
  const m = mercSize(bbox);
  const k = WORLD_PX * 2 ** zoom;
  return k * k * m.width * m.height;
}

/**
 * The finest level readable when the scope covers `px2` on screen (`scale`: the wall unit over the 1080p one, so a 4K
 * wall asks for regions as big to the eye). A community scope is always drawn as its grids, a street's never as one
 * street.
 */
export function readableLevel(extent: ScopeExtent, px2: number, scale = 1): MapLevel {
  const least = READABLE_PX2 * scale * scale;
  if (extent.level === 'community' || px2 / Math.max(1, extent.grids) >= least) return 'grid';
  if (extent.level === 'street' || px2 / Math.max(1, extent.communities) >= least) return 'community';
  return 'street';
}

/** The camera's bounds grown by half their size on each side: the grids a short pan will show are read already. */
export function withMargin([w, s, e, n]: Bbox, margin = 0.5): Bbox {
  const dx = (e - w) * margin;
  const dy = (n - s) * margin;
  return [Math.max(-180, w - dx), Math.max(-90, s - dy), Math.min(180, e + dx), Math.min(90, n + dy)];
}

/** Does a snapshot read for view `held` (none: every grid) hold what view `wanted` draws? */
export function viewCovers(held: MapView | null | undefined, wanted: MapView | null): boolean {
  if (!held) return true;
  if (!wanted) return false;
  if (held.level !== wanted.level) return false;
  if (wanted.level !== 'grid' || !held.bbox) return true;
  if (!wanted.bbox) return false;
  const [hw, hs, he, hn] = held.bbox;
  const [w, s, e, n] = wanted.bbox;
  return w >= hw && s >= hs && e <= he && n <= hn;
}

/** The map's frame: its size in px, the padding of a fit, and the wall unit over the 1080p one. */
export interface MapFrame {
  width: number;
  height: number;
  padding: number;
  scale: number;
}

/** A street or community by id, with its level (null: the district, or an id the regions do not know). */
export function scopeRef(regions: MapRegions, id: string | null): ScopeRef | null {
  if (!id) return null;
  const has = (fc: unknown) => collection(fc).features.some((f) => (f.properties as { id?: string } | null)?.id === id);
  return has(regions.streets) ? { id, level: 'street' } : has(regions.communities) ? { id, level: 'community' } : null;
}

/** The view of the scope fitted into the frame: its readable level, every region of it. */
export function fittedView(regions: MapRegions, scope: ScopeRef | null, frame: MapFrame): MapView {
  const extent = scopeExtent(regions, scope);
  return { level: readableLevel(extent, fittedPx2(extent.bbox, frame.width, frame.height, frame.padding), frame.scale) };
}
