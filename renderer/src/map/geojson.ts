/**
 * GeoJSON for the map's sources, built from the regions and the live grid states / points. Pure functions: the
 * same inputs give equal outputs, and a caller makes a new collection only when its inputs changed (the style
 * diff compares data by identity).
 */
import type { Feature } from 'geojson';
import type { EventKind } from '../../../shared/api/schemas';
import type { GridState, MapRegions, RankingRow } from '../../../shared/bridge/scene';
import type { Point } from '../wall/store';
import type { GeoJSONData } from './style';

type FC = { type: 'FeatureCollection'; features: Feature[] };

export function collection(value: unknown): GeoJSONData {
  const fc = value as FC | null;
  return fc && fc.type === 'FeatureCollection' && Array.isArray(fc.features) ? (fc as GeoJSONData) : { type: 'FeatureCollection', features: [] };
}

/** "翠屏路社区第12网格" → "12网格"-like short label for the grid layer at high zoom. */
export function shortGridName(name: string): string {
  const m = /第?(\d+)网格$/.exec(name);
  return m ? `${m[1]}网格` : name;
}

/** Grid polygons with their live status merged into the properties. */
export function gridFeatures(regions: MapRegions, states: ReadonlyMap<string, GridState>): GeoJSONData {
  const base = collection(regions.grids);
  return {
    type: 'FeatureCollection',
    features: base.features.map((f: Feature) => {
      const props = (f.properties ?? {}) as { id: string; name: string };
      const s = states.get(props.id);
      return {
        type: 'Feature',
        id: f.id,
        geometry: f.geometry,
        properties: {
          ...props,
          short: shortGridName(props.name),
          // A grid the snapshot of a map view does not hold (out of its bbox, until the re-read) has no colour.
          status: s?.status ?? 'unknown',
          open: s?.open ?? 0,
          critical: s?.critical ?? 0,
          brokenCount: s?.broken.length ?? 0,
        },
      };
    }),
  };
}

/**
 * The streets or communities drawn instead of grids (a coarse level of detail, lod.ts): each polygon with its share
 * of safe grids (`share`, 0..1) and its open cases, and one point per region, where its open cases are written.
 * Figures from the snapshot's rows of that level; a region without a row (outside the scope) has none.
 */
export function areaFeatures(regions: MapRegions, level: 'street' | 'community', rows: readonly RankingRow[]): { areas: GeoJSONData; areaCounts: GeoJSONData } {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const areas: Feature[] = [];
  const counts: Feature[] = [];
  for (const f of collection(level === 'street' ? regions.streets : regions.communities).features) {
    const props = (f.properties ?? {}) as { id: string; name: string };
    const row = byId.get(props.id);
    if (!row) continue;
    const share = row.grids ? row.safeGrids / row.grids : 0;
    areas.push({ type: 'Feature', id: f.id, geometry: f.geometry, properties: { id: props.id, name: props.name, share, open: row.open } });
    const p = labelPoint(f.geometry);
    if (p) counts.push({ type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: { id: props.id, open: row.open } });
  }
  return { areas: { type: 'FeatureCollection', features: areas }, areaCounts: { type: 'FeatureCollection', features: counts } };
}

/** One marker point per grid that is at risk, carrying how many criteria it broke (the ⚠N label). */
export function riskMarkers(regions: MapRegions, states: ReadonlyMap<string, GridState>): GeoJSONData {
  const features: Feature[] = [];
  for (const f of collection(regions.grids).features) {
    const id = (f.properties as { id?: string } | null)?.id;
    const s = id ? states.get(id) : undefined;
    if (!s || s.status !== 'at_risk') continue;
    const p = labelPoint(f.geometry);
    if (p) features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: { id, status: s.status, brokenCount: s.broken.length } });
  }
  return { type: 'FeatureCollection', features };
}

export function pointFeatures(points: Iterable<Point>, kinds: readonly EventKind[]): GeoJSONData {
  const wanted = new Set(kinds);
  const features: Feature[] = [];
  for (const p of points) {
    if (!wanted.has(p.kind)) continue;
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
      properties: { id: p.id, kind: p.kind, stage: p.stage, severity: p.severity },
    });
  }
  return { type: 'FeatureCollection', features };
}

type Ring = number[][];

/** Area-weighted centroid of a ring (shoelace, relative to its first vertex for precision), and its area. */
function ringCentroid(ring: Ring): { x: number; y: number; a: number } {
  const [x0, y0] = ring[0] ?? [0, 0];
  let a = 0;
  let x = 0;
  let y = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i][0] - x0;
    const yi = ring[i][1] - y0;
    const xj = ring[j][0] - x0;
    const yj = ring[j][1] - y0;
    const f = xj * yi - xi * yj;
    a += f;
    x += (xj + xi) * f;
    y += (yj + yi) * f;
  }
  return a ? { x: x0 + x / (3 * a), y: y0 + y / (3 * a), a: a / 2 } : { x: x0, y: y0, a: 0 };
}

/** One label point per region: the centroid of its largest part (tiling would label every tile piece). */
export function labelPoint(geometry: Feature['geometry']): [number, number] | null {
  const polys: Ring[][] =
    geometry.type === 'Polygon' ? [geometry.coordinates as Ring[]] : geometry.type === 'MultiPolygon' ? (geometry.coordinates as Ring[][]) : [];
  let best: { x: number; y: number; a: number } | null = null;
  for (const poly of polys) {
    const c = ringCentroid(poly[0] ?? []);
    if (!best || Math.abs(c.a) > Math.abs(best.a)) best = c;
  }
  return best ? [best.x, best.y] : null;
}

/** Label points of the streets, communities and grids, with `level` and `name` (and `short` for grids). */
export function labelFeatures(regions: MapRegions): GeoJSONData {
  const features: Feature[] = [];
  for (const [level, fc] of [
    ['street', regions.streets],
    ['community', regions.communities],
    ['grid', regions.grids],
  ] as const) {
    for (const f of collection(fc).features) {
      const p = labelPoint(f.geometry);
      const props = (f.properties ?? {}) as { id: string; name: string };
      if (p)
        features.push({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: p },
          properties: { id: props.id, name: props.name, level, short: shortGridName(props.name) },
        });
    }
  }
  return { type: 'FeatureCollection', features };
}

/** Bounds of the grids (the urban area) for the first camera; the district outline is much larger. */
export function gridBounds(regions: MapRegions): [number, number, number, number] {
  return regions.bbox;
}

/** Bounds of one feature's geometry. */
export function featureBounds(feature: Feature): [number, number, number, number] {
  const b: [number, number, number, number] = [180, 90, -180, -90];
  const walk = (c: unknown) => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0] as number);
      b[1] = Math.min(b[1], c[1] as number);
      b[2] = Math.max(b[2], c[0] as number);
      b[3] = Math.max(b[3], c[1] as number);
    } else if (Array.isArray(c)) c.forEach(walk);
  };
  walk((feature.geometry as { coordinates?: unknown }).coordinates);
  return b;
}
