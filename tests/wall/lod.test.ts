/** Levels of detail on the wall map (issue 17): which level is readable, what a snapshot of a view holds, and the areas drawn. */
import { describe, expect, it } from 'vitest';
import type { MapRegions } from '../../shared/bridge/scene';
import { areaFeatures, gridFeatures } from '../../renderer/src/map/geojson';
import { fittedPx2, fittedView, readableLevel, scopeExtent, scopeRef, viewCovers, withMargin, zoomedPx2, READABLE_PX2 } from '../../renderer/src/map/lod';
import { feature, gridStates, rankingRow, regions } from './fixtures';

/** A district of `streets` × `communities` × `grids` square regions, streets 0.05° wide side by side. */
function city(streets: number, communities: number, grids: number): MapRegions {
  const out = { streets: [] as unknown[], communities: [] as unknown[], grids: [] as unknown[] };
  for (let s = 0; s < streets; s++) {
    out.streets.push(feature(`s${s}`, `s${s}`, 'street', 'd', 106 + s * 0.05, 30, 0.05));
    for (let c = 0; c < communities; c++) {
      out.communities.push(feature(`s${s}c${c}`, `s${s}c${c}`, 'community', `s${s}`, 106 + s * 0.05, 30 + c * 0.01, 0.01));
      for (let g = 0; g < grids; g++)
        out.grids.push(feature(`s${s}c${c}g${g}`, `s${s}c${c}g${g}`, 'grid', `s${s}c${c}`, 106 + s * 0.05 + g * 0.001, 30 + c * 0.01, 0.001));
    }
  }
  const fc = (features: unknown[]) => ({ type: 'FeatureCollection', features });
  return {
    datum: 'WGS-84',
    attribution: 't',
    synthetic: true,
    bbox: [106, 30, 106 + streets * 0.05, 30 + Math.max(0.25, communities * 0.01)],
    district: fc([]),
    streets: fc(out.streets),
    communities: fc(out.communities),
    grids: fc(out.grids),
  };
}

const WALL_1080 = { width: 1100, height: 900, padding: 28, scale: 1 };

describe('levels of detail', () => {
  it('draws grids where they are big enough to read, else communities, else streets', () => {
    const district = city(6, 7, 7); // 294 grids
    const metropolis = city(20, 10, 100); // 20,000 grids in 200 communities
    expect(fittedView(district, null, WALL_1080)).toEqual({ level: 'grid' });
    expect(fittedView(metropolis, null, WALL_1080)).toEqual({ level: 'street' });
    // A 1366×768 wall of a bigger district: communities still read, grids no longer.
    expect(fittedView(city(6, 20, 20), null, { width: 700, height: 560, padding: 20, scale: 1 })).toEqual({ level: 'community' });
    // A street of the city: its communities; a community: always its grids; zoomed in on the street: its grids.
    const street = scopeRef(metropolis, 's2')!;
    expect(street).toEqual({ id: 's2', level: 'street' });
    expect(fittedView(metropolis, street, WALL_1080)).toEqual({ level: 'community' });
    expect(fittedView(metropolis, scopeRef(metropolis, 's2c3'), WALL_1080)).toEqual({ level: 'grid' });
    const extent = scopeExtent(metropolis, street);
    expect(extent).toMatchObject({ grids: 1000, communities: 10, level: 'street' });
    expect(readableLevel(extent, zoomedPx2(extent.bbox, 16))).toBe('grid');
    // A 4K wall (scale 2) wants regions four times the area: the same map at 4K draws a coarser level.
    const px2 = fittedPx2(district.bbox, 1100, 900, 28);
    expect(px2 / 294).toBeGreaterThan(READABLE_PX2);
    expect(readableLevel(scopeExtent(district, null), px2, 2)).not.toBe('grid');
  });

  it('re-reads only when the map draws what the held snapshot lacks', () => {
    const bbox: [number, number, number, number] = [106, 30, 106.1, 30.1];
    expect(viewCovers(undefined, { level: 'street' })).toBe(true); // a snapshot of every grid holds any view
    expect(viewCovers({ level: 'street' }, { level: 'street' })).toBe(true);
    expect(viewCovers({ level: 'street' }, { level: 'grid' })).toBe(false);
    expect(viewCovers({ level: 'grid' }, { level: 'grid', bbox })).toBe(true);
    expect(viewCovers({ level: 'grid', bbox: withMargin(bbox) }, { level: 'grid', bbox: [106.02, 30.02, 106.12, 30.12] })).toBe(true);
    expect(viewCovers({ level: 'grid', bbox: withMargin(bbox) }, { level: 'grid', bbox: [106.1, 30.1, 106.2, 30.2] })).toBe(false);
    expect(viewCovers({ level: 'grid', bbox }, { level: 'grid' })).toBe(false);
  });

  it('fills a coarse level by its share of safe grids and writes its open cases; grids it does not hold have no colour', () => {
    const { areas, areaCounts } = areaFeatures(regions, 'street', [
      rankingRow({ id: 's1', name: '浓洄街道', safeGrids: 1, grids: 2, open: 3 }),
      rankingRow({ id: 's2', name: '北辰街道', safeGrids: 0, grids: 1, open: 0 }),
    ]);
    expect(areas.features.map((f) => f.properties)).toEqual([
      { id: 's1', name: '浓洄街道', share: 0.5, open: 3 },
      { id: 's2', name: '北辰街道', share: 0, open: 0 },
    ]);
    expect(areaCounts.features.map((f) => f.properties)).toEqual([
      { id: 's1', open: 3 },
      { id: 's2', open: 0 },
    ]);
    const held = new Map(gridStates.filter((g) => g.id !== 'g3').map((g) => [g.id, g]));
    expect(gridFeatures(regions, held).features.map((f) => f.properties?.status)).toEqual(['safe', 'at_risk', 'unknown']);
  });
});
