/**
 * The one ECharts theme of the app: command-center dark, Okabe–Ito series colours (colour-vision safe; series
 * are also told apart by labels, order or dash), transparent background so the panel frame shows through.
 */
export const WALL_THEME_NAME = 'gcc-wall';

/** Okabe–Ito, reordered for a dark background (the black is left out). */
export const SERIES_COLORS = ['#56b4e9', '#e69f00', '#009e73', '#f0e442', '#cc79a7', '#d55e00', '#0072b2', '#9fd8ff'];

export const CHART_TEXT = '#e6f1ff';
export const CHART_DIM = '#8fb0d6';
export const CHART_LINE = 'rgba(100, 170, 240, 0.22)';
export const CHART_FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif";
export const CHART_NUM_FONT = "'DIN Alternate', 'Roboto Mono', 'Noto Sans Mono CJK SC', 'Noto Sans CJK SC', monospace";

const axis = {
  axisLine: { show: true, lineStyle: { color: 'rgba(120, 180, 240, 0.45)' } },
  axisTick: { show: false },
  axisLabel: { color: CHART_DIM },
  splitLine: { show: true, lineStyle: { color: CHART_LINE, type: 'dashed' } },
  splitArea: { show: false },
};

export const WALL_THEME = {
  color: SERIES_COLORS,
  backgroundColor: 'transparent',
  textStyle: { color: CHART_TEXT, fontFamily: CHART_FONT },
  title: { textStyle: { color: CHART_TEXT }, subtextStyle: { color: CHART_DIM } },
  legend: { textStyle: { color: CHART_DIM }, icon: 'roundRect' },
  tooltip: {
    backgroundColor: 'rgba(6, 22, 44, 0.95)',
    borderColor: 'rgba(63, 208, 255, 0.6)',
    textStyle: { color: CHART_TEXT },
  },
  categoryAxis: { ...axis, splitLine: { show: false } },
  valueAxis: axis,
  timeAxis: axis,
  line: { symbol: 'circle', symbolSize: 5, smooth: false, lineStyle: { width: 2 } },
  bar: { itemStyle: { borderRadius: [0, 2, 2, 0] } },
  gauge: { axisLine: { lineStyle: { color: [[1, 'rgba(63,208,255,0.2)']] } } },
  animationDuration: 600,
  animationDurationUpdate: 300,
};
