/**
 * The app's settings as the host keeps them: read at start (and after every reconnect), followed through the
 * settings.changed push so every window applies a change at once, changed through settings.update and
 * settings.api. Until the host answers, the defaults apply (the wall must never wait for settings to draw).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { BridgeError } from '../../../shared/bridge/contract';
import { DEFAULT_SETTINGS, type ApiConnectionInput, type ApiConnectionView, type Settings, type SettingsPatch } from '../../../shared/settings';
import { useBridge } from '../common/bridge';
import { glRendererName, resolveRendering, urlRendering } from '../common/rendering';

export function toBridgeError(e: unknown): BridgeError {
  return e instanceof BridgeError ? e : new BridgeError({ code: 'unavailable', message: String(e) });
}

export const useSettingsStore = defineStore('settings', () => {
  const settings = shallowRef<Settings>(DEFAULT_SETTINGS);
  const api = ref<ApiConnectionView | null>(null);
  const logFolder = ref<string | null>(null);
  const loaded = ref(false);
  const error = ref<BridgeError | null>(null);
  let started = false;
  /** Full or lite, as this page draws: the address's `?rendering=`, else the setting (auto: by the WebGL renderer). */
  const fixedRendering = urlRendering();
  const rendering = computed(() => fixedRendering ?? resolveRendering(settings.value.rendering, glRendererName));

  async function load() {
    try {
      const page = await useBridge().request('settings.get', {});
      settings.value = page.settings;
      api.value = page.api;
      logFolder.value = page.logFolder;
      loaded.value = true;
      error.value = null;
    } catch (e) {
      error.value = toBridgeError(e);
    }
  }

  function start() {
    if (started) return;
    started = true;
    const bridge = useBridge();
    bridge.on('settings.changed', (next) => (settings.value = next));
    bridge.onConnection((up) => {
      if (up) void load();
    });
    void load();
  }

  /** Rejects with the host's BridgeError (its issues name the fields); the settings stay as they were. */
  async function update(patch: SettingsPatch): Promise<Settings> {
    const next = await useBridge().request('settings.update', patch);
    settings.value = next;
    return next;
  }

  async function saveApi(input: ApiConnectionInput): Promise<ApiConnectionView> {
    const view = await useBridge().request('settings.api', input);
    api.value = view;
    return view;
  }

  return { settings, rendering, api, logFolder, loaded, error, start, load, update, saveApi };
});
