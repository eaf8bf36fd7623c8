/**
 * The PMTiles basemap in the wall's style: headers of real archives (the test fixtures, read by the pmtiles package)
 * turned into raster or vector sources and layers, valid against the MapLibre style spec, under the grids, at an
 * address that changes with the setting; and turning it on, switching and off touches only the basemap.
 */
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import type { StyleSpecification } from 'maplibre-gl';
import { PMTiles } from 'pmtiles';
import { describe, expect, it } from 'vitest';
import { archiveFromHeader, archiveUrl } from '../../renderer/src/map/pmtiles';
import { basemapFromSetting, buildStyle, defaultMapState, MAP_FONT, type PmtilesArchive } from '../../renderer/src/map/style';
import { applyStyle, type UpdatableMap } from '../../renderer/src/map/update';
import { collection, gridFeatures } from '../../renderer/src/map/geojson';
import { bufferSource, emptyVectorArchive, guanganRasterArchive } from '../fixtures/pmtiles';
import { gridStates, regions } from './fixtures';

const PAGE = 'http://127.0.0.1:4317/#/wall/overview?rotate=0';
const SETTING = { kind: 'pmtiles' as const, path: '/data/maps/guangan.pmtiles' };

async function archiveOf(bytes: Buffer): Promise<PmtilesArchive> {
  const header = await new PMTiles(bufferSource(bytes)).getHeader();
  return archiveFromHeader(archiveUrl(SETTING.path, PAGE), header)!;
}

const base = defaultMapState({
  data: { ...defaultMapState().data, grids: gridFeatures(regions, new Map(gridStates.map((g) => [g.id, g]))), district: collection(regions.district) },
});

describe('the PMTiles basemap in the style', () => {
  it('the archive sits next to the page, at an address that changes with the path', () => {
    const url = archiveUrl(SETTING.path, PAGE);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:4317\/basemap\.pmtiles\?v=[0-9a-f]{8}$/);
    expect(archiveUrl(SETTING.path, 'app://gcc/index.html#/wall')).toMatch(/^app:\/\/gcc\/basemap\.pmtiles\?v=/);
    expect(archiveUrl(SETTING.path, PAGE)).toBe(url);
    expect(archiveUrl('/data/maps/guangan-2025.pmtiles', PAGE)).not.toBe(url);
  });

  it('a raster archive: a raster source over pmtiles://, dimmed, directly above the background', async () => {
    const archive = await archiveOf(guanganRasterArchive());
    expect(archive).toMatchObject({ tiles: 'raster', format: 'png', minzoom: 6, maxzoom: 12 });
    const style = buildStyle({ ...base, basemap: basemapFromSetting(SETTING, archive) });
    expect(validateStyleMin(style).map((e) => e.message)).toEqual([]);
    expect(style.sources.basemap).toEqual({
      type: 'raster',
      tileSize: 256,
      tiles: [`pmtiles://${archive.url}/{z}/{x}/{y}`],
      minzoom: 6,
      maxzoom: 12,
      bounds: [106, 30, 107.5, 31.2],
    });
    expect(style.layers[1]).toMatchObject({ id: 'basemap', type: 'raster', paint: { 'raster-saturation': expect.any(Number) } });
    expect(style.layers.findIndex((l) => l.id === 'basemap')).toBeLessThan(style.layers.findIndex((l) => l.id === 'district-fill'));
  });

  it('a vector archive: a vector source and a few dark layers of the Protomaps schema, all under the grids', async () => {
    const archive = await archiveOf(emptyVectorArchive());
    expect(archive).toMatchObject({ tiles: 'vector', format: 'mvt', minzoom: 0, maxzoom: 14 });
    const style = buildStyle({ ...base, scale: 2, basemap: basemapFromSetting(SETTING, archive) });
    expect(validateStyleMin(style).map((e) => e.message)).toEqual([]);
    expect(style.sources.basemap).toMatchObject({ type: 'vector', tiles: [`pmtiles://${archive.url}/{z}/{x}/{y}`] });
    const basemapLayers = style.layers.filter((l) => (l as { source?: string }).source === 'basemap');
    expect(basemapLayers.map((l) => (l as { 'source-layer'?: string })['source-layer'])).toEqual(
      expect.arrayContaining(['earth', 'landuse', 'water', 'roads', 'buildings', 'places']),
    );
    const firstWallLayer = style.layers.findIndex((l) => l.id === 'district-fill');
    for (const layer of basemapLayers) expect(style.layers.indexOf(layer), layer.id).toBeLessThan(firstWallLayer);
    // Place names use the app's own font (no glyph server), and stay smaller than the wall's street names.
    const places = basemapLayers.find((l) => l.type === 'symbol')!;
    expect(places.layout).toMatchObject({ 'text-font': [MAP_FONT] });
    const street = style.layers.find((l) => l.id === 'street-label')!;
    expect((places.layout as { 'text-size': number })['text-size']).toBeLessThan((street.layout as { 'text-size': number })['text-size']);
    expect(style.glyphs).toBeUndefined();
  });

  it('tiles MapLibre cannot draw here (MLT) give no basemap rather than a broken one', async () => {
    const header = await new PMTiles(bufferSource(guanganRasterArchive())).getHeader();
    expect(archiveFromHeader('http://x/basemap.pmtiles', { ...header, tileType: 6 })).toBeNull();
  });
});

/** Records the calls the update path makes on a map holding the initial style. */
function recordingMap(style: StyleSpecification) {
  const calls: string[] = [];
  const sources = new Set(Object.keys(style.sources));
  const layers = new Set(style.layers.map((l) => l.id));
  const map = {
    getSource: (id: string) => (sources.has(id) ? { setData: () => calls.push(`setData ${id}`) } : undefined),
    getLayer: (id: string) => (layers.has(id) ? { id } : undefined),
    setPaintProperty: (id: string, p: string) => calls.push(`paint ${id} ${p}`),
    setLayoutProperty: (id: string, p: string) => calls.push(`layout ${id} ${p}`),
    setFilter: (id: string) => calls.push(`filter ${id}`),
    addSource: (id: string) => (calls.push(`addSource ${id}`), sources.add(id)),
    removeSource: (id: string) => (calls.push(`removeSource ${id}`), sources.delete(id)),
    addLayer: (l: { id: string }, before?: string) => (calls.push(`addLayer ${l.id}${before ? ` before ${before}` : ''}`), layers.add(l.id)),
    removeLayer: (id: string) => (calls.push(`removeLayer ${id}`), layers.delete(id)),
  } as unknown as UpdatableMap;
  return { map, calls };
}

describe('changing the PMTiles basemap on a live map', () => {
  it('on, to another file, to a vector file and off: only the basemap source and its layers change', async () => {
    const raster = await archiveOf(guanganRasterArchive());
    const other = { ...raster, url: archiveUrl('/data/maps/other.pmtiles', PAGE) };
    const vector = await archiveOf(emptyVectorArchive());
    const states = [
      base,
      { ...base, basemap: basemapFromSetting(SETTING, raster) },
      { ...base, basemap: basemapFromSetting({ ...SETTING, path: '/data/maps/other.pmtiles' }, other) },
      { ...base, basemap: basemapFromSetting(SETTING, vector) },
      base,
    ];
    const seen: string[][] = [];
    for (let i = 1; i < states.length; i++) {
      const before = buildStyle(states[i - 1]);
      const { map, calls } = recordingMap(before);
      applyStyle(map, before, buildStyle(states[i]));
      seen.push(calls);
    }
    const [on, swap, toVector, off] = seen;
    expect(on).toEqual(['addSource basemap', 'addLayer basemap before district-fill']);
    expect(swap).toEqual(['removeLayer basemap', 'removeSource basemap', 'addSource basemap', 'addLayer basemap before district-fill']);
    expect(toVector[0]).toBe('removeLayer basemap');
    expect(toVector.slice(1, 3)).toEqual(['removeSource basemap', 'addSource basemap']);
    expect(toVector.slice(3).every((c) => /^addLayer basemap-[a-z-]+ before district-fill$/.test(c))).toBe(true);
    expect(off.every((c) => /^remove(Layer basemap-[a-z-]+|Source basemap)$/.test(c))).toBe(true);
    for (const calls of seen) expect(calls.every((c) => / basemap/.test(c))).toBe(true);
  });
});
