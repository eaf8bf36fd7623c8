/**
 * The pure parts of `npm run soak`: its options, when to kill the central API, and the verdict from what was
 * measured. No processes, no browser: tested on their own (tests/soak).
 */
import { parseArgs } from 'node:util';
import { percentile, type Figure } from '../bench/report';
import type { WallSample } from '../bench-wall';

export const HEAP_GROWTH_BUDGET_MB = 10;
/** Renderer + GPU process CPU of the idle wall, % of one core (issue 18's budget, rotation off). */
export const IDLE_CPU_BUDGET_PCT = 5;
/** A kill is only made when the API's outage and the way back to live fit before the end. */
export const RECOVERY_ALLOWANCE_S = 30;

export const SOAK_HELP = `Usage: npm run soak -- [options]

Soak of the web host and the demo central server, each its own process: the wall open in Chromium at 1920x1080
with the scenes rotating, the central API killed (SIGKILL) and restarted now and then. Samples every minute,
checks the cache against a clean sync at the end, then measures the wall's idle CPU with no cases arriving (one
playlist cycle with rotation on, then 60 s with rotation off). Exits 0 only if the page stayed live, the cache is
consistent, the renderer heap grew by at most ${HEAP_GROWTH_BUDGET_MB} MB and the idle wall with rotation off used
at most ${IDLE_CPU_BUDGET_PCT} % of a core (renderer + GPU process).

Options:
  --minutes M          how long to soak (default 120)
  --kill-every M       minutes between kills of the central API (default 10; 0 = never)
  --outage-seconds S   how long the API stays down after each kill (default 30, or a quarter of
                       --kill-every when that is shorter, at least 5)
  --rate R             live events per second from the demo server (default 20)
  --seed S             demo data seed (default 1)
  --out FILE           JSON lines, one per sample, kill and the result (default .scratch/soak-<time>.jsonl)
  --help               this text
`;

export interface SoakOptions {
  minutes: number;
  killEveryMinutes: number;
  outageSeconds: number;
  rate: number;
  seed: string;
  out: string;
}

export function parseSoakArgs(argv: string[], now = new Date()): SoakOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string', default: '120' },
      'kill-every': { type: 'string', default: '10' },
      'outage-seconds': { type: 'string' },
      rate: { type: 'string', default: '20' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const num = (name: string, text: string, min: number, max: number) => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || v < min || v > max) throw new Error(`--${name} must be a number from ${min} to ${max}, not "${text}".`);
    return v;
  };
  const minutes = num('minutes', values.minutes, 0.5, 7 * 24 * 60);
  const killEveryMinutes = num('kill-every', values['kill-every'], 0, 7 * 24 * 60);
  if (killEveryMinutes > 0 && killEveryMinutes < 0.5)
    throw new Error('--kill-every must be 0 (never) or at least 0.5 minutes: the API needs time to come back between kills.');
  const outageSeconds =
    values['outage-seconds'] !== undefined ? num('outage-seconds', values['outage-seconds'], 1, 3600) : Math.max(5, Math.min(30, (killEveryMinutes * 60) / 4));
  const rate = num('rate', values.rate, 0, 200);
  if (!values.seed) throw new Error('--seed must not be empty.');
  const out = values.out ?? `.scratch/soak-${now.toISOString().slice(0, 19).replace(/:/g, '-')}.jsonl`;
  return { minutes, killEveryMinutes, outageSeconds, rate, seed: values.seed, out };
}

/** Whether a kill due now leaves time for the outage and the way back to live before the soak ends. */
export function killFits(nowMs: number, endMs: number, outageSeconds: number): boolean {
  return nowMs + (outageSeconds + RECOVERY_ALLOWANCE_S) * 1000 <= endMs;
}

/** One per-minute sample (also a line of the JSONL output). */
export interface Sample extends WallSample {
  kind: 'sample';
  at: string;
  minute: number;
  hostRssMb: number | null;
  /** Without mapped files (SQLite's pages), and the peak so far: tell a leak from a cache. */
  hostRssAnonMb: number | null;
  hostPeakRssMb: number | null;
  centralRssMb: number | null;
  /** What the status bar shows, and what the host's bridge says. */
  pageSync: string | null;
  hostSync: string | null;
  banner: string | null;
  cacheEvents: number;
  cacheMb: number;
  /** The cache's write-ahead log alone: the checkpointer thread should keep it short. */
  walMb: number;
  drawnLastMinute: number;
  kills: number;
  pageErrors: number;
}

export interface KillRecord {
  kind: 'kill';
  n: number;
  killedAt: string;
  /** When the page first showed the API as unreachable (status bar not live and the stale banner up). */
  staleAfterMs: number | null;
  staleState: string | null;
  bannerKind: string | null;
  problemShown: string | null;
  restartedAt: string | null;
  /** From the restarted API printing its URL to the page showing live with no banner. */
  reconnectMs: number | null;
}

export interface FinalChecks {
  /** While events still flowed: status bar live, no banner, a new case drawn recently. */
  liveUnderLoad: { ok: boolean; detail: string };
  /** After the stream stopped and the cache check: status bar live, no banner. */
  liveAtEnd: { ok: boolean; detail: string };
  cache: {
    ok: boolean;
    detail: string;
    hostEvents: number;
    freshEvents: number;
    hostChecksum: string;
    freshChecksum: string;
    freshSyncSeconds: number;
  };
  pageCrashed: boolean;
  /**
   * After the soak, no case arriving: renderer + GPU process CPU, % of one core, and how the page drew
   * (html[data-rendering]: lite on a software rasteriser). Null when the page could not be measured.
   */
  idle: { rendering: string; rotationOn: number; rotationOff: number; detail: string } | null;
}

export interface Endpoint extends WallSample {
  hostRssMb: number | null;
  hostRssAnonMb: number | null;
  centralRssMb: number | null;
}

export interface SoakResult {
  ok: boolean;
  failures: string[];
  figures: Figure[];
}

export function summarise(input: {
  options: Pick<SoakOptions, 'minutes' | 'rate'>;
  start: Endpoint;
  end: Endpoint;
  samples: Sample[];
  kills: KillRecord[];
  final: FinalChecks;
}): SoakResult {
  const { options, start, end, samples, kills, final } = input;
  const failures: string[] = [];
  const growth = end.heapMb - start.heapMb;
  if (!(growth <= HEAP_GROWTH_BUDGET_MB)) failures.push(`renderer heap grew by ${growth.toFixed(1)} MB (budget ${HEAP_GROWTH_BUDGET_MB} MB)`);
  const survived = kills.filter((k) => k.staleAfterMs !== null && k.reconnectMs !== null);
  for (const k of kills) {
    if (k.staleAfterMs === null) failures.push(`kill ${k.n}: the page never showed the API as unreachable during the outage`);
    if (k.reconnectMs === null) failures.push(`kill ${k.n}: the page did not return to live after the API came back`);
  }
  if (!final.liveUnderLoad.ok) failures.push(`page not live under load at the end: ${final.liveUnderLoad.detail}`);
  if (!final.liveAtEnd.ok) failures.push(`page not live at the end: ${final.liveAtEnd.detail}`);
  if (!final.cache.ok) failures.push(`cache not consistent: ${final.cache.detail}`);
  if (final.pageCrashed) failures.push('the page crashed');
  if (!final.idle) failures.push('the idle wall was not measured');
  else if (!(final.idle.rotationOff <= IDLE_CPU_BUDGET_PCT))
    failures.push(`the idle wall (rotation off) used ${final.idle.rotationOff.toFixed(1)} % of a core (budget ${IDLE_CPU_BUDGET_PCT} %)`);

  const reconnects = survived.map((k) => k.reconnectMs! / 1000);
  const peakHost = Math.max(...samples.map((s) => s.hostPeakRssMb ?? 0), end.hostRssMb ?? 0);
  const label = `${options.minutes} min at ${options.rate}/s`;
  const mb = (v: number | null) => v ?? NaN;
  const figures: Figure[] = [
    { name: `soak web host RSS, start (${label})`, value: mb(start.hostRssMb), unit: 'MB' },
    {
      name: 'soak web host RSS, end',
      value: mb(end.hostRssMb),
      unit: `MB (peak ${peakHost.toFixed(0)})`,
      ratio: mb(end.hostRssMb) / mb(start.hostRssMb),
      baseline: 'start',
    },
    { name: 'soak web host RSS without mapped files, start → end', value: mb(end.hostRssAnonMb), unit: `MB (start ${mb(start.hostRssAnonMb).toFixed(0)})` },
    { name: 'soak central API RSS, start → end (restarted)', value: mb(end.centralRssMb), unit: `MB (start ${mb(start.centralRssMb).toFixed(0)})` },
    { name: 'soak renderer heap after GC, start', value: start.heapMb, unit: 'MB' },
    { name: 'soak renderer heap after GC, end', value: end.heapMb, unit: 'MB', ratio: end.heapMb / start.heapMb, baseline: 'start' },
    {
      name: 'soak renderer heap growth',
      value: growth,
      unit: 'MB',
      ratio: growth / HEAP_GROWTH_BUDGET_MB,
      baseline: `budget ${HEAP_GROWTH_BUDGET_MB} MB`,
      budget: `≤ ${HEAP_GROWTH_BUDGET_MB} MB`,
    },
    { name: 'soak DOM nodes start → end', value: end.nodes, unit: `nodes (start ${start.nodes})`, ratio: end.nodes / start.nodes, baseline: 'start' },
    {
      name: 'soak JS event listeners start → end',
      value: end.listeners,
      unit: `(start ${start.listeners})`,
      ratio: end.listeners / Math.max(1, start.listeners),
      baseline: 'start',
    },
    { name: 'soak MapLibre instances start → end', value: end.maps, unit: `(start ${start.maps})` },
    { name: 'soak ECharts instances start → end', value: end.charts, unit: `(start ${start.charts}, scene ${start.scene} → ${end.scene})` },
    { name: 'soak central API kills survived', value: survived.length, unit: `of ${kills.length}` },
  ];
  if (reconnects.length) {
    figures.push({
      name: 'soak reconnection, API back → page live (median)',
      value: percentile(reconnects, 50),
      unit: `s (max ${Math.max(...reconnects).toFixed(1)}; each: ${reconnects.map((r) => r.toFixed(1)).join(', ')})`,
    });
  }
  figures.push(
    { name: 'soak cache events, host', value: final.cache.hostEvents, unit: 'events' },
    { name: 'soak cache events, clean sync', value: final.cache.freshEvents, unit: `events (${final.cache.freshSyncSeconds.toFixed(1)} s to sync)` },
    {
      name: 'soak cache consistent (checksum equal, checks pass)',
      value: final.cache.ok ? 1 : 0,
      unit: final.cache.ok ? `yes (${final.cache.hostChecksum})` : `no (${final.cache.hostChecksum} vs ${final.cache.freshChecksum})`,
    },
    ...(final.idle
      ? [
          {
            name: `soak idle wall after the soak, ${final.idle.rendering}, rotation off (60 s, no cases)`,
            value: final.idle.rotationOff,
            unit: `% of a core (renderer + GPU; ${final.idle.detail})`,
            ratio: final.idle.rotationOff / IDLE_CPU_BUDGET_PCT,
            baseline: `budget ${IDLE_CPU_BUDGET_PCT} %`,
            budget: `≤ ${IDLE_CPU_BUDGET_PCT} %`,
          },
          {
            name: `soak idle wall after the soak, ${final.idle.rendering}, rotation on (one playlist cycle, no cases)`,
            value: final.idle.rotationOn,
            unit: '% of a core (renderer + GPU)',
            ratio: final.idle.rotationOn / IDLE_CPU_BUDGET_PCT,
            baseline: `budget ${IDLE_CPU_BUDGET_PCT} %`,
            budget: `≤ ${IDLE_CPU_BUDGET_PCT} %`,
          },
        ]
      : []),
    {
      name: 'soak page live at the end',
      value: final.liveUnderLoad.ok && final.liveAtEnd.ok ? 1 : 0,
      unit: `${final.liveUnderLoad.detail}; ${final.liveAtEnd.detail}`,
    },
  );
  return { ok: failures.length === 0, failures, figures };
}

/** The per-minute line printed while soaking. */
export function sampleLine(s: Sample, totalMinutes: number): string {
  const f = (v: number | null, d = 0) => (v === null ? '—' : v.toFixed(d));
  return (
    `[${String(s.minute).padStart(3)}/${totalMinutes} min] host RSS ${f(s.hostRssMb)} MB (anon ${f(s.hostRssAnonMb)}) · central RSS ${f(s.centralRssMb)} MB · heap ${f(s.heapMb, 1)} MB · ` +
    `DOM ${s.nodes} · maps ${s.maps} · charts ${s.charts} · ${s.scene} · sync ${s.pageSync ?? '—'}/${s.hostSync ?? '—'}${s.banner ? ` · banner ${s.banner}` : ''} · ` +
    `events ${s.cacheEvents} · WAL ${f(s.walMb, 1)} MB · drawn ${s.drawnLastMinute}/min · kills ${s.kills}${s.pageErrors ? ` · page errors ${s.pageErrors}` : ''}`
  );
}
