/**
 * What the app reads from its cache, as one service: the wall's snapshot, map and grid detail, the live deltas, the
 * briefing, the drill-down cases and the 通报 exports. It runs on a read thread (thread.ts), one instance per
 * thread with its own connection and reference data; the host's thread only routes requests to it (pool.ts).
 */
import type { Db } from '../cache/database';
import { CacheReads } from '../cache/reads';
import type { AppliedBatch } from '../cache/store';
import { SceneQueries } from '../query/scene';
import { assembleBriefing } from '../report/briefing';
import { caseRows, type CaseQuery } from '../report/cases';
import { prepareExport, type AuditEntry, type ExportRequest, type PreparedExport } from '../report/export';
import { Names } from '../report/names';
import { applyNarrativeEdits, defaultTexts } from '../report/template';
import type { AuditRow, Briefing, CasePage, PeriodRequest, ReportTexts, ResolvedPeriod } from '../../shared/bridge/briefing';
import { resolvePeriod } from '../../shared/time';
import type { GridDetail, MapRegions, MapView, RegionList, SceneDelta, SceneSnapshot, Scope, WindowRequest } from '../../shared/bridge/scene';

export class ReadService {
  readonly reads: CacheReads;
  readonly queries: SceneQueries;

  constructor(private readonly db: Db) {
    this.reads = new CacheReads(db);
    this.queries = new SceneQueries(this.reads);
  }

  private context(now: number) {
    return { reads: this.reads, queries: this.queries, now };
  }

  snapshot(window: WindowRequest, now: number, region: string | null = null, view: MapView | null = null): SceneSnapshot {
    // One read transaction: the figures and the write sequence they are of come from the same state of the cache,
    // or a wall would add a live batch's counts to a snapshot that already has them (or miss them).
    return this.db.transaction(() => this.queries.snapshot(window, now, region, view))();
  }

  mapRegions(): MapRegions {
    return this.queries.mapRegions();
  }

  regionList(): RegionList {
    return this.queries.regionList();
  }

  gridDetail(gridId: string, now: number): GridDetail | null {
    return this.queries.gridDetail(gridId, now);
  }

  /** The push after a sync batch; reads the reference data first if the cache had none when this thread started. */
  delta(batch: AppliedBatch, now: number): SceneDelta | null {
    if (!this.queries.hasReference) this.queries.reloadReference();
    return this.queries.delta(batch, now);
  }

  reloadReference(): void {
    this.queries.reloadReference();
  }

  /** What the status bar shows of the cache before the sync thread reports. */
  cacheState(): { lastContact: string | null; quarantined: number } {
    return { lastContact: this.reads.syncState().lastContact, quarantined: this.reads.quarantined() };
  }

  /** The district's briefing, or a street's or community's (`region`). */
  briefing(period: PeriodRequest, now: number, region: string | null = null): Briefing {
    return assembleBriefing(this.context(now), period, region);
  }

  cases(query: CaseQuery, now: number): CasePage {
    return caseRows(this.context(now), new Names(this.reads), query);
  }

  template(
    period: PeriodRequest,
    edits: Record<string, string>,
    now: number,
    region: string | null = null,
  ): { period: ResolvedPeriod; scope: Scope; texts: ReportTexts } {
    const briefing = applyNarrativeEdits(assembleBriefing(this.context(now), period, region), edits);
    return { period: resolvePeriod(period), scope: briefing.scope, texts: defaultTexts(briefing, now) };
  }

  prepareExport(req: ExportRequest, now: number): Promise<PreparedExport> {
    return prepareExport(this.context(now), req);
  }

  recordExport(entry: AuditEntry): number {
    return this.reads.recordExport(entry);
  }

  exports(limit: number): AuditRow[] {
    return this.reads.exports(limit);
  }
}

/** The service as the host sees it across the thread boundary: every method answers with a promise. */
export type ReadApi = { [K in ReadMethod]: (...args: Parameters<ReadService[K]>) => Promise<Awaited<ReturnType<ReadService[K]>>> };
export type ReadMethod = { [K in keyof ReadService]: ReadService[K] extends (...args: never[]) => unknown ? K : never }[keyof ReadService];
