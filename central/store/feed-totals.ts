/**
 * `total` on a page of /v1/changes (records left after the cursor, an estimate for progress) without counting
 * every remaining row on every page, which made paging through N records cost O(N²). Clients page sequentially:
 * the answer to a page remembers what is left after its next_rev, so the next page counts only the changes that
 * committed since (a record updated meanwhile may be counted twice: the contract calls total an estimate).
 */
export class FeedTotals {
  private readonly memo = new Map<number, { head: number; remaining: number }>();

  constructor(private readonly capacity = 1000) {}

  /**
   * Records left after `afterRev` up to `head`: from the memo plus the new changes when the previous page was seen
   * here, else counted in full. `count(from, to)` counts the records with from < rev ≤ to.
   */
  total(afterRev: number, head: number, count: (from: number, to: number) => number): number;
  total(afterRev: number, head: number, count: (from: number, to: number) => Promise<number>): Promise<number>;
  total(afterRev: number, head: number, count: (from: number, to: number) => number | Promise<number>): number | Promise<number> {
    const known = this.memo.get(afterRev);
    this.memo.delete(afterRev);
    if (!known || known.head > head) return count(afterRev, head);
    if (known.head === head) return known.remaining;
    const added = count(known.head, head);
    return typeof added === 'number' ? known.remaining + added : added.then((n) => known.remaining + n);
  }

  /**
   * For an engine that counts in the same statement as it reads the page (PostgreSQL): count the records with
   * countFrom < rev ≤ head and add `base`. (The head only grows there, so the memo's head is never above it.)
   */
  start(afterRev: number): { countFrom: number; base: number } {
    const known = this.memo.get(afterRev);
    this.memo.delete(afterRev);
    return known ? { countFrom: known.head, base: known.remaining } : { countFrom: afterRev, base: 0 };
  }

  /** After a page: what is left after its next_rev (only worth keeping when more pages follow). */
  remember(nextRev: number, head: number, remaining: number): void {
    if (this.memo.size >= this.capacity) this.memo.delete(this.memo.keys().next().value!);
    this.memo.set(nextRev, { head, remaining: Math.max(0, remaining) });
  }
}
