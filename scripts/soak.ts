/**
 * `npm run soak -- [--minutes 120] [--kill-every 10] [--rate 20] [--outage-seconds S] [--out FILE]` (issue 7):
 * the web host and the demo central server, each its own process, with the wall open in Chromium at 1920×1080,
 * scenes rotating every 20 s, and the central API SIGKILLed and restarted every --kill-every minutes. During each
 * outage the page must say the API is unreachable, after it the page must return to live. Every minute: host and
 * central RSS, renderer heap after GC, DOM nodes, MapLibre/ECharts instances, sync state, cached events (JSONL).
 * At the end: the stream stops, the cache is checked against a clean sync, and the figures are printed. Exits 0
 * only if the page stayed live, the cache is consistent and the heap grew by at most 10 MB.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, CDPSession, Page } from '@playwright/test';
import { openCache, type Db } from '../core/cache/database';
import { DEMO_TOKEN } from '../central/demo/constants';
import { printFigure } from './bench/report';
import { idleCpuOf, launch, sampleWall, wallPage } from './bench-wall';
import { ensureRendererBuilt, ROOT } from './lib/renderer-build';
import { waitForWall, type PageGlobals } from './screenshots';
import { compareWithCleanSync } from './soak/consistency';
import {
  killFits,
  parseSoakArgs,
  sampleLine,
  SOAK_HELP,
  summarise,
  type Endpoint,
  type FinalChecks,
  type KillRecord,
  type Sample,
  type SoakOptions,
} from './soak/plan';
import { childEnv, freePort, procMemory, startUrlChild, stopChild, type UrlChild } from './soak/processes';

/** The status bar and the wall's banner, as the duty officer sees them. */
interface PageState {
  pageSync: string | null;
  banner: string | null;
  bridge: string | null;
  problem: string | null;
}

interface PageDom {
  document: { querySelector(selector: string): { dataset: Record<string, string | undefined>; textContent: string | null } | null };
  Date: { now(): number };
  setInterval(fn: () => void, ms: number): number;
  __soakStates?: StateChange[];
}

interface StateChange {
  at: number;
  state: PageState;
}

const RECONNECT_TIMEOUT_MS = 300_000;
const NEW_CASE_MAX_AGE_MS = 30_000;

const isLive = (s: PageState) => s.pageSync === 'live' && s.banner === null && s.bridge === 'connected';
const isStale = (s: PageState) => s.pageSync !== null && s.pageSync !== 'live' && s.banner !== null;
const describeState = (s: PageState) =>
  `status bar ${s.pageSync ?? '—'}, banner ${s.banner ?? 'none'}, bridge ${s.bridge ?? '—'}${s.problem ? `, "${s.problem}"` : ''}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * The page logs each change of its status bar and banner with the time, every 250 ms: outage and reconnection
 * times then do not depend on when the soak looks (a minute's sample with forced GCs can take seconds).
 */
async function logPageStates(page: Page): Promise<void> {
  // Anonymous callbacks only: tsx names named functions with a helper the page does not have.
  await page.evaluate(() => {
    const g = globalThis as unknown as PageDom;
    const log: StateChange[] = (g.__soakStates = []);
    g.setInterval(() => {
      const d = g.document;
      const state: PageState = {
        pageSync: d.querySelector('[data-test=sync-state]')?.dataset.state ?? null,
        banner: d.querySelector('[data-test=stale-banner]')?.dataset.kind ?? null,
        bridge: d.querySelector('[data-test=bridge-state]')?.dataset.state ?? null,
        problem: d.querySelector('[data-test=sync-message]')?.textContent?.trim() ?? null,
      };
      const last = log[log.length - 1]?.state;
      if (last && last.pageSync === state.pageSync && last.banner === state.banner && last.bridge === state.bridge && last.problem === state.problem) return;
      log.push({ at: g.Date.now(), state });
      if (log.length > 1000) log.splice(0, 500);
    }, 250);
  });
  await page.waitForFunction(() => ((globalThis as unknown as PageDom).__soakStates?.length ?? 0) > 0);
}

/** State changes since `since` (the first one is the state in force then). */
function stateChanges(page: Page, since: number): Promise<StateChange[]> {
  return page.evaluate((t) => {
    const log = (globalThis as unknown as PageDom).__soakStates ?? [];
    const i = log.findIndex((c) => c.at >= t);
    return i === -1 ? log.slice(-1) : log.slice(Math.max(0, i - 1));
  }, since);
}

async function pageState(page: Page): Promise<PageState> {
  return (await stateChanges(page, Number.MAX_SAFE_INTEGER))[0].state;
}

/** Live cases the map drew in the last minute, and the newest one. */
function drawnStats(page: Page): Promise<{ lastMinute: number; newestId: string | null; newestAgeMs: number | null }> {
  return page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals & PageDom;
    const drawn = g.__gccWall?.drawn ?? [];
    const now = g.Date.now();
    const newest = drawn.length ? drawn.reduce((a, b) => (b.drawnAt > a.drawnAt ? b : a)) : null;
    return {
      lastMinute: drawn.filter((d) => now - d.drawnAt <= 60_000).length,
      newestId: newest?.id ?? null,
      newestAgeMs: newest ? now - newest.drawnAt : null,
    };
  });
}

async function hostSyncState(hostUrl: string): Promise<string | null> {
  try {
    const res = await fetch(new URL('bridge/sync.status', hostUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const body = (await res.json()) as { ok: boolean; reply?: { state: string } };
    return body.reply?.state ?? null;
  } catch {
    return null;
  }
}

function fileMb(...files: string[]): number {
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += statSync(f).size;
    } catch {
      // -wal may not exist between checkpoints
    }
  }
  return bytes / 2 ** 20;
}

class Soak {
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'gcc-soak-'));
  private readonly hostDir = path.join(this.dir, 'host');
  private readonly cacheFile = path.join(this.hostDir, 'cache.sqlite');
  private readonly centralLog: string;
  private readonly hostLog: string;
  private readonly out: string;
  private central: UrlChild | null = null;
  private host: UrlChild | null = null;
  private browser: Browser | null = null;
  private page!: Page;
  private cdp!: CDPSession;
  private hostDb: Db | null = null;
  private apiUrl = '';
  private centralPort = 0;
  private pageErrors = 0;
  private pageCrashed = false;
  private readonly samples: Sample[] = [];
  private readonly kills: KillRecord[] = [];

  constructor(private readonly o: SoakOptions) {
    this.out = path.resolve(ROOT, o.out);
    mkdirSync(path.dirname(this.out), { recursive: true });
    const base = this.out.replace(/\.jsonl$/, '');
    this.centralLog = `${base}.central.log`;
    this.hostLog = `${base}.host.log`;
    writeFileSync(this.out, '');
  }

  private record(line: object) {
    appendFileSync(this.out, `${JSON.stringify(line)}\n`);
  }

  private log(line: string) {
    console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  }

  private async startCentral(rate: number): Promise<UrlChild> {
    // The central data service with the demo source, on a store next to the soak's output: a SIGKILL loses
    // nothing (the in-memory generator lost every live case on each restart), and the demo token is the default.
    const store = `${this.out.replace(/\.jsonl$/, '')}.central.sqlite`;
    const args = ['--demo', '--store', store, '--port', String(this.centralPort), '--seed', this.o.seed, '--rate', String(rate)];
    this.central = await startUrlChild('scripts/central.ts', args, childEnv({}), this.centralLog, 120_000);
    return this.central;
  }

  /** Waits for the page to show a state that passes `test` at or after `since`; returns when it did, or null. */
  private async waitPage(what: string, since: number, test: (s: PageState) => boolean, timeoutMs: number): Promise<StateChange | null> {
    while (Date.now() < since + timeoutMs && !this.pageCrashed) {
      const hit = (await stateChanges(this.page, since)).find((c) => test(c.state));
      if (hit) return { at: Math.max(hit.at, since), state: hit.state };
      await sleep(500);
    }
    this.log(`${what}: not within ${timeoutMs / 1000} s`);
    return null;
  }

  private async endpoint(): Promise<Endpoint> {
    const w = await sampleWall(this.page, this.cdp);
    const host = procMemory(this.host?.child.pid);
    return { hostRssMb: host?.rssMb ?? null, hostRssAnonMb: host?.anonMb ?? null, centralRssMb: procMemory(this.central?.child.pid)?.rssMb ?? null, ...w };
  }

  private async sample(minute: number): Promise<Sample> {
    const w = await this.endpoint();
    const st = await pageState(this.page);
    const drawn = await drawnStats(this.page);
    const s: Sample = {
      kind: 'sample',
      at: new Date().toISOString(),
      minute,
      ...w,
      hostPeakRssMb: procMemory(this.host?.child.pid)?.peakMb ?? null,
      pageSync: st.pageSync,
      hostSync: await hostSyncState(this.host!.url),
      banner: st.banner,
      cacheEvents: this.hostDb!.prepare('SELECT count(*) FROM events').pluck().get() as number,
      cacheMb: fileMb(this.cacheFile, `${this.cacheFile}-wal`),
      walMb: fileMb(`${this.cacheFile}-wal`),
      drawnLastMinute: drawn.lastMinute,
      kills: this.kills.length,
      pageErrors: this.pageErrors,
    };
    this.samples.push(s);
    this.record(s);
    this.log(sampleLine(s, this.o.minutes));
    return s;
  }

  async start() {
    this.centralPort = await freePort();
    this.apiUrl = `http://127.0.0.1:${this.centralPort}/`;
    await this.startCentral(this.o.rate);
    this.log(`central API ${this.apiUrl} (pid ${this.central!.child.pid}, seed ${this.o.seed}, ${this.o.rate} events/s); log ${this.centralLog}`);
    // Here rather than inside the host: a build in the host's process stays in its RSS (~700 MB) for good.
    await ensureRendererBuilt((line) => this.log(line));
    this.host = await startUrlChild(
      'scripts/serve.ts',
      ['--port', '0'],
      childEnv({ GCC_API_URL: this.apiUrl, GCC_API_TOKEN: DEMO_TOKEN, GCC_DATA_DIR: this.hostDir }),
      this.hostLog,
    );
    this.log(`web host ${this.host.url} (pid ${this.host.child.pid}), cache ${this.cacheFile}; log ${this.hostLog}`);
    const t0 = Date.now();
    while ((await hostSyncState(this.host.url)) !== 'live') {
      if (Date.now() - t0 > 600_000) throw new Error('The web host did not finish its first sync in 10 minutes.');
      await sleep(1000);
    }
    this.log(`web host synced and live in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    this.hostDb = openCache(this.cacheFile, { readonly: true }).db;
    this.browser = await launch();
    this.page = await wallPage(this.browser, `${this.host.url}#/wall/overview?interval=20`);
    this.page.on('pageerror', () => this.pageErrors++);
    this.page.on('crash', () => {
      this.pageCrashed = true;
      this.log('the page crashed');
    });
    await waitForWall(this.page, 'overview', 180_000);
    await logPageStates(this.page);
    this.cdp = await this.page.context().newCDPSession(this.page);
    // Let the first frames and lazy work settle before the baseline.
    await this.page.waitForTimeout(5000);
  }

  /** The soak proper: samples every minute, kills on schedule, watches the page through each outage. */
  async run(): Promise<{ start: Endpoint }> {
    const start: Endpoint = await this.sample(0);
    const t0 = Date.now();
    const endAt = t0 + this.o.minutes * 60_000;
    const killEveryMs = this.o.killEveryMinutes * 60_000;
    let nextKillAt = killEveryMs > 0 ? t0 + killEveryMs : Infinity;
    let nextSampleAt = t0 + 60_000;
    let nextAckAt = t0 + 5000;
    let minute = 0;
    let outage: { rec: KillRecord; killedAt: number; restartAt: number; spawnedAt: number | null; restartedAt: number | null } | null = null;

    while (!this.pageCrashed && (outage || Date.now() < endAt)) {
      const now = Date.now();
      // A duty officer acknowledges critical alerts (an open one holds the rotation).
      if (now >= nextAckAt) {
        await this.page.keyboard.press('Escape').catch(() => {});
        nextAckAt = now + 5000;
      }
      if (!outage && now >= nextKillAt) {
        if (killFits(now, endAt, this.o.outageSeconds)) {
          this.central!.child.kill('SIGKILL');
          await this.central!.exited;
          const rec: KillRecord = {
            kind: 'kill',
            n: this.kills.length + 1,
            killedAt: new Date(now).toISOString(),
            staleAfterMs: null,
            staleState: null,
            bannerKind: null,
            problemShown: null,
            restartedAt: null,
            reconnectMs: null,
          };
          this.kills.push(rec);
          outage = { rec, killedAt: now, restartAt: now + this.o.outageSeconds * 1000, spawnedAt: null, restartedAt: null };
          this.log(`kill ${rec.n}: central API SIGKILLed; back in ${this.o.outageSeconds} s`);
        }
        while (nextKillAt <= now) nextKillAt += killEveryMs;
      }
      if (outage) {
        const o = outage;
        const changes = await stateChanges(this.page, o.killedAt);
        const stale = changes.find((c) => isStale(c.state));
        if (o.rec.staleAfterMs === null && stale) {
          Object.assign(o.rec, { staleAfterMs: stale.at - o.killedAt, staleState: stale.state.pageSync, bannerKind: stale.state.banner });
          this.log(`kill ${o.rec.n}: page showed the API as down ${(o.rec.staleAfterMs! / 1000).toFixed(1)} s after the kill (${describeState(stale.state)})`);
        }
        o.rec.problemShown ??= changes.find((c) => c.state.problem)?.state.problem ?? null;
        if (o.spawnedAt === null && now >= o.restartAt) {
          o.spawnedAt = Date.now();
          await this.startCentral(this.o.rate);
          o.restartedAt = Date.now();
          o.rec.restartedAt = new Date(o.restartedAt).toISOString();
          this.log(`kill ${o.rec.n}: central API restarted (pid ${this.central!.child.pid}, ${((o.restartedAt - o.spawnedAt) / 1000).toFixed(1)} s to start)`);
        } else if (o.spawnedAt !== null && o.restartedAt !== null) {
          const live = changes.find((c) => c.at >= o.spawnedAt! && isLive(c.state));
          if (live) {
            o.rec.reconnectMs = Math.max(0, live.at - o.restartedAt);
            this.log(`kill ${o.rec.n}: page live again ${(o.rec.reconnectMs / 1000).toFixed(1)} s after the API came back`);
          } else if (now - o.restartedAt > RECONNECT_TIMEOUT_MS) {
            this.log(
              `kill ${o.rec.n}: page not live ${RECONNECT_TIMEOUT_MS / 1000} s after the API came back (${describeState(changes[changes.length - 1].state)})`,
            );
          }
          if (live || now - o.restartedAt > RECONNECT_TIMEOUT_MS) {
            this.record(o.rec);
            outage = null;
          }
        }
      }
      if (Date.now() >= nextSampleAt) {
        await this.sample(++minute);
        nextSampleAt += 60_000;
      }
      await sleep(1000 - (Date.now() % 1000));
    }
    return { start };
  }

  /** End on the starting scene, check the page under load, stop the stream, check the cache. */
  async finish(start: Endpoint): Promise<{ end: Endpoint; final: FinalChecks }> {
    await this.page.evaluate((s) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = `#/wall/${s}?interval=20`;
    }, start.scene);
    await waitForWall(this.page, start.scene, 60_000).catch(() => {});
    await this.page.waitForTimeout(3000);
    const end = await this.endpoint();
    this.record({ kind: 'end', at: new Date().toISOString(), ...end });

    const st = await pageState(this.page);
    const drawn = await drawnStats(this.page);
    const newestCached = drawn.newestId !== null && this.hostDb!.prepare('SELECT 1 FROM events WHERE id = ?').get(drawn.newestId) !== undefined;
    const recent = drawn.newestAgeMs !== null && drawn.newestAgeMs <= NEW_CASE_MAX_AGE_MS;
    const liveUnderLoad = {
      ok: isLive(st) && (this.o.rate === 0 || (recent && newestCached)),
      detail: `${describeState(st)}; newest case drawn ${drawn.newestId ?? '—'} ${drawn.newestAgeMs !== null ? `${(drawn.newestAgeMs / 1000).toFixed(1)} s ago` : 'never'}${newestCached ? ' (in the cache)' : ''}, ${drawn.lastMinute} drawn in the last minute`,
    };
    this.log(`page under load: ${liveUnderLoad.ok ? 'live' : 'NOT live'} — ${liveUnderLoad.detail}`);

    this.log('stopping the stream: central API restarted with --rate 0');
    await stopChild(this.central!);
    await this.startCentral(0);
    const restarted = Date.now();
    // The host first, so that a page still showing "live" from before the stop does not count.
    while ((await hostSyncState(this.host!.url)) !== 'live' && Date.now() - restarted < RECONNECT_TIMEOUT_MS) await sleep(500);
    const back = await this.waitPage('page live after the stream stopped', Date.now(), isLive, RECONNECT_TIMEOUT_MS);
    if (back) this.log(`page live ${((back.at - restarted) / 1000).toFixed(1)} s after the restart`);

    const cache = await compareWithCleanSync({ hostDb: this.hostDb!, apiUrl: this.apiUrl, token: DEMO_TOKEN, dir: this.dir, log: (l) => this.log(l) });
    this.log(`cache: ${cache.ok ? 'consistent' : 'NOT consistent'} — ${cache.detail}`);
    const endState = await pageState(this.page);
    const liveAtEnd = { ok: isLive(endState), detail: describeState(endState) };
    const idle = await this.idle().catch((error: unknown) => {
      this.log(`idle CPU not measured: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    return { end, final: { liveUnderLoad, liveAtEnd, cache, pageCrashed: this.pageCrashed, idle } };
  }

  /**
   * The same page after hours of load, now that no case arrives (the API runs with --rate 0): one playlist cycle
   * (5 scenes × 20 s) with rotation on, then the overview with rotation off for 60 s; renderer + GPU process CPU.
   */
  private async idle(): Promise<FinalChecks['idle']> {
    const rendering = await this.page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { dataset: { rendering?: string } } } }).document.documentElement.dataset.rendering ?? 'full',
    );
    this.log(`idle CPU (${rendering} rendering): one playlist cycle with rotation on…`);
    const on = await idleCpuOf(this.page, 100);
    await this.page.evaluate(() => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = '#/wall/overview?rotate=0';
    });
    await waitForWall(this.page, 'overview', 60_000);
    this.log('idle CPU: 60 s with rotation off…');
    const off = await idleCpuOf(this.page, 60);
    const r = (c: { renderer: number; gpu: number }) => c.renderer + c.gpu;
    this.log(`idle CPU: rotation on ${r(on).toFixed(1)} %, off ${r(off).toFixed(1)} % of a core`);
    return { rendering, rotationOn: r(on), rotationOff: r(off), detail: `renderer ${off.renderer.toFixed(1)}, GPU ${off.gpu.toFixed(1)}` };
  }

  report(start: Endpoint, end: Endpoint, final: FinalChecks): boolean {
    const result = summarise({ options: this.o, start, end, samples: this.samples, kills: this.kills, final });
    console.log(
      `\nsoak — ${this.o.minutes} min, ${this.o.rate} events/s, ${this.o.killEveryMinutes > 0 ? `API killed every ${this.o.killEveryMinutes} min for ${this.o.outageSeconds} s` : 'API never killed'}; ${os.cpus().length} cores, Node ${process.version}`,
    );
    for (const f of result.figures) printFigure(f);
    this.record({ kind: 'result', at: new Date().toISOString(), ok: result.ok, failures: result.failures, figures: result.figures, final });
    console.log(
      result.ok
        ? `\nPASS — samples in ${this.out}`
        : `\nFAIL:\n${result.failures.map((f) => `- ${f}`).join('\n')}\nSamples in ${this.out}; caches and clean syncs kept in ${this.dir}`,
    );
    return result.ok;
  }

  async close(keepFiles: boolean) {
    await this.browser?.close().catch(() => {});
    this.hostDb?.close();
    if (this.host) await stopChild(this.host);
    if (this.central) await stopChild(this.central);
    if (!keepFiles) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Last resort on exit: no child outlives the soak. */
  killChildren() {
    this.host?.child.kill('SIGKILL');
    this.central?.child.kill('SIGKILL');
  }
}

async function main(): Promise<number> {
  const options = parseSoakArgs(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(SOAK_HELP);
    return 0;
  }
  const soak = new Soak(options);
  process.on('exit', () => soak.killChildren());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void soak.close(true).finally(() => process.exit(130)));
  let ok = false;
  try {
    await soak.start();
    const { start } = await soak.run();
    const { end, final } = await soak.finish(start);
    ok = soak.report(start, end, final);
  } catch (error) {
    console.error(`soak failed: ${error instanceof Error ? error.stack : String(error)}`);
  } finally {
    await soak.close(!ok);
  }
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
