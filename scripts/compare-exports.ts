/**
 * Shows whether two checkouts export the same 通报 from the same cache (usage: COMPARE_HELP). Each checkout's own
 * `scripts/report.ts` writes DOCX, XLSX and PDF on its own copy of the cache with the clock frozen (a preload module
 * replaces `Date`), so the only differences left are the ones the code makes. Then it compares:
 * - DOCX: every zip part but docProps/* (creation times) byte for byte; where one differs, the paragraphs whose text
 *   differs, and whether the markup differs beyond the text;
 * - XLSX: every sheet's cell values (exceljs), number formats, merges and column widths;
 * - PDF: every page rasterised (`pdftoppm -r 60`, binary PPM) pixel for pixel; for a page that differs, the lines of
 *   `pdftotext -layout` that differ, and both pages as PNG to look at.
 * It prints a summary and every difference before → after, the changed part marked `{before→after}`, so a reader sees
 * at once whether it is a relabelling. Exit 0 (it is a report), 2 on usage errors. Needs poppler-utils and Chromium.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { diffArrays, diffChars } from 'diff';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';

const run = promisify(execFile);

export const COMPARE_HELP = `Usage: node --import tsx scripts/compare-exports.ts --before DIR --after DIR --cache FILE [--work DIR] [--now ISO]

Runs each checkout's scripts/report.ts (DOCX, XLSX, PDF) on its own copy of the cache, with the clock frozen, for
2023-W11, 2023-02 and 2022-03-01…2023-02-28, and prints every difference between the two sides' files.

  --before DIR   a checkout with node_modules (the reference)
  --after DIR    a checkout with node_modules (the change)
  --cache FILE   a filled SQLite cache (each run writes audit rows into its own copy)
  --work DIR     where the runs' files are kept (default: a new folder in the temp folder)
  --now ISO      the frozen clock (default 2023-03-20T10:00:00+08:00, the demo cache's clock)
`;

/** The periods compared: the demo's report week, a month and a 12-month custom range, as report.ts arguments. */
const PERIODS = [
  { name: 'week-2023-W11', args: ['--week', '2023-W11'] },
  { name: 'month-2023-02', args: ['--month', '2023-02'] },
  { name: 'range-2022-03-01-2023-02-28', args: ['--from', '2022-03-01', '--to', '2023-02-28'] },
];

/**
 * The preload module: `Date.now()` and `new Date()` give the instant in COMPARE_EXPORTS_NOW; every other use of Date
 * (parsing, arithmetic, formatting) is the real one.
 */
const FROZEN_CLOCK = `const instant = Number(process.env.COMPARE_EXPORTS_NOW);
if (!Number.isFinite(instant)) throw new Error('COMPARE_EXPORTS_NOW is not a time in ms');
globalThis.Date = class extends Date {
  constructor(...args) { super(...(args.length ? args : [instant])); }
  static now() { return instant; }
};
`;

class UsageError extends Error {}

// ---- What a comparison finds, and text differences (jsdiff) as people read them.

/** One file's comparison. Notes say what was found equal; differences (none when the files are the same) are printed. */
interface FileReport {
  name: string; // e.g. week-2023-W11/网格化…-2023-W11.docx
  notes: string[];
  differences: string[];
  changes: Change[]; // every changed stretch of text, for the tally
  notCompared?: string; // why not: a side's run failed
}

/** One changed stretch of a text. */
type Change = { before: string; after: string };

const report = (name: string): FileReport => ({ name, notes: [], differences: [], changes: [] });

const verdict = (r: FileReport) => (r.notCompared ? `NOT COMPARED (${r.notCompared})` : r.differences.length ? 'DIFFERENT' : 'identical');

/**
 * The text with each changed stretch marked `{before→after}` and long unchanged stretches elided; the changes go to
 * the report's tally. Stretches closer than 3 characters are one change (上报 → 发现上报 reads better than two).
 */
function mark(r: FileReport, before: string, after: string, context = 8): string {
  // Unchanged text (a string) and changes alternate.
  const pieces: (string | Change)[] = [];
  for (const part of diffChars(before, after)) {
    if (!part.added && !part.removed) {
      pieces.push(part.value);
      continue;
    }
    // A change less than 3 characters after the previous one joins it, with the characters between on both sides.
    const [previous, last] = [pieces.at(-2), pieces.at(-1)];
    if (typeof last === 'string' && typeof previous === 'object' && Array.from(last).length < 3) {
      pieces.pop();
      previous.before += last;
      previous.after += last;
    }
    const change = pieces.at(-1);
    if (typeof change === 'object') change[part.added ? 'after' : 'before'] += part.value;
    else pieces.push(part.added ? { before: '', after: part.value } : { before: part.value, after: '' });
  }
  r.changes.push(...pieces.filter((piece): piece is Change => typeof piece === 'object'));
  const shown = pieces.map((piece, k) => {
    if (typeof piece === 'object') return `{${piece.before}→${piece.after}}`;
    const chars = Array.from(piece);
    const [head, tail] = [k > 0 ? context : 0, k < pieces.length - 1 ? context : 0];
    if (chars.length <= head + tail + 1 || pieces.length === 1) return piece;
    return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`;
  });
  return shown.join('');
}

/**
 * The stretches of `a` and `b` (paragraphs, a page's lines) that differ, each stretch's texts joined and marked: a word
 * changed in a PDF paragraph moves the line breaks after it, and the lines joined show the change itself rather than
 * every line it pushed along. Then each stretch's texts before and after in full.
 */
function textDifferences(r: FileReport, a: string[], b: string[], unit: string, separator: string) {
  const parts = diffArrays(a, b);
  const lines: string[] = [];
  let [atA, atB, stretches] = [0, 0, 0];
  for (let k = 0; k < parts.length;) {
    if (!parts[k].added && !parts[k].removed) {
      atA += parts[k].value.length;
      atB += parts[k++].value.length;
      continue;
    }
    const [removed, added]: string[][] = [[], []];
    for (; parts[k]?.added || parts[k]?.removed; k++) (parts[k].added ? added : removed).push(...parts[k].value);
    const span = (at: number, n: number) => (n ? `${at + 1}${n > 1 ? `–${at + n}` : ''}` : 'none');
    lines.push(`    ${unit} ${span(atA, removed.length)} → ${span(atB, added.length)}: ${mark(r, removed.join(separator), added.join(separator))}`);
    lines.push(...removed.map((text) => `      before: ${text}`), ...added.map((text) => `      after:  ${text}`));
    [atA, atB, stretches] = [atA + removed.length, atB + added.length, stretches + 1];
  }
  return { stretches, lines };
}

// ---- Zip parts (DOCX and XLSX).

type Parts = Map<string, Buffer>;

async function zipParts(file: string): Promise<Parts> {
  const zip = await JSZip.loadAsync(readFileSync(file));
  const parts: Parts = new Map();
  for (const entry of Object.values(zip.files)) if (!entry.dir) parts.set(entry.name, await entry.async('nodebuffer'));
  return parts;
}

/** Compares the parts but docProps/* (creation times) byte for byte, notes the tally and returns the parts that differ. */
function compareParts(r: FileReport, a: Parts, b: Parts, notePrefix = ''): string[] {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const same = (name: string) => Boolean(a.get(name)?.equals(b.get(name) ?? Buffer.alloc(0)) && b.has(name));
  const compared = names.filter((n) => !n.startsWith('docProps/'));
  const differing = compared.filter((n) => !same(n));
  const which = differing.length ? `; differing: ${differing.join(', ')}` : '';
  r.notes.push(`${notePrefix}${compared.length - differing.length} of ${compared.length} parts byte-identical (docProps/* left out)${which}`);
  return differing;
}

/** dcterms:created of docProps/core.xml shows the clock each run had. */
function noteClock(r: FileReport, a: Parts, b: Parts) {
  const created = (parts: Parts) => /<dcterms:created[^>]*>([^<]*)</.exec(parts.get('docProps/core.xml')?.toString('utf8') ?? '')?.[1];
  const [before, after] = [created(a), created(b)];
  r.notes.push(before === after ? `created ${before} on both sides` : `created before ${before}, after ${after} (the clock was not the same)`);
}

/** Where two strings first differ, with some text around it. */
function firstDifference(a: string, b: string, around = 120): string {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  const from = Math.max(0, k - around);
  return `at character ${k}: before «${a.slice(from, k + around)}» / after «${b.slice(from, k + around)}»`;
}

/** core/report/docx.ts escapes only XML's special characters, as named entities. */
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const decodeEntities = (text: string) => text.replace(/&(lt|gt|amp|quot|apos);/g, (_, name: string) => ENTITIES[name]);

/** The texts of a WordprocessingML part's paragraphs (tabs as a tab, breaks as ⏎). */
function paragraphTexts(xml: string): string[] {
  const piece = (m: RegExpExecArray) => (m[2] === 'tab' ? '\t' : m[2] === 'br' ? '⏎' : decodeEntities(m[1]));
  return Array.from(xml.matchAll(/<w:p[ >][^]*?<\/w:p>|<w:p\/>/g), ([p]) =>
    Array.from(p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:(tab|br)\/>/g), piece).join(''),
  );
}

/** The part with its text taken out, to see whether it differs in more than its text. */
const markupOf = (xml: string) => xml.replace(/(<w:t(?: [^>]*)?>)[^<]*(<\/w:t>)/g, '$1$2');

async function compareDocx(r: FileReport, fileA: string, fileB: string) {
  const [a, b] = [await zipParts(fileA), await zipParts(fileB)];
  noteClock(r, a, b);
  for (const part of compareParts(r, a, b)) {
    const [before, after] = [a.get(part)?.toString('utf8'), b.get(part)?.toString('utf8')];
    if (before === undefined || after === undefined) {
      r.differences.push(`part ${part} is only ${before === undefined ? 'after' : 'before'}`);
      continue;
    }
    const { stretches, lines } = textDifferences(r, paragraphTexts(before), paragraphTexts(after), 'paragraphs', ' ¶ ');
    r.differences.push(`${part}: ${stretches ? `${stretches} stretch(es) of paragraphs differ` : 'differs, its paragraph texts do not'}`, ...lines);
    const [markupBefore, markupAfter] = [markupOf(before), markupOf(after)];
    if (markupBefore !== markupAfter)
      r.differences.push(`    ${part}: the markup differs too, not only the text, ${firstDifference(markupBefore, markupAfter)}`);
  }
}

// ---- XLSX: cell values and layout.

/** A cell as text: a formula with its result, a date in ISO form, a link with its target. */
function cellText(cell: ExcelJS.Cell): string {
  if (cell.value instanceof Date) return cell.value.toISOString();
  return `${cell.formula ? `=${cell.formula} → ` : ''}${cell.text}${cell.hyperlink ? ` <${cell.hyperlink}>` : ''}`;
}

const isCell = (key: string) => /^[A-Z]+\d+$/.test(key);

/** A sheet as what is compared: each non-empty cell's text and number format, in row order, then its layout. */
function sheetEntries(sheet: ExcelJS.Worksheet): Map<string, string> {
  const entries = new Map<string, string>();
  sheet.eachRow((row) =>
    row.eachCell((cell) => {
      // A merged range's other cells repeat its master's value in exceljs: keep the master only.
      if (cell.isMerged && cell.master.address !== cell.address) return;
      entries.set(cell.address, cellText(cell));
      if (cell.numFmt) entries.set(`${cell.address} number format`, cell.numFmt);
    }),
  );
  entries.set('merged ranges', [...((sheet.model as unknown as { merges?: string[] }).merges ?? [])].sort().join(' '));
  entries.set('column widths', sheet.columns.map((c) => c.width ?? '-').join(','));
  entries.set('size', `${sheet.rowCount}×${sheet.columnCount}`);
  return entries;
}

async function sheets(file: string): Promise<{ name: string; entries: Map<string, string> }[]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  return book.worksheets.map((sheet) => ({ name: sheet.name, entries: sheetEntries(sheet) }));
}

async function compareXlsx(r: FileReport, fileA: string, fileB: string) {
  const [a, b] = [await sheets(fileA), await sheets(fileB)];
  let cells = 0;
  // Sheets paired by position: a renamed sheet is still compared with its counterpart.
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    const [before, after] = [a[k], b[k]];
    if (!before || !after) {
      r.differences.push(`sheet ${(before ?? after).name} is only ${before ? 'before' : 'after'}`);
      continue;
    }
    if (before.name !== after.name) r.differences.push(`sheet ${k + 1} renamed: ${mark(r, before.name, after.name)}`);
    const label = before.name === after.name ? before.name : `${before.name}|${after.name}`;
    const keys = new Set([...before.entries.keys(), ...after.entries.keys()]);
    cells += [...keys].filter(isCell).length;
    for (const key of keys) {
      const [was, is] = [before.entries.get(key) ?? '', after.entries.get(key) ?? ''];
      const marked = isCell(key) && was && is ? `   [${mark(r, was, is)}]` : '';
      if (was !== is) r.differences.push(`${label}!${key}: ${was || '(empty)'} → ${is || '(empty)'}${marked}`);
    }
  }
  r.notes.push(`${a.length} sheet(s), ${cells} non-empty cell(s) compared by value, number format, merges and column widths`);
  const [partsA, partsB] = [await zipParts(fileA), await zipParts(fileB)];
  noteClock(r, partsA, partsB);
  // The parts' bytes: a style change shows here even when every value is equal.
  const differing = compareParts(r, partsA, partsB, 'zip: ');
  if (r.differences.length) return;
  for (const part of differing) {
    const [before, after] = [partsA.get(part)?.toString('utf8') ?? '', partsB.get(part)?.toString('utf8') ?? ''];
    r.differences.push(`${part} differs though every cell is equal: ${firstDifference(before, after)}`);
  }
}

// ---- PDF: pages as pixels, and their text.

/** The pages as binary PPM files, in page order (pdftoppm pads the page numbers to the page count's width). */
async function rasterise(pdf: string, prefix: string): Promise<string[]> {
  await run('pdftoppm', ['-r', '60', pdf, prefix]);
  const [folder, stem] = [path.dirname(prefix), path.basename(prefix)];
  const pages = readdirSync(folder).filter((f) => f.startsWith(`${stem}-`) && f.endsWith('.ppm'));
  return pages.sort((x, y) => x.length - y.length || x.localeCompare(y)).map((f) => path.join(folder, f));
}

/** A binary PPM: the header `P6 width height 255`, then each pixel's RGB bytes. */
function readPpm(file: string) {
  const data = readFileSync(file);
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(data.toString('latin1', 0, 64));
  if (!header) throw new Error(`${file} is not an 8-bit binary PPM`);
  return { width: Number(header[1]), height: Number(header[2]), rgb: data.subarray(header[0].length) };
}

/** How two pages' pixels differ: null when they are the same. */
function pixelDifference(fileA: string, fileB: string): string | null {
  const [a, b] = [readPpm(fileA), readPpm(fileB)];
  if (a.width !== b.width || a.height !== b.height) return `size ${a.width}×${a.height} → ${b.width}×${b.height}`;
  if (a.rgb.equals(b.rgb)) return null;
  let [count, left, top, right, bottom] = [0, a.width, a.height, -1, -1];
  for (let at = 0; at < a.rgb.length; at += 3) {
    if (a.rgb[at] === b.rgb[at] && a.rgb[at + 1] === b.rgb[at + 1] && a.rgb[at + 2] === b.rgb[at + 2]) continue;
    const [x, y] = [(at / 3) % a.width, Math.floor(at / 3 / a.width)];
    [count, left, right, top, bottom] = [count + 1, Math.min(left, x), Math.max(right, x), Math.min(top, y), Math.max(bottom, y)];
  }
  return `${count} pixel(s) differ, within x ${left}–${right}, y ${top}–${bottom} of ${a.width}×${a.height}`;
}

/** Each page's lines of `pdftotext -layout`, with runs of spaces as one (layout spacing follows the text's width). */
async function pageLines(pdf: string): Promise<string[][]> {
  const { stdout } = await run('pdftotext', ['-layout', pdf, '-'], { maxBuffer: 256 * 1024 * 1024 });
  return stdout.split('\f').map((page) => page.split('\n').flatMap((line) => line.replace(/\s+/g, ' ').trim() || []));
}

async function comparePdf(r: FileReport, before: string, after: string, imagesDir: string) {
  mkdirSync(imagesDir, { recursive: true });
  const [pagesA, pagesB] = [await rasterise(before, path.join(imagesDir, 'before')), await rasterise(after, path.join(imagesDir, 'after'))];
  const [linesA, linesB] = [await pageLines(before), await pageLines(after)];
  let same = 0;
  for (let page = 0; page < Math.min(pagesA.length, pagesB.length); page++) {
    const how = pixelDifference(pagesA[page], pagesB[page]);
    if (!how) {
      same++;
      continue;
    }
    for (const [side, pdf] of Object.entries({ before, after })) {
      const at = String(page + 1);
      await run('pdftoppm', ['-png', '-r', '60', '-f', at, '-l', at, '-singlefile', pdf, path.join(imagesDir, `${side}-page-${at}`)]);
    }
    const { stretches, lines } = textDifferences(r, linesA[page] ?? [], linesB[page] ?? [], 'lines', '');
    r.differences.push(`page ${page + 1}: ${how}; ${stretches ? `${stretches} stretch(es) of text lines differ` : 'its text does not differ'}`, ...lines);
  }
  // Pages beyond the shorter side: the whole text, so the reader sees what moved.
  if (pagesA.length !== pagesB.length) {
    const { stretches, lines } = textDifferences(r, linesA.slice(0, pagesA.length).flat(), linesB.slice(0, pagesB.length).flat(), 'lines', '');
    r.differences.push(`page count: ${pagesA.length} → ${pagesB.length}; whole text, ${stretches} stretch(es) of lines differ:`, ...lines);
  }
  const pages = Math.max(pagesA.length, pagesB.length);
  const pngs = same < pages ? '; the differing pages also as *-page-N.png' : '';
  r.notes.push(`${same} of ${pages} page(s) pixel-identical at 60 dpi (images in ${imagesDir}${pngs})`);
}

// ---- The runs.

async function runReport(checkout: string, cache: string, workDir: string, period: string[], preload: string, now: number) {
  const cacheCopy = path.join(workDir, 'cache.sqlite');
  const outDir = path.join(workDir, 'out');
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  copyFileSync(cache, cacheCopy);
  const args = ['--import', 'tsx', '--import', preload, path.join(checkout, 'scripts/report.ts'), '--cache', cacheCopy, ...period];
  args.push('--format', 'docx,xlsx,pdf', '--out', outDir, '--operator', '对比');
  const started = performance.now();
  // cwd: tsx is found in the checkout's own node_modules.
  const options = { cwd: checkout, env: { ...process.env, COMPARE_EXPORTS_NOW: String(now) }, maxBuffer: 64 * 1024 * 1024 };
  const failed = (e: { stderr?: string; message: string }) => (e.stderr || e.message).trim();
  const error = await run(process.execPath, args, options).then(() => null, failed);
  for (const f of [cacheCopy, `${cacheCopy}-wal`, `${cacheCopy}-shm`]) rmSync(f, { force: true });
  return { outDir, files: readdirSync(outDir).sort(), error, seconds: (performance.now() - started) / 1000 };
}

/** Pairs the files of two runs by format (report.ts writes one file of each): a renamed file is still compared. */
function pairFiles(a: string[], b: string[]): { before?: string; after?: string }[] {
  const formats = [...new Set([...a, ...b].map((f) => path.extname(f)))];
  return formats.map((format) => ({ before: a.find((f) => path.extname(f) === format), after: b.find((f) => path.extname(f) === format) }));
}

/** How each format is compared (images: where a PDF's pages go); any other file, byte for byte. */
type Compare = (r: FileReport, before: string, after: string, images: string) => Promise<void>;
const COMPARERS: Record<string, Compare> = { '.docx': compareDocx, '.xlsx': compareXlsx, '.pdf': comparePdf };

/** The tally of changed stretches, most frequent first: what a relabelling looks like at a glance. */
function tally(reports: FileReport[]): string[] {
  const counts = new Map<string, { count: number; kinds: Set<string> }>();
  for (const r of reports) {
    for (const { before, after } of r.changes) {
      const key = `«${before}» → «${after}»`;
      const entry = counts.get(key) ?? counts.set(key, { count: 0, kinds: new Set() }).get(key)!;
      entry.count++;
      entry.kinds.add(path.extname(r.name).slice(1));
    }
  }
  const line = (key: string, count: number, kinds: Set<string>) =>
    `  ${String(count).padStart(5)}× ${key.length > 240 ? `${key.slice(0, 240)}…` : key}   (${[...kinds].sort().join(', ')})`;
  return [...counts].sort((x, y) => y[1].count - x[1].count || x[0].localeCompare(y[0])).map(([key, { count, kinds }]) => line(key, count, kinds));
}

function parseOptions(argv: string[]) {
  const [text, clock] = [{ type: 'string' }, { type: 'string', default: '2023-03-20T10:00:00+08:00' }] as const;
  const options = { before: text, after: text, cache: text, work: text, now: clock, help: { type: 'boolean' } } as const;
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return null;
  const { before, after, cache, work } = values;
  if (!before || !after || !cache) throw new UsageError('Give --before DIR, --after DIR and --cache FILE.');
  for (const dir of [before, after]) {
    if (!existsSync(path.join(dir, 'scripts/report.ts'))) throw new UsageError(`${dir} is not a checkout: it has no scripts/report.ts.`);
    if (!existsSync(path.join(dir, 'node_modules'))) throw new UsageError(`${dir} has no node_modules (link one: ln -s …/node_modules ${dir}/node_modules).`);
  }
  if (!existsSync(cache)) throw new UsageError(`There is no cache at ${cache}.`);
  const now = Date.parse(values.now);
  if (!Number.isFinite(now)) throw new UsageError(`--now ${values.now} is not a time; write it like 2023-03-20T10:00:00+08:00.`);
  const workDir = work ?? mkdtempSync(path.join(tmpdir(), 'compare-exports-'));
  return { before: path.resolve(before), after: path.resolve(after), cache: path.resolve(cache), work: path.resolve(workDir), now };
}

export async function compareExports(argv: string[], print: (line: string) => void = console.log): Promise<void> {
  const options = parseOptions(argv);
  if (!options) return print(COMPARE_HELP);
  const { before, after, cache, work, now } = options;
  mkdirSync(work, { recursive: true });
  const preload = path.join(work, 'frozen-clock.mjs');
  writeFileSync(preload, FROZEN_CLOCK);
  print(`Comparing the exports of ${before} (before) and ${after} (after)`);
  print(`cache ${cache}, clock frozen at ${new Date(now).toISOString()}, files in ${work}`);
  const reports: FileReport[] = [];
  const failures: string[] = [];
  for (const period of PERIODS) {
    const runs = {
      before: await runReport(before, cache, path.join(work, period.name, 'before'), period.args, preload, now),
      after: await runReport(after, cache, path.join(work, period.name, 'after'), period.args, preload, now),
    };
    print(`\n${period.name} (${period.args.join(' ')}): before ${runs.before.seconds.toFixed(1)} s, after ${runs.after.seconds.toFixed(1)} s`);
    for (const side of ['before', 'after'] as const) {
      if (!runs[side].error) continue;
      failures.push(`${period.name} ${side}: ${runs[side].error}`);
      print(`  the ${side} run failed: ${runs[side].error}`);
    }
    for (const pair of pairFiles(runs.before.files, runs.after.files)) {
      const r = report(`${period.name}/${pair.before ?? pair.after}`);
      const missing = pair.before ? 'after' : 'before';
      if (pair.before && pair.after) {
        if (pair.before !== pair.after) print(`  ${pair.before} is named ${pair.after} after`);
        const images = path.join(work, period.name, 'pages', path.basename(pair.before, path.extname(pair.before)));
        const [fileA, fileB] = [path.join(runs.before.outDir, pair.before), path.join(runs.after.outDir, pair.after)];
        const compare = COMPARERS[path.extname(fileA)];
        if (compare) await compare(r, fileA, fileB, images);
        else if (!readFileSync(fileA).equals(readFileSync(fileB))) r.differences.push('the bytes differ');
      } else if (runs[missing].error) {
        // A file the other side did not write because its run failed is not a difference of the exports.
        r.notCompared = `the ${missing} run failed`;
      } else r.differences.push(`written ${pair.before ? 'before' : 'after'} only`);
      reports.push(r);
      print(`  ${verdict(r)}  ${r.name}`);
      for (const note of r.notes) print(`      · ${note}`);
    }
  }
  const different = reports.filter((r) => r.differences.length && !r.notCompared);
  const skipped = reports.filter((r) => r.notCompared).length;
  const [notCompared, failed] = [skipped ? `, ${skipped} not compared` : '', failures.length ? `, ${failures.length} run(s) failed` : ''];
  print('\n==== Summary');
  print(`${reports.length - different.length - skipped} file(s) identical, ${different.length} different${notCompared}${failed}`);
  for (const r of reports) print(`  ${verdict(r)}  ${r.name}`);
  for (const failure of failures) print(`  run failed: ${failure.split('\n').find((l) => /Error/.test(l)) ?? failure.split('\n')[0]}`);
  if (!different.length) return;
  print('\n==== Changed stretches of text, most frequent first ({before→after} in the details below)');
  for (const line of tally(different)) print(line);
  print('\n==== Differences');
  for (const r of different) print(`\n--- ${r.name}\n${r.differences.map((line) => `  ${line}`).join('\n')}`);
}

async function main() {
  try {
    await compareExports(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${COMPARE_HELP}`);
      process.exit(2);
    }
    // A comparison that could not finish is still a report, of why.
    console.error(`The comparison could not finish: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
