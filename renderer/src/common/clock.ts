/**
 * The page's clocks (the wall's header, the status bar): Beijing time whatever the machine's zone, changing exactly
 * at each second — or, in lite rendering, each minute — so the clocks on a page change in one frame, and an idle
 * wall in lite draws one frame a minute.
 */
import { onBeforeUnmount, ref, watch, type Ref } from 'vue';
import { dayToIsoDate, shanghaiClock } from '../../../shared/time';

/** "2026-11-27", "星期五", "21:30:05" (or "21:30" without seconds). `weekdays` starts on Sunday, as Date.getDay(). */
export function beijingClock(now: number, weekdays: readonly string[], seconds = true) {
  const c = shanghaiClock(now);
  const pad = (n: number) => String(n).padStart(2, '0');
  // The clock counts 1 = Monday … 7 = Sunday.
  const time = seconds ? `${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}` : `${pad(c.hour)}:${pad(c.minute)}`;
  return { date: dayToIsoDate(c.day), weekday: weekdays[c.weekday % 7] ?? '', time };
}

/** Now, in ms, updated at each whole second (or minute, while `everyMinute()` is true) for as long as the component lives. */
export function useTicker(everyMinute: () => boolean): Ref<number> {
  const now = ref(Date.now());
  let timer = 0;
  const schedule = () => {
    const step = everyMinute() ? 60_000 : 1000;
    timer = window.setTimeout(
      () => {
        now.value = Date.now();
        schedule();
      },
      step - (Date.now() % step) + 5, // just past the boundary, so the new second (minute) is the one shown
    );
  };
  schedule();
  // Switched between seconds and minutes (Settings → rendering): show the time now and tick on the new step.
  watch(everyMinute, () => {
    window.clearTimeout(timer);
    now.value = Date.now();
    schedule();
  });
  onBeforeUnmount(() => window.clearTimeout(timer));
  return now;
}
