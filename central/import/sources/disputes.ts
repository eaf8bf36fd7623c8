/**
 * 矛盾纠纷排查化解台账: one dispute a row → an Event of kind 'dispute' (see ledger-case.ts for ids, closing and
 * deadlines). The task is the organisation's one for the type of dispute (婚姻家庭纠纷调解, 邻里纠纷化解, …),
 * 矛盾纠纷调处 for the rest. 当事人 and 联系电话 are personal: they go into `reporter` only, and are taken out of the
 * title (简要情况) if it names them.
 */
import type { TableTemplate } from '../types';
import type { TabularSource } from '../types';
import { ledgerFields, mapLedgerCase, type LedgerCaseConfig } from './ledger-case';

export const DISPUTE_TYPES = ['婚姻家庭', '邻里纠纷', '房屋宅基地', '物业纠纷', '劳动争议', '土地承包', '损害赔偿', '合同债务', '其他'] as const;

const TASK_BY_TYPE: Record<string, [string, string]> = {
  婚姻家庭: ['婚姻家庭纠纷调解', 'CZ07'],
  邻里纠纷: ['邻里纠纷化解', 'CZ04'],
  物业纠纷: ['物业纠纷协调', 'CZ05'],
  劳动争议: ['劳资纠纷协调', 'CZ06'],
};

export const DISPUTES_TEMPLATE: TableTemplate = {
  source: 'disputes',
  title: '矛盾纠纷排查化解台账',
  sheet: '矛盾纠纷台账',
  fields: ledgerFields({
    number: ['纠纷编号', '台账编号', '案件编号'],
    reported: ['发现时间', ['发生时间', '登记时间', '排查时间', '受理时间']],
    type: {
      key: 'type',
      header: '类型',
      synonyms: ['纠纷类型', '纠纷类别'],
      type: 'enum',
      options: DISPUTE_TYPES,
      optionSynonyms: {
        婚姻家庭纠纷: '婚姻家庭',
        家庭纠纷: '婚姻家庭',
        婚姻纠纷: '婚姻家庭',
        邻里: '邻里纠纷',
        邻里矛盾: '邻里纠纷',
        宅基地纠纷: '房屋宅基地',
        房屋纠纷: '房屋宅基地',
        房屋宅基地纠纷: '房屋宅基地',
        物业: '物业纠纷',
        物业管理纠纷: '物业纠纷',
        劳动纠纷: '劳动争议',
        劳资纠纷: '劳动争议',
        劳动争议纠纷: '劳动争议',
        土地纠纷: '土地承包',
        土地承包纠纷: '土地承包',
        损害赔偿纠纷: '损害赔偿',
        合同纠纷: '合同债务',
        债务纠纷: '合同债务',
        其它: '其他',
      },
      example: '邻里纠纷',
      note: '不填按“其他”',
    },
    text: {
      key: 'text',
      header: '简要情况',
      synonyms: ['纠纷简要情况', '基本情况', '纠纷情况', '主要事由', '纠纷事由'],
      type: 'text',
      required: true,
      example: '翠屏路12号楼302室卫生间漏水，与楼下住户因维修费用分担发生争执',
      note: '不要写当事人姓名和电话（填在“当事人”“联系电话”列）',
    },
    status: {
      key: 'status',
      header: '化解情况',
      synonyms: ['化解结果', '调处结果', '调解结果', '办理情况'],
      type: 'enum',
      options: ['已化解', '化解中', '未化解'],
      optionSynonyms: {
        化解成功: '已化解',
        调解成功: '已化解',
        已调解: '已化解',
        已办结: '已化解',
        已调处: '已化解',
        化解: '已化解',
        调解中: '化解中',
        正在化解: '化解中',
        正在调解: '化解中',
        处理中: '化解中',
        在办: '化解中',
        化解不成功: '未化解',
        调解不成功: '未化解',
        调解失败: '未化解',
        终止调解: '未化解',
      },
      example: '已化解',
      note: '未化解且填了化解时间：按办结未化解计',
    },
    closed: ['化解时间', ['化解日期', '办结时间', '调处时间', '调解时间']],
    unit: ['责任单位', ['承办单位', '化解单位', '调处单位', '责任部门']],
    deadline: ['化解期限', ['办结时限', '办理时限', '化解时限']],
    levelSynonyms: ['纠纷等级'],
    example: { number: '2023-0012', reported: '2023-03-05 09:30', closed: '2023-03-08 16:00', unit: '区司法局', deadline: '2023-03-20', level: '一般' },
    extra: [
      {
        key: 'parties',
        header: '当事人',
        synonyms: ['当事人姓名', '双方当事人'],
        type: 'list',
        personal: true,
        example: '张明、李华',
        note: '个人信息，仅用于联系',
      },
      { key: 'phone', header: '联系电话', synonyms: ['当事人电话', '电话'], type: 'text', personal: true, example: '13812345678', note: '个人信息' },
    ],
  }),
};

const CONFIG: LedgerCaseConfig = {
  kind: 'dispute',
  prefix: 'disputes',
  words: { reported: '发现时间', closed: '化解时间', status: '化解情况' },
  resolved: ['已化解'],
  unresolved: ['未化解'],
  open: ['化解中'],
  defaultType: '其他',
  taskOf: (type) => TASK_BY_TYPE[type] ?? ['矛盾纠纷调处', 'CZ01'],
};

export const disputes: TabularSource = {
  name: 'disputes',
  template: DISPUTES_TEMPLATE,
  sourceName: 'excel:矛盾纠纷台账',
  map: (row, ctx) => mapLedgerCase(row, ctx, DISPUTES_TEMPLATE, CONFIG),
};
