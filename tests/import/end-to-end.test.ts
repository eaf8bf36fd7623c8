/**
 * Day one of a district, end to end: an empty central store; the operator imports boundaries (GeoJSON), a grid-info
 * ledger, a 矛盾纠纷 ledger, a 12345 export (xlsx, the tests' own files) and an Open311 feed (a tiny server), each
 * through the service's importers as `npm run import` and the 导入 page use them (ImportsClient); then the app syncs
 * from that service, and the wall, the briefing and the 通报 show exactly those figures.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentralService, type CentralService } from '../../central/http/service';
import { TABULAR_SOURCES } from '../../central/import/sources';
import type { TableTemplate } from '../../central/import/types';
import { SqliteStore } from '../../central/store/sqlite/store';
import { createBackend, type CoreBackend } from '../../core/backend';
import { ImportsClient } from '../../core/imports/client';
import type { ImportView } from '../../shared/api/imports';
import { DAY_MS as DAY, shanghaiDay, toShanghaiIso } from '../../shared/time';
import { districtSpecs, geoJsonText, lonLat } from './fixtures/boundary-files';
import { startOpen311Server, type Open311TestServer } from './fixtures/open311-server';

const TOKEN = 'district-write-token';
const dir = mkdtempSync(path.join(tmpdir(), 'gcc-day-one-'));
const now = Date.now();
/** Wall-clock text in Shanghai, as a ledger has it: "2026-11-30 09:15". */
const local = (ms: number) => toShanghaiIso(ms).slice(0, 16).replace('T', ' ');

/** A ledger as staff keep it: a merged title row, the template's headers on row 2, the rows by header. */
async function ledger(template: TableTemplate, rows: Record<string, string | number>[]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(template.sheet);
  const headers = template.fields.map((f) => f.header);
  sheet.addRow([`广安区${template.title}（2026年）`]);
  sheet.mergeCells(1, 1, 1, headers.length);
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(headers.map((h) => row[h] ?? null));
  const file = path.join(dir, `${template.title}.xlsx`);
  await workbook.xlsx.writeFile(file);
  return file;
}

let store: SqliteStore;
let service: CentralService;
let open311: Open311TestServer;
let client: ImportsClient;

/** One import as an operator does it: send, wait for the preview, check it, commit. */
async function imported(start: () => Promise<ImportView>): Promise<ImportView> {
  const started = await start();
  const preview = await client.settled(started.id, () => {}, 50);
  expect(
    preview.state.problems.filter((p) => p.severity === 'error'),
    `${preview.source}: ${preview.state.message ?? ''}`,
  ).toEqual([]);
  expect(preview.status).toBe('ready');
  return client.commit(preview.id, { acceptWarnings: true, deleteMissing: false });
}

beforeAll(async () => {
  store = new SqliteStore(path.join(dir, 'central.sqlite'));
  service = await startCentralService({ store, token: TOKEN });
  client = new ImportsClient({ baseUrl: service.url, token: TOKEN });
  open311 = await startOpen311Server({
    services: [{ service_code: 'NOISE', service_name: '噪音扰民' }],
    requests: [
      // In 北辰社区第2网格 (x 3000–4000 m) and 翠屏路社区第1网格 (x 0–1000, y 0–1000).
      {
        service_request_id: 'R-1',
        service_code: 'NOISE',
        service_name: '噪音扰民',
        status: 'open',
        requested_datetime: toShanghaiIso(now - 2 * DAY),
        updated_datetime: toShanghaiIso(now - 2 * DAY),
        lat: lonLat(3500, 500)[1],
        long: lonLat(3500, 500)[0],
        address: '北辰路 8 号',
      },
      {
        service_request_id: 'R-2',
        service_code: 'NOISE',
        service_name: '噪音扰民',
        status: 'closed',
        requested_datetime: toShanghaiIso(now - 3 * DAY),
        updated_datetime: toShanghaiIso(now - 2 * DAY),
        lat: lonLat(500, 500)[1],
        long: lonLat(500, 500)[0],
        address: '翠屏路 3 号',
      },
    ],
  });
});

afterAll(async () => {
  await open311?.close();
  await service?.close();
  await store?.close();
});

describe('a district’s own data, from an empty store to the wall', () => {
  let backend: CoreBackend | undefined;
  afterAll(async () => backend?.close());

  it('imports boundaries, grid-info, a 矛盾纠纷 ledger, a 12345 export and an Open311 feed, then the app shows exactly those figures', async () => {
    // Boundaries: the district's 2 streets, 3 communities, 5 grids.
    const boundaries = path.join(dir, 'boundaries.geojson');
    writeFileSync(boundaries, geoJsonText(Object.values(districtSpecs())));
    const b = await imported(() => client.start({ source: 'boundaries', file: { path: boundaries }, fileName: 'boundaries.geojson' }));
    expect(b.status).toBe('committed');
    expect(b.state.regions).toMatchObject({ created: 11, removed: 0 });
    const tree = await client.currentTree();
    expect(tree?.regions.filter((r) => r.level === 'grid').every((r) => r.synthetic_geometry === false)).toBe(true);

    // Grid-info: population of two grids.
    const gridInfo = await ledger(TABULAR_SOURCES['grid-info'].template, [
      { 网格: '翠屏路社区第1网格', 网格长: '王建国', 专职网格员: '李晓梅', 网格工作力量: 4, 党支部: '翠屏路第一支部', 党员数: 23, 常住人口: 1200, 户数: 410 },
      { 网格: '511602002001002', 网格长: '赵敏', 专职网格员: '孙立', 网格工作力量: 3, 党支部: '北辰第二支部', 党员数: 17, 常住人口: 980, 户数: 350 },
    ]);
    const g = await imported(() => client.start({ source: 'grid-info', file: { path: gridInfo }, fileName: '网格基础信息.xlsx' }));
    expect(g.state.regions).toMatchObject({ updated: 2 });

    // 矛盾纠纷: 4 found in the last days, 3 resolved.
    const disputes = await ledger(TABULAR_SOURCES.disputes.template, [
      {
        编号: 'MD-001',
        发现时间: local(now - 5 * DAY),
        网格: '翠屏路社区第1网格',
        类型: '邻里纠纷',
        简要情况: '楼上漏水引发邻里矛盾',
        化解情况: '已化解',
        化解时间: local(now - 4 * DAY),
      },
      {
        编号: 'MD-002',
        发现时间: local(now - 4 * DAY),
        网格: '厚街社区第1网格',
        类型: '物业纠纷',
        简要情况: '物业费争议',
        化解情况: '已化解',
        化解时间: local(now - 2 * DAY),
      },
      {
        编号: 'MD-003',
        发现时间: local(now - 3 * DAY),
        网格: '北辰社区第1网格',
        类型: '婚姻家庭',
        简要情况: '家庭财产分割',
        化解情况: '已化解',
        化解时间: local(now - 1 * DAY),
      },
      { 编号: 'MD-004', 发现时间: local(now - 1 * DAY), 网格: '北辰社区第2网格', 类型: '劳动争议', 简要情况: '工资拖欠', 化解情况: '化解中' },
    ]);
    const d = await imported(() => client.start({ source: 'disputes', file: { path: disputes }, fileName: '矛盾纠纷排查化解台账.xlsx' }));
    expect(d.state.outcome).toMatchObject({ created: 4, updated: 0, unchanged: 0 });

    // 12345: 3 work orders, 2 closed and rated (满意, 不满意).
    const hotline = await ledger(TABULAR_SOURCES.hotline.template, [
      {
        工单编号: 'GD-1',
        受理时间: local(now - 6 * DAY),
        诉求内容: '路灯不亮',
        诉求类型: '市政设施',
        网格: '翠屏路社区第2网格',
        办结时间: local(now - 5 * DAY),
        是否按期: '是',
        满意度: '满意',
        诉求人: '陈女士',
        联系电话: '13912345678',
      },
      {
        工单编号: 'GD-2',
        受理时间: local(now - 4 * DAY),
        诉求内容: '小区垃圾清运不及时',
        诉求类型: '环境卫生',
        网格: '厚街社区第1网格',
        办结时间: local(now - 2 * DAY),
        是否按期: '是',
        满意度: '不满意',
      },
      { 工单编号: 'GD-3', 受理时间: local(now - 1 * DAY), 诉求内容: '占道经营', 诉求类型: '城市管理', 网格: '北辰社区第1网格' },
    ]);
    const h = await imported(() => client.start({ source: 'hotline', file: { path: hotline }, fileName: '12345工单.xlsx' }));
    expect(h.state.outcome).toMatchObject({ created: 3 });

    // Open311: 2 requests located by point-in-polygon.
    const o = await imported(() => client.startOpen311({ url: open311.url }));
    expect(o.state.outcome).toMatchObject({ created: 2 });

    // Re-importing the same ledger changes nothing.
    const again = await imported(() => client.start({ source: 'disputes', file: { path: disputes }, fileName: '矛盾纠纷排查化解台账.xlsx' }));
    expect(again.state.outcome).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    const head = await store.headRev();

    // Every import is listed: who, which file and its SHA-256.
    const list = await client.list();
    expect(list.map((i) => i.source)).toEqual(['disputes', 'open311', 'hotline', 'disputes', 'grid-info', 'boundaries']);
    expect(list.every((i) => i.status === 'committed' && i.tokenName === 'command-line token')).toBe(true);
    expect(list.find((i) => i.source === 'hotline')?.sha256).toMatch(/^[0-9a-f]{64}$/);

    // The app, synced from the service: the wall, the briefing and the 通报.
    backend = createBackend({
      host: 'web',
      version: 'test',
      data: {
        cacheFile: path.join(dir, 'cache.sqlite'),
        api: { baseUrl: service.url, token: TOKEN },
        demo: false,
        sync: 'follow',
        engine: { referenceCheckMs: 200 },
      },
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const status = await backend.handlers['sync.status']({});
      if (status.state === 'live') break;
      if (Date.now() > deadline) throw new Error(`the app did not sync: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(head).toBeGreaterThan(0);
    const from = shanghaiDay(now - 10 * DAY);
    const to = shanghaiDay(now);
    const wall = await backend.handlers['scene.snapshot']({ window: { preset: 'custom', from, to } });
    expect(wall.organisation).toMatchObject({ streets: 2, communities: 3, grids: 5 });
    expect(wall.totals.disputesFound).toBe(4);
    expect(wall.totals.disputesResolved).toBe(3);
    expect(wall.totals.byKind.appeal).toBe(5); // 3 work orders + 2 Open311 requests
    expect(wall.totals.events).toBe(9);
    expect(wall.totals.satisfaction).toMatchObject({ satisfied: 1, dissatisfied: 1 });
    expect(wall.recent.find((e) => e.id === 'hotline:GD-1')?.reporter).not.toContain('13912345678');

    const briefing = await backend.handlers['briefing.get']({ period: { kind: 'custom', from, to } });
    expect(briefing.byKind.dispute).toBe(4);
    expect(briefing.byKind.appeal).toBe(5);

    const report = await backend.handlers['report.export']({ period: { kind: 'custom', from, to }, format: 'xlsx' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(report.base64, 'base64') as unknown as ArrayBuffer);
    const cells = workbook.worksheets.flatMap((ws) => ws.getSheetValues().flatMap((row) => (Array.isArray(row) ? row.map(String) : [])));
    expect(cells.join('|')).not.toContain('13912345678');
    const text = cells.join('|');
    expect(text).toMatch(/浓洄街道/);
    expect(text).toMatch(/北辰街道/);

    // The wall follows a later import by itself, reference data included: a grid's population corrected.
    const gridId = tree!.regions.find((r) => r.code === '511602001001001')!.id;
    expect((await backend.handlers['grid.detail']({ gridId }))?.profile?.population).toBe(1200);
    const corrected = await ledger(TABULAR_SOURCES['grid-info'].template, [{ 网格: '翠屏路社区第1网格', 常住人口: 1250 }]);
    await imported(() => client.start({ source: 'grid-info', file: { path: corrected }, fileName: '网格基础信息（更正）.xlsx' }));
    const until = Date.now() + 20_000;
    while ((await backend.handlers['grid.detail']({ gridId }))?.profile?.population !== 1250) {
      if (Date.now() > until) throw new Error('the wall did not follow the corrected grid profile');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await backend.handlers['grid.detail']({ gridId }))?.profile).toMatchObject({ population: 1250, households: 410, leader: expect.any(String) });
  }, 120_000);
});
