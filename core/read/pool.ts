/**
 * The read threads of one cache, as the host uses them: `pool.api.snapshot(...)` and so on, each a promise. The
 * host's thread (Electron's main process, the web host's event loop) only routes: a month's briefing or a year's
 * XLSX never blocks it, nor the pushes it sends meanwhile.
 *
 * Two lanes, so a wall never waits behind a report: one thread answers the wall (snapshot, map, grid detail and the
 * live deltas, in order), the other(s) the briefing, the cases and the exports. A thread that dies fails what it
 * had in hand and is replaced on the next request.
 */
import type { Worker } from 'node:worker_threads';
import { BridgeError, type BridgeErrorCode } from '../../shared/bridge/contract';
import { startWorker } from '../threads';
import type { OpenedState, OpenInit, ReadReady, ReadReply, ReadRequest, ReadThreadInit, ThreadError } from './protocol';
import type { ReadApi, ReadMethod } from './service';

const WALL_METHODS: ReadonlySet<ReadMethod> = new Set<ReadMethod>(['snapshot', 'mapRegions', 'regionList', 'gridDetail', 'delta', 'cacheState']);
/** Sent to every thread: each keeps its own copy of the reference data. */
const BROADCAST_METHODS: ReadonlySet<ReadMethod> = new Set<ReadMethod>(['reloadReference']);

export interface ReadPoolOptions {
  /** Open the cache for use first (migrate, check, read its state) on the wall's thread: `pool.opened`. */
  open?: OpenInit;
  /** Threads for the briefing, cases and exports (default 1): exports beyond that many wait their turn. */
  reportThreads?: number;
  /** The worker entry (tests of the built bundle). */
  workerUrl?: URL;
}

/** An error from a read thread, rebuilt on this side: a BridgeError stays one, SQLite's code is kept. */
export function fromThreadError(e: ThreadError): Error {
  if (e.name === 'BridgeError') return new BridgeError({ code: e.code as BridgeErrorCode, message: e.message, issues: e.issues as never });
  const error = new Error(e.message) as Error & { code?: string };
  error.name = e.name;
  if (e.code) error.code = e.code;
  return error;
}

class ReadThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  readonly ready: Promise<OpenedState | undefined>;
  readonly exited: Promise<void>;
  dead = false;

  constructor(init: ReadThreadInit, url: URL | undefined) {
    this.worker = startWorker(init, { url });
    let failReady: (error: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      failReady = reject;
      const onReady = (message: ReadReady | ReadReply) => {
        if (!('ready' in message)) return;
        this.worker.off('message', onReady);
        if (message.ready) resolve(message.opened);
        else reject(fromThreadError(message.error));
      };
      this.worker.on('message', onReady);
    });
    this.ready.catch(() => {}); // reported by the calls that wait for it
    this.worker.on('message', (message: ReadReady | ReadReply) => {
      if ('ready' in message) return;
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      if (message.ok) call.resolve(message.value);
      else call.reject(fromThreadError(message.error));
    });
    this.exited = new Promise((resolve) => {
      const fail = (reason: string) => {
        this.dead = true;
        failReady(new Error(reason)); // a thread that dies while it opens (no-op once it is ready)
        for (const call of this.pending.values()) call.reject(new Error(reason));
        this.pending.clear();
      };
      this.worker.on('error', (error) => fail(`The cache's read thread failed: ${error.message}`));
      this.worker.on('exit', (code) => {
        fail(`The cache's read thread stopped (exit code ${code}).`);
        resolve();
      });
    });
  }

  get load(): number {
    return this.pending.size;
  }

  async call(method: ReadMethod, args: unknown[]): Promise<unknown> {
    await this.ready;
    if (this.dead) throw new Error("The cache's read thread has stopped.");
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args } satisfies ReadRequest);
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }
}

export class ReadPool {
  readonly api: ReadApi;
  /**
   * Settles when the cache is ready for reading: with what opening it found (options.open), or at once. Requests
   * wait for it; a cache that cannot be opened (a newer schema, a full disk) rejects it and them, with the sentence.
   */
  readonly opened: Promise<OpenedState | undefined>;
  private readonly lanes: { wall: (ReadThread | null)[]; reports: (ReadThread | null)[] };
  private closed = false;

  constructor(
    private readonly cacheFile: string,
    private readonly options: ReadPoolOptions = {},
  ) {
    this.lanes = { wall: [null], reports: new Array<ReadThread | null>(Math.max(1, options.reportThreads ?? 1)).fill(null) };
    // Started now, not on the first request: a thread takes a moment to load, and the wall asks at once. The wall's
    // thread opens the cache; the others start once it has (a reader must not see a schema half migrated).
    const opener = (this.lanes.wall[0] = new ReadThread({ reads: { cacheFile, open: options.open } }, options.workerUrl));
    this.opened = opener.ready;
    this.opened.then(
      () => this.lanes.reports.forEach((_, i) => !this.closed && this.thread(this.lanes.reports, i)),
      () => {}, // reported by the requests and by whoever awaits `opened`
    );
    this.api = new Proxy({} as ReadApi, {
      // Not thenable: a promise resolving to the api must not mistake it for another promise.
      get: (_, method: string) => (method === 'then' ? undefined : (...args: unknown[]) => this.call(method as ReadMethod, args)),
    });
  }

  private thread(lane: (ReadThread | null)[], i: number): ReadThread {
    let thread = lane[i];
    if (!thread || thread.dead) lane[i] = thread = new ReadThread({ reads: { cacheFile: this.cacheFile } }, this.options.workerUrl);
    return thread;
  }

  private async call(method: ReadMethod, args: unknown[]): Promise<unknown> {
    const closed = () => new BridgeError({ code: 'unavailable', message: 'The cache is closed; the data is back in a moment.' });
    if (this.closed) throw closed();
    await this.opened.catch((error: Error) => {
      throw this.closed ? closed() : error;
    });
    if (this.closed) throw closed();
    if (BROADCAST_METHODS.has(method)) {
      const all = [...this.lanes.wall.keys()]
        .map((i) => this.thread(this.lanes.wall, i))
        .concat([...this.lanes.reports.keys()].map((i) => this.thread(this.lanes.reports, i)));
      return Promise.all(all.map((t) => t.call(method, args))).then(() => undefined);
    }
    const lane = WALL_METHODS.has(method) ? this.lanes.wall : this.lanes.reports;
    let best = 0;
    for (let i = 1; i < lane.length; i++) if ((lane[i]?.load ?? 0) < (lane[best]?.load ?? 0)) best = i;
    return this.thread(lane, best).call(method, args);
  }

  /** Stops every thread; what they had in hand fails. */
  async close(): Promise<void> {
    this.closed = true;
    const threads = [...this.lanes.wall, ...this.lanes.reports].filter((t): t is ReadThread => t !== null);
    await Promise.all(threads.map((t) => t.stop()));
  }
}
