/**
 * The write half's validation on the central data service (SQLite store): U+0000 (NUL) anywhere in an id or a
 * string of a written record, in the batch's source, in a deleted id or in the reference data is refused at HTTP
 * validation with a 400 that names the record and the field, and nothing is written. PostgreSQL text cannot hold
 * NUL and the SQLite engine would keep it, so without this the two engines would answer differently.
 * (tests/central/contract.test.ts checks the same answers against the document on both engines.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCentralService, type CentralService } from '../../central/http/service';
import { SqliteStore } from '../../central/store/sqlite/store';
import { checkWriteBatch, nulPath, NUL_MESSAGE } from '../../shared/api/writes';
import { organisation, regions } from '../fixtures/records';
import { posted, WHO } from './store-suite';

const TOKEN = 'quick-start-token';
const running: CentralService[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) {
    await s.close();
    await s.store.close();
  }
});

async function service() {
  const s = await startCentralService({ store: new SqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'gcc-writes-')), 'central.sqlite')), token: TOKEN });
  running.push(s);
  return s;
}

async function call(s: CentralService, method: string, url: string, body?: unknown) {
  const res = await fetch(new URL(url, s.url), {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as { error: string; message: string; results?: { index: number; id: string; outcome: string; reason: string }[] }) : null,
  };
}

const NUL = '\u0000';
const evaluation = { id: 'v1', grid_id: 'g1', period: '2026-Q3', safe: true, broken: [], evaluated_at: '2026-10-08T09:00:00+08:00' };
const activity = { id: 's1', grid_id: 'g1', type: 'project', title: '助老', date: '2026-11-23', people_reached: 30, volunteers: 4 };

describe('U+0000 in written records', { timeout: 30_000 }, () => {
  it('finds the first string holding it, at any depth, keys included', () => {
    expect(nulPath({ a: 'x', b: [{ c: 'ok' }, { c: `y${NUL}` }] })).toEqual(['b', 1, 'c']);
    expect(nulPath({ [`k${NUL}`]: 1 })).toEqual([`k${NUL}`]);
    expect(nulPath({ a: 'x', b: [1, true, null, 'no nul here \\u0000'] })).toBeNull();
    expect(nulPath(NUL)).toEqual([]);
  });

  it('the SQLite engine itself would keep it (which is why the HTTP layer refuses it)', async () => {
    const store = new SqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'gcc-writes-')), 'central.sqlite'));
    try {
      expect(await store.putRecords('event', [posted({ id: `e${NUL}1`, title: `路灯${NUL}不亮` })], WHO)).toEqual([
        { id: `e${NUL}1`, outcome: 'created', rev: 1 },
      ]);
      expect((await store.changes(0, 10)).items[0].json).toContain('\\u0000');
    } finally {
      await store.close();
    }
  });

  it('in an id or any string of a record, of every type: 400 naming each record and its field; nothing written', async () => {
    const s = await service();
    const cases: [string, unknown[], [number, string, string][]][] = [
      [
        '/v1/events',
        [
          posted({ id: 'ok' }),
          posted({ id: `e${NUL}2` }),
          posted({ id: 'e3', title: `路灯${NUL}不亮` }),
          posted({ id: 'e4', reporter: { name: `张${NUL}三`, phone: '13800000000' } }),
          posted({ id: 'e5', repeat_of: `e1${NUL}` }),
          posted({ id: 'e6', task_code: `T${NUL}` }),
        ],
        [
          [1, `e${NUL}2`, 'id'],
          [2, 'e3', 'title'],
          [3, 'e4', 'reporter.name'],
          [4, 'e5', 'repeat_of'],
          [5, 'e6', 'task_code'],
        ],
      ],
      ['/v1/evaluations', [evaluation, { ...evaluation, id: 'v2', grid_id: `g${NUL}` }], [[1, 'v2', 'grid_id']]],
      [
        '/v1/services',
        [{ ...activity, id: `s${NUL}` }, { ...activity, id: 's2', title: `${NUL}` }, activity],
        [
          [0, `s${NUL}`, 'id'],
          [1, 's2', 'title'],
        ],
      ],
    ];
    for (const [url, records, expected] of cases) {
      const res = await call(s, 'POST', url, { source: 'test', records });
      expect(res.status, url).toBe(400);
      expect(res.body!.message).toMatch(
        new RegExp(`^${expected.length} of ${records.length} records are invalid, so nothing was written\\. The first: record ${expected[0][0]} `),
      );
      expect(res.body!.message).toContain(`${expected[0][2]}: ${NUL_MESSAGE}.`);
      expect(res.body!.results!.map((r) => [r.index, r.id, r.reason])).toEqual(expected.map(([index, id, field]) => [index, id, `${field}: ${NUL_MESSAGE}`]));
      expect(res.body!.results!.every((r) => r.outcome === 'rejected')).toBe(true);
    }
    expect(await s.store.headRev()).toBe(0);
    // Without the NUL the same records are taken.
    expect((await call(s, 'POST', '/v1/events', { records: [posted({ id: 'e2' }), posted({ id: 'e3', title: '路灯不亮' })] })).status).toBe(200);
  });

  it('a record wrong in another way as well is named for that first (the check for U+0000 runs on a valid record)', () => {
    const checked = checkWriteBatch('event', { records: [{ ...posted({ id: `e${NUL}` }), deadline: 'tomorrow' }] });
    expect(checked.ok).toBe(false);
    expect(!checked.ok && 'results' in checked.body && checked.body.results[0].reason).toMatch(/^deadline: /);
  });

  it('in the source of a batch, in a deleted id or its source, in the region tree or the organisation: 400, nothing written', async () => {
    const s = await service();
    const source = await call(s, 'POST', '/v1/events', { source: `excel${NUL}`, records: [posted({ id: 'e1' })] });
    expect(source.status).toBe(400);
    expect(source.body!.message).toContain(`(source: ${NUL_MESSAGE})`);
    expect(await s.store.headRev()).toBe(0);

    expect((await call(s, 'POST', '/v1/events', { records: [posted({ id: 'e1' })] })).status).toBe(200);
    const id = await call(s, 'DELETE', '/v1/events/e1%00');
    expect(id.status).toBe(400);
    expect(id.body!.message).toBe(`The deletion cannot be done as asked (id: ${NUL_MESSAGE}); nothing was deleted.`);
    expect((await call(s, 'DELETE', '/v1/events/e1?source=a%00b')).status).toBe(400);
    expect(await s.store.headRev()).toBe(1);

    const tree = await call(s, 'PUT', '/v1/regions', { ...regions, regions: regions.regions.map((r, i) => (i === 1 ? { ...r, name: `翠屏${NUL}` } : r)) });
    expect(tree.status).toBe(400);
    expect(tree.body!.message).toBe(`The region tree is not in the agreed format (regions.1.name: ${NUL_MESSAGE}).`);
    const org = await call(s, 'PUT', '/v1/organisation', { ...organisation, departments: [{ ...organisation.departments[0], short_name: NUL }] });
    expect(org.status).toBe(400);
    expect(org.body!.message).toBe(`The organisation is not in the agreed format (departments.0.short_name: ${NUL_MESSAGE}).`);
    expect(await s.store.regions()).toBeNull();
    expect(await s.store.organisation()).toBeNull();
  });
});
