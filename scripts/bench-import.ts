/**
 * The importers' benchmarks: a district's own files through the central service (central/import, the /v1/imports
 * API) as `npm run import` and the 导入 page send them (ImportsClient), each against a library reading the same file
 * alone in the same run. Files are made here (scripts/bench/import-files.ts, the demo's geography); the service is
 * the real program (central/main.ts) on a fresh SQLite store in a child process, so its peak memory is its own;
 * the baselines run in children of their own too (scripts/bench/import-child.ts).
 *
 * 1. ledger: a 100,000-row 矛盾纠纷排查化解台账 (.xlsx) from the file to the wall. The district's boundaries
 *    (GeoJSON, 297 grids) are imported first; then the ledger is sent, read and previewed (start → ready), committed,
 *    and the app syncs it into a fresh cache (createBackend, sync 'follow', until live) and draws its first wall
 *    snapshot. Baseline: exceljs's streaming WorkbookReader reading the same file alone. Peak memory: the service
 *    process's during the import (its peak reset just before), against the exceljs reader's own.
 * 2. bad: the same ledger with 3 bad rows: time to the preview that names them (then discarded; runs with 1).
 * 3. boundaries: a city's 20,000 grids (plus 332 communities, 25 streets, the district) as a zipped Shapefile of
 *    four layers: readBoundaries (unzip + read) and buildBoundaryTree (checks + tree) timed apart in this process, and
 *    the whole import through a fresh service (start → ready). Baseline: the `shapefile` package reading the same
 *    layers (unzipped) alone.
 *
 *   npm run bench -- --only import [--json FILE]
 *   npm exec tsx scripts/bench-import.ts -- [--parts ledger,bad,boundaries] [--rows 100000] [--json FILE] [--keep]
 *
 * Everything it starts is stopped and its temporary folder removed at the end, also on SIGINT (--keep keeps the
 * files). Timings include the client's polling (every 100 ms).
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { buildBoundaryTree } from '../central/import/boundaries/tree';
import { readBoundaries } from '../central/import/boundaries/read';
import { createBackend } from '../core/backend';
import { cacheStats } from '../core/cache/inspect';
import { openCache } from '../core/cache/database';
import { ImportsClient, type FileImport } from '../core/imports/client';
import type { ImportView } from '../shared/api/imports';
import { addDays, shanghaiDay } from '../shared/time';
import type { ChildResult } from './bench/import-child';
import { writeCityShapefile, writeDisputesLedger, writeDistrictGeoJson } from './bench/import-files';
import { startService, type ServiceProcess } from './bench/central-service';

type ImportService = ServiceProcess & { token: string };
import { printFigure, type Figure } from './bench/report';
import { withCleanup } from './bench/cleanup';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const childScript = path.join(root, 'scripts', 'bench', 'import-child.ts');

export type ImportPart = 'ledger' | 'bad' | 'boundaries';
export const IMPORT_PARTS: ImportPart[] = ['ledger', 'bad', 'boundaries'];

export interface ImportBenchOptions {
  /** Ledger rows (default 100,000). */
  rows?: number;
  parts?: ImportPart[];
  /** Keep the temporary folder (its path is logged). */
  keep?: boolean;
  /** Progress lines (stderr by default: the figures come at the end). */
  log?: (line: string) => void;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const mb = (bytes: number) => bytes / 2 ** 20;
const seconds = (from: number) => (performance.now() - from) / 1000;

/** A baseline in a child process of its own (scripts/bench/import-child.ts); killed on SIGINT. */
async function child(args: string[]): Promise<ChildResult> {
  const controller = new AbortController();
  return withCleanup(
    () => controller.abort(),
    async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', childScript, ...args], {
        cwd: root,
        maxBuffer: 1 << 20,
        signal: controller.signal,
      });
      return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
    },
  );
}

/**
 * A service on a fresh store in `dir`, stopped when `run` ends; killed (SIGKILL, at once) on SIGINT, also while it
 * is starting, so that it cannot write its store into the folder being removed.
 */
async function withService<T>(dir: string, name: string, run: (service: ImportService, client: ImportsClient) => Promise<T>): Promise<T> {
  let child: ChildProcess | undefined;
  let service: ImportService | undefined;
  return withCleanup(
    async (interrupted) => {
      if (interrupted || !service) child?.kill('SIGKILL');
      else await service.stop().catch(() => void child?.kill('SIGKILL'));
    },
    async () => {
      const token = `bench-${randomBytes(12).toString('hex')}`;
      service = { ...(await startService(path.join(dir, `${name}.sqlite`), { token, onSpawn: (spawned) => (child = spawned) })), token };
      return run(service, new ImportsClient({ baseUrl: service.url, token: service.token, timeoutMs: 600_000 }));
    },
  );
}

/** Sends a file and waits for its preview (polling every 100 ms). */
async function preview(client: ImportsClient, request: FileImport): Promise<ImportView> {
  const started = await client.start(request);
  return client.settled(started.id, () => {}, 100);
}

function expectClean(view: ImportView, what: string): void {
  if (view.status !== 'ready' || view.state.problemCounts.error > 0)
    throw new Error(
      `${what}: the import is ${view.status} with ${view.state.problemCounts.error} errors (${view.state.message ?? view.state.problems.find((p) => p.severity === 'error')?.message ?? ''})`,
    );
}

/** The ledger from the file to the wall, and (with `bad`) the preview of its copy with 3 bad rows. */
async function benchLedger(dir: string, rows: number, parts: Set<ImportPart>, log: (line: string) => void): Promise<Figure[]> {
  const figures: Figure[] = [];
  const district = writeDistrictGeoJson(path.join(dir, 'district.geojson'));
  log(`writing the ${fmt(rows)}-row 矛盾纠纷 ledger${parts.has('bad') ? ' (and its copy with 3 bad rows)' : ''} with exceljs's WorkbookWriter`);
  const ledger = await writeDisputesLedger(
    path.join(dir, 'ledger.xlsx'),
    { rows, gridNames: district.gridNames },
    parts.has('bad') ? path.join(dir, 'ledger-bad.xlsx') : undefined,
  );
  const size = `${(ledger.bytes / 1e6).toFixed(1)} MB`;
  log(`ledger: ${size}, written in ${ledger.seconds.toFixed(1)} s; the exceljs baseline (its own process)`);
  const bare = await child(['exceljs', ledger.file]);
  if (bare.items !== rows + 2) throw new Error(`exceljs read ${bare.items} rows, not ${rows + 2}`);
  log(`exceljs alone: ${bare.seconds.toFixed(1)} s, peak RSS ${bare.peakRssMb.toFixed(0)} MB; starting the service`);
  const baseline = `exceljs WorkbookReader alone ${bare.seconds.toFixed(1)} s`;
  const label = 'import ledger';

  await withService(dir, 'district', async (service, client) => {
    let t = performance.now();
    const boundaries = await preview(client, { source: 'boundaries', file: { path: district.file }, fileName: '广安区网格边界.geojson', datum: 'GCJ-02' });
    expectClean(boundaries, 'district boundaries');
    await client.commit(boundaries.id, { acceptWarnings: true, deleteMissing: false });
    const boundarySeconds = seconds(t);
    log(`district boundaries (${district.features} features, ${district.gridNames.length} grids) imported in ${boundarySeconds.toFixed(1)} s; the ledger`);

    const rssBefore = mb(service.memory().rss);
    const reset = service.resetPeak();
    const cpu0 = service.cpuSeconds();
    const t0 = performance.now();
    const ready = await preview(client, { source: 'disputes', file: { path: ledger.file }, fileName: '矛盾纠纷排查化解台账.xlsx' });
    const readSeconds = seconds(t0);
    expectClean(ready, 'the ledger');
    if (ready.state.rows !== rows || ready.state.outcome?.created !== rows)
      throw new Error(`the ledger's preview has ${ready.state.rows} rows, ${ready.state.outcome?.created} to create (not ${rows})`);
    log(`ledger read and previewed in ${readSeconds.toFixed(1)} s (${ready.state.problemCounts.warning} warnings); committing`);
    t = performance.now();
    const committed = await client.commit(ready.id, { acceptWarnings: true, deleteMissing: false });
    const commitSeconds = seconds(t);
    if (committed.status !== 'committed') throw new Error(`the commit ended ${committed.status}`);
    const peak = mb(service.memory().hwm);
    const serviceCpu = service.cpuSeconds() - cpu0;
    log(`committed in ${commitSeconds.toFixed(1)} s; service peak RSS ${peak.toFixed(0)} MB (${rssBefore.toFixed(0)} MB before); the app syncs`);

    t = performance.now();
    const cacheFile = path.join(dir, 'app', 'cache.sqlite');
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    const backend = createBackend({
      host: 'web',
      version: 'bench',
      data: { cacheFile, api: { baseUrl: service.url, token: service.token }, demo: false, sync: 'follow' },
    });
    let syncSeconds = 0;
    let wallSeconds = 0;
    try {
      const deadline = Date.now() + 600_000;
      for (;;) {
        const status = await backend.handlers['sync.status']({});
        if (status.state === 'live') break;
        if (Date.now() > deadline) throw new Error(`the app did not sync within 10 minutes: ${JSON.stringify(status)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      syncSeconds = seconds(t);
      t = performance.now();
      const now = Date.now();
      const wall = await backend.handlers['scene.snapshot']({ window: { preset: 'custom', from: addDays(shanghaiDay(now), -370), to: shanghaiDay(now) } });
      wallSeconds = seconds(t);
      if (wall.totals.disputesFound !== rows) throw new Error(`the wall shows ${JSON.stringify(wall.totals.disputesFound)} disputes found, not ${rows}`);
    } finally {
      await backend.close();
    }
    const { db } = openCache(cacheFile, { readonly: true });
    const events = cacheStats(db).events;
    db.close();
    if (events !== rows) throw new Error(`the app's cache holds ${events} events, not ${rows}`);
    log(`synced in ${syncSeconds.toFixed(1)} s, first wall snapshot in ${wallSeconds.toFixed(2)} s`);

    const total = readSeconds + commitSeconds + syncSeconds + wallSeconds;
    figures.push(
      { name: `import baseline: exceljs streaming read, ${fmt(rows)} rows`, value: bare.seconds, unit: 's' },
      { name: `import ledger ${fmt(rows)} rows (${size}): file to the wall`, value: total, unit: 's', ratio: total / bare.seconds, baseline },
      { name: `${label}: upload + read + preview (start → ready)`, value: readSeconds, unit: 's', ratio: readSeconds / bare.seconds, baseline },
      { name: `${label}: commit (one transaction)`, value: commitSeconds, unit: 's' },
      { name: `${label}: app sync into a fresh cache, until live`, value: syncSeconds, unit: 's' },
      { name: `${label}: first wall snapshot (the year)`, value: wallSeconds, unit: 's' },
      { name: `${label}: rows/s, file to the wall`, value: rows / total, unit: 'rows/s' },
      { name: `${label}: service CPU, read to commit`, value: serviceCpu, unit: 's' },
      {
        name: `${label}: service peak RSS, read to commit${reset ? '' : ' (its whole life)'}`,
        value: peak,
        unit: 'MB',
        ratio: peak / bare.peakRssMb,
        baseline: `exceljs reader's process ${bare.peakRssMb.toFixed(0)} MB`,
      },
      { name: `${label}: service RSS before it (idle)`, value: rssBefore, unit: 'MB' },
      { name: `import district boundaries (GeoJSON, ${district.gridNames.length} grids): start → committed`, value: boundarySeconds, unit: 's' },
    );

    if (ledger.bad) {
      log('the copy with 3 bad rows');
      const t1 = performance.now();
      const bad = await preview(client, { source: 'disputes', file: { path: ledger.bad.file }, fileName: '矛盾纠纷排查化解台账（有误）.xlsx' });
      const badSeconds = seconds(t1);
      const errorRows = bad.state.problems.filter((p) => p.severity === 'error').map((p) => p.row);
      if (bad.status !== 'ready' || bad.state.problemCounts.error !== 3 || errorRows.join() !== ledger.bad.rows.join())
        throw new Error(
          `the bad copy's preview names errors in rows ${errorRows.join(', ')} (${bad.state.problemCounts.error} errors), not ${ledger.bad.rows.join(', ')}`,
        );
      await client.discard(bad.id);
      log(`preview naming rows ${errorRows.join(', ')} in ${badSeconds.toFixed(1)} s`);
      figures.push({
        name: `import ledger with 3 bad rows: preview naming them`,
        value: badSeconds,
        unit: 's',
        ratio: badSeconds / bare.seconds,
        baseline,
      });
    }
  });
  return figures;
}

/** A city's 20,000 grids from a zipped Shapefile: the read, the tree, and the import through the service. */
async function benchBoundaries(dir: string, log: (line: string) => void): Promise<Figure[]> {
  log('writing the city-scale Shapefile (the demo geography, 20,000 grids)');
  let t = performance.now();
  const city = await writeCityShapefile(path.join(dir, 'city'));
  log(`${fmt(city.features)} features, zip ${(city.bytes / 1e6).toFixed(1)} MB, made in ${seconds(t).toFixed(1)} s; the shapefile baseline (its own process)`);
  const bare = await child(['shapefile', ...city.layers.flatMap((l) => [l.shp, l.dbf])]);
  if (bare.items !== city.features) throw new Error(`shapefile read ${bare.items} features, not ${city.features}`);
  const baseline = `shapefile package alone ${bare.seconds.toFixed(2)} s`;
  log(`shapefile alone: ${bare.seconds.toFixed(2)} s; readBoundaries and buildBoundaryTree here`);

  t = performance.now();
  const read = await readBoundaries(city.zip, path.basename(city.zip), { datum: 'GCJ-02' });
  const readSeconds = seconds(t);
  if (read.features.length !== city.features || read.problems.length)
    throw new Error(`readBoundaries: ${read.features.length} features, problems ${JSON.stringify(read.problems.slice(0, 2))}`);
  t = performance.now();
  const built = buildBoundaryTree(read, null);
  const treeSeconds = seconds(t);
  if (built.problems.some((p) => p.severity === 'error')) throw new Error(`buildBoundaryTree: ${JSON.stringify(built.problems.slice(0, 2))}`);
  log(`read ${readSeconds.toFixed(1)} s, tree ${treeSeconds.toFixed(1)} s (${built.tree.regions.length} regions); through the service`);

  const label = `import city Shapefile (${fmt(city.grids)} grids)`;
  const figures: Figure[] = [
    { name: `import baseline: shapefile read, ${fmt(city.features)} features`, value: bare.seconds, unit: 's' },
    { name: `${label}: readBoundaries (unzip + read)`, value: readSeconds, unit: 's', ratio: readSeconds / bare.seconds, baseline },
    { name: `${label}: buildBoundaryTree (checks + tree)`, value: treeSeconds, unit: 's' },
  ];
  await withService(dir, 'city', async (service, client) => {
    service.resetPeak();
    t = performance.now();
    const ready = await preview(client, { source: 'boundaries', file: { path: city.zip }, fileName: path.basename(city.zip), datum: 'GCJ-02' });
    const importSeconds = seconds(t);
    expectClean(ready, 'city boundaries');
    if (ready.state.regions?.created !== city.features) throw new Error(`the preview creates ${ready.state.regions?.created} regions, not ${city.features}`);
    const peak = mb(service.memory().hwm);
    log(`through the service: ready in ${importSeconds.toFixed(1)} s, peak RSS ${peak.toFixed(0)} MB`);
    figures.push(
      { name: `${label}: service, start → ready`, value: importSeconds, unit: 's', ratio: importSeconds / bare.seconds, baseline },
      {
        name: `${label}: service peak RSS`,
        value: peak,
        unit: 'MB',
        ratio: peak / bare.peakRssMb,
        baseline: `shapefile reader's process ${bare.peakRssMb.toFixed(0)} MB`,
      },
    );
  });
  return figures;
}

/** The importers' figures (see the top of this file). */
export async function benchImport(options: ImportBenchOptions = {}): Promise<Figure[]> {
  const rows = options.rows ?? 100_000;
  const parts = new Set(options.parts ?? IMPORT_PARTS);
  const log = options.log ?? ((line: string) => console.error(`[import] ${line}`));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gcc-bench-import-'));
  if (options.keep) log(`files in ${dir}`);
  const figures: Figure[] = [];
  await withCleanup(
    () => {
      if (!options.keep) rmSync(dir, { recursive: true, force: true });
    },
    async () => {
      if (parts.has('ledger') || parts.has('bad')) figures.push(...(await benchLedger(dir, rows, parts, log)));
      if (parts.has('boundaries')) figures.push(...(await benchBoundaries(dir, log)));
    },
  );
  return figures;
}

/** The figures `npm run bench -- --only import` prints and writes to its JSON (`--events` is not used here). */
export async function bench(_options: { events?: number } = {}): Promise<Figure[]> {
  return benchImport();
}

const HELP = `npm exec tsx scripts/bench-import.ts -- [--parts ledger,bad,boundaries] [--rows 100000] [--json FILE] [--keep]
  the importers' benchmarks: a ${'矛盾纠纷'} ledger from the file to the wall, its preview with 3 bad rows, and a
  city's 20,000 grid boundaries from a zipped Shapefile; each against a library reading the same file alone`;

async function main() {
  const { values } = parseArgs({
    options: {
      parts: { type: 'string' },
      rows: { type: 'string' },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const rows = values.rows === undefined ? undefined : Number(values.rows);
  if (rows !== undefined && !(Number.isInteger(rows) && rows >= 2_000))
    throw new Error(`--rows must be a whole number of at least 2,000 (got "${values.rows}").`);
  let parts: ImportPart[] | undefined;
  if (values.parts !== undefined) {
    parts = values.parts.split(',').map((s) => s.trim()) as ImportPart[];
    const unknown = parts.filter((p) => !IMPORT_PARTS.includes(p));
    if (unknown.length) throw new Error(`--parts: unknown ${unknown.join(', ')} (one or more of ${IMPORT_PARTS.join(', ')}).`);
  }
  const figures = await benchImport({ rows, parts, keep: values.keep });
  figures.forEach(printFigure);
  if (values.json) writeFileSync(values.json, JSON.stringify(figures, null, 2));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  });
}
