/**
 * True after `ms` without the mouse moving: the wall hides the cursor then (an arrow left in the middle of an LED
 * wall reads as a fault); any movement, click or wheel shows it again at once.
 */
import { onBeforeUnmount, onMounted, ref } from 'vue';

const WAKE_EVENTS = ['mousemove', 'mousedown', 'wheel', 'touchstart'] as const;

export function useIdleCursor(ms = 3000) {
  const idle = ref(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wake = () => {
    idle.value = false;
    clearTimeout(timer);
    timer = setTimeout(() => (idle.value = true), ms);
  };
  onMounted(() => {
    for (const name of WAKE_EVENTS) window.addEventListener(name, wake, { passive: true });
    wake();
  });
  onBeforeUnmount(() => {
    for (const name of WAKE_EVENTS) window.removeEventListener(name, wake);
    clearTimeout(timer);
  });
  return idle;
}
