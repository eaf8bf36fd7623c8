/** How the briefing shows numbers: rates as percentages, changes with an arrow and a word (never colour alone). */
import type { Kpi } from '../../../shared/bridge/briefing';

export const DASH = '—';

export function pct(rate: number | null | undefined, digits = 1): string {
  return rate === null || rate === undefined ? DASH : `${(rate * 100).toFixed(digits)}%`;
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? DASH : n.toLocaleString('zh-CN');
}

export type Direction = 'up' | 'down' | 'flat' | 'none';

export function direction(change: number | null): Direction {
  if (change === null) return 'none';
  const rounded = Math.round(change * 1000);
  return rounded > 0 ? 'up' : rounded < 0 ? 'down' : 'flat';
}

export const ARROW: Record<Direction, string> = { up: '▲', down: '▼', flat: '■', none: '·' };

/** The size of a change: "12.5%" for a count, "1.2" (points) for a rate. */
export function changeSize(change: number | null, unit: 'count' | 'rate'): string {
  if (change === null) return '';
  const v = Math.abs(change * 100).toFixed(1);
  return unit === 'rate' ? v : `${v}%`;
}

/** good / bad / neutral for the direction a KPI moved. */
export function tone(k: Pick<Kpi, 'better'>, change: number | null): 'good' | 'bad' | 'neutral' {
  const d = direction(change);
  if (d === 'none' || d === 'flat' || k.better === 'neutral') return 'neutral';
  return (d === 'up') === (k.better === 'up') ? 'good' : 'bad';
}

export function kpiValue(k: Pick<Kpi, 'unit' | 'value'>): string {
  return k.unit === 'rate' ? pct(k.value) : count(k.value);
}

export function hhmm(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

export function fileSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
