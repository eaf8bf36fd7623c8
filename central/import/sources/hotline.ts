/**
 * 12345 工单 (an export of the hotline platform): one work order a row → an Event, source 'hotline_12345'.
 *
 * Id: `hotline:${工单编号}` (the platform's number is stable; a too long one is replaced by its digest).
 * Kind, by 诉求类型: 纠纷/矛盾 → dispute; 隐患/消防 → hazard; 治安 → incident; 安全 → hazard; else appeal. A GB/T 39666
 * style code in front of the type ("0501 城乡建设-噪音扰民") is dropped for this (the code table is not bundled:
 * a type that is only a code is an appeal). The type's text is kept in the title: 【type】诉求内容, ≤200 characters.
 * Grid: the 网格 column (name or code); else the point (经度/纬度, in the region tree's datum); else a grid named in
 * 地址 ("…翠屏路社区第3网格…"). Department: 承办单位 matched to the organisation's departments by name or short name
 * (unknown → none, with a warning naming it); several units make the case joint.
 * Deadline: 办理时限 when given; else 15 days after 受理时间, moved for a closed order so that it agrees with 是否按期
 * (按期: not before the close; 超期: just before it). Satisfaction only for closed appeals (the contract's rule).
 * 诉求人 and 联系电话 are personal: they go into `reporter` only, and are taken out of the title.
 */
import type { EventKind, Satisfaction, Severity } from '../../../shared/api/schemas';
import type { Region } from '../../../shared/api/schemas';
import { DAY_MS } from '../../../shared/time';
import type { RegionIndex, TableTemplate, TabularSource } from '../types';
import { findDepartment, findGrid, ownId, RowMapper, taskCode, unitsOf } from './common';
import { checkNotInFuture, closingTime, eventRecord, locationIn, pointOf, reporterOf, titleOf, type LonLat } from './cases';
import { displayTime } from './time';
import { idsByZhLabel } from '../../../shared/vocabulary';

export const HOTLINE_DEADLINE_DAYS = 15;

/** 满意度 as the platform records it (the vocabulary's labels), and 未评价 for an appeal nobody rated. */
const SATISFACTION: Record<string, Satisfaction | null> = { ...idsByZhLabel('satisfaction'), 未评价: null };
const URGENCY: Record<string, Severity> = { 一般: 'low', 紧急: 'medium', 特急: 'high' };

export const HOTLINE_TEMPLATE: TableTemplate = {
  source: 'hotline',
  title: '12345政务服务便民热线工单',
  sheet: '工单',
  fields: [
    { key: 'number', header: '工单编号', synonyms: ['工单号', '编号', '工单编码', '受理编号'], type: 'text', required: true, example: 'GD20230305000123' },
    {
      key: 'received_at',
      header: '受理时间',
      synonyms: ['来电时间', '登记时间', '创建时间', '诉求时间'],
      type: 'datetime',
      required: true,
      example: '2023-03-05 09:12',
      note: '日期时间，如 2023-03-05 09:12',
    },
    {
      key: 'content',
      header: '诉求内容',
      synonyms: ['问题描述', '来电内容', '诉求描述', '工单内容', '反映内容'],
      type: 'text',
      required: true,
      example: '翠屏路某小区旁工地夜间施工噪音扰民，希望相关部门处理',
      note: '超过200字的部分不导入',
    },
    {
      key: 'category',
      header: '诉求类型',
      synonyms: ['诉求分类', '问题分类', '事项分类', '工单类型', '诉求类别'],
      type: 'text',
      example: '城乡建设-噪音扰民',
      note: '可带分类代码，如 0501 噪音扰民',
    },
    {
      key: 'address',
      header: '地址',
      synonyms: ['事发地址', '诉求地址', '发生地点', '事发地点', '地点'],
      type: 'text',
      example: '浓洄街道翠屏路社区第3网格翠屏路12号',
    },
    {
      key: 'grid',
      header: '网格',
      synonyms: ['所属网格', '网格名称', '网格编码'],
      type: 'text',
      example: '翠屏路社区第3网格',
      note: '网格名称或编码；不填按经纬度或地址定位',
    },
    { key: 'lon', header: '经度', synonyms: ['东经', 'lon', 'lng', 'longitude'], type: 'number', example: '', note: '可不填' },
    { key: 'lat', header: '纬度', synonyms: ['北纬', 'lat', 'latitude'], type: 'number', example: '', note: '可不填' },
    {
      key: 'unit',
      header: '承办单位',
      synonyms: ['办理单位', '责任单位', '承办部门', '主办单位'],
      type: 'text',
      example: '综合执法局',
      note: '部门全称或简称；多个用顿号分隔',
    },
    {
      key: 'urgency',
      header: '紧急程度',
      synonyms: ['缓急程度', '紧急度'],
      type: 'enum',
      options: Object.keys(URGENCY),
      optionSynonyms: { 普通: '一般', 较急: '紧急', 加急: '紧急', 特别紧急: '特急' },
      example: '一般',
    },
    { key: 'joint', header: '联动处置', synonyms: ['是否联动', '多部门联动'], type: 'boolean', example: '否', note: '是/否' },
    {
      key: 'deadline',
      header: '办理时限',
      synonyms: ['截止时间', '办结时限', '办理期限'],
      type: 'datetime',
      example: '2023-03-20 18:00',
      note: `不填按受理后${HOTLINE_DEADLINE_DAYS}天`,
    },
    { key: 'closed_at', header: '办结时间', synonyms: ['办理完成时间', '结案时间', '完成时间'], type: 'datetime', example: '2023-03-07 15:40' },
    { key: 'on_time', header: '是否按期', synonyms: ['按期办结', '是否按时办结', '是否按期办结'], type: 'boolean', example: '是', note: '是/否' },
    {
      key: 'result',
      header: '办理结果',
      synonyms: ['解决情况', '是否解决'],
      type: 'enum',
      options: ['已解决', '未解决'],
      optionSynonyms: { 解决: '已解决', 已办结: '已解决', 部分解决: '未解决', 无法解决: '未解决' },
      example: '已解决',
      note: '不填按已解决',
    },
    {
      key: 'satisfaction',
      header: '满意度',
      synonyms: ['回访满意度', '评价结果', '满意度评价'],
      type: 'enum',
      options: Object.keys(SATISFACTION),
      optionSynonyms: { 非常满意: '满意', 比较满意: '基本满意', 很不满意: '不满意', 未回访: '未评价', 拒绝评价: '未评价', 无法联系: '未评价' },
      example: '满意',
    },
    {
      key: 'petitioner',
      header: '诉求人',
      synonyms: ['来电人', '联系人', '姓名', '诉求人姓名'],
      type: 'text',
      personal: true,
      example: '陈女士',
      note: '个人信息',
    },
    {
      key: 'phone',
      header: '联系电话',
      synonyms: ['电话', '手机号码', '来电号码', '联系方式'],
      type: 'text',
      personal: true,
      example: '13912345678',
      note: '个人信息',
    },
  ],
};

/** 诉求类型 split into its classification code (if any) and its words. */
export function splitCategory(text: string | null): { code: string | null; words: string | null } {
  if (!text) return { code: null, words: null };
  const m = /^(\d{2,12})(?:[\s\-—_:：.、]+(.*))?$/.exec(text.normalize('NFKC').trim());
  if (!m) return { code: null, words: text };
  return { code: m[1], words: m[2]?.trim() || null };
}

const KIND_RULES: [RegExp, EventKind][] = [
  [/纠纷|矛盾/, 'dispute'],
  [/隐患|消防/, 'hazard'],
  [/治安/, 'incident'],
  [/安全/, 'hazard'],
];

export function kindOf(words: string | null): EventKind {
  return KIND_RULES.find(([pattern]) => words && pattern.test(words))?.[1] ?? 'appeal';
}

/** The task by what the order is about: [pattern over type and content, task name, code when no organisation]. */
const TASK_RULES: Record<EventKind, [RegExp, string, string][]> = {
  dispute: [
    [/物业/, '物业纠纷协调', 'CZ05'],
    [/劳资|欠薪|工资|劳动/, '劳资纠纷协调', 'CZ06'],
    [/婚姻|家庭/, '婚姻家庭纠纷调解', 'CZ07'],
    [/邻里/, '邻里纠纷化解', 'CZ04'],
    [/./, '矛盾纠纷调处', 'CZ01'],
  ],
  hazard: [
    [/消防|火/, '消防安全检查', 'PA03'],
    [/交通|道路/, '道路交通安全劝导', 'PA07'],
    [/出租房/, '出租房屋安全检查', 'PA08'],
    [/防汛|地灾|地质|滑坡/, '防汛防地灾巡查', 'PA09'],
    [/./, '安全隐患排查', 'PA01'],
  ],
  incident: [[/./, '治安巡防开展', 'PA02']],
  appeal: [
    [/噪音|噪声|扰民/, '噪音扰民处置', 'CZ08'],
    [/占道|摊贩|摆摊/, '占道经营劝导', 'CZ09'],
    [/违章搭建|违建|乱搭/, '违章搭建劝阻', 'CZ10'],
    [/物业/, '物业纠纷协调', 'CZ05'],
    [/欠薪|劳资|工资/, '劳资纠纷协调', 'CZ06'],
    [/污染|排污|油烟|异味/, '环境污染问题上报', 'SB08'],
    [/就业|招聘|创业/, '就业创业服务', 'FW07'],
    [/社保|医保|养老保险/, '社保医保代办', 'FW08'],
    [/低保|救助|困难/, '困难群众帮扶', 'FW03'],
    [/城市管理|城管|市容|垃圾|路灯|井盖|绿化/, '城市管理问题处置', 'CZ03'],
    [/./, '民生诉求收集', 'CJ08'],
  ],
  service: [[/./, '便民代办服务', 'FW09']],
};

function taskOf(kind: EventKind, about: string): [string, string] {
  const rule = TASK_RULES[kind].find(([pattern]) => pattern.test(about)) ?? TASK_RULES[kind][TASK_RULES[kind].length - 1];
  return [rule[1], rule[2]];
}

/** A grid named in an address: the longest piece ending in 网格 that names exactly one grid. */
export function gridInAddress(regions: RegionIndex, address: string): Region | undefined {
  const text = address.normalize('NFKC');
  for (let end = text.indexOf('网格'); end >= 0; end = text.indexOf('网格', end + 1))
    for (let start = 0; start < end; start++) {
      const grid = regions.grid(text.slice(start, end + 2));
      if (grid) return grid;
    }
  return undefined;
}

/** The order's grid and point: by the 网格 column, else the coordinates, else the address. */
function placeOf(m: RowMapper): { grid: Region; point: LonLat | null } | undefined {
  const point = pointOf(m);
  if (m.text('grid') !== null) {
    const grid = findGrid(m, 'grid');
    return grid && { grid, point };
  }
  if (point) {
    const grid = m.ctx.regions.gridAt(point[0], point[1]);
    if (grid) return { grid, point };
    m.error('lon', `坐标（${point[0]}，${point[1]}）不在任何网格内：请核对经纬度（与区域树同一坐标系），或填写“网格”列。`);
    return undefined;
  }
  const address = m.text('address');
  if (address) {
    const grid = gridInAddress(m.ctx.regions, address);
    if (grid) return { grid, point: null };
    m.error('address', `无法从地址“${address}”确定网格：请填写“网格”列（网格名称或编码）或经纬度。`);
    return undefined;
  }
  m.error('grid', '没有网格、经纬度或地址，无法确定工单所在网格：请填写“网格”列（网格名称或编码）。');
  return undefined;
}

export const hotline: TabularSource = {
  name: 'hotline',
  template: HOTLINE_TEMPLATE,
  sourceName: 'excel:12345工单',
  map(row, ctx) {
    const m = new RowMapper(row, HOTLINE_TEMPLATE, ctx);
    const number = m.text('number');
    m.require('number', number !== null, '工单编号');
    const received = m.time('received_at');
    m.require('received_at', received !== null, '受理时间（如 2023-03-05 09:12）');
    const content = m.text('content');
    m.require('content', content !== null, '诉求内容');
    const place = placeOf(m);
    if (!number || !received || !content || !place) return m.result([]);
    const reported = received.ms;
    checkNotInFuture(m, 'received_at', reported, '受理时间');

    const category = splitCategory(m.text('category'));
    const kind = kindOf(category.words);
    const [taskName, fallback] = taskOf(kind, `${category.words ?? ''} ${content}`);
    const closed = closingTime(m, 'closed_at', reported, { closed: '办结时间', reported: '受理时间' });

    const units = unitsOf(m.text('unit'));
    let departmentId: string | null = null;
    if (ctx.organisation)
      for (const unit of units) {
        const department = findDepartment(ctx.organisation.departments, unit);
        if (department) departmentId ??= department.id;
        else m.warning('unit', `承办单位“${unit}”不在部门名单中：部门留空导入；如是名单中的部门，请改为其全称或简称（如“综合执法局”）。`);
      }

    const onTime = m.boolean('on_time');
    let deadline = reported + HOTLINE_DEADLINE_DAYS * DAY_MS;
    const limit = m.time('deadline', true);
    if (limit && limit.ms < reported) {
      m.warning('deadline', `办理时限早于受理时间（${displayTime(reported)}）：按受理后${HOTLINE_DEADLINE_DAYS}天计，请核对。`);
    } else if (limit) {
      deadline = limit.ms;
      if (closed !== null && onTime !== null && onTime !== closed <= deadline)
        m.warning(
          'on_time',
          `“是否按期”为“${onTime ? '是' : '否'}”，与办理时限（${displayTime(deadline)}）和办结时间（${displayTime(closed)}）不符：按办理时限计。`,
        );
    } else if (closed !== null && onTime !== null) {
      deadline = onTime ? Math.max(deadline, closed) : Math.max(reported, Math.min(deadline, closed - 1000));
    }

    const rating = m.text('satisfaction');
    const satisfaction = rating ? (SATISFACTION[rating] ?? null) : null;
    if (satisfaction && closed === null) m.warning('satisfaction', '工单尚未办结，满意度未导入：办结后再评价。');

    const petitioner = m.text('petitioner');
    const phone = m.text('phone');
    const names = petitioner ? [petitioner] : [];
    const typeText = category.words ?? category.code;
    const record = eventRecord({
      id: ownId('hotline', number),
      kind,
      taskCode: taskCode(ctx, taskName, fallback),
      severity: URGENCY[m.text('urgency') ?? '一般'] ?? 'low',
      source: 'hotline_12345',
      grid: place.grid,
      location: locationIn(m, place.grid, place.point),
      title: titleOf(typeText ? `【${typeText}】${content}` : content, names, phone ? [phone] : []),
      reported,
      closed,
      outcome: m.text('result') === '未解决' ? 'unresolved' : 'resolved',
      dispatched: units.length > 0,
      departmentId,
      joint: m.boolean('joint') === true || units.length > 1,
      deadline,
      satisfaction: kind === 'appeal' ? satisfaction : null,
      reporter: reporterOf(names, phone),
    });
    return m.result([record]);
  },
};
