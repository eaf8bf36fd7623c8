/**
 * What the wall's panels show, computed once for the whole wall: one computed per counter, chart, table and line of
 * panels.ts over the scene store, the wall unit and the language. Computeds are lazy, so a scene only computes
 * what it shows; a panel two scenes share (the disputes trend, the satisfaction counter) is computed once; and a
 * value keeps its identity until its data changes, so a chart is not given a new option (and not redrawn) when
 * something else changed.
 */
import { computed, type ComputedRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { useSceneStore } from './store';
import { sizes, type Translate } from '../common/charts/options';
import { gridIndex, type RiskRow } from './derive';
import {
  CHARTS,
  kpiContext,
  KPIS,
  LINES,
  NO_BREAKS,
  riskRows,
  satisfactionCounts,
  TABLES,
  type ChartView,
  type KpiContext,
  type TableView,
  type WallContext,
} from './panels';
import { useWallUnit } from '../common/useWallUnit';
import type { Kpi } from './KpiStrip.vue';

/** One computed per entry of a table of panels.ts, each over the same live context. */
function computeEach<T extends Record<string, (c: WallContext) => unknown>>(table: T, context: WallContext): { [K in keyof T]: ComputedRef<ReturnType<T[K]>> } {
  return Object.fromEntries(Object.entries(table).map(([id, build]) => [id, computed(() => build(context))])) as {
    [K in keyof T]: ComputedRef<ReturnType<T[K]>>;
  };
}

export interface WallDerived {
  kpis: { [K in keyof typeof KPIS]: ComputedRef<Kpi | null> };
  charts: { [K in keyof typeof CHARTS]: ComputedRef<ChartView> };
  tables: { [K in keyof typeof TABLES]: ComputedRef<TableView> };
  lines: { [K in keyof typeof LINES]: ComputedRef<string | undefined> };
  satisfaction: ComputedRef<ReturnType<typeof satisfactionCounts>>;
  risks: ComputedRef<RiskRow[]>;
  /** What panel titles name the scope's areas by (各{area}平安网格): streets, communities or grids. */
  titleWords: ComputedRef<Record<'area' | 'areas' | 'hot' | 'hots', string>>;
}

export function useWallDerived(): WallDerived {
  const store = useSceneStore();
  const { t } = useI18n();
  const unit = useWallUnit();
  const s = computed(() => sizes(unit.value));
  const index = computed(() => gridIndex(store.regions));
  const context: WallContext = {
    get year() {
      return store.year;
    },
    get today() {
      return store.today;
    },
    get grids() {
      // The deltas change the year's grid states in place and tick gridRevision.
      void store.gridRevision;
      return store.year?.grids ?? [];
    },
    get broken() {
      void store.gridRevision;
      return store.year?.brokenGrids ?? NO_BREAKS;
    },
    get index() {
      return index.value;
    },
    get s() {
      return s.value;
    },
    t: t as Translate,
  };
  // Counters wait for both windows (a scene shows none until then).
  const counter = (build: (c: KpiContext) => Kpi) => (c: WallContext) => {
    const both = kpiContext(c);
    return both ? build(both) : null;
  };
  const kpis = computeEach(Object.fromEntries(Object.entries(KPIS).map(([id, build]) => [id, counter(build)])), context) as WallDerived['kpis'];
  return {
    kpis,
    charts: computeEach(CHARTS, context),
    tables: computeEach(TABLES, context),
    lines: computeEach(LINES, context),
    satisfaction: computed(() => satisfactionCounts(context)),
    risks: computed(() => riskRows(context)),
    titleWords: computed(() => {
      const scope = store.year?.scope;
      const area = scope?.areaLevel ?? 'street';
      const hot = scope?.level === 'community' ? 'grid' : 'community';
      return { area: t(`wall.area.${area}`), areas: t(`wall.areas.${area}`), hot: t(`wall.area.${hot}`), hots: t(`wall.areas.${hot}`) };
    }),
  };
}
