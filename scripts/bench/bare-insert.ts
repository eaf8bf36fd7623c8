/**
 * The baseline of the sync benchmark, in its own process so its memory does not count as the sync's: the same
 * rows, inserted with bare better-sqlite3 into a fresh cache of the same schema, in one transaction.
 * Prints {"rows":N,"perSecond":R}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openCache } from '../../core/cache/database';

const { db: src } = openCache(process.argv[2], { readonly: true });
const dir = mkdtempSync(path.join(tmpdir(), 'gcc-bare-'));
const { db } = openCache(path.join(dir, 'bare.sqlite'));
let rows = 0;
const started = performance.now();
db.transaction(() => {
  for (const table of ['events', 'services', 'evaluations']) {
    const cols = (src.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
    const insert = db.prepare(`INSERT INTO ${table} (${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`);
    for (const row of src.prepare(`SELECT * FROM ${table}`).raw().iterate()) {
      insert.run(row as unknown[]);
      rows++;
    }
  }
})();
const seconds = (performance.now() - started) / 1000;
src.close();
db.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ rows, perSecond: rows / seconds }));
