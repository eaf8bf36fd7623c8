/**
 * The wall playlist: the display's scenes (Settings → wall rotation; `?display=<key>` in the URL picks a display's
 * list, else the "*" one) rotate every N seconds, ←/→ switch, Space pauses, F11 goes full screen, S starts or
 * stops the spotlight tour of grids with open serious cases. The current scene is the URL's, so a display pointed
 * at `#/wall/disputes?rotate=0` stays there; `?rotate=0|1` and `?interval=N` override the settings (ops scripts).
 * The region shown is the URL's `?region=<id>` (`district` for the whole district), else the display's playlist's.
 */
import { computed, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { playlistFor } from '../../../shared/settings';
import { useSettingsStore } from '../settings/store';
import { isScene, SPOTLIGHT_SECONDS, type SceneId } from './scenes';

export interface PlaylistOptions {
  /** Grids the spotlight tours, most serious first (re-read at each step). */
  spotlightGrids: () => string[];
  /** Called for each spotlight step (fly the map, open the profile); null when the tour ends. */
  onSpotlight: (gridId: string | null) => void;
  /** While true (an alert is up), rotation and the spotlight wait. */
  held: Ref<boolean>;
}

/** `?region=district`: the whole district, whatever the display's playlist shows by default. */
const DISTRICT = 'district';

function queryValue(v: unknown): string | undefined {
  return Array.isArray(v) ? (v[0] ?? undefined) : typeof v === 'string' ? v : undefined;
}

export function usePlaylist(options: PlaylistOptions) {
  const route = useRoute();
  const router = useRouter();
  const settings = useSettingsStore();

  const playlist = computed(() => playlistFor(settings.settings, queryValue(route.query.display) ?? '*'));
  const scene = computed<SceneId>(() => (isScene(route.params.scene) ? route.params.scene : playlist.value.scenes[0]));
  /** The header's tabs: the playlist, and the scene shown if someone navigated outside it. */
  const tabs = computed<SceneId[]>(() => (playlist.value.scenes.includes(scene.value) ? playlist.value.scenes : [...playlist.value.scenes, scene.value]));
  const rotate = computed(() => {
    const asked = queryValue(route.query.rotate);
    if (asked === '0' || asked === '1') return asked === '1';
    return playlist.value.rotate && tabs.value.length > 1;
  });
  const interval = computed(() => {
    const n = Number(queryValue(route.query.interval));
    return Number.isFinite(n) && n >= 5 ? n : playlist.value.rotateSeconds;
  });
  /** The street or community shown; null: the whole district. */
  const region = computed<string | null>(() => {
    const asked = queryValue(route.query.region);
    if (asked === DISTRICT) return null;
    return asked || playlist.value.region || null;
  });
  /** Scope the wall to a region (null: the district), in the URL so a reload or a link keeps it. */
  function goRegion(id: string | null) {
    if (id === region.value) return;
    const query = { ...route.query };
    if (id === (playlist.value.region ?? null)) delete query.region;
    else query.region = id ?? DISTRICT;
    void router.replace({ name: 'wall', params: route.params, query });
  }
  const paused = ref(false);
  /** Seconds left on the current scene (for the progress bar). */
  const remaining = ref(interval.value);
  const spotlight = ref<{ gridId: string; index: number; total: number } | null>(null);
  let spotlightLeft = 0;
  let timer: ReturnType<typeof setInterval> | null = null;

  function go(id: SceneId) {
    if (id === scene.value) return;
    void router.replace({ name: 'wall', params: { scene: id }, query: route.query });
  }
  function step(delta: number) {
    const list = playlist.value.scenes;
    const i = list.indexOf(scene.value);
    if (i < 0) go(list[delta > 0 ? 0 : list.length - 1]);
    else go(list[(i + delta + list.length) % list.length]);
  }

  function spotlightNext() {
    const list = options.spotlightGrids();
    if (!list.length) return stopSpotlight();
    const index = spotlight.value ? (spotlight.value.index + 1) % list.length : 0;
    spotlight.value = { gridId: list[index], index, total: list.length };
    spotlightLeft = SPOTLIGHT_SECONDS;
    options.onSpotlight(list[index]);
  }
  function stopSpotlight() {
    if (!spotlight.value) return;
    spotlight.value = null;
    options.onSpotlight(null);
  }
  function toggleSpotlight() {
    if (spotlight.value) stopSpotlight();
    else spotlightNext();
  }

  async function toggleFullscreen() {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await document.documentElement.requestFullscreen();
    } catch {
      // Full screen refused (no user gesture, or the host manages it): nothing to do.
    }
  }

  function onKey(e: KeyboardEvent) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
    if (e.key === 'ArrowRight') step(1);
    else if (e.key === 'ArrowLeft') step(-1);
    else if (e.key === ' ' || e.code === 'Space') paused.value = !paused.value;
    else if (e.key === 'F11') void toggleFullscreen();
    else if (e.key === 's' || e.key === 'S') toggleSpotlight();
    else return;
    e.preventDefault();
  }

  watch(scene, () => (remaining.value = interval.value));
  watch(interval, (s) => (remaining.value = s));

  onMounted(() => {
    window.addEventListener('keydown', onKey);
    timer = setInterval(() => {
      if (options.held.value) return;
      if (spotlight.value) {
        if (--spotlightLeft <= 0) spotlightNext();
        return;
      }
      if (!rotate.value || paused.value) return;
      if (--remaining.value <= 0) {
        remaining.value = interval.value;
        step(1);
      }
    }, 1000);
  });
  onBeforeUnmount(() => {
    window.removeEventListener('keydown', onKey);
    if (timer) clearInterval(timer);
  });

  return { scene, tabs, rotate, interval, paused, remaining, spotlight, region, go, goRegion, step, toggleSpotlight, stopSpotlight, toggleFullscreen };
}
