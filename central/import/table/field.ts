/**
 * One cell read as its field's type, or the reason (a Chinese clause) it cannot be.
 */
import type { CellValue, FieldSpec } from '../types';
import { cleanText, matchOption, parseBoolean, parseDate, parseDateTime, parseInteger, parseNumber, splitList } from './cells';
import { cellText } from './header';
import type { SheetValue } from './sheet';

export interface FieldReading {
  value: CellValue;
  /** Why the cell could not be read (a clause: 不是日期，请写成…); absent when it was read or is empty. */
  reason?: string;
}

const DATE_HINT = '请写成 2023-03-05 或 2023年3月5日 这样的日期';
const DATETIME_HINT = '请写成 2023-03-05 10:30 这样的日期和时间';

function optionList(options: readonly string[]): string {
  const shown = options
    .slice(0, 12)
    .map((o) => `“${o}”`)
    .join('、');
  return options.length > 12 ? `${shown} 等 ${options.length} 项` : shown;
}

function readEnum(text: string, field: FieldSpec): FieldReading {
  const options = field.options ?? [];
  const option = matchOption(text, options, field.optionSynonyms);
  return option === null ? { value: null, reason: `不在可选项里，请从 ${optionList(options)} 中选一个` } : { value: option };
}

function readList(text: string, field: FieldSpec): FieldReading {
  const items = splitList(text);
  if (!field.options?.length) return { value: items };
  const values: string[] = [];
  const unknown: string[] = [];
  for (const item of items) {
    const option = matchOption(item, field.options, field.optionSynonyms);
    if (option === null) unknown.push(item);
    else if (!values.includes(option)) values.push(option);
  }
  if (unknown.length) {
    return { value: null, reason: `里的 ${unknown.map((u) => `“${u}”`).join('、')} 不在可选项里，可选：${optionList(field.options)}（多项用“、”分隔）` };
  }
  return { value: values };
}

/** Reads a cell that is not blank (the caller handles blanks and formula errors). */
export function readField(value: Exclude<SheetValue, null | { error: string }>, field: FieldSpec): FieldReading {
  switch (field.type) {
    case 'text':
      return { value: typeof value === 'string' ? cleanText(value) : cellText(value) };
    case 'date': {
      const date = typeof value === 'boolean' ? null : parseDate(value);
      return date ? { value: date } : { value: null, reason: `不是日期，${DATE_HINT}` };
    }
    case 'datetime': {
      const dt = typeof value === 'boolean' ? null : parseDateTime(value);
      return dt ? { value: dt } : { value: null, reason: `不是日期时间，${DATETIME_HINT}` };
    }
    case 'integer': {
      if (typeof value === 'boolean' || value instanceof Date) return { value: null, reason: '不是整数，请只填数字' };
      const n = parseInteger(value);
      if (n !== null) return { value: n };
      const isNumber = parseNumber(value) !== null;
      return { value: null, reason: isNumber ? '不是整数，这一列只能填整数（不带小数）' : '不是整数，请只填数字' };
    }
    case 'number': {
      if (typeof value === 'boolean' || value instanceof Date) return { value: null, reason: '不是数字，请只填数字' };
      const n = parseNumber(value);
      return n === null ? { value: null, reason: '不是数字，请只填数字（可带小数点和千位分隔符）' } : { value: n };
    }
    case 'boolean': {
      const b = value instanceof Date ? null : parseBoolean(value);
      return b === null ? { value: null, reason: '不是“是”或“否”，请填 是/否（也认 Y/N、√/×）' } : { value: b };
    }
    case 'enum':
      return readEnum(cellText(value), field);
    case 'list':
      return readList(typeof value === 'string' ? value : cellText(value), field);
  }
}
