/**
 * Settings that apply to the whole page, without a reload: the colour theme (CSS variables keyed on
 * <html data-theme>), full or lite rendering (<html data-rendering>, common/rendering.ts), the interface language
 * (unless the address says `?lang=`, which ops scripts use) and the window title. A new intranet tile server is the exception: the page's security policy, fixed when it loaded,
 * only lets it fetch tiles from the server set then, so the page reloads once to get the new policy.
 */
import { computed, watch, watchEffect, type ComputedRef } from 'vue';
import { tileOrigin } from '../../../shared/security/csp';
import { useI18n } from 'vue-i18n';
import { urlLocale } from '../common/i18n';
import type { Rendering } from '../common/rendering';
import { useSettingsStore } from './store';
import { useDistrictTitle } from './title';

export function useApplySettings() {
  const store = useSettingsStore();
  const { locale } = useI18n({ useScope: 'global' });
  const title = useDistrictTitle();
  const fixedLocale = urlLocale();
  const rendering = useRendering();
  watchEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = store.settings.theme;
    root.dataset.rendering = rendering.value;
    const lang = fixedLocale ?? store.settings.language;
    locale.value = lang;
    root.lang = lang;
    document.title = title.value;
  });
  let loadedWith: string | null | undefined;
  const origin = () => (store.settings.basemap.kind === 'tiles' ? tileOrigin(store.settings.basemap.url) : null);
  watch(
    () => [store.loaded, origin()] as const,
    ([loaded, now]) => {
      if (!loaded) return;
      if (loadedWith === undefined) loadedWith = now;
      else if (now && now !== loadedWith) window.location.reload();
    },
    { immediate: true },
  );
}

/** Full or lite, as this page draws: one value for the page, kept by the settings store. */
export function useRendering(): ComputedRef<Rendering> {
  const store = useSettingsStore();
  return computed(() => store.rendering);
}
