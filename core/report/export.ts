/**
 * One export of the 通报: assemble the briefing, fill the template (defaults + the operator's edits), render
 * DOCX, PDF or XLSX, and write the audit row. Used by the bridge handler and the CLI alike.
 */
import type { Db } from '../cache/database';
import type { SceneQueries } from '../query/scene';
import { MIME, type PeriodRequest, type ReportFormat, type ReportTexts } from '../../shared/bridge/briefing';
import { toShanghaiIso } from '../../shared/time/shanghai';
import { assemble } from './briefing';
import { caseRows } from './cases';
import { writeAudit } from './audit';
import { renderDocx } from './docx';
import { renderPdf } from './pdf';
import { renderXlsx } from './xlsx';
import { buildReport, defaultTexts, fileStem } from './template';
import { scrubText } from './mask';

export interface ExportRequest {
  period: PeriodRequest;
  format: ReportFormat;
  texts?: Partial<ReportTexts>;
  watermark?: { enabled: boolean; text?: string };
  operator: string;
}

export interface ExportResult {
  fileName: string;
  mime: string;
  data: Buffer;
  auditSeq: number;
}

/** "张三 2026-11-23 09:30" — operator and export time, Shanghai. */
export function watermarkText(operator: string, now: number, text?: string): string {
  return scrubText(text?.trim() || `${operator} ${toShanghaiIso(now).slice(0, 16).replace('T', ' ')}`);
}

export async function exportReport(ctx: { db: Db; queries: SceneQueries; now: number }, req: ExportRequest): Promise<ExportResult> {
  const detail = assemble(ctx, req.period);
  const b = detail.briefing;
  const texts: ReportTexts = { ...defaultTexts(b, ctx.now), ...stripUndefined(req.texts ?? {}) };
  const watermark = req.watermark?.enabled ? watermarkText(req.operator, ctx.now, req.watermark.text) : null;
  const doc = buildReport(b, texts, { watermark });
  let data: Buffer;
  if (req.format === 'docx') data = await renderDocx(doc);
  else if (req.format === 'pdf') data = await renderPdf(doc);
  else {
    const overdue = caseRows(ctx, detail.names, { period: req.period, filter: { status: 'overdue' }, offset: 0, limit: 20_000 }).cases;
    data = await renderXlsx({
      briefing: { ...b, exceptions: { ...b.exceptions, safeGrids: detail.safeGrids, repeats: detail.repeats } },
      grids: detail.grids,
      overdue,
      title: `${doc.title.join('')}（附件：数据明细表）`,
      issuer: doc.issuer,
      operator: req.operator,
      watermark,
      generatedAt: b.generatedAt,
    });
  }
  const fileName = `${fileStem(b)}${req.format === 'xlsx' ? '-附件' : ''}.${req.format}`;
  const auditSeq = writeAudit(ctx.db, { at: toShanghaiIso(ctx.now), operator: req.operator, period: b.period.key, format: req.format, file: fileName });
  return { fileName, mime: MIME[req.format], data, auditSeq };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
