/**
 * What the three readers (xlsx, xls, csv) hand to the common part: the first rows of each sheet (to find the header
 * and choose the sheet), and then all rows of the chosen one, one at a time.
 */
import type { Problem } from '../types';

/**
 * A cell as a reader got it: text, a number, a boolean, a date (its UTC fields are the wall time in the cell, the way
 * exceljs gives date cells), a formula error (#N/A), or nothing.
 */
export type SheetValue = string | number | boolean | Date | { error: string } | null;

export interface SheetRow {
  /** 1-based row number as a spreadsheet program shows it (for a CSV: the record's number). */
  row: number;
  /** Column A first. */
  cells: SheetValue[];
  /** Columns (0-based) whose value was carried down from the top of a merged range (not written in this row). */
  carried?: ReadonlySet<number>;
}

export interface SheetHead {
  name: string;
  /** The first non-blank rows (at most HEAD_ROWS), to find the header in. */
  head: SheetRow[];
}

/** A workbook opened for reading: the sheets' first rows now, all rows of one sheet on demand (again on every call). */
export interface BookReader {
  format: 'xlsx' | 'xls' | 'csv';
  encoding?: 'utf-8' | 'utf-8-bom' | 'gbk';
  sheets: SheetHead[];
  rows(sheet: string): AsyncIterable<SheetRow>;
  /** 0..1: how much of the sheet the running rows() has read. */
  fraction(): number;
}

/** Or, when the file cannot be read as a table at all, why. */
export type BookOpening = { book: BookReader } | { problem: Problem };

/** How many non-blank rows at the top of a sheet the header is looked for in. */
export const HEAD_ROWS = 10;
/** Stop looking for those rows after this many rows (a sheet of blank styled rows). */
export const HEAD_SCAN_LIMIT = 200;

export function isBlankValue(v: SheetValue): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v.trim() === '';
  return false;
}

export function isBlankRow(cells: readonly SheetValue[]): boolean {
  return cells.every(isBlankValue);
}

/** A merged range (1-based, inclusive), as xlsx <mergeCell ref="A4:A6"> or SheetJS !merges describe it. */
export interface MergedRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * Carries the value at the top of a merged range down to the rows it covers (a 网格 written once beside three
 * rows). Only vertical extents are filled: a value merged across columns stays in its own column, since copying a
 * 简要情况 into the next field would make up data. Rows must come in ascending order.
 */
export async function* carryMergedDown(rows: AsyncIterable<SheetRow>, merges: readonly MergedRange[]): AsyncIterable<SheetRow> {
  const tall = merges.filter((m) => m.bottom > m.top).sort((a, b) => a.top - b.top);
  if (tall.length === 0) {
    yield* rows;
    return;
  }
  let next = 0;
  /** Active ranges with the values of their top row. */
  let active: { range: MergedRange; top: SheetValue[] }[] = [];
  for await (const row of rows) {
    active = active.filter((a) => a.range.bottom >= row.row);
    while (next < tall.length && tall[next].top <= row.row) {
      const range = tall[next++];
      if (range.top === row.row) {
        active.push({ range, top: row.cells.slice(range.left - 1, range.right) });
      }
    }
    const covering = active.filter((a) => a.range.top < row.row);
    if (covering.length === 0) {
      yield row;
      continue;
    }
    const cells = row.cells.slice();
    const carried = new Set<number>(row.carried);
    for (const { range, top } of covering) {
      for (let col = range.left; col <= range.right; col++) {
        const value = top[col - range.left] ?? null;
        if (isBlankValue(cells[col - 1] ?? null) && !isBlankValue(value)) {
          cells[col - 1] = value;
          carried.add(col - 1);
        }
      }
    }
    yield { row: row.row, cells, carried };
  }
}

/** The column letter of a 0-based index (0 → A, 26 → AA), for cells without a header. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
