/**
 * The template workbook a ledger should be kept in: what openTable reads best. A merged title row, the Chinese
 * headers (required ones end in * and are red; each has a comment with its format and options), one example row,
 * drop-down lists for enum and 是/否 columns, the header frozen, and date columns formatted as dates.
 */
import ExcelJS from 'exceljs';
import type { FieldSpec, FieldType, TableTemplate } from '../types';
import { parseDate, parseDateTime, parseNumber } from './cells';
import { columnLetter } from './sheet';

const TITLE_ROW = 1;
const HEADER_ROW = 2;
const EXAMPLE_ROW = 3;
/** Drop-down lists cover this many rows below the header. */
export const TEMPLATE_ROWS = 5000;
/** Excel refuses an inline list ("a,b,c") longer than 255 characters; longer ones live on a hidden sheet. */
const INLINE_LIST_MAX = 255;
const OPTIONS_SHEET = '选项';
const BOOLEAN_OPTIONS = ['是', '否'];
const RED = 'FFC00000';
const HEADER_FILL = 'FFD9E1F2';
const EXAMPLE_FONT = 'FF7F7F7F';

const TYPE_HINTS: Record<FieldType, string> = {
  text: '文字',
  integer: '整数，如 12',
  number: '数字，可带小数，如 3.5',
  date: '日期，如 2023-03-05（也认 2023/3/5、2023年3月5日）',
  datetime: '日期和时间，如 2023-03-05 10:30',
  boolean: '从下拉列表选 是 或 否',
  enum: '从下拉列表选一项',
  list: '可填多项，用“、”分隔',
};

const NUMBER_FORMATS: Partial<Record<FieldType, string>> = {
  text: '@',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm',
};

/** The header as written in the template: a required one ends with *. */
export function templateHeader(field: FieldSpec): string {
  return field.required ? `${field.header}*` : field.header;
}

function wallDate(text: string | null): Date | null {
  if (!text) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2}))?/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m;
  // UTC fields = the wall time, as Excel date cells are read back (see cells.ts).
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}

function exampleValue(field: FieldSpec): ExcelJS.CellValue {
  const { example } = field;
  switch (field.type) {
    case 'date':
      return wallDate(parseDate(typeof example === 'boolean' ? '' : example)) ?? String(example);
    case 'datetime':
      return wallDate(parseDateTime(typeof example === 'boolean' ? '' : example)) ?? String(example);
    case 'integer':
    case 'number':
      return typeof example === 'number' ? example : (parseNumber(String(example)) ?? String(example));
    case 'boolean':
      return typeof example === 'boolean' ? (example ? '是' : '否') : String(example);
    default:
      return String(example);
  }
}

function noteText(field: FieldSpec): string {
  const lines = [field.required ? '必填。' : '选填。', TYPE_HINTS[field.type]];
  if (field.note) lines.push(field.note);
  if (field.options?.length && field.type === 'list') lines.push(`可选：${field.options.join('、')}`);
  if (field.personal) lines.push('含个人信息，导入后只在有权限的页面显示。');
  return lines.join('\n');
}

/** Width in Excel's character units: a Chinese character takes two. */
function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u2E80-\uFFEF]/.test(ch) ? 2 : 1;
  return w;
}

function columnWidth(field: FieldSpec, example: ExcelJS.CellValue): number {
  const exampleText = example instanceof Date ? (field.type === 'datetime' ? '2023-03-05 10:30' : '2023-03-05') : String(example ?? '');
  const wanted = Math.max(displayWidth(templateHeader(field)), displayWidth(exampleText)) + 4;
  return Math.min(Math.max(wanted, 10), 40);
}

function dropDownOptions(field: FieldSpec): readonly string[] | null {
  if (field.type === 'boolean') return BOOLEAN_OPTIONS;
  if (field.type === 'enum' && field.options?.length) return field.options;
  return null;
}

/** exceljs 4.4 takes a validation for a whole range (one <dataValidation sqref>), but its typings only know cells. */
interface RangeValidations {
  add(range: string, validation: ExcelJS.DataValidation): void;
}
const rangeValidations = (sheet: ExcelJS.Worksheet) => (sheet as unknown as { dataValidations: RangeValidations }).dataValidations;

const quoteSheet = (name: string) => `'${name.replace(/'/g, "''")}'`;

export async function writeTemplate(template: TableTemplate): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '网格化治理指挥中心';
  const sheet = workbook.addWorksheet(template.sheet, { views: [{ state: 'frozen', xSplit: 0, ySplit: HEADER_ROW }] });
  let optionsSheet: ExcelJS.Worksheet | null = null;
  const fields = template.fields;
  const last = columnLetter(fields.length - 1);

  sheet.mergeCells(`A${TITLE_ROW}:${last}${TITLE_ROW}`);
  const title = sheet.getCell(`A${TITLE_ROW}`);
  title.value = template.title;
  title.font = { bold: true, size: 16 };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  sheet.getRow(TITLE_ROW).height = 32;

  const headerRow = sheet.getRow(HEADER_ROW);
  headerRow.height = 24;
  const exampleRow = sheet.getRow(EXAMPLE_ROW);

  fields.forEach((field, i) => {
    const letter = columnLetter(i);
    const column = sheet.getColumn(i + 1);
    const example = exampleValue(field);
    column.width = columnWidth(field, example);
    const format = NUMBER_FORMATS[field.type];
    if (format) column.numFmt = format;

    const head = headerRow.getCell(i + 1);
    head.value = templateHeader(field);
    head.font = { bold: true, color: field.required ? { argb: RED } : undefined };
    head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
    head.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    head.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
    head.note = noteText(field);

    const cell = exampleRow.getCell(i + 1);
    cell.value = example;
    cell.font = { italic: true, color: { argb: EXAMPLE_FONT } };
    if (format) cell.numFmt = format;

    const options = dropDownOptions(field);
    if (!options) return;
    const inline = options.join(',');
    let formula: string;
    if (inline.length + 2 <= INLINE_LIST_MAX && !options.some((o) => /[,"]/.test(o))) {
      formula = `"${inline}"`;
    } else {
      optionsSheet ??= workbook.addWorksheet(OPTIONS_SHEET, { state: 'hidden' });
      const target = optionsSheet;
      target.getCell(1, i + 1).value = field.header;
      options.forEach((option, k) => (target.getCell(k + 2, i + 1).value = option));
      formula = `${quoteSheet(OPTIONS_SHEET)}!$${letter}$2:$${letter}$${options.length + 1}`;
    }
    rangeValidations(sheet).add(`${letter}${EXAMPLE_ROW}:${letter}${EXAMPLE_ROW + TEMPLATE_ROWS - 1}`, {
      type: 'list',
      allowBlank: !field.required,
      formulae: [formula],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: field.header,
      error: field.type === 'boolean' ? '请选择 是 或 否。' : '请从下拉列表里选择一项。',
    });
  });

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
