/**
 * Chart options for the wall panels: pure functions of (data, wall unit, translate) → ECharts option. Numbers are
 * only formatted here; every rate comes from the query layer (shared/kpi/formulas). Each builder returns the
 * same series structure every time so updates merge in place.
 */
import { percent, type Rate } from '../../../../shared/kpi/formulas';
import { monthDayLabel } from '../../../../shared/time';
import type { WallChartOption } from './echarts';
import { CHART_DIM, CHART_NUM_FONT, CHART_TEXT, SERIES_COLORS } from './theme';
import { px } from '../useWallUnit';

export type Translate = (key: string, values?: Record<string, unknown>) => string;

export interface Sizes {
  u: number;
  text: number;
  small: number;
  big: number;
}

export function sizes(u: number): Sizes {
  return { u, text: px(17, u), small: px(14, u), big: px(30, u) };
}

export const pct = (rate: Rate, digits = 1): string => {
  const p = percent(rate, digits);
  return p === null ? '—' : `${p.toFixed(digits)}%`;
};

export const num = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : n.toLocaleString('zh-CN'));

const grid = (s: Sizes, extra: Partial<{ left: number; right: number; top: number; bottom: number }> = {}) => ({
  left: extra.left ?? s.u * 0.4,
  right: extra.right ?? s.u * 1.2,
  top: extra.top ?? s.u * 1.6,
  bottom: extra.bottom ?? s.u * 0.3,
  containLabel: true,
});

const axisLabel = (s: Sizes) => ({ color: CHART_DIM, fontSize: s.small });

/** Horizontal bars, one row per category, value label at the end of each bar. */
export function barsOption(
  rows: { name: string; value: number; label?: string; color?: string }[],
  s: Sizes,
  opts: { color?: string; max?: number; sort?: boolean } = {},
): WallChartOption {
  const data = opts.sort ? [...rows].sort((a, b) => a.value - b.value) : [...rows].reverse();
  return {
    aria: { enabled: true },
    grid: grid(s, { top: s.u * 0.3, right: s.u * 3.6 }),
    xAxis: { type: 'value', max: opts.max, axisLabel: { show: false }, splitLine: { show: false }, axisLine: { show: false } },
    yAxis: { type: 'category', data: data.map((r) => r.name), axisLabel: { ...axisLabel(s), color: CHART_TEXT, fontSize: s.text }, axisLine: { show: false } },
    series: [
      {
        type: 'bar',
        barWidth: '52%',
        data: data.map((r) => ({ value: r.value, itemStyle: { color: r.color ?? opts.color ?? SERIES_COLORS[0] } })),
        showBackground: true,
        backgroundStyle: { color: 'rgba(63, 140, 220, 0.08)' },
        label: {
          show: true,
          position: 'right',
          fontFamily: CHART_NUM_FONT,
          fontSize: s.text,
          color: CHART_TEXT,
          formatter: (p: { dataIndex: number }) => data[p.dataIndex]?.label ?? num(data[p.dataIndex]?.value),
        },
      },
    ],
  };
}

/** Two or more daily lines (distinguished by colour, dash and end label). */
export function trendOption(days: number[], lines: { name: string; values: number[]; dashed?: boolean; area?: boolean }[], s: Sizes): WallChartOption {
  const labels = days.map(monthDayLabel);
  return {
    aria: { enabled: true },
    grid: grid(s, { top: s.u * 2, bottom: s.u * 0.2, right: s.u * 1 }),
    legend: { top: 0, right: 0, textStyle: { color: CHART_DIM, fontSize: s.small }, itemWidth: s.u * 1.2, itemHeight: s.u * 0.5 },
    tooltip: { trigger: 'axis', textStyle: { fontSize: s.small } },
    xAxis: { type: 'category', data: labels, boundaryGap: false, axisLabel: { ...axisLabel(s), interval: Math.max(0, Math.ceil(labels.length / 6) - 1) } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: axisLabel(s) },
    series: lines.map((l, i) => ({
      type: 'line' as const,
      name: l.name,
      data: l.values,
      showSymbol: false,
      lineStyle: { width: Math.max(1.5, s.u * 0.12), type: l.dashed ? ('dashed' as const) : ('solid' as const), color: SERIES_COLORS[i] },
      itemStyle: { color: SERIES_COLORS[i] },
      areaStyle: l.area
        ? {
            color: {
              type: 'linear' as const,
              x: 0,
              y: 0,
              x2: 0,
              y2: 1,
              colorStops: [
                { offset: 0, color: `${SERIES_COLORS[i]}66` },
                { offset: 1, color: `${SERIES_COLORS[i]}00` },
              ],
            },
          }
        : undefined,
    })),
  };
}

/** A ring gauge for one rate, with the rate in large numerals in the middle. */
export function rateGaugeOption(rate: Rate, caption: string, s: Sizes, color = SERIES_COLORS[2]): WallChartOption {
  const p = percent(rate, 1);
  return {
    aria: { enabled: true },
    series: [
      {
        type: 'gauge',
        startAngle: 90,
        endAngle: -270,
        radius: '88%',
        min: 0,
        max: 100,
        pointer: { show: false },
        progress: { show: true, roundCap: false, width: s.u * 0.7, itemStyle: { color } },
        axisLine: { lineStyle: { width: s.u * 0.7, color: [[1, 'rgba(63, 140, 220, 0.16)']] } },
        splitLine: { show: false },
        axisTick: { show: false },
        axisLabel: { show: false },
        title: { show: true, offsetCenter: [0, '34%'], color: CHART_DIM, fontSize: s.small },
        detail: {
          show: true,
          offsetCenter: [0, '-6%'],
          fontFamily: CHART_NUM_FONT,
          fontWeight: 700,
          fontSize: s.big,
          color: CHART_TEXT,
          formatter: () => (p === null ? '—' : `${p.toFixed(1)}%`),
        },
        data: [{ value: p ?? 0, name: caption }],
      },
    ],
  };
}

/** Parts of a whole as a ring, each slice labelled with its name and count (not colour alone). */
export function donutOption(parts: { name: string; value: number; color?: string }[], s: Sizes): WallChartOption {
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'item', textStyle: { fontSize: s.small } },
    series: [
      {
        type: 'pie',
        radius: ['40%', '62%'],
        center: ['50%', '52%'],
        avoidLabelOverlap: true,
        minAngle: 4,
        itemStyle: { borderColor: '#041021', borderWidth: 2 },
        label: {
          show: true,
          color: CHART_TEXT,
          fontSize: s.small,
          lineHeight: s.small * 1.25,
          overflow: 'none' as const,
          formatter: (p: { name?: string; value?: unknown }) => `${p.name ?? ''}\n${num(Number(p.value ?? 0))}`,
        },
        labelLine: { length: s.u * 0.5, length2: s.u * 0.5 },
        data: parts.map((p) => ({ name: p.name, value: p.value, itemStyle: p.color ? { color: p.color } : undefined })),
      },
    ],
  };
}

/** Grouped horizontal bars: several measures per category (e.g. found / resolved per street). */
export function groupedBarsOption(categories: string[], series: { name: string; values: number[]; labels?: string[] }[], s: Sizes): WallChartOption {
  const cats = [...categories].reverse();
  return {
    aria: { enabled: true },
    grid: grid(s, { top: s.u * 1.8, right: s.u * 3.8 }),
    legend: { top: 0, right: 0, textStyle: { color: CHART_DIM, fontSize: s.small }, itemWidth: s.u * 1, itemHeight: s.u * 0.6 },
    xAxis: { type: 'value', axisLabel: { show: false }, splitLine: { show: false } },
    yAxis: { type: 'category', data: cats, axisLabel: { ...axisLabel(s), color: CHART_TEXT, fontSize: s.text }, axisLine: { show: false } },
    series: series.map((x, i) => {
      const values = [...x.values].reverse();
      const labels = x.labels ? [...x.labels].reverse() : null;
      return {
        type: 'bar' as const,
        name: x.name,
        barGap: '15%',
        data: values,
        itemStyle: {
          color: SERIES_COLORS[i],
          decal: i === 1 ? { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [3, 3], rotation: -Math.PI / 4, color: 'rgba(0,0,0,0.35)' } : undefined,
        },
        label: {
          show: true,
          position: 'right' as const,
          fontFamily: CHART_NUM_FONT,
          fontSize: s.small,
          color: CHART_TEXT,
          formatter: (p: { dataIndex: number; value: unknown }) => labels?.[p.dataIndex] ?? num(Number(p.value)),
        },
      };
    }),
  };
}

/** Stacked horizontal bars of counts that add up to a whole (e.g. safe / other grids per street). */
export function stackedBarsOption(
  categories: string[],
  series: { name: string; values: number[]; color: string; hatch?: boolean }[],
  s: Sizes,
): WallChartOption {
  const cats = [...categories].reverse();
  return {
    aria: { enabled: true },
    grid: grid(s, { top: s.u * 1.8, right: s.u * 1 }),
    legend: { top: 0, right: 0, textStyle: { color: CHART_DIM, fontSize: s.small }, itemWidth: s.u * 1, itemHeight: s.u * 0.6 },
    xAxis: { type: 'value', axisLabel: { show: false }, splitLine: { show: false } },
    yAxis: { type: 'category', data: cats, axisLabel: { ...axisLabel(s), color: CHART_TEXT, fontSize: s.text }, axisLine: { show: false } },
    series: series.map((x) => ({
      type: 'bar' as const,
      name: x.name,
      stack: 'total',
      barWidth: '55%',
      data: [...x.values].reverse(),
      itemStyle: {
        color: x.color,
        decal: x.hatch ? { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: -Math.PI / 4, color: 'rgba(255,255,255,0.35)' } : undefined,
      },
      label: {
        show: true,
        position: 'inside' as const,
        fontFamily: CHART_NUM_FONT,
        fontSize: s.small,
        color: '#06121f',
        fontWeight: 700,
        formatter: (p: { value: unknown }) => (Number(p.value) > 0 ? String(p.value) : ''),
      },
    })),
  };
}

/** A matrix of counts (rows × columns), each cell labelled with its number. */
export function matrixOption(rows: string[], cols: string[], cells: [number, number, number][], s: Sizes): WallChartOption {
  const max = Math.max(1, ...cells.map((c) => c[2]));
  return {
    aria: { enabled: true },
    grid: grid(s, { top: s.u * 0.4, bottom: s.u * 0.2, right: s.u * 0.4 }),
    xAxis: {
      type: 'category',
      data: cols,
      position: 'top',
      axisLabel: { ...axisLabel(s), interval: 0, color: CHART_TEXT },
      splitArea: { show: false },
      axisLine: { show: false },
    },
    yAxis: { type: 'category', data: rows, inverse: true, axisLabel: { ...axisLabel(s), color: CHART_TEXT }, axisLine: { show: false } },
    visualMap: { show: false, min: 0, max, inRange: { color: ['rgba(20, 60, 100, 0.35)', '#e69f00', '#d55e00'] } },
    series: [
      {
        type: 'heatmap',
        data: cells,
        label: {
          show: true,
          fontFamily: CHART_NUM_FONT,
          fontSize: s.text,
          color: CHART_TEXT,
          formatter: (p: { value: unknown }) => {
            const v = (p.value as number[])[2];
            return v ? String(v) : '·';
          },
        },
        itemStyle: { borderColor: '#041021', borderWidth: 2 },
      },
    ],
  };
}

/** A round top for an axis (1, 2 or 5 × a power of ten, at or above `v`): two charts with it tick alike. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

type AxisLike = { type?: string; max?: unknown };
type SeriesLike = { data?: unknown[]; stack?: string };

/** The biggest value a chart's series draw (stacked series summed per category). */
function largestValue(option: WallChartOption): number {
  const list = (Array.isArray(option.series) ? option.series : option.series ? [option.series] : []) as SeriesLike[];
  const stacks = new Map<string, number[]>();
  let top = 0;
  for (const s of list) {
    const values = (s.data ?? []).map((d) =>
      typeof d === 'number' ? d : typeof (d as { value?: unknown })?.value === 'number' ? (d as { value: number }).value : 0,
    );
    if (!s.stack) top = Math.max(top, ...values);
    else {
      const sums = stacks.get(s.stack) ?? [];
      values.forEach((v, i) => (sums[i] = (sums[i] ?? 0) + v));
      stacks.set(s.stack, sums);
    }
  }
  for (const sums of stacks.values()) top = Math.max(top, ...sums);
  return top;
}

/**
 * Charts set side by side (the wall's compare view) on one scale: every value axis gets the same round top, from the
 * biggest value any of them draws. Charts without a value axis (gauges, donuts) are returned as they are.
 */
export function oneScale(options: WallChartOption[]): WallChartOption[] {
  const top = niceMax(Math.max(0, ...options.map(largestValue)));
  const scaled = (axis: unknown): unknown =>
    Array.isArray(axis)
      ? axis.map((a, i) => (i === 0 ? scaled(a) : a))
      : axis && (axis as AxisLike).type === 'value'
        ? { ...(axis as AxisLike), max: top }
        : axis;
  return options.map(
    (o) => ({ ...o, ...('xAxis' in o ? { xAxis: scaled(o.xAxis) } : {}), ...('yAxis' in o ? { yAxis: scaled(o.yAxis) } : {}) }) as WallChartOption,
  );
}
