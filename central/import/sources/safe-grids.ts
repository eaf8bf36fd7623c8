/**
 * 平安网格评定表: one grid's evaluation for one period a row → a SafeGridEvaluation.
 *
 * Id: `SG-${period}-${grid code}` — one evaluation per grid and period, the form the district's records (and the
 * demo) use, so evaluating a grid again for the same period updates it instead of adding a second one.
 * 考核期 is read as people write it: 2023年第一季度, 2023年1季度, 2023-Q1, 2023Q1, 2023年上半年, 2023-H1.
 * 评定时间 defaults to the first day after the period (it does not decide which evaluation counts).
 *
 * Contradictions: 是 with criteria listed is an error (a safe grid has broken none: which is wrong is for the
 * operator to say). 否 with none listed is a warning and imported as such (a grid can lose the title on grounds the
 * eight criteria do not name, or the ledger left them out).
 */
import { toShanghaiSeconds } from '../../../shared/time';
import type { SafeCriterion } from '../../../shared/api/schemas';
import type { TableTemplate, TabularSource } from '../types';
import { findGrid, RowMapper } from './common';
import { instantOf } from './time';
import { idsByZhLabel } from '../../../shared/vocabulary';

/** The eight criteria by the vocabulary's labels (the template's options); other wordings are synonyms below. */
export const CRITERION_LABELS: Record<string, SafeCriterion> = idsByZhLabel('criterion');
const NONE = '无';

export const SAFE_GRIDS_TEMPLATE: TableTemplate = {
  source: 'safe-grids',
  title: '平安网格评定表',
  sheet: '平安网格',
  fields: [
    {
      key: 'grid',
      header: '网格',
      synonyms: ['所属网格', '网格名称', '网格编码'],
      type: 'text',
      required: true,
      example: '翠屏路社区第3网格',
      note: '网格名称或网格编码',
    },
    {
      key: 'period',
      header: '考核期',
      synonyms: ['考核周期', '评定期间', '考核期间', '评定周期'],
      type: 'text',
      required: true,
      example: '2023年第一季度',
      note: '季度或半年，如 2023年第一季度、2023-Q1、2023年上半年',
    },
    { key: 'safe', header: '是否平安网格', synonyms: ['平安网格', '是否达标'], type: 'boolean', required: true, example: '否', note: '是/否' },
    {
      key: 'broken',
      header: '发生情形',
      synonyms: ['发生事项', '未达标情形', '扣分情形', '不达标原因'],
      type: 'list',
      options: [...Object.keys(CRITERION_LABELS), NONE],
      optionSynonyms: {
        刑事案件: '发案',
        治安案件: '发案',
        发生案件: '发案',
        刑事治安案件: '发案',
        邪教活动: '邪教',
        黄赌毒: '黄赌毒窝点',
        传销活动: '传销',
        火灾: '火灾事故',
        道路交通事故: '交通事故',
        群体上访: '集体上访',
        集访: '集体上访',
        电诈: '电信诈骗',
        电信网络诈骗: '电信诈骗',
        没有: NONE,
        无发生: NONE,
      },
      example: '火灾事故',
      note: '平安网格填“无”或不填；多项用顿号分隔',
    },
    {
      key: 'evaluated_at',
      header: '评定时间',
      synonyms: ['评定日期', '考核时间', '考核日期'],
      type: 'datetime',
      example: '2023-04-06 10:00',
      note: '不填按考核期结束后第一天',
    },
  ],
};

/** A period as written → '2023-Q1' / '2023-H1', or null. */
export function parsePeriod(text: string): string | null {
  const t = text.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  const numbers: Record<string, string> = { 一: '1', 二: '2', 三: '3', 四: '4', '1': '1', '2': '2', '3': '3', '4': '4' };
  let m = /^(\d{4})(?:年度?)?[-_/.]?Q([1-4])$/.exec(t) ?? /^(\d{4})年?第?([一二三四1-4])季度?$/.exec(t);
  if (m) return `${m[1]}-Q${numbers[m[2]]}`;
  m = /^(\d{4})(?:年度?)?[-_/.]?H([12])$/.exec(t);
  if (m) return `${m[1]}-H${m[2]}`;
  m = /^(\d{4})年?(上|下)半年(度)?$/.exec(t);
  if (m) return `${m[1]}-H${m[2] === '上' ? 1 : 2}`;
  return null;
}

/** The first day after a period, at midnight in Shanghai. */
function dayAfter(period: string): number {
  const [year, part] = [Number(period.slice(0, 4)), period.slice(5)];
  const endMonth = part === 'H1' ? 6 : part === 'H2' ? 12 : Number(part[1]) * 3;
  const next = endMonth === 12 ? `${year + 1}-01-01` : `${year}-${String(endMonth + 1).padStart(2, '0')}-01`;
  return instantOf(next)!;
}

export const safeGrids: TabularSource = {
  name: 'safe-grids',
  template: SAFE_GRIDS_TEMPLATE,
  sourceName: 'excel:平安网格评定',
  map(row, ctx) {
    const m = new RowMapper(row, SAFE_GRIDS_TEMPLATE, ctx);
    const grid = findGrid(m, 'grid');
    const periodText = m.text('period');
    let period: string | null = null;
    if (m.require('period', periodText !== null, '考核期（如 2023年第一季度）')) {
      period = parsePeriod(periodText!);
      if (!period) m.error('period', `考核期“${periodText}”无法识别：请写成 2023年第一季度、2023-Q1 或 2023年上半年（季度或半年）。`);
    }
    const safe = m.boolean('safe');
    m.require('safe', safe !== null, '是或否');
    const labels = m.list('broken').filter((l) => l !== NONE);
    const unknown = labels.filter((l) => !(l in CRITERION_LABELS));
    if (unknown.length && !m.unreadable('broken'))
      m.error('broken', `发生情形“${unknown.join('、')}”不是八类情形之一：请从${Object.keys(CRITERION_LABELS).join('、')}中选填。`);
    const broken = [...new Set(labels.filter((l) => l in CRITERION_LABELS).map((l) => CRITERION_LABELS[l]))];
    if (safe === true && broken.length)
      m.error('broken', `评为平安网格，却填了发生情形（${labels.join('、')}）：发生了就不是平安网格。请改“是否平安网格”为“否”，或清空发生情形。`);
    if (safe === false && !broken.length && !unknown.length && !m.unreadable('broken'))
      m.warning('broken', '未评为平安网格，但没有填发生情形：仍按“否”导入；请补填发生了哪类情形。');
    if (!grid || !period || safe === null || m.failed) return m.result([]);
    const evaluated = m.time('evaluated_at');
    const evaluatedAt = evaluated?.ms ?? dayAfter(period);
    return m.result([
      {
        type: 'evaluation',
        record: { id: `SG-${period}-${grid.code}`, grid_id: grid.id, period, safe, broken, evaluated_at: toShanghaiSeconds(evaluatedAt) },
      },
    ]);
  },
};
