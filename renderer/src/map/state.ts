/**
 * The wall map's state as one function of what the map shows: the regions, live grid states and case points (the
 * scene store), the scene's map options, the selection, the settings that affect the map (its basemap, the wall
 * unit). New cases' pulses are not in it: they are painted above the map (pulses.ts). No Vue here: WallMap.vue
 * gathers the inputs, and turns the state into a style (buildStyle) and the style into calls on the map
 * (applyStyle, update.ts) in one place.
 *
 * The style diff compares GeoJSON data by identity. A state function made by `createMapState()` therefore keeps
 * the collections it built last and returns the very same objects while their inputs are the same: equal inputs
 * give a style that differs in nothing (no setData, no repaint). The grid states and points are maps the store
 * changes in place, so they come with a revision that stands for their content (see `Sample`).
 */
import type { GridState, MapRegions, RankingRow } from '../../../shared/bridge/scene';
import type { Point } from '../wall/store';
import { areaFeatures, collection, gridFeatures, labelFeatures, pointFeatures, riskMarkers } from './geojson';
import type { MapLevel } from './lod';
import { EMPTY, type Basemap, type GeoJSONData, type MapScope, type MapStyleState, type SceneMapOptions } from './style';

/** A collection the store changes in place, and the revision it had when it was read. */
export interface Sample<T> {
  revision: number;
  value: T;
}

export interface MapInputs {
  regions: MapRegions | null;
  grids: Sample<ReadonlyMap<string, GridState>>;
  points: Sample<ReadonlyMap<string, Point>>;
  /** The level of detail drawn (lod.ts): grids, or the communities or streets with their figures. */
  level?: MapLevel;
  /** The snapshot's rows of streets and communities: the figures of a coarse level. */
  areas?: Sample<{ street: readonly RankingRow[]; community: readonly RankingRow[] }>;
  options: SceneMapOptions;
  selectedGridId: string | null;
  scope?: MapScope | null;
  /** px per map-style px (the wall unit over the 1080p one). */
  scale: number;
  /** The page's URL, which the map font is resolved against. */
  fontBase: string;
  basemap: Basemap | null;
  /** Lite rendering: paint changes apply at once instead of over MapLibre's 300 ms transitions. */
  still?: boolean;
}

/** Remembers the last value built and its key; builds again only when a part of the key is another value. */
function lastBuilt<T>() {
  let key: readonly unknown[] | null = null;
  let value: T;
  return (next: readonly unknown[], build: () => T): T => {
    if (!key || key.length !== next.length || next.some((part, i) => !Object.is(part, key![i]))) {
      value = build();
      key = next;
    }
    return value;
  };
}

export type MapStateFn = (inputs: MapInputs) => MapStyleState;

/** A map state function with its own memory of the collections it built (one per map). */
export function createMapState(): MapStateFn {
  const regionData = lastBuilt<Pick<MapStyleState['data'], 'district' | 'streets' | 'communities' | 'labels'>>();
  const gridData = lastBuilt<Pick<MapStyleState['data'], 'grids' | 'markers'>>();
  const pointData = lastBuilt<GeoJSONData>();
  const areaData = lastBuilt<Pick<MapStyleState['data'], 'areas' | 'areaCounts'>>();

  return (inputs) => {
    const { regions, grids, points, options } = inputs;
    const level = inputs.level ?? 'grid';
    // A coarse level draws no grid polygons, markers or case points (the snapshot of that level has no points): at
    // city scale that is 20,000 polygons the map's worker does not tile, and thousands of ⚠ no one could read.
    const coarse = level !== 'grid';
    const areas = inputs.areas;
    const kinds = options.kinds.join();
    return {
      level,
      mode: options.mode,
      kinds: options.kinds,
      gridEmphasis: options.gridEmphasis,
      showPoints: options.showPoints,
      selectedGridId: inputs.selectedGridId,
      scope: inputs.scope ?? null,
      still: inputs.still ?? false,
      scale: inputs.scale,
      fontBase: inputs.fontBase,
      basemap: inputs.basemap,
      data: {
        ...regionData([regions], () =>
          regions
            ? {
                district: collection(regions.district),
                streets: collection(regions.streets),
                communities: collection(regions.communities),
                labels: labelFeatures(regions),
              }
            : { district: EMPTY, streets: EMPTY, communities: EMPTY, labels: EMPTY },
        ),
        ...gridData([regions, grids.value, grids.revision, coarse], () =>
          regions
            ? coarse
              ? { grids: EMPTY, markers: EMPTY }
              : { grids: gridFeatures(regions, grids.value), markers: riskMarkers(regions, grids.value) }
            : { grids: EMPTY, markers: EMPTY },
        ),
        ...areaData([regions, level, areas?.value, areas?.revision], () =>
          regions && coarse && areas ? areaFeatures(regions, level, areas.value[level]) : { areas: EMPTY, areaCounts: EMPTY },
        ),
        points: pointData([points.value, points.revision, kinds, coarse], () => (coarse ? EMPTY : pointFeatures(points.value.values(), options.kinds))),
      },
    };
  };
}
