/** The central store's contract on the SQLite engine, and what only SQLite does (its size cap, its schema version). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../../central/store/sqlite/migrations';
import { SqliteStore } from '../../central/store/sqlite/store';
import { posted, storeSuite, WHO } from './store-suite';

const tempFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'gcc-store-')), 'central.sqlite');

describe('central store: SQLite', () => {
  storeSuite({
    async open() {
      const file = tempFile();
      return { store: new SqliteStore(file), reopen: async () => new SqliteStore(file) };
    },
  });

  it('a full disk (max_page_count) refuses the whole batch with a sentence; nothing of it is kept', async () => {
    const file = tempFile();
    const store = new SqliteStore(file, { maxPageCount: 40 });
    await store.putRecords('event', [posted({ id: 'before' })], WHO);
    const big = Array.from({ length: 2000 }, (_, i) => posted({ id: `big-${i}`, title: `${'很长的标题'.repeat(30)}${i}` }));
    await expect(store.putRecords('event', big, WHO)).rejects.toThrow(/is full .* Nothing of this write was kept/);
    expect(await store.headRev()).toBe(1);
    expect((await store.changes(0, 10)).items.map((i) => i.rev)).toEqual([1]);
    expect(await store.putRecords('event', [posted({ id: 'after' })], WHO)).toEqual([{ id: 'after', outcome: 'created', rev: 2 }]);
    await store.close();
  });

  it('migration 2 (imports) brings a version-1 store up to date and keeps its records', async () => {
    const file = tempFile();
    const old = new SqliteStore(file, { migrations: SQLITE_MIGRATIONS.slice(0, 1) });
    await old.putRecords('event', [posted({ id: 'kept' })], WHO);
    await old.close();
    const store = new SqliteStore(file);
    expect(new Database(file, { readonly: true }).pragma('user_version', { simple: true })).toBe(2);
    expect((await store.changes(0, 10)).items.map((i) => i.rev)).toEqual([1]);
    expect(await store.listImports()).toEqual([]);
    await store.close();
  });

  it('refuses a store from a newer version with a sentence', () => {
    const file = tempFile();
    new SqliteStore(file).close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteStore(file)).toThrow(/written by a newer version of the central service \(schema 99/);
  });
});
