/**
 * The sync engine: bootstrap by pages, then follow the live stream; after any drop (or a stream gone silent),
 * back off (capped, jittered, never sooner than the server's Retry-After), fill the gap by pages, and resume the
 * stream from the cursor. The cursor only moves inside the transaction that writes its data
 * (CacheStore.applyChanges), and only pages move it (every rev up to it is applied), so stopping at any instant is
 * safe, and so is trying again: a retry starts over from the cursor, never losing or applying anything twice.
 *
 * The headless sync (syncOnce) retries transient faults within a time budget and then gives up with one sentence;
 * permanent ones (400, 401, 403, 404, an answer in the wrong format) end it at once. A 410 from the change feed
 * (the server pruned tombstones this cache still needs) empties the synced data and re-syncs from rev 0, so the
 * cache ends with exactly the server's records.
 */
import type { SyncProblem, SyncStatus } from '../../shared/bridge/contract';
import { toShanghaiIso } from '../../shared/time';
import { CacheError } from '../cache/database';
import type { AppliedBatch, CacheStore } from '../cache/store';
import type { ChangesPage } from '../../shared/api/schemas';
import { ApiClientError, seconds, type ApiClient } from './api-client';

/** A bootstrap with more changes than this rebuilds the big indexes once at the end instead of row by row. */
const BULK_THRESHOLD = 50_000;
/** In bulk mode pages are applied this many records to a transaction: each commit rewrites the touched rollup
 * and index pages, so fewer, bigger commits save a fifth of the apply time (measured). */
const BULK_GROUP = 20_000;
/** A retry (or a reconnection) within this long of the last reference check does not check again. */
const REFERENCE_FRESH_MS = 60_000;

export interface SyncEngineOptions {
  pageSize?: number;
  /** Stream changes are applied in batches gathered for at most this long (event-to-pixel budget: 300 ms). */
  streamBatchMs?: number;
  streamBatchMax?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** Retry cadence while the token is refused. */
  unauthorizedRetryMs?: number;
  /** syncOnce: how long to keep retrying transient faults (from the first failure since data last arrived)
   * before giving up (default 5 min). */
  retryForMs?: number;
  /**
   * While following the stream, how often the reference data (regions, organisation) is asked for again with its
   * ETags (a 304 costs nothing): new boundaries or departments imported into the central service reach the wall
   * without a reconnect (default 60 s). The change feed carries records only.
   */
  referenceCheckMs?: number;
  demo?: boolean;
  now?: () => number;
  random?: () => number;
}

export type SyncListener = {
  status?: (status: SyncStatus) => void;
  batch?: (batch: AppliedBatch) => void;
  reference?: () => void;
};

export class SyncEngine {
  private status: SyncStatus;
  private abort = new AbortController();
  private running: Promise<void> | null = null;
  /** When the reference data was last fetched (or found unchanged). */
  private referenceAt: number | null = null;
  private readonly options: Required<Omit<SyncEngineOptions, 'demo'>> & { demo: boolean };

  constructor(
    private readonly api: ApiClient,
    private readonly store: CacheStore,
    private readonly listener: SyncListener = {},
    options: SyncEngineOptions = {},
  ) {
    this.options = {
      pageSize: 5000,
      streamBatchMs: 50,
      streamBatchMax: 2000,
      // Capped at 20 s: after an outage the wall is live again within 20 s of the API's return (soaks saw
      // 13–17 s medians at a 60 s cap), and a few walls retrying that often are no load for a central API.
      backoff: { initialMs: 1000, maxMs: 20_000 },
      unauthorizedRetryMs: 5 * 60_000,
      retryForMs: 5 * 60_000,
      referenceCheckMs: REFERENCE_FRESH_MS,
      demo: false,
      now: Date.now,
      random: Math.random,
      // An option given as undefined (a CLI flag not passed) keeps its default.
      ...definedOnly(options),
    };
    const lastContact = this.store.state().lastContact;
    this.status = {
      state: 'idle',
      source: api.source,
      demo: this.options.demo,
      lastContact,
      progress: null,
      retryInSeconds: null,
      quarantined: this.quarantined(),
      message: null,
      problem: null,
    };
    this.store.setSource(api.source, this.options.demo);
  }

  get current(): SyncStatus {
    return this.status;
  }

  /**
   * Pulls everything the API has, then returns (the CLI's `npm run sync`). Transient faults are retried from the
   * cursor with back-off for up to retryForMs (counted from the first failure since data last arrived); then,
   * or at once for a permanent fault, it rejects with one sentence.
   */
  async syncOnce(): Promise<void> {
    const signal = this.abort.signal;
    const budget = this.options.retryForMs;
    let since: number | null = null;
    let attempts = 0;
    for (;;) {
      const attemptStarted = this.options.now();
      const cursor = this.store.cursor;
      try {
        // A retry does not ask for the reference data again if it came within the last minute.
        await this.refreshReference(attempts > 0);
        await this.pullPages();
        break;
      } catch (error) {
        if (!(error instanceof ApiClientError) || !error.transient || budget <= 0) throw error;
        if (signal.aborted) throw stoppedError(error);
        // Data committed in this attempt: a new run of failures, with the whole budget again.
        if (since === null || this.store.cursor !== cursor) {
          since = attemptStarted;
          attempts = 0;
        }
        attempts++;
        const elapsed = this.options.now() - since;
        const left = budget - elapsed;
        const asked = error.retryAfterMs ?? 0;
        if (left <= 0 || asked > left) {
          const asking = asked > left && left > 0 ? `; it asked to wait ${seconds(asked)} more` : '';
          const message = `Gave up after ${seconds(elapsed)} of retries: ${error.fault} (${attempts} attempt${attempts === 1 ? '' : 's'}${asking}).`;
          throw new ApiClientError(error.kind, message, error.status, { transient: false, fault: error.fault });
        }
        await this.wait(Math.min(left, this.retryDelayMs(error, attempts - 1)), signal, 'reconnecting', error);
        if (signal.aborted) throw stoppedError(error);
      }
    }
    this.setStatus({ state: 'idle', progress: null, message: null, problem: null });
  }

  /** Bootstraps, then follows the stream until stop(). Never rejects: failures become statuses and retries. */
  start(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running?.catch(() => {});
    this.running = null;
    this.abort = new AbortController();
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.refreshReference(failures > 0);
        await this.pullPages();
        failures = 0;
        const outcome = await this.follow(signal);
        if (outcome === 'aborted') break;
        // 'ended' (server closed / dropped) and 'resync' (cursor too old for the stream) both fill the gap by pages.
        if (outcome === 'resync') this.setStatus({ state: 'syncing', message: null, problem: null });
        else await this.wait(this.backoffMs(failures++), signal, 'reconnecting', null);
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof ApiClientError && (error.kind === 'unauthorized' || error.kind === 'forbidden')) {
          this.setStatus({ state: 'unauthorized', ...describe(error), progress: null });
          await this.wait(this.options.unauthorizedRetryMs, signal, 'unauthorized', error);
          continue;
        }
        if (error instanceof CacheError || (error instanceof ApiClientError && !error.transient)) {
          // Disk full, read-only, or an answer that will not change by asking again soon (404, wrong format):
          // nothing is written until it is fixed; the wall keeps trying, slowly.
          this.setStatus({ state: 'error', ...describe(error), progress: null });
          await this.wait(Math.max(this.options.backoff.maxMs, this.retryAfterMs(error)), signal, 'error', error);
          continue;
        }
        const delay = this.retryDelayMs(error, failures++);
        await this.wait(delay, signal, this.status.lastContact ? 'reconnecting' : 'offline', error);
      }
    }
    this.setStatus({ state: 'idle', retryInSeconds: null });
  }

  private backoffMs(failures: number): number {
    const { initialMs, maxMs } = this.options.backoff;
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(failures, 16));
    return Math.round(base * (0.5 + this.options.random() * 0.5)); // "equal jitter": never zero, never in lockstep
  }

  /** The back-off, but never sooner than the server asked (Retry-After, capped by the client). */
  private retryDelayMs(error: unknown, failures: number): number {
    return Math.max(this.backoffMs(failures), this.retryAfterMs(error));
  }

  private retryAfterMs(error: unknown): number {
    return error instanceof ApiClientError ? (error.retryAfterMs ?? 0) : 0;
  }

  private async wait(ms: number, signal: AbortSignal, state: SyncStatus['state'], error: unknown) {
    const problem = error === null ? { message: null, problem: null } : describe(error);
    const until = this.options.now() + ms;
    const offlineState = state === 'reconnecting' && !this.status.lastContact ? 'offline' : state;
    while (!signal.aborted) {
      const left = until - this.options.now();
      if (left <= 0) break;
      this.setStatus({ state: offlineState, retryInSeconds: Math.ceil(left / 1000), ...problem, progress: null });
      await sleep(Math.min(left, 1000), signal);
    }
    this.setStatus({ retryInSeconds: null });
  }

  /**
   * Reference data with ETags. `recentIsEnough`: skip it if it was fetched within the last minute (a retry after a
   * failure or a dropped stream: a struggling API is not asked for it each time, and it changes rarely).
   */
  private async refreshReference(recentIsEnough = false) {
    if (recentIsEnough && this.referenceAt !== null && this.options.now() - this.referenceAt < REFERENCE_FRESH_MS) return;
    const { regionsEtag, organisationEtag } = this.store.state();
    const [meta, regions, organisation] = await Promise.all([this.api.meta(), this.api.regions(regionsEtag), this.api.organisation(organisationEtag)]);
    this.touch();
    this.referenceAt = this.options.now();
    // A demo server reached through GCC_API_URL is still demo data: every screen and export must say so.
    if (meta.demo && !this.options.demo) {
      this.options.demo = true;
      this.store.setSource(this.api.source, true);
      this.setStatus({ demo: true });
    }
    if (regions.notModified && organisation.notModified) return;
    const healed = this.store.applyReference(regions.data, organisation.data, { regions: regions.etag, organisation: organisation.etag });
    this.listener.reference?.();
    // Records that waited in quarantine for these regions or departments landed with them.
    if (healed) {
      this.listener.batch?.(healed);
      this.setStatus({ quarantined: this.quarantined() });
    }
  }

  /**
   * Pages from the cursor to the head. A 410 (the server no longer has the changes after our cursor: it pruned
   * tombstones we have not seen, so records it deleted would stay here) empties the synced data and starts over
   * from rev 0; the status says so until the re-sync is done.
   */
  private async pullPages() {
    try {
      await this.pullPagesFrom(null);
    } catch (error) {
      if (!(error instanceof ApiClientError) || error.kind !== 'cursor_too_old' || this.store.cursor === 0) throw error;
      const message = `The central API no longer has the changes this cache needs (410): a full re-sync from the start is under way, and until it ends the wall shows only part of the data.`;
      const notice = { message, problem: { code: 'cursor_too_old' as const, detail: message } };
      this.setStatus({ state: 'syncing', progress: null, ...notice });
      this.store.resetForResync();
      // Everything shown so far may be gone: the wall reloads what it shows.
      this.listener.reference?.();
      await this.pullPagesFrom(notice);
    }
  }

  /** Pages from the cursor to the head, with progress (records, records/s, ETA). */
  private async pullPagesFrom(notice: Pick<SyncStatus, 'message' | 'problem'> | null) {
    const started = this.options.now();
    this.setStatus({
      state: 'syncing',
      progress: { records: 0, total: null, perSecond: 0, etaSeconds: null },
      message: notice?.message ?? null,
      problem: notice?.problem ?? null,
    });
    const first = await this.api.changes(this.store.cursor, this.options.pageSize);
    const bulk = (first.total ?? 0) > BULK_THRESHOLD;
    if (bulk) this.store.beginBulk();
    await this.pagesFrom(first, started, bulk ? BULK_GROUP : 0);
    // Also after a crash in bulk mode: rebuilds the dropped indexes if their SQL is still waiting in the cache.
    this.store.endBulk();
  }

  /**
   * Applies pages as they come, always with the next one already requested, so the server makes page N+1 while
   * page N is written. `group` > 0 keeps one transaction open over that many records (fewer, bigger commits);
   * their batches are announced once committed, when other connections can see them. A failed fetch commits
   * what was applied (a flaky API must not cost the whole group); a failed write rolls the group back.
   */
  private async pagesFrom(first: ChangesPage, started: number, group = 0) {
    let records = 0;
    let total: number | null = null;
    let next = Promise.resolve(first);
    let grouped = 0;
    let uncommitted: AppliedBatch[] = [];
    let after = this.store.cursor;
    const commit = () => {
      this.store.endGroup(true);
      grouped = 0;
      for (const batch of uncommitted) this.listener.batch?.(batch);
      uncommitted = [];
    };
    try {
      for (;;) {
        let page: ChangesPage;
        try {
          page = await next;
        } catch (error) {
          commit();
          throw error;
        }
        this.touch();
        // More promised but no step forward would ask for the same page for ever: a fault of the API, said plainly.
        if (page.has_more && page.next_rev <= after) {
          commit();
          throw new ApiClientError(
            'bad_response',
            `The central API said more changes wait after rev ${after} but gave next_rev ${page.next_rev}, which does not move forward; the sync stopped rather than ask for the same page for ever. Tell the platform's operators.`,
          );
        }
        after = page.next_rev;
        if (page.has_more) {
          next = this.api.changes(page.next_rev, this.options.pageSize);
          // Awaited above on the next turn; if a failed write ends the chain first, its failure is not unhandled.
          next.catch(() => {});
          // Let the request leave before the synchronous apply below holds this thread (axios sends it from a
          // promise chain, which would otherwise run only after the apply, leaving the server idle meanwhile).
          await new Promise((resolve) => setImmediate(resolve));
        }
        total ??= page.total ?? null;
        if (group) this.store.beginGroup();
        const batch = this.store.applyChanges(page.items, { nextRev: page.next_rev, headRev: page.head_rev }, 'page');
        records += page.items.length;
        grouped += page.items.length;
        uncommitted.push(batch);
        if (!group || grouped >= group || !page.has_more) commit();
        const seconds = Math.max(0.001, (this.options.now() - started) / 1000);
        const perSecond = records / seconds;
        this.setStatus({
          state: 'syncing',
          quarantined: this.status.quarantined + batch.quarantined,
          progress: {
            records,
            total,
            perSecond: Math.round(perSecond),
            etaSeconds: total !== null && perSecond > 0 ? Math.max(0, (total - records) / perSecond) : null,
          },
        });
        if (!page.has_more) break;
      }
    } finally {
      // Only a failed write gets here with the group still open (commit() closes it otherwise).
      this.store.endGroup(false);
    }
  }

  /** Follows the SSE stream, applying what arrives in small batches. */
  private async follow(signal: AbortSignal): Promise<'ended' | 'resync' | 'aborted'> {
    let pending: unknown[] = [];
    let maxRev = this.store.cursor;
    let timer: NodeJS.Timeout | null = null;
    let failure: unknown = null;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (!pending.length) return;
      const items = pending;
      pending = [];
      try {
        // The stream may deliver out of order, so it never moves the persisted cursor (nextRev 0): after any drop the
        // gap is filled by pages from the last page cursor, and what the stream already applied is skipped as a duplicate.
        const batch = this.store.applyChanges(items, { nextRev: 0, headRev: maxRev }, 'stream');
        this.touch();
        if (batch.quarantined) this.setStatus({ quarantined: this.status.quarantined + batch.quarantined });
        this.listener.batch?.(batch);
      } catch (error) {
        failure = error;
        streamAbort.abort();
      }
    };
    const streamAbort = new AbortController();
    const onAbort = () => streamAbort.abort();
    signal.addEventListener('abort', onAbort);
    // A failed check is tried again at the next tick; the stream is what says whether the API is there.
    const referenceCheck = setInterval(() => void this.refreshReference().catch(() => {}), this.options.referenceCheckMs);
    try {
      const outcome = await this.api.stream(
        this.store.cursor,
        (raw, rev) => {
          pending.push(raw);
          if (Number.isFinite(rev)) maxRev = Math.max(maxRev, rev);
          if (pending.length >= this.options.streamBatchMax) flush();
          else timer ??= setTimeout(flush, this.options.streamBatchMs);
        },
        streamAbort.signal,
        () => this.setStatus({ state: 'live', progress: null, retryInSeconds: null, message: null, problem: null }),
      );
      flush();
      if (failure) throw failure;
      return signal.aborted ? 'aborted' : outcome === 'aborted' ? 'ended' : outcome;
    } finally {
      if (timer) clearTimeout(timer);
      clearInterval(referenceCheck);
      signal.removeEventListener('abort', onAbort);
    }
  }

  private quarantined(): number {
    return this.store.quarantined();
  }

  private touch() {
    this.status = { ...this.status, lastContact: toShanghaiIso(this.options.now()) };
  }

  private setStatus(patch: Partial<SyncStatus>) {
    this.status = { ...this.status, ...patch };
    this.listener.status?.(this.status);
  }
}

/** A failure as the status carries it: the sentence, and a code the UI words in the user's language. */
function describe(error: unknown): Pick<SyncStatus, 'message' | 'problem'> {
  const message = error instanceof Error ? error.message : String(error);
  const code: SyncProblem =
    error instanceof ApiClientError
      ? error.kind === 'timeout'
        ? 'unreachable' // the UI's code; the sentence says "did not answer in time"
        : error.kind
      : error instanceof CacheError
        ? error.code === 'too_new'
          ? 'internal'
          : error.code
        : 'internal';
  return { message, problem: { code, detail: message } };
}

/** A headless sync stopped (SIGINT) while waiting to try again. */
function stoppedError(last: ApiClientError): Error {
  return new Error(`The sync was stopped before it had everything; the last fault: ${last.fault}.`);
}

/** The options that were given a value: `{ pageSize: undefined }` must not override the default. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
