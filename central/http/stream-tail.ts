/**
 * One reader of the change feed per service process for all its stream clients. Each wake-up (a commit here, a
 * NOTIFY from another process, or the 1 s tick) reads what committed since the tail's head once, keeps it as SSE
 * text in a ring, and tells the clients; a client whose cursor the ring covers is served from memory, one that is
 * further behind (a resume after a long absence) pages from the store until it reaches the ring. Before this every
 * client ran its own feed query on every wake-up: 50 clients × 50 writes/s were 2,500 queries a second.
 */
import type { CentralStore } from '../store/types';

/** A change as one SSE event (id = rev). */
export const sseChange = (item: { rev: number; json: string }) => `event: change\nid: ${item.rev}\ndata: ${item.json}\n\n`;

interface Entry {
  rev: number;
  text: string;
}

export class StreamTail {
  private readonly entries: Entry[] = [];
  /** The ring covers the changes with floor < rev ≤ head (null until the first read). */
  private floor = 0;
  private head: number | null = null;
  private reading: Promise<void> | null = null;
  private again = false;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;
  private readonly tick: NodeJS.Timeout;

  constructor(
    private readonly store: CentralStore,
    private readonly capacity = 10_000,
    tickMs = 1000,
  ) {
    this.unsubscribe = store.onChange(() => void this.refresh());
    // A tick as well as the wake-ups: a wake-up lost while the store's listener reconnected costs a second at most.
    this.tick = setInterval(() => void this.refresh(), tickMs);
    this.tick.unref();
  }

  /** Calls `listener` after each read that found new changes (and after failed reads, so clients retry). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The SSE text of the changes after `cursor` and the cursor after them, when the ring covers it; null when the
   * cursor is older than the ring (page from the store first).
   */
  after(cursor: number): { text: string; next: number } | null {
    if (this.head === null || cursor < this.floor) return null;
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid].rev <= cursor) lo = mid + 1;
      else hi = mid;
    }
    const newer = this.entries.slice(lo);
    return { text: newer.map((e) => e.text).join(''), next: newer.length ? newer[newer.length - 1].rev : cursor };
  }

  /** Reads what committed since the head, once however many ask; a request during a read asks for one more. */
  refresh(): Promise<void> {
    if (!this.listeners.size) {
      // Nobody follows: keep nothing, and start from the head again when someone does.
      this.head = null;
      this.entries.length = 0;
      return Promise.resolve();
    }
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      let found = false;
      try {
        do {
          this.again = false;
          if (this.head === null) {
            // A new floor: clients that paged up to an older head must be told to page the gap from the store.
            this.floor = this.head = await this.store.headRev();
            found = true;
          }
          for (;;) {
            const page = await this.store.changes(this.head, 1000);
            for (const item of page.items) this.entries.push({ rev: item.rev, text: sseChange(item) });
            found ||= page.items.length > 0;
            this.head = page.nextRev;
            if (!page.hasMore) break;
          }
          if (this.entries.length > this.capacity) this.floor = this.entries.splice(0, this.entries.length - this.capacity).at(-1)!.rev;
        } while (this.again);
      } catch {
        // The store is down for now: the clients keep their heartbeats; the next wake-up or tick tries again.
        found = true;
      } finally {
        this.reading = null;
      }
      if (found) for (const listener of this.listeners) listener();
    })();
    return this.reading;
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.tick);
    this.listeners.clear();
  }
}
