/** The XLSX appendix: its sheets, headers, types (numbers are numbers, rates are % numbers), frozen rows, masking. */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportReport } from '../../core/report/export';
import { assembleBriefing } from '../../core/report/briefing';
import { DEMO_WEEK, leakedPersonalData, openDistrict } from './helpers';

const district = openDistrict();
const period = { kind: 'week' as const, week: DEMO_WEEK };
const b = assembleBriefing(district.ctx, period);
const wb = new ExcelJS.Workbook();
let raw = '';

beforeAll(async () => {
  const result = await exportReport(district.service, { period, format: 'xlsx', operator: '测试员', watermark: { enabled: true } }, district.ctx.now);
  expect(result.fileName).toBe(`网格化服务管理工作通报-${DEMO_WEEK}-附件.xlsx`);
  expect(result.mime).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  await wb.xlsx.load(result.data as unknown as ArrayBuffer);
  const zip = await JSZip.loadAsync(result.data);
  for (const f of Object.keys(zip.files)) if (f.endsWith('.xml')) raw += await zip.file(f)!.async('string');
});

const headers = (name: string) => (wb.getWorksheet(name)!.getRow(1).values as unknown[]).slice(1);
const column = (name: string, header: string) => {
  const ws = wb.getWorksheet(name)!;
  const i = headers(name).indexOf(header) + 1;
  expect(i, `${name}: ${header}`).toBeGreaterThan(0);
  return ws.getColumn(i);
};

describe('XLSX appendix', () => {
  it('has the sheets', () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(['说明', '街道', '社区', '部门', '超期案件', '网格', '平安网格风险', '重复诉求', '趋势']);
  });

  it('has headers, frozen header rows and sensible column widths', () => {
    expect(headers('街道')).toEqual([
      '受理量排名',
      '街道',
      '受理（件）',
      '上期受理（件）',
      '环比',
      '办结（件）',
      '未办结（件）',
      '按期办结率',
      '已评价（件）',
      '群众满意率',
      '矛盾纠纷（件）',
      '已化解（件）',
      '化解率',
      '超期未办结（件）',
      '平安网格（个）',
      '网格（个）',
    ]);
    expect(headers('部门').slice(0, 3)).toEqual(['受理量排名', '部门', '简称']);
    expect(headers('超期案件')).toContain('反映人（已脱敏）');
    for (const ws of wb.worksheets) {
      expect(ws.views[0], ws.name).toMatchObject({ state: 'frozen', ySplit: 1 });
      for (const col of ws.columns) expect(col.width ?? 0, `${ws.name} ${col.letter}`).toBeGreaterThanOrEqual(8);
    }
    expect(wb.getWorksheet('社区')!.getColumn(2).width).toBeGreaterThanOrEqual(14);
  });

  it('keeps numbers as numbers and rates as numbers formatted as percentages', () => {
    const ws = wb.getWorksheet('街道')!;
    expect(ws.rowCount).toBe(1 + b.rankings.streets.length);
    for (let r = 2; r <= ws.rowCount; r++) {
      const events = ws.getRow(r).getCell(3);
      expect(events.type).toBe(ExcelJS.ValueType.Number);
      const street = b.rankings.streets.find((s) => s.name === ws.getRow(r).getCell(2).value)!;
      expect(events.value).toBe(street.events);
    }
    const rate = column('街道', '按期办结率');
    rate.eachCell({ includeEmpty: false }, (cell, row) => {
      if (row === 1) return;
      expect(cell.type).toBe(ExcelJS.ValueType.Number);
      expect(cell.value as number).toBeGreaterThanOrEqual(0);
      expect(cell.value as number).toBeLessThanOrEqual(1);
      expect(cell.numFmt).toBe('0.0%');
    });
    expect(column('街道', '环比').numFmt).toContain('%');
    const reported = column('超期案件', '上报时间');
    expect(reported.numFmt).toBe('yyyy-mm-dd hh:mm');
    // Stored as a serial number with a date format: Excel (and exceljs) read it back as a date.
    expect(wb.getWorksheet('超期案件')!.getRow(2).getCell(8).type).toBe(ExcelJS.ValueType.Date);
  });

  it('lists every overdue case and every grid', () => {
    expect(wb.getWorksheet('超期案件')!.rowCount - 1).toBe(b.exceptions.overdue.total);
    expect(wb.getWorksheet('网格')!.rowCount - 1).toBe(297); // the demo district's grids
    expect(wb.getWorksheet('部门')!.rowCount - 1).toBe(b.rankings.departments.length);
  });

  it('masks reporters and carries the watermark in the printed header', () => {
    expect(leakedPersonalData(raw, district.personal())).toEqual([]);
    const reporters = column('超期案件', '反映人（已脱敏）').values.slice(2).filter(Boolean) as string[];
    for (const r of reporters) expect(r).toMatch(/^.\*+ 1\d\d\*{4}\d{4}$/);
    expect(wb.getWorksheet('街道')!.headerFooter.oddHeader).toContain('测试员 2023-03-20 10:00');
    expect(wb.lastModifiedBy).toBe('测试员');
  });
});
