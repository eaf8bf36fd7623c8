import { describe, expect, it } from 'vitest';
import type { StyleSpecification } from 'maplibre-gl';
import { buildStyle, defaultMapState, type MapStyleState } from '../../renderer/src/map/style';
import { applyStyle, type UpdatableMap } from '../../renderer/src/map/update';
import { collection, gridFeatures, pointFeatures } from '../../renderer/src/map/geojson';
import { gridStates, regions } from './fixtures';

/** Records every call the update path makes; holds the sources and layers of the initial style. */
function fakeMap(style: StyleSpecification) {
  const calls: string[] = [];
  const sources = new Map(
    Object.entries(style.sources).map(([id]) => [id, { setData: (d: unknown) => calls.push(`setData ${id} ${JSON.stringify(d).length > 0}`) }]),
  );
  const layers = new Set(style.layers.map((l) => l.id));
  const map = {
    getSource: (id: string) => sources.get(id),
    getLayer: (id: string) => (layers.has(id) ? { id } : undefined),
    setPaintProperty: (id: string, p: string) => (calls.push(`paint ${id} ${p}`), map),
    setLayoutProperty: (id: string, p: string) => (calls.push(`layout ${id} ${p}`), map),
    setFilter: (id: string) => (calls.push(`filter ${id}`), map),
    addSource: (id: string) => (calls.push(`addSource ${id}`), sources.set(id, { setData: () => 0 }), map),
    removeSource: (id: string) => (calls.push(`removeSource ${id}`), sources.delete(id), map),
    addLayer: (l: { id: string }) => (calls.push(`addLayer ${l.id}`), layers.add(l.id), map),
    removeLayer: (id: string) => (calls.push(`removeLayer ${id}`), layers.delete(id), map),
  } as unknown as UpdatableMap;
  return { map, calls };
}

const states = new Map(gridStates.map((g) => [g.id, g]));
const base = defaultMapState({ data: { ...defaultMapState().data, grids: gridFeatures(regions, states), district: collection(regions.district) } });

function step(prev: MapStyleState, next: MapStyleState) {
  const before = buildStyle(prev);
  const { map, calls } = fakeMap(before);
  const ops = applyStyle(map, before, buildStyle(next));
  return { ops, calls };
}

describe('the map update path', () => {
  it('changes nothing when the state is the same', () => {
    expect(step(base, { ...base }).calls).toEqual([]);
  });

  it('new grid states → setData on the grids source only', () => {
    const next = { ...base, data: { ...base.data, grids: gridFeatures(regions, new Map([['g1', { ...gridStates[0], status: 'at_risk' as const }]])) } };
    const { ops, calls } = step(base, next);
    expect(calls).toEqual(['setData grids true']);
    expect(ops.structural).toBe(0);
  });

  it('new points → setData on the clustered source, and on the heatmap source only where the heatmap shows', () => {
    const points = pointFeatures([{ id: 'x', kind: 'appeal', stage: 'reported', severity: 'low', lon: 1, lat: 2 }], ['appeal']);
    expect(step(base, { ...base, data: { ...base.data, points } }).calls).toEqual(['setData points true']);
    const heat = { ...base, mode: 'heatmap' as const };
    expect(step(heat, { ...heat, data: { ...heat.data, points } }).calls.sort()).toEqual(['setData heat true', 'setData points true']);
  });

  it('selecting a grid → setFilter of the selection layer', () => {
    expect(step(base, { ...base, selectedGridId: 'g2' }).calls).toEqual(['filter grid-selected']);
  });

  it('switching to the heatmap scene → layout (visibility) and paint changes, no layer or source rebuilt', () => {
    const { ops, calls } = step(base, { ...base, mode: 'heatmap', gridEmphasis: 'quiet' });
    expect(ops.structural).toBe(0);
    expect(calls).toContain('layout heat visibility');
    expect(calls).toContain('layout point visibility');
    expect(calls.some((c) => c.startsWith('paint grid-fill'))).toBe(true);
  });

  it('turning a basemap on adds its source and layer, and touches nothing else', () => {
    const { calls } = step(base, { ...base, basemap: { kind: 'raster', tiles: ['http://x/{z}/{x}/{y}.png'] } });
    expect(calls).toEqual(['addSource basemap', 'addLayer basemap']);
  });
});
