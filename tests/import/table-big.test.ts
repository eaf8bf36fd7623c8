/**
 * A big ledger: 100,000 rows streamed with a progress fraction, its three bad dates each reported by row; and
 * Chinese text that crosses the zip's chunk boundaries read whole (exceljs's streaming reader garbles it unaided).
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTable } from '../../central/import/table/read';
import type { Problem } from '../../central/import/types';
import { SMALL_TEMPLATE, tempDir, type TempDir } from './fixtures/table-fixtures';

const ROWS = 100_000;
/** File row → what is written there instead of a date. */
const BAD_DATES = new Map([
  [1_234, '2023-02-30'],
  [55_555, '不详'],
  [100_001, '2023/13/01'],
]);
const SUMMARY = '群众反映楼上卫生间漏水，社区网格员上门调解，双方协商赔偿';

let tmp: TempDir;
beforeAll(() => {
  tmp = tempDir('table-big-');
});
afterAll(() => tmp.remove());

/** Rows 2..ROWS+1 under a header; shared strings (Excel's way) or inline strings in the sheet itself. */
async function bigWorkbook(path: string, rows: number, useSharedStrings: boolean): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings, useStyles: false });
  const ws = wb.addWorksheet('登记');
  ws.addRow(['网格', '发现时间', '简要情况']).commit();
  for (let i = 0; i < rows; i++) {
    const fileRow = i + 2;
    const date = BAD_DATES.get(fileRow) ?? 44990 + (i % 365);
    ws.addRow([`第${(i % 300) + 1}网格`, date, `${SUMMARY}（第${i + 1}件）`]).commit();
  }
  ws.commit();
  await wb.commit();
}

describe('a big ledger', () => {
  it('streams 100,000 rows, reports the 3 bad dates with their rows, and reports progress', async () => {
    const path = tmp.path('big.xlsx');
    await bigWorkbook(path, ROWS, true);
    const table = await openTable(path, 'big.xlsx', SMALL_TEMPLATE);
    expect(table.layout.problems).toEqual([]);
    expect(table.fraction()).toBe(0);

    let count = 0;
    let garbled = 0;
    const problems: Problem[] = [];
    const fractions: number[] = [];
    for await (const row of table.rows()) {
      count += 1;
      problems.push(...row.problems);
      if (String(row.values.summary).includes('\uFFFD') || String(row.values.grid).includes('\uFFFD')) garbled += 1;
      if (count % 10_000 === 0) fractions.push(table.fraction());
    }
    expect(count).toBe(ROWS);
    expect(problems.map((p) => [p.row, p.column, p.value])).toEqual([...BAD_DATES].map(([row, value]) => [row, '发现时间', value]));
    expect(garbled).toBe(0);
    // The fraction grows while reading and ends at 1.
    expect(fractions[0]).toBeGreaterThan(0);
    expect(fractions[0]).toBeLessThan(0.5);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    expect(table.fraction()).toBe(1);
  }, 60_000);

  it('reads Chinese text in the sheet itself (inline strings) without garbling it at chunk boundaries', async () => {
    const path = tmp.path('inline.xlsx');
    await bigWorkbook(path, 5_000, false);
    const table = await openTable(path, 'inline.xlsx', SMALL_TEMPLATE);
    let garbled = 0;
    let count = 0;
    for await (const row of table.rows()) {
      count += 1;
      if (String(row.values.summary).includes('\uFFFD')) garbled += 1;
      else expect(row.values.summary).toBe(`${SUMMARY}（第${count}件）`);
    }
    expect(count).toBe(5_000);
    expect(garbled).toBe(0);
  });
});
