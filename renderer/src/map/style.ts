/**
 * The wall map's style: ONE pure function of state, (state) → StyleSpecification, checked against the MapLibre
 * style spec in a unit test. The map is created once from it; afterwards `applyStyle` (update.ts) compares the
 * style of the previous state with the next one and calls setData / setPaintProperty / setLayoutProperty /
 * setFilter for what differs. The map is never rebuilt.
 *
 * Offline by default: no `glyphs` URL, no sprite, no tiles. Labels are drawn in the page from the font the app
 * ships (`font-faces`, a subset of Noto Sans CJK SC with every label character of the district) and, for
 * characters outside it, the local CJK fonts (`localIdeographFontFamily` on the map). A basemap (raster tiles from
 * an intranet URL, or a raster or vector PMTiles file through the protocol registered in pmtiles.ts) is an optional
 * input, always under the grids.
 */
import type { MapLevel } from './lod';
import type { ExpressionSpecification, FilterSpecification, LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import type { EventKind } from '../../../shared/api/schemas';
import type { Basemap as BasemapSetting } from '../../../shared/settings';
import { KIND_COLOR, KIND_GLYPH, MAP_COLORS, STAGE_RING, STATUS_COLOR } from './palette';

export type GeoJSONData = FeatureCollection;

export const EMPTY: GeoJSONData = Object.freeze({ type: 'FeatureCollection', features: [] }) as GeoJSONData;

/** Font stack of every label: the shipped face first, then local CJK fonts the browser may have. */
export const MAP_FONT = 'GCC Map Sans';
export const MAP_FONT_URL = 'fonts/gcc-map-sans.otf';
export const LOCAL_IDEOGRAPH_FONTS = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'WenQuanYi Zen Hei', sans-serif";

/**
 * The basemap as this map draws it, under the district and the grids: raster images (an intranet XYZ server, or a
 * raster PMTiles archive) dimmed for the dark wall, or vector tiles of the Protomaps basemap schema drawn as a few
 * quiet layers (vectorBasemapLayers).
 */
export interface Basemap {
  kind: 'raster' | 'vector';
  tiles: string[];
  tileSize?: number;
  minzoom?: number;
  maxzoom?: number;
  /** [west, south, east, north]: no tile is asked for outside it. */
  bounds?: [number, number, number, number];
  attribution?: string;
  /** 0..1, how strongly a raster basemap shows under the boundaries. */
  opacity?: number;
}

/** A PMTiles archive as its header describes it (read by pmtiles.ts; the style needs it to pick the layers). */
export interface PmtilesArchive {
  /** The file's same-origin address with its version, e.g. http://host/basemap.pmtiles?v=1a2b3c4d. */
  url: string;
  tiles: 'raster' | 'vector';
  /** png, jpg, webp, avif or mvt. */
  format: string;
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
}

/**
 * The basemap a setting asks for: an intranet raster tile URL as it is; a PMTiles file once its header has been
 * read (`archive`, for this very setting), through the `pmtiles://` protocol registered in pmtiles.ts.
 */
export function basemapFromSetting(setting: BasemapSetting, archive: PmtilesArchive | null = null): Basemap | null {
  if (setting.kind === 'tiles') return { kind: 'raster', tiles: [setting.url] };
  if (setting.kind !== 'pmtiles' || !archive) return null;
  return {
    kind: archive.tiles,
    tiles: [`pmtiles://${archive.url}/{z}/{x}/{y}`],
    minzoom: archive.minzoom,
    maxzoom: archive.maxzoom,
    bounds: archive.bounds,
  };
}

export interface MapStyleState {
  /** The level of detail drawn (lod.ts): grids, or communities or streets filled by their share of safe grids. */
  level?: MapLevel;
  /** 'status': grids coloured by safe-grid status with case points; 'heatmap': case density. */
  mode: 'status' | 'heatmap';
  /** Which case kinds the points and heatmap show (the sources hold only these; see geojson.ts). */
  kinds: readonly EventKind[];
  /** Quiet grids: status shown only by outline/label (scenes whose map is about cases). */
  gridEmphasis: 'full' | 'quiet';
  showPoints: boolean;
  selectedGridId: string | null;
  /** The street or community the wall is scoped to: the rest of the district is dimmed, the scope outlined. */
  scope?: MapScope | null;
  /** Lite rendering: paint changes apply at once (no 300 ms transition, i.e. no run of frames after each change). */
  still?: boolean;
  /** px per map-style px: labels and symbols follow the wall unit so they read from 5 m. */
  scale: number;
  /** Base URL the font file is resolved against (the page's URL). */
  fontBase: string;
  basemap: Basemap | null;
  data: {
    district: GeoJSONData;
    streets: GeoJSONData;
    communities: GeoJSONData;
    /** Grid polygons with properties id, name, status, open, broken, brokenCount. */
    grids: GeoJSONData;
    /** Open cases: id, kind, stage, severity. */
    points: GeoJSONData;
    /** One point per street / community / grid, where its name goes (see geojson.ts labelFeatures). */
    labels: GeoJSONData;
    /** At-risk grids as points (⚠ and the number of criteria broken). */
    markers: GeoJSONData;
    /** At a coarse level: the streets or communities, with `share` (of safe grids) and `open`; else empty. */
    areas: GeoJSONData;
    /** At a coarse level: one point per street or community with its `open` cases (a bubble); else empty. */
    areaCounts: GeoJSONData;
  };
}

export interface MapScope {
  id: string;
  level: 'street' | 'community';
}

/** What a scene asks of the map (the rest of the state is live data and selection). */
export interface SceneMapOptions {
  mode: MapStyleState['mode'];
  kinds: readonly EventKind[];
  gridEmphasis: MapStyleState['gridEmphasis'];
  showPoints: boolean;
}

export function defaultMapState(over: Partial<MapStyleState> = {}): MapStyleState {
  return {
    mode: 'status',
    kinds: ['incident', 'dispute', 'hazard', 'appeal', 'service'],
    gridEmphasis: 'full',
    showPoints: true,
    selectedGridId: null,
    scale: 1,
    fontBase: 'http://localhost/',
    basemap: null,
    data: {
      district: EMPTY,
      streets: EMPTY,
      communities: EMPTY,
      grids: EMPTY,
      points: EMPTY,
      labels: EMPTY,
      markers: EMPTY,
      areas: EMPTY,
      areaCounts: EMPTY,
    },
    ...over,
  };
}

export const SOURCE_IDS = ['district', 'streets', 'communities', 'grids', 'points', 'heat', 'labels', 'markers', 'areas', 'area-counts'] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

/** Which state.data field feeds each GeoJSON source. */
export const SOURCE_DATA: Record<SourceId, keyof MapStyleState['data']> = {
  district: 'district',
  streets: 'streets',
  communities: 'communities',
  grids: 'grids',
  points: 'points',
  heat: 'points',
  labels: 'labels',
  markers: 'markers',
  areas: 'areas',
  'area-counts': 'areaCounts',
};

const visible = (on: boolean) => (on ? 'visible' : 'none') as 'visible' | 'none';

function match<T extends string>(key: ExpressionSpecification, table: Record<T, string | number>, fallback: string | number): ExpressionSpecification {
  const out: unknown[] = ['match', key];
  for (const [k, v] of Object.entries(table)) out.push(k, v);
  out.push(fallback);
  return out as ExpressionSpecification;
}

const NO_TRANSITION = { duration: 0, delay: 0 };
/** Paint properties the style spec gives no transition (a `-transition` for them is a validation error). */
const NOT_TRANSITIONABLE = /^(heatmap-weight|heatmap-color|line-gradient|fill-antialias|raster-resampling|.*-anchor|.*-alignment|.*-pitch-scale)$/;

/**
 * A scope (a street, a community): the rest of the district under a veil of the background's colour, the scope's
 * boundary drawn bright. Its own cases and grids are the only ones the snapshot carries.
 */
function scopeLayers(scope: MapScope | null, s: number): LayerSpecification[] {
  if (!scope) return [];
  const source = scope.level === 'street' ? 'streets' : 'communities';
  return [
    {
      id: 'scope-veil',
      type: 'fill',
      source,
      filter: ['!=', ['get', 'id'], scope.id],
      paint: { 'fill-color': MAP_COLORS.background, 'fill-opacity': 0.62 },
    },
    {
      id: 'scope-line',
      type: 'line',
      source,
      filter: ['==', ['get', 'id'], scope.id],
      paint: { 'line-color': MAP_COLORS.districtLine, 'line-width': 3 * s },
    },
  ];
}

export function buildStyle(state: MapStyleState): StyleSpecification {
  const s = state.scale;
  const heat = state.mode === 'heatmap';
  const quiet = state.gridEmphasis === 'quiet' || heat;
  const status: ExpressionSpecification = ['get', 'status'];
  const hovered: ExpressionSpecification = ['boolean', ['feature-state', 'hover'], false];

  const sources: Record<string, SourceSpecification> = {
    district: { type: 'geojson', data: state.data.district },
    streets: { type: 'geojson', data: state.data.streets, promoteId: 'id' },
    communities: { type: 'geojson', data: state.data.communities, promoteId: 'id' },
    grids: { type: 'geojson', data: state.data.grids, promoteId: 'id' },
    points: { type: 'geojson', data: state.data.points, cluster: true, clusterRadius: Math.round(48 * s), clusterMaxZoom: 15 },
    // Empty unless the heatmap shows: otherwise every points refresh re-indexes the same cases twice in the worker.
    heat: { type: 'geojson', data: heat ? state.data.points : EMPTY },
    labels: { type: 'geojson', data: state.data.labels },
    markers: { type: 'geojson', data: state.data.markers },
    areas: { type: 'geojson', data: state.data.areas, promoteId: 'id' },
    'area-counts': { type: 'geojson', data: state.data.areaCounts },
  };
  const basemap = state.basemap;
  if (basemap) {
    const extent = {
      tiles: [...basemap.tiles],
      ...(basemap.minzoom !== undefined ? { minzoom: basemap.minzoom } : {}),
      ...(basemap.maxzoom !== undefined ? { maxzoom: basemap.maxzoom } : {}),
      ...(basemap.bounds ? { bounds: [...basemap.bounds] as [number, number, number, number] } : {}),
      ...(basemap.attribution ? { attribution: basemap.attribution } : {}),
    };
    sources.basemap = basemap.kind === 'vector' ? { type: 'vector', ...extent } : { type: 'raster', tileSize: basemap.tileSize ?? 256, ...extent };
  }

  const text = (size: number) => Math.round(size * s * 10) / 10;
  const font = [MAP_FONT];

  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': MAP_COLORS.background } },
    ...(basemap?.kind === 'raster' ? [rasterBasemapLayer(basemap)] : []),
    ...(basemap?.kind === 'vector' ? vectorBasemapLayers(s) : []),
    { id: 'district-fill', type: 'fill', source: 'district', paint: { 'fill-color': MAP_COLORS.districtFill, 'fill-opacity': 0.55 } },
    // A blurred glow round the district: lite draws none (a blurred line is 3 % of a software-drawn map frame).
    ...(state.still
      ? []
      : [
          {
            id: 'district-glow',
            type: 'line',
            source: 'district',
            paint: { 'line-color': MAP_COLORS.districtLine, 'line-width': 10 * s, 'line-blur': 8 * s, 'line-opacity': 0.35 },
          } satisfies LayerSpecification,
        ]),
    { id: 'district-line', type: 'line', source: 'district', paint: { 'line-color': MAP_COLORS.districtLine, 'line-width': 1.6 * s } },

    // Grids: fill by status (colour), hatching for at-risk (pattern), outlines and markers (shape, words).
    {
      id: 'grid-fill',
      type: 'fill',
      source: 'grids',
      paint: {
        'fill-color': match(status, STATUS_COLOR, STATUS_COLOR.normal),
        'fill-opacity': [
          'case',
          hovered,
          0.75,
          // 'unknown': a grid the snapshot of the map's view does not hold yet (lod.ts) is left uncoloured.
          quiet ? match(status, { safe: 0.1, at_risk: 0.22, normal: 0.06 }, 0) : match(status, { safe: 0.42, at_risk: 0.55, normal: 0.2 }, 0),
        ],
      },
    },
    {
      id: 'grid-hatch',
      type: 'fill',
      source: 'grids',
      filter: ['==', status, 'at_risk'],
      paint: { 'fill-pattern': 'hatch-risk', 'fill-opacity': quiet ? 0.45 : 0.9 },
    },
    {
      id: 'grid-line',
      type: 'line',
      source: 'grids',
      paint: { 'line-color': ['case', hovered, MAP_COLORS.hover, MAP_COLORS.gridLine], 'line-width': ['case', hovered, 2.4 * s, 0.7 * s] },
    },
    {
      id: 'grid-risk-line',
      type: 'line',
      source: 'grids',
      filter: ['==', status, 'at_risk'],
      paint: { 'line-color': STATUS_COLOR.at_risk, 'line-width': 2 * s, 'line-dasharray': [2, 1.2] },
    },
    // A coarse level of detail: streets or communities filled from neutral to green by their share of safe grids.
    {
      id: 'area-fill',
      type: 'fill',
      source: 'areas',
      paint: {
        // Most areas hold the title for most grids: the ramp spends its range on 50–100 %, where they differ.
        'fill-color': ['interpolate', ['linear'], ['get', 'share'], AREA_SHARE_RAMP[0], STATUS_COLOR.normal, AREA_SHARE_RAMP[1], STATUS_COLOR.safe],
        'fill-opacity': ['case', hovered, 0.75, quiet ? 0.14 : 0.45],
      },
    },
    {
      id: 'area-line',
      type: 'line',
      source: 'areas',
      paint: { 'line-color': ['case', hovered, MAP_COLORS.hover, MAP_COLORS.communityLine], 'line-width': ['case', hovered, 2.4 * s, 1 * s] },
    },
    { id: 'community-line', type: 'line', source: 'communities', minzoom: 11.5, paint: { 'line-color': MAP_COLORS.communityLine, 'line-width': 1 * s } },
    { id: 'street-line', type: 'line', source: 'streets', paint: { 'line-color': MAP_COLORS.streetLine, 'line-width': 1.8 * s, 'line-opacity': 0.85 } },
    ...scopeLayers(state.scope ?? null, s),

    {
      id: 'heat',
      type: 'heatmap',
      source: 'heat',
      layout: { visibility: visible(heat) },
      paint: {
        'heatmap-weight': match(['get', 'severity'], { low: 0.7, medium: 0.8, high: 0.9, critical: 1 }, 0.7),
        'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 10, 1.2, 15, 3],
        'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 10, 22 * s, 15, 60 * s],
        // Viridis-like ramp: ordered in lightness, readable with colour-vision deficiencies.
        'heatmap-color': [
          'interpolate',
          ['linear'],
          ['heatmap-density'],
          0,
          'rgba(68,1,84,0)',
          0.15,
          'rgba(59,82,139,0.55)',
          0.35,
          '#21918c',
          0.6,
          '#5ec962',
          0.85,
          '#b8de29',
          1,
          '#fde725',
        ],
        'heatmap-opacity': 0.85,
      },
    },

    // Case points, clustered when dense.
    {
      id: 'cluster',
      type: 'circle',
      source: 'points',
      filter: ['has', 'point_count'],
      layout: { visibility: visible(state.showPoints && !heat) },
      paint: {
        'circle-color': 'rgba(8, 40, 72, 0.85)',
        'circle-radius': ['interpolate', ['linear'], ['get', 'point_count'], 2, 9 * s, 50, 14 * s, 500, 21 * s],
        'circle-stroke-color': MAP_COLORS.cluster,
        'circle-stroke-width': 1.6 * s,
      },
    },
    {
      id: 'cluster-count',
      type: 'symbol',
      source: 'points',
      filter: ['has', 'point_count'],
      layout: {
        visibility: visible(state.showPoints && !heat),
        'text-field': ['to-string', ['get', 'point_count_abbreviated']],
        'text-font': font,
        'text-size': text(12),
        'text-allow-overlap': true,
        'text-ignore-placement': true,
      },
      paint: { 'text-color': '#e6f1ff' },
    },
    {
      id: 'point',
      type: 'circle',
      source: 'points',
      filter: ['!', ['has', 'point_count']],
      layout: { visibility: visible(state.showPoints && !heat) },
      paint: {
        'circle-color': match(['get', 'kind'], KIND_COLOR, '#cccccc'),
        'circle-radius': ['*', 8 * s, match(['get', 'severity'], { low: 1, medium: 1.1, high: 1.3, critical: 1.6 }, 1)],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': ['*', s, match(['get', 'stage'], STAGE_RING, 1)],
        'circle-opacity': 0.95,
      },
    },
    {
      id: 'point-glyph',
      type: 'symbol',
      source: 'points',
      filter: ['!', ['has', 'point_count']],
      minzoom: 12.5,
      layout: {
        visibility: visible(state.showPoints && !heat),
        'text-field': match(['get', 'kind'], KIND_GLYPH, ''),
        'text-font': font,
        'text-size': text(10),
        'text-allow-overlap': true,
        'text-ignore-placement': true,
      },
      paint: { 'text-color': '#06121f' },
    },
    // A coarse level's open cases: one bubble per street or community (its cases are not sent one by one).
    {
      id: 'area-bubble',
      type: 'circle',
      source: 'area-counts',
      filter: ['>', ['get', 'open'], 0],
      layout: { visibility: visible(state.showPoints || heat) },
      paint: {
        'circle-color': 'rgba(8, 40, 72, 0.85)',
        'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'open']], 1, 11 * s, 40, 30 * s],
        'circle-stroke-color': MAP_COLORS.cluster,
        'circle-stroke-width': 1.6 * s,
        // Under the area's name, which is written at the same point.
        'circle-translate': [0, BUBBLE_BELOW * s],
      },
    },
    {
      id: 'area-count',
      type: 'symbol',
      source: 'area-counts',
      filter: ['>', ['get', 'open'], 0],
      layout: {
        visibility: visible(state.showPoints || heat),
        'text-field': ['to-string', ['get', 'open']],
        'text-font': font,
        'text-size': text(13),
        'text-allow-overlap': true,
        'text-ignore-placement': true,
      },
      paint: { 'text-color': '#e6f1ff', 'text-translate': [0, BUBBLE_BELOW * s] },
    },
    {
      id: 'grid-selected',
      type: 'line',
      source: 'grids',
      filter: ['==', ['get', 'id'], state.selectedGridId ?? ''],
      paint: { 'line-color': MAP_COLORS.selected, 'line-width': 3.5 * s },
    },

    // Labels: streets always, communities and grids as the map zooms in; at-risk grids carry a ⚠ and the count of
    // broken criteria so status reads without colour.
    {
      id: 'community-label',
      type: 'symbol',
      source: 'labels',
      filter: ['==', ['get', 'level'], 'community'],
      // Drawn as the level of detail, communities are named at any zoom (the labels that collide are left out).
      minzoom: state.level === 'community' ? 0 : 12.6,
      layout: { 'text-field': ['get', 'name'], 'text-font': font, 'text-size': text(13), 'symbol-sort-key': 1 },
      paint: { 'text-color': MAP_COLORS.label, 'text-halo-color': MAP_COLORS.labelHalo, 'text-halo-width': 1.5 * s },
    },
    {
      id: 'grid-risk-marker',
      type: 'symbol',
      source: 'markers',
      layout: {
        'text-field': ['concat', '⚠', ['to-string', ['get', 'brokenCount']]],
        'text-font': font,
        'text-size': text(12),
        'text-allow-overlap': true,
        'text-ignore-placement': true,
        'symbol-sort-key': 2,
      },
      paint: { 'text-color': '#ffd0b0', 'text-halo-color': '#3a1200', 'text-halo-width': 1.5 * s },
    },
    {
      id: 'grid-label',
      type: 'symbol',
      source: 'labels',
      filter: ['==', ['get', 'level'], 'grid'],
      minzoom: 14,
      layout: { 'text-field': ['get', 'short'], 'text-font': font, 'text-size': text(11), 'symbol-sort-key': 3 },
      paint: { 'text-color': MAP_COLORS.label, 'text-halo-color': MAP_COLORS.labelHalo, 'text-halo-width': 1.2 * s },
    },
    {
      id: 'street-label',
      type: 'symbol',
      source: 'labels',
      filter: ['==', ['get', 'level'], 'street'],
      layout: {
        'text-field': ['get', 'name'],
        'text-font': font,
        'text-size': text(18),
        'text-letter-spacing': 0.1,
        'text-allow-overlap': true,
        'symbol-sort-key': 0,
      },
      paint: { 'text-color': '#d8f3ff', 'text-halo-color': MAP_COLORS.labelHalo, 'text-halo-width': 2.2 * s, 'text-halo-blur': 0.5 * s },
    },
  ];

  // MapLibre's own diff ignores a change of the root `transition`; per-property ones go through setPaintProperty.
  if (state.still)
    for (const layer of layers) {
      const paint = (layer as { paint?: Record<string, unknown> }).paint;
      if (paint) for (const key of Object.keys(paint)) if (!NOT_TRANSITIONABLE.test(key)) paint[`${key}-transition`] = NO_TRANSITION;
    }

  return {
    version: 8,
    name: 'gcc-wall',
    ...(state.still ? { transition: NO_TRANSITION } : {}),
    // Fonts the app ships; no glyphs URL, so nothing is ever fetched from a glyph server.
    'font-faces': { [MAP_FONT]: [{ url: new URL(MAP_FONT_URL, state.fontBase).href }] },
    sources,
    layers,
  };
}

/**
 * Raster basemaps are mostly made for daylight: capped in brightness (white becomes a dark grey), partly greyed and
 * half transparent over the wall's background, so the grid colours and labels stay on top. Not inverted: imagery
 * and already-dark tiles would turn into negatives.
 */
function rasterBasemapLayer(basemap: Basemap): LayerSpecification {
  return {
    id: 'basemap',
    type: 'raster',
    source: 'basemap',
    paint: { 'raster-opacity': basemap.opacity ?? 0.55, 'raster-brightness-max': 0.35, 'raster-saturation': -0.4 },
  };
}

/** Colours of the vector basemap: a shade or two off the wall's background, so it reads as backdrop only. */
const BASEMAP_COLORS = {
  earth: '#08182b',
  green: '#0a2230',
  water: '#0b2c4b',
  minorRoad: '#132a42',
  majorRoad: '#1b3654',
  highway: '#23466b',
  building: '#0c1f34',
  place: '#7f97b3',
};

/**
 * A small dark layer set for vector tiles of the Protomaps basemap schema (earth, landcover/landuse, water, roads,
 * buildings, places). Place names are drawn with the map's own font, small and dim, under the wall's labels, which
 * MapLibre places first (the later layer wins a collision).
 */
export function vectorBasemapLayers(s: number): LayerSpecification[] {
  const kind: ExpressionSpecification = ['get', 'kind'];
  const width = (z10: number, z16: number): ExpressionSpecification => ['interpolate', ['exponential', 1.6], ['zoom'], 10, z10 * s, 16, z16 * s];
  const road = (id: string, kinds: string[], color: string, z10: number, z16: number, minzoom = 0): LayerSpecification => ({
    id,
    type: 'line',
    source: 'basemap',
    'source-layer': 'roads',
    minzoom,
    filter: ['in', kind, ['literal', kinds]],
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': color, 'line-width': width(z10, z16) },
  });
  return [
    { id: 'basemap-earth', type: 'fill', source: 'basemap', 'source-layer': 'earth', paint: { 'fill-color': BASEMAP_COLORS.earth } },
    {
      id: 'basemap-green',
      type: 'fill',
      source: 'basemap',
      'source-layer': 'landuse',
      filter: ['in', kind, ['literal', ['park', 'forest', 'wood', 'nature_reserve', 'grass', 'meadow', 'farmland', 'cemetery']]],
      paint: { 'fill-color': BASEMAP_COLORS.green, 'fill-opacity': 0.7 },
    },
    {
      id: 'basemap-landcover',
      type: 'fill',
      source: 'basemap',
      'source-layer': 'landcover',
      maxzoom: 8,
      paint: { 'fill-color': BASEMAP_COLORS.green, 'fill-opacity': 0.5 },
    },
    {
      id: 'basemap-water',
      type: 'fill',
      source: 'basemap',
      'source-layer': 'water',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': BASEMAP_COLORS.water },
    },
    {
      id: 'basemap-waterway',
      type: 'line',
      source: 'basemap',
      'source-layer': 'water',
      filter: ['==', ['geometry-type'], 'LineString'],
      paint: { 'line-color': BASEMAP_COLORS.water, 'line-width': width(0.8, 3) },
    },
    road('basemap-road-minor', ['minor_road', 'other'], BASEMAP_COLORS.minorRoad, 0.4, 3, 12),
    road('basemap-road-major', ['major_road'], BASEMAP_COLORS.majorRoad, 0.8, 5),
    road('basemap-road-highway', ['highway'], BASEMAP_COLORS.highway, 1.1, 6),
    { id: 'basemap-building', type: 'fill', source: 'basemap', 'source-layer': 'buildings', minzoom: 14, paint: { 'fill-color': BASEMAP_COLORS.building } },
    {
      id: 'basemap-place',
      type: 'symbol',
      source: 'basemap',
      'source-layer': 'places',
      filter: ['in', kind, ['literal', ['locality', 'macrohood', 'neighbourhood']]],
      layout: {
        'text-field': ['coalesce', ['get', 'name:zh-Hans'], ['get', 'name:zh'], ['get', 'name']],
        'text-font': [MAP_FONT],
        'text-size': Math.round(11 * s * 10) / 10,
      },
      paint: { 'text-color': BASEMAP_COLORS.place, 'text-halo-color': MAP_COLORS.labelHalo, 'text-halo-width': 1.2 * s },
    },
  ];
}

/** Layers the pointer can hit (grid profile on hover/click). */
/** The share of safe grids at which a coarse level's fill is all neutral, and all green. */
export const AREA_SHARE_RAMP = [0.5, 1] as const;
/** A coarse level's bubble of open cases sits this far (px at the 1080p unit) below the area's name. */
const BUBBLE_BELOW = 30;

export const GRID_HIT_LAYER = 'grid-fill';
/** At a coarse level the streets or communities are what a click picks. */
export const AREA_HIT_LAYER = 'area-fill';

export function layerFilter(style: StyleSpecification, id: string): FilterSpecification | undefined {
  const layer = style.layers.find((l) => l.id === id) as { filter?: FilterSpecification } | undefined;
  return layer?.filter;
}
