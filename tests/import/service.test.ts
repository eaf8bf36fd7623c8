/**
 * The importers as the central service runs them (/v1/imports), with the cases an operator meets: a write token
 * needed; errors stop the commit until fixed or excluded; warnings accepted explicitly; the same file again changes
 * nothing; an edited row is an update; a removed row is listed and deleted only when asked; a failure in the middle
 * leaves the store as it was; an import a stopped service was reading is marked failed; a file that is not a table;
 * an Open311 endpoint that answers XML; 100,000 rows with 3 bad ones; and the command line's exit codes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCentralService, type CentralService } from '../../central/http/service';
import { ImportJobs } from '../../central/import/jobs';
import { TABULAR_SOURCES } from '../../central/import/sources';
import type { TableTemplate } from '../../central/import/types';
import { SqliteStore } from '../../central/store/sqlite/store';
import { ImportsClient, ImportsError } from '../../core/imports/client';
import type { ImportView } from '../../shared/api/imports';
import { DAY_MS as DAY, HOUR_MS, toShanghaiIso } from '../../shared/time';
import { districtSpecs, geoJsonText } from './fixtures/boundary-files';
import { startOpen311Server } from './fixtures/open311-server';

const run = promisify(execFile);
const TOKEN = 'write-token-for-tests';
const now = Date.now();
const local = (ms: number) => toShanghaiIso(ms).slice(0, 16).replace('T', ' ');
const dir = mkdtempSync(path.join(tmpdir(), 'gcc-import-service-'));
let files = 0;

async function ledger(template: TableTemplate, rows: Record<string, string | number>[]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(template.sheet);
  const headers = template.fields.map((f) => f.header);
  sheet.addRow([`${template.title}（2026年）`]);
  sheet.mergeCells(1, 1, 1, headers.length);
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(headers.map((h) => row[h] ?? null));
  const file = path.join(dir, `${template.title}-${++files}.xlsx`);
  await workbook.xlsx.writeFile(file);
  return file;
}

const dispute = (n: number, over: Record<string, string | number> = {}) => ({
  编号: `MD-${n}`,
  发现时间: local(now - (n + 2) * DAY),
  网格: '翠屏路社区第1网格',
  类型: '邻里纠纷',
  简要情况: `第 ${n} 件纠纷`,
  ...over,
});

const opened: { service: CentralService; store: SqliteStore }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.service.close();
    await o.store.close();
  }
});

/** A service on a store with the test district's boundaries already imported. */
async function district(options: { file?: string; maxPageCount?: number } = {}) {
  const file = options.file ?? path.join(mkdtempSync(path.join(dir, 'store-')), 'central.sqlite');
  const store = new SqliteStore(file, { maxPageCount: options.maxPageCount });
  const service = await startCentralService({ store, token: TOKEN });
  opened.push({ service, store });
  const client = new ImportsClient({ baseUrl: service.url, token: TOKEN });
  if (!(await store.regions())) {
    const boundaries = path.join(dir, `boundaries-${++files}.geojson`);
    writeFileSync(boundaries, geoJsonText(Object.values(districtSpecs())));
    await commit(client, await client.start({ source: 'boundaries', file: { path: boundaries }, fileName: 'boundaries.geojson' }));
  }
  return { store, service, client, file };
}

async function preview(client: ImportsClient, started: ImportView): Promise<ImportView> {
  return client.settled(started.id, () => {}, 25);
}

async function commit(client: ImportsClient, started: ImportView, options = { acceptWarnings: true, deleteMissing: false }): Promise<ImportView> {
  const ready = await preview(client, started);
  expect(ready.status, ready.state.message).toBe('ready');
  return client.commit(ready.id, options);
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error as ImportsError,
  );

describe('imports over the central service', () => {
  it('needs a token with the write scope, also to list them', async () => {
    const { store, service } = await district();
    const { token } = await store.createToken('wall', ['read']);
    const reader = new ImportsClient({ baseUrl: service.url, token });
    expect((await refusal(reader.list()))?.message).toMatch(/may only read; GET \/v1\/imports needs a token with the write scope/);
    expect((await refusal(new ImportsClient({ baseUrl: service.url, token: 'wrong' }).list()))?.status).toBe(401);
  });

  it('a ledger with errors names each (sheet, row, column, value, why); nothing is written until they are excluded', async () => {
    const { store, client } = await district();
    const file = await ledger(TABULAR_SOURCES.disputes.template, [
      dispute(1),
      dispute(2, { 网格: '翠屏路社区第9网格' }),
      dispute(3, { 发现时间: '上个月' }),
      dispute(4, { 化解情况: '已化解', 化解时间: local(now - 30 * DAY) }),
      dispute(5),
    ]);
    const head = await store.headRev();
    const ready = await preview(client, await client.start({ source: 'disputes', file: { path: file }, fileName: '纠纷.xlsx' }));
    expect(ready.state.rejectedRows).toBe(3);
    const errors = ready.state.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => [p.sheet, p.row, p.column])).toEqual([
      [TABULAR_SOURCES.disputes.template.sheet, 4, '网格'],
      [TABULAR_SOURCES.disputes.template.sheet, 5, '发现时间'],
      [TABULAR_SOURCES.disputes.template.sheet, 6, expect.any(String)],
    ]);
    expect(errors[0].message).toMatch(/翠屏路社区第9网格.*是否是.*翠屏路社区第1网格/);
    expect(errors[1].value).toBe('上个月');
    expect(errors[2].message).toMatch(/早于/);
    expect(ready.state.outcome).toMatchObject({ created: 2 });
    expect((await refusal(client.commit(ready.id, { acceptWarnings: true, deleteMissing: false })))?.message).toMatch(/还有 3 个错误/);
    expect(await store.headRev()).toBe(head);

    const fixed = await commit(client, await client.start({ source: 'disputes', file: { path: file }, fileName: '纠纷.xlsx', excludeRows: [4, 5, 6] }));
    expect(fixed.state.outcome).toMatchObject({ created: 2, updated: 0 });
    expect(await store.headRev()).toBe(head + 2);
  });

  it('a column no synonym knows is mapped by the operator once, and the mapping is remembered for the source', async () => {
    const { client } = await district();
    const headers = ['编号', '受理日期', '网格', '简要情况'];
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('台账');
    sheet.addRow(headers);
    sheet.addRow(['MD-9', local(now - 3 * DAY), '翠屏路社区第1网格', '邻里纠纷']);
    const file = path.join(dir, `renamed-${++files}.xlsx`);
    await workbook.xlsx.writeFile(file);

    const unmapped = await preview(client, await client.start({ source: 'disputes', file: { path: file }, fileName: 'a.xlsx' }));
    expect(unmapped.state.problems[0]).toMatchObject({ severity: 'error' });
    expect(unmapped.state.layout?.unused).toContain('受理日期');
    await client.discard(unmapped.id);

    const mapped = await commit(
      client,
      await client.start({ source: 'disputes', file: { path: file }, fileName: 'a.xlsx', mapping: { found_at: '受理日期' } }),
    );
    expect(mapped.state.layout?.columns.find((c) => c.field === 'found_at')).toMatchObject({ from: '受理日期', by: 'operator' });
    const remembered = await preview(client, await client.start({ source: 'disputes', file: { path: file }, fileName: 'a.xlsx' }));
    expect(remembered.state.problemCounts.error).toBe(0);
    expect(remembered.state.outcome).toMatchObject({ unchanged: 1 });
  });

  it('warnings are written only once the operator accepts them', async () => {
    const { client } = await district();
    // 否 with no criterion listed: a warning (the grid lost the title for no stated reason).
    const file = await ledger(TABULAR_SOURCES['safe-grids'].template, [{ 网格: '翠屏路社区第1网格', 考核期: '2026年第三季度', 是否平安网格: '否' }]);
    const ready = await preview(client, await client.start({ source: 'safe-grids', file: { path: file }, fileName: '平安网格.xlsx' }));
    expect(ready.state.problemCounts).toEqual({ error: 0, warning: 1 });
    expect((await refusal(client.commit(ready.id, { acceptWarnings: false, deleteMissing: false })))?.message).toMatch(/1 个提醒/);
    expect((await client.commit(ready.id, { acceptWarnings: true, deleteMissing: false })).status).toBe('committed');
  });

  it('the same file again changes nothing; an edited row is an update; a removed row is listed, and deleted only when asked', async () => {
    const { store, client } = await district();
    const rows = [dispute(1), dispute(2), dispute(3)];
    const first = await ledger(TABULAR_SOURCES.disputes.template, rows);
    await commit(client, await client.start({ source: 'disputes', file: { path: first }, fileName: 'a.xlsx' }));
    const head = await store.headRev();

    const same = await commit(client, await client.start({ source: 'disputes', file: { path: first }, fileName: 'a.xlsx' }));
    expect(same.state.outcome).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(await store.headRev()).toBe(head);

    const edited = await ledger(TABULAR_SOURCES.disputes.template, [dispute(1), dispute(2, { 化解情况: '已化解', 化解时间: local(now - 1 * DAY) })]);
    const kept = await commit(client, await client.start({ source: 'disputes', file: { path: edited }, fileName: 'b.xlsx' }));
    expect(kept.state.outcome).toMatchObject({ updated: 1, unchanged: 1, missing: 1, deleted: 0, missingSample: [{ type: 'event', id: 'disputes:MD-3' }] });
    expect(await store.headRev()).toBe(head + 1);

    const removed = await commit(client, await client.start({ source: 'disputes', file: { path: edited }, fileName: 'b.xlsx' }), {
      acceptWarnings: true,
      deleteMissing: true,
    });
    expect(removed.state.outcome).toMatchObject({ unchanged: 2, missing: 1, deleted: 1 });
    expect(await store.headRev()).toBe(head + 2);
  });

  it('a failure in the middle of a commit (a full disk) leaves the store as it was, and the import can be committed again', async () => {
    const { store, client, file } = await district();
    const rows = Array.from({ length: 3000 }, (_, i) => dispute(i + 1, { 简要情况: `${'很长的情况说明'.repeat(20)}${i}` }));
    const big = await ledger(TABULAR_SOURCES.disputes.template, rows);
    const ready = await preview(client, await client.start({ source: 'disputes', file: { path: big }, fileName: 'big.xlsx' }));
    expect(ready.state.outcome?.created).toBe(3000);
    const head = await store.headRev();
    // Reopen the same store with a size cap just above what it holds now: the commit cannot fit.
    await opened[0].service.close();
    await store.close();
    opened.splice(0);
    const pages = (await import('better-sqlite3')).default(file, { readonly: true }).pragma('page_count', { simple: true }) as number;
    const capped = await district({ file, maxPageCount: pages + 5 });
    const failure = await refusal(capped.client.commit(ready.id, { acceptWarnings: true, deleteMissing: false }));
    expect(failure?.message).toMatch(/full/);
    expect(await capped.store.headRev()).toBe(head);
    expect((await capped.store.changes(head, 10)).items).toEqual([]);
    const after = await capped.client.get(ready.id);
    expect(after.status).toBe('ready');
    expect(after.state.message).toMatch(/写入失败，没有写入任何数据/);
  });

  it('an import a stopped service was reading is marked failed at the next start, its staged rows dropped', async () => {
    const { store, file } = await district();
    await store.saveImport({
      id: 'left',
      source: 'disputes',
      recordsSource: 'excel:矛盾纠纷台账',
      fileName: 'x.xlsx',
      sha256: '0'.repeat(64),
      bytes: 1,
      tokenName: 't',
      createdAt: toShanghaiIso(now),
      status: 'reading',
      state: JSON.stringify({
        progress: { fraction: 0.5, rows: 1, ratePerSecond: 1, secondsLeft: 1 },
        rows: 1,
        rejectedRows: 0,
        problems: [],
        problemCounts: { error: 0, warning: 0 },
      }),
      committedAt: null,
    });
    await opened[0].service.close();
    await store.close();
    opened.splice(0);
    const again = await district({ file });
    const left = await again.client.get('left');
    expect(left.status).toBe('failed');
    expect(left.state.message).toMatch(/停止/);
  });

  it('another service process leaves an import another is reading alone; one whose service fell silent for a minute is failed when asked for', async () => {
    const store = new SqliteStore(path.join(mkdtempSync(path.join(dir, 'store-')), 'central.sqlite'));
    let clock = now;
    const other = new ImportJobs(store, () => clock);
    const state = {
      progress: { fraction: 0.5, rows: 1, ratePerSecond: 1, secondsLeft: 1 },
      rows: 1,
      rejectedRows: 0,
      problems: [],
      problemCounts: { error: 0, warning: 0 },
      updatedAt: toShanghaiIso(now - 10_000),
    };
    await store.saveImport({
      id: 'busy',
      source: 'disputes',
      recordsSource: 'excel:矛盾纠纷台账',
      fileName: 'x.xlsx',
      sha256: '0'.repeat(64),
      bytes: 1,
      tokenName: 't',
      createdAt: toShanghaiIso(now),
      status: 'reading',
      state: JSON.stringify(state),
      committedAt: null,
    });
    await other.recover();
    expect((await other.get('busy'))?.status).toBe('reading');
    clock = now + 61_000;
    expect((await other.get('busy'))?.status).toBe('failed');
    await store.close();
  });

  it('a file that is not a spreadsheet, and an Open311 endpoint that answers XML, fail with a sentence and write nothing', async () => {
    const { store, client } = await district();
    const head = await store.headRev();
    const pdf = path.join(dir, 'not-a-table.xlsx');
    writeFileSync(pdf, '%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n');
    const read = await preview(client, await client.start({ source: 'disputes', file: { path: pdf }, fileName: '台账.xlsx' }));
    expect(read.state.problems[0]).toMatchObject({ severity: 'error' });
    expect(read.state.problems[0].message).toMatch(/PDF|不是/);

    const xml = await startOpen311Server({ body: 'xml' });
    try {
      const failed = await preview(client, await client.startOpen311({ url: xml.url }));
      expect(failed.status).toBe('failed');
      expect(failed.state.message).toMatch(/XML/);
    } finally {
      await xml.close();
    }
    expect(await store.headRev()).toBe(head);
  });

  it('100,000 rows with 3 bad ones: the 3 are named and nothing is written until they are excluded', async () => {
    const { store, client } = await district();
    const file = path.join(dir, 'big-100k.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: false });
    const sheet = writer.addWorksheet('矛盾纠纷');
    sheet.addRow(['编号', '发现时间', '网格', '简要情况']).commit();
    const bad = new Set([1_234, 55_555, 100_001]);
    const grids = ['翠屏路社区第1网格', '翠屏路社区第2网格', '厚街社区第1网格', '北辰社区第1网格', '北辰社区第2网格'];
    for (let i = 0; i < 100_000; i++) {
      const row = i + 2;
      sheet.addRow([`MD-${i}`, bad.has(row) ? '不详' : local(now - (i % 300) * DAY - HOUR_MS), grids[i % 5], `邻里纠纷第 ${i} 件`]).commit();
    }
    sheet.commit();
    await writer.commit();
    const head = await store.headRev();
    const ready = await preview(client, await client.start({ source: 'disputes', file: { path: file }, fileName: 'big.xlsx' }));
    expect(ready.state.rows).toBe(100_000);
    expect(ready.state.problems.filter((p) => p.severity === 'error').map((p) => p.row)).toEqual([...bad]);
    expect((await refusal(client.commit(ready.id, { acceptWarnings: true, deleteMissing: false })))?.message).toMatch(/3 个错误/);
    expect(await store.headRev()).toBe(head);
    const done = await commit(client, await client.start({ source: 'disputes', file: { path: file }, fileName: 'big.xlsx', excludeRows: [...bad] }));
    expect(done.state.outcome?.created).toBe(99_997);
    expect(await store.headRev()).toBe(head + 99_997);
  }, 180_000);
});

describe('npm run import', () => {
  let service: CentralService;
  let tokenFile: string;
  beforeAll(async () => {
    ({ service } = await district());
    opened.splice(0); // kept for this block
    tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
  });

  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, GCC_API_TOKEN: '' },
    }).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );

  it('--dry-run prints the preview and exits 0; a file with errors exits 1 with the reasons; a good file is written', async () => {
    const good = await ledger(TABULAR_SOURCES.disputes.template, [dispute(1), dispute(2)]);
    const dry = await cli('disputes', good, '--api', service.url, '--token-file', tokenFile, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/将新增 2，更新 0，不变 0，拒绝 0 行/);
    expect(dry.out).toMatch(/试运行：没有写入任何数据/);

    const bad = await ledger(TABULAR_SOURCES.disputes.template, [dispute(1, { 网格: '没有这个网格' })]);
    const refused = await cli('disputes', bad, '--api', service.url, '--token-file', tokenFile);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/错误（.*第 3 行.*“网格”列.*值“没有这个网格”）/);

    const written = await cli('disputes', good, '--api', service.url, '--token-file', tokenFile);
    expect(written.code).toBe(0);
    expect(written.out).toMatch(/已写入：新增 2/);
    await service.close();
  }, 60_000);

  it('template writes the ledger’s template', async () => {
    const out = path.join(dir, 'template.xlsx');
    const result = await cli('template', 'hotline', out);
    expect(result.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const headers = (workbook.worksheets[0].getRow(2).values as unknown[]).map(String).join('|');
    expect(headers).toMatch(/工单编号/);
  });
});
