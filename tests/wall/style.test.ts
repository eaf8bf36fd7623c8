import { describe, expect, it } from 'vitest';
import { latest, validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { basemapFromSetting, buildStyle, defaultMapState, MAP_FONT, type MapStyleState } from '../../renderer/src/map/style';
import { areaFeatures, collection, gridFeatures, labelFeatures, pointFeatures, riskMarkers, shortGridName } from '../../renderer/src/map/geojson';
import { gridStates, rankingRow, regions } from './fixtures';

const states = new Map(gridStates.map((g) => [g.id, g]));
/** A PMTiles archive as pmtiles.ts reads it from the header (tests/wall/pmtiles-basemap.test.ts reads real ones). */
const PMTILES = { url: 'http://localhost/basemap.pmtiles?v=1', minzoom: 6, maxzoom: 12, bounds: [106, 30, 107.5, 31.2] as [number, number, number, number] };

function fullState(over: Partial<MapStyleState> = {}): MapStyleState {
  return defaultMapState({
    data: {
      district: collection(regions.district),
      streets: collection(regions.streets),
      communities: collection(regions.communities),
      grids: gridFeatures(regions, states),
      points: pointFeatures([{ id: 'e1', kind: 'appeal', stage: 'reported', severity: 'critical', lon: 106.6, lat: 30.5 }], ['appeal']),
      labels: labelFeatures(regions),
      markers: riskMarkers(regions, states),
      ...areaFeatures(regions, 'street', [rankingRow({ id: 's1', name: '浓洄街道', safeGrids: 1, grids: 2, open: 3 })]),
    },
    ...over,
  });
}

describe('the wall map style', () => {
  const variants: [string, Partial<MapStyleState>][] = [
    ['default, empty data', {}],
    ['status mode with data', {}],
    ['heatmap mode', { mode: 'heatmap', gridEmphasis: 'quiet' }],
    ['streets drawn instead of grids (a coarse level of detail)', { level: 'street' }],
    ['a selected grid, 4K scale', { selectedGridId: 'g2', scale: 2 }],
    ['one kind, points hidden', { kinds: ['dispute'], showPoints: false }],
    ['with an intranet raster basemap', { basemap: { kind: 'raster', tiles: ['http://tiles.intranet/{z}/{x}/{y}.png'], opacity: 0.3 } }],
    [
      'with a raster PMTiles basemap',
      { basemap: basemapFromSetting({ kind: 'pmtiles', path: '/maps/a.pmtiles' }, { ...PMTILES, tiles: 'raster', format: 'png' }) },
    ],
    [
      'lite rendering (still: no transitions), heatmap, vector basemap',
      {
        still: true,
        mode: 'heatmap',
        basemap: basemapFromSetting({ kind: 'pmtiles', path: '/maps/a.pmtiles' }, { ...PMTILES, tiles: 'vector', format: 'mvt' }),
      },
    ],
    [
      'with a vector PMTiles basemap, 4K scale',
      { scale: 2, basemap: basemapFromSetting({ kind: 'pmtiles', path: '/maps/a.pmtiles' }, { ...PMTILES, tiles: 'vector', format: 'mvt' }) },
    ],
  ];

  it.each(variants)('is valid against the MapLibre style spec: %s', (name, over) => {
    const state = name === 'default, empty data' ? defaultMapState() : fullState(over);
    const errors = validateStyleMin(buildStyle(state));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it('lite rendering: every paint property changes at once (no transition), full keeps MapLibre’s default', () => {
    const lite = buildStyle(fullState({ still: true }));
    expect(lite.transition).toEqual({ duration: 0, delay: 0 });
    const paints = lite.layers.flatMap((l) => Object.entries((l as { paint?: Record<string, unknown> }).paint ?? {}));
    const transitionable = (type: string, k: string) =>
      (latest as unknown as Record<string, Record<string, { transition?: boolean }>>)[`paint_${type}`][k].transition;
    const props = lite.layers.flatMap((l) =>
      Object.keys((l as { paint?: Record<string, unknown> }).paint ?? {}).filter((k) => !k.endsWith('-transition') && transitionable(l.type, k)),
    );
    expect(props.length).toBeGreaterThan(10);
    const transitions = new Map(paints.filter(([k]) => k.endsWith('-transition')));
    for (const p of props) expect(transitions.get(`${p}-transition`), p).toEqual({ duration: 0, delay: 0 });
    const full = buildStyle(fullState());
    expect(full.transition).toBeUndefined();
    expect(JSON.stringify(full.layers)).not.toContain('-transition');
  });

  it('lite rendering draws no blurred line: the district keeps its outline, not its glow', () => {
    const blurred = (style: ReturnType<typeof buildStyle>) => style.layers.filter((l) => (l as { paint?: Record<string, unknown> }).paint?.['line-blur']);
    expect(blurred(buildStyle(fullState())).map((l) => l.id)).toEqual(['district-glow']);
    const lite = buildStyle(fullState({ still: true }));
    expect(blurred(lite)).toEqual([]);
    expect(lite.layers.map((l) => l.id)).toContain('district-line');
  });

  it('is a pure function of state: the same state gives an equal style, the input is not changed', () => {
    const state = fullState();
    const before = JSON.stringify(state);
    expect(JSON.stringify(buildStyle(state))).toBe(JSON.stringify(buildStyle(state)));
    expect(JSON.stringify(state)).toBe(before);
  });

  it('fetches nothing by default: no glyphs URL, no sprite, no tiles; labels use the shipped font', () => {
    const style = buildStyle(fullState());
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    for (const source of Object.values(style.sources)) expect(source.type).toBe('geojson');
    expect(Object.keys(style['font-faces'] ?? {})).toEqual([MAP_FONT]);
    for (const layer of style.layers) {
      if (layer.type === 'symbol') expect(layer.layout?.['text-font']).toEqual([MAP_FONT]);
    }
  });

  it('shows grid status by more than colour: a hatch pattern, a dashed outline and a ⚠ marker for at-risk grids', () => {
    const style = buildStyle(fullState());
    const byId = new Map(style.layers.map((l) => [l.id, l]));
    expect(byId.get('grid-hatch')).toMatchObject({ type: 'fill', paint: { 'fill-pattern': 'hatch-risk' } });
    expect(byId.get('grid-risk-line')).toMatchObject({ type: 'line', paint: { 'line-dasharray': [2, 1.2] } });
    expect(byId.get('grid-risk-marker')).toMatchObject({ type: 'symbol', source: 'markers' });
    expect(byId.get('point-glyph')).toMatchObject({ type: 'symbol' });
  });

  it('clusters case points and keeps the heatmap on its own unclustered source', () => {
    const style = buildStyle(fullState());
    expect(style.sources.points).toMatchObject({ type: 'geojson', cluster: true });
    expect(style.sources.heat).toMatchObject({ type: 'geojson' });
    expect((style.sources.heat as { cluster?: boolean }).cluster).toBeUndefined();
    const heat = style.layers.find((l) => l.id === 'heat')!;
    expect(heat.layout?.visibility).toBe('none');
    expect(buildStyle(fullState({ mode: 'heatmap' })).layers.find((l) => l.id === 'heat')!.layout?.visibility).toBe('visible');
    // Its data only while it shows (no second indexing of the same cases in the worker otherwise).
    const points = (style.sources.points as { data: { features: unknown[] } }).data;
    expect(points.features.length).toBeGreaterThan(0);
    expect((style.sources.heat as { data: { features: unknown[] } }).data.features).toEqual([]);
    const heatStyle = buildStyle(fullState({ mode: 'heatmap' }));
    expect((heatStyle.sources.heat as { data: unknown }).data).toBe((heatStyle.sources.points as { data: unknown }).data);
  });

  it('puts the basemap under everything when one is given', () => {
    const style = buildStyle(fullState({ basemap: { kind: 'raster', tiles: ['http://x/{z}/{x}/{y}.png'] } }));
    expect(style.layers[1]).toMatchObject({ id: 'basemap', type: 'raster', source: 'basemap' });
  });
});

describe('map GeoJSON', () => {
  it('merges live grid status into the grid polygons', () => {
    const fc = gridFeatures(regions, states);
    expect(fc.features.map((f) => f.properties?.status)).toEqual(['safe', 'at_risk', 'normal']);
    expect(fc.features[1].properties).toMatchObject({ brokenCount: 2, open: 2, short: '2网格' });
  });

  it('labels each region once, at a point inside it', () => {
    const labels = labelFeatures(regions);
    expect(labels.features.filter((f) => f.properties?.level === 'street')).toHaveLength(2);
    const g1 = labels.features.find((f) => f.properties?.id === 'g1')!;
    const [x, y] = (g1.geometry as { coordinates: number[] }).coordinates;
    expect(x).toBeCloseTo(106.6025, 9);
    expect(y).toBeCloseTo(30.5025, 9);
  });

  it('marks only the at-risk grids', () => {
    expect(riskMarkers(regions, states).features.map((f) => f.properties?.id)).toEqual(['g2']);
  });

  it('keeps only the wanted kinds of points', () => {
    const pts = [
      { id: 'a', kind: 'appeal' as const, stage: 'reported' as const, severity: 'low' as const, lon: 1, lat: 2 },
      { id: 'b', kind: 'dispute' as const, stage: 'reported' as const, severity: 'low' as const, lon: 1, lat: 2 },
    ];
    expect(pointFeatures(pts, ['dispute']).features.map((f) => f.properties?.id)).toEqual(['b']);
  });

  it('shortens grid names for the high-zoom label', () => {
    expect(shortGridName('翠屏路社区第12网格')).toBe('12网格');
    expect(shortGridName('某网格')).toBe('某网格');
  });
});
