/** The lite map's pixel budget (issue 18): a software-drawn frame costs in proportion to its pixels. */
import { describe, expect, it } from 'vitest';
import { LITE_MAP_PIXELS, MIN_LABEL_SHARPNESS, MIN_PIXEL_RATIO, mapPixelRatio } from '../../renderer/src/map/pixels';

describe('the map pixel ratio', () => {
  it('is the display’s in full rendering, whatever the size', () => {
    expect(mapPixelRatio('full', 1942, 1638, 1, 2)).toBe(1);
    expect(mapPixelRatio('full', 971, 819, 2)).toBe(2);
  });

  it('in lite, draws a 1080p wall’s map in LITE_MAP_PIXELS, its labels no softer than MIN_LABEL_SHARPNESS', () => {
    const ratio = mapPixelRatio('lite', 971, 819, 1, 1);
    expect(ratio).toBeLessThan(1);
    expect(ratio).toBeGreaterThanOrEqual(MIN_LABEL_SHARPNESS);
    expect(971 * 819 * ratio ** 2).toBeCloseTo(LITE_MAP_PIXELS, -4);
  });

  it('in lite, a 4K wall (labels twice as big) goes down to MIN_PIXEL_RATIO; a 5760 × 1080 wall keeps its labels sharp', () => {
    expect(mapPixelRatio('lite', 1942, 1638, 1, 2)).toBe(MIN_PIXEL_RATIO);
    expect(mapPixelRatio('lite', 2000, 820, 1, 1)).toBe(MIN_LABEL_SHARPNESS);
  });

  it('in lite, leaves a small map as it is and never draws above the display’s own ratio', () => {
    expect(mapPixelRatio('lite', 600, 500, 1)).toBe(1);
    // 600 × 400 CSS px at 2×: 960,000 device px, drawn at 1.44.
    const hidpi = mapPixelRatio('lite', 600, 400, 2);
    expect(hidpi).toBeLessThan(2);
    expect(hidpi).toBeGreaterThan(1);
  });

  it('before the map has a size, takes the display’s', () => {
    expect(mapPixelRatio('lite', 0, 0, 1.5)).toBe(1.5);
  });
});
