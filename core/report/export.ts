/**
 * One export of the 通报: assemble the briefing, fill the template (defaults + the operator's edits), render DOCX or
 * XLSX — or, for PDF, the document the host prints (Electron's printToPDF, else Chromium) — and write the audit
 * row once the file exists. Runs where the reads run (a read thread; the CLI's own thread).
 */
import type { CacheReads } from '../cache/reads';
import type { SceneQueries } from '../query/scene';
import { MIME, type PeriodRequest, type ReportFormat, type ReportTexts } from '../../shared/bridge/briefing';
import { toShanghaiIso } from '../../shared/time';
import { assemble } from './briefing';
import { caseRows } from './cases';
import { renderDocx } from './docx';
import { renderPdf, type PdfPrinter } from './pdf';
import { renderXlsx } from './xlsx';
import { buildReport, defaultTexts, fileStem, scopePlace, type ReportDocument } from './template';
import { scrubText } from './mask';

export interface ExportRequest {
  period: PeriodRequest;
  /** A street's or community's 通报; the district's when null or absent. */
  region?: string | null;
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

/**
 * The export's audit row: who exported which period in which format, when, under which file name. A street's or
 * community's 通报 records its place after the period ("2026-W47 中桥街道"); its file name names it too.
 */
export interface AuditEntry {
  at: string;
  operator: string;
  period: string;
  format: string;
  file: string | null;
}

/** An export made but not yet recorded: the file's bytes, or (PDF) the document still to be printed. */
export type PreparedExport = { fileName: string; mime: string; audit: AuditEntry } & ({ data: Uint8Array } | { print: ReportDocument });

/** "张三 2026-11-23 09:30" — operator and export time, Shanghai. */
export function watermarkText(operator: string, now: number, text?: string): string {
  return scrubText(text?.trim() || `${operator} ${toShanghaiIso(now).slice(0, 16).replace('T', ' ')}`);
}

export async function prepareExport(ctx: { reads: CacheReads; queries: SceneQueries; now: number }, req: ExportRequest): Promise<PreparedExport> {
  const detail = assemble(ctx, req.period, req.region ?? null);
  const b = detail.briefing;
  const texts: ReportTexts = { ...defaultTexts(b, ctx.now), ...stripUndefined(req.texts ?? {}) };
  const watermark = req.watermark?.enabled ? watermarkText(req.operator, ctx.now, req.watermark.text) : null;
  const doc = buildReport(b, texts, { watermark });
  const fileName = `${fileStem(b)}${req.format === 'xlsx' ? '-附件' : ''}.${req.format}`;
  const period = b.scope.id === null ? b.period.key : `${b.period.key} ${scopePlace(b.scope)}`;
  const audit: AuditEntry = { at: toShanghaiIso(ctx.now), operator: req.operator, period, format: req.format, file: fileName };
  const prepared = { fileName, mime: MIME[req.format], audit };
  if (req.format === 'pdf') return { ...prepared, print: doc };
  if (req.format === 'docx') return { ...prepared, data: await renderDocx(doc) };
  const overdue = caseRows(ctx, detail.names, { period: req.period, region: b.scope.id, filter: { status: 'overdue' }, offset: 0, limit: 20_000 }).cases;
  const data = await renderXlsx({
    briefing: { ...b, exceptions: { ...b.exceptions, safeGrids: detail.safeGrids, repeats: detail.repeats } },
    grids: detail.grids,
    scope: b.scope.id === null ? null : b.scope.path.map((s) => s.name).join(' › '),
    overdue,
    title: `${doc.title.join('')}（附件：数据明细表）`,
    issuer: doc.issuer,
    operator: req.operator,
    watermark,
    generatedAt: b.generatedAt,
  });
  return { ...prepared, data };
}

/** Where an export is made and recorded: a read thread (the app) or the caller's own reads (the CLI). */
export interface Exporter {
  prepareExport(req: ExportRequest, now: number): Promise<PreparedExport>;
  recordExport(entry: AuditEntry): number | Promise<number>;
}

/** Makes the file (printing a PDF with `printer`), then records it: an export that failed leaves no audit row. */
export async function exportReport(exporter: Exporter, req: ExportRequest, now: number, printer?: PdfPrinter): Promise<ExportResult> {
  const prepared = await exporter.prepareExport(req, now);
  const data =
    'print' in prepared ? await renderPdf(prepared.print, printer) : Buffer.from(prepared.data.buffer, prepared.data.byteOffset, prepared.data.byteLength);
  const auditSeq = await exporter.recordExport(prepared.audit);
  return { fileName: prepared.fileName, mime: prepared.mime, data, auditSeq };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
