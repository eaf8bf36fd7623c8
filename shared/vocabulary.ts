/**
 * The domain's words: the one Chinese and English label of every enumerated term the app shows — event kinds,
 * closed-loop stages, safe-grid criteria, severities, sources, satisfaction ratings, service activity types and a
 * grid's live 平安网格 status.
 * The wall, the briefing, the 通报 (DOCX, PDF), its XLSX appendix and the importers' option lists all take their
 * labels from here, so a stage reads the same on the wall as in the XLSX.
 *
 * The Chinese wording is the source article's (广安日报, "做实小网格 做细微治理"): the closed loop is
 * "网格员发现上报—社区分析研判—部门分流办理—街道跟踪督导—社区考核评价"; the safe-grid criteria are its
 * "无发案、无邪教、无黄赌毒窝点、无传销、无火灾事故、无交通事故、无集体上访、无电信诈骗"; the services are its
 * 公益项目, 志愿服务, 微心愿 and 对接群众需求.
 *
 * A term has a short form only where a wall panel has no room for the label (see each family).
 * Plain data: the ids are the contract's enums (shared/api/schemas.ts), imported as types only.
 */
import type { Event, EventKind, SafeCriterion, Satisfaction, ServiceActivity, Severity, Stage } from './api/schemas';
import type { GridStatus } from './kpi/formulas';

export type VocabularyLocale = 'zh-CN' | 'en-US';

export interface Label {
  readonly zh: string;
  readonly en: string;
}

export interface Term extends Label {
  /** For a wall panel too narrow for the label; absent: the label is short enough. */
  readonly short?: Label;
}

/** What a case is. No short form: the longest (群众诉求, Service request) fits the wall's legends and tickers. */
const kind = {
  incident: { zh: '治安事件', en: 'Public order' },
  dispute: { zh: '矛盾纠纷', en: 'Dispute' },
  hazard: { zh: '安全隐患', en: 'Safety hazard' },
  appeal: { zh: '群众诉求', en: 'Citizen appeal' },
  service: { zh: '服务需求', en: 'Service request' },
} as const satisfies Record<EventKind, Term>;

/**
 * The closed loop, in the article's words (its actors — 网格员, 社区, 部门, 街道 — left out: a stage is what happens,
 * whoever does it); 办结 closes it. No short form: four characters fit the wall's funnel and ticker.
 */
const stage = {
  reported: { zh: '发现上报', en: 'Reported' },
  analysed: { zh: '分析研判', en: 'Analysed' },
  dispatched: { zh: '分流办理', en: 'With department' },
  supervised: { zh: '跟踪督导', en: 'Supervised' },
  evaluated: { zh: '考核评价', en: 'Evaluated' },
  closed: { zh: '办结', en: 'Closed' },
} as const satisfies Record<Stage, Term>;

/**
 * The eight things a 平安网格 must not have. Short forms for the safe-grid scene's grid × criterion matrix and the
 * criteria chips of its at-risk list: eight columns side by side, one or two characters each.
 */
const criterion = {
  crime: { zh: '发案', en: 'Criminal case', short: { zh: '发案', en: 'Crime' } },
  cult: { zh: '邪教', en: 'Cult activity', short: { zh: '邪教', en: 'Cult' } },
  vice: { zh: '黄赌毒窝点', en: 'Vice den', short: { zh: '黄赌毒', en: 'Vice' } },
  pyramid: { zh: '传销', en: 'Pyramid selling', short: { zh: '传销', en: 'Pyramid' } },
  fire: { zh: '火灾事故', en: 'Fire', short: { zh: '火灾', en: 'Fire' } },
  traffic: { zh: '交通事故', en: 'Traffic accident', short: { zh: '交通', en: 'Traffic' } },
  mass_petition: { zh: '集体上访', en: 'Mass petition', short: { zh: '上访', en: 'Petition' } },
  telecom_fraud: { zh: '电信诈骗', en: 'Telecom fraud', short: { zh: '诈骗', en: 'Fraud' } },
} as const satisfies Record<SafeCriterion, Term>;

/** How grave a case is, in the four grades the ledgers' 等级 column uses. No short form needed. */
const severity = {
  low: { zh: '一般', en: 'Minor' },
  medium: { zh: '较大', en: 'Notable' },
  high: { zh: '重大', en: 'Serious' },
  critical: { zh: '特别重大', en: 'Critical' },
} as const satisfies Record<Severity, Term>;

/** Who brought the case in. No short form needed. */
const source = {
  grid_worker: { zh: '网格员', en: 'Grid worker' },
  hotline_12345: { zh: '12345', en: '12345' },
  patrol: { zh: '巡查', en: 'Patrol' },
} as const satisfies Record<Event['source'], Term>;

/** A closed appeal's rating, as the 12345 platform records it. No short form needed. */
const satisfaction = {
  satisfied: { zh: '满意', en: 'Satisfied' },
  basically_satisfied: { zh: '基本满意', en: 'Fairly satisfied' },
  dissatisfied: { zh: '不满意', en: 'Dissatisfied' },
} as const satisfies Record<Satisfaction, Term>;

/** What a 为民服务 activity was. No short form needed: the labels fit the wall's KPI tiles and legends. */
const serviceType = {
  project: { zh: '公益项目', en: 'Welfare projects' },
  volunteer_session: { zh: '志愿服务', en: 'Volunteer sessions' },
  micro_wish: { zh: '微心愿', en: 'Micro-wishes' },
  demand_matched: { zh: '需求对接', en: 'Demands matched' },
} as const satisfies Record<ServiceActivity['type'], Term>;

/**
 * A grid's live 平安网格 status (shared/kpi/formulas.ts gridStatus): at_risk is a titled grid that broke a criterion
 * this period, which the label says in full. Short forms for the wall's map legend, hover line and status donut,
 * which name the three statuses side by side.
 */
const gridStatus = {
  safe: { zh: '平安网格', en: 'Safe grid' },
  at_risk: { zh: '平安网格·有风险', en: 'Safe grid at risk', short: { zh: '风险网格', en: 'At risk' } },
  normal: { zh: '普通网格', en: 'Normal grid' },
} as const satisfies Record<GridStatus, Term>;

export const VOCABULARY = { kind, stage, criterion, severity, source, satisfaction, serviceType, gridStatus } as const;

export type Family = keyof typeof VOCABULARY;
export type IdOf<F extends Family> = keyof (typeof VOCABULARY)[F] & string;
export type Form = 'label' | 'short';

function termOf<F extends Family>(family: F, id: IdOf<F>): Term {
  return (VOCABULARY[family] as Record<string, Term>)[id];
}

/** A term's label (or short form, which falls back to the label) in a language. */
export function label<F extends Family>(family: F, id: IdOf<F>, locale: VocabularyLocale = 'zh-CN', form: Form = 'label'): string {
  const term = termOf(family, id);
  const words = form === 'short' ? (term.short ?? term) : term;
  return locale === 'zh-CN' ? words.zh : words.en;
}

/** The ids of a family, in the order the vocabulary (and the contract) lists them. */
export function idsOf<F extends Family>(family: F): IdOf<F>[] {
  return Object.keys(VOCABULARY[family]) as IdOf<F>[];
}

/** id → label for a whole family: what an i18n catalogue's section is. */
export function labels<F extends Family>(family: F, locale: VocabularyLocale, form: Form = 'label'): Record<IdOf<F>, string> {
  return Object.fromEntries(idsOf(family).map((id) => [id, label(family, id, locale, form)])) as Record<IdOf<F>, string>;
}

/** Chinese label → id for a whole family: what an importer reads a cell with (its synonyms come on top). */
export function idsByZhLabel<F extends Family>(family: F): Record<string, IdOf<F>> {
  return Object.fromEntries(idsOf(family).map((id) => [label(family, id), id])) as Record<string, IdOf<F>>;
}
