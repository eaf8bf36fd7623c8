/**
 * The wall unit in CSS px, as theme.css defines it: --u = min(1vw, 1.778vh). Canvases (ECharts, the map's label
 * sizes) need it as a number; CSS uses the variable. One listener for the whole app.
 */
import { readonly, ref, type Ref } from 'vue';

const unit = ref(compute());
let listening = false;

function compute(): number {
  if (typeof window === 'undefined') return 19.2;
  return Math.min(window.innerWidth / 100, (window.innerHeight * 1.778) / 100);
}

/** Reference wall unit: 1920×1080. Sizes designed at 1080p scale by unit / 19.2. */
export const REFERENCE_UNIT = 19.2;

export function useWallUnit(): Readonly<Ref<number>> {
  if (!listening && typeof window !== 'undefined') {
    listening = true;
    window.addEventListener('resize', () => {
      const next = compute();
      if (Math.abs(next - unit.value) > 0.01) unit.value = next;
    });
  }
  return readonly(unit);
}

/** A size designed at 1080p, in px at the current wall size (never below 11 px so small screens stay legible). */
export function px(designPx: number, u: number): number {
  return Math.max(11, Math.round((designPx * u) / REFERENCE_UNIT));
}
