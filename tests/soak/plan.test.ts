import { describe, expect, it } from 'vitest';
import { killFits, parseSoakArgs, sampleLine, summarise, type Endpoint, type FinalChecks, type KillRecord, type Sample } from '../../scripts/soak/plan';

const NOW = new Date('2026-03-01T08:30:15.123Z');

describe('parseSoakArgs', () => {
  it('defaults to the issue-7 soak: 120 minutes, a kill every 10, 30 s outages, 20 events/s', () => {
    expect(parseSoakArgs([], NOW)).toEqual({
      minutes: 120,
      killEveryMinutes: 10,
      outageSeconds: 30,
      rate: 20,
      seed: '1',
      out: '.scratch/soak-2026-03-01T08-30-15.jsonl',
    });
  });

  it('shortens the default outage to a quarter of a short kill interval, and takes an explicit one as given', () => {
    expect(parseSoakArgs(['--minutes', '3', '--kill-every', '1'], NOW)).toMatchObject({ minutes: 3, killEveryMinutes: 1, outageSeconds: 15 });
    expect(parseSoakArgs(['--kill-every', '1.5'], NOW)).toMatchObject({ outageSeconds: 22.5 });
    expect(parseSoakArgs(['--kill-every', '1', '--outage-seconds', '40', '--out', 'x.jsonl', '--rate', '0'], NOW)).toMatchObject({
      outageSeconds: 40,
      out: 'x.jsonl',
      rate: 0,
    });
    expect(parseSoakArgs(['--kill-every', '0'], NOW)).toMatchObject({ killEveryMinutes: 0 });
  });

  it('refuses nonsense with a sentence', () => {
    expect(() => parseSoakArgs(['--minutes', 'ten'])).toThrow('--minutes must be a number from 0.5');
    expect(() => parseSoakArgs(['--minutes', ''])).toThrow('--minutes must be a number');
    expect(() => parseSoakArgs(['--rate', '500'])).toThrow('--rate must be a number from 0 to 200');
    expect(() => parseSoakArgs(['--kill-every', '0.1'])).toThrow('at least 0.5 minutes');
    expect(() => parseSoakArgs(['--outage-seconds', '0'])).toThrow('--outage-seconds');
    expect(() => parseSoakArgs(['--headless'])).toThrow();
    expect(parseSoakArgs(['--help'])).toBe('help');
  });
});

describe('killFits', () => {
  it('kills only when the outage and the way back fit before the end', () => {
    const end = 180_000;
    expect(killFits(60_000, end, 15)).toBe(true);
    expect(killFits(120_000, end, 15)).toBe(true); // 120 + 15 + 30 = 165 s
    expect(killFits(120_000, end, 40)).toBe(false);
  });
});

const endpoint = (over: Partial<Endpoint> = {}): Endpoint => ({
  hostRssMb: 300,
  hostRssAnonMb: 200,
  centralRssMb: 150,
  heapMb: 40,
  nodes: 1000,
  listeners: 180,
  maps: 1,
  charts: 3,
  scene: 'overview',
  ...over,
});

const sample = (minute: number, over: Partial<Sample> = {}): Sample => ({
  kind: 'sample',
  at: '',
  minute,
  hostRssMb: 300,
  hostRssAnonMb: 200,
  hostPeakRssMb: 900,
  centralRssMb: 150,
  heapMb: 40,
  nodes: 1000,
  listeners: 180,
  maps: 1,
  charts: 3,
  scene: 'overview',
  pageSync: 'live',
  hostSync: 'live',
  banner: null,
  cacheEvents: 124_000 + minute,
  cacheMb: 88,
  walMb: 4,
  drawnLastMinute: 300,
  kills: 0,
  pageErrors: 0,
  ...over,
});

const kill = (n: number, over: Partial<KillRecord> = {}): KillRecord => ({
  kind: 'kill',
  n,
  killedAt: '',
  staleAfterMs: 1200,
  staleState: 'reconnecting',
  bannerKind: 'stale',
  problemShown: '无法连接中心接口',
  restartedAt: '',
  reconnectMs: 20_000,
  ...over,
});

const final = (over: Partial<FinalChecks> = {}): FinalChecks => ({
  liveUnderLoad: { ok: true, detail: 'status bar live' },
  liveAtEnd: { ok: true, detail: 'status bar live' },
  cache: {
    ok: true,
    detail: 'equal',
    hostEvents: 124_000,
    freshEvents: 124_000,
    hostChecksum: 'abc',
    freshChecksum: 'abc',
    freshSyncSeconds: 40,
  },
  pageCrashed: false,
  idle: { rendering: 'lite', rotationOn: 9, rotationOff: 1.2, detail: 'renderer 1.0, GPU 0.2' },
  ...over,
});

describe('summarise', () => {
  const options = { minutes: 60, rate: 20 };

  it('passes a soak that held, with the figures the issue asks for', () => {
    const r = summarise({
      options,
      start: endpoint(),
      end: endpoint({ heapMb: 47, hostRssMb: 320 }),
      samples: [sample(0), sample(1)],
      kills: [kill(1), kill(2, { reconnectMs: 30_000 })],
      final: final(),
    });
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    const fig = (name: string) => r.figures.find((f) => f.name.startsWith(name))!;
    expect(fig('soak renderer heap growth').value).toBeCloseTo(7);
    expect(fig('soak web host RSS, end')).toMatchObject({ value: 320, unit: 'MB (peak 900)' });
    expect(fig('soak central API kills survived')).toMatchObject({ value: 2, unit: 'of 2' });
    expect(fig('soak reconnection').unit).toContain('max 30.0');
    expect(fig('soak cache events, host').value).toBe(124_000);
    expect(fig('soak idle wall after the soak, lite, rotation off')).toMatchObject({ value: 1.2, budget: '≤ 5 %' });
    expect(fig('soak idle wall after the soak, lite, rotation on').value).toBe(9);
  });

  it('fails on heap growth over budget, a kill the page did not show or recover from, a dead page or cache', () => {
    const r = summarise({
      options,
      start: endpoint(),
      end: endpoint({ heapMb: 50.5 }),
      samples: [sample(0)],
      kills: [kill(1, { staleAfterMs: null }), kill(2, { reconnectMs: null })],
      final: final({
        liveAtEnd: { ok: false, detail: 'status bar reconnecting' },
        cache: { ...final().cache, ok: false, detail: 'checksums differ' },
        pageCrashed: true,
        idle: { rendering: 'lite', rotationOn: 12, rotationOff: 5.5, detail: '' },
      }),
    });
    expect(r.ok).toBe(false);
    expect(r.failures).toEqual([
      'renderer heap grew by 10.5 MB (budget 10 MB)',
      'kill 1: the page never showed the API as unreachable during the outage',
      'kill 2: the page did not return to live after the API came back',
      'page not live at the end: status bar reconnecting',
      'cache not consistent: checksums differ',
      'the page crashed',
      'the idle wall (rotation off) used 5.5 % of a core (budget 5 %)',
    ]);
    expect(r.figures.find((f) => f.name.startsWith('soak central API kills survived'))).toMatchObject({ value: 0, unit: 'of 2' });
  });

  it('treats an unmeasured heap or idle wall as a failure, not a pass', () => {
    expect(summarise({ options, start: endpoint(), end: endpoint({ heapMb: NaN }), samples: [], kills: [], final: final() }).ok).toBe(false);
    const r = summarise({ options, start: endpoint(), end: endpoint(), samples: [], kills: [], final: final({ idle: null }) });
    expect(r.failures).toEqual(['the idle wall was not measured']);
  });
});

describe('sampleLine', () => {
  it('says in one line what a minute looked like', () => {
    expect(sampleLine(sample(7, { banner: 'stale', pageSync: 'reconnecting', centralRssMb: null, kills: 1 }), 60)).toBe(
      '[  7/60 min] host RSS 300 MB (anon 200) · central RSS — MB · heap 40.0 MB · DOM 1000 · maps 1 · charts 3 · overview · sync reconnecting/live · banner stale · events 124007 · WAL 4.0 MB · drawn 300/min · kills 1',
    );
  });
});
