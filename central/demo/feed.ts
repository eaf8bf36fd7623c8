/**
 * The change feed over the generated timeline, without holding it.
 *
 * A record is listed once, at the rev of its latest change at or before the watermark W (the time up to which the
 * server has published): an event created in March and closed in April is listed at its April rev. Every change
 * of a record happens within MAX_LIFE_DAYS of its creation, so the records that can have a change on day D were
 * all created in [D - MAX_LIFE_DAYS, D]. A Sweep walks days in order, generating each creation day once, and keeps
 * only the records whose latest change lies ahead of it (bucketed by day) plus a heap of records that will change
 * after W. Memory stays flat however far it walks; a sweep is cached between pages so that a client paging
 * sequentially costs one generation per record.
 *
 * A Follower keeps the head: it knows every record that will change after W and publishes each change (every
 * stage, not just the latest) as W advances with the clock.
 */
import type { Core, History } from './history';
import { MAX_LIFE_DAYS } from './plan';
import { lastRevOfSecond, secOfRev } from './revs';
import { DAY, dayOf } from './time';

export interface FeedEntry {
  rev: number;
  stage: number;
  core: Core;
}

/** Binary min-heap of (rev, index, day, extra) keyed by rev. */
class RevHeap {
  private revs: number[] = [];
  private idx: number[] = [];
  private days: number[] = [];
  private extra: number[] = [];
  get size(): number {
    return this.revs.length;
  }
  peekRev(): number {
    return this.revs.length ? this.revs[0] : Infinity;
  }
  push(rev: number, index: number, day: number, extra: number): void {
    const { revs, idx, days } = this;
    let i = revs.length;
    revs.push(rev);
    idx.push(index);
    days.push(day);
    this.extra.push(extra);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (revs[p] <= rev) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): { rev: number; index: number; day: number; extra: number } {
    const top = { rev: this.revs[0], index: this.idx[0], day: this.days[0], extra: this.extra[0] };
    const last = this.revs.length - 1;
    this.swap(0, last);
    this.revs.pop();
    this.idx.pop();
    this.days.pop();
    this.extra.pop();
    let i = 0;
    const n = this.revs.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.revs[l] < this.revs[m]) m = l;
      if (r < n && this.revs[r] < this.revs[m]) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
  private swap(a: number, b: number): void {
    const { revs, idx, days, extra } = this;
    [revs[a], revs[b]] = [revs[b], revs[a]];
    [idx[a], idx[b]] = [idx[b], idx[a]];
    [days[a], days[b]] = [days[b], days[a]];
    [extra[a], extra[b]] = [extra[b], extra[a]];
  }
}

interface Bucket {
  entries: FeedEntry[];
  pos: number;
  sorted: boolean;
}

const creationCache = new WeakMap<History, Map<number, Float64Array>>();

/** How many records of `day` exist at W (created at or before W). */
export function createdOnDayBy(history: History, day: number, w: number): number {
  const n = history.recordsOnDay(day);
  if ((day + 1) * DAY - 1 <= w) return n;
  if (day * DAY > w) return 0;
  let cache = creationCache.get(history);
  if (!cache) creationCache.set(history, (cache = new Map()));
  let times = cache.get(day);
  if (!times) {
    const base = history.recordsBefore(day);
    times = new Float64Array(n);
    for (let i = 0; i < n; i++) times[i] = history.core(base + i, day).created;
    times.sort();
    if (cache.size > 8) cache.clear();
    cache.set(day, times);
  }
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= w) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Records that exist at W. */
export function createdBy(history: History, w: number): number {
  const wDay = dayOf(w);
  if (wDay >= history.plan.days) return history.recordsBefore(history.plan.days);
  return history.recordsBefore(wDay) + createdOnDayBy(history, wDay, w);
}

export class Sweep {
  lastRev: number;
  /** Records whose listed rev is after lastRev, as of W. */
  remaining = 0;
  private day: number;
  private ingested: number;
  private readonly buckets = new Map<number, Bucket>();
  private readonly watch = new RevHeap();
  /** Latest listed rev of records that changed after they were bucketed (older bucket entries are stale). */
  private readonly moved = new Map<number, number>();
  private w: number;

  constructor(
    private readonly history: History,
    afterRev: number,
    w: number,
  ) {
    this.lastRev = afterRev;
    this.w = w;
    const startDay = afterRev > 0 ? Math.max(0, dayOf(secOfRev(afterRev))) : 0;
    const firstCreation = Math.max(0, startDay - MAX_LIFE_DAYS - 1);
    this.day = startDay;
    this.ingested = firstCreation - 1;
    const wDay = dayOf(w);
    // Records created before the window were all listed at or before afterRev; count those after it.
    let settled = history.recordsBefore(firstCreation);
    const lastWindowDay = Math.min(startDay, wDay);
    while (this.ingested < lastWindowDay) settled += this.ingestDay(++this.ingested);
    // A cursor from the future (a server that ran with a later clock) has nothing after it.
    this.remaining = Math.max(0, createdBy(history, w) - settled);
  }

  get watermark(): number {
    return this.w;
  }

  /** Generate the records of creation day c; returns how many are listed at or before lastRev. */
  private ingestDay(c: number): number {
    if (c >= this.history.plan.days) return 0;
    const n = this.history.recordsOnDay(c);
    const base = this.history.recordsBefore(c);
    let settled = 0;
    for (let i = 0; i < n; i++) {
      const core = this.history.core(base + i, c);
      const k = this.history.visibleStage(core, this.w);
      let listed = 0;
      if (k >= 0) {
        listed = this.history.rev(core, k);
        if (listed > this.lastRev) this.add({ rev: listed, stage: k, core });
        else settled++;
      }
      const next = this.history.nextStage(core, this.w);
      if (next >= 0) this.watch.push(this.history.rev(core, next), core.index, c, listed);
    }
    return settled;
  }

  private add(e: FeedEntry): void {
    const d = dayOf(e.core.times[e.stage]);
    let b = this.buckets.get(d);
    if (!b) {
      b = { entries: [], pos: 0, sorted: true };
      this.buckets.set(d, b);
    }
    b.entries.push(e);
    b.sorted = false;
  }

  /** Move the watermark forward: records that changed since are listed again at their new rev. */
  advance(w: number): void {
    if (w <= this.w) return;
    // Every record created since the old watermark is one more to list, wherever it is.
    this.remaining += createdBy(this.history, w) - createdBy(this.history, this.w);
    this.w = w;
    const limit = lastRevOfSecond(w);
    while (this.watch.peekRev() <= limit) {
      const { index, day, extra: previous } = this.watch.pop();
      const core = this.history.core(index, day);
      const k = this.history.visibleStage(core, w);
      const rev = this.history.rev(core, k);
      // A record already listed (at or before lastRev) that changed is one more to list again.
      if (previous !== 0 && previous <= this.lastRev) this.remaining++;
      this.moved.set(index, rev);
      this.add({ rev, stage: k, core });
      const next = this.history.nextStage(core, w);
      if (next >= 0) this.watch.push(this.history.rev(core, next), index, day, rev);
    }
  }

  /** The next entry after lastRev, or null when the sweep has caught up with W. */
  peek(): FeedEntry | null {
    const wDay = dayOf(this.w);
    for (;;) {
      if (this.day > wDay) return null;
      while (this.ingested < this.day) this.ingestDay(++this.ingested);
      const b = this.buckets.get(this.day);
      if (b) {
        if (!b.sorted) {
          const rest = b.entries.slice(b.pos).sort((x, y) => x.rev - y.rev);
          b.entries = rest;
          b.pos = 0;
          b.sorted = true;
        }
        while (b.pos < b.entries.length) {
          const e = b.entries[b.pos];
          const m = this.moved.get(e.core.index);
          if (e.rev <= this.lastRev || (m !== undefined && m !== e.rev)) {
            b.pos++;
            continue;
          }
          return e;
        }
      }
      if (this.day < wDay) {
        this.buckets.delete(this.day);
        this.day++;
      } else {
        return null;
      }
    }
  }

  /** Consume the entry peek() returned. */
  take(e: FeedEntry): void {
    const b = this.buckets.get(this.day);
    if (b) b.pos++;
    if (this.moved.get(e.core.index) === e.rev) this.moved.delete(e.core.index);
    this.lastRev = e.rev;
    this.remaining--;
  }
}

/** Publishes timeline changes as the clock moves; knows the head rev. */
export class Follower {
  headRev = 0;
  private w: number;
  private ingested: number;
  private readonly watch = new RevHeap();

  constructor(
    private readonly history: History,
    w: number,
  ) {
    this.w = w;
    const wDay = dayOf(w);
    this.ingested = Math.max(0, wDay - MAX_LIFE_DAYS - 1) - 1;
    this.ingestTo(wDay + 1);
  }

  get watermark(): number {
    return this.w;
  }

  private ingestTo(day: number): void {
    const last = Math.min(day, this.history.plan.days - 1);
    while (this.ingested < last) {
      const c = ++this.ingested;
      const n = this.history.recordsOnDay(c);
      const base = this.history.recordsBefore(c);
      for (let i = 0; i < n; i++) {
        const core = this.history.core(base + i, c);
        const k = this.history.visibleStage(core, this.w);
        if (k >= 0) this.headRev = Math.max(this.headRev, this.history.rev(core, k));
        const next = this.history.nextStage(core, this.w);
        if (next >= 0) this.watch.push(this.history.rev(core, next), core.index, c, next);
      }
    }
  }

  /** Publish every timeline change up to second w, in rev order. */
  advance(w: number, publish: (core: Core, stage: number, rev: number) => void): void {
    if (w <= this.w) return;
    this.w = w;
    this.ingestTo(dayOf(w) + 1);
    const limit = lastRevOfSecond(w);
    while (this.watch.peekRev() <= limit) {
      const { rev, index, day, extra: stage } = this.watch.pop();
      const core = this.history.core(index, day);
      this.headRev = Math.max(this.headRev, rev);
      publish(core, stage, rev);
      const next = this.history.nextStage(core, core.times[stage]);
      if (next >= 0) this.watch.push(this.history.rev(core, next), index, day, next);
    }
  }
}
