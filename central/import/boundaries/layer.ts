/** What every format's reader hands back: the features of one file (a layer) in lon/lat, with its problems. */
import type { Problem } from '../types';
import type { BoundaryFeature } from './read';
import type { Crs } from './crs';

export interface Layer {
  features: BoundaryFeature[];
  crs: string;
  problems: Problem[];
}

type Positions = unknown;

/** Drops Z/M and converts projected positions; leaves anything that is not a position as it is (checked later). */
function convertPositions(value: Positions, depth: number, toLonLat: Crs['toLonLat']): Positions {
  if (!Array.isArray(value)) return value;
  if (depth === 0) {
    const [x, y] = value as number[];
    if (typeof x !== 'number' || typeof y !== 'number') return value;
    return toLonLat ? toLonLat([x, y]) : [x, y];
  }
  return value.map((v) => convertPositions(v, depth - 1, toLonLat));
}

interface AnyGeometry {
  type?: unknown;
  coordinates?: unknown;
  geometries?: AnyGeometry[];
}

/**
 * A feature's geometry as an area (Polygon or MultiPolygon, lon/lat, 2-D), null when it has none, or 'not-area'
 * for points and lines (a layer of labels or boundary lines zipped with the areas). A GeometryCollection of
 * polygons (KML's MultiGeometry) becomes a MultiPolygon.
 */
export function areaGeometryOf(geometry: unknown, toLonLat: Crs['toLonLat']): BoundaryFeature['geometry'] | 'not-area' {
  if (geometry === null || geometry === undefined) return null;
  const g = geometry as AnyGeometry;
  if (g.type === 'Polygon') return { type: 'Polygon', coordinates: convertPositions(g.coordinates ?? [], 2, toLonLat) as number[][][] };
  if (g.type === 'MultiPolygon') return { type: 'MultiPolygon', coordinates: convertPositions(g.coordinates ?? [], 3, toLonLat) as number[][][][] };
  if (g.type === 'GeometryCollection') {
    const parts = (g.geometries ?? []).map((p) => areaGeometryOf(p, toLonLat));
    const polygons: number[][][][] = [];
    for (const p of parts) {
      if (p === 'not-area') continue;
      if (p?.type === 'Polygon') polygons.push(p.coordinates as number[][][]);
      if (p?.type === 'MultiPolygon') polygons.push(...(p.coordinates as number[][][][]));
    }
    if (polygons.length === 0) return parts.some((p) => p === 'not-area') ? 'not-area' : null;
    return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
  }
  return 'not-area';
}

/** One warning per file for the features that are points or lines (skipped: boundaries are areas). */
export function notAreaWarning(file: string, count: number): Problem {
  return {
    severity: 'warning',
    file,
    message: `“${file}”中有 ${count} 个要素是点或线而不是面，已跳过；边界需要面（多边形）要素，如这些是网格请在 GIS 软件中转为面后重新导出。`,
  };
}
