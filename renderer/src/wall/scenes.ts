/**
 * The wall's scenes, in their default playlist order, each with its URL id (`#/wall/<id>`). A scene is a
 * declaration — what its map shows, its counters, its panels and where they go — rendered by WallScene.vue; what a
 * panel shows is named here and defined once in panels.ts. A new scene is one more entry. The ids are defined
 * once, with the settings (a display's playlist names them).
 */
import type { EventKind } from '../../../shared/api/schemas';
import { SCENE_IDS, type SceneId } from '../../../shared/settings';
import type { SceneMapOptions } from '../map/style';
import type { ChartId, KpiId, LineId, TableId } from './panels';

export const SCENES = SCENE_IDS;
export type { SceneId };

export function isScene(value: unknown): value is SceneId {
  return typeof value === 'string' && (SCENES as readonly string[]).includes(value);
}

/** The grid areas panels are placed in around the map (`map`) and the counters (`kpi`). */
export type PanelArea = 'a' | 'b' | 'c' | 'd' | 'e';

/** What fills a panel under its title bar. */
export type PanelBody =
  | { kind: 'chart'; chart: ChartId }
  | { kind: 'table'; table: TableId }
  /** The latest cases (of these kinds only, when given); a click flies the map to the case's grid. */
  | { kind: 'ticker'; kinds?: readonly EventKind[] }
  /** The year's satisfaction gauge with its three counts beside it. */
  | { kind: 'satisfaction' }
  /** Grids at risk and the criteria they broke; a click flies the map to the grid. */
  | { kind: 'risk-list' };

export interface PanelDeclaration {
  area: PanelArea;
  /** `data-panel` of the panel (the e2e tests and benchmarks find panels by it). */
  id: string;
  /** i18n key of the title; a chart takes it as its accessible label too. */
  title: string;
  /** The line beside the title. */
  sub?: LineId;
  body: PanelBody;
}

/**
 * Rows of `grid-template-areas` below the header and the banner: for 16:9-ish walls (3 columns) and for wide walls
 * from 12:5 up (32:9, 5760×1080, …: 5 columns). Each names the areas of the scene's panels, `kpi` and `map`.
 */
export interface SceneLayout {
  standard: readonly string[];
  wide: readonly string[];
}

export interface SceneDeclaration {
  map: SceneMapOptions;
  kpis: readonly KpiId[];
  /** In reading order (the order of the page, for assistive technology); `area` places them. */
  panels: readonly PanelDeclaration[];
  layout: SceneLayout;
}

const ALL: EventKind[] = ['incident', 'dispute', 'hazard', 'appeal', 'service'];

/** Five panels: a, b, c on the left, d and e on the right (d and e taller on a wide wall). */
const FIVE_PANELS: SceneLayout = {
  standard: ['a kpi d', 'a map d', 'b map e', 'c map e'],
  wide: ['a c kpi d e', 'a c map d e', 'b b map d e'],
};

export const SCENE_DECLARATIONS: Record<SceneId, SceneDeclaration> = {
  /** 总览: headline counters, the closed-loop funnel, disputes trend, 12345 satisfaction, street ranking, ticker. */
  overview: {
    map: { mode: 'status', kinds: ALL, gridEmphasis: 'full', showPoints: true },
    kpis: ['grids', 'partyMembers', 'workforce', 'todayCases', 'openCases', 'satisfaction'],
    panels: [
      { area: 'a', id: 'funnel', title: 'wall.panel.funnel', sub: 'funnel', body: { kind: 'chart', chart: 'funnel' } },
      { area: 'b', id: 'dispute-trend', title: 'wall.panel.disputeTrend', body: { kind: 'chart', chart: 'disputeTrend' } },
      { area: 'c', id: 'satisfaction', title: 'wall.panel.satisfaction', sub: 'year', body: { kind: 'satisfaction' } },
      { area: 'd', id: 'street-rank', title: 'wall.panel.streetRank', sub: 'year', body: { kind: 'table', table: 'streetRank' } },
      { area: 'e', id: 'ticker', title: 'wall.panel.ticker', body: { kind: 'ticker' } },
    ],
    layout: FIVE_PANELS,
  },
  /** 平安网格: 212/297-style progress, which of the eight criteria are broken and where, the at-risk list. */
  'safe-grids': {
    map: { mode: 'status', kinds: ['incident', 'hazard'], gridEmphasis: 'full', showPoints: true },
    kpis: ['safeGrids', 'atRisk', 'normalGrids', 'breaking'],
    panels: [
      { area: 'a', id: 'safe-progress', title: 'wall.panel.safeProgress', sub: 'safePeriod', body: { kind: 'chart', chart: 'safeProgress' } },
      { area: 'b', id: 'criteria', title: 'wall.panel.criteria', body: { kind: 'chart', chart: 'criteria' } },
      { area: 'c', id: 'safe-by-street', title: 'wall.panel.safeByStreet', body: { kind: 'chart', chart: 'safeByStreet' } },
      { area: 'd', id: 'criteria-where', title: 'wall.panel.criteriaWhere', body: { kind: 'chart', chart: 'criteriaWhere' } },
      { area: 'e', id: 'at-risk-list', title: 'wall.panel.atRiskList', body: { kind: 'risk-list' } },
    ],
    layout: FIVE_PANELS,
  },
  /** 矛盾纠纷: found / resolved / resolution rate, trend, by street, case kinds, hot spots (map heatmap + list). */
  disputes: {
    map: { mode: 'heatmap', kinds: ['dispute'], gridEmphasis: 'quiet', showPoints: false },
    kpis: ['disputesFound', 'disputesResolved', 'disputeRate', 'disputesToday'],
    panels: [
      { area: 'a', id: 'dispute-rate', title: 'wall.kpi.disputeRate', sub: 'year', body: { kind: 'chart', chart: 'disputeRate' } },
      { area: 'b', id: 'dispute-trend', title: 'wall.panel.disputeTrend', body: { kind: 'chart', chart: 'disputeTrend' } },
      { area: 'c', id: 'kinds', title: 'wall.panel.kinds', body: { kind: 'chart', chart: 'kinds' } },
      { area: 'd', id: 'dispute-by-street', title: 'wall.panel.disputeByStreet', sub: 'year', body: { kind: 'chart', chart: 'disputeByStreet' } },
      { area: 'e', id: 'hotspots', title: 'wall.panel.hotspots', sub: 'year', body: { kind: 'table', table: 'hotspots' } },
    ],
    layout: FIVE_PANELS,
  },
  /** 12345 接诉即办: volume, satisfaction, by department, on-time and satisfaction per department and street, overdue. */
  appeals: {
    map: { mode: 'status', kinds: ['appeal'], gridEmphasis: 'quiet', showPoints: true },
    kpis: ['appeals', 'appealsToday', 'joint', 'satisfaction', 'onTime', 'overdue'],
    panels: [
      { area: 'a', id: 'satisfaction', title: 'wall.panel.satisfaction', sub: 'year', body: { kind: 'chart', chart: 'satisfactionParts' } },
      { area: 'b', id: 'dept-volume', title: 'wall.panel.deptVolume', sub: 'year', body: { kind: 'chart', chart: 'deptVolume' } },
      { area: 'c', id: 'street-quality', title: 'wall.panel.streetQuality', sub: 'year', body: { kind: 'table', table: 'streetQuality' } },
      { area: 'd', id: 'dept-quality', title: 'wall.panel.deptQuality', sub: 'year', body: { kind: 'table', table: 'deptQuality' } },
      { area: 'e', id: 'overdue', title: 'wall.panel.overdueByDept', body: { kind: 'chart', chart: 'overdueByDept' } },
    ],
    // The two quality tables get the height they need: the department table takes the right column down to the
    // overdue chart (standard), the street table the bottom of the left side (wide).
    layout: {
      standard: ['a kpi d', 'a map d', 'b map d', 'c map e'],
      wide: ['a b kpi d e', 'a b map d e', 'c c map d e'],
    },
  },
  /** 为民服务: demands matched, projects, volunteer sessions, micro-wishes, people reached; trend, mix, forces, ticker. */
  services: {
    map: { mode: 'status', kinds: ['service'], gridEmphasis: 'quiet', showPoints: true },
    kpis: ['demandsMatched', 'projects', 'sessions', 'microWishes', 'peopleReached', 'difficulties'],
    panels: [
      { area: 'a', id: 'service-mix', title: 'wall.panel.serviceMix', body: { kind: 'chart', chart: 'serviceMix' } },
      { area: 'b', id: 'service-trend', title: 'wall.panel.serviceTrend', body: { kind: 'chart', chart: 'serviceTrend' } },
      { area: 'c', id: 'forces', title: 'wall.panel.forces', sub: 'forces', body: { kind: 'chart', chart: 'forces' } },
      { area: 'd', id: 'service-ticker', title: 'wall.panel.serviceTicker', body: { kind: 'ticker', kinds: ['service'] } },
    ],
    // Four panels: the ticker takes the whole right side.
    layout: {
      standard: ['a kpi d', 'a map d', 'b map d', 'c map d'],
      wide: ['a c kpi d d', 'a c map d d', 'b b map d d'],
    },
  },
};

/** `grid-template-areas` of a layout's rows, under a header and a banner as wide as the wall. */
export function templateAreas(rows: readonly string[]): string {
  const columns = rows[0]?.split(/\s+/).length ?? 1;
  const across = (area: string) => Array.from({ length: columns }, () => area).join(' ');
  return [across('head'), across('banner'), ...rows].map((row) => `'${row}'`).join(' ');
}

/** Seconds the spotlight stays on each grid. */
export const SPOTLIGHT_SECONDS = 12;
