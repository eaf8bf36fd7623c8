/**
 * A row of a case ledger kept by the grids (矛盾纠纷排查化解台账, 安全隐患排查台账) as an Event.
 *
 * Ids, stable across re-imports: `${prefix}:${编号}` when the row has a number; else `${prefix}:` + sha1 (base 36)
 * of the fields that say which case it is — grid, 发现时间, 类型, 简要情况/隐患描述 — and not of those that change
 * as the case goes on (化解/整改情况 and 时间, 责任单位, 等级, 期限), so importing the ledger again after those are
 * filled in updates the same record. Changing an identifying field makes it another case (the old one stays until
 * the import's clean-up removes what the source no longer has).
 *
 * Closing: the row is closed at its 化解/整改时间; 化解/整改情况 says whether the problem was solved (未化解/未整改
 * with a time: closed unresolved). "化解中/整改中" with a time is a contradiction: a warning, and the case stays open.
 * "已化解/已整改" without a time: a warning, open (no time is made up). Deadline: the row's 期限 (end of that day)
 * when given, else 15 days after it was found (the district's usual 15-day limit for grid cases).
 */
import { DAY_MS, toShanghaiSeconds } from '../../../shared/time';
import type { ParsedRow, MapContext, MappedRow, TableTemplate, FieldSpec } from '../types';
import { findDepartment, findGrid, hashId, ownId, RowMapper, taskCode, unitsOf } from './common';
import { checkNotInFuture, closingTime, eventRecord, LEVEL_SEVERITY, locationIn, pointOf, reporterOf, titleOf } from './cases';
import { displayTime } from './time';

export const LEDGER_DEADLINE_DAYS = 15;

export interface LedgerCaseConfig {
  kind: 'dispute' | 'hazard';
  /** The id prefix (the source's name). */
  prefix: string;
  /** The ledger's words for the times and the status, for messages. */
  words: { reported: string; closed: string; status: string };
  /** 化解/整改情况 labels by what they mean. */
  resolved: readonly string[];
  unresolved: readonly string[];
  open: readonly string[];
  /** 类型 when the cell is empty. */
  defaultType: string;
  /** The task a type of case is: [task name in the organisation, code when the organisation is absent]. */
  taskOf(type: string): [name: string, fallback: string];
}

/** The fields every case ledger has (key, header, synonyms…); each ledger adds its own type, text and status. */
export function ledgerFields(c: {
  number: string[];
  reported: [string, string[]];
  type: FieldSpec;
  text: FieldSpec;
  status: FieldSpec;
  closed: [string, string[]];
  unit: [string, string[]];
  deadline: [string, string[]];
  levelSynonyms: string[];
  example: { number: string; reported: string; closed: string; unit: string; deadline: string; level: string };
  extra?: FieldSpec[];
}): FieldSpec[] {
  return [
    { key: 'number', header: '编号', synonyms: c.number, type: 'text', example: c.example.number, note: '台账编号；有编号时重新导入按编号更新' },
    {
      key: 'found_at',
      header: c.reported[0],
      synonyms: c.reported[1],
      type: 'datetime',
      required: true,
      example: c.example.reported,
      note: '日期时间，如 2023-03-05 09:30',
    },
    {
      key: 'grid',
      header: '网格',
      synonyms: ['所属网格', '网格名称', '网格编码'],
      type: 'text',
      required: true,
      example: '翠屏路社区第3网格',
      note: '网格名称或网格编码',
    },
    c.type,
    c.text,
    c.status,
    { key: 'closed_at', header: c.closed[0], synonyms: c.closed[1], type: 'datetime', example: c.example.closed, note: '办结后填写；不早于发现时间' },
    { key: 'unit', header: c.unit[0], synonyms: c.unit[1], type: 'text', example: c.example.unit, note: '多个单位用顿号分隔（视为联动处置）' },
    {
      key: 'level',
      header: '等级',
      synonyms: [...c.levelSynonyms, '风险等级', '级别'],
      type: 'enum',
      options: Object.keys(LEVEL_SEVERITY),
      optionSynonyms: { 一般隐患: '一般', 较大隐患: '较大', 重大隐患: '重大', 轻微: '一般', 普通: '一般' },
      example: c.example.level,
    },
    {
      key: 'deadline',
      header: c.deadline[0],
      synonyms: c.deadline[1],
      type: 'date',
      example: c.example.deadline,
      note: `不填按发现后${LEDGER_DEADLINE_DAYS}天`,
    },
    { key: 'joint', header: '联动处置', synonyms: ['是否联动', '多部门联动', '是否联动处置'], type: 'boolean', example: '否', note: '是/否' },
    { key: 'lon', header: '经度', synonyms: ['东经', 'lon', 'lng', 'longitude'], type: 'number', example: '', note: '可不填；不填按网格中心' },
    { key: 'lat', header: '纬度', synonyms: ['北纬', 'lat', 'latitude'], type: 'number', example: '', note: '可不填' },
    ...(c.extra ?? []),
  ];
}

export function mapLedgerCase(row: ParsedRow, ctx: MapContext, template: TableTemplate, config: LedgerCaseConfig): MappedRow {
  const m = new RowMapper(row, template, ctx);
  const { words } = config;
  const found = m.time('found_at');
  m.require('found_at', found !== null, `${words.reported}（如 2023-03-05 09:30）`);
  const grid = findGrid(m, 'grid');
  const text = m.text('text');
  m.require('text', text !== null);
  if (!found || !grid || !text) return m.result([]);
  const reported = found.ms;
  checkNotInFuture(m, 'found_at', reported, words.reported);

  const type = m.text('type') ?? config.defaultType;
  const status = m.text('status');
  const meaning =
    status === null
      ? null
      : config.resolved.includes(status)
        ? 'resolved'
        : config.unresolved.includes(status)
          ? 'unresolved'
          : config.open.includes(status)
            ? 'open'
            : null;
  let closed = closingTime(m, 'closed_at', reported, words);
  if (closed !== null && meaning === 'open') {
    m.warning('status', `${words.status}为“${status}”，却填了${words.closed}：按未办结导入，${words.closed}未使用；办结了请改${words.status}。`);
    closed = null;
  } else if (closed === null && meaning === 'resolved' && !m.failed && !m.unreadable('closed_at')) {
    m.warning('closed_at', `${words.status}为“${status}”，但没有${words.closed}：按未办结导入，请补填${words.closed}。`);
  }

  const units = unitsOf(m.text('unit'));
  const department = ctx.organisation ? (units.map((u) => findDepartment(ctx.organisation!.departments, u)).find((d) => d) ?? null) : null;
  const parties = m.list('parties');
  const phone = m.text('phone');

  let deadline = reported + LEDGER_DEADLINE_DAYS * DAY_MS;
  const limit = m.time('deadline', true);
  if (limit && limit.ms < reported) {
    m.warning('deadline', `${m.header('deadline')}早于${words.reported}（${displayTime(reported)}）：期限按发现后${LEDGER_DEADLINE_DAYS}天计，请核对。`);
  } else if (limit) deadline = limit.ms;

  const number = m.text('number');
  const id = number ? ownId(config.prefix, number) : hashId(config.prefix, [grid.id, toShanghaiSeconds(reported), type, text]);
  const [taskName, fallback] = config.taskOf(type);
  const record = eventRecord({
    id,
    kind: config.kind,
    taskCode: taskCode(ctx, taskName, fallback),
    severity: LEVEL_SEVERITY[m.text('level') ?? ''] ?? 'low',
    source: 'grid_worker',
    grid,
    location: locationIn(m, grid, pointOf(m)),
    title: titleOf(text, parties, phone ? [phone] : []),
    reported,
    closed,
    outcome: meaning === 'unresolved' ? 'unresolved' : 'resolved',
    dispatched: units.length > 0,
    departmentId: department?.id ?? null,
    joint: m.boolean('joint') === true || units.length > 1,
    deadline,
    satisfaction: null,
    reporter: reporterOf(parties, phone),
  });
  return m.result([record]);
}
