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
import type { ReadReady, ReadReply, ReadRequest, ReadThreadInit, ThreadError } from './protocol';
import type { ReadApi, ReadMethod } from './service';

const WALL_METHODS: ReadonlySet<ReadMethod> = new Set<ReadMethod>(['snapshot', 'mapRegions', 'gridDetail', 'delta', 'cacheState']);
/** Sent to every thread: each keeps its own copy of the reference data. */
const BROADCAST_METHODS: ReadonlySet<ReadMethod> = new Set<ReadMethod>(['reloadReference']);

export interface ReadPoolOptions {
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
  private readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  dead = false;

  constructor(init: ReadThreadInit, url: URL | undefined) {
    this.worker = startWorker(init, { url });
    this.ready = new Promise((resolve, reject) => {
      const onReady = (message: ReadReady | ReadReply) => {
        if (!('ready' in message)) return;
        this.worker.off('message', onReady);
        if (message.ready) resolve();
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
  private readonly lanes: { wall: (ReadThread | null)[]; reports: (ReadThread | null)[] };
  private closed = false;

  constructor(
    private readonly cacheFile: string,
    private readonly options: ReadPoolOptions = {},
  ) {
    this.lanes = { wall: [null], reports: new Array<ReadThread | null>(Math.max(1, options.reportThreads ?? 1)).fill(null) };
    // Started now, not on the first request: a thread takes a moment to load, and the wall asks at once.
    for (const lane of Object.values(this.lanes)) lane.forEach((_, i) => this.thread(lane, i));
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

  private call(method: ReadMethod, args: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new BridgeError({ code: 'unavailable', message: 'The cache is closed; the data is back in a moment.' }));
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
