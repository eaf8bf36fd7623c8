/**
 * The central store's contract, run against every engine (store.sqlite.test.ts, store.postgres.test.ts): the same
 * schema and behaviour whatever keeps the data. `open` gives a store on a fresh location; `reopen` the same
 * location again (a restart of the service).
 */
import { afterEach, expect, it } from 'vitest';
import { Change, type Event } from '../../shared/api/schemas';
import type { CentralStore, ImportRow, IncomingRecord, WriteContext } from '../../central/store/types';
import { event, organisation, regions } from '../fixtures/records';

export interface StoreFactory {
  open(): Promise<{ store: CentralStore; reopen: () => Promise<CentralStore> }>;
}

export const WHO: WriteContext = { tokenId: null, tokenName: 'test', source: 'unit-test' };

/** A record as an importer posts it: no rev. */
export function posted(over: Partial<Event> & { id: string }): IncomingRecord {
  const { rev: _rev, ...record } = event({ rev: 1, ...over });
  return record;
}

export function storeSuite(factory: StoreFactory) {
  const opened: CentralStore[] = [];
  const open = async () => {
    const result = await factory.open();
    opened.push(result.store);
    return {
      store: result.store,
      reopen: async () => {
        const again = await result.reopen();
        opened.push(again);
        return again;
      },
    };
  };
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close().catch(() => {});
  });

  const feed = async (store: CentralStore, after = 0, limit = 100) => {
    const page = await store.changes(after, limit);
    return page.items.map((i) => {
      const parsed = Change.safeParse(JSON.parse(i.json));
      if (!parsed.success) throw new Error(`not a Change: ${i.json} (${parsed.error.message})`);
      expect(parsed.data.rev).toBe(i.rev);
      return parsed.data;
    });
  };

  it('starts empty: head 0, no changes, no reference data', async () => {
    const { store } = await open();
    expect(await store.headRev()).toBe(0);
    expect(await store.changes(0, 10)).toEqual({ items: [], nextRev: 0, hasMore: false, headRev: 0, total: 0 });
    expect(await store.regions()).toBeNull();
    expect(await store.organisation()).toBeNull();
  });

  it('assigns strictly increasing revs on commit and serves every record once, in its latest state, as a valid Change', async () => {
    const { store } = await open();
    const first = await store.putRecords('event', [posted({ id: 'e1' }), posted({ id: 'e2', kind: 'dispute' })], WHO);
    expect(first.map((r) => [r.id, r.outcome, r.rev])).toEqual([
      ['e1', 'created', 1],
      ['e2', 'created', 2],
    ]);
    const second = await store.putRecords('event', [posted({ id: 'e1', title: '已更新' })], WHO);
    expect(second).toEqual([{ id: 'e1', outcome: 'updated', rev: 3 }]);
    expect(await store.headRev()).toBe(3);
    const changes = await feed(store);
    expect(changes.map((c) => [c.type, c.rev, c.record.id])).toEqual([
      ['event', 2, 'e2'],
      ['event', 3, 'e1'],
    ]);
    expect((changes[1].record as Event).title).toBe('已更新');
  });

  it('the same record posted twice is one record: unchanged, no new rev, nothing in the feed', async () => {
    const { store } = await open();
    await store.putRecords('event', [posted({ id: 'e1' })], WHO);
    const again = await store.putRecords('event', [posted({ id: 'e1' }), posted({ id: 'e1' })], WHO);
    expect(again).toEqual([
      { id: 'e1', outcome: 'unchanged', rev: 1 },
      { id: 'e1', outcome: 'unchanged', rev: 1 },
    ]);
    expect(await store.headRev()).toBe(1);
    expect(await feed(store, 1)).toEqual([]);
  });

  it('a deletion is a tombstone at a new rev; deleting again changes nothing; posting again brings the record back', async () => {
    const { store } = await open();
    await store.putRecords(
      'service',
      [{ id: 's1', grid_id: 'g1', type: 'project', title: '助老', date: '2026-11-23', people_reached: 30, volunteers: 4 }],
      WHO,
    );
    expect(await store.deleteRecords('service', ['s1', 'nope'], WHO)).toEqual([
      { id: 's1', outcome: 'deleted', rev: 2 },
      { id: 'nope', outcome: 'unchanged' },
    ]);
    expect(await store.deleteRecords('service', ['s1'], WHO)).toEqual([{ id: 's1', outcome: 'unchanged', rev: 2 }]);
    const [tombstone] = await feed(store);
    expect(tombstone).toMatchObject({ type: 'tombstone', rev: 2, of: 'service', record: { id: 's1', rev: 2 } });
    const back = await store.putRecords(
      'service',
      [{ id: 's1', grid_id: 'g1', type: 'project', title: '助老', date: '2026-11-23', people_reached: 30, volunteers: 4 }],
      WHO,
    );
    expect(back).toEqual([{ id: 's1', outcome: 'created', rev: 3 }]);
  });

  it('pages never hold more than limit, end at the head, and count what is left', async () => {
    const { store } = await open();
    await store.putRecords(
      'event',
      Array.from({ length: 25 }, (_, i) => posted({ id: `e${i}` })),
      WHO,
    );
    const revs: number[] = [];
    let after = 0;
    let pages = 0;
    for (;;) {
      const page = await store.changes(after, 10);
      pages++;
      expect(page.items.length).toBeLessThanOrEqual(10);
      expect(page.headRev).toBe(25);
      if (pages === 1) expect(page.total).toBe(25);
      for (const item of page.items) expect(item.rev).toBeLessThanOrEqual(page.headRev);
      revs.push(...page.items.map((i) => i.rev));
      expect(page.nextRev).toBeGreaterThan(after);
      after = page.nextRev;
      if (!page.hasMore) break;
    }
    expect(pages).toBe(3);
    expect(revs).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(after).toBe(25);
  });

  it('counts what is left on every page, also when changes commit between pages', async () => {
    const { store } = await open();
    await store.putRecords(
      'event',
      Array.from({ length: 25 }, (_, i) => posted({ id: `e${i}` })),
      WHO,
    );
    const first = await store.changes(0, 10);
    expect(first.total).toBe(25);
    await store.putRecords(
      'event',
      Array.from({ length: 3 }, (_, i) => posted({ id: `n${i}` })),
      WHO,
    );
    const second = await store.changes(first.nextRev, 10);
    expect([second.headRev, second.total]).toEqual([28, 18]);
    const third = await store.changes(second.nextRev, 10);
    expect([third.total, third.items.length, third.hasMore]).toEqual([8, 8, false]);
    // A cursor the store has not answered before is counted in full.
    expect((await store.changes(5, 10)).total).toBe(23);
  });

  it('keeps everything across a restart, and revs go on from where they were (never reused)', async () => {
    const { store, reopen } = await open();
    await store.putRecords('event', [posted({ id: 'e1' }), posted({ id: 'e2' })], WHO);
    await store.deleteRecords('event', ['e2'], WHO);
    await store.putRegions(regions, WHO);
    await store.close();
    const again = await reopen();
    expect(await again.headRev()).toBe(3);
    expect((await feed(again)).map((c) => [c.type, c.rev])).toEqual([
      ['event', 1],
      ['tombstone', 3],
    ]);
    expect(JSON.parse((await again.regions())!.json)).toEqual(regions);
    expect(await again.putRecords('event', [posted({ id: 'e3' })], WHO)).toEqual([{ id: 'e3', outcome: 'created', rev: 4 }]);
  });

  it('reference data: a new ETag only when the content changes', async () => {
    const { store } = await open();
    const first = await store.putRegions(regions, WHO);
    expect(first.changed).toBe(true);
    expect(await store.putRegions(structuredClone(regions), WHO)).toEqual({ changed: false, etag: first.etag });
    const renamed = { ...regions, regions: regions.regions.map((r) => (r.id === 'g1' ? { ...r, name: '新名字' } : r)) };
    const second = await store.putRegions(renamed, WHO);
    expect(second.changed).toBe(true);
    expect(second.etag).not.toBe(first.etag);
    expect((await store.regions())!.etag).toBe(second.etag);
    const org = await store.putOrganisation(organisation, WHO);
    expect(await store.organisation()).toEqual({ json: JSON.stringify(organisation), etag: org.etag });
  });

  it('tokens are kept hashed, have scopes, and stop working when revoked', async () => {
    const { store } = await open();
    const { token, info } = await store.createToken('importer', ['read', 'write']);
    const wall = await store.createToken('wall-1', ['read']);
    expect(token).toMatch(/^gcc_/);
    expect(await store.verifyToken(token)).toMatchObject({ id: info.id, name: 'importer', scopes: ['read', 'write'] });
    expect(await store.verifyToken(wall.token)).toMatchObject({ scopes: ['read'] });
    expect(await store.verifyToken('gcc_wrong')).toBeNull();
    await expect(store.createToken('importer', ['read'])).rejects.toThrow(/exists already/);
    expect(JSON.stringify(await store.listTokens())).not.toContain(token);
    expect((await store.revokeToken('importer'))!.revokedAt).not.toBeNull();
    expect(await store.verifyToken(token)).toBeNull();
    expect(await store.revokeToken('nobody')).toBeNull();
  });

  it('records every write in the audit: who, what, from which source, how many', async () => {
    const { store } = await open();
    const who = { tokenId: 'abc', tokenName: 'importer', source: 'excel:矛盾纠纷台账' };
    await store.putRecords('event', [posted({ id: 'e1' }), posted({ id: 'e2' })], who);
    await store.putRecords('event', [posted({ id: 'e1' }), posted({ id: 'e2', title: '改' })], who);
    await store.deleteRecords('event', ['e1'], who);
    const audit = await store.audit();
    expect(audit.map((a) => [a.action, a.tokenName, a.source, a.created, a.updated, a.unchanged, a.deleted])).toEqual([
      ['delete events', 'importer', 'excel:矛盾纠纷台账', 0, 0, 0, 1],
      ['put events', 'importer', 'excel:矛盾纠纷台账', 0, 1, 1, 0],
      ['put events', 'importer', 'excel:矛盾纠纷台账', 2, 0, 0, 0],
    ]);
  });

  it('wakes its listeners once a change has committed, not for a write that changed nothing', async () => {
    const { store } = await open();
    let wakeups = 0;
    const off = store.onChange(() => wakeups++);
    await store.putRecords('event', [posted({ id: 'e1' })], WHO);
    await new Promise((r) => setTimeout(r, 50));
    const afterFirst = wakeups;
    expect(afterFirst).toBeGreaterThanOrEqual(1);
    await store.putRecords('event', [posted({ id: 'e1' })], WHO);
    await new Promise((r) => setTimeout(r, 50));
    expect(wakeups).toBe(afterFirst);
    off();
  });

  it('two writers updating the same record at once: each gets an answer and its own rev, the later rev wins whole', async () => {
    const { store } = await open();
    await store.putRecords('event', [posted({ id: 'e1' })], WHO);
    const [a, b] = await Promise.all([
      store.putRecords('event', [posted({ id: 'e1', title: '甲' }), posted({ id: 'a-only' })], WHO),
      store.putRecords('event', [posted({ id: 'e1', title: '乙' }), posted({ id: 'b-only' })], WHO),
    ]);
    expect(a[0].outcome).toBe('updated');
    expect(b[0].outcome).toBe('updated');
    expect(a[0].rev).not.toBe(b[0].rev);
    const winner = a[0].rev! > b[0].rev! ? '甲' : '乙';
    const changes = await feed(store);
    const e1 = changes.find((c) => c.record.id === 'e1')!;
    expect((e1.record as Event).title).toBe(winner);
    expect(e1.rev).toBe(Math.max(a[0].rev!, b[0].rev!));
    expect(changes.map((c) => c.rev)).toEqual([...changes.map((c) => c.rev)].sort((x, y) => x - y));
  });

  it('keeps values for its sources', async () => {
    const { store, reopen } = await open();
    expect(await store.getMeta('demo.cursor')).toBeNull();
    await store.setMeta('demo.cursor', '12345');
    await store.close();
    const again = await reopen();
    expect(await again.getMeta('demo.cursor')).toBe('12345');
    await again.deleteMeta('demo.cursor');
    expect(await again.getMeta('demo.cursor')).toBeNull();
  });

  // ---- imports -----------------------------------------------------------------------------------------------

  const importRow = (id: string, over: Partial<ImportRow> = {}): ImportRow => ({
    id,
    source: 'disputes',
    recordsSource: 'excel:矛盾纠纷台账',
    fileName: '台账.xlsx',
    sha256: 'ab'.repeat(32),
    bytes: 1234,
    tokenName: 'test',
    createdAt: `2026-12-03T10:00:0${opened.length % 10}+08:00`,
    status: 'reading',
    state: '{}',
    committedAt: null,
    ...over,
  });
  const LEDGER: WriteContext = { tokenId: null, tokenName: 'operator', source: 'excel:矛盾纠纷台账' };
  const staged = (...ids: string[]) => ids.map((id) => ({ type: 'event' as const, record: posted({ id }) }));

  it('an import is staged, previewed without writing, and committed whole: new revs in reading order, the audit, the status', async () => {
    const { store } = await open();
    await store.putRecords('event', [posted({ id: 'd-1' }), posted({ id: 'd-2' })], LEDGER);
    await store.saveImport(importRow('imp-1'));
    await store.stageImport('imp-1', 0, [...staged('d-1'), { type: 'event', record: posted({ id: 'd-2', title: '改过的' }) }]);
    await store.stageImport('imp-1', 2, staged('d-3', 'd-4'));
    const preview = await store.importOutcome('imp-1', LEDGER.source);
    expect(preview).toEqual({ created: 2, updated: 1, unchanged: 1, missing: 0, deleted: 0, missingSample: [] });
    expect(await store.headRev()).toBe(2);

    const committed = await store.commitImport('imp-1', { recordsSource: LEDGER.source, deleteMissing: false }, LEDGER);
    expect(committed).toEqual(preview);
    expect(await store.headRev()).toBe(5);
    const changes = await feed(store, 2);
    expect(changes.map((c) => [c.rev, c.record.id])).toEqual([
      [3, 'd-2'],
      [4, 'd-3'],
      [5, 'd-4'],
    ]);
    expect((changes[0].record as Event).title).toBe('改过的');
    expect((await store.getImport('imp-1'))?.status).toBe('committed');
    expect((await store.audit(1))[0]).toMatchObject({ action: 'import', source: LEDGER.source, created: 2, updated: 1, unchanged: 1, deleted: 0 });
    // Staged rows are gone: committing again writes nothing.
    expect(await store.importOutcome('imp-1', LEDGER.source)).toMatchObject({ created: 0, updated: 0, unchanged: 0 });
  });

  it('the same file imported again changes nothing (no new rev); a record the file no longer has is listed, and deleted only when asked', async () => {
    const { store } = await open();
    await store.saveImport(importRow('first'));
    await store.stageImport('first', 0, staged('a', 'b', 'c'));
    await store.commitImport('first', { recordsSource: LEDGER.source, deleteMissing: false }, LEDGER);
    await store.putRecords('event', [posted({ id: 'other' })], { ...LEDGER, source: 'district-platform' });
    expect(await store.headRev()).toBe(4);

    await store.saveImport(importRow('again'));
    await store.stageImport('again', 0, staged('a', 'b', 'c'));
    expect(await store.commitImport('again', { recordsSource: LEDGER.source, deleteMissing: false }, LEDGER)).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 3,
    });
    expect(await store.headRev()).toBe(4);

    await store.saveImport(importRow('shorter'));
    await store.stageImport('shorter', 0, staged('a'));
    const preview = await store.importOutcome('shorter', LEDGER.source);
    expect(preview).toMatchObject({
      unchanged: 1,
      missing: 2,
      missingSample: [
        { type: 'event', id: 'b' },
        { type: 'event', id: 'c' },
      ],
    });
    const kept = await store.commitImport('shorter', { recordsSource: LEDGER.source, deleteMissing: false }, LEDGER);
    expect(kept).toMatchObject({ missing: 2, deleted: 0 });
    expect(await store.headRev()).toBe(4);

    await store.saveImport(importRow('shorter-delete'));
    await store.stageImport('shorter-delete', 0, staged('a'));
    const removed = await store.commitImport('shorter-delete', { recordsSource: LEDGER.source, deleteMissing: true }, LEDGER);
    expect(removed).toMatchObject({ missing: 2, deleted: 2 });
    const changes = await feed(store, 4);
    expect(changes.map((c) => [c.type, c.rev, c.record.id])).toEqual([
      ['tombstone', 5, 'b'],
      ['tombstone', 6, 'c'],
    ]);
    // Another source's record is never the ledger's to delete.
    expect((await feed(store)).some((c) => c.record.id === 'other' && c.type === 'event')).toBe(true);
  });

  it('refuses an id staged twice in one import, and a discarded import leaves the store as it was', async () => {
    const { store } = await open();
    await store.saveImport(importRow('dup'));
    await store.stageImport('dup', 0, staged('x'));
    await expect(store.stageImport('dup', 1, staged('x'))).rejects.toThrow(/twice/);
    await store.dropStaged('dup');
    await store.saveImport(importRow('dup', { status: 'discarded' }));
    expect(await store.importOutcome('dup', LEDGER.source)).toMatchObject({ created: 0 });
    expect(await store.headRev()).toBe(0);
    expect((await store.listImports()).map((r) => [r.id, r.status])).toEqual([['dup', 'discarded']]);
  });

  it('keeps imports across a restart, newest first, with who, the file and its SHA-256', async () => {
    const { store, reopen } = await open();
    await store.saveImport(importRow('old', { createdAt: '2026-12-01T09:00:00+08:00' }));
    await store.saveImport(importRow('new', { createdAt: '2026-12-02T09:00:00+08:00', bytes: 5_000_000_000 }));
    await store.close();
    const again = await reopen();
    const list = await again.listImports();
    expect(list.map((r) => r.id)).toEqual(['new', 'old']);
    expect(list[0]).toMatchObject({ fileName: '台账.xlsx', sha256: 'ab'.repeat(32), bytes: 5_000_000_000, tokenName: 'test' });
  });
}
