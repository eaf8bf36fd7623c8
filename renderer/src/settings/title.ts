/**
 * The district title the app shows. The default title is shown in the interface language (广安区 · 网格化服务管理
 * 指挥中心 / Guang’an District · …); a title set on the Settings page is shown as entered.
 */
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { useSettingsStore } from './store';

export function useDistrictTitle() {
  const { t } = useI18n();
  const store = useSettingsStore();
  return computed(() => {
    const title = store.settings.districtTitle;
    return title === DEFAULT_SETTINGS.districtTitle ? `${t('app.district')} · ${t('app.title')}` : title;
  });
}
