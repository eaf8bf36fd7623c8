/**
 * The checks of boundaries against each other: a region outside its parent, regions of a level overlapping, and
 * gaps a parent's children leave inside it. Pieces count only when at least `tolerance` metres thick (geometry.ts);
 * neighbours are found with an R-tree of boxes (../spatial.ts) so a city's 20,000 grids compare only with the
 * handful whose boxes touch theirs. Clipping is polygon-clipping's (what turf's own intersect uses).
 *
 * Severities (the tolerance is toleranceMetres, default 20 m):
 *  - outside its parent: an error when more than half of the region lies outside (it is in the wrong parent, or
 *    the parent's code is wrong), a warning for a smaller piece beyond the tolerance;
 *  - an overlap of two regions of one level: an error when larger than 5 % of the smaller one, else a warning;
 *  - a gap among a parent's children: a warning (parks, rivers and the like are often left out on purpose).
 */
import pc from 'polygon-clipping';
import { BoxIndex } from '../spatial';
import type { Problem } from '../types';
import { bboxOf, polygonsOf, significantPieces, squareMetres, type Area, type Bbox, type PolygonCoords, type Position } from './geometry';

export interface Checked {
  key: string;
  /** "511602001001001 翠屏路社区第1网格": how problems name it. */
  label: string;
  file?: string;
  area: Area;
  polygons: PolygonCoords[];
  bbox: Bbox;
  squareMetres: number;
}

export function checkedOf(key: string, label: string, area: Area, file?: string): Checked {
  const polygons = polygonsOf(area);
  return { key, label, file, area, polygons, bbox: bboxOf(polygons), squareMetres: squareMetres(polygons) };
}

function m2(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} 平方公里` : `${Math.round(n)} 平方米`;
}

/** Clipping that reports instead of throwing (polygon-clipping gives up on a few degenerate inputs). */
function clip(op: 'intersection' | 'difference', subject: PolygonCoords[], others: PolygonCoords[][]): PolygonCoords[] | null {
  try {
    return pc[op](subject as pc.MultiPolygon, ...(others as pc.MultiPolygon[])) as PolygonCoords[];
  } catch {
    return null;
  }
}

function clipFailed(label: string, what: string): Problem {
  return {
    severity: 'warning',
    feature: label,
    message: `${label}：${what}时几何计算失败（边界可能有重复点或极窄的尖角），未能检查；请在 GIS 软件中做拓扑检查。`,
  };
}

/** A region (child) beyond its parent by more than the tolerance. */
export function outsideParent(child: Checked, parent: Checked, childLevel: string, parentLevel: string, tolerance: number): Problem | null {
  const outside = clip('difference', child.polygons, [parent.polygons]);
  if (outside === null) return clipFailed(child.label, `检查是否在${parentLevel}“${parent.label}”内`);
  if (outside.length === 0) return null;
  const pieces = significantPieces(outside, tolerance);
  if (pieces.length === 0) return null;
  const total = pieces.reduce((s, p) => s + p.squareMetres, 0);
  const share = child.squareMetres > 0 ? total / child.squareMetres : 1;
  const percent = Math.round(share * 100);
  const at = pieces[0].lonLat;
  if (share > 0.5) {
    return {
      severity: 'error',
      file: child.file,
      feature: child.label,
      lonLat: at,
      message: `${childLevel}“${child.label}”大部分（${percent}%，${m2(total)}）在所属${parentLevel}“${parent.label}”之外：可能归错了${parentLevel}，或上级编码有误；请核对编码或边界后重新导出。`,
    };
  }
  return {
    severity: 'warning',
    file: child.file,
    feature: child.label,
    lonLat: at,
    message: `${childLevel}“${child.label}”有一部分（${m2(total)}，约 ${percent < 1 ? '不到 1' : percent}%，超出容差 ${tolerance} 米）在所属${parentLevel}“${parent.label}”之外，最大一处在 ${at[0]}, ${at[1]}；请核对两者的边界。`,
  };
}

/** Overlaps among the regions of one level (each pair once). */
export function overlaps(regions: readonly Checked[], level: string, tolerance: number): Problem[] {
  const problems: Problem[] = [];
  const index = new BoxIndex(regions);
  regions.forEach((a, i) => {
    for (const { item: b, i: j } of index.search(a.bbox)) {
      if (j <= i) continue;
      const common = clip('intersection', a.polygons, [b.polygons]);
      if (common === null) {
        problems.push(clipFailed(`${a.label}与${b.label}`, '检查重叠'));
        continue;
      }
      if (common.length === 0) continue;
      const pieces = significantPieces(common, tolerance);
      if (pieces.length === 0) continue;
      const total = pieces.reduce((s, p) => s + p.squareMetres, 0);
      const smaller = Math.min(a.squareMetres, b.squareMetres);
      const share = smaller > 0 ? total / smaller : 1;
      const at = pieces[0].lonLat;
      const percent = Math.round(share * 1000) / 10;
      problems.push({
        severity: share > 0.05 ? 'error' : 'warning',
        file: a.file,
        feature: `${a.label}；${b.label}`,
        lonLat: at,
        message:
          share > 0.05
            ? `${level}“${a.label}”与“${b.label}”重叠 ${m2(total)}（占较小者的 ${percent}%），同一块地方不能归两个${level}；请在 GIS 软件中修正边界后重新导出。`
            : `${level}“${a.label}”与“${b.label}”有 ${m2(total)}的重叠（占较小者的 ${percent}%，超出容差 ${tolerance} 米），在 ${at[0]}, ${at[1]} 附近；请核对边界。`,
      });
    }
  });
  return problems;
}

/** Gaps inside a parent that none of its children cover (the largest `limit` pieces named, the rest counted). */
export function gaps(parent: Checked, children: readonly Checked[], parentLevel: string, childLevel: string, tolerance: number, limit = 5): Problem[] {
  if (children.length === 0) return [];
  const rest = clip(
    'difference',
    parent.polygons,
    children.map((c) => c.polygons),
  );
  if (rest === null) return [clipFailed(parent.label, `检查${childLevel}之间的空隙`)];
  const pieces = significantPieces(rest, tolerance);
  const problems: Problem[] = pieces.slice(0, limit).map((p) => ({
    severity: 'warning',
    feature: parent.label,
    file: parent.file,
    lonLat: p.lonLat,
    message: `${parentLevel}“${parent.label}”内有一块 ${m2(p.squareMetres)}的地方不属于任何${childLevel}（在 ${p.lonLat[0]}, ${p.lonLat[1]} 附近）；如不是有意留出（河流、山体等），请补画${childLevel}边界。`,
  }));
  if (pieces.length > limit) {
    const more = pieces.slice(limit);
    problems.push({
      severity: 'warning',
      feature: parent.label,
      file: parent.file,
      message: `${parentLevel}“${parent.label}”内另有 ${more.length} 块（共 ${m2(more.reduce((s, p) => s + p.squareMetres, 0))}）不属于任何${childLevel}；请核对${childLevel}边界。`,
    });
  }
  return problems;
}

/** The region among `candidates` that holds most of `child`'s area, or null when none overlaps it. */
export function mostContaining<T extends Checked>(child: Checked, candidates: BoxIndex<T>): T | null {
  let best: T | null = null;
  let bestArea = 0;
  for (const { item } of candidates.search(child.bbox)) {
    const common = clip('intersection', child.polygons, [item.polygons]);
    const area = common ? squareMetres(common) : 0;
    if (area > bestArea) {
      best = item;
      bestArea = area;
    }
  }
  return best;
}

export type { Position };
