/** Shared set-up of the report tests: a copy of the demo district's cache, its query layer and the raw personal data in it. */
import { openCache, type Db } from '../../core/cache/database';
import type { CacheReads } from '../../core/cache/reads';
import type { SceneQueries } from '../../core/query/scene';
import { ReadService } from '../../core/read/service';
import { occurrences } from '../helpers/occurrences';
import { DEMO_NOW, DEMO_WEEK, demoCacheCopy, type DemoCache, type DemoCacheOptions } from '../../scripts/lib/demo-cache';

export { DEMO_NOW, DEMO_WEEK };

export interface OpenDistrict {
  fixture: DemoCache;
  db: Db;
  /** The read side, on this thread (the app runs it on a read thread): also what exportReport exports with. */
  service: ReadService;
  queries: SceneQueries;
  ctx: { reads: CacheReads; queries: SceneQueries; now: number };
  personal: () => { names: string[]; phones: string[] };
}

export function openDistrict(options: DemoCacheOptions = {}): OpenDistrict {
  const fixture = demoCacheCopy(options);
  const { db } = openCache(fixture.file);
  const service = new ReadService(db);
  const { reads, queries } = service;
  const ctx = { reads, queries, now: fixture.now };
  /** Every reporter name and phone number in the cache. */
  const personal = () => {
    const rows = db.prepare('SELECT reporter_name AS n, reporter_phone AS p FROM events WHERE reporter_name IS NOT NULL').all() as { n: string; p: string }[];
    return { names: [...new Set(rows.map((r) => r.n))], phones: [...new Set(rows.map((r) => r.p))] };
  };
  return { fixture, db, service, queries, ctx, personal };
}

/** The reporter names (3 characters or more, to avoid matching ordinary words) and phone numbers that occur in text. */
export function leakedPersonalData(text: string, personal: { names: string[]; phones: string[] }): string[] {
  return occurrences(text, [...personal.phones, ...personal.names.filter((n) => n.length >= 3)]);
}
