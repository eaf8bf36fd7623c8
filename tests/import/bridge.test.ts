/**
 * The 导入 page's requests as the core answers them (import.*), against a real central service: the token the app
 * syncs with may only read, so the page asks for a write token (kept in memory); a dropped file goes by its upload
 * id; a boundaries import's preview map says what each region becomes; templates come as files.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentralService, type CentralService } from '../../central/http/service';
import { SqliteStore } from '../../central/store/sqlite/store';
import { createBackend, type CoreBackend } from '../../core/backend';
import { BridgeError } from '../../shared/bridge/contract';
import { districtSpecs, geoJsonText } from './fixtures/boundary-files';

const dir = mkdtempSync(path.join(tmpdir(), 'gcc-import-bridge-'));
let store: SqliteStore;
let service: CentralService;
let backend: CoreBackend;
let readToken: string;
let writeToken: string;

beforeAll(async () => {
  store = new SqliteStore(path.join(dir, 'central.sqlite'));
  service = await startCentralService({ store });
  readToken = (await store.createToken('wall', ['read'])).token;
  writeToken = (await store.createToken('officer', ['read', 'write'])).token;
  backend = createBackend({
    host: 'web',
    version: 'test',
    data: { cacheFile: path.join(dir, 'cache.sqlite'), api: { baseUrl: service.url, token: readToken }, demo: false, sync: 'off' },
  });
});

afterAll(async () => {
  await backend.close();
  await service.close();
  await store.close();
});

describe('the 导入 page’s requests', () => {
  it('with the wall’s read token the page says a write token is needed; with one entered, it imports boundaries and shows the map of changes', async () => {
    const first = await backend.handlers['import.list']({});
    expect(first.imports).toEqual([]);
    expect(first.problem).toMatch(/may only read.*write scope/);
    expect(first.target).toMatchObject({ baseUrl: service.url, demo: false, writeTokenSet: false });

    expect((await backend.handlers['import.token']({ token: writeToken })).writeTokenSet).toBe(true);
    expect((await backend.handlers['import.list']({})).problem).toBeNull();

    const file = path.join(dir, 'boundaries.geojson');
    writeFileSync(file, geoJsonText(Object.values(districtSpecs())));
    const started = await backend.handlers['import.start']({ source: 'boundaries', upload: backend.uploads.add(file, false), fileName: 'boundaries.geojson' });
    let view = started;
    while (view.status === 'reading') view = await backend.handlers['import.get']({ id: started.id });
    expect(view.status).toBe('ready');
    const map = await backend.handlers['import.regions']({ id: started.id });
    expect(map.regions).toHaveLength(11);
    expect(new Set(map.regions.map((r) => r.change))).toEqual(new Set(['created']));
    const done = await backend.handlers['import.commit']({ id: started.id, acceptWarnings: true, deleteMissing: false });
    expect(done.status).toBe('committed');
    expect((await backend.handlers['import.list']({})).imports.map((i) => i.fileName)).toEqual(['boundaries.geojson']);
  });

  it('an upload id is taken once; a template is a file; a refusal is the service’s sentence', async () => {
    const file = path.join(dir, 'x.csv');
    writeFileSync(file, '编号,发现时间,网格,简要情况\n');
    const upload = backend.uploads.add(file, false);
    await backend.handlers['import.start']({ source: 'disputes', upload, fileName: 'x.csv' });
    await expect(backend.handlers['import.start']({ source: 'disputes', upload, fileName: 'x.csv' })).rejects.toThrow(/drop it again/);

    const template = await backend.handlers['import.template']({ source: 'hotline' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(template.base64, 'base64') as unknown as ArrayBuffer);
    expect(workbook.worksheets.length).toBeGreaterThan(0);

    const refused = await backend.handlers['import.commit']({ id: 'no-such-import', acceptWarnings: false, deleteMissing: false }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BridgeError);
    expect((refused as BridgeError).message).toMatch(/没有编号为 no-such-import 的导入/);
  });
});
