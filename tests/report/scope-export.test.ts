/**
 * A street's 通报 in its three formats: the title names the street, table 1 ranks its communities (and no other
 * street's), the XLSX appendix ranks the same and lists only its grids, the PDF says the same; the file names and
 * the audit log name the street.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportReport } from '../../core/report/export';
import { assembleBriefing } from '../../core/report/briefing';
import { chromiumPath, closePdfBrowser } from '../../core/report/pdf';
import { DEMO_WEEK, leakedPersonalData, openDistrict } from './helpers';

const district = openDistrict();
const { db, ctx, service } = district;
const period = { kind: 'week' as const, week: DEMO_WEEK };
const streets = db.prepare("SELECT id, name FROM regions WHERE level = 'street' ORDER BY code").all() as { id: string; name: string }[];
const street = streets[2];
const others = streets.filter((s) => s.id !== street.id).map((s) => s.name);
const communities = db.prepare("SELECT name FROM regions WHERE level = 'community' AND street_id = ?").pluck().all(street.id) as string[];
const b = assembleBriefing(ctx, period, street.id);
const events = b.kpis.find((k) => k.metric === 'events')!.value;

/** The DOCX body's paragraphs (style, text) and its tables (rows of cell texts). */
function docxParts(xml: string) {
  const text = (x: string) => [...x.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join('');
  const paragraphs = [...xml.matchAll(/<w:p\b[^>]*>(.*?)<\/w:p>/gs)].map((m) => ({
    style: /<w:pStyle w:val="([^"]+)"/.exec(m[1])?.[1] ?? null,
    text: text(m[1]),
  }));
  const tables = [...xml.matchAll(/<w:tbl>(.*?)<\/w:tbl>/gs)].map((t) =>
    [...t[1].matchAll(/<w:tr\b[^>]*>(.*?)<\/w:tr>/gs)].map((r) => [...r[1].matchAll(/<w:tc>(.*?)<\/w:tc>/gs)].map((c) => text(c[1]))),
  );
  return { paragraphs, tables };
}

describe('a street’s 通报, DOCX', () => {
  let xml = '';
  let fileName = '';
  let auditSeq = 0;
  beforeAll(async () => {
    const result = await exportReport(service, { period, region: street.id, format: 'docx', operator: '测试员' }, ctx.now);
    fileName = result.fileName;
    auditSeq = result.auditSeq;
    xml = await (await JSZip.loadAsync(result.data)).file('word/document.xml')!.async('string');
  });

  it('is titled with the street and speaks of it', () => {
    const { paragraphs } = docxParts(xml);
    const title = paragraphs
      .filter((p) => p.style === 'GwTitle')
      .map((p) => p.text)
      .join('');
    expect(title).toBe(`关于2023年第11周${street.name}网格化服务管理工作情况的通报`);
    const body = paragraphs.map((p) => p.text).join('\n');
    expect(body).toContain(`${street.name}共受理各类事件${events}件`);
    expect(body).toContain('二、各社区工作情况');
    expect(body).not.toContain('二、各街道工作情况');
    expect(fileName).toBe(`${street.name}网格化服务管理工作通报-${DEMO_WEEK}.docx`);
  });

  it('ranks its communities in table 1, and no other street', () => {
    const { tables } = docxParts(xml);
    const [areas, departments] = tables;
    expect(areas[0].slice(0, 3)).toEqual(['排名', '社区', '受理（件）']);
    expect(
      areas
        .slice(1)
        .map((r) => r[1])
        .sort(),
    ).toEqual([...communities].sort());
    // The events column adds up to the street's.
    expect(areas.slice(1).reduce((n, r) => n + Number(r[2]), 0)).toBe(events);
    const all = tables.flat(2).join('|');
    for (const name of others) expect(all).not.toContain(name);
    // Table 2: the departments that had the street's cases.
    expect(departments[0][1]).toBe('部门');
    expect(departments.slice(1).reduce((n, r) => n + Number(r[2]), 0)).toBe(b.rankings.departments.reduce((n, d) => n + d.events, 0));
  });

  it('records the street in the audit log', () => {
    const row = ctx.reads.exports(10).find((r) => r.seq === auditSeq)!;
    expect(row).toMatchObject({ period: `${DEMO_WEEK} ${street.name}`, format: 'docx', file: fileName });
  });
});

describe('a street’s 通报, XLSX appendix', () => {
  const wb = new ExcelJS.Workbook();
  let fileName = '';
  beforeAll(async () => {
    const result = await exportReport(service, { period, region: street.id, format: 'xlsx', operator: '测试员' }, ctx.now);
    fileName = result.fileName;
    await wb.xlsx.load(result.data as unknown as ArrayBuffer);
  });
  const values = (sheet: string, col: number) =>
    wb
      .getWorksheet(sheet)!
      .getColumn(col)
      .values.slice(2)
      .filter((v) => v !== undefined && v !== null)
      .map(String);

  it('ranks the street’s communities and lists its grids only', () => {
    expect(fileName).toBe(`${street.name}网格化服务管理工作通报-${DEMO_WEEK}-附件.xlsx`);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['说明', '社区', '部门', '超期案件', '网格', '平安网格风险', '重复诉求', '趋势']);
    expect(values('社区', 2).sort()).toEqual([...communities].sort());
    const grids = db.prepare("SELECT count(*) FROM regions WHERE level = 'grid' AND street_id = ?").pluck().get(street.id) as number;
    expect(values('网格', 1)).toEqual(new Array(grids).fill(street.name));
    for (const sheet of ['超期案件', '平安网格风险', '重复诉求']) {
      const ws = wb.getWorksheet(sheet)!;
      const col = (ws.getRow(1).values as unknown[]).indexOf('街道');
      for (const v of values(sheet, col)) expect(v, sheet).toBe(street.name);
    }
    expect(values('超期案件', 1)).toHaveLength(b.exceptions.overdue.total);
  });

  it('says its scope and title on the cover sheet', () => {
    const cover = wb.getWorksheet('说明')!;
    const rows = new Map<string, string>();
    cover.eachRow((r) => rows.set(String(r.getCell(1).value), String(r.getCell(2).value)));
    expect(rows.get('统计范围')).toBe(`广安区 › ${street.name}`);
    expect(rows.get('名称')).toContain(street.name);
  });
});

const haveChromium = existsSync(chromiumPath());
describe.skipIf(!haveChromium)('a street’s 通报, PDF', () => {
  let text = '';
  beforeAll(async () => {
    const result = await exportReport(service, { period, region: street.id, format: 'pdf', operator: '测试员' }, ctx.now);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gcc-scope-pdf-')), result.fileName);
    writeFileSync(file, result.data);
    text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  }, 120_000);
  afterAll(() => closePdfBrowser());

  it('names the street in its title and ranks its communities', () => {
    const flat = text.replace(/\s+/g, '');
    expect(flat).toContain(`关于2023年第11周${street.name}网格化服务管理工作情况的通报`);
    expect(flat).toContain(`${street.name}共受理各类事件${events}件`);
    expect(flat).toContain('表1各社区工作情况排名');
    for (const c of communities) expect(flat).toContain(c);
    expect(leakedPersonalData(text, district.personal())).toEqual([]);
  });
});
