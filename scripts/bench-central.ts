/**
 * The central data service's benchmarks, each figure with its ratio to a baseline of the same run:
 *
 * 1. write: N realistic events (the demo generator's, scripts/bench/central-events.ts) posted through HTTP
 *    (POST /v1/events, batches of 5,000, a write token) to the service program on SQLite and on PostgreSQL,
 *    records/s, against the bare insert of the same rows into the same engine (scripts/bench/central-store.ts);
 * 2. feed: a client paging /v1/changes?limit=5000 through them on each engine, against a bare paged SELECT;
 * 3. sync: the app's initial sync (its sync worker, into a fresh cache) from the SQLite-backed service, against the
 *    bare insert of the same rows into the cache (scripts/bench/central-sync.ts);
 * 4. fan-out: stream clients over several service processes on one PostgreSQL while one writer posts single
 *    events: write-to-client latency, the services' CPU and RSS per client (scripts/bench/central-fanout.ts);
 * and the demo generator server's own feed (benchFeed below: flat memory is its point, the feed is generated page
 * by page, never held).
 *
 *   npm run bench -- --only central [--events N] [--json FILE]
 *   npm exec tsx scripts/bench-central.ts -- [--events N] [--parts write,feed,sync,fanout,demo] [--engines …]
 *       [--clients 50] [--processes 2] [--rate 50] [--seconds 30] [--json FILE]
 *   npm exec tsx scripts/bench-central.ts -- --demo-feed [--scale city] [--events N] [--limit 5000] [--seed 1]
 *
 * PostgreSQL runs as a throw-away cluster (scripts/bench/pg-cluster.ts); everything it starts is stopped and every
 * temporary file removed at the end, also on SIGINT. `npm run bench` calls bench(), which takes its options from
 * the caller (parsing the whole command line at import failed on `--json`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PostgresStore } from '../central/store/postgres/store';
import { batches, generateEvents } from './bench/central-events';
import { benchFanout } from './bench/central-fanout';
import {
  BATCH,
  bareSqliteInsert,
  bareSqliteRead,
  barePostgresInsert,
  barePostgresRead,
  pageFeed,
  postEvents,
  serveStore,
  type Rate,
  type ServiceRate,
} from './bench/central-store';
import { appInitialSync, bareCacheInsert } from './bench/central-sync';
import { startCluster } from './lib/postgres-cluster';
import { printFigure, type Figure } from './bench/report';
import { withCleanup } from './bench/cleanup';

export interface FeedBenchOptions {
  scale: string;
  events?: string;
  limit: string;
  seed: string;
}

/** Pages through the whole change feed of a fresh demo server; returns what it measured. */
export async function benchFeed(values: FeedBenchOptions) {
  const script = fileURLToPath(new URL('./central.ts', import.meta.url));
  const args = ['--import', 'tsx', script, '--port', '0', '--rate', '0', '--seed', values.seed!, '--scale', values.scale!];
  if (values.events) args.push('--events', values.events);
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n')) resolve(line.trim());
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const readyMs = performance.now() - started;

  function memory(): { rss: number; hwm: number } {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
  }

  /** CPU seconds the server has used (user + system), from /proc/<pid>/stat: fair on a busy machine. */
  function cpuSeconds(): number {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  const mb = (b: number) => Math.round(b / 1048576);
  const atReady = memory();
  const cpuAtReady = cpuSeconds();
  const samples: { records: number; rssMb: number }[] = [];
  const headers = { authorization: 'Bearer demo-token' };
  const limit = Number(values.limit);
  let after = 0;
  let records = 0;
  let bytes = 0;
  let pages = 0;
  const t0 = performance.now();
  let nextSample = 0;
  for (;;) {
    const res = await fetch(`${url}v1/changes?after_rev=${after}&limit=${limit}`, { headers });
    const body = await res.text();
    bytes += body.length;
    pages++;
    // Count items and read the cursor without parsing the page: the client's own cost is not what is measured.
    let n = 0;
    for (let i = body.indexOf('{"type":"'); i >= 0; i = body.indexOf('{"type":"', i + 9)) n++;
    records += n;
    const tail = /"next_rev":(\d+),"has_more":(true|false)/.exec(body.slice(-200));
    if (!tail) throw new Error(`unexpected page: ${body.slice(0, 200)}`);
    after = Number(tail[1]);
    if (records >= nextSample) {
      samples.push({ records, rssMb: mb(memory().rss) });
      nextSample += 250_000;
    }
    if (tail[2] === 'false') break;
  }
  const seconds = (performance.now() - t0) / 1000;
  const end = memory();
  const cpu = cpuSeconds() - cpuAtReady;
  child.kill('SIGTERM');
  const result = {
    scale: values.scale,
    events: values.events ?? 'default',
    server_ready_ms: Math.round(readyMs),
    server_rss_at_ready_mb: mb(atReady.rss),
    records,
    pages,
    page_limit: limit,
    megabytes: mb(bytes),
    seconds: Number(seconds.toFixed(1)),
    records_per_second: Math.round(records / seconds),
    server_cpu_seconds: Number(cpu.toFixed(1)),
    records_per_server_cpu_second: Math.round(records / cpu),
    load_average: os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' '),
    server_peak_rss_mb: mb(end.hwm),
    server_rss_at_end_mb: mb(end.rss),
    rss_samples_mb: samples.map((s) => `${(s.records / 1e6).toFixed(2)}M:${s.rssMb}`).join(' '),
  };
  return result;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

export type CentralPart = 'write' | 'feed' | 'sync' | 'fanout' | 'demo';
export const CENTRAL_PARTS: CentralPart[] = ['write', 'feed', 'sync', 'fanout', 'demo'];

export interface CentralBenchOptions {
  /** Events written and read (default 1,000,000). */
  events?: number;
  parts?: CentralPart[];
  engines?: ('sqlite' | 'postgres')[];
  /** Fan-out: stream clients, service processes, writes per second, seconds of writing (50, 2, 50, 30). */
  clients?: number;
  processes?: number;
  rate?: number;
  seconds?: number;
  seed?: number;
  /** Progress lines (stderr by default: the figures come at the end). */
  log?: (line: string) => void;
}

/**
 * The central data service's benchmarks (see scripts/bench/central-*.ts): write and feed throughput on SQLite and
 * PostgreSQL against the bare engine, the app's initial sync from the SQLite-backed service against the bare
 * insert into the cache, and fan-out of the stream over several processes on one PostgreSQL.
 */
export async function benchCentral(options: CentralBenchOptions = {}): Promise<Figure[]> {
  const count = options.events ?? 1_000_000;
  const parts = new Set(options.parts ?? CENTRAL_PARTS);
  const engines = new Set(options.engines ?? ['sqlite', 'postgres']);
  const fan = { clients: options.clients ?? 50, processes: options.processes ?? 2, rate: options.rate ?? 50, seconds: options.seconds ?? 30 };
  const log = options.log ?? ((line: string) => console.error(`[central] ${line}`));
  const figures: Figure[] = [];
  const n = fmt(count);

  if (parts.has('demo')) {
    log('paging the demo generator server');
    const r = await benchFeed({ scale: 'district', limit: '5000', seed: '1' });
    const label = `demo generator feed (${fmt(r.records)} records, pages of ${r.page_limit})`;
    figures.push(
      { name: `${label}: records/s`, value: r.records_per_second, unit: 'records/s' },
      { name: `${label}: records per server CPU s`, value: r.records_per_server_cpu_second, unit: 'records/s' },
      { name: `${label}: server peak RSS`, value: r.server_peak_rss_mb, unit: 'MB' },
    );
  }
  const storeParts = parts.has('write') || parts.has('feed');
  const wantSqlite = engines.has('sqlite') && (storeParts || parts.has('sync'));
  const wantPostgres = (engines.has('postgres') && storeParts) || parts.has('fanout');
  if (!wantSqlite && !wantPostgres) return figures;

  const dir = mkdtempSync(path.join(os.tmpdir(), 'gcc-bench-central-'));
  await withCleanup(
    () => rmSync(dir, { recursive: true, force: true }),
    async () => {
      // The fan-out alone needs one event's shape only.
      const generate = storeParts || parts.has('sync') ? count : 1000;
      log(`generating ${fmt(generate)} events with the demo generator`);
      const events = generateEvents(generate, dir, options.seed ?? 1);
      log(`${fmt(events.count)} events, ${Math.round(events.averageBytes)} bytes each on average, in ${events.generateSeconds.toFixed(1)} s`);

      /** The write and feed figures of one engine, each with its bare baseline. */
      const storeFigures = (
        engine: string,
        write: ServiceRate,
        bareWrite: Rate,
        baseline: string,
        feed: { feed: ServiceRate; bare: Rate } | null,
        peakRssMb: number,
      ) => {
        const label = `central ${engine}`;
        if (parts.has('write'))
          figures.push(
            {
              name: `${label}: write over HTTP (${n} events, POSTs of ${fmt(BATCH)})`,
              value: write.perSecond,
              unit: 'records/s',
              ratio: write.perSecond / bareWrite.perSecond,
              baseline: `${baseline} ${fmt(bareWrite.perSecond)} rows/s`,
              budget: 'ratio ≥ 0.5',
            },
            { name: `${label}: write, records per service CPU s`, value: write.records / write.serviceCpu, unit: 'records/s' },
          );
        if (feed)
          figures.push(
            {
              name: `${label}: feed /v1/changes?limit=${BATCH} (${n} events)`,
              value: feed.feed.perSecond,
              unit: 'records/s',
              ratio: feed.feed.perSecond / feed.bare.perSecond,
              baseline: `bare paged SELECT by rev ${fmt(feed.bare.perSecond)} rows/s`,
            },
            { name: `${label}: feed, records per service CPU s`, value: feed.feed.records / feed.feed.serviceCpu, unit: 'records/s' },
          );
        figures.push({ name: `${label}: service peak RSS`, value: peakRssMb, unit: 'MB' });
      };

      if (wantSqlite) {
        log('SQLite: bare insert');
        const bare = await bareSqliteInsert(path.join(dir, 'sqlite-bare'), events);
        rmSync(path.join(dir, 'sqlite-bare'), { recursive: true, force: true });
        log(`SQLite: bare insert ${fmt(bare.perSecond)} rows/s; posting through the service`);
        const storeFile = path.join(dir, 'central.sqlite');
        const served = await serveStore('sqlite', storeFile, events);
        await withCleanup(
          () => void served.service.child.kill('SIGKILL'),
          async () => {
            const write = await postEvents(served, events);
            log(`SQLite: write ${fmt(write.perSecond)} records/s`);
            let feed: { feed: ServiceRate; bare: Rate } | null = null;
            if (parts.has('feed')) {
              feed = { feed: await pageFeed(served), bare: bareSqliteRead(storeFile) };
              log(`SQLite: feed ${fmt(feed.feed.perSecond)} records/s (bare read ${fmt(feed.bare.perSecond)} rows/s)`);
            }
            if (parts.has('sync')) {
              log('SQLite: the app syncs from the service');
              const cacheFile = path.join(dir, 'cache', 'cache.sqlite');
              const serviceCpu0 = served.service.cpuSeconds();
              const sync = await appInitialSync(served.service.url, served.readToken, cacheFile);
              const serviceCpu = served.service.cpuSeconds() - serviceCpu0;
              log(`SQLite: app sync ${fmt(sync.perSecond)} records/s; bare insert into the cache, best of 3`);
              const bareCache = await bareCacheInsert(cacheFile);
              figures.push(
                {
                  name: `central sqlite: app initial sync (${fmt(sync.events)} events in the cache)`,
                  value: sync.perSecond,
                  unit: 'records/s',
                  ratio: sync.perSecond / bareCache.perSecond,
                  baseline: `bare better-sqlite3 insert into the cache ${fmt(bareCache.perSecond)} rows/s, best of ${bareCache.runs}`,
                  budget: 'ratio ≥ 0.4',
                },
                { name: `central sqlite: app initial sync, time`, value: sync.seconds, unit: 's' },
                { name: `central sqlite: app initial sync, service CPU`, value: serviceCpu, unit: 's' },
              );
              rmSync(path.dirname(cacheFile), { recursive: true, force: true });
            }
            const peak = served.service.memory().hwm / 2 ** 20;
            await served.service.stop();
            if (storeParts) storeFigures('sqlite', write, bare, 'bare better-sqlite3 insert (prepared, a transaction per 5,000)', feed, peak);
          },
        );
        for (const suffix of ['', '-wal', '-shm']) rmSync(storeFile + suffix, { force: true });
      }

      if (wantPostgres) {
        log('PostgreSQL: starting a throw-away cluster');
        const cluster = await startCluster({ durable: true, maxConnections: 200 });
        await withCleanup(
          () => cluster.destroy(),
          async () => {
            if (engines.has('postgres') && storeParts) {
              const bareUrl = cluster.createDatabase('bare');
              log('PostgreSQL: bare insert (COPY)');
              const bare = await barePostgresInsert(bareUrl, events);
              cluster.psql('postgres', 'DROP DATABASE bare');
              // The store's own INSERT statement, bare, on at most 100,000 rows: how much of the gap is the statement.
              log(`PostgreSQL: bare COPY ${fmt(bare.perSecond)} rows/s`);
              let bareStatement: Rate | null = null;
              if (parts.has('write')) {
                const storeStatementUrl = cluster.createDatabase('bare_statement');
                bareStatement = await barePostgresInsert(storeStatementUrl, events, { statement: 'store', limit: 100_000 });
                cluster.psql('postgres', 'DROP DATABASE bare_statement');
                log(`PostgreSQL: the store's INSERT statement, bare, ${fmt(bareStatement.perSecond)} rows/s`);
              }
              cluster.psql('postgres', 'CHECKPOINT');
              log('PostgreSQL: posting through the service');
              const url = cluster.createDatabase('central');
              const served = await serveStore('postgres', url, events);
              await withCleanup(
                () => void served.service.child.kill('SIGKILL'),
                async () => {
                  const write = await postEvents(served, events);
                  // What autovacuum does within a minute of a bulk write (see the fan-out below for why it matters).
                  cluster.psql('central', 'ANALYZE');
                  log(`PostgreSQL: write ${fmt(write.perSecond)} records/s`);
                  let feed: { feed: ServiceRate; bare: Rate } | null = null;
                  if (parts.has('feed')) {
                    feed = { feed: await pageFeed(served), bare: await barePostgresRead(url) };
                    log(`PostgreSQL: feed ${fmt(feed.feed.perSecond)} records/s (bare read ${fmt(feed.bare.perSecond)} rows/s)`);
                  }
                  const peak = served.service.memory().hwm / 2 ** 20;
                  await served.service.stop();
                  storeFigures('postgres', write, bare, 'bare COPY FROM STDIN (a transaction per 5,000)', feed, peak);
                  if (bareStatement)
                    figures.push({
                      name: `central postgres: the store's INSERT (unnest of arrays), bare (${fmt(bareStatement.records)} rows)`,
                      value: bareStatement.perSecond,
                      unit: 'rows/s',
                      ratio: bareStatement.perSecond / bare.perSecond,
                      baseline: `bare COPY ${fmt(bare.perSecond)} rows/s`,
                    });
                },
              );
              cluster.psql('postgres', 'DROP DATABASE central');
            }
            if (parts.has('fanout')) {
              log(`fan-out: ${fan.clients} stream clients on ${fan.processes} service processes, ${fan.rate} writes/s for ${fan.seconds} s`);
              const template = batches(events.file, 1).next().value![0];
              // A database in use has its statistics: autovacuum analyses the one-row `revs` within a minute of the
              // first writes. Until then the planner guesses it holds thousands of rows, every feed query's estimate
              // passes jit_above_cost and each page (each stream wake-up) pays ~150 ms of JIT compilation; on a
              // brand-new database the fan-out's p95 was a minute. The steady state is what is measured here.
              const fanoutUrl = cluster.createDatabase('fanout');
              await (await PostgresStore.open(fanoutUrl)).close();
              cluster.psql('fanout', 'ANALYZE');
              const r = await benchFanout({ store: fanoutUrl, template, ...fan, databaseCpuSeconds: () => cluster.cpuSeconds() });
              const label = `central fan-out (${r.clients} SSE clients, ${r.processes} processes, PostgreSQL, ${fan.rate} writes/s)`;
              const kb = (bytes: number) => bytes / 1024;
              const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
              figures.push(
                { name: `${label}: write-to-client latency p95`, value: r.fromSend.p95, unit: 'ms', budget: '≤ 500 ms' },
                { name: `${label}: write-to-client latency max`, value: r.fromSend.max, unit: 'ms' },
                { name: `${label}: write-to-client latency p50`, value: r.fromSend.p50, unit: 'ms' },
                { name: `${label}: POST answer to client p95 (< 0: client first)`, value: r.fromAnswer.p95, unit: 'ms' },
                { name: `${label}: POST answer time p95`, value: r.answer.p95, unit: 'ms' },
                { name: `${label}: changes delivered`, value: (100 * r.deliveries) / r.expected, unit: `% of ${fmt(r.expected)}` },
                ...r.cpuShare.map((share, i) => ({
                  name: `${label}: CPU of service ${i + 1}${i === 0 ? ' (takes the writes)' : ''}`,
                  value: share * 100,
                  unit: '% of a core',
                })),
                { name: `${label}: CPU of PostgreSQL`, value: r.databaseCpuShare * 100, unit: '% of a core' },
                { name: `${label}: service RSS per client`, value: kb(sum(r.rssEnd)) / r.clients, unit: 'KiB' },
                { name: `${label}: service RSS growth per client`, value: kb(sum(r.rssEnd) - sum(r.rssIdle)) / r.clients, unit: 'KiB' },
              );
            }
          },
        );
      }
    },
  );
  return figures;
}

/** The figures `npm run bench` prints and writes to its JSON (`--events` sizes the run; default 1,000,000). */
export async function bench(options: { events?: number } = {}): Promise<Figure[]> {
  return benchCentral({ events: options.events });
}

const HELP = `npm exec tsx scripts/bench-central.ts -- [--events N] [--parts write,feed,sync,fanout,demo] [--engines sqlite,postgres]
    [--clients 50] [--processes 2] [--rate 50] [--seconds 30] [--seed 1] [--json FILE]
  the central data service's benchmarks (default: all parts, 1,000,000 events)
npm exec tsx scripts/bench-central.ts -- --demo-feed [--scale city] [--events N] [--limit 5000] [--seed 1]
  pages the demo generator server's feed only, and prints what it measured as JSON`;

async function main() {
  const { values } = parseArgs({
    options: {
      'demo-feed': { type: 'boolean', default: false },
      scale: { type: 'string', default: 'district' },
      events: { type: 'string' },
      limit: { type: 'string', default: '5000' },
      seed: { type: 'string', default: '1' },
      parts: { type: 'string' },
      engines: { type: 'string' },
      clients: { type: 'string' },
      processes: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  if (values['demo-feed']) return void console.log(JSON.stringify(await benchFeed(values as FeedBenchOptions), null, 2));
  const number = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!(value > 0)) throw new Error(`--${name} must be a number above 0 (got "${text}").`);
    return value;
  };
  const list = <T extends string>(name: string, text: string | undefined, allowed: readonly T[]): T[] | undefined => {
    if (text === undefined) return undefined;
    const items = text.split(',').map((s) => s.trim()) as T[];
    const unknown = items.filter((i) => !allowed.includes(i));
    if (unknown.length) throw new Error(`--${name}: unknown ${unknown.join(', ')} (one or more of ${allowed.join(', ')}).`);
    return items;
  };
  const figures = await benchCentral({
    events: number('events', values.events),
    parts: list('parts', values.parts, CENTRAL_PARTS),
    engines: list('engines', values.engines, ['sqlite', 'postgres'] as const),
    clients: number('clients', values.clients),
    processes: number('processes', values.processes),
    rate: number('rate', values.rate),
    seconds: number('seconds', values.seconds),
    seed: number('seed', values.seed),
  });
  figures.forEach(printFigure);
  if (values.json) writeFileSync(values.json, JSON.stringify(figures, null, 2));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  });
}
