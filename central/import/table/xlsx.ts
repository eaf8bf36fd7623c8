/**
 * .xlsx with exceljs's streaming parsers, so a 200 MB ledger is read row by row in bounded memory (the shared
 * strings table is held, as Excel's format requires).
 *
 * exceljs's WorkbookReader is used for its parsers only; the zip is walked here, through its central directory:
 *  - Its own single streaming pass over the zip may end before the last entries (exceljs issue #3064, open). A part
 *    it never reached was silently missing: without xl/workbook.xml (exceljs writes it last) the read failed
 *    ("reading 'sheets'"), and without xl/sharedStrings.xml (after the sheets in exceljs's and Excel's order) every
 *    text cell read as blank and the ledger as "empty" — seen on a re-read in CI. Opening each part by name from the
 *    central directory reads the workbook, shared strings and styles before any sheet, whatever the zip's order,
 *    and needs no temporary files.
 *  - Its parsers decode each zip chunk to text on its own, so a Chinese character split across two chunks becomes
 *    "��" (exceljs issues #2063, #2084, #2316, open). The shared strings and workbook parts are given a decoding
 *    stream (setEncoding), and each sheet's chunks go through a streaming TextDecoder first.
 *  - It skips <mergeCells>; they are read beforehand from the sheet part (xlsx-parts.ts) and the value at the top
 *    of a merged range is carried down (sheet.ts). The header rows are looked at without merges (a two-row header's
 *    vertical merges are handled by falling back to the row above).
 */
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { listZip, openEntry, openZip, readMerges, zipEntries } from './xlsx-parts';
import {
  HEAD_ROWS,
  HEAD_SCAN_LIMIT,
  carryMergedDown,
  isBlankRow,
  type BookOpening,
  type BookReader,
  type SheetHead,
  type SheetRow,
  type SheetValue,
} from './sheet';

const WORKBOOK_PART = 'xl/workbook.xml';
const SHEET_PART = /^xl\/worksheets\/sheet(\d+)\.xml$/;
const READER_OPTIONS = {
  worksheets: 'emit',
  sharedStrings: 'cache',
  // Styles tell which numbers are dates (a date cell then comes as a Date).
  styles: 'cache',
  hyperlinks: 'ignore',
  entries: 'ignore',
} as const;

interface WorksheetEvent {
  eventType: string;
  value: unknown;
}

/** The reader's parsers used here (exceljs 4.4, lib/stream/xlsx/workbook-reader.js). */
interface ReaderInternals {
  _parseRels(entry: Readable): Promise<void>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<WorksheetEvent>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<WorksheetEvent>;
}

const BaseReader = ExcelJS.stream.xlsx.WorkbookReader;
const base = BaseReader.prototype as unknown as ReaderInternals;

/** A sheet's chunks as text decoded across chunk boundaries, counting the bytes read. */
async function* decodeCounting(chunks: AsyncIterable<Buffer | string>, onBytes: (n: number) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    if (typeof chunk === 'string') {
      onBytes(Buffer.byteLength(chunk));
      yield chunk;
    } else {
      onBytes(chunk.length);
      yield decoder.decode(chunk, { stream: true });
    }
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

class SafeWorkbookReader extends BaseReader {
  /** Worksheet reader → its part in the zip (xl/worksheets/sheetN.xml). */
  readonly partOf = new WeakMap<object, string>();
  /** Bytes of each part read so far. */
  readonly bytesRead = new Map<string, number>();

  constructor(readonly path: string) {
    super(path, READER_OPTIONS);
  }

  /** The workbook's parts by name (see above), then its sheets in the zip's order, each closed once passed. */
  override async *parse(): AsyncGenerator<WorksheetEvent> {
    const zip = await openZip(this.path);
    try {
      const entries = await zipEntries(zip);
      const part = (name: string) => {
        const entry = entries.get(name);
        return entry ? openEntry(zip, entry) : null;
      };
      const rels = await part('xl/_rels/workbook.xml.rels');
      if (rels) await base._parseRels.call(this, rels);
      const workbook = await part(WORKBOOK_PART);
      if (workbook) await this._parseWorkbook(workbook);
      const strings = await part('xl/sharedStrings.xml');
      if (strings) yield* this._parseSharedStrings(strings);
      const styles = await part('xl/styles.xml');
      if (styles) await base._parseStyles.call(this, styles);
      for (const [name, entry] of entries) {
        const sheetNo = SHEET_PART.exec(name)?.[1];
        if (!sheetNo) continue;
        const stream = await openEntry(zip, entry);
        try {
          yield* this._parseWorksheet(stream, sheetNo);
        } finally {
          stream.destroy(); // a sheet passed over unread is never inflated
        }
      }
    } finally {
      zip.close();
    }
  }

  _parseSharedStrings(entry: Readable): AsyncGenerator<WorksheetEvent> {
    entry.setEncoding('utf8');
    return base._parseSharedStrings.call(this, entry);
  }

  _parseWorkbook(entry: Readable): Promise<void> {
    entry.setEncoding('utf8');
    return base._parseWorkbook.call(this, entry);
  }

  *_parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<WorksheetEvent> {
    const part = `xl/worksheets/sheet${sheetNo}.xml`;
    this.bytesRead.set(part, 0);
    const counted = decodeCounting(iterator, (n) => this.bytesRead.set(part, (this.bytesRead.get(part) ?? 0) + n));
    for (const event of base._parseWorksheet.call(this, counted, sheetNo)) {
      if (event.eventType === 'worksheet' && event.value) this.partOf.set(event.value, part);
      yield event;
    }
  }
}

/** An exceljs cell value as the common reader's cell. */
export function fromExcelJs(value: ExcelJS.CellValue | undefined): SheetValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((r) => r.text ?? '').join('');
    if ('error' in value) return { error: String(value.error) };
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: unknown }).result;
      if (result === undefined || result === null) return null;
      if (typeof result === 'object' && result !== null && 'error' in result) return { error: String((result as { error: unknown }).error) };
      // A formula's cached error (<c t="e"><f/><v>#N/A</v>) comes without its result from the streaming reader,
      // like a formula never calculated: both read as blank.
      if (typeof result === 'number' && Number.isNaN(result)) return null;
      return fromExcelJs(result as ExcelJS.CellValue);
    }
    if ('text' in value) return fromExcelJs((value as { text: ExcelJS.CellValue }).text);
  }
  return null;
}

function rowCells(row: ExcelJS.Row): SheetValue[] {
  const values = row.values as (ExcelJS.CellValue | undefined)[];
  const cells: SheetValue[] = [];
  for (let col = 1; col < values.length; col++) cells.push(fromExcelJs(values[col]));
  return cells;
}

interface SheetInfo extends SheetHead {
  part: string;
}

/** Visits each sheet of the workbook in turn (the reader closes the zip when the loop ends, however it ends). */
async function withReader<T>(
  path: string,
  visit: (sheet: ExcelJS.stream.xlsx.WorksheetReader, reader: SafeWorkbookReader) => Promise<T | undefined>,
): Promise<T[]> {
  const reader = new SafeWorkbookReader(path);
  const results: T[] = [];
  for await (const sheet of reader) {
    const result = await visit(sheet, reader);
    if (result !== undefined) results.push(result);
  }
  return results;
}

async function readHeads(path: string): Promise<SheetInfo[]> {
  return withReader(path, async (sheet, reader) => {
    const head: SheetRow[] = [];
    let scanned = 0;
    for await (const row of sheet) {
      const cells = rowCells(row);
      if (!isBlankRow(cells)) head.push({ row: row.number, cells });
      if (head.length >= HEAD_ROWS || ++scanned >= HEAD_SCAN_LIMIT) break;
    }
    const info: SheetInfo = { name: (sheet as unknown as { name: string }).name, head, part: reader.partOf.get(sheet) ?? '' };
    return info;
  });
}

export async function openXlsx(path: string, fileName: string): Promise<BookOpening> {
  let sizes: Map<string, number>;
  try {
    ({ sizes } = await listZip(path));
  } catch {
    return {
      problem: {
        severity: 'error',
        file: fileName,
        message: `文件“${fileName}”是压缩包格式，但已损坏或不完整，读不出来。请重新导出或另存为 .xlsx 后再导入。`,
      },
    };
  }
  if (!sizes.has(WORKBOOK_PART)) {
    return {
      problem: {
        severity: 'error',
        file: fileName,
        message: `文件“${fileName}”是压缩包（zip），但里面没有 Excel 工作簿，可能是 Word 文档、WPS 专用格式或打包的其他文件。请选择台账的 .xlsx、.xls 或 .csv 文件。`,
      },
    };
  }
  let sheets: SheetInfo[];
  try {
    sheets = await readHeads(path);
  } catch (err) {
    return {
      problem: {
        severity: 'error',
        file: fileName,
        message: `文件“${fileName}”的工作簿读不出来（${(err as Error).message}）。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。`,
      },
    };
  }

  let progress = { part: '', reader: null as SafeWorkbookReader | null };
  const book: BookReader = {
    format: 'xlsx',
    sheets: sheets.map(({ name, head }) => ({ name, head })),
    fraction() {
      const { part, reader } = progress;
      const total = sizes.get(part) ?? 0;
      if (!reader || total <= 0) return 0;
      return Math.min(1, (reader.bytesRead.get(part) ?? 0) / total);
    },
    rows(sheetName: string): AsyncIterable<SheetRow> {
      const info = sheets.find((s) => s.name === sheetName);
      if (!info) return (async function* () {})();
      async function* plain(): AsyncGenerator<SheetRow> {
        const reader = new SafeWorkbookReader(path);
        progress = { part: info!.part, reader };
        for await (const sheet of reader) {
          if (reader.partOf.get(sheet) !== info!.part) continue; // not iterated: skipped without inflating it
          for await (const row of sheet) yield { row: row.number, cells: rowCells(row) };
        }
      }
      return (async function* () {
        const merges = await readMerges(path, info.part);
        yield* carryMergedDown(plain(), merges);
      })();
    },
  };
  return { book };
}
