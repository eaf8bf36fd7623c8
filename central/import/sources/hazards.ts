/**
 * 安全隐患排查台账: one hazard a row → an Event of kind 'hazard' (see ledger-case.ts for ids, closing and
 * deadlines). The task: 消防安全检查 for fire hazards, 道路交通安全劝导 for traffic, 安全隐患排查 for the rest.
 * 整改措施 is read (so it is not reported as an unused column) but the contract has no place for it.
 */
import type { TableTemplate, TabularSource } from '../types';
import { ledgerFields, mapLedgerCase, type LedgerCaseConfig } from './ledger-case';

export const HAZARD_TYPES = ['消防', '交通', '燃气', '建筑', '其他'] as const;

const TASK_BY_TYPE: Record<string, [string, string]> = {
  消防: ['消防安全检查', 'PA03'],
  交通: ['道路交通安全劝导', 'PA07'],
};

export const HAZARDS_TEMPLATE: TableTemplate = {
  source: 'hazards',
  title: '安全隐患排查台账',
  sheet: '安全隐患台账',
  fields: ledgerFields({
    number: ['隐患编号', '台账编号'],
    reported: ['发现时间', ['排查时间', '检查时间', '登记时间', '发生时间']],
    type: {
      key: 'type',
      header: '隐患类型',
      synonyms: ['类型', '隐患类别'],
      type: 'enum',
      options: HAZARD_TYPES,
      optionSynonyms: {
        消防安全: '消防',
        消防隐患: '消防',
        火灾隐患: '消防',
        交通安全: '交通',
        道路交通: '交通',
        交通隐患: '交通',
        燃气安全: '燃气',
        燃气隐患: '燃气',
        天然气: '燃气',
        建筑安全: '建筑',
        房屋建筑: '建筑',
        房屋安全: '建筑',
        建筑施工: '建筑',
        危房: '建筑',
        其它: '其他',
      },
      example: '消防',
      note: '不填按“其他”',
    },
    text: {
      key: 'text',
      header: '隐患描述',
      synonyms: ['隐患情况', '隐患内容', '存在问题', '隐患具体情况'],
      type: 'text',
      required: true,
      example: '翠屏路农贸市场二楼疏散通道堆放杂物，安全出口指示灯损坏',
    },
    status: {
      key: 'status',
      header: '整改情况',
      synonyms: ['整改结果', '整改状态', '处置情况'],
      type: 'enum',
      options: ['已整改', '整改中', '未整改'],
      optionSynonyms: {
        整改完成: '已整改',
        已完成整改: '已整改',
        已完成: '已整改',
        已销号: '已整改',
        已处置: '已整改',
        正在整改: '整改中',
        限期整改: '整改中',
        处置中: '整改中',
        无法整改: '未整改',
        未完成整改: '未整改',
      },
      example: '已整改',
      note: '未整改且填了整改时间：按办结未整改计',
    },
    closed: ['整改时间', ['整改完成时间', '销号时间', '整改日期', '办结时间']],
    unit: ['责任单位', ['整改责任单位', '承办单位', '责任部门']],
    deadline: ['整改期限', ['整改时限', '办结时限']],
    levelSynonyms: ['隐患等级'],
    example: { number: 'YH-2023-0031', reported: '2023-04-11 10:15', closed: '2023-04-14 17:30', unit: '消防救援大队', deadline: '2023-04-18', level: '一般' },
    extra: [
      {
        key: 'measures',
        header: '整改措施',
        synonyms: ['处置措施', '整改要求'],
        type: 'text',
        example: '清理堆放杂物，更换安全出口指示灯',
      },
    ],
  }),
};

const CONFIG: LedgerCaseConfig = {
  kind: 'hazard',
  prefix: 'hazards',
  words: { reported: '发现时间', closed: '整改时间', status: '整改情况' },
  resolved: ['已整改'],
  unresolved: ['未整改'],
  open: ['整改中'],
  defaultType: '其他',
  taskOf: (type) => TASK_BY_TYPE[type] ?? ['安全隐患排查', 'PA01'],
};

export const hazards: TabularSource = {
  name: 'hazards',
  template: HAZARDS_TEMPLATE,
  sourceName: 'excel:安全隐患台账',
  map: (row, ctx) => mapLedgerCase(row, ctx, HAZARDS_TEMPLATE, CONFIG),
};
