/** The briefing's figures under stable keys, and the rules for naming the worst performers. */
import type { Briefing, CaseFilter, Figure, MetricId, RankRow, WorstItem } from '../../shared/bridge/briefing';
import type { Scope } from '../../shared/bridge/scene';
import { fmtCountChange, fmtPointsChange, fmtRate } from './format';

/** Units need this many cases before the briefing names them as the worst (one late case is not a pattern). */
export const MIN_BASE = { street: 5, community: 3, grid: 3, department: 3 } as const;
/** Below these, a department is named as late and a community as low-satisfaction in the 通报. */
export const THRESHOLDS = { onTimeRate: 0.9, satisfaction: 0.9 } as const;

/**
 * Collects the briefing's figures under stable keys: level:id:metric:variant. A street's or community's book keeps
 * every drill-down within it (`within`: its streetId or communityId), so a figure's cases are the scope's.
 */
export class FigureBook {
  readonly figures: Record<string, Figure> = {};
  constructor(private readonly within: CaseFilter = {}) {}
  scoped(drill: CaseFilter): CaseFilter {
    return { ...drill, ...this.within };
  }
  add(f: Omit<Figure, 'key' | 'text'> & { text?: string }): string {
    const key = `${f.subject.level}:${f.subject.id}:${f.metric}:${f.variant}`;
    const drill = f.drill && this.scoped(f.drill);
    this.figures[key] = { ...f, drill, key, text: f.text ?? figureText(f.unit, f.value, f.metric) };
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

const DISTRICT = { level: 'district' as const, id: 'all', name: '全区' };

/** The subject of a scope's own figures (KPIs): the district's keep their keys (district:all:…). */
export function scopeSubject(scope: Scope): Figure['subject'] {
  return scope.id === null ? DISTRICT : { level: scope.level, id: scope.id, name: scope.name };
}

/** A scope's own figure's key. */
export function scopeKey(scope: Scope, metric: string, variant = 'value'): string {
  const s = scopeSubject(scope);
  return `${s.level}:${s.id}:${metric}:${variant}`;
}

export type AreaLevel = Exclude<WorstItem['level'], 'department'>;

/** The levels a scope ranks, with their rows: a district's streets and communities, a street's communities, a community's grids. */
export function rankedLevels(b: Pick<Briefing, 'scope' | 'rankings'>): [AreaLevel, RankRow[]][] {
  const { rankings } = b;
  if (b.scope.id === null)
    return [
      ['street', rankings.streets],
      ['community', rankings.communities],
    ];
  return b.scope.level === 'street' ? [['community', rankings.communities]] : [['grid', rankings.grids]];
}

/** What the text calls a level's units: 街道, 社区, 网格. */
export const AREA_NOUN: Record<AreaLevel, string> = { street: '街道', community: '社区', grid: '网格' };
