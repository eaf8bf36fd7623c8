/**
 * Revisions are derived from time, so that they are stable across restarts of the demo server: a change that
 * happened at second s always has the same rev, and anything that happens later has a higher one. A client that
 * synced up to rev R from yesterday's server sees exactly the changes after R from today's.
 *
 *   rev = s * 2^24 + lane + 1
 *
 * s: seconds since 2022-01-01T00:00+08:00 (29 bits, to 2039). Timeline changes (history and its continuation) use
 * lane = (record index mod 2^20) * 8 + stage code, below 2^23; the plan guarantees two records sharing a lane are
 * created more than MAX_LIFE_DAYS apart, so their changes never fall in the same second. Live extras use lanes
 * from 2^23 up, after every timeline change of the same second. The result stays below 2^53.
 */
import { INDEX_LANES } from './plan';

export const REV_SECOND = 2 ** 24;
const LIVE_BASE = 2 ** 23;

export function timelineRev(sec: number, index: number, stage: number): number {
  return sec * REV_SECOND + (index % INDEX_LANES) * 8 + stage + 1;
}

export function liveRev(sec: number, counter: number): number {
  if (counter >= LIVE_BASE - 1) throw new Error('too many live changes in one second');
  return sec * REV_SECOND + LIVE_BASE + 1 + counter;
}

/** The second of a live extra's rev and its counter within that second; null for a timeline rev. */
export function liveRevParts(rev: number): { sec: number; counter: number } | null {
  const lane = (rev - 1) % REV_SECOND;
  return lane >= LIVE_BASE ? { sec: secOfRev(rev), counter: lane - LIVE_BASE } : null;
}

/** The second a rev belongs to. */
export function secOfRev(rev: number): number {
  return Math.floor((rev - 1) / REV_SECOND);
}

/** The highest rev that second `sec` can hold. */
export function lastRevOfSecond(sec: number): number {
  return (sec + 1) * REV_SECOND;
}

/**
 * The stable watermark: the newest rev below which every change has committed, so that nothing at or below it can
 * become visible later. Pages and the stream hand out changes only up to it, and it is the `head_rev` a client is
 * told. A database with concurrent writers would take it as one below the oldest rev still in flight; the demo
 * commits each change the moment it is published, so it is the newest published rev, unless `commitLagSec`
 * pretends that the changes of the last N seconds are still being committed.
 */
export function stableWatermark(newestPublished: number, nowSec: number, commitLagSec = 0): number {
  if (!(commitLagSec > 0)) return newestPublished;
  return Math.min(newestPublished, lastRevOfSecond(nowSec - Math.ceil(commitLagSec)));
}
