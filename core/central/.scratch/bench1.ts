import { CentralEngine } from '../engine';
const events = Number(process.argv[2] ?? 1000000);
const scale = (process.argv[3] ?? 'district') as 'district' | 'city';
let t = performance.now();
const e = new CentralEngine({ dataDir: '/work/main/resources/data', seed: 1, rate: 0, events, scale, now: () => Date.parse('2026-11-27T12:00:00+08:00') });
console.log('engine ms', Math.round(performance.now() - t));
t = performance.now();
let after = 0, n = 0, bytes = 0, peak = 0;
for (;;) {
  const p = e.page(after, Number(process.env.LIMIT ?? 5000));
  for (const it of p.items) bytes += it.data.length;
  n += p.items.length; after = p.next_rev;
  peak = Math.max(peak, process.memoryUsage().rss);
  if (!p.has_more) break;
}
const s = (performance.now() - t) / 1000;
console.log({ n, s: s.toFixed(2), perSec: Math.round(n / s), mb: Math.round(bytes / 1e6), peakRssMb: Math.round(peak / 1e6) });
