/** The briefing's figures under stable keys, and the rules for naming the worst performers. */
import type { Figure, MetricId } from '../../shared/bridge/briefing';
import { fmtCountChange, fmtPointsChange, fmtRate } from './format';

/** Units need this many cases before the briefing names them as the worst (one late case is not a pattern). */
export const MIN_BASE = { street: 5, community: 3, department: 3 } as const;
/** Below these, a department is named as late and a community as low-satisfaction in the 通报. */
export const THRESHOLDS = { onTimeRate: 0.9, satisfaction: 0.9 } as const;

/** Collects the briefing's figures under stable keys: level:id:metric:variant. */
export class FigureBook {
  readonly figures: Record<string, Figure> = {};
  add(f: Omit<Figure, 'key' | 'text'> & { text?: string }): string {
    const key = `${f.subject.level}:${f.subject.id}:${f.metric}:${f.variant}`;
    this.figures[key] = { ...f, key, text: f.text ?? figureText(f.unit, f.value, f.metric) };
    return key;
  }
  get(key: string): Figure | undefined {
    return this.figures[key];
  }
}

function figureText(unit: Figure['unit'], value: number | null, metric: MetricId): string {
  if (unit === 'rate') return fmtRate(value);
  if (unit === 'change') return fmtCountChange(value) ?? '—';
  if (unit === 'points') return fmtPointsChange(value) ?? '—';
  if (value === null) return '—';
  return `${value}${metric.startsWith('safeGrids') ? '个' : '件'}`;
}
