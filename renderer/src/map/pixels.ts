/**
 * How many pixels the map draws (issue 18). On software GL (lite rendering) a map frame costs the GPU process in
 * proportion to its pixels: a 1080p overview's map (971 × 819) took 117–152 ms of CPU a frame, 26 % less at pixel
 * ratio 0.75 and 49 % less at 0.5 (forced repaints, layers as drawn), and a 4K wall's map has four times the pixels.
 * In lite the map draws about LITE_MAP_PIXELS and the compositor scales it up: lines and labels a little softer,
 * every new case on screen sooner. Labels grow with the wall unit (`scale`), so a 4K wall's can lose more pixels
 * than a 5760 × 1080 wall's, whose labels are a 1080p wall's size.
 */
import type { Rendering } from '../common/rendering';

/** Device pixels a lite map draws, about (a 1080p overview's map: 0.8 M). */
export const LITE_MAP_PIXELS = 500_000;
/** A label's pixels per 1080p-wall pixel, at least: below it the map's words blur. */
export const MIN_LABEL_SHARPNESS = 0.75;
/** The pixel ratio never goes below this, whatever the labels' size. */
export const MIN_PIXEL_RATIO = 0.5;

/**
 * The map's pixel ratio for a canvas of `width` × `height` CSS px on a display of `devicePixelRatio`, its labels
 * drawn at `scale` × their 1080p size.
 */
export function mapPixelRatio(rendering: Rendering, width: number, height: number, devicePixelRatio: number, scale = 1): number {
  const area = width * height;
  if (rendering !== 'lite' || area <= 0 || area * devicePixelRatio ** 2 <= LITE_MAP_PIXELS) return devicePixelRatio;
  const floor = Math.max(MIN_PIXEL_RATIO, MIN_LABEL_SHARPNESS / scale);
  return Math.min(devicePixelRatio, Math.max(floor, Math.sqrt(LITE_MAP_PIXELS / area)));
}
