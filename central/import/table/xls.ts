/**
 * Old .xls (BIFF, an OLE2 compound file) with SheetJS. SheetJS reads a whole workbook into memory, so files above a
 * size limit are refused with a sentence asking to save them as .xlsx (which is streamed).
 */
import { readFile, stat } from 'node:fs/promises';
import * as XLSX from '@e965/xlsx';
import { excelSerialToDate } from './cells';
import {
  HEAD_ROWS,
  HEAD_SCAN_LIMIT,
  carryMergedDown,
  isBlankRow,
  type BookOpening,
  type BookReader,
  type MergedRange,
  type SheetRow,
  type SheetValue,
} from './sheet';

export const DEFAULT_MAX_XLS_BYTES = 50 * 1024 * 1024;
/** Days between the 1904 and the 1900 date systems (old Mac workbooks). */
const DATE_1904_OFFSET = 1462;

/**
 * Formulas are not parsed or kept (cellFormula: false), no HTML is built (cellHTML: false), cell text is not
 * formatted (cellText: false); number formats are kept only to tell dates from numbers (cellNF).
 */
const READ_OPTIONS: XLSX.ParsingOptions = {
  type: 'buffer',
  cellFormula: false,
  cellHTML: false,
  cellText: false,
  cellStyles: false,
  cellDates: false,
  cellNF: true,
  dense: true,
  WTF: false,
};

function cellValue(cell: XLSX.CellObject | undefined, date1904: boolean): SheetValue {
  if (!cell) return null;
  switch (cell.t) {
    case 's':
      return typeof cell.v === 'string' ? cell.v : cell.v === undefined ? null : String(cell.v);
    case 'b':
      return Boolean(cell.v);
    case 'e':
      return { error: cell.w ?? XLSX.utils.format_cell(cell) ?? '#错误' };
    case 'd':
      return cell.v instanceof Date ? cell.v : null;
    case 'n': {
      const n = Number(cell.v);
      if (typeof cell.z === 'string' && XLSX.SSF.is_date(cell.z)) return excelSerialToDate(n + (date1904 ? DATE_1904_OFFSET : 0)) ?? n;
      return n;
    }
    default:
      return null;
  }
}

interface DenseSheet {
  '!data'?: (XLSX.CellObject | undefined)[][];
  '!ref'?: string;
  '!merges'?: XLSX.Range[];
}

function* sheetRows(sheet: DenseSheet, date1904: boolean, onRow?: (index: number, total: number) => void): Generator<SheetRow> {
  const data = sheet['!data'] ?? [];
  const range = sheet['!ref'] ? XLSX.utils.decode_range(sheet['!ref']) : null;
  if (!range) return;
  for (let r = range.s.r; r <= range.e.r; r++) {
    onRow?.(r - range.s.r, range.e.r - range.s.r + 1);
    const source = data[r] ?? [];
    const cells: SheetValue[] = [];
    for (let c = 0; c <= range.e.c; c++) cells.push(cellValue(source[c], date1904));
    yield { row: r + 1, cells };
  }
}

export async function openXls(path: string, fileName: string, maxBytes = DEFAULT_MAX_XLS_BYTES): Promise<BookOpening> {
  const { size } = await stat(path);
  if (size > maxBytes) {
    const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
    return {
      problem: {
        severity: 'error',
        file: fileName,
        message: `文件“${fileName}”是旧版 .xls 格式，有 ${mb(size)}，超过了 .xls 能导入的 ${mb(maxBytes)}。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入（.xlsx 不限大小）。`,
      },
    };
  }
  let workbook: XLSX.WorkBook;
  try {
    workbook = XLSX.read(await readFile(path), READ_OPTIONS);
  } catch (err) {
    const message = (err as Error).message ?? '';
    const why = /password|encrypt/i.test(message)
      ? '文件设置了打开密码。请在 Excel 或 WPS 里取消密码后再导入。'
      : '它不是能读的 Excel 工作簿（可能是 Word 文档，或已损坏）。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。';
    return { problem: { severity: 'error', file: fileName, message: `文件“${fileName}”读不出来：${why}` } };
  }
  const date1904 = Boolean(workbook.Workbook?.WBProps?.date1904);
  const sheetOf = (name: string) => workbook.Sheets[name] as unknown as DenseSheet;
  const sheets = workbook.SheetNames.map((name) => {
    const head: SheetRow[] = [];
    let scanned = 0;
    for (const row of sheetRows(sheetOf(name), date1904)) {
      if (!isBlankRow(row.cells)) head.push(row);
      if (head.length >= HEAD_ROWS || ++scanned >= HEAD_SCAN_LIMIT) break;
    }
    return { name, head };
  });

  let done = 0;
  const book: BookReader = {
    format: 'xls',
    sheets,
    fraction: () => done,
    rows(sheetName: string): AsyncIterable<SheetRow> {
      const sheet = sheetOf(sheetName);
      if (!sheet) return (async function* () {})();
      done = 0;
      const merges: MergedRange[] = (sheet['!merges'] ?? []).map((m) => ({ top: m.s.r + 1, left: m.s.c + 1, bottom: m.e.r + 1, right: m.e.c + 1 }));
      const rows = sheetRows(sheet, date1904, (index, total) => (done = total > 0 ? index / total : 1));
      return carryMergedDown(
        (async function* () {
          yield* rows;
          done = 1;
        })(),
        merges,
      );
    },
  };
  return { book };
}
