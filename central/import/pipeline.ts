/**
 * The one pipeline every importer runs: read → map → validate → preview (staged in the store, nothing written) →
 * commit (jobs.ts, when the operator says so). What differs per source is how rows are read and what a row becomes;
 * what is the same is here: records checked against the write API's own schemas (what a POST would accept), ids
 * unique within the import, problems kept with their place, progress with rate and time left, and the staged records
 * compared with the store for the preview's counts.
 */
import type { OrganisationResponse, RecordType, Region, RegionsResponse } from '../../shared/api/schemas';
import { WRITE_RECORD_SCHEMAS } from '../../shared/api/writes';
import { emptyImportState as emptyState, type ImportState, type ServiceMapping } from '../../shared/api/imports';

export type { ImportState };
import type { CentralStore } from '../store/types';
import { buildBoundaryTree } from './boundaries/tree';
import { readBoundaries } from './boundaries/read';
import { pullRequests, fetchServices, type Open311Options } from './open311/client';
import { defaultServiceMapping, mapRequest } from './open311/map';
import { buildRegionIndex } from './regions-index';
import { TABULAR_SOURCES } from './sources';
import { openTable } from './table/read';
import type { ColumnMapping, MapContext, OutgoingRecord, Problem, SourceName } from './types';

/** Problems kept per severity for the preview (the counts are always whole). */
const KEPT_PROBLEMS = 200;
/** Records staged per store call. */
const STAGE_BATCH = 2000;

/** What the operator asked for. */
export interface ImportRequest {
  source: SourceName;
  /** The uploaded file (every source but open311). */
  file?: { path: string; name: string };
  /** Open311: the endpoint, and the operator's table of service codes → kinds (else a default from the names). */
  open311?: Omit<Open311Options, 'fetch'> & { mapping?: ServiceMapping };
  /** Field → header in the file, the operator's edits (else the mapping remembered for the source, else by name). */
  mapping?: ColumnMapping;
  /** 1-based rows the operator excluded. */
  excludeRows?: number[];
  /** Boundaries: the datum the file's coordinates are in. */
  datum?: 'WGS-84' | 'GCJ-02' | 'CGCS2000';
}

/** The name an importer's records are kept under (records.source): a re-import knows what it wrote before. */
export function recordsSourceOf(request: ImportRequest): string {
  if (request.source === 'open311') return `open311:${request.open311?.url ?? ''}`.slice(0, 100);
  if (request.source === 'boundaries') return 'import:boundaries';
  return TABULAR_SOURCES[request.source].sourceName;
}

export interface PipelineHooks {
  /** Called often while reading; the caller decides how often to save. */
  progress(state: ImportState): void;
  now(): number;
}

/** The result of reading: the state for the preview, and (boundaries, grid-info) the region tree to write on commit. */
export interface ReadResult {
  state: ImportState;
  tree?: RegionsResponse;
}

/**
 * Reads, maps and validates the request's input, staging every valid record in the store under `importId`.
 * Writes nothing but the staging; throws a sentence when the input cannot be read at all.
 */
export async function readImport(store: CentralStore, importId: string, request: ImportRequest, hooks: PipelineHooks): Promise<ReadResult> {
  const [regionsRef, organisationRef] = await Promise.all([store.regions(), store.organisation()]);
  const tree = regionsRef ? (JSON.parse(regionsRef.json) as RegionsResponse) : null;
  const organisation = organisationRef ? (JSON.parse(organisationRef.json) as OrganisationResponse) : null;
  const ctx: MapContext = { regions: buildRegionIndex(tree), organisation, source: recordsSourceOf(request), now: hooks.now };
  const run = new Run(store, importId, hooks);

  if (request.source === 'boundaries') {
    if (!request.file) throw new Error('边界导入需要一个文件（GeoJSON、压缩的 Shapefile 或 KML）。');
    const read = await readBoundaries(request.file.path, request.file.name, { datum: request.datum });
    const built = buildBoundaryTree(read, tree);
    for (const problem of [...read.problems, ...built.problems]) run.problem(problem);
    run.state.rows = built.tree.regions.length;
    run.state.regions = regionChange(built.diff.created, built.diff.updated, built.diff.unchanged, built.diff.removed);
    run.state.outcome = await store.importOutcome(importId, ctx.source);
    run.done();
    return { state: run.state, tree: built.tree };
  }

  if (request.source === 'open311') {
    if (!request.open311) throw new Error('Open311 导入需要接口地址。');
    const services = await fetchServices(request.open311);
    const mapping = { ...defaultServiceMapping(services, organisation), ...(request.open311.mapping ?? {}) };
    // The newest update seen, normalised by the client; saved as the next run's start only when this one commits.
    let maxUpdated: string | null = null;
    for await (const batch of pullRequests(request.open311)) {
      for (const problem of batch.problems) run.problem(problem);
      for (const item of batch.requests) {
        const mapped = mapRequest(item, mapping, ctx);
        await run.row({ problems: mapped.problems, records: mapped.record ? [mapped.record] : [] });
      }
      maxUpdated = batch.maxUpdated ?? maxUpdated;
      run.tick(null);
    }
    await run.flush();
    run.state.open311 = { mapping, maxUpdated };
    run.state.outcome = await store.importOutcome(importId, ctx.source);
    run.done();
    return { state: run.state };
  }

  // The tables: a ledger or an export.
  if (!request.file) throw new Error('台账导入需要一个文件（.xlsx、.xls 或 .csv）。');
  const source = TABULAR_SOURCES[request.source];
  const remembered = await store.getMeta(`import.mapping.${request.source}`);
  const mapping = request.mapping ?? (remembered ? (JSON.parse(remembered) as ColumnMapping) : undefined);
  const table = await openTable(request.file.path, request.file.name, source.template, { mapping, excludeRows: new Set(request.excludeRows ?? []) });
  run.state.layout = table.layout;
  run.state.mapping = Object.fromEntries(table.layout.columns.map((c) => [c.field, c.from]));
  for (const problem of table.layout.problems) run.problem(problem);
  const profiles = new Map<string, NonNullable<Region['profile']>>();
  if (!table.layout.problems.some((p) => p.severity === 'error')) {
    for await (const row of table.rows()) {
      const mapped = source.map(row, ctx);
      for (const p of mapped.profiles ?? []) profiles.set(p.gridId, p.profile);
      await run.row({ problems: [...row.problems, ...mapped.problems], records: mapped.records, place: { sheet: row.sheet, row: row.row } });
      run.tick(table.fraction());
    }
    await run.flush();
  }
  let newTree: RegionsResponse | undefined;
  if (request.source === 'grid-info' && tree) {
    const updated: string[] = [];
    const unchanged: string[] = [];
    newTree = {
      ...tree,
      regions: tree.regions.map((r) => {
        const profile = profiles.get(r.id);
        if (!profile) return r;
        (JSON.stringify(profile) === JSON.stringify(r.profile) ? unchanged : updated).push(r.id);
        return { ...r, profile };
      }),
    };
    run.state.regions = regionChange([], updated, unchanged, []);
  } else if (request.source === 'grid-info') {
    run.problem({ severity: 'error', message: '中心库还没有网格边界：请先导入边界（街道、社区、网格），再导入网格基础信息。' });
  }
  run.state.outcome = await store.importOutcome(importId, ctx.source);
  run.done();
  return { state: run.state, tree: newTree };
}

function regionChange(created: string[], updated: string[], unchanged: string[], removed: string[]): NonNullable<ImportState['regions']> {
  return {
    created: created.length,
    updated: updated.length,
    unchanged: unchanged.length,
    removed: removed.length,
    sample: { created: created.slice(0, 50), updated: updated.slice(0, 50), removed: removed.slice(0, 50) },
  };
}

/** One reading: counts, kept problems, duplicate ids, the staging buffer and the progress figures. */
class Run {
  readonly state = emptyState();
  private readonly started: number;
  private readonly seen = new Map<string, string>();
  private buffer: { type: RecordType; record: OutgoingRecord['record'] }[] = [];
  private staged = 0;
  private lastTick = 0;

  constructor(
    private readonly store: CentralStore,
    private readonly importId: string,
    private readonly hooks: PipelineHooks,
  ) {
    this.started = hooks.now();
  }

  problem(problem: Problem): void {
    this.state.problemCounts[problem.severity]++;
    const kept = this.state.problems.filter((p) => p.severity === problem.severity).length;
    if (kept < KEPT_PROBLEMS) this.state.problems.push(problem);
  }

  /** A row's records (validated against the write API's schemas) and problems; a row with an error stages nothing. */
  async row(mapped: { problems: Problem[]; records: OutgoingRecord[]; place?: { sheet?: string; row?: number } }): Promise<void> {
    this.state.rows++;
    const problems = [...mapped.problems];
    const valid: OutgoingRecord[] = [];
    for (const out of mapped.records) {
      const parsed = WRITE_RECORD_SCHEMAS[out.type].safeParse(out.record);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        problems.push({
          ...mapped.place,
          severity: 'error',
          message: `这一行得出的记录不符合接口要求（${issue.path.join('.') || '记录'}：${issue.message}），请检查这一行。`,
        });
        continue;
      }
      const key = `${out.type}:${out.record.id}`;
      const first = this.seen.get(key);
      if (first !== undefined) {
        problems.push({ ...mapped.place, severity: 'error', message: `编号“${out.record.id}”与${first}重复：同一条记录只能出现一次，请删除或改正其中一行。` });
        continue;
      }
      this.seen.set(key, mapped.place?.row ? `第 ${mapped.place.row} 行` : '前面的一条');
      valid.push({ type: out.type, record: parsed.data as OutgoingRecord['record'] });
    }
    for (const p of problems) this.problem({ ...mapped.place, ...p });
    if (problems.some((p) => p.severity === 'error')) {
      this.state.rejectedRows++;
      return;
    }
    this.buffer.push(...valid);
    if (this.buffer.length >= STAGE_BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buffer.length) return;
    const batch = this.buffer;
    this.buffer = [];
    await this.store.stageImport(this.importId, this.staged, batch);
    this.staged += batch.length;
  }

  /** Progress with rate and time left, reported at most every 250 ms. */
  tick(fraction: number | null): void {
    const now = this.hooks.now();
    if (now - this.lastTick < 250) return;
    this.lastTick = now;
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    const rate = this.state.rows / seconds;
    const f = fraction ?? 0;
    this.state.progress = {
      fraction: f,
      rows: this.state.rows,
      ratePerSecond: Math.round(rate),
      secondsLeft: f > 0.01 ? Math.round((seconds * (1 - f)) / f) : null,
    };
    this.hooks.progress(this.state);
  }

  done(): void {
    const seconds = Math.max(0.001, (this.hooks.now() - this.started) / 1000);
    this.state.progress = { fraction: 1, rows: this.state.rows, ratePerSecond: Math.round(this.state.rows / seconds), secondsLeft: 0 };
  }
}
