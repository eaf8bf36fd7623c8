/**
 * Fault knobs for testing clients against a misbehaving central API, and against behaviours the contract allows
 * a real backend (empty pages, a lagging watermark, purged tombstones). Each is off by default; the HTTP layer
 * asks these helpers what to do with a request, a page or a stream message.
 */
import { hash3, Rng, unit } from './prng';

export interface Faults {
  /** Added to every /v1 response (ms). */
  latencyMs: number;
  /** Share of /v1 requests answered 503 with an ApiError. */
  errorRate: number;
  /** Share of records (in pages and on the stream) sent with a missing field or a wrong type. */
  malformedRate: number;
  /** Close every stream connection this many seconds after it opened (0 = never). */
  dropStreamEverySec: number;
  /** Share of records sent twice (same rev). */
  duplicateRate: number;
  /** Share of records swapped with their successor (out of rev order). */
  reorderRate: number;
  /** Treat the configured token as revoked: 403 on everything under /v1. */
  revokeToken: boolean;
  /**
   * Pretend tombstones before this rev were purged: /v1/changes answers 410 Gone (ApiError cursor_too_old) for
   * 0 < after_rev < it (0 = keep everything, the default).
   */
  oldestChangesRev: number;
  /**
   * Pretend the changes of the last N seconds are still committing: the stable watermark (head_rev) stays N seconds
   * behind the clock, and pages and the stream stop at it.
   */
  commitLagSec: number;
  /**
   * Share of pages answered with no items, has_more true and next_rev just below the first change the page would
   * have held, as a server that stopped at its watermark or skipped rows it filters out may.
   */
  emptyPageRate: number;
}

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  errorRate: 0,
  malformedRate: 0,
  dropStreamEverySec: 0,
  duplicateRate: 0,
  reorderRate: 0,
  revokeToken: false,
  oldestChangesRev: 0,
  commitLagSec: 0,
  emptyPageRate: 0,
};

/** The sentence of a 410 Gone on /v1/changes (ApiError cursor_too_old). */
export function cursorTooOldMessage(afterRev: number, oldestRev: number): string {
  return `after_rev ${afterRev} is older than the changes this server keeps (it keeps deletions after rev ${oldestRev} only), so some deletions since then can no longer be sent. Re-sync in full from after_rev=0 and replace the records held.`;
}

/** Is the page after `cursor` to be answered empty? Hashes (seed, cursor): the same page comes out the same way twice. */
export function emptyPage(faults: Faults, seed: number, cursor: number): boolean {
  if (!(faults.emptyPageRate > 0)) return false;
  return unit(hash3(seed ^ 0x3e3e3e3e, cursor % 0x7fffffff, Math.floor(cursor / 0x7fffffff))) < faults.emptyPageRate;
}

/** Break one record the way a buggy upstream would: keep `type` and the outer `rev` so the client can go on. */
export function corrupt(data: string, h: number): string {
  const change = JSON.parse(data) as { type?: string; rev?: number; record?: Record<string, unknown> };
  const record = change.record ?? {};
  switch (h % 4) {
    case 0:
      delete record.id;
      break;
    case 1:
      record.rev = String(record.rev);
      break;
    case 2:
      if (change.type === 'event') record.kind = 'meteor_strike';
      else if (change.type === 'evaluation') record.safe = 'yes';
      else if (change.type === 'service') record.people_reached = -5;
      else record.deleted_at = 'yesterday';
      break;
    default:
      delete change.record;
  }
  return JSON.stringify(change);
}

/**
 * Apply malformed/duplicate/reorder faults to a page's items. Decisions hash (seed, page cursor, position) so the
 * same page comes out the same way twice, which keeps tests reproducible.
 */
export function faultItems<T extends { rev: number; data: string; buf?: Buffer }>(items: T[], faults: Faults, seed: number, cursor: number): T[] {
  if (!faults.malformedRate && !faults.duplicateRate && !faults.reorderRate) return items;
  const key = hash3(seed, cursor % 0x7fffffff, Math.floor(cursor / 0x7fffffff));
  let out: T[] = [];
  items.forEach((item, i) => {
    const u = (salt: number) => unit(hash3(key, i, salt));
    const one = faults.malformedRate && u(1) < faults.malformedRate ? { ...item, data: corrupt(item.data, hash3(key, i, 4)), buf: undefined } : item;
    out.push(one);
    if (faults.duplicateRate && u(2) < faults.duplicateRate) out.push(one);
  });
  if (faults.reorderRate) {
    out = [...out];
    for (let i = 0; i + 1 < out.length; i++) {
      if (unit(hash3(key, i, 3)) < faults.reorderRate) {
        [out[i], out[i + 1]] = [out[i + 1], out[i]];
        i++;
      }
    }
  }
  return out;
}

/** Per-connection fault decisions for the stream. */
export class StreamFaults {
  private readonly rng: Rng;
  constructor(
    private readonly faults: Faults,
    seed: number,
  ) {
    this.rng = new Rng(seed);
  }
  malformed(): boolean {
    return this.faults.malformedRate > 0 && this.rng.next() < this.faults.malformedRate;
  }
  duplicate(): boolean {
    return this.faults.duplicateRate > 0 && this.rng.next() < this.faults.duplicateRate;
  }
  reorder(): boolean {
    return this.faults.reorderRate > 0 && this.rng.next() < this.faults.reorderRate;
  }
  corruptKey(): number {
    return Math.floor(this.rng.next() * 0x7fffffff);
  }
}
