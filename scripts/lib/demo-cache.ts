/**
 * The demo district in a cache file, for the report, web and briefing-view tests and the report benchmark: the demo
 * generator (central/demo, the app's own demo source) for a seed and a fixed clock, paged into a cache as a sync
 * would store it.
 *
 * Filling takes seconds (a minute and more at city scale), so the filled file is kept in the temp folder, named by
 * the options and by a hash of the sources that decide its bytes (the generator, the cache schema and store, the API
 * schemas and calendar, the map data, this file): it is built once and rebuilt only when one of them changes.
 * Concurrent test files wait for one builder; each takes its own copy to write into (exports add audit rows).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CentralEngine, MAX_PAGE } from '../../central/demo/engine';
import type { Scale } from '../../central/demo/geography';
import { openCache } from '../../core/cache/database';
import { CacheStore } from '../../core/cache/store';

/** The app's default demo seed (the embedded central service's). */
export const DEMO_SEED = 1;
/**
 * Monday 20 March 2023, 10:00 in Guang'an: the demo's history (from 2022-01-01) then spans the seed article's period,
 * a year and a quarter of ordinary volumes, and the last complete week has its cases in.
 */
export const DEMO_NOW = Date.parse('2023-03-20T10:00:00+08:00');
/** The last complete ISO week at DEMO_NOW (13–19 March 2023). */
export const DEMO_WEEK = '2023-W11';

export interface DemoCacheOptions {
  seed?: number;
  /** The generator's clock (Unix ms): the history runs up to it, open cases are open as of it. */
  now?: number;
  scale?: Scale;
  /** Events from 2022-01-01 up to now (the generator's own default: the seed article's rates). */
  events?: number;
}

export interface DemoCache {
  /** The cache file. */
  file: string;
  seed: number;
  now: number;
}

const ROOT = path.resolve(import.meta.dirname, '../..');
/** What decides the bytes of a filled cache, besides the options. */
const SOURCES = ['central/demo', 'core/cache', 'shared', 'resources/data'];
const KEPT_DIR = path.join(tmpdir(), 'gcc-demo-cache');
/** Copies, one folder each, named `<pid>-…` after the process that took it. */
const COPIES_DIR = path.join(tmpdir(), 'gcc-demo-cache-copies');
/** How long to wait for another process's build (a city build takes minutes). */
const MAX_WAIT_MS = 30 * 60_000;

function resolved(options: DemoCacheOptions): Required<Omit<DemoCacheOptions, 'events'>> & Pick<DemoCacheOptions, 'events'> {
  return { seed: options.seed ?? DEMO_SEED, now: options.now ?? DEMO_NOW, scale: options.scale ?? 'district', events: options.events };
}

/** Fills an empty cache file from the demo generator; returns the number of change records applied. */
export function fillDemoCache(file: string, options: DemoCacheOptions = {}): number {
  const { seed, now, scale, events } = resolved(options);
  // The map data's folder given, not found from the generator's own URL (which a browser-like test environment changes).
  const engine = new CentralEngine({ seed, now: () => now, scale, events, rate: 0, prefetch: false, dataDir: path.join(ROOT, 'resources/data') });
  const { db } = openCache(file);
  try {
    const store = new CacheStore(db);
    store.applyReference(JSON.parse(engine.regionsJson), JSON.parse(engine.organisationJson), {
      regions: engine.regionsEtag,
      organisation: engine.organisationEtag,
    });
    store.setSource(`demo generator, seed ${seed}`, true);
    let records = 0;
    for (let after = 0, more = true; more;) {
      const page = engine.page(after, MAX_PAGE);
      store.applyChanges(
        page.items.map((item) => JSON.parse(item.data) as unknown),
        { nextRev: page.next_rev, headRev: page.head_rev },
        'page',
        now,
      );
      records += page.items.length;
      after = page.next_rev;
      more = page.has_more;
    }
    // A file to copy and to open read-only: no write-ahead log beside it (a copy opened to write goes back to WAL).
    db.pragma('journal_mode = DELETE');
    return records;
  } finally {
    db.close();
  }
}

function sourceHash(): string {
  const hash = createHash('sha256').update(readFileSync(import.meta.filename));
  for (const folder of SOURCES) {
    const files = readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' }).sort();
    for (const name of files) {
      const full = path.join(ROOT, folder, name);
      if (statSync(full).isFile()) hash.update(`${folder}/${name}\0`).update(readFileSync(full));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The pid in a lock file; 0 while it is being written or when it is gone. */
function holderOf(lock: string): number {
  try {
    return Number(readFileSync(lock, 'utf8'));
  } catch {
    return 0;
  }
}

/** Takes the lock file (it holds our pid); false while a live process holds it. */
function tryLock(lock: string): boolean {
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A builder that died (a killed test run) leaves its lock behind: clear it, and take it on the next try.
    const holder = holderOf(lock);
    if (holder && !alive(holder)) rmSync(lock, { force: true });
    return false;
  }
}

/**
 * Keeps the newest few builds of these options (other checkouts on the machine may be at other sources), and drops
 * what builders that died left half-built.
 */
function forgetOlderBuilds(name: string, keep = 3) {
  const ours = readdirSync(KEPT_DIR).filter((f) => f.startsWith(`${name}-`));
  const builds = ours
    .filter((f) => f.endsWith('.sqlite'))
    .map((f) => ({ f, mtime: statSync(path.join(KEPT_DIR, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime)
    .map((b) => b.f);
  const halfBuilt = ours.filter((f) => {
    const pid = Number(/\.building-(\d+)/.exec(f)?.[1] ?? 0);
    return pid && !alive(pid);
  });
  for (const f of [...builds.slice(keep).flatMap((b) => [b, `${b}-wal`, `${b}-shm`]), ...halfBuilt]) rmSync(path.join(KEPT_DIR, f), { force: true });
}

/**
 * The kept, filled cache for these options: built now if missing (or waited for, when another process builds it).
 * Open it read-only; to write, take a copy (`demoCacheCopy`).
 */
export function keptDemoCache(options: DemoCacheOptions = {}): DemoCache {
  const o = resolved(options);
  const name = `${o.scale}-seed${o.seed}-${o.now}-${o.events ?? 'default'}`;
  const file = path.join(KEPT_DIR, `${name}-${sourceHash()}.sqlite`);
  const lock = `${file}.lock`;
  mkdirSync(KEPT_DIR, { recursive: true });
  for (const deadline = Date.now() + MAX_WAIT_MS; !existsSync(file); sleep(200)) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${file} to be built (its builder holds ${lock}).`);
    if (!tryLock(lock)) continue;
    // Our own file to build in: two builders (a lock taken over too early) each write whole, identical files.
    const building = `${file}.building-${process.pid}`;
    try {
      if (existsSync(file)) break;
      fillDemoCache(building, o);
      renameSync(building, file);
      forgetOlderBuilds(name);
    } finally {
      for (const f of [building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
      if (holderOf(lock) === process.pid) rmSync(lock, { force: true });
    }
  }
  return { file, seed: o.seed, now: o.now };
}

/**
 * A private copy of the kept demo cache, to write into. Copies stay until the process that took them has ended (a
 * test runner ends its workers without exit hooks); each call removes those of ended processes.
 */
export function demoCacheCopy(options: DemoCacheOptions = {}): DemoCache {
  const kept = keptDemoCache(options);
  mkdirSync(COPIES_DIR, { recursive: true });
  for (const folder of readdirSync(COPIES_DIR)) {
    const pid = Number(folder.split('-')[0]);
    if (pid !== process.pid && !alive(pid)) rmSync(path.join(COPIES_DIR, folder), { recursive: true, force: true });
  }
  const file = path.join(mkdtempSync(path.join(COPIES_DIR, `${process.pid}-`)), 'cache.sqlite');
  copyFileSync(kept.file, file);
  return { ...kept, file };
}
