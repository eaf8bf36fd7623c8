/**
 * MapLibre GL set up for the app: the worker is the package's own module file, emitted by Vite next to the app
 * (the CSP forbids eval and remote scripts; under app:// the package cannot find it by itself).
 */
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';

let configured = false;

export function maplibre(): typeof maplibregl {
  if (!configured) {
    maplibregl.setWorkerUrl(new URL(workerUrl, window.location.href).href);
    configured = true;
  }
  return maplibregl;
}

/** Live map instances, for the soak benchmark and the e2e tests (a wall must never leak maps). */
export const liveMaps = new Set<maplibregl.Map>();
