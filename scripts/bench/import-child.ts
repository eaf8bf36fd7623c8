/**
 * The importers' baselines, each in a process of its own so its peak memory is its own (scripts/bench-import.ts
 * starts it): a library reading the same file alone, nothing of the service.
 *
 *   node --import tsx scripts/bench/import-child.ts exceljs FILE.xlsx
 *     exceljs's streaming WorkbookReader (shared strings and styles cached, as the importer reads), every row's
 *     values iterated;
 *   node --import tsx scripts/bench/import-child.ts shapefile A.shp A.dbf [B.shp B.dbf …]
 *     `shapefile` opening each layer (UTF-8 attributes) and reading every feature.
 *
 * Prints one line of JSON: { seconds, items, cells?, peakRssMb } (peak = VmHWM, start-up included).
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { open } from 'shapefile';

export interface ChildResult {
  seconds: number;
  /** Rows (exceljs) or features (shapefile) read. */
  items: number;
  /** Non-empty cells seen (exceljs). */
  cells?: number;
  peakRssMb: number;
}

function peakRssMb(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // not Linux: the resource usage's figure
  }
  return process.resourceUsage().maxRSS / 1024;
}

async function readXlsx(file: string): Promise<Omit<ChildResult, 'peakRssMb'>> {
  const started = performance.now();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let items = 0;
  let cells = 0;
  for await (const sheet of reader) {
    for await (const row of sheet) {
      items++;
      for (const value of row.values as unknown[]) if (value !== null && value !== undefined) cells++;
    }
  }
  return { seconds: (performance.now() - started) / 1000, items, cells };
}

async function readShapefiles(files: string[]): Promise<Omit<ChildResult, 'peakRssMb'>> {
  const started = performance.now();
  let items = 0;
  for (let i = 0; i + 1 < files.length; i += 2) {
    const source = await open(files[i], files[i + 1], { encoding: 'utf-8' });
    for (;;) {
      const next = await source.read();
      if (next.done) break;
      items++;
    }
  }
  return { seconds: (performance.now() - started) / 1000, items };
}

async function main() {
  const [what, ...files] = process.argv.slice(2);
  let result: Omit<ChildResult, 'peakRssMb'>;
  if (what === 'exceljs' && files.length === 1) result = await readXlsx(files[0]);
  else if (what === 'shapefile' && files.length >= 2 && files.length % 2 === 0) result = await readShapefiles(files);
  else throw new Error('Usage: import-child.ts exceljs FILE.xlsx | shapefile A.shp A.dbf [B.shp B.dbf …]');
  console.log(JSON.stringify({ ...result, peakRssMb: peakRssMb() } satisfies ChildResult));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
