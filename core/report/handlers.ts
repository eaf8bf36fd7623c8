/**
 * Bridge handlers of the briefing and the 通报 export: briefing.get, briefing.cases, report.template,
 * report.export, report.audit. The backend spreads them into its handler table; payloads arrive validated.
 * A request without a period means the last complete ISO week (what a Monday briefing reviews).
 */
import os from 'node:os';
import type { Db } from '../cache/database';
import type { SceneQueries } from '../query/scene';
import { BridgeError, type BridgeHandlers } from '../../shared/bridge/contract';
import { lastCompleteWeek, resolvePeriod, type PeriodRequest } from '../../shared/bridge/briefing';
import { shanghaiDay } from '../../shared/time/shanghai';
import { assembleBriefing } from './briefing';
import { caseRows } from './cases';
import { listAudit } from './audit';
import { exportReport } from './export';
import { Names } from './names';
import { PdfUnavailableError } from './pdf';
import { applyNarrativeEdits, defaultTexts } from './template';

export type ReportRequestName = 'briefing.get' | 'briefing.cases' | 'report.template' | 'report.export' | 'report.audit';

export interface ReportHandlerDeps {
  /** The query layer; throws the host's "no data" BridgeError when there is no cache. */
  queries: () => SceneQueries;
  db: () => Db | null;
  now: () => number;
  /** Viewers (read-only web connections) may read the briefing but not export. */
  role?: 'viewer' | 'operator';
}

function defaultOperator(): string {
  try {
    return os.userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}

export function reportHandlers(deps: ReportHandlerDeps): Pick<BridgeHandlers, ReportRequestName> {
  const context = () => {
    const queries = deps.queries();
    const db = deps.db();
    if (!db) throw new BridgeError({ code: 'unavailable', message: 'This host has no data cache configured.' });
    return { db, queries, now: deps.now() };
  };
  const periodOr = (period: PeriodRequest | undefined, now: number): PeriodRequest => period ?? { kind: 'week', week: lastCompleteWeek(shanghaiDay(now)) };

  return {
    'briefing.get': async ({ period }) => {
      const ctx = context();
      return assembleBriefing(ctx, periodOr(period, ctx.now));
    },
    'briefing.cases': async ({ period, filter, offset, limit }) => {
      const ctx = context();
      return caseRows(ctx, new Names(ctx.db), { period: periodOr(period, ctx.now), filter, offset, limit });
    },
    'report.template': async ({ period, edits }) => {
      const ctx = context();
      const briefing = applyNarrativeEdits(assembleBriefing(ctx, periodOr(period, ctx.now)), edits ?? {});
      return { period: resolvePeriod(periodOr(period, ctx.now)), texts: defaultTexts(briefing, ctx.now) };
    },
    'report.export': async ({ period, format, texts, watermark, operator }) => {
      if (deps.role === 'viewer') {
        throw new BridgeError({ code: 'forbidden', message: 'Exports are for operators; this connection is read-only. Ask the command center for an operator token.' });
      }
      const ctx = context();
      try {
        const result = await exportReport(ctx, { period: periodOr(period, ctx.now), format, texts, watermark, operator: operator ?? defaultOperator() });
        return { fileName: result.fileName, mime: result.mime, base64: result.data.toString('base64'), bytes: result.data.length, auditSeq: result.auditSeq };
      } catch (error) {
        if (error instanceof PdfUnavailableError) throw new BridgeError({ code: 'unavailable', message: error.message });
        throw error;
      }
    },
    'report.audit': async ({ limit }) => {
      const { db } = context();
      return listAudit(db, limit);
    },
  };
}
