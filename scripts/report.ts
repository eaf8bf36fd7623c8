/**
 * `npm run report -- --cache FILE --week YYYY-Www --format docx,xlsx,pdf --out DIR`: writes the weekly 通报 (and
 * its XLSX appendix) for scheduled jobs, records each file in the export audit log, prints one line per file and
 * exits 0; on failure it prints a sentence saying what went wrong and exits non-zero.
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheFile } from '../core/config';
import { openCache } from '../core/cache/database';
import { ReadService } from '../core/read/service';
import { exportReport } from '../core/report/export';
import { closePdfBrowser } from '../core/report/pdf';
import { periodFromKey, ReportFormat, type PeriodRequest } from '../shared/bridge/briefing';
import { lastCompleteWeek, shanghaiDay } from '../shared/time';

export const REPORT_HELP = `Usage: npm run report -- [--cache FILE] [--week YYYY-Www | --month YYYY-MM | --from YYYY-MM-DD --to YYYY-MM-DD]
                         [--region ID] [--format docx,xlsx,pdf] [--out DIR] [--operator NAME] [--watermark]

Writes the 通报 of a period from the cache: DOCX (GB/T 9704-2012), PDF and the XLSX appendix.

  --cache FILE      the SQLite cache (default ${defaultCacheFile()})
  --week YYYY-Www   ISO week in Asia/Shanghai (default: the last complete week)
  --month YYYY-MM   a calendar month instead
  --from/--to       a custom range of days instead
  --region ID       the 通报 of a street or community (its id in the cache) instead of the district's
  --format LIST     any of docx, xlsx, pdf, comma-separated (default docx,xlsx,pdf)
  --out DIR         where to write the files (default the current directory)
  --operator NAME   who the audit log records (default the OS user)
  --watermark       print the operator and time across every page
PDF needs Chromium (/usr/bin/chromium, or CHROMIUM_PATH).
`;

class UsageError extends Error {}

function periodOf(values: { week?: string; month?: string; from?: string; to?: string }, now: number): PeriodRequest {
  const given = [values.week, values.month, values.from ?? values.to].filter(Boolean).length;
  if (given > 1) throw new UsageError('Give one period: --week, --month, or --from with --to.');
  const key =
    values.week ??
    values.month ??
    (values.from || values.to ? `${(values.from ?? '').replaceAll('-', '')}-${(values.to ?? '').replaceAll('-', '')}` : lastCompleteWeek(shanghaiDay(now)));
  const period = periodFromKey(key);
  if (!period) {
    if (values.week) throw new UsageError(`"${values.week}" is not an ISO week that exists; write it like 2026-W47.`);
    if (values.month) throw new UsageError(`"${values.month}" is not a month; write it like 2026-11.`);
    throw new UsageError('--from and --to must both be days like 2026-11-01, the first no later than the second, at most 366 days apart.');
  }
  return period;
}

export async function runReport(argv: string[], now = Date.now()): Promise<string[]> {
  const { values } = parseArgs({
    args: argv,
    options: {
      cache: { type: 'string' },
      week: { type: 'string' },
      month: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      region: { type: 'string' },
      format: { type: 'string', default: 'docx,xlsx,pdf' },
      out: { type: 'string', default: '.' },
      operator: { type: 'string' },
      watermark: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return [];
  }
  const formats = values.format
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  const bad = formats.filter((f) => !ReportFormat.safeParse(f).success);
  if (bad.length || !formats.length)
    throw new UsageError(`--format takes docx, xlsx and pdf, comma-separated; "${bad.join(',') || values.format}" is not one of them.`);
  const period = periodOf(values, now);
  const cacheFile = values.cache ?? defaultCacheFile();
  if (!existsSync(cacheFile))
    throw new UsageError(
      `There is no cache at ${cacheFile}. Fill one with "npm run sync -- --api URL --token T --cache ${cacheFile}" first, or point --cache at it.`,
    );
  const { db } = openCache(cacheFile);
  const written: string[] = [];
  try {
    // The CLI reads on its own thread: nothing else waits for it.
    const service = new ReadService(db);
    if (!service.queries.hasReference) throw new UsageError(`The cache ${cacheFile} has no regions yet; sync it from the central API first.`);
    // A wrong id would quietly give the district's 通报 (as a stale link does in the app): here it is an error.
    if (values.region && service.queries.scope(values.region).id === null)
      throw new UsageError(`"${values.region}" is not the id of a street or community in the cache.`);
    const operator = values.operator ?? `${os.userInfo().username} (cli)`;
    mkdirSync(values.out, { recursive: true });
    for (const format of [...new Set(formats)] as ReportFormat[]) {
      const result = await exportReport(service, { period, region: values.region ?? null, format, operator, watermark: { enabled: values.watermark } }, now);
      const file = path.resolve(values.out, result.fileName);
      writeFileSync(file, result.data);
      written.push(file);
    }
  } finally {
    db.close();
    await closePdfBrowser();
  }
  return written;
}

async function main() {
  try {
    const files = await runReport(process.argv.slice(2));
    for (const f of files) console.log(f);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? message : `The report could not be written: ${message}`,
    );
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
