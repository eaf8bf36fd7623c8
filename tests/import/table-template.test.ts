/**
 * The template workbook: written, then read back by openTable (the example row parses cleanly), and checked for
 * what makes it easy to fill in — drop-downs, a frozen header, marked required headers, notes with formats.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTable } from '../../central/import/table/read';
import { writeTemplate } from '../../central/import/table/template';
import type { ParsedRow, TableTemplate } from '../../central/import/types';
import { DISPUTE_TEMPLATE, tempDir, type TempDir } from './fixtures/table-fixtures';

let tmp: TempDir;
beforeAll(() => {
  tmp = tempDir('table-template-');
});
afterAll(() => tmp.remove());

async function loaded(template: TableTemplate): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await writeTemplate(template)) as unknown as ExcelJS.Buffer);
  return wb.getWorksheet(template.sheet)!;
}

async function readBack(template: TableTemplate): Promise<{ problems: unknown[]; rows: ParsedRow[]; headerRow: number }> {
  const path = tmp.write(`${template.sheet}.xlsx`, await writeTemplate(template));
  const table = await openTable(path, '模板.xlsx', template);
  const rows: ParsedRow[] = [];
  for await (const row of table.rows()) rows.push(row);
  return { problems: table.layout.problems, rows, headerRow: table.layout.headerRow };
}

describe('writeTemplate', () => {
  it('reads back with openTable: the header found, every field by its header, the example row without problems', async () => {
    const path = tmp.write('dispute.xlsx', await writeTemplate(DISPUTE_TEMPLATE));
    const table = await openTable(path, '矛盾纠纷模板.xlsx', DISPUTE_TEMPLATE);
    expect(table.layout.problems).toEqual([]);
    expect(table.layout.headerRow).toBe(2);
    expect(table.layout.columns.every((c) => c.by === 'header')).toBe(true);
    const rows: ParsedRow[] = [];
    for await (const row of table.rows()) rows.push(row);
    expect(rows).toHaveLength(1);
    expect(rows[0].problems).toEqual([]);
    expect(rows[0].values).toEqual({
      grid: '城南社区第一网格',
      found_at: '2023-03-05T10:30:00+08:00',
      type: '邻里纠纷',
      summary: '楼上卫生间漏水，双方协商赔偿',
      resolved_at: '2023-03-06',
      unit: '城南社区居委会',
      resolved: true,
      people: 2,
    });
  });

  it('has a merged title row, marks required headers with * and red, and notes each header', async () => {
    const ws = await loaded(DISPUTE_TEMPLATE);
    expect(ws.getCell('A1').value).toBe('矛盾纠纷排查化解台账');
    expect(ws.getCell('A1').isMerged && ws.getCell('H1').isMerged).toBe(true);
    const foundAt = ws.getCell('B2');
    expect(foundAt.value).toBe('发现时间*');
    expect(foundAt.font.color?.argb).toBe('FFC00000');
    expect(ws.getCell('A2').value).toBe('网格');
    const note = ws.getCell('B2').note;
    const text = typeof note === 'string' ? note : (note?.texts ?? []).map((t) => t.text).join('');
    expect(text).toContain('必填');
    expect(text).toContain('2023-03-05 10:30');
  });

  it('freezes the header and sets sensible widths', async () => {
    const ws = await loaded(DISPUTE_TEMPLATE);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    for (let c = 1; c <= DISPUTE_TEMPLATE.fields.length; c++) {
      expect(ws.getColumn(c).width).toBeGreaterThanOrEqual(10);
      expect(ws.getColumn(c).width).toBeLessThanOrEqual(40);
    }
  });

  it('offers drop-down lists for the enum and the 是/否 columns', async () => {
    const ws = await loaded(DISPUTE_TEMPLATE);
    const type = ws.getCell('C3').dataValidation;
    expect(type).toMatchObject({ type: 'list', formulae: ['"婚姻家庭,邻里纠纷,物业纠纷,劳资纠纷,其他"'] });
    expect(ws.getCell('C500').dataValidation?.type).toBe('list');
    expect(ws.getCell('G3').dataValidation).toMatchObject({ type: 'list', formulae: ['"是,否"'] });
    expect(ws.getCell('A3').dataValidation).toBeUndefined();
  });

  it('puts a long option list on a hidden sheet, which reading back leaves alone', async () => {
    const options = Array.from({ length: 40 }, (_, i) => `第${i + 1}类矛盾纠纷事项`);
    const template: TableTemplate = {
      ...DISPUTE_TEMPLATE,
      sheet: '长列表',
      fields: DISPUTE_TEMPLATE.fields.map((f) => (f.key === 'type' ? { ...f, options, optionSynonyms: {}, example: options[3] } : f)),
    };
    const ws = await loaded(template);
    const validation = ws.getCell('C3').dataValidation;
    expect(validation?.formulae?.[0]).toBe("'选项'!$C$2:$C$41");
    const hidden = ws.workbook.getWorksheet('选项')!;
    expect(hidden.state).toBe('hidden');
    expect(hidden.getCell('C41').value).toBe(options[39]);

    const back = await readBack(template);
    expect(back.problems).toEqual([]);
    expect(back.rows[0].values.type).toBe(options[3]);
  });
});
