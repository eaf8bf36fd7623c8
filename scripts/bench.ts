/**
 * `npm run bench -- [--only sync,query,live,...] [--events N] [--city] [--json FILE]`: the performance budgets of
 * DESIGN §7, each printed as a figure and, where there is one, as a ratio to a baseline measured in the same run.
 * Not part of `npm test`: machines are noisy, so benchmarks report and tests never assert timings.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { benchLevels, benchLiveApply, benchQueries, benchSync, type LevelFigures } from './bench/sync';
import { printFigure, type Figure } from './bench/report';

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      events: { type: 'string', default: '1000000' },
      city: { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('Usage: npm run bench -- [--only sync,query,live] [--events N] [--city] [--json FILE]');
    return;
  }
  const only = values.only ? new Set(values.only.split(',')) : null;
  const want = (name: string) => !only || only.has(name);
  const figures: Figure[] = [];
  const add = (list: Figure[]) => list.forEach((f) => (figures.push(f), printFigure(f)));
  console.log(
    `Grid Command Center benchmarks — ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)}`,
  );

  const events = Number(values.events);
  const districtLabel = `district, ${events.toLocaleString('en')} events`;
  let districtLevels: LevelFigures | undefined;
  if (want('sync') || want('query')) {
    const district = await benchSync({ events, label: 'district' });
    if (want('sync')) add(district.figures);
    if (want('query')) add(benchQueries(district.cacheFile, districtLabel));
    if (want('query') || values.city) {
      const levels = benchLevels(district.cacheFile, districtLabel);
      if (want('query')) add(levels.figures);
      districtLevels = levels.levels;
    }
    if (want('live')) add(await benchLiveApply(districtLabel, district));
  } else if (want('live')) add(await benchLiveApply('district, 2,000 events'));
  if (values.city) {
    const city = await benchSync({ events: 5_000_000, scale: 'city', label: 'city (20,000 grids)' });
    add(city.figures);
    add(benchQueries(city.cacheFile, 'city, 5,000,000 events'));
    add(benchLevels(city.cacheFile, 'city, 5,000,000 events', districtLevels).figures);
    add(await benchLiveApply('city, 5,000,000 events', city));
  }
  for (const extra of ['central', 'wall', 'report', 'import', 'reads'] as const) {
    if (!want(extra)) continue;
    try {
      const mod = (await import(`./bench-${extra}.ts`)) as { bench?: (options: { events: number }) => Promise<Figure[]> };
      if (mod.bench) add(await mod.bench({ events }));
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    }
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(figures, null, 2));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
