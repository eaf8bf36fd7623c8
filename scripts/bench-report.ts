/**
 * Report benchmarks (DESIGN §7: weekly 通报 as DOCX ≤ 1 s, as PDF ≤ 3 s; at city scale within 2×): the time to
 * assemble the week's briefing and render the DOCX, and to render the PDF through Chromium (warm, and with the
 * browser start), for a week of district data and of city data (20,000 grids). The PDF is also given as a ratio
 * to Chromium printing a one-line page in the same run (the printing overhead no report can avoid).
 *
 *   npm run bench -- --only report              (through the benchmark harness)
 *   npx tsx scripts/bench-report.ts [--cache FILE --week YYYY-Www] [--no-city]
 *
 * The data: a cache you name, or the demo district the report tests use (scripts/lib/demo-cache.ts: the demo
 * generator with its clock at DEMO_NOW, a Monday, and the week before it), and the same generator at city scale;
 * both are filled once and kept in the temp folder for the next run.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { openCache } from '../core/cache/database';
import { ReadService } from '../core/read/service';
import { assembleBriefing } from '../core/report/briefing';
import { renderDocx } from '../core/report/docx';
import { closePdfBrowser, printHtmlToPdf, renderPdf } from '../core/report/pdf';
import { buildReport, defaultTexts } from '../core/report/template';
import { DEMO_NOW, DEMO_WEEK, keptDemoCache } from './lib/demo-cache';
import { percentile, printFigure, type Figure } from './bench/report';

const RUNS = 5;
/** Events from 2022 up to DEMO_NOW at city scale: about 10,000 cases in the week reported (the district has ~500). */
const CITY_EVENTS = 600_000;
const USAGE = 'Usage: npx tsx scripts/bench-report.ts [--cache FILE --week YYYY-Www] [--no-city]';

async function timed(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return percentile(ms, 50);
}

async function benchCache(label: string, cacheFile: string, week: string, now: number, budgetFactor: number): Promise<Figure[]> {
  const { db } = openCache(cacheFile, { readonly: true });
  try {
    const { reads, queries } = new ReadService(db);
    const ctx = { reads, queries, now };
    const period = { kind: 'week' as const, week };
    const b = assembleBriefing(ctx, period);
    const doc = buildReport(b, defaultTexts(b, now));
    const events = b.kpis.find((k) => k.metric === 'events')!.value ?? 0;
    const what = `${label}, ${events.toLocaleString('en')} cases`;

    await closePdfBrowser();
    const cold = await timed(1, () => renderPdf(doc));
    const bare = await timed(RUNS, () => printHtmlToPdf('<!doctype html><p>—</p>'));
    const briefing = await timed(RUNS, () => assembleBriefing(ctx, period));
    const docx = await timed(RUNS, async () => renderDocx(buildReport(assembleBriefing(ctx, period), defaultTexts(b, now))));
    const pdf = await timed(RUNS, async () => renderPdf(buildReport(assembleBriefing(ctx, period), defaultTexts(b, now))));
    return [
      { name: `report: briefing of a week (${what})`, value: briefing, unit: 'ms' },
      { name: `report: DOCX of a week (${label})`, value: docx, unit: 'ms', budget: `≤ ${1000 * budgetFactor} ms` },
      {
        name: `report: PDF of a week (${label}, Chromium warm)`,
        value: pdf,
        unit: 'ms',
        ratio: pdf / bare,
        baseline: 'a one-line page',
        budget: `≤ ${3000 * budgetFactor} ms`,
      },
      { name: `report: PDF of a week (${label}, incl. Chromium start)`, value: cold, unit: 'ms' },
    ];
  } finally {
    db.close();
  }
}

export async function bench(options: { cache?: string; week?: string; city?: boolean } = {}): Promise<Figure[]> {
  const figures: Figure[] = [];
  try {
    if (options.cache) {
      figures.push(...(await benchCache('given cache', options.cache, options.week ?? DEMO_WEEK, Date.now(), 1)));
    } else {
      figures.push(...(await benchCache('district', keptDemoCache().file, DEMO_WEEK, DEMO_NOW, 1)));
    }
    if (options.city !== false && !options.cache) {
      figures.push(...(await benchCache('city, 20,000 grids', keptDemoCache({ scale: 'city', events: CITY_EVENTS }).file, DEMO_WEEK, DEMO_NOW, 2)));
    }
  } finally {
    await closePdfBrowser();
  }
  return figures;
}

async function main() {
  const { values } = parseArgs({
    options: { cache: { type: 'string' }, week: { type: 'string' }, 'no-city': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  console.log(`report benchmarks — ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
  for (const f of await bench({ cache: values.cache, week: values.week, city: !values['no-city'] })) printFigure(f);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
