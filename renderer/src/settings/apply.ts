/**
 * Settings that apply to the whole page, without a reload: the colour theme (CSS variables keyed on
 * <html data-theme>), the interface language (unless the address says `?lang=`, which ops scripts use) and the
 * window title.
 */
import { watchEffect } from 'vue';
import { useI18n } from 'vue-i18n';
import { urlLocale } from '../i18n';
import { useSettingsStore } from '../stores/settings';
import { useDistrictTitle } from './title';

export function useApplySettings() {
  const store = useSettingsStore();
  const { locale } = useI18n({ useScope: 'global' });
  const title = useDistrictTitle();
  const fixedLocale = urlLocale();
  watchEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = store.settings.theme;
    const lang = fixedLocale ?? store.settings.language;
    locale.value = lang;
    root.lang = lang;
    document.title = title.value;
  });
}
