/**
 * How many fixed-height rows fit in an element: lists on the wall show whole rows only, never a half-cut one,
 * and never a scrollbar.
 */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

export function useFit(el: Ref<HTMLElement | null>, rowEm: number, minRows = 0): Ref<number> {
  const rows = ref(minRows);
  let observer: ResizeObserver | null = null;
  const measure = () => {
    const node = el.value;
    if (!node) return;
    const fontPx = parseFloat(getComputedStyle(node).fontSize) || 16;
    const rowPx = rowEm * fontPx;
    rows.value = Math.max(minRows, Math.floor((node.clientHeight + 0.5) / rowPx));
  };
  onMounted(() => {
    measure();
    observer = new ResizeObserver(measure);
    if (el.value) observer.observe(el.value);
  });
  onBeforeUnmount(() => observer?.disconnect());
  return rows;
}
