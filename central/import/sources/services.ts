/**
 * 为民服务台账: one activity a row → a ServiceActivity.
 *
 * Id: `services:${编号}` when the row has a number, else `services:` + sha1 (base 36) of grid, 类型, 名称 and 日期
 * (what says which activity it is), so correcting 服务人数 or 志愿者人数 and importing again updates it.
 * An empty 服务人数/志愿者人数 counts 0, with a warning (the wall's totals would be short).
 */
import type { ServiceActivity } from '../../../shared/api/schemas';
import type { TableTemplate, TabularSource } from '../types';
import { findGrid, hashId, ownId, RowMapper } from './common';
import { instantOf } from './time';
import { idsByZhLabel } from '../../../shared/vocabulary';

/** 类型 as the vocabulary names it (公益项目, 志愿服务, 微心愿, 需求对接); other wordings are synonyms below. */
const TYPES: Record<string, ServiceActivity['type']> = idsByZhLabel('serviceType');

export const SERVICES_TEMPLATE: TableTemplate = {
  source: 'services',
  title: '为民服务台账',
  sheet: '为民服务',
  fields: [
    { key: 'number', header: '编号', synonyms: ['活动编号', '台账编号'], type: 'text', example: 'FW-2023-0105', note: '有编号时重新导入按编号更新' },
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
      key: 'type',
      header: '类型',
      synonyms: ['服务类型', '活动类型'],
      type: 'enum',
      required: true,
      options: Object.keys(TYPES),
      optionSynonyms: {
        公益服务项目: '公益项目',
        公益服务: '公益项目',
        项目: '公益项目',
        志愿服务活动: '志愿服务',
        志愿活动: '志愿服务',
        心愿: '微心愿',
        微心愿认领: '微心愿',
        微心愿圆梦: '微心愿',
        需求对接服务: '需求对接',
        服务需求对接: '需求对接',
        供需对接: '需求对接',
      },
      example: '志愿服务',
    },
    {
      key: 'title',
      header: '名称',
      synonyms: ['活动名称', '项目名称', '服务内容', '服务名称', '心愿内容'],
      type: 'text',
      required: true,
      example: '翠屏路社区“邻里守望”助老志愿服务',
    },
    {
      key: 'date',
      header: '日期',
      synonyms: ['服务日期', '活动日期', '服务时间', '活动时间'],
      type: 'date',
      required: true,
      example: '2023-05-20',
      note: '如 2023-05-20',
    },
    { key: 'people', header: '服务人数', synonyms: ['服务对象人数', '受益人数', '服务群众人数'], type: 'integer', example: 36 },
    { key: 'volunteers', header: '志愿者人数', synonyms: ['参与志愿者', '志愿者', '参与志愿者人数'], type: 'integer', example: 12 },
  ],
};

/** A head count: a whole number, not negative; empty counts 0 with a warning. */
function count(m: RowMapper, key: string): number {
  const n = m.number(key);
  if (n === null) {
    if (!m.unreadable(key)) m.warning(key, `“${m.header(key)}”为空，按 0 计：请补填人数。`);
    return 0;
  }
  if (!Number.isInteger(n) || n < 0) {
    m.error(key, `“${m.header(key)}”应为不小于 0 的整数，这里是 ${n}：请改正。`);
    return 0;
  }
  return n;
}

export const services: TabularSource = {
  name: 'services',
  template: SERVICES_TEMPLATE,
  sourceName: 'excel:为民服务台账',
  map(row, ctx) {
    const m = new RowMapper(row, SERVICES_TEMPLATE, ctx);
    const grid = findGrid(m, 'grid');
    const label = m.text('type');
    const type = label ? TYPES[label] : undefined;
    if (m.require('type', label !== null, Object.keys(TYPES).join('、')) && !type)
      m.error('type', `类型“${label}”不是${Object.keys(TYPES).join('、')}之一：请从下拉选项中选。`);
    const title = m.text('title');
    m.require('title', title !== null, '活动或项目名称');
    const day = m.text('date');
    const date = day && instantOf(day.slice(0, 10)) !== null ? day.slice(0, 10) : null;
    m.require('date', date !== null, '日期（如 2023-05-20）');
    const people = count(m, 'people');
    const volunteers = count(m, 'volunteers');
    if (!grid || !type || !title || !date || m.failed) return m.result([]);
    const number = m.text('number');
    const id = number ? ownId('services', number) : hashId('services', [grid.id, type, title, date]);
    return m.result([{ type: 'service', record: { id, grid_id: grid.id, type, title, date, people_reached: people, volunteers } }]);
  },
};
