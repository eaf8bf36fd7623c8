/**
 * The XLSX appendix (附件) of the 通报: the tables behind it, one sheet each — streets, communities, departments,
 * overdue cases, grids, safe-grid risks, repeated appeals and the 12-period trend — plus a cover sheet saying what
 * the figures mean. Counts are numbers, rates are numbers formatted as percentages, header rows are frozen and
 * filterable, columns sized for their content. Reporters are masked; the watermark (operator, time) is in every
 * sheet's printed header. A street's or community's appendix ranks what its 通报 ranks (a street's communities, a
 * community's grids) and lists only its own grids and cases.
 */
import ExcelJS from 'exceljs';
import type { Briefing, CaseRow, RankRow } from '../../shared/bridge/briefing';
import type { GridRow } from './briefing';
import type { SafeCriterion } from '../../shared/api/schemas';
import { label } from '../../shared/vocabulary';
import { periodLabel, zhDate } from './format';
import { rankedLevels } from './figures';
import { DAY_MS, SHANGHAI_OFFSET_MS, shanghaiDay } from '../../shared/time';

export interface XlsxInput {
  briefing: Briefing;
  grids: GridRow[];
  overdue: CaseRow[];
  /** A street's or community's place (广安区 › 中桥街道); null for the district's appendix. */
  scope?: string | null;
  title: string;
  issuer: string;
  operator: string;
  watermark: string | null;
  generatedAt: string;
}

type Kind = 'text' | 'int' | 'rate' | 'change' | 'time';
interface Col<T> {
  header: string;
  width: number;
  kind: Kind;
  value: (row: T) => string | number | null;
}

const FORMAT: Record<Kind, string | undefined> = { text: '@', int: '0', rate: '0.0%', change: '+0.0%;-0.0%;0.0%', time: 'yyyy-mm-dd hh:mm' };

/** A grid's title: titled (at risk or not) in the vocabulary's words; lost and none are the appendix's own. */
const TITLE_ZH: Record<GridRow['title'], string> = {
  safe: label('gridStatus', 'safe'),
  at_risk: label('gridStatus', 'at_risk'),
  lost: '上季度失去称号',
  none: '未获称号',
};

/** "火灾事故、电信诈骗" */
function criteriaText(criteria: readonly SafeCriterion[]): string {
  return criteria.map((c) => label('criterion', c)).join('、');
}

/** An ISO time with offset as the Excel serial of its Shanghai wall-clock time. */
function excelTime(iso: string | null): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso) + SHANGHAI_OFFSET_MS;
  return ms / DAY_MS + 25569;
}

function addSheet<T>(wb: ExcelJS.Workbook, name: string, cols: Col<T>[], rows: T[], input: XlsxInput) {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0, activeCell: 'A2' }],
    pageSetup: { paperSize: 9, orientation: cols.length > 8 ? 'landscape' : 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
    headerFooter: {
      oddHeader: `&L&"黑体"${input.title}&R${input.watermark ? `&K808080${input.watermark}` : ''}${input.briefing.demo ? ' 演示数据' : ''}`,
      oddFooter: '&C第 &P 页，共 &N 页',
    },
  });
  ws.columns = cols.map((c, i) => ({ key: `c${i}`, width: c.width, style: FORMAT[c.kind] ? { numFmt: FORMAT[c.kind]! } : {} }));
  const header = ws.getRow(1);
  cols.forEach((c, i) => (header.getCell(i + 1).value = c.header));
  header.font = { name: '黑体', bold: true, size: 11 };
  header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  header.height = 30;
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7EEF7' } };
    cell.border = { bottom: { style: 'thin' }, top: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
    cell.numFmt = '@';
  });
  for (const row of rows) {
    const values = cols.map((c) => {
      const v = c.value(row);
      return v === null || v === undefined ? null : v;
    });
    const r = ws.addRow(values);
    r.font = { name: '宋体', size: 11 };
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
  return ws;
}

function rankCols(level: 'street' | 'community' | 'grid' | 'department'): Col<RankRow>[] {
  const name: Col<RankRow>[] =
    level === 'department'
      ? [
          { header: '部门', width: 34, kind: 'text', value: (r) => r.fullName ?? r.name },
          { header: '简称', width: 14, kind: 'text', value: (r) => r.name },
        ]
      : level === 'community'
        ? [
            { header: '社区', width: 18, kind: 'text', value: (r) => r.name },
            { header: '所属街道', width: 12, kind: 'text', value: (r) => r.parentName },
          ]
        : level === 'grid'
          ? [
              { header: '网格', width: 22, kind: 'text', value: (r) => r.name },
              { header: '所属社区', width: 14, kind: 'text', value: (r) => r.parentName },
            ]
          : [{ header: '街道', width: 14, kind: 'text', value: (r) => r.name }];
  const cols: Col<RankRow>[] = [
    { header: '受理量排名', width: 8, kind: 'int', value: (r) => r.rank },
    ...name,
    { header: '受理（件）', width: 10, kind: 'int', value: (r) => r.events },
    { header: '上期受理（件）', width: 11, kind: 'int', value: (r) => r.previousEvents },
    { header: '环比', width: 9, kind: 'change', value: (r) => r.wow },
    { header: '办结（件）', width: 10, kind: 'int', value: (r) => r.closed },
    { header: '未办结（件）', width: 10, kind: 'int', value: (r) => r.open },
    { header: '按期办结率', width: 10, kind: 'rate', value: (r) => r.onTimeRate },
    { header: '已评价（件）', width: 10, kind: 'int', value: (r) => r.rated },
    { header: '群众满意率', width: 10, kind: 'rate', value: (r) => r.satisfaction },
  ];
  if (level !== 'department') {
    cols.push(
      { header: '矛盾纠纷（件）', width: 10, kind: 'int', value: (r) => r.disputesFound },
      { header: '已化解（件）', width: 10, kind: 'int', value: (r) => r.disputesResolved },
      { header: '化解率', width: 9, kind: 'rate', value: (r) => r.disputeResolutionRate },
    );
  }
  cols.push({ header: '超期未办结（件）', width: 11, kind: 'int', value: (r) => r.overdue });
  if (level !== 'department') {
    cols.push(
      { header: '平安网格（个）', width: 10, kind: 'int', value: (r) => r.safeGrids },
      { header: '网格（个）', width: 9, kind: 'int', value: (r) => r.grids },
    );
  }
  return cols;
}

function caseCols(asOf: number): Col<CaseRow>[] {
  return [
    { header: '编号', width: 12, kind: 'text', value: (c) => c.id },
    { header: '类别', width: 10, kind: 'text', value: (c) => label('kind', c.kind) },
    { header: '事项', width: 30, kind: 'text', value: (c) => c.title },
    { header: '街道', width: 12, kind: 'text', value: (c) => c.streetName },
    { header: '社区', width: 14, kind: 'text', value: (c) => c.communityName },
    { header: '网格', width: 18, kind: 'text', value: (c) => c.gridName },
    { header: '承办部门', width: 14, kind: 'text', value: (c) => c.department },
    { header: '上报时间', width: 17, kind: 'time', value: (c) => excelTime(c.reportedAt) },
    { header: '办理时限', width: 17, kind: 'time', value: (c) => excelTime(c.deadline) },
    { header: '超期（天）', width: 9, kind: 'int', value: (c) => Math.max(0, Math.floor((asOf - Date.parse(c.deadline)) / DAY_MS)) },
    { header: '当前环节', width: 10, kind: 'text', value: (c) => label('stage', c.stage) },
    { header: '反映人（已脱敏）', width: 18, kind: 'text', value: (c) => c.reporter },
  ];
}

export async function renderXlsx(input: XlsxInput): Promise<Buffer> {
  const b = input.briefing;
  const wb = new ExcelJS.Workbook();
  wb.creator = input.issuer;
  wb.lastModifiedBy = input.operator;
  wb.title = input.title;
  wb.subject = `${periodLabel(b.period)}网格化服务管理数据明细`;
  wb.created = new Date(Date.parse(input.generatedAt));
  wb.modified = wb.created;
  wb.calcProperties.fullCalcOnLoad = false;

  const asOf = Date.parse(b.asOf);
  const cover = wb.addWorksheet('说明', { views: [{ state: 'frozen', ySplit: 1 }] });
  cover.columns = [
    { key: 'k', width: 22 },
    { key: 'v', width: 90 },
  ];
  const coverRows: [string, string | number][] = [
    ['项目', '内容'],
    ['名称', input.title],
    ...(input.scope ? [['统计范围', input.scope] as [string, string]] : []),
    ['统计期间', `${periodLabel(b.period)}（${b.period.from}—${b.period.to}）`],
    ['超期统计截至', `${zhDate(shanghaiDay(asOf - 1))}24时`],
    ['生成时间', b.generatedAt],
    ['导出人', input.operator],
    ['水印', input.watermark ?? '无'],
    ['数据', b.demo ? '演示数据（非正式数据）' : '中心接口同步数据'],
    ['按期办结率', '按期办结件数 ÷ 办结件数（按受理日期统计）'],
    ['群众满意率', '（满意 + 基本满意）÷ 已评价件数（12345 群众诉求）'],
    ['矛盾纠纷化解率', '化解件数 ÷ 排查发现件数'],
    ['超期未办结', '统计截止时仍未办结且已超过办理时限的件数（不限受理日期）'],
    ['个人信息', '反映人姓名、电话已脱敏'],
  ];
  for (const r of coverRows) cover.addRow(r);
  cover.getRow(1).font = { name: '黑体', bold: true };
  cover.getColumn(2).alignment = { wrapText: true, vertical: 'top' };

  // The district's: 街道, 社区; a street's: 社区; a community's: 网格排名 (网格 below lists every grid's state).
  const RANK_SHEET = { street: '街道', community: '社区', grid: '网格排名' } as const;
  for (const [level, rows] of rankedLevels(b)) addSheet(wb, RANK_SHEET[level], rankCols(level), rows, input);
  addSheet(wb, '部门', rankCols('department'), b.rankings.departments, input);
  addSheet(wb, '超期案件', caseCols(asOf), input.overdue, input);
  addSheet<GridRow>(
    wb,
    '网格',
    [
      { header: '街道', width: 12, kind: 'text', value: (g) => g.streetName },
      { header: '社区', width: 14, kind: 'text', value: (g) => g.communityName },
      { header: '网格', width: 20, kind: 'text', value: (g) => g.gridName },
      { header: '受理（件）', width: 10, kind: 'int', value: (g) => g.events },
      { header: '未办结（件）', width: 10, kind: 'int', value: (g) => g.open },
      { header: '重大事件（件）', width: 10, kind: 'int', value: (g) => g.critical },
      { header: '平安网格状态', width: 22, kind: 'text', value: (g) => TITLE_ZH[g.title] },
      { header: '本季度涉及情形', width: 24, kind: 'text', value: (g) => criteriaText(g.criteria) },
    ],
    input.grids,
    input,
  );
  addSheet(
    wb,
    '平安网格风险',
    [
      { header: '街道', width: 12, kind: 'text', value: (r: Briefing['exceptions']['safeGrids'][number]) => r.streetName },
      { header: '社区', width: 14, kind: 'text', value: (r) => r.communityName },
      { header: '网格', width: 20, kind: 'text', value: (r) => r.gridName },
      { header: '状态', width: 16, kind: 'text', value: (r) => (r.status === 'at_risk' ? '面临失去称号风险' : '上季度失去称号') },
      { header: '评定期', width: 10, kind: 'text', value: (r) => r.period },
      { header: '涉及情形', width: 24, kind: 'text', value: (r) => criteriaText(r.criteria) },
      { header: '首次发生日期', width: 13, kind: 'int', value: (r) => r.firstBrokenDay },
      { header: '本期新增', width: 9, kind: 'text', value: (r) => (r.newInPeriod ? '是' : '否') },
    ],
    b.exceptions.safeGrids,
    input,
  );
  addSheet(
    wb,
    '重复诉求',
    [
      { header: '街道', width: 12, kind: 'text', value: (r: Briefing['exceptions']['repeats'][number]) => r.streetName },
      { header: '社区', width: 14, kind: 'text', value: (r) => r.communityName },
      { header: '网格', width: 20, kind: 'text', value: (r) => r.gridName },
      { header: '重复诉求（件）', width: 12, kind: 'int', value: (r) => r.count },
      { header: '主要事项', width: 26, kind: 'text', value: (r) => r.title },
      { header: '承办部门', width: 24, kind: 'text', value: (r) => r.departments.join('、') },
    ],
    b.exceptions.repeats,
    input,
  );
  addSheet(
    wb,
    '趋势',
    [
      { header: '期间', width: 22, kind: 'text', value: (t: Briefing['trend']['periods'][number]) => t.key },
      { header: '起', width: 11, kind: 'int', value: (t) => t.from },
      { header: '止', width: 11, kind: 'int', value: (t) => t.to },
      { header: '受理（件）', width: 10, kind: 'int', value: (t) => t.events },
      { header: '群众诉求（件）', width: 12, kind: 'int', value: (t) => t.appeals },
      { header: '办结（件）', width: 10, kind: 'int', value: (t) => t.closed },
      { header: '按期办结率', width: 10, kind: 'rate', value: (t) => t.onTimeRate },
      { header: '群众满意率', width: 10, kind: 'rate', value: (t) => t.satisfaction },
      { header: '纠纷化解率', width: 10, kind: 'rate', value: (t) => t.disputeResolutionRate },
    ],
    b.trend.periods,
    input,
  );
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
