/**
 * Pattern images the style refers to by name, drawn in code (no sprite sheet to fetch). The at-risk hatch makes
 * "at risk" readable without colour: diagonal stripes on top of the fill.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';

export interface RawImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Diagonal stripes, `size` px square at pixel ratio 1, RGBA. */
export function hatchImage(size: number, rgb: [number, number, number], stripe = 0.32, alpha = 230): RawImage {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Distance to the nearest 45° line through (0, size), periodic in the tile.
      const d = ((x + y) % size) / size;
      const on = d < stripe;
      const i = (y * size + x) * 4;
      data[i] = rgb[0];
      data[i + 1] = rgb[1];
      data[i + 2] = rgb[2];
      data[i + 3] = on ? alpha : 0;
    }
  }
  return { width: size, height: size, data };
}

/** Patterns by name; `scale` follows the wall unit so the stripes keep their look from 1366 px to 4K. */
export const PATTERNS: Record<string, (scale: number) => RawImage> = {
  'hatch-risk': (scale) => hatchImage(Math.max(8, Math.round(12 * scale)), [255, 140, 80]),
};

/** Adds a named pattern when the style first asks for it (and at once for the known ones). */
export function installPatterns(map: MapLibreMap, scale = 1) {
  const add = (id: string) => {
    const make = PATTERNS[id];
    if (!make || map.hasImage(id)) return;
    map.addImage(id, make(scale));
  };
  for (const id of Object.keys(PATTERNS)) add(id);
  map.on('styleimagemissing', (e: { id: string }) => add(e.id));
}
