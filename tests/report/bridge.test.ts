/**
 * The briefing and export requests through the real backend and dispatch (what both hosts run): payload
 * validation, defaults, the audit log, masking, and the viewer role's refusal to export.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../core/backend';
import { dispatch } from '../../shared/bridge/dispatch';
import { requests } from '../../shared/bridge/contract';
import { openCache } from '../../core/cache/database';
import { CacheReads } from '../../core/cache/reads';
import { DEMO_NOW, DEMO_WEEK, demoCacheCopy } from '../../scripts/lib/demo-cache';
import { leakedPersonalData } from './helpers';

const cache = demoCacheCopy();
const backend = (role: 'viewer' | 'operator' = 'operator') =>
  createBackend({
    host: 'web',
    version: '0.0.0',
    role,
    now: () => DEMO_NOW,
    data: { cacheFile: cache.file, api: { baseUrl: 'http://127.0.0.1:9/', token: 't' }, demo: true, sync: 'off' },
  });
const operator = backend();

async function call(name: string, payload: unknown, b = operator) {
  const r = await dispatch(b.handlers, name, payload);
  if (r.ok) expect(requests[name as keyof typeof requests].reply.safeParse(r.reply).success, name).toBe(true);
  return r;
}

describe('briefing and report requests', () => {
  it('briefing.get defaults to the last complete ISO week', async () => {
    const r = await call('briefing.get', {});
    expect(r).toMatchObject({ ok: true, reply: { period: { kind: 'week', key: DEMO_WEEK }, demo: true } });
  });

  it('refuses a week that does not exist, naming the field', async () => {
    const r = await call('briefing.get', { period: { kind: 'week', week: '2025-W53' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: [{ path: 'period.week' }] } });
    const c = await call('briefing.cases', { filter: { status: 'everything' } });
    expect(c).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const l = await call('briefing.cases', { limit: 5000 });
    expect(l).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: [{ path: 'limit' }] } });
  });

  it('briefing.cases pages through the cases behind a figure, masked', async () => {
    const first = await call('briefing.cases', { period: { kind: 'week', week: DEMO_WEEK }, filter: { kind: 'appeal' }, limit: 10 });
    const second = await call('briefing.cases', { period: { kind: 'week', week: DEMO_WEEK }, filter: { kind: 'appeal' }, limit: 10, offset: 10 });
    if (!first.ok || !second.ok) throw new Error('expected replies');
    const a = first.reply as { total: number; cases: { id: string }[] };
    const b = second.reply as { total: number; cases: { id: string }[] };
    expect(a.total).toBe(b.total);
    expect(a.cases).toHaveLength(10);
    expect(new Set([...a.cases, ...b.cases].map((c) => c.id)).size).toBe(a.cases.length + b.cases.length);
    const { db } = openCache(cache.file);
    const rows = db.prepare('SELECT reporter_name AS n, reporter_phone AS p FROM events WHERE reporter_name IS NOT NULL').all() as { n: string; p: string }[];
    db.close();
    expect(leakedPersonalData(JSON.stringify([a, b]), { names: rows.map((r) => r.n), phones: rows.map((r) => r.p) })).toEqual([]);
  });

  it('report.template gives the editable texts of the 通报', async () => {
    const r = await call('report.template', { period: { kind: 'month', month: '2023-03' } });
    expect(r).toMatchObject({
      ok: true,
      reply: {
        period: { key: '2023-03' },
        texts: { mark: '广安区网格化服务管理中心文件', docNumber: '广网格通〔2023〕3号', issuer: '广安区网格化服务管理中心', date: '2023年3月20日' },
      },
    });
  });

  it('report.export returns the file and writes one audit row per export: who, when, which period, which format', async () => {
    const before = (await call('report.audit', {})) as { ok: true; reply: unknown[] };
    const r = await call('report.export', {
      period: { kind: 'week', week: DEMO_WEEK },
      format: 'xlsx',
      operator: '王五',
      texts: { title: '关于本周情况的通报' },
    });
    if (!r.ok) throw new Error(JSON.stringify(r));
    const reply = r.reply as { fileName: string; base64: string; bytes: number; auditSeq: number };
    expect(Buffer.from(reply.base64, 'base64').subarray(0, 2).toString()).toBe('PK');
    expect(Buffer.from(reply.base64, 'base64').length).toBe(reply.bytes);
    const after = (await call('report.audit', { limit: 5 })) as {
      ok: true;
      reply: { seq: number; operator: string; period: string; format: string; file: string; at: string }[];
    };
    expect(after.reply.length).toBe(Math.min(5, before.reply.length + 1));
    expect(after.reply[0]).toEqual({
      seq: reply.auditSeq,
      at: '2023-03-20T10:00:00.000+08:00',
      operator: '王五',
      period: DEMO_WEEK,
      format: 'xlsx',
      file: reply.fileName,
    });
  });

  it('does not let a viewer export', async () => {
    const viewer = backend('viewer');
    const r = await call('report.export', { format: 'docx' }, viewer);
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await call('briefing.get', {}, viewer)).ok).toBe(true);
    await viewer.close();
  });

  it('writes audit rows from the CLI path too (same function)', () => {
    const { db } = openCache(cache.file);
    const rows = new CacheReads(db).exports(100);
    db.close();
    expect(rows.every((r) => r.at && r.operator && r.period && r.format)).toBe(true);
  });
});
