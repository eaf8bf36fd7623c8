/**
 * Benchmark of the demo central server: start it as a child process (the server alone in its process, so its
 * memory is its own), page through the whole change feed over HTTP, and report records/s and the server's
 * resident memory as it goes (peak from /proc/<pid>/status VmHWM). Flat memory is the point: the feed is
 * generated page by page, never held.
 *
 *   npm exec tsx scripts/bench-central.ts -- [--scale city] [--events N] [--limit 5000] [--seed 1]
 *
 * `npm run bench` calls bench(), which returns the figures (and so takes no options of its own: it used to parse
 * the whole command line at import and failed on `--json`).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Figure } from './bench/report';

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
    load_average: os.loadavg().map((l) => l.toFixed(1)).join(' '),
    server_peak_rss_mb: mb(end.hwm),
    server_rss_at_end_mb: mb(end.rss),
    rss_samples_mb: samples.map((s) => `${(s.records / 1e6).toFixed(2)}M:${s.rssMb}`).join(' '),
  };
  return result;
}

/** The figures `npm run bench` prints and writes to its JSON. */
export async function bench(): Promise<Figure[]> {
  const r = await benchFeed({ scale: 'district', limit: '5000', seed: '1' });
  const label = `central feed (${r.records.toLocaleString('en')} records, pages of ${r.page_limit})`;
  return [
    { name: `${label}: records/s`, value: r.records_per_second, unit: 'records/s' },
    { name: `${label}: records per server CPU s`, value: r.records_per_server_cpu_second, unit: 'records/s' },
    { name: `${label}: server peak RSS`, value: r.server_peak_rss_mb, unit: 'MB' },
  ];
}

async function main() {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: 'district' },
      events: { type: 'string' },
      limit: { type: 'string', default: '5000' },
      seed: { type: 'string', default: '1' },
    },
  });
  console.log(JSON.stringify(await benchFeed(values as FeedBenchOptions), null, 2));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  });
}
