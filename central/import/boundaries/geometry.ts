/**
 * One feature's geometry made fit for the tree, or refused with a reason: empty, not lon/lat, rings that do not
 * close or that cross themselves (turf kinks). And the measures the checks use: areas in m² and the "thickness" of
 * a piece, which is how a tolerance in metres applies to an area.
 *
 * Thickness = 2·area/perimeter: the width of a long strip (a strip w wide has thickness ≈ w), half the side of a
 * square. A piece (of an overlap, a gap, a part outside the parent) counts only when its thickness reaches the
 * tolerance (default 20 m): slivers from boundaries digitised a few metres apart never do, however long they are.
 */
import { bboxOf } from '../spatial';
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon as GeoMultiPolygon, Polygon as GeoPolygon } from 'geojson';
import type { BoundaryFeature } from './read';

export type Position = [number, number];
export type Ring = Position[];
export type PolygonCoords = Ring[];
export type Area = { type: 'Polygon'; coordinates: PolygonCoords } | { type: 'MultiPolygon'; coordinates: PolygonCoords[] };

export interface GeometryIssue {
  severity: 'error' | 'warning';
  message: string;
  lonLat?: Position;
}

const EARTH_METRES_PER_DEGREE = 111_320;

/** Rough ground distance in metres between two lon/lat positions (enough to compare with a tolerance). */
export function metresBetween(a: Position, b: Position): number {
  const dx = (a[0] - b[0]) * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  return Math.hypot(dx, a[1] - b[1]) * EARTH_METRES_PER_DEGREE;
}

export function polygonsOf(area: Area): PolygonCoords[] {
  return area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
}

export function areaOf(polygons: PolygonCoords[]): Area {
  return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
}

function asFeature(area: Area): Feature<GeoPolygon | GeoMultiPolygon> {
  return { type: 'Feature', properties: {}, geometry: area as GeoPolygon | GeoMultiPolygon };
}

function round6(p: Position): Position {
  return [Math.round(p[0] * 1e6) / 1e6, Math.round(p[1] * 1e6) / 1e6];
}

/**
 * A point inside the area for labels and markers, 6 decimals: the centroid when it is inside; else the middle of
 * the widest stretch inside the largest polygon along the horizontal line through its middle (the way GEOS finds
 * an interior point). turf's pointOnFeature falls back to a vertex, which sits on the boundary.
 */
export function pointInside(area: Area): Position {
  const f = asFeature(area);
  const c = turf.centroid(f).geometry.coordinates as Position;
  if (turf.booleanPointInPolygon(round6(c), f, { ignoreBoundary: true })) return round6(c);
  const polygons = polygonsOf(area);
  const largest = polygons.reduce((best, p) => (squareMetres([p]) > squareMetres([best]) ? p : best), polygons[0]);
  const [, minY, , maxY] = bboxOf([largest]);
  const y = (minY + maxY) / 2;
  const xs: number[] = [];
  for (const ring of largest) {
    for (let i = 1; i < ring.length; i++) {
      const [x0, y0] = ring[i - 1];
      const [x1, y1] = ring[i];
      // Half-open on y so a vertex on the line counts once.
      if (y0 <= y !== y1 <= y) xs.push(x0 + ((y - y0) * (x1 - x0)) / (y1 - y0));
    }
  }
  xs.sort((a, b) => a - b);
  let best: Position | null = null;
  let width = -1;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    if (xs[i + 1] - xs[i] > width) {
      width = xs[i + 1] - xs[i];
      best = [(xs[i] + xs[i + 1]) / 2, y];
    }
  }
  if (best && turf.booleanPointInPolygon(round6(best), f, { ignoreBoundary: true })) return round6(best);
  return best ?? round6(turf.pointOnFeature(f).geometry.coordinates as Position);
}

export function squareMetres(polygons: PolygonCoords[]): number {
  return polygons.length === 0 ? 0 : turf.area(asFeature(areaOf(polygons)));
}

function ringMetres(ring: Ring): number {
  let total = 0;
  for (let i = 1; i < ring.length; i++) total += metresBetween(ring[i - 1], ring[i]);
  return total;
}

export interface Piece {
  polygon: PolygonCoords;
  squareMetres: number;
  /** 2·area/perimeter in metres. */
  thickness: number;
  lonLat: Position;
}

/** The pieces of a result at least `tolerance` metres thick, largest first. */
export function significantPieces(polygons: PolygonCoords[], toleranceMetres: number): Piece[] {
  const out: Piece[] = [];
  for (const polygon of polygons) {
    const area = squareMetres([polygon]);
    const perimeter = polygon.reduce((sum, ring) => sum + ringMetres(ring), 0);
    const thickness = perimeter > 0 ? (2 * area) / perimeter : 0;
    if (thickness >= toleranceMetres) out.push({ polygon, squareMetres: area, thickness, lonLat: pointInside({ type: 'Polygon', coordinates: polygon }) });
  }
  return out.sort((a, b) => b.squareMetres - a.squareMetres);
}

export { bboxOf, type Bbox } from '../spatial';

function isPosition(p: unknown): p is number[] {
  return Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number' && Number.isFinite(p[0]) && Number.isFinite(p[1]);
}

/**
 * The feature's geometry as a clean Area (2-D, consecutive repeats dropped, rings closed, outer rings
 * counter-clockwise as RFC 7946 has them), or null with the reason among the issues.
 * `file` tells the message whether a missing .prj is the likely cause of projected coordinates.
 */
export function cleanGeometry(geometry: BoundaryFeature['geometry'], toleranceMetres: number, file: string): { area: Area | null; issues: GeometryIssue[] } {
  const issues: GeometryIssue[] = [];
  const refuse = (message: string, lonLat?: Position) => {
    issues.push({ severity: 'error', message, lonLat });
    return { area: null, issues };
  };
  if (!geometry) return refuse('没有边界（几何为空）；请在 GIS 软件中补画该区划的边界后重新导出。');
  const raw = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as unknown[];
  if (!Array.isArray(raw) || raw.length === 0 || raw.every((p) => !Array.isArray(p) || p.length === 0)) {
    return refuse('没有边界（坐标为空）；请在 GIS 软件中补画该区划的边界后重新导出。');
  }
  const polygons: PolygonCoords[] = [];
  for (const rawPolygon of raw) {
    if (!Array.isArray(rawPolygon) || rawPolygon.length === 0) continue;
    const polygon: PolygonCoords = [];
    for (const rawRing of rawPolygon as unknown[]) {
      if (!Array.isArray(rawRing) || !rawRing.every(isPosition)) return refuse('边界的坐标格式不对（不是经纬度数对），无法读取；请重新导出。');
      const ring: Ring = [];
      for (const p of rawRing as number[][]) {
        const pos: Position = [p[0], p[1]];
        const last = ring[ring.length - 1];
        if (!last || last[0] !== pos[0] || last[1] !== pos[1]) ring.push(pos);
      }
      if (ring.length === 0) continue;
      const outside = ring.find(([x, y]) => Math.abs(x) > 180 || Math.abs(y) > 90);
      if (outside) {
        const hint = /\.shp$/i.test(file)
          ? '这多半是投影坐标（单位为米）而压缩包里缺少 .prj 坐标系文件：请把同名的 .prj 一起打包'
          : '这多半是投影坐标（单位为米）而文件没有声明坐标系：请导出为经纬度（WGS-84/CGCS2000），或改传带 .prj 的 Shapefile 压缩包';
        return refuse(`坐标（${outside[0]}, ${outside[1]}）超出经纬度范围，${hint}。`);
      }
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (ring.length > 1 && (first[0] !== last[0] || first[1] !== last[1])) {
        const gap = metresBetween(first, last);
        if (gap > toleranceMetres) return refuse(`边界的环没有闭合（起点与终点相距约 ${Math.round(gap)} 米），请在 GIS 软件中修正后重新导出。`, first);
        ring.push([first[0], first[1]]);
        issues.push({
          severity: 'warning',
          message: `边界的环没有闭合（起点与终点相距约 ${gap < 1 ? '不到 1' : Math.round(gap)} 米，在 ${toleranceMetres} 米容差内），已自动闭合；请核对。`,
          lonLat: first,
        });
      }
      if (ring.length < 4) return refuse('边界的环少于 3 个不同的点，不是一个面；请在 GIS 软件中修正后重新导出。', ring[0]);
      polygon.push(ring);
    }
    if (polygon.length) polygons.push(polygon);
  }
  if (polygons.length === 0) return refuse('没有边界（坐标为空）；请在 GIS 软件中补画该区划的边界后重新导出。');
  const area = areaOf(polygons);
  const kinks = turf.kinks(asFeature(area) as Feature<GeoPolygon>).features;
  if (kinks.length) {
    const at = round6(kinks[0].geometry.coordinates as Position);
    return refuse(`边界自相交（有 ${kinks.length} 处边线交叉，如在 ${at[0]}, ${at[1]}），请在 GIS 软件中用“修复几何/拓扑检查”修正后重新导出。`, at);
  }
  turf.rewind(asFeature(area), { mutate: true });
  return { area, issues };
}
