/**
 * Opening a ledger the way district staff keep it — .xlsx, .xls or .csv, whatever its name says — finding its
 * header, matching its columns to a template, and reading its rows as the template's types.
 *
 * A file that cannot be read as the template's table (not a spreadsheet, an empty sheet, a header matching nothing,
 * a required column missing) is never thrown: openTable returns a layout whose `problems` hold the error, in
 * Chinese, and whose rows() yields nothing. Then `format` is what the file's name claims (.xls → 'xls',
 * .csv/.txt → 'csv', else 'xlsx'). Only a failure while reading rows (a file cut short) throws, with a Chinese message.
 */
import { extname } from 'node:path';
import type { ColumnMapping, MappedColumn, ParsedRow, Problem, TableLayout, TableTemplate } from '../types';
import { headerKey } from './cells';
import { readField } from './field';
import { cellText, findHeader, likelyHeaderTexts, matchColumns, type HeaderFound } from './header';
import { openCsv } from './csv';
import { isBlankValue, type BookOpening, type BookReader, type SheetHead, type SheetRow, type SheetValue } from './sheet';
import { sniffFile } from './sniff';
import { openXls } from './xls';
import { openXlsx } from './xlsx';

export interface ReadTableOptions {
  /** The operator's edits: field key → header text in the file (null = do not read). */
  mapping?: ColumnMapping;
  /** 1-based file rows to skip (the operator excluded them). */
  excludeRows?: ReadonlySet<number>;
  /** Which sheet (default: the first sheet whose header matches the template best). */
  sheet?: string;
  /** .xls is read whole into memory by SheetJS: larger files are refused (default 50 MB). */
  maxXlsBytes?: number;
}

export interface OpenedTable {
  layout: TableLayout;
  /**
   * Data rows after the header, in file order; blank rows, trailing blank rows and a 合计/总计/小计 row are skipped.
   * Each call reads the file again from the start.
   */
  rows(): AsyncIterable<ParsedRow>;
  /** 0..1, how much of the file rows() has consumed so far (for a progress bar with time left). */
  fraction(): number;
}

/** A row whose first cells say 合计/总计/小计 sums the rows above; it is no record. */
const TOTAL_WORDS = new Set(['合计', '总计', '小计', '总合计']);
const TOTAL_COLUMNS = 3;
const VALUE_SHOWN = 60;

const shorten = (s: string) => (s.length > VALUE_SHOWN ? `${s.slice(0, VALUE_SHOWN - 1)}…` : s);

function formatByName(fileName: string): TableLayout['format'] {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.xls') return 'xls';
  if (ext === '.csv' || ext === '.txt') return 'csv';
  return 'xlsx';
}

function emptyColumns(template: TableTemplate): MappedColumn[] {
  return template.fields.map((f) => ({ field: f.key, header: f.header, from: null, by: null, required: Boolean(f.required) }));
}

function failed(fileName: string, template: TableTemplate, problem: Problem, format = formatByName(fileName)): OpenedTable {
  const layout: TableLayout = {
    fileName,
    format,
    sheet: '',
    headerRow: 0,
    columns: emptyColumns(template),
    unused: [],
    problems: [{ ...problem, file: problem.file ?? fileName }],
  };
  return { layout, rows: () => (async function* () {})(), fraction: () => 1 };
}

async function openBook(path: string, fileName: string, options: ReadTableOptions): Promise<BookOpening> {
  const sniffed = await sniffFile(path);
  switch (sniffed.kind) {
    case 'zip':
      return openXlsx(path, fileName);
    case 'ole2':
      return openXls(path, fileName, options.maxXlsBytes);
    case 'text':
      return openCsv(path, fileName);
    case 'other':
      return {
        problem: {
          severity: 'error',
          file: fileName,
          message: `文件“${fileName}”不是表格，看内容是${sniffed.what}。${sniffed.advice}`,
        },
      };
  }
}

interface Choice {
  sheet: SheetHead;
  header: HeaderFound;
}

function chooseSheet(book: BookReader, template: TableTemplate, options: ReadTableOptions): Choice | { problem: Problem } {
  if (book.sheets.length === 0) {
    return { problem: { severity: 'error', message: '工作簿里没有工作表。请确认选对了文件。' } };
  }
  // A CSV has one sheet, whatever a sheet name left over from another file says.
  if (options.sheet !== undefined && book.format !== 'csv') {
    const sheet = book.sheets.find((s) => s.name === options.sheet) ?? book.sheets.find((s) => s.name.trim() === options.sheet?.trim());
    if (!sheet) {
      const names = book.sheets.map((s) => `“${s.name}”`).join('、');
      return {
        problem: { severity: 'error', sheet: options.sheet, message: `工作簿里没有名为“${options.sheet}”的工作表，有的是：${names}。请重新选择工作表。` },
      };
    }
    return { sheet, header: findHeader(sheet.head, template, options.mapping) };
  }
  let best: Choice | null = null;
  for (const sheet of book.sheets) {
    const header = findHeader(sheet.head, template, options.mapping);
    if (!best || header.match.matched > best.header.match.matched) best = { sheet, header };
  }
  // Nothing matched anywhere: report on the first sheet that has something in it.
  if (best && best.header.at < 0) {
    const sheet = book.sheets.find((s) => s.head.length > 0) ?? book.sheets[0];
    return { sheet, header: findHeader(sheet.head, template, options.mapping) };
  }
  return best!;
}

function layoutProblems(choice: Choice, template: TableTemplate, csv: boolean, fileName: string): Problem[] {
  const { sheet, header } = choice;
  const where = csv ? `文件“${fileName}”` : `工作表“${sheet.name}”`;
  const place = { file: fileName, sheet: csv ? undefined : sheet.name };
  if (sheet.head.length === 0) {
    return [{ severity: 'error', ...place, message: `${where}是空的，没有表头也没有数据。请确认选对了文件和工作表。` }];
  }
  if (header.at < 0) {
    const onlyTitle = sheet.head.length === 1 && sheet.head[0].cells.filter((c) => !isBlankValue(c)).length <= 1;
    if (onlyTitle) {
      const title = cellText(sheet.head[0].cells.find((c) => !isBlankValue(c)) ?? null);
      return [
        {
          severity: 'error',
          ...place,
          row: sheet.head[0].row,
          value: shorten(title),
          message: `${where}只有标题“${shorten(title)}”，没有表头和数据。请确认选对了文件和工作表。`,
        },
      ];
    }
    const found = likelyHeaderTexts(sheet.head)
      .slice(0, 15)
      .map((t) => `“${shorten(t)}”`)
      .join('、');
    const expected = template.fields
      .slice(0, 6)
      .map((f) => `“${f.header}”`)
      .join('、');
    return [
      {
        severity: 'error',
        ...place,
        message: `${where}的表头和模板“${template.title}”对不上：前几行里找不到 ${expected} 这样的列，文件里的表头是：${found}。请确认选对了模板和文件，或在列映射里指定每一列。`,
      },
    ];
  }
  const headerRow = sheet.head[header.at].row;
  const problems: Problem[] = header.match.problems.map((p) => ({ ...p, ...place, row: headerRow }));
  for (const column of header.match.columns) {
    if (!column.required || column.from !== null) continue;
    const field = template.fields.find((f) => f.key === column.field)!;
    const names = (field.synonyms ?? []).map((s) => `“${s}”`).join('、');
    problems.push({
      severity: 'error',
      ...place,
      row: headerRow,
      message: `${where}缺少必填列“${field.header}”${names ? `（也认 ${names}）` : ''}。请在表格里加上这一列，或在列映射里指定哪一列是“${field.header}”。`,
    });
  }
  return problems;
}

function isTotalsRow(cells: readonly SheetValue[]): boolean {
  return cells.slice(0, TOTAL_COLUMNS).some((c) => typeof c === 'string' && TOTAL_WORDS.has(headerKey(c, true)));
}

interface RowContext {
  template: TableTemplate;
  sheet: string;
  fileName: string;
  csv: boolean;
  columns: { key: string; col: number; header: string }[];
}

function parseRow(source: SheetRow, ctx: RowContext): ParsedRow {
  const values: ParsedRow['values'] = Object.fromEntries(ctx.template.fields.map((f) => [f.key, null]));
  const raw: ParsedRow['raw'] = {};
  const problems: Problem[] = [];
  for (const { key, col, header } of ctx.columns) {
    const field = ctx.template.fields.find((f) => f.key === key)!;
    const cell = source.cells[col] ?? null;
    const text = cellText(cell);
    raw[key] = text;
    const where = `${ctx.csv ? '' : `工作表“${ctx.sheet}”`}第 ${source.row} 行“${header}”列`;
    const place = { file: ctx.fileName, sheet: ctx.csv ? undefined : ctx.sheet, row: source.row, column: header, value: shorten(text) };
    if (isBlankValue(cell)) {
      if (field.required) {
        const which = header === field.header ? '' : `（${field.header}）`;
        problems.push({ severity: 'error', ...place, message: `${where}${which}是必填项，这里是空的。请补上，或在预览里排除这一行。` });
      }
      continue;
    }
    if (cell !== null && typeof cell === 'object' && !(cell instanceof Date)) {
      problems.push({ severity: 'error', ...place, message: `${where}是公式错误${cell.error ? ` ${cell.error}` : ''}。请在表格里改正公式或直接填上值。` });
      continue;
    }
    const reading = readField(cell as Exclude<SheetValue, null | { error: string }>, field);
    values[key] = reading.value;
    if (reading.reason) problems.push({ severity: 'error', ...place, message: `${where}的“${shorten(text)}”${reading.reason}。` });
  }
  return { sheet: ctx.sheet, row: source.row, values, raw, problems };
}

export async function openTable(path: string, fileName: string, template: TableTemplate, options: ReadTableOptions = {}): Promise<OpenedTable> {
  const opening = await openBook(path, fileName, options);
  if ('problem' in opening) return failed(fileName, template, opening.problem);
  const { book } = opening;
  const csv = book.format === 'csv';

  const choice = chooseSheet(book, template, options);
  if ('problem' in choice) return failed(fileName, template, choice.problem, book.format);
  const { sheet, header } = choice;
  const problems = layoutProblems(choice, template, csv, fileName);
  const headerRow = header.at >= 0 ? sheet.head[header.at].row : 0;
  const match = header.at >= 0 ? header.match : matchColumns([], template);
  const layout: TableLayout = {
    fileName,
    format: book.format,
    ...(book.encoding ? { encoding: book.encoding } : {}),
    sheet: sheet.name,
    headerRow,
    columns: match.columns,
    unused: match.unused,
    problems,
  };
  const blocked = problems.some((p) => p.severity === 'error');
  const ctx: RowContext = {
    template,
    sheet: sheet.name,
    fileName,
    csv,
    columns: template.fields.flatMap((f) => {
      const col = match.index.get(f.key);
      return col === undefined ? [] : [{ key: f.key, col, header: header.texts[col] }];
    }),
  };
  const excluded = options.excludeRows ?? new Set<number>();

  let state: 'idle' | 'reading' | 'done' = blocked ? 'done' : 'idle';
  async function* rows(): AsyncGenerator<ParsedRow> {
    if (blocked) return;
    state = 'reading';
    let lastRow = headerRow;
    try {
      for await (const source of book.rows(sheet.name)) {
        lastRow = source.row;
        if (source.row <= headerRow || excluded.has(source.row)) continue;
        const written = ctx.columns.some(({ col }) => !source.carried?.has(col) && !isBlankValue(source.cells[col] ?? null));
        if (!written || isTotalsRow(source.cells)) continue;
        yield parseRow(source, ctx);
      }
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      if (/[\u4e00-\u9fff]/.test(message)) throw err;
      throw new Error(`读取“${fileName}”第 ${lastRow} 行附近时出错（${message}），文件可能已损坏或不完整。请用 Excel 或 WPS 打开后另存再导入。`, {
        cause: err,
      });
    }
    state = 'done';
  }
  return {
    layout,
    rows,
    fraction: () => (state === 'done' ? 1 : state === 'idle' ? 0 : book.fraction()),
  };
}
