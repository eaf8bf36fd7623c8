/**
 * CSV (and tab-separated text) with csv-parse, streamed. Excel in China saves CSV as GBK unless told "CSV UTF-8",
 * so the encoding is found from the bytes: a UTF-8 byte-order mark, else UTF-8 when the whole file is valid UTF-8
 * (checked in a streamed pass), else GBK (decoded as GB18030, its superset, with iconv-lite's decodeStream).
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { HEAD_ROWS, HEAD_SCAN_LIMIT, isBlankRow, type BookOpening, type BookReader, type SheetRow } from './sheet';

type Encoding = 'utf-8' | 'utf-8-bom' | 'gbk';
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const SAMPLE_BYTES = 64 * 1024;
const DELIMITERS = [',', '\t', ';', '|'] as const;

async function readStart(path: string, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Whether every byte of the file is valid UTF-8 (streamed: a 200 MB file is never held whole). */
async function isValidUtf8(path: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path)) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

async function detectEncoding(path: string, start: Buffer): Promise<Encoding> {
  if (UTF8_BOM.every((b, i) => start[i] === b)) return 'utf-8-bom';
  return (await isValidUtf8(path)) ? 'utf-8' : 'gbk';
}

function decodeSample(sample: Buffer, encoding: Encoding): string {
  return encoding === 'gbk' ? iconv.decode(sample, 'gb18030') : sample.toString('utf8');
}

/** The separator used most in the first lines (outside quotes, roughly): comma unless tabs or semicolons win. */
function detectDelimiter(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .slice(0, HEAD_ROWS);
  let best: string = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const count = lines.reduce((sum, line) => sum + line.replace(/"[^"]*"/g, '').split(d).length - 1, 0);
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

interface Source {
  stream: NodeJS.ReadableStream;
  file: ReadStream;
}

function openSource(path: string, encoding: Encoding): Source {
  const file = createReadStream(path);
  // GBK bytes are decoded to text first; UTF-8 bytes go to csv-parse as they are (it decodes across chunks).
  const stream = encoding === 'gbk' ? file.pipe(iconv.decodeStream('gb18030')) : file;
  return { stream, file };
}

async function* records(source: Source, delimiter: string): AsyncGenerator<SheetRow> {
  const parser = source.stream.pipe(parse({ delimiter, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }));
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row += 1;
      yield { row, cells: record.map((s) => (s === '' ? null : s)) };
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const why = code === 'CSV_QUOTE_NOT_CLOSED' ? '有一个引号（"）没有配对结束' : (err as Error).message;
    throw new Error(`CSV 文件在第 ${row + 1} 行附近读不下去：${why}。请用 Excel 或 WPS 打开检查后另存为 .xlsx 再导入。`);
  } finally {
    source.file.destroy();
  }
}

export async function openCsv(path: string, fileName: string): Promise<BookOpening> {
  const start = await readStart(path, SAMPLE_BYTES);
  const encoding = await detectEncoding(path, start);
  const delimiter = detectDelimiter(decodeSample(start, encoding));
  const sheetName = fileName.replace(/\.[^.]+$/, '') || fileName;

  const head: SheetRow[] = [];
  try {
    let scanned = 0;
    for await (const row of records(openSource(path, encoding), delimiter)) {
      if (!isBlankRow(row.cells)) head.push(row);
      if (head.length >= HEAD_ROWS || ++scanned >= HEAD_SCAN_LIMIT) break;
    }
  } catch (err) {
    return { problem: { severity: 'error', file: fileName, message: (err as Error).message } };
  }

  const { size } = await stat(path);
  let running: ReadStream | null = null;
  let finished = false;
  const book: BookReader = {
    format: 'csv',
    encoding,
    sheets: [{ name: sheetName, head }],
    fraction() {
      if (finished) return 1;
      if (!running || size === 0) return 0;
      return Math.min(1, running.bytesRead / size);
    },
    rows(): AsyncIterable<SheetRow> {
      return (async function* () {
        const source = openSource(path, encoding);
        running = source.file;
        finished = false;
        yield* records(source, delimiter);
        finished = true;
      })();
    },
  };
  return { book };
}
