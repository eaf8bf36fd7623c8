/** What every scene reads: the two snapshots, the grid look-up, chart sizes at the current wall unit, i18n. */
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { useSceneStore } from '../stores/scene';
import { sizes, type Translate } from '../charts/options';
import { gridIndex } from './derive';
import { useWallUnit } from './useWallUnit';

export function useWallData() {
  const store = useSceneStore();
  const { t } = useI18n();
  const unit = useWallUnit();
  const s = computed(() => sizes(unit.value));
  const index = computed(() => gridIndex(store.regions));
  const today = computed(() => store.today);
  const year = computed(() => store.year);
  return { store, t: t as Translate, s, index, today, year };
}
