/** Shared set-up of the report tests: the district fixture cache, its query layer and the raw personal data in it. */
import { openCache, type Db } from '../../core/cache/database';
import { SceneQueries } from '../../core/query/scene';
import { districtCacheFile, FIXTURE_NOW, FIXTURE_WEEK } from '../../scripts/lib/district-fixture';

export { FIXTURE_NOW, FIXTURE_WEEK };

export interface OpenDistrict {
  fixture: ReturnType<typeof districtCacheFile>;
  db: Db;
  queries: SceneQueries;
  ctx: { db: Db; queries: SceneQueries; now: number };
  personal: () => { names: string[]; phones: string[] };
}

export function openDistrict(options: Parameters<typeof districtCacheFile>[0] = {}): OpenDistrict {
  const fixture = districtCacheFile(options);
  const { db } = openCache(fixture.file);
  const queries = new SceneQueries(db);
  const ctx = { db, queries, now: FIXTURE_NOW };
  /** Every reporter name and phone number in the cache, and the phone typed into some titles. */
  const personal = () => {
    const rows = db.prepare('SELECT reporter_name AS n, reporter_phone AS p FROM events WHERE reporter_name IS NOT NULL').all() as { n: string; p: string }[];
    return { names: [...new Set(rows.map((r) => r.n))], phones: [...new Set(rows.map((r) => r.p))].concat('13907654321') };
  };
  return { fixture, db, queries, ctx, personal };
}

/** Asserts no reporter name (3-character names only, to avoid matching ordinary words) and no phone occurs in text. */
export function leakedPersonalData(text: string, personal: { names: string[]; phones: string[] }): string[] {
  const leaks: string[] = [];
  for (const p of personal.phones) if (text.includes(p)) leaks.push(p);
  for (const n of personal.names) if (n.length >= 3 && text.includes(n)) leaks.push(n);
  return leaks;
}
