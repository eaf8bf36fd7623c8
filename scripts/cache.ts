/**
 * `npm run cache -- check|stats|quarantine|kpis --cache FILE [--json]`: looks into a cache without changing it.
 */
import { parseArgs } from 'node:util';
import { openCache } from '../core/cache/database';
import { cacheStats, checkCache, quarantineRows, quarantineSummary } from '../core/cache/inspect';
import { ReadService } from '../core/read/service';
import { percent } from '../shared/kpi/formulas';
import { addDays, dayStart, isoDateToDay } from '../shared/time';
import { defaultCacheFile } from '../core/config';

const HELP = `Usage: npm run cache -- <command> [--cache FILE] [--json]

Commands:
  check        SQLite integrity and rollup consistency; exits 1 on a problem
  stats        counts of regions, events by kind, quarantine, cursor, schema version
  quarantine   what the quarantined records wait for (a grid, department or task the API has not sent yet:
               they land by themselves when it arrives) or why they are kept for good; the newest (--limit N)
  kpis         KPI totals of a date range: --from YYYY-MM-DD --to YYYY-MM-DD

--cache defaults to ${defaultCacheFile()} (or GCC_CACHE).
`;

function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      cache: { type: 'string' },
      json: { type: 'boolean', default: false },
      limit: { type: 'string', default: '50' },
      from: { type: 'string' },
      to: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(HELP);
    process.exit(command || values.help ? 0 : 2);
  }
  const file = values.cache ?? defaultCacheFile();
  const { db } = openCache(file, { readonly: true });
  const print = (human: string, json: unknown) => console.log(values.json ? JSON.stringify(json, null, 2) : human);

  if (command === 'stats') {
    const s = cacheStats(db);
    print(
      Object.entries(s)
        .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
        .join('\n'),
      s,
    );
  } else if (command === 'check') {
    const problems = checkCache(db);
    print(problems.length ? problems.join('\n') : `${file}: consistent`, { ok: problems.length === 0, problems });
    process.exitCode = problems.length ? 1 : 0;
  } else if (command === 'quarantine') {
    const groups = quarantineSummary(db);
    const rows = quarantineRows(db, Number(values.limit));
    const waiting = (g: (typeof groups)[number]) => {
      const [what, id] = g.waitingFor!.split(/:(.*)/s);
      const where = what === 'grid' ? '/v1/regions' : '/v1/organisation';
      return `${g.records} waiting for ${what} "${id}" (not in ${where} yet; they land when it arrives)`;
    };
    const human = [
      ...groups.map((g) => (g.waitingFor ? waiting(g) : `${g.records} kept for good, e.g. ${g.reason}`)),
      ...(rows.length ? ['', `Newest ${rows.length}:`, ...rows.map((r) => JSON.stringify(r))] : []),
    ];
    print(groups.length ? human.join('\n') : 'No quarantined records.', { groups, newest: rows });
  } else if (command === 'kpis') {
    if (!values.from || !values.to) throw new Error('kpis needs --from YYYY-MM-DD and --to YYYY-MM-DD.');
    const from = isoDateToDay(values.from);
    const to = isoDateToDay(values.to);
    // "Now" is the end of the range, so the safe-grid count is the one in force then.
    const s = new ReadService(db).snapshot({ preset: 'custom', from, to }, dayStart(addDays(to, 1)) - 1000);
    const t = s.totals;
    const kpis = {
      from: values.from,
      to: values.to,
      events: t.events,
      appealsReceived: t.appeals,
      appealsJointlyHandled: t.jointAppeals,
      satisfactionRate: percent(t.satisfaction.rate),
      rated: t.satisfaction.satisfied + t.satisfaction.basic + t.satisfaction.dissatisfied,
      disputesFound: t.disputesFound,
      disputesResolved: t.disputesResolved,
      disputeResolutionRate: percent(t.disputeResolutionRate),
      difficultiesSolved: t.difficultiesSolved,
      onTimeRate: percent(t.onTimeRate),
      closed: t.closed,
      safeGrids: s.safeGrids.safe + s.safeGrids.atRisk,
      safeGridPeriod: s.safeGrids.period,
      grids: s.safeGrids.total,
    };
    print(
      Object.entries(kpis)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n'),
      kpis,
    );
  } else {
    throw new Error(`Unknown command "${command}". Try --help.`);
  }
  db.close();
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
