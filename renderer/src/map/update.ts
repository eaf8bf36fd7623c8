/**
 * The only way the wall map changes after it is created: compare the style of the previous state with the next
 * and call the matching in-place setter. GeoJSON data → setData; paint → setPaintProperty; layout →
 * setLayoutProperty; filter → setFilter. Anything else (a layer or source added or removed, e.g. a basemap turned
 * on) goes through addSource/addLayer/removeLayer — still no rebuild of the map or of the other layers.
 */
import type { FilterSpecification, GeoJSONSource, LayerSpecification, Map as MapLibreMap, SourceSpecification, StyleSpecification } from 'maplibre-gl';

export interface StyleOps {
  setData: number;
  setPaint: number;
  setLayout: number;
  setFilter: number;
  structural: number;
}

/** The subset of the MapLibre Map API that updates use (a fake implements it in tests). */
export type UpdatableMap = Pick<
  MapLibreMap,
  'getSource' | 'setPaintProperty' | 'setLayoutProperty' | 'setFilter' | 'addSource' | 'removeSource' | 'addLayer' | 'removeLayer' | 'getLayer'
>;

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

type Props = Record<string, unknown>;

/** Data objects are compared by identity: state builders make a new FeatureCollection only when data changed. */
export function diffStyles(prev: StyleSpecification, next: StyleSpecification) {
  const ops: { kind: keyof StyleOps; apply: (map: UpdatableMap) => void }[] = [];
  const prevSources = prev.sources as Record<string, SourceSpecification & { data?: unknown }>;
  const nextSources = next.sources as Record<string, SourceSpecification & { data?: unknown }>;
  const prevLayers = new Map(prev.layers.map((l) => [l.id, l]));
  const nextIds = new Set(next.layers.map((l) => l.id));

  // Structural changes first: removed layers, removed/added sources.
  for (const layer of prev.layers) {
    if (!nextIds.has(layer.id)) ops.push({ kind: 'structural', apply: (m) => m.getLayer(layer.id) && m.removeLayer(layer.id) });
  }
  for (const id of Object.keys(prevSources)) {
    if (!(id in nextSources)) ops.push({ kind: 'structural', apply: (m) => m.getSource(id) && m.removeSource(id) });
  }
  for (const [id, spec] of Object.entries(nextSources)) {
    const before = prevSources[id];
    if (!before) {
      ops.push({ kind: 'structural', apply: (m) => m.addSource(id, spec) });
      continue;
    }
    if (spec.type === 'geojson' && before.type === 'geojson') {
      const { data: d1, ...rest1 } = before;
      const { data: d2, ...rest2 } = spec;
      if (!same(rest1, rest2)) {
        // Options of a GeoJSON source (e.g. clustering) cannot change in place: replace that source's layers.
        ops.push(...replaceSource(id, spec, next.layers));
      } else if (d1 !== d2) {
        ops.push({ kind: 'setData', apply: (m) => (m.getSource(id) as GeoJSONSource | undefined)?.setData(d2 as Parameters<GeoJSONSource['setData']>[0]) });
      }
    } else if (!same(before, spec)) ops.push(...replaceSource(id, spec, next.layers));
  }

  next.layers.forEach((layer, index) => {
    const before = prevLayers.get(layer.id);
    if (!before || before.type !== layer.type || (before as { source?: string }).source !== (layer as { source?: string }).source) {
      const beforeId = next.layers.slice(index + 1).find((l) => prevLayers.has(l.id))?.id;
      ops.push({
        kind: 'structural',
        apply: (m) => {
          if (m.getLayer(layer.id)) m.removeLayer(layer.id);
          m.addLayer(layer, beforeId);
        },
      });
      return;
    }
    const p1 = ((before as { paint?: Props }).paint ?? {}) as Props;
    const p2 = ((layer as { paint?: Props }).paint ?? {}) as Props;
    for (const key of new Set([...Object.keys(p1), ...Object.keys(p2)])) {
      if (!same(p1[key], p2[key])) ops.push({ kind: 'setPaint', apply: (m) => m.setPaintProperty(layer.id, key as never, p2[key] as never) });
    }
    const l1 = ((before as { layout?: Props }).layout ?? {}) as Props;
    const l2 = ((layer as { layout?: Props }).layout ?? {}) as Props;
    for (const key of new Set([...Object.keys(l1), ...Object.keys(l2)])) {
      if (!same(l1[key], l2[key])) ops.push({ kind: 'setLayout', apply: (m) => m.setLayoutProperty(layer.id, key as never, l2[key] as never) });
    }
    const f1 = (before as { filter?: FilterSpecification }).filter;
    const f2 = (layer as { filter?: FilterSpecification }).filter;
    if (!same(f1, f2)) ops.push({ kind: 'setFilter', apply: (m) => m.setFilter(layer.id, f2 ?? null) });
  });
  return ops;
}

function replaceSource(id: string, spec: SourceSpecification, layers: LayerSpecification[]) {
  const users = layers.filter((l) => (l as { source?: string }).source === id);
  return [
    {
      kind: 'structural' as const,
      apply: (m: UpdatableMap) => {
        const present = users.filter((l) => m.getLayer(l.id));
        const beforeIds = present.map((l) => layers[layers.indexOf(l) + 1]?.id);
        for (const l of present) m.removeLayer(l.id);
        if (m.getSource(id)) m.removeSource(id);
        m.addSource(id, spec);
        present.forEach((l, i) => m.addLayer(l, beforeIds[i] && m.getLayer(beforeIds[i]) ? beforeIds[i] : undefined));
      },
    },
  ];
}

/** Apply the difference between two styles to a live map; returns how many of each call were made. */
export function applyStyle(map: UpdatableMap, prev: StyleSpecification, next: StyleSpecification): StyleOps {
  const counts: StyleOps = { setData: 0, setPaint: 0, setLayout: 0, setFilter: 0, structural: 0 };
  for (const op of diffStyles(prev, next)) {
    op.apply(map);
    counts[op.kind]++;
  }
  return counts;
}
