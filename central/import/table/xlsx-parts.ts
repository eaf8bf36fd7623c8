/**
 * The zip of an .xlsx through its central directory (yauzl): which parts it holds (is it a workbook at all, how big
 * is each sheet — for the progress bar), each part as a stream of its own (xlsx.ts hands them to exceljs's parsers),
 * and a sheet's merged ranges (exceljs's streaming reader skips <mergeCells>, which Excel writes after all the rows,
 * so they are read in a pass of their own before the rows).
 */
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import yauzl from 'yauzl';
import type { MergedRange } from './sheet';

export interface ZipListing {
  /** Part name → uncompressed size in bytes. */
  sizes: Map<string, number>;
}

export function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, zip) => (err ? reject(err) : resolve(zip)));
  });
}

/** Walks the central directory; `visit` may return a promise (it is awaited before the next entry). */
async function eachEntry(zip: yauzl.ZipFile, visit: (entry: yauzl.Entry) => Promise<boolean | void> | boolean | void): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      Promise.resolve(visit(entry)).then((stop) => (stop ? resolve() : zip.readEntry()), reject);
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
}

export function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
}

/** Every entry of an open zip by name, in the central directory's order. */
export async function zipEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  const entries = new Map<string, yauzl.Entry>();
  await eachEntry(zip, (entry) => {
    entries.set(entry.fileName, entry);
  });
  return entries;
}

export async function listZip(path: string): Promise<ZipListing> {
  const zip = await openZip(path);
  try {
    const entries = await zipEntries(zip);
    return { sizes: new Map([...entries].map(([name, entry]) => [name, entry.uncompressedSize])) };
  } finally {
    zip.close();
  }
}

const MERGE_CELL = /<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\sref\s*=\s*["']([A-Z]+\d+(?::[A-Z]+\d+)?)["']/g;

function decodeCellRef(ref: string): { row: number; col: number } {
  const m = /^([A-Z]+)(\d+)$/.exec(ref);
  if (!m) return { row: 0, col: 0 };
  let col = 0;
  for (const ch of m[1]) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number(m[2]), col };
}

export function parseRangeRef(ref: string): MergedRange {
  const [a, b = a] = ref.split(':');
  const start = decodeCellRef(a);
  const end = decodeCellRef(b);
  return { top: start.row, left: start.col, bottom: end.row, right: end.col };
}

/**
 * The merged ranges of one sheet part. A <mergeCell> cannot occur inside cell text (XML escapes "<"), so scanning
 * the inflated part for the element is exact; only the tail of each chunk is kept across chunks.
 */
export async function readMerges(path: string, part: string): Promise<MergedRange[]> {
  const zip = await openZip(path);
  const merges: MergedRange[] = [];
  try {
    await eachEntry(zip, async (entry) => {
      if (entry.fileName !== part) return false;
      const stream = await openEntry(zip, entry);
      const decoder = new StringDecoder('utf8');
      let carry = '';
      const scan = (text: string, final: boolean) => {
        const buf = carry + text;
        MERGE_CELL.lastIndex = 0;
        let lastEnd = 0;
        for (let m = MERGE_CELL.exec(buf); m; m = MERGE_CELL.exec(buf)) {
          merges.push(parseRangeRef(m[1]));
          lastEnd = MERGE_CELL.lastIndex;
        }
        if (final) return;
        // Keep an unfinished tag at the end for the next chunk.
        const open = buf.lastIndexOf('<');
        carry = open >= lastEnd && open > buf.lastIndexOf('>') ? buf.slice(open) : '';
        if (carry.length > 4096) carry = '';
      };
      await pipeline(
        stream,
        new Writable({
          write(chunk: Buffer, _enc, done) {
            scan(decoder.write(chunk), false);
            done();
          },
          final(done) {
            scan(decoder.end(), true);
            done();
          },
        }),
      );
      return true;
    });
  } finally {
    zip.close();
  }
  return merges;
}
