/**
 * Full-screen alert for each new case of the highest severity that arrives live and was reported in the last
 * minutes (not for ones already in the snapshot, nor for old ones a catch-up sync brings in). Enter or Escape acknowledges the one shown; an optional short beep (WebAudio) sounds with each.
 */
import { computed, onBeforeUnmount, onMounted, ref, shallowRef } from 'vue';
import type { EventSummary } from '../../../shared/bridge/scene';
import { useSceneStore } from './store';

const MAX_QUEUE = 50;

export function useCriticalAlerts(sound: () => boolean) {
  const store = useSceneStore();
  const queue = shallowRef<EventSummary[]>([]);
  const current = computed(() => queue.value[0] ?? null);
  const open = computed(() => queue.value.length > 0);
  const acknowledged = ref(0);
  let audio: AudioContext | null = null;
  let off: (() => void) | null = null;

  function beep() {
    if (!sound()) return;
    try {
      audio ??= new AudioContext();
      const now = audio.currentTime;
      for (let i = 0; i < 3; i++) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.type = 'square';
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, now + i * 0.32);
        gain.gain.exponentialRampToValueAtTime(0.2, now + i * 0.32 + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.32 + 0.22);
        osc.connect(gain).connect(audio.destination);
        osc.start(now + i * 0.32);
        osc.stop(now + i * 0.32 + 0.25);
      }
    } catch {
      // No audio device or autoplay refused: the visual alert stands on its own.
    }
  }

  function ack() {
    if (!queue.value.length) return;
    queue.value = queue.value.slice(1);
    acknowledged.value++;
  }

  function onKey(e: KeyboardEvent) {
    if (!open.value) return;
    if (e.key === 'Enter' || e.key === 'Escape') {
      e.preventDefault();
      e.stopImmediatePropagation();
      ack();
    }
  }

  onMounted(() => {
    // Capture phase: the alert answers Enter/Escape before anything else on the wall does.
    window.addEventListener('keydown', onKey, true);
    off = store.onEvents((batch) => {
      const critical = batch.fresh.filter((e) => e.severity === 'critical');
      if (!critical.length) return;
      queue.value = [...queue.value, ...critical].slice(0, MAX_QUEUE);
      beep();
    });
  });
  onBeforeUnmount(() => {
    window.removeEventListener('keydown', onKey, true);
    off?.();
    void audio?.close();
  });

  return { queue, current, open, ack, acknowledged };
}
