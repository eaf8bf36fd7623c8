/** Words for figures and filters, in the UI language. */
import type { CaseFilter, Figure } from '../../../shared/bridge/briefing';

type T = (key: string, values?: Record<string, unknown>) => string;

/** "浓洄街道 · 按期办结率", "全区 · 受理事件 · 环比", "群众诉求" for a kind. */
export function figureLabel(f: Figure, t: T): string {
  const metric = f.metric === 'kind' ? t(`briefing.kind.${f.subject.id}`) : t(`briefing.metric.${f.metric}`);
  const subject = f.subject.level === 'district' || f.subject.level === 'kind' ? '' : `${f.subject.name} · `;
  const variant = f.variant === 'value' ? '' : ` · ${t(`briefing.variant.${f.variant}`)}`;
  return `${subject}${metric}${variant}`;
}

/** "群众诉求 · 不满意" for a filter without a place. */
export function filterLabel(filter: CaseFilter, t: T): string {
  const parts: string[] = [];
  if (filter.kind) parts.push(t(`briefing.kind.${filter.kind}`));
  if (filter.status && filter.status !== 'all') parts.push(t(`briefing.status.${filter.status}`));
  return parts.join(' · ') || t('briefing.status.all');
}
