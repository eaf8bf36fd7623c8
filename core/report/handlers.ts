/**
 * Bridge handlers of the briefing and the 通报 export: briefing.get, briefing.cases, report.template,
 * report.export, report.audit. The backend spreads them into its handler table; payloads arrive validated. The
 * work is done on a read thread (core/read); a PDF is printed here, by the host's printer.
 * A request without a period means the last complete ISO week (what a Monday briefing reviews); one without a
 * region, the district.
 */
import os from 'node:os';
import type { ReadApi } from '../read/service';
import { BridgeError, type BridgeHandlers } from '../../shared/bridge/contract';
import type { PeriodRequest } from '../../shared/bridge/briefing';
import { lastCompleteWeek, shanghaiDay } from '../../shared/time';
import { exportReport } from './export';
import { PdfUnavailableError, type PdfPrinter } from './pdf';

export type ReportRequestName = 'briefing.get' | 'briefing.cases' | 'report.template' | 'report.export' | 'report.audit';

export interface ReportHandlerDeps {
  /** The cache's reads; throws the host's "no data" BridgeError when there is no cache. */
  reads: () => ReadApi;
  now: () => number;
  /** Viewers (read-only web connections) may read the briefing but not export. */
  role?: 'viewer' | 'operator';
  /** Prints the 通报's PDF (Electron's printToPDF in the desktop app); headless Chromium by default. */
  pdfPrinter?: PdfPrinter;
}

function defaultOperator(): string {
  try {
    return os.userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}

export function reportHandlers(deps: ReportHandlerDeps): Pick<BridgeHandlers, ReportRequestName> {
  const periodOr = (period: PeriodRequest | undefined, now: number): PeriodRequest => period ?? { kind: 'week', week: lastCompleteWeek(shanghaiDay(now)) };

  return {
    'briefing.get': async ({ period, region }) => {
      const now = deps.now();
      return deps.reads().briefing(periodOr(period, now), now, region ?? null);
    },
    'briefing.cases': async ({ period, region, filter, offset, limit }) => {
      const now = deps.now();
      return deps.reads().cases({ period: periodOr(period, now), region: region ?? null, filter, offset, limit }, now);
    },
    'report.template': async ({ period, region, edits }) => {
      const now = deps.now();
      return deps.reads().template(periodOr(period, now), edits ?? {}, now, region ?? null);
    },
    'report.export': async ({ period, region, format, texts, watermark, operator }) => {
      if (deps.role === 'viewer') {
        throw new BridgeError({
          code: 'forbidden',
          message: 'Exports are for operators; this connection is read-only. Ask the command center for an operator token.',
        });
      }
      const now = deps.now();
      try {
        const result = await exportReport(
          deps.reads(),
          { period: periodOr(period, now), region: region ?? null, format, texts, watermark, operator: operator ?? defaultOperator() },
          now,
          deps.pdfPrinter,
        );
        return { fileName: result.fileName, mime: result.mime, base64: result.data.toString('base64'), bytes: result.data.length, auditSeq: result.auditSeq };
      } catch (error) {
        if (error instanceof PdfUnavailableError) throw new BridgeError({ code: 'unavailable', message: error.message });
        throw error;
      }
    },
    'report.audit': async ({ limit }) => deps.reads().exports(limit ?? 100),
  };
}
