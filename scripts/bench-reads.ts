/**
 * Reads against live pushes (issue 19): a wall follows a central API publishing 50 changes/s while an operator
 * exports the 通报's XLSX of the last 12 months. Every live delta the host pushes is timed from the commit of its
 * batch to the push; the p95 while exports run is given as a ratio to the p95 of the same wall with nothing else
 * to do. Also the host thread's longest stall (event-loop delay) in each phase and the time of one export.
 *
 *   npm run bench -- --only reads
 *   npx tsx scripts/bench-reads.ts [--seconds N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createBackend } from '../core/backend';
import { addDays, shanghaiDay } from '../shared/time';
import { startCentral } from './bench/sync';
import { percentile, printFigure, type Figure } from './bench/report';

const RATE = 50;

export async function bench(options: { seconds?: number } = {}): Promise<Figure[]> {
  const seconds = options.seconds ?? 20;
  const dir = mkdtempSync(path.join(tmpdir(), 'gcc-bench-reads-'));
  const central = await startCentral(['--rate', String(RATE), '--seed', '1']);
  let lags: number[] = [];
  const backend = createBackend({
    host: 'web',
    version: 'bench',
    data: { cacheFile: path.join(dir, 'cache.sqlite'), api: { baseUrl: central.url, token: 'demo-token' }, demo: true },
    onPushLag: (ms) => lags.push(ms),
  });
  try {
    let live = false;
    backend.onPush((name, payload) => {
      if (name === 'sync.status') live ||= (payload as { state: string }).state === 'live';
    });
    const deadline = Date.now() + 180_000;
    while (!live) {
      if (Date.now() > deadline) throw new Error('the wall did not reach the live stream within 3 minutes');
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 3000)); // the bootstrap's last pushes and checkpoints settle

    const loop = monitorEventLoopDelay({ resolution: 5 });
    const phase = async (run: () => Promise<void>) => {
      lags = [];
      loop.reset();
      loop.enable();
      await run();
      loop.disable();
      return { lags, stallMs: loop.max / 1e6 };
    };
    const idle = await phase(() => new Promise((r) => setTimeout(r, seconds * 1000)));

    const today = shanghaiDay(Date.now());
    const period = { kind: 'custom' as const, from: addDays(today, -365), to: addDays(today, -1) };
    const exportMs: number[] = [];
    let bytes = 0;
    const exporting = await phase(async () => {
      const until = Date.now() + seconds * 1000;
      while (Date.now() < until || exportMs.length < 2) {
        const t = performance.now();
        const result = await backend.handlers['report.export']({ period, format: 'xlsx', operator: 'bench' } as never);
        exportMs.push(performance.now() - t);
        bytes = result.bytes;
      }
    });
    const idleP95 = percentile(idle.lags, 95);
    const busyP95 = percentile(exporting.lags, 95);
    return [
      { name: `reads: push latency p95, wall at ${RATE} changes/s, idle host`, value: idleP95, unit: 'ms' },
      { name: `reads: push latency p95, while 12-month XLSX exports run`, value: busyP95, unit: 'ms', ratio: busyP95 / idleP95, baseline: 'the idle host' },
      { name: `reads: push latency max, while exports run`, value: Math.max(...exporting.lags), unit: 'ms' },
      { name: `reads: host thread's longest stall, idle`, value: idle.stallMs, unit: 'ms' },
      { name: `reads: host thread's longest stall, while exports run`, value: exporting.stallMs, unit: 'ms' },
      { name: `reads: 12-month XLSX export (${(bytes / 1e6).toFixed(1)} MB), p50 of ${exportMs.length}`, value: percentile(exportMs, 50), unit: 'ms' },
      { name: `reads: pushes measured idle / exporting`, value: idle.lags.length, unit: `/ ${exporting.lags.length}` },
    ];
  } finally {
    await backend.close();
    central.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' } } });
  bench({ seconds: Number(values.seconds) })
    .then((figures) => figures.forEach(printFigure))
    .catch((error) => {
      console.error(error instanceof Error ? error.stack : String(error));
      process.exit(1);
    });
}
