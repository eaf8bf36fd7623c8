/**
 * Quarantine, never block; quarantine that heals. Records that do not make sense are set aside with a reason and the
 * rest of the page is stored; records that wait for reference data (a grid, department or task the API has not
 * listed yet) land as soon as it arrives.
 */
import { describe, expect, it } from 'vitest';
import { openCache } from '../../core/cache/database';
import { cacheChecksum, checkCache, quarantineSummary } from '../../core/cache/inspect';
import type { Event } from '../../shared/api/schemas';
import { change, event, organisation, regions } from '../fixtures/records';
import { OpenStore } from '../fixtures/open-store';

function freshStore(reference = regions, org = organisation) {
  const { db } = openCache(':memory:');
  const store = new OpenStore(db);
  store.applyReference(reference, org, { regions: 'r1', organisation: 'o1' });
  return store;
}
const reasons = (store: OpenStore) =>
  store.db.prepare('SELECT record_id, reason, waiting_for FROM quarantine ORDER BY seq').all() as {
    record_id: string;
    reason: string;
    waiting_for: string | null;
  }[];
const eventIds = (store: OpenStore) => store.db.prepare('SELECT id FROM events ORDER BY id').pluck().all();
const withStages = (id: string, rev: number, stages: Event['stages'], over: Partial<Event> = {}) => change(event({ id, rev, stages, ...over }));

describe('quarantine, never block', () => {
  it('impossible dates are quarantined with a reason naming the field; the rest of the page is stored and the cursor moves', () => {
    const store = freshStore();
    const page = [
      change(event({ id: 'ok1', rev: 1 })),
      withStages('zero', 2, { reported: '0000-00-00T00:00:00+08:00' }),
      withStages('month13', 3, { reported: '2023-13-05T10:00:00+08:00' }),
      withStages('feb30', 4, { reported: '2023-02-30T10:00:00+08:00' }),
      withStages('close', 5, { reported: '2023-03-01T10:00:00+08:00', closed: '2023-04-31T10:00:00+08:00' }, { stage: 'closed' }),
      change(event({ id: 'deadline', rev: 6, deadline: '2023-02-29T00:00:00+08:00' })),
      change(event({ id: 'ok2', rev: 7 })),
    ];
    const batch = store.applyChanges(page, { nextRev: 7, headRev: 7 }, 'page');
    expect(batch).toMatchObject({ applied: 2, quarantined: 5 });
    expect(eventIds(store)).toEqual(['ok1', 'ok2']);
    expect(store.cursor).toBe(7);
    const rows = reasons(store);
    expect(rows.map((r) => r.record_id)).toEqual(['zero', 'month13', 'feb30', 'close', 'deadline']);
    expect(rows[0].reason).toMatch(/stages\.reported: not an RFC 3339 date-time/);
    expect(rows[3].reason).toMatch(/stages\.closed/);
    expect(rows[4].reason).toMatch(/deadline/);
    // Kept for good: nothing can make these right.
    expect(rows.every((r) => r.waiting_for === null)).toBe(true);
    expect(checkCache(store.db)).toEqual([]);
  });

  it('a close (or any stage) before the report, and a closed case without a close time, are quarantined', () => {
    const store = freshStore();
    const batch = store.applyChanges(
      [
        withStages('early', 1, { reported: '2026-11-23T09:00:00+08:00', closed: '2026-11-22T09:00:00+08:00' }, { stage: 'closed' }),
        withStages('analysed', 2, { reported: '2026-11-23T09:00:00+08:00', analysed: '2026-11-23T08:59:59+08:00' }, { stage: 'analysed' }),
        withStages('no-close', 3, { reported: '2026-11-23T09:00:00+08:00' }, { stage: 'closed' }),
        // The same instant in another offset is not before the report.
        withStages('offset', 4, { reported: '2026-11-23T09:00:00+08:00', closed: '2026-11-23T01:00:00Z' }, { stage: 'closed' }),
      ],
      { nextRev: 4, headRev: 4 },
      'page',
    );
    expect(batch).toMatchObject({ applied: 1, quarantined: 3 });
    expect(eventIds(store)).toEqual(['offset']);
    const rows = reasons(store);
    expect(rows[0].reason).toBe('stages.closed (2026-11-22T09:00:00+08:00) is before the case was reported (2026-11-23T09:00:00+08:00)');
    expect(rows[1].reason).toMatch(/stages\.analysed .* is before the case was reported/);
    expect(rows[2].reason).toBe('the case is closed but stages.closed gives no time');
  });

  it('a rev that goes backwards for the same record within a page is quarantined; the newer one stands', () => {
    const store = freshStore();
    const batch = store.applyChanges(
      [
        change(event({ id: 'e1', rev: 5, stage: 'analysed', stages: { reported: '2026-11-23T09:00:00+08:00', analysed: '2026-11-23T10:00:00+08:00' } })),
        change(event({ id: 'e1', rev: 4 })),
      ],
      { nextRev: 5, headRev: 5 },
      'page',
    );
    expect(batch).toMatchObject({ applied: 1, quarantined: 1 });
    expect(store.db.prepare('SELECT rev, stage FROM events').get()).toEqual({ rev: 5, stage: 'analysed' });
    expect(reasons(store)[0].reason).toBe('rev 4 of event "e1" comes after its rev 5 in the same page: revs must rise within a page');
    // Across pages and on the stream an older rev is a late duplicate: skipped, not quarantined (the stream is unordered).
    const late = store.applyChanges([change(event({ id: 'e1', rev: 3 }))], { nextRev: 0, headRev: 5 }, 'stream');
    expect(late).toMatchObject({ skipped: 1, quarantined: 0 });
  });

  it('a record the database refuses is quarantined with its words; the page and the rollups stay whole', () => {
    const store = freshStore();
    store.db.exec("CREATE TEMP TRIGGER refuse BEFORE INSERT ON events WHEN NEW.id = 'refused' BEGIN SELECT RAISE(ABORT, 'refused by a constraint'); END");
    const batch = store.applyChanges(
      [change(event({ id: 'a', rev: 1 })), change(event({ id: 'refused', rev: 2 })), change(event({ id: 'b', rev: 3 }))],
      { nextRev: 3, headRev: 3 },
      'page',
    );
    expect(batch).toMatchObject({ applied: 2, quarantined: 1 });
    expect(reasons(store)[0].reason).toBe('could not be stored: refused by a constraint');
    expect(store.cursor).toBe(3);
    expect(checkCache(store.db)).toEqual([]);
  });
});

describe('quarantine that heals', () => {
  const withoutG2 = { ...regions, regions: regions.regions.filter((r) => r.id !== 'g2') };
  const withoutDep2 = { ...organisation, departments: organisation.departments.filter((d) => d.id !== 'dep2') };

  it('events for a grid the regions do not list yet wait, and land with their rollups when the grid arrives', () => {
    const store = freshStore(withoutG2);
    const page = [
      change(event({ id: 'e1', rev: 1 })),
      change(event({ id: 'e2', rev: 2, grid_id: 'g2', kind: 'dispute' })),
      change(
        event({
          id: 'e3',
          rev: 3,
          grid_id: 'g2',
          stage: 'closed',
          stages: { reported: '2026-11-23T09:00:00+08:00', closed: '2026-11-24T09:00:00+08:00' },
          satisfaction: 'satisfied',
        }),
      ),
      {
        type: 'service',
        rev: 4,
        record: { id: 's1', rev: 4, grid_id: 'g2', type: 'project', title: '助老', date: '2026-11-23', people_reached: 30, volunteers: 4 },
      },
      {
        type: 'evaluation',
        rev: 5,
        record: { id: 'v1', rev: 5, grid_id: 'g2', period: '2026-Q3', safe: true, broken: [], evaluated_at: '2026-10-08T10:00:00+08:00' },
      },
    ];
    expect(store.applyChanges(page, { nextRev: 5, headRev: 5 }, 'page')).toMatchObject({ applied: 1, quarantined: 4 });
    expect(store.cursor).toBe(5);
    expect(quarantineSummary(store.db)).toEqual([{ waitingFor: 'grid:g2', records: 4, reason: 'grid_id "g2" is not a grid in the reference data (yet)' }]);

    // New regions (a changed ETag) bring g2: everything waiting for it lands, in the same transaction.
    const healed = store.applyReference(regions, null, { regions: 'r2' });
    expect(healed).toMatchObject({ applied: 4, quarantined: 0, healed: 4 });
    expect(healed!.events.map((e) => e.id)).toEqual(['e2', 'e3']);
    expect(quarantineSummary(store.db)).toEqual([]);
    expect(eventIds(store)).toEqual(['e1', 'e2', 'e3']);
    expect(store.db.prepare('SELECT street_id, community_id FROM events WHERE id = ?').get('e2')).toEqual({ street_id: 's1', community_id: 'c1' });
    expect(store.db.prepare('SELECT count(*) FROM services').pluck().get()).toBe(1);
    expect(store.db.prepare('SELECT count(*) FROM evaluations').pluck().get()).toBe(1);
    expect(checkCache(store.db)).toEqual([]);

    // The same cache as if g2 had been there all along.
    const direct = freshStore();
    direct.applyChanges(page, { nextRev: 5, headRev: 5 }, 'page');
    expect(cacheChecksum(store.db)).toBe(cacheChecksum(direct.db));
  });

  it('unknown departments and tasks wait for /v1/organisation; a deletion supersedes a waiting record', () => {
    const store = freshStore(regions, withoutDep2);
    store.applyChanges(
      [
        change(event({ id: 'd1', rev: 1, department_id: 'dep2' })),
        change(event({ id: 'd2', rev: 2, department_id: 'dep2' })),
        change(event({ id: 't1', rev: 3, task_code: 'T99', department_id: null })),
      ],
      { nextRev: 3, headRev: 3 },
      'page',
    );
    expect(quarantineSummary(store.db).map((g) => [g.waitingFor, g.records])).toEqual([
      ['department:dep2', 2],
      ['task:T99', 1],
    ]);
    // d2 is deleted while it waits.
    store.applyChanges(
      [{ type: 'tombstone', rev: 4, of: 'event', record: { id: 'd2', rev: 4, deleted_at: '2026-11-24T10:00:00+08:00' } }],
      { nextRev: 4, headRev: 4 },
      'page',
    );
    // The organisation now lists dep2 but not task T99: d1 lands, d2 leaves (deleted), t1 still waits.
    const first = store.applyReference(null, organisation, { organisation: 'o2' });
    expect(first).toMatchObject({ applied: 1, skipped: 1, healed: 2 });
    expect(eventIds(store)).toEqual(['d1']);
    expect(quarantineSummary(store.db).map((g) => [g.waitingFor, g.records])).toEqual([['task:T99', 1]]);
    const withTask = { ...organisation, tasks: [...organisation.tasks, { code: 'T99', name: '新增任务', duty: 'safety' as const }] };
    expect(store.applyReference(null, withTask, { organisation: 'o3' })).toMatchObject({ applied: 1, healed: 1 });
    expect(eventIds(store)).toEqual(['d1', 't1']);
    expect(quarantineSummary(store.db)).toEqual([]);
    expect(checkCache(store.db)).toEqual([]);
  });

  it('a waiting record whose reason changes keeps waiting with the new reason; a record kept for good never heals', () => {
    const store = freshStore(withoutG2, withoutDep2);
    store.applyChanges(
      [
        change(event({ id: 'e1', rev: 1, grid_id: 'g2', department_id: 'dep2' })),
        withStages('bad', 2, { reported: '2023-02-30T10:00:00+08:00' }, { grid_id: 'g2' }),
      ],
      { nextRev: 2, headRev: 2 },
      'page',
    );
    expect(store.applyReference(regions, null, { regions: 'r2' })).toMatchObject({ applied: 0, healed: 0 });
    expect(quarantineSummary(store.db).map((g) => [g.waitingFor, g.records])).toEqual([
      ['department:dep2', 1],
      [null, 1],
    ]);
    expect(store.applyReference(null, organisation, { organisation: 'o2' })).toMatchObject({ applied: 1, healed: 1 });
    expect(quarantineSummary(store.db).map((g) => [g.waitingFor, g.records])).toEqual([[null, 1]]);
  });

  it('a failed reference write keeps the old lookups: records for a grid that was not committed still wait', () => {
    const store = freshStore(withoutG2);
    store.db.exec("CREATE TEMP TRIGGER full BEFORE INSERT ON regions WHEN NEW.id = 'g2' BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
    expect(() => store.applyReference(regions, null, { regions: 'r2' })).toThrow();
    store.applyChanges([change(event({ id: 'e2', rev: 1, grid_id: 'g2' }))], { nextRev: 1, headRev: 1 }, 'page');
    expect(eventIds(store)).toEqual([]);
    expect(quarantineSummary(store.db)[0].waitingFor).toBe('grid:g2');
  });
});
