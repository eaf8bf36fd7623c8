/**
 * The comparison benchmark's page (bundled by scripts/bench-wall.ts with esbuild, served from a temp folder):
 * the same 297 grids and 50,000 points drawn two ways —
 *   #maplibre: the wall's own approach, the MapLibre style from renderer/src/map/style.ts (WebGL, clustered points);
 *   #echarts:  what most Chinese big-screen frameworks do, an ECharts `geo` map of the grids plus a scatter series
 *              (canvas, `large` mode, its best case for many points).
 * `window.__bench.run('pan' | 'update', ms)` measures frame times (rAF intervals) while the view pans every frame,
 * or while the point data is replaced every 100 ms.
 */
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import * as echarts from 'echarts/core';
import { ScatterChart, MapChart } from 'echarts/charts';
import { GeoComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { FeatureCollection } from 'geojson';
import { buildStyle, defaultMapState, type MapStyleState } from '../../../renderer/src/map/style';
import { applyStyle } from '../../../renderer/src/map/update';
import { installPatterns } from '../../../renderer/src/map/images';

echarts.use([ScatterChart, MapChart, GeoComponent, CanvasRenderer]);

interface Input {
  grids: FeatureCollection;
  district: FeatureCollection;
  points: [number, number][];
  bbox: [number, number, number, number];
  workerUrl: string;
}
interface Stats {
  frames: number;
  meanMs: number;
  p95Ms: number;
  maxMs: number;
}

const input = (window as unknown as { __benchInput: Input }).__benchInput;
const mode = location.hash.slice(1) === 'echarts' ? 'echarts' : 'maplibre';
const el = document.getElementById('map')!;

function stats(deltas: number[]): Stats {
  const sorted = [...deltas].sort((a, b) => a - b);
  return {
    frames: deltas.length,
    meanMs: deltas.reduce((a, b) => a + b, 0) / Math.max(1, deltas.length),
    p95Ms: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? NaN,
    maxMs: sorted[sorted.length - 1] ?? NaN,
  };
}

function jitter(points: [number, number][], k: number): [number, number][] {
  return points.map(([x, y], i) => [x + Math.sin(i + k) * 0.0004, y + Math.cos(i * 1.3 + k) * 0.0004]);
}

function measure(ms: number, perFrame: (frame: number) => void, everyMs: number | null): Promise<Stats> {
  return new Promise((resolve) => {
    const deltas: number[] = [];
    const start = performance.now();
    let last = start;
    let frame = 0;
    let lastUpdate = start;
    const tick = (now: number) => {
      if (frame > 0) deltas.push(now - last);
      last = now;
      if (everyMs === null) perFrame(frame);
      else if (now - lastUpdate >= everyMs) {
        lastUpdate = now;
        perFrame(frame);
      }
      frame++;
      if (now - start < ms) requestAnimationFrame(tick);
      else resolve(stats(deltas));
    };
    requestAnimationFrame(tick);
  });
}

async function setupMapLibre() {
  maplibregl.setWorkerUrl(input.workerUrl);
  const pointsFc = (pts: [number, number][]): FeatureCollection => ({
    type: 'FeatureCollection',
    features: pts.map((c, i) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: c },
      properties: { id: String(i), kind: 'appeal', stage: 'reported', severity: 'low' },
    })),
  });
  let state: MapStyleState = defaultMapState({
    fontBase: location.href,
    data: { ...defaultMapState().data, district: input.district, grids: input.grids, points: pointsFc(input.points) },
  });
  let style = buildStyle(state);
  // No font file in the bench folder: labels are off here, as they are in the ECharts variant.
  style = { ...style, 'font-faces': undefined, layers: style.layers.filter((l) => l.type !== 'symbol') };
  const map = new maplibregl.Map({ container: el, style, attributionControl: false, fadeDuration: 0 });
  installPatterns(map);
  await new Promise<void>((r) => map.once('load', () => r()));
  const [w, s, e, n] = input.bbox;
  map.fitBounds(
    [
      [w, s],
      [e, n],
    ],
    { animate: false, padding: 20 },
  );
  await new Promise<void>((r) => map.once('idle', () => r()));
  return {
    pan: (frame: number) => map.panBy([frame % 120 < 60 ? 6 : -6, 0], { animate: false }),
    update: (frame: number) => {
      const next: MapStyleState = { ...state, data: { ...state.data, points: pointsFc(jitter(input.points, frame)) } };
      const nextStyle = { ...buildStyle(next), layers: style.layers };
      applyStyle(map, { ...buildStyle(state), layers: style.layers }, nextStyle);
      state = next;
    },
  };
}

async function setupECharts() {
  echarts.registerMap('grids', input.grids as never);
  const chart = echarts.init(el, undefined, { renderer: 'canvas', devicePixelRatio: window.devicePixelRatio });
  const [w, s, e, n] = input.bbox;
  let center: [number, number] = [(w + e) / 2, (s + n) / 2];
  chart.setOption({
    animation: false,
    backgroundColor: '#041021',
    geo: {
      map: 'grids',
      roam: true,
      center,
      zoom: 1,
      itemStyle: { areaColor: '#0a3a5a', borderColor: '#7fe3ff', borderWidth: 0.7 },
      emphasis: { disabled: true },
      label: { show: false },
    },
    series: [
      { type: 'scatter', coordinateSystem: 'geo', large: true, largeThreshold: 2000, symbolSize: 4, itemStyle: { color: '#56b4e9' }, data: input.points },
    ],
  });
  await new Promise<void>((r) => setTimeout(r, 500));
  const step = (e - w) / 400;
  return {
    pan: (frame: number) => {
      center = [center[0] + (frame % 120 < 60 ? step : -step), center[1]];
      chart.setOption({ geo: { center } });
    },
    update: (frame: number) => chart.setOption({ series: [{ data: jitter(input.points, frame) }] }),
  };
}

const ready = mode === 'echarts' ? setupECharts() : setupMapLibre();
(window as unknown as { __bench: unknown }).__bench = {
  ready: ready.then(() => true),
  async run(kind: 'pan' | 'update', ms: number): Promise<Stats> {
    const view = await ready;
    return kind === 'pan' ? measure(ms, view.pan, null) : measure(ms, view.update, 100);
  },
};
