import { describe, expect, it } from 'vitest';
import type { StyleSpecification } from 'maplibre-gl';
import type { GridState } from '../../shared/bridge/scene';
import type { Point } from '../../renderer/src/wall/store';
import { buildStyle } from '../../renderer/src/map/style';
import { diffStyles } from '../../renderer/src/map/update';
import { createMapState, type MapInputs } from '../../renderer/src/map/state';
import { SCENE_DECLARATIONS } from '../../renderer/src/wall/scenes';
import { gridStates, regions } from './fixtures';

const point = (id: string, kind: Point['kind']): Point => ({ id, kind, stage: 'reported', severity: 'low', lon: 106.602, lat: 30.502 });

function inputs(over: Partial<MapInputs> = {}): MapInputs {
  return {
    regions,
    grids: { revision: 1, value: new Map(gridStates.map((g) => [g.id, g])) },
    points: {
      revision: 1,
      value: new Map([
        ['p1', point('p1', 'appeal')],
        ['p2', point('p2', 'dispute')],
      ]),
    },
    options: SCENE_DECLARATIONS.overview.map,
    selectedGridId: null,
    scale: 1,
    fontBase: 'http://localhost/',
    basemap: null,
    ...over,
  };
}

/** The calls applyStyle would make to go from one style to the next, as `kind id` strings. */
function changes(prev: StyleSpecification, next: StyleSpecification): string[] {
  const calls: string[] = [];
  const record = (name: string) => (id: string, key?: unknown) =>
    void calls.push(key === undefined || typeof key !== 'string' ? `${name} ${id}` : `${name} ${id} ${key}`);
  const map = {
    getSource: (id: string) => ({ setData: () => calls.push(`setData ${id}`) }),
    getLayer: (id: string) => ({ id }),
    setPaintProperty: record('paint'),
    setLayoutProperty: record('layout'),
    setFilter: record('filter'),
    addSource: record('addSource'),
    removeSource: record('removeSource'),
    addLayer: (l: { id: string }) => void calls.push(`addLayer ${l.id}`),
    removeLayer: record('removeLayer'),
  };
  for (const op of diffStyles(prev, next)) op.apply(map as never);
  return calls;
}

const step = (fn: ReturnType<typeof createMapState>, a: MapInputs, b: MapInputs) => changes(buildStyle(fn(a)), buildStyle(fn(b)));

describe('the map state', () => {
  it('takes the scene’s options, the selection, the scale and the basemap as they are', () => {
    const state = createMapState()(inputs({ options: SCENE_DECLARATIONS.disputes.map, selectedGridId: 'g2', scale: 1.5 }));
    expect(state).toMatchObject({
      mode: 'heatmap',
      kinds: ['dispute'],
      gridEmphasis: 'quiet',
      showPoints: false,
      selectedGridId: 'g2',
      scale: 1.5,
      basemap: null,
    });
    expect(state.data.grids.features.map((f) => f.properties?.status)).toEqual(['safe', 'at_risk', 'normal']);
    expect(state.data.markers.features.map((f) => f.properties?.id)).toEqual(['g2']);
    expect(state.data.points.features.map((f) => f.properties?.id)).toEqual(['p2']);
    expect(state.data.labels.features.length).toBeGreaterThan(0);
  });

  it('is empty but complete before the regions are in', () => {
    const state = createMapState()(inputs({ regions: null }));
    expect(state.data.grids.features).toEqual([]);
    expect(state.data.district.features).toEqual([]);
    expect(state.data.points.features).toHaveLength(2);
  });

  it('an unchanged input gives no style change at all: no setData, no paint, no repaint', () => {
    const fn = createMapState();
    const same = inputs();
    expect(step(fn, same, same)).toEqual([]);
    // Equal inputs in new objects (a computed re-run): still nothing.
    expect(step(fn, same, { ...same, options: { ...same.options } })).toEqual([]);
  });

  it('while the grid revision is the same, the grid polygons are not rebuilt (the throttle holds the revision back)', () => {
    const fn = createMapState();
    const live = new Map(gridStates.map((g) => [g.id, g]));
    const a = inputs({ grids: { revision: 4, value: live } });
    const before = fn(a);
    live.set('g1', { ...gridStates[0], status: 'at_risk', broken: ['fire'] } satisfies GridState);
    expect(fn({ ...a }).data.grids).toBe(before.data.grids);
    const after = fn({ ...a, grids: { revision: 5, value: live } });
    expect(after.data.grids).not.toBe(before.data.grids);
    expect(changes(buildStyle(before), buildStyle(after)).sort()).toEqual(['setData grids', 'setData markers']);
  });

  it('new points → the clustered source (and the heatmap’s where it shows); another scene’s kinds → the points at once', () => {
    const fn = createMapState();
    const a = inputs();
    const more = new Map(a.points.value);
    more.set('p3', point('p3', 'appeal'));
    expect(step(fn, a, { ...a, points: { revision: 2, value: more } }).sort()).toEqual(['setData points']);
    const heat = { ...a, options: SCENE_DECLARATIONS.disputes.map };
    expect(step(createMapState(), heat, { ...heat, points: { revision: 2, value: more } }).sort()).toEqual(['setData heat', 'setData points']);
    const scene = fn({ ...a, points: { revision: 2, value: more }, options: SCENE_DECLARATIONS.appeals.map });
    expect(scene.data.points.features.map((f) => f.properties?.id)).toEqual(['p1', 'p3']);
  });

  it('new regions → every region source at once', () => {
    const fn = createMapState();
    const a = inputs();
    // Read again: equal, but every collection a new object.
    const calls = step(fn, a, { ...a, regions: structuredClone(regions) });
    expect(calls.sort()).toEqual(['setData communities', 'setData district', 'setData grids', 'setData labels', 'setData markers', 'setData streets']);
  });

  it('a selection → the selection filter only', () => {
    const fn = createMapState();
    const a = inputs();
    expect(step(fn, a, { ...a, selectedGridId: 'g2' })).toEqual(['filter grid-selected']);
  });
});
