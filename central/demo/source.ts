/**
 * The demo source: the Guang'an generator (engine.ts) written into a central store, the way an importer writes a
 * district's own data. The first start fills the store with the generator's history up to now (regions,
 * organisation, every change); later starts continue from where the last committed write ended (the generator's
 * rev is kept with each write, in the same transaction: `demo.cursor`), and the live rate keeps writing new cases
 * and stage changes as they happen. So the service, and every wall syncing from it, loses nothing on a restart.
 *
 * The store assigns its own revs; the generator's revs only serve as this source's cursor.
 */
import { STAGES, type Event, type OrganisationResponse, type RecordType, type RegionsResponse } from '../../shared/api/schemas';
import { toShanghaiIso } from '../../shared/time';
import type { CentralStore, IncomingRecord, WriteContext } from '../store/types';
import { MAX_BATCH } from '../store/types';
import { CentralEngine, type EngineOptions } from './engine';

export interface DemoSourceOptions extends EngineOptions {
  store: CentralStore;
  log?: (line: string) => void;
  /** How often buffered live changes are written (default 50 ms: a new case reaches the walls at once). */
  flushMs?: number;
}

export interface DemoSource {
  readonly engine: CentralEngine;
  /** Generator changes written by this run (history catch-up and live). */
  readonly written: number;
  /** Resolves when everything generated so far is committed (tests, shutdown). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

const CURSOR = 'demo.cursor';
/** The live cases still open, id → latest record: a new run cannot move them on, so it closes them (see below). */
const OPEN_LIVE = 'demo.live';
const IDENTITY = 'demo.identity';
const WHO: Omit<WriteContext, 'progress'> = { tokenId: null, tokenName: 'demo source', source: 'demo' };

type Parsed = { kind: 'put'; type: RecordType; record: IncomingRecord } | { kind: 'delete'; type: RecordType; id: string };

/** A generator change (wire JSON with its rev) as a write: the record without `rev`, or a deletion. */
function parse(data: string): Parsed {
  const change = JSON.parse(data) as { type: RecordType | 'tombstone'; of?: RecordType; record: { id: string; rev?: number } };
  if (change.type === 'tombstone') return { kind: 'delete', type: change.of!, id: change.record.id };
  const { rev: _rev, ...record } = change.record;
  return { kind: 'put', type: change.type, record: record as IncomingRecord };
}

/** Live cases are the generator's extras: their ids start with L (engine.ts, LiveExtras). */
const isLive = (id: string) => id.startsWith('L');

/**
 * A live case left open when the last run stopped, closed now: the run that would have moved it on is gone, and
 * without this every restart would leave a few cases open and overdue for ever. The missing stages get `at`.
 */
function closedNow(record: IncomingRecord, at: number): IncomingRecord {
  const event = record as unknown as Omit<Event, 'rev'>;
  const when = toShanghaiIso(at);
  return {
    ...record,
    stage: 'closed',
    stages: Object.fromEntries(STAGES.map((stage) => [stage, event.stages[stage] ?? when])),
    outcome: event.outcome ?? 'resolved',
    satisfaction: event.kind === 'appeal' ? (event.satisfaction ?? 'satisfied') : event.satisfaction,
  };
}

/** Starts the generator and writes it into the store: history first, then live. */
export async function startDemoSource(options: DemoSourceOptions): Promise<DemoSource> {
  const { store, log = () => {} } = options;
  const engine = new CentralEngine(options);
  const identity = JSON.stringify({ seed: engine.seed, scale: engine.scale, events: options.events ?? null });
  const recorded = await store.getMeta(IDENTITY);
  if (recorded && recorded !== identity) {
    engine.stop();
    throw new Error(
      `This store was filled by the demo with ${recorded}, not ${identity}; the two cannot be mixed. Use another store (--store) for other demo settings.`,
    );
  }
  if (!recorded) {
    // Records, or a district's own regions or organisation imported before any record: not the demo's to replace.
    const head = await store.headRev();
    const reference = (await store.regions()) ? 'its regions' : (await store.organisation()) ? 'its organisation' : null;
    if (head > 0 || reference) {
      engine.stop();
      throw new Error(
        `This store holds data that did not come from the demo (${head > 0 ? `head rev ${head}` : `${reference}, imported`}); the demo only fills an empty store or its own.`,
      );
    }
  }
  await store.setMeta(IDENTITY, identity);

  await store.putRegions(JSON.parse(engine.regionsJson) as RegionsResponse, WHO);
  await store.putOrganisation(JSON.parse(engine.organisationJson) as OrganisationResponse, WHO);

  let cursor = Number((await store.getMeta(CURSOR)) ?? 0);
  let written = 0;

  // Live cases of the last run that it left open.
  const leftOpen = Object.values(JSON.parse((await store.getMeta(OPEN_LIVE)) ?? '{}') as Record<string, IncomingRecord>);
  if (leftOpen.length) {
    const now = engine.now();
    await store.putRecords(
      'event',
      leftOpen.map((record) => closedNow(record, now)),
      WHO,
    );
    await store.setMeta(OPEN_LIVE, '{}');
    log(`demo source: ${leftOpen.length} live cases the last run left open were closed`);
  }
  const openLive = new Map<string, IncomingRecord>();

  /**
   * Writes up to a page of changes: the latest state of each record (a page of the feed holds each record once;
   * a live flush may hold a case and its next stage), one request per kind and type, the cursor with the last.
   * Revs are the store's, so the order across types does not matter; a crash between the requests re-runs the
   * page, and what had committed comes back unchanged (no new rev).
   */
  async function write(items: { rev: number; data: string }[]) {
    for (let at = 0; at < items.length; at += MAX_BATCH) {
      const slice = items.slice(at, at + MAX_BATCH);
      const latest = new Map<string, Parsed>();
      for (const item of slice) {
        const p = parse(item.data);
        const key = `${p.type}:${p.kind === 'put' ? p.record.id : p.id}`;
        latest.delete(key);
        latest.set(key, p);
      }
      const groups = new Map<string, Parsed[]>();
      for (const p of latest.values()) {
        const key = `${p.kind}:${p.type}`;
        const group = groups.get(key);
        if (group) group.push(p);
        else groups.set(key, [p]);
      }
      const last = slice[slice.length - 1].rev;
      let left = groups.size;
      for (const group of groups.values()) {
        const who: WriteContext = --left === 0 ? { ...WHO, progress: { key: CURSOR, value: String(last) } } : WHO;
        const [{ kind, type }] = group;
        if (kind === 'put')
          await store.putRecords(
            type,
            group.map((p) => (p as Extract<Parsed, { kind: 'put' }>).record),
            who,
          );
        else
          await store.deleteRecords(
            type,
            group.map((p) => (p as Extract<Parsed, { kind: 'delete' }>).id),
            who,
          );
      }
      cursor = last;
      written += slice.length;
      let liveChanged = false;
      for (const p of latest.values()) {
        if (p.type !== 'event') continue;
        const id = p.kind === 'put' ? p.record.id : p.id;
        if (!isLive(id)) continue;
        liveChanged = true;
        if (p.kind === 'put' && p.record.stage !== 'closed') openLive.set(id, p.record);
        else openLive.delete(id);
      }
      if (liveChanged) await store.setMeta(OPEN_LIVE, JSON.stringify(Object.fromEntries(openLive)));
    }
  }

  // Live changes published while the history is written wait in the buffer, then follow it in order.
  let buffer: { rev: number; data: string }[] = [];
  const unsubscribe = engine.subscribe((rev, data) => buffer.push({ rev, data }));

  const started = performance.now();
  const before = written;
  for (;;) {
    const page = engine.page(cursor, MAX_BATCH);
    if (page.items.length) await write(page.items);
    if (!page.has_more) break;
  }
  if (written > before) log(`demo source: ${written - before} generator changes written in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  let chain = Promise.resolve();
  const flush = () => {
    const items = buffer.filter((item) => item.rev > cursor);
    buffer = [];
    chain = chain
      .then(() => write(items))
      .catch((error: unknown) => {
        // Kept for the next flush: what did not commit is written when the store takes writes again.
        buffer = [...items.filter((item) => item.rev > cursor), ...buffer];
        log(`demo source: live changes wait, the store did not take them: ${(error as Error).message}`);
      });
    return chain;
  };
  const timer = setInterval(() => void flush(), options.flushMs ?? 50);
  engine.resumeAfter(cursor);
  engine.start();

  return {
    engine,
    get written() {
      return written;
    },
    flush,
    async stop() {
      clearInterval(timer);
      unsubscribe();
      engine.stop();
      await flush();
    },
  };
}
