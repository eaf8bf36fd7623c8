/**
 * The demo central server without HTTP: reference data, the change feed (timeline + live extras), the live
 * publisher and the stream's retained window. The HTTP layer (server.ts) adds auth, faults and the wire format.
 */
import { createHash } from 'node:crypto';
import { API_VERSION, type MetaResponse, type OrganisationResponse, type Region, type RegionsResponse, type ResyncNotice } from '../../shared/api/schemas';
import { Follower, Sweep } from './feed';
import { buildGeography, DISTRICT_CODE, type Geography, type Scale } from './geography';
import { History, S_REPORTED } from './history';
import { buildOrganisation, type Organisation } from './organisation';
import { buildPlan, type Plan } from './plan';
import { hashString, Rng, seedFromText } from './prng';
import { liveRev, liveRevParts, stableWatermark } from './revs';
import { Safety } from './safety';
import { dayOf, iso, secFromUnixMs } from './time';
import type { z } from 'zod';

export interface EngineOptions {
  /** Number or text; the same seed gives the same data. Default 1. */
  seed?: number | string;
  scale?: Scale;
  /** Events from 2022-01-01 up to now (default: the article's rates at district scale, 5,000,000 at city scale). */
  events?: number;
  /** Live extras: new cases and stage changes per second (default 0.05). 0 turns them off. */
  rate?: number;
  /** Clock in Unix ms (tests inject a fixed one). */
  now?: () => number;
  dataDir?: string;
  /** Grid count at city scale (default 20,000). */
  cityGrids?: number;
  /** Changes the stream retains for resuming (default 50,000). */
  streamWindow?: number;
  /** Generate the next page while the client digests this one (default true). */
  prefetch?: boolean;
}

export type ChangeListener = (rev: number, data: string) => void;

export interface PageItem {
  rev: number;
  data: string;
  /** The same JSON as UTF-8, made while generating (off the request's critical path when prefetched). */
  buf?: Buffer;
}

export interface PageResult {
  items: PageItem[];
  next_rev: number;
  has_more: boolean;
  head_rev: number;
  total: number;
}

interface ExtraEntry {
  rev: number;
  id: string;
  data: string;
}

export const CITY_EVENTS = 5_000_000;
export { DEFAULT_PAGE, MAX_PAGE } from '../http/paging';

export class CentralEngine {
  readonly seed: number;
  readonly scale: Scale;
  readonly geo: Geography;
  readonly org: Organisation;
  readonly plan: Plan;
  readonly safety: Safety;
  readonly history: History;
  readonly startedAt: number;
  readonly regionsJson: string;
  readonly regionsEtag: string;
  readonly organisationJson: string;
  readonly organisationEtag: string;
  readonly now: () => number;
  readonly rate: number;

  private readonly follower: Follower;
  private readonly ring: { rev: number; data: string }[] = [];
  private ringStart = 0;
  private readonly ringCapacity: number;
  private oldestRev: number;
  private readonly listeners = new Set<ChangeListener>();
  private extras: ExtraEntry[] = [];
  private readonly extraLatest = new Map<string, number>();
  private readonly sweeps = new Map<number, Sweep>();
  private lastLiveSec = -1;
  private liveCounter = 0;
  private lastRev = 0;
  private timer: NodeJS.Timeout | null = null;
  private liveTimer: NodeJS.Timeout | null = null;
  private readonly live: LiveExtras;
  private prefetched: { after: number; limit: number; stable: number; result: PageResult } | null = null;
  private extrasCompactAt = 10_000;
  private readonly prefetch: boolean;
  private stopped = false;

  constructor(options: EngineOptions = {}) {
    this.seed = seedFromText(options.seed ?? 1);
    this.scale = options.scale ?? 'district';
    this.now = options.now ?? Date.now;
    this.rate = Math.max(0, Math.min(options.rate ?? 0.05, 1000));
    const nowSec = secFromUnixMs(this.now());
    this.startedAt = nowSec;
    this.geo = buildGeography({ seed: this.seed, scale: this.scale, dataDir: options.dataDir, cityGrids: options.cityGrids });
    this.org = buildOrganisation(this.seed, this.geo);
    const gridFactor = this.geo.grids.length / 297;
    const events = options.events ?? (this.scale === 'city' ? CITY_EVENTS : undefined);
    // City scale keeps the district's mix of events and service activities; `--events` alone adds events only
    // (benchmarks want that many events on top of the district's ordinary activity).
    this.plan = buildPlan({
      seed: this.seed,
      grids: this.geo.grids.length,
      activityFactor: gridFactor,
      events: events !== undefined ? { count: events, upToDay: dayOf(nowSec) } : undefined,
      activitiesFollowEvents: this.scale === 'city',
    });
    this.safety = new Safety(this.seed, this.geo, this.org);
    this.history = new History(this.seed, this.plan, this.geo, this.org, this.safety);
    this.follower = new Follower(this.history, nowSec);
    this.lastRev = this.follower.headRev;
    // Resuming from the head as it was at start-up is complete: everything after it is in the ring.
    this.oldestRev = this.follower.headRev;
    this.ringCapacity = Math.max(1, options.streamWindow ?? 50_000);
    this.prefetch = options.prefetch ?? true;
    const regions = this.buildRegions();
    this.regionsJson = JSON.stringify(regions);
    this.regionsEtag = etag(this.regionsJson);
    this.organisationJson = JSON.stringify(this.org.response satisfies OrganisationResponse);
    this.organisationEtag = etag(this.organisationJson);
    this.live = new LiveExtras(this, new Rng(this.seed ^ hashString('live') ^ nowSec));
  }

  /** Start the clocks: timeline changes each second, live extras at `rate`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.publishUpTo(secFromUnixMs(this.now())), 1000);
    this.timer.unref();
    if (this.rate > 0) {
      const every = Math.max(20, Math.min(1000, 1000 / this.rate));
      let due = 0;
      let last = performance.now();
      this.liveTimer = setInterval(() => {
        const t = performance.now();
        due += ((t - last) / 1000) * this.rate;
        last = t;
        // Never bunch more than a second's worth after a stall (a paused laptop, a debugger).
        due = Math.min(due, Math.max(1, this.rate));
        while (due >= 1) {
          due--;
          this.live.step();
        }
      }, every);
      this.liveTimer.unref();
    }
  }

  stop(): void {
    this.stopped = true;
    this.prefetched = null;
    if (this.timer) clearInterval(this.timer);
    if (this.liveTimer) clearInterval(this.liveTimer);
    this.timer = null;
    this.liveTimer = null;
    this.listeners.clear();
  }

  /** Current time in generator seconds, never behind what has been published. */
  nowSec(): number {
    return Math.max(secFromUnixMs(this.now()), this.follower.watermark);
  }

  /** The newest rev published (see stableRev for the one a client is told). */
  get headRev(): number {
    return this.lastRev;
  }

  /**
   * The stable watermark (revs.ts): pages, the stream and /v1/meta never go past it. It does not publish; callers
   * that want it fresh publish up to now first.
   */
  stableRev(commitLagSec = 0): number {
    return stableWatermark(this.lastRev, this.nowSec(), commitLagSec);
  }

  get oldestStreamRev(): number {
    return this.oldestRev;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publish every timeline change up to second `sec`. */
  publishUpTo(sec: number): void {
    this.follower.advance(sec, (core, stage, rev) => this.emit(rev, this.history.changeJson(core, stage, rev)));
  }

  private emit(rev: number, data: string): void {
    if (rev <= this.lastRev) throw new Error(`rev went backwards: ${rev} after ${this.lastRev}`);
    this.lastRev = rev;
    this.ring.push({ rev, data });
    if (this.ring.length - this.ringStart > this.ringCapacity) {
      this.oldestRev = this.ring[this.ringStart].rev;
      this.ringStart++;
      // Compact now and then rather than shifting on every change.
      if (this.ringStart > 4096 && this.ringStart > this.ring.length / 2) {
        this.ring.splice(0, this.ringStart);
        this.ringStart = 0;
      }
    }
    for (const l of this.listeners) l(rev, data);
  }

  /**
   * Goes on after a change a previous run handed out (a store's cursor): live extras of that second then count on
   * from it. A run restarted within the second of its last live change handed out that second's first revs again,
   * at or below the cursor, and the store's writer skipped them as already written: lost cases.
   */
  resumeAfter(rev: number): void {
    const live = liveRevParts(rev);
    if (live && live.sec >= this.lastLiveSec) [this.lastLiveSec, this.liveCounter] = [live.sec, live.counter + 1];
  }

  /** A live extra change: flush the timeline up to this second first so revs stay in order. */
  emitLive(makeChange: (rev: number) => string, id: string): string {
    const sec = this.nowSec();
    this.publishUpTo(sec);
    if (sec !== this.lastLiveSec) {
      this.lastLiveSec = sec;
      this.liveCounter = 0;
    }
    let rev = liveRev(sec, this.liveCounter++);
    if (rev <= this.lastRev) rev = this.lastRev + 1;
    const data = makeChange(rev);
    this.extras.push({ rev, id, data });
    this.extraLatest.set(id, rev);
    // Superseded states of live cases are not listed any more: drop them now and then so memory follows the
    // number of live cases, not the number of changes.
    if (this.extras.length >= this.extrasCompactAt) {
      this.extras = this.extras.filter((x) => this.extraLatest.get(x.id) === x.rev);
      this.extrasCompactAt = Math.max(10_000, this.extras.length * 2);
    }
    this.emit(rev, data);
    return data;
  }

  /** Changes after `rev` still in the retained window, or null when `rev` is older than the window. */
  replayAfter(rev: number): { rev: number; data: string }[] | null {
    if (rev < this.oldestRev) return null;
    let lo = this.ringStart;
    let hi = this.ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ring[mid].rev <= rev) lo = mid + 1;
      else hi = mid;
    }
    return this.ring.slice(lo);
  }

  resyncNotice(): z.infer<typeof ResyncNotice> {
    return {
      reason: 'cursor_too_old',
      oldest_rev: this.oldestRev,
      message: `The stream only keeps changes after rev ${this.oldestRev}; re-sync with GET /v1/changes?after_rev=<your last rev> and reconnect.`,
    };
  }

  meta(commitLagSec = 0): MetaResponse {
    this.publishUpTo(this.nowSec());
    return {
      api_version: API_VERSION,
      district: { code: DISTRICT_CODE, name: this.geo.district.name },
      datum: 'GCJ-02',
      server_time: iso(this.nowSec()),
      head_rev: this.stableRev(commitLagSec),
      oldest_stream_rev: this.oldestRev,
      demo: true,
      time_zone: 'Asia/Shanghai',
    };
  }

  /**
   * One page of the change feed as JSON item strings (the caller assembles the body, so records are serialised
   * once). Items are the latest state of each record whose latest change is after `afterRev`, in rev order, up to
   * the stable watermark (which the page reports as head_rev); has_more says whether more wait below it.
   *
   * While the client digests a page, the next one is generated in the background (clients page sequentially), so
   * a sync pays for generation and for its own work side by side rather than one after the other.
   */
  page(afterRev: number, limit: number, commitLagSec = 0): PageResult {
    const pre = this.prefetched;
    this.prefetched = null;
    this.publishUpTo(this.nowSec());
    const stable = this.stableRev(commitLagSec);
    let result: PageResult;
    // A prefetched page is good while the watermark has not moved back below what it was made with (its items
    // stay below the head it now reports; newer changes come on the next page).
    if (pre && pre.after === afterRev && pre.limit === limit && pre.stable <= stable) {
      result = { ...pre.result, head_rev: stable };
    } else {
      result = this.computePage(afterRev, limit, stable);
    }
    if (result.has_more && this.prefetch) {
      const after = result.next_rev;
      setImmediate(() => {
        // Only while the cursor's sweep is still waiting: if the client was quicker, it already took it.
        if (this.stopped || this.prefetched || !this.sweeps.has(after)) return;
        this.publishUpTo(this.nowSec());
        const s = this.stableRev(commitLagSec);
        this.prefetched = { after, limit, stable: s, result: this.computePage(after, limit, s) };
      });
    }
    return result;
  }

  private computePage(afterRev: number, limit: number, stable: number): PageResult {
    const w = this.follower.watermark;
    let sweep = this.sweeps.get(afterRev);
    if (sweep) this.sweeps.delete(afterRev);
    else sweep = new Sweep(this.history, afterRev, w);
    sweep.advance(w);
    // Live extras after afterRev that are still their record's latest state.
    let xi = lowerBound(this.extras, afterRev);
    let extrasLeft = 0;
    for (let i = xi; i < this.extras.length; i++) if (this.extraLatest.get(this.extras[i].id) === this.extras[i].rev) extrasLeft++;
    const total = sweep.remaining + extrasLeft;
    const items: PageItem[] = [];
    let next = afterRev;
    let hasMore = false;
    for (;;) {
      const e = sweep.peek();
      while (xi < this.extras.length && this.extraLatest.get(this.extras[xi].id) !== this.extras[xi].rev) xi++;
      const x = xi < this.extras.length ? this.extras[xi] : null;
      const nextRev = Math.min(e ? e.rev : Infinity, x ? x.rev : Infinity);
      // Nothing more up to the watermark: caught up (what lies above it comes once it has committed).
      if (nextRev > stable) break;
      if (items.length >= limit) {
        hasMore = true;
        break;
      }
      if (x && (!e || x.rev < e.rev)) {
        items.push({ rev: x.rev, data: x.data, buf: Buffer.from(x.data) });
        next = x.rev;
        xi++;
      } else if (e) {
        sweep.take(e);
        const data = this.history.changeJson(e.core, e.stage);
        items.push({ rev: e.rev, data, buf: Buffer.from(data) });
        next = e.rev;
      }
    }
    this.sweeps.set(next, sweep);
    // A handful of clients page at once at most; drop the oldest cursors beyond that.
    while (this.sweeps.size > 8) this.sweeps.delete(this.sweeps.keys().next().value as number);
    return { items, next_rev: next, has_more: hasMore, head_rev: stable, total };
  }

  private buildRegions(): RegionsResponse {
    const geo = this.geo;
    const regions: Region[] = [];
    regions.push({
      id: geo.district.id,
      code: geo.district.code,
      level: 'district',
      name: geo.district.name,
      parent_id: null,
      center: geo.district.center,
      geometry: geo.district.geometry,
      synthetic_geometry: false,
      profile: null,
    });
    for (const s of geo.streets)
      regions.push({
        id: s.id,
        code: s.code,
        level: 'street',
        name: s.name,
        parent_id: s.parentId,
        center: s.center,
        geometry: s.geometry,
        synthetic_geometry: true,
        profile: null,
      });
    for (const c of geo.communities)
      regions.push({
        id: c.id,
        code: c.code,
        level: 'community',
        name: c.name,
        parent_id: c.parentId,
        center: c.center,
        geometry: c.geometry,
        synthetic_geometry: true,
        profile: null,
      });
    geo.grids.forEach((g, i) => {
      regions.push({
        id: g.id,
        code: g.code,
        level: 'grid',
        name: g.name,
        parent_id: g.parentId,
        center: g.center,
        geometry: g.geometry,
        synthetic_geometry: true,
        profile: this.org.profiles[i],
      });
    });
    return { datum: 'GCJ-02', attribution: geo.attribution, regions };
  }
}

function lowerBound(entries: ExtraEntry[], rev: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid].rev <= rev) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function etag(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

/**
 * Live extras: new cases and stage changes of open live cases at the configured rate, on top of the timeline. They
 * exist only while this server runs (ids "L<start second>-<n>").
 */
class LiveExtras {
  private readonly open: { core: ReturnType<History['liveCore']>; stage: number }[] = [];
  private count = 0;
  private readonly prefix: string;

  constructor(
    private readonly engine: CentralEngine,
    private readonly rng: Rng,
  ) {
    this.prefix = `L${engine.startedAt.toString(36)}-`;
  }

  step(): void {
    const r = this.rng;
    const sec = this.engine.nowSec();
    // About one change in three opens a case; the rest move open ones along (most cases go through 5-6 stages).
    if (this.open.length === 0 || (this.open.length < 5000 && r.next() < 0.3)) {
      const n = this.count++;
      const critical = r.next() < 1 / 60;
      const core = this.engine.history.liveCore(`${this.prefix}${n}`, 0x40000000 + (n % 0x3fffffff), sec, r, critical);
      this.open.push({ core, stage: S_REPORTED });
      this.engine.emitLive((rev) => this.engine.history.liveChangeJson(core, S_REPORTED, rev), core.id!);
      return;
    }
    const i = r.int(this.open.length);
    const item = this.open[i];
    const next = History.nextLiveStage(item.core, item.stage);
    if (next < 0) {
      this.open.splice(i, 1);
      return this.step();
    }
    item.core.times[next] = Math.max(sec, item.core.times[item.stage] + 1);
    item.stage = next;
    this.engine.emitLive((rev) => this.engine.history.liveChangeJson(item.core, next, rev), item.core.id!);
    if (History.nextLiveStage(item.core, next) < 0) this.open.splice(i, 1);
  }
}
