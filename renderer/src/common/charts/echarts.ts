/**
 * ECharts for the wall: tree-shaken (only the charts and components the panels use), one registered theme,
 * canvases at devicePixelRatio. Charts are created once per panel and updated with setOption merges.
 */
import * as echarts from 'echarts/core';
import { BarChart, GaugeChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, AriaComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { BarSeriesOption, GaugeSeriesOption, HeatmapSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption, VisualMapComponentOption, AriaComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { WALL_THEME, WALL_THEME_NAME } from './theme';

echarts.use([
  BarChart,
  GaugeChart,
  HeatmapChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  AriaComponent,
  CanvasRenderer,
]);
echarts.registerTheme(WALL_THEME_NAME, WALL_THEME);

export type WallChartOption = ComposeOption<
  | BarSeriesOption
  | GaugeSeriesOption
  | HeatmapSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
  | AriaComponentOption
>;

/** Live chart instances (the soak benchmark checks the count stays flat). */
export const liveCharts = new Set<echarts.ECharts>();

export function createChart(el: HTMLElement): echarts.ECharts {
  const chart = echarts.init(el, WALL_THEME_NAME, { renderer: 'canvas', devicePixelRatio: window.devicePixelRatio || 1 });
  liveCharts.add(chart);
  return chart;
}

export function disposeChart(chart: echarts.ECharts) {
  liveCharts.delete(chart);
  chart.dispose();
}

export { echarts };
