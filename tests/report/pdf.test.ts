/**
 * The PDF: Chromium prints the report's HTML; its extracted text states the query layer's figures, on A4 pages
 * numbered "— n —", with the 版记 on the last page and no personal data. Skipped where there is no Chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportReport } from '../../core/report/export';
import { closePdfBrowser, chromiumPath, pdfPageCount, printerFromWebContents } from '../../core/report/pdf';
import { renderReportHtml } from '../../core/report/html';
import { buildReport, defaultTexts } from '../../core/report/template';
import { assembleBriefing } from '../../core/report/briefing';
import { percent } from '../../shared/kpi/formulas';
import { DEMO_WEEK, leakedPersonalData, openDistrict } from './helpers';

const district = openDistrict();
const period = { kind: 'week' as const, week: DEMO_WEEK };
const haveChromium = existsSync(chromiumPath());
const dir = mkdtempSync(path.join(tmpdir(), 'gcc-pdf-'));
let text = '';
let pages: string[] = [];
let file = '';

beforeAll(async () => {
  if (!haveChromium) return;
  const result = await exportReport(district.service, { period, format: 'pdf', operator: '测试员' }, district.ctx.now);
  expect(result.mime).toBe('application/pdf');
  file = path.join(dir, result.fileName);
  writeFileSync(file, result.data);
  text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  pages = text.split('\f').filter((p) => p.trim());
}, 120_000);
afterAll(() => closePdfBrowser());

describe.skipIf(!haveChromium)('通报 PDF', () => {
  it('is A4, its pages numbered "— n —"', () => {
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    const [w, h] = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info)!.slice(1).map(Number);
    expect(Math.abs(w - 595.28)).toBeLessThan(1);
    expect(Math.abs(h - 841.89)).toBeLessThan(1);
    expect(pages.length).toBe(Number(/Pages:\s+(\d+)/.exec(info)![1]));
    pages.forEach((p, i) => expect(p.replace(/\s/g, '')).toContain(`—${i + 1}—`));
  });

  it('states the figures of the query layer', () => {
    const snap = district.queries.snapshot({ preset: 'custom', from: 20230313, to: 20230319 }, district.ctx.now, null, null, 0);
    const flat = text.replace(/\s+/g, '');
    expect(flat).toContain(`全区共受理各类事件${snap.totals.events}件`);
    expect(flat).toContain(`群众诉求（12345）${snap.totals.appeals}件`);
    expect(flat).toContain(`按期办结率${percent(snap.totals.onTimeRate)!.toFixed(1)}%`);
    expect(flat).toContain(`群众满意率${percent(snap.totals.satisfaction.rate)!.toFixed(1)}%`);
    expect(flat).toContain(`排查矛盾纠纷${snap.totals.disputesFound}件`);
    // The street table: each street's row with its volume and rates.
    for (const s of snap.streets) {
      const row = text.split('\n').find((l) => new RegExp(`^\\s*\\d+\\s+${s.name}\\s`).test(l));
      expect(row, s.name).toBeDefined();
      expect(row!.split(/\s+/)).toContain(String(s.events));
      expect(row!).toContain(s.onTimeRate === null ? '—' : `${percent(s.onTimeRate)!.toFixed(1)}%`);
    }
  });

  it('has the 版头, the sections, the signature and, on the last page, the 版记', () => {
    const flat = text.replace(/\s+/g, '');
    for (const s of [
      '广安区网格化服务管理中心文件',
      '广网格通〔2023〕11号',
      '关于2023年第11周全区网格化服务管理工作情况的通报',
      '一、总体情况',
      '二、各街道工作情况',
      '三、存在问题',
      '四、下步工作要求',
      '表1各街道工作情况排名',
    ]) {
      expect(flat).toContain(s);
    }
    const last = pages.at(-1)!.replace(/\s+/g, '');
    expect(last).toContain('抄送：区委政法委');
    expect(last).toContain('2023年3月20日印发');
  });

  it('holds no reporter name or phone number', () => {
    expect(leakedPersonalData(text, district.personal())).toEqual([]);
  });

  it('prints the same HTML through the printer it is given (an Electron-style window)', async () => {
    const b = assembleBriefing(district.ctx, period);
    const doc = buildReport(b, defaultTexts(b, district.ctx.now));
    const seen: string[] = [];
    const printer = printerFromWebContents(() => ({
      loadURL: async (url) => void seen.push(Buffer.from(url.split(',')[1], 'base64').toString('utf8')),
      printToPDF: async (options) => Buffer.from(`%PDF-1.7 /Type /Pages /Count 1 ${JSON.stringify(options)}`),
      close: () => seen.push('closed'),
    }));
    const result = await exportReport(district.service, { period, format: 'pdf', operator: '测试员' }, district.ctx.now, printer);
    expect(result.data.toString()).toContain('"preferCSSPageSize":true');
    // Two prints of the same HTML: one to count the pages (draws nothing), one with the 版记 on the last page.
    expect(seen[0]).toBe(renderReportHtml(doc, { layoutOnly: true }));
    expect(seen[2]).toBe(renderReportHtml(doc, { colophonPage: 1 }));
    expect(seen.filter((s) => s === 'closed')).toHaveLength(2);
  });
});

describe('pdfPageCount', () => {
  it('reads the page tree count', () => {
    expect(pdfPageCount(Buffer.from('<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>'))).toBe(2);
    expect(pdfPageCount(Buffer.from('<< /Count 5 /Kids [] /Type /Pages >>'))).toBe(5);
  });
});
