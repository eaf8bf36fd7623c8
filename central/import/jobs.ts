/**
 * Imports as jobs of the central service: one is started with a file (or an Open311 URL), reads in the background
 * (its progress and then its preview saved in the store's imports table, so any service process can show it), and is
 * committed — whole, in one transaction — or discarded by the operator. A region tree an import will write (boundaries,
 * grid-info) is kept in the store's meta until then. While a service reads or commits an import it says so every few
 * seconds (state.updatedAt); an import whose service fell silent (stopped, killed: with PostgreSQL perhaps another
 * process) is marked failed, at the next start or when next asked for. Its commit is one transaction, so it either
 * committed (status committed) or left the store as it was.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { ImportView } from '../../shared/api/imports';
import type { OrganisationResponse, RegionsResponse } from '../../shared/api/schemas';
import { TASKS } from '../demo/organisation';
import { toShanghaiIso } from '../../shared/time';
import type { CentralStore, ImportRow, WriteContext } from '../store/types';
import { emptyImportState as emptyState, type ImportState } from '../../shared/api/imports';
import type { ImportRequest } from './pipeline';

/**
 * The readers (exceljs, SheetJS, turf, proj4, …) load on the first import, not with the service: they cost about
 * 1.7 s and 90 MB at start, and most services (the app's embedded one above all) never import anything.
 */
const pipeline = () => import('./pipeline');

export interface CommitOptions {
  /** Warnings were read and accepted by the operator (required when there are any). */
  acceptWarnings: boolean;
  /** Delete the records this source wrote before that the file no longer has (else they are only listed). */
  deleteMissing: boolean;
}

/** A refusal the HTTP layer answers with 409 and the sentence. */
export class ImportRefused extends Error {}

const treeKey = (id: string) => `import.tree.${id}`;
const open311SinceKey = (recordsSource: string) => `import.open311.since.${recordsSource}`;
/** How often a reading import saves its progress (the page polls). */
const SAVE_EVERY_MS = 500;
/** How often a service says it is still reading or committing an import, and how long a silence means it stopped. */
const HEARTBEAT_MS = 5_000;
const SILENT_MS = 60_000;
const STOPPED_MESSAGE = '中心服务在导入进行中停止了，导入没有写入任何数据；请重新导入该文件。';

export class ImportJobs {
  private readonly running = new Map<string, Promise<void>>();
  private readonly committing = new Set<string>();

  constructor(
    private readonly store: CentralStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Marks imports whose service fell silent while reading or committing as failed (their staged rows dropped). */
  async recover(): Promise<void> {
    for (const row of await this.store.listImports(1000)) await this.failIfAbandoned(row);
  }

  private async failIfAbandoned(row: ImportRow): Promise<ImportRow> {
    if ((row.status !== 'reading' && row.status !== 'committing') || this.running.has(row.id) || this.committing.has(row.id)) return row;
    const state = JSON.parse(row.state) as ImportState;
    const heard = state.updatedAt ? Date.parse(state.updatedAt) : NaN;
    if (this.now() - heard < SILENT_MS) return row;
    const failed: ImportRow = { ...row, status: 'failed', state: JSON.stringify({ ...state, message: STOPPED_MESSAGE }) };
    await this.store.dropStaged(row.id);
    await this.store.saveImport(failed);
    return failed;
  }

  /** Saves a row still being worked on, saying when (the heartbeat others judge it by). */
  private alive(row: ImportRow, state: ImportState): Promise<void> {
    return this.store.saveImport({ ...row, state: JSON.stringify({ ...state, updatedAt: toShanghaiIso(this.now()) }) });
  }

  /**
   * Starts reading. `file` is the upload, already on disk with its SHA-256 (removed when reading ends); the answer
   * comes at once, status 'reading'.
   */
  async start(request: ImportRequest, upload: { name: string; sha256: string; bytes: number; path?: string }, tokenName: string): Promise<ImportView> {
    const row: ImportRow = {
      id: randomUUID(),
      source: request.source,
      recordsSource: (await pipeline()).recordsSourceOf(request),
      fileName: upload.name,
      sha256: upload.sha256,
      bytes: upload.bytes,
      tokenName,
      createdAt: toShanghaiIso(this.now()),
      status: 'reading',
      state: JSON.stringify(emptyState()),
      committedAt: null,
    };
    await this.store.saveImport(row);
    const job = this.read(row, request, upload.path).finally(() => this.running.delete(row.id));
    this.running.set(row.id, job);
    return view(row);
  }

  /** Waits for a reading (tests and the command line's own service). */
  async settled(id: string): Promise<ImportView | null> {
    await this.running.get(id);
    return this.get(id);
  }

  async get(id: string): Promise<ImportView | null> {
    const row = await this.store.getImport(id);
    return row ? view(await this.failIfAbandoned(row)) : null;
  }

  async list(limit = 50): Promise<ImportView[]> {
    const rows = await this.store.listImports(limit);
    return Promise.all(rows.map(async (row) => view(await this.failIfAbandoned(row))));
  }

  /** Where an Open311 pull starts when the operator gives no date: after the newest update the last commit wrote. */
  async open311Since(url: string): Promise<string | undefined> {
    const recordsSource = (await pipeline()).recordsSourceOf({ source: 'open311', open311: { url } });
    return (await this.store.getMeta(open311SinceKey(recordsSource))) || undefined;
  }

  /** The region tree a boundaries or grid-info import will write (for the preview map). */
  async stagedTree(id: string): Promise<RegionsResponse | null> {
    const json = await this.store.getMeta(treeKey(id));
    return json === null ? null : (JSON.parse(json) as RegionsResponse);
  }

  /** Writes a ready import whole; refuses (ImportRefused) while it has errors, or warnings not accepted. */
  async commit(id: string, options: CommitOptions, who: WriteContext): Promise<ImportView> {
    const row = await this.store.getImport(id);
    if (!row) throw new ImportRefused(`没有编号为 ${id} 的导入。`);
    if (this.committing.has(id)) throw new ImportRefused('这次导入正在写入。');
    if (row.status !== 'ready') throw new ImportRefused(`这次导入的状态是“${STATUS_TEXT[row.status]}”，只有预览完成的导入可以写入。`);
    const state = JSON.parse(row.state) as ImportState;
    if (state.problemCounts.error > 0)
      throw new ImportRefused(`还有 ${state.problemCounts.error} 个错误：改正文件或排除这些行后重新导入，在此之前不写入任何数据。`);
    if (state.problemCounts.warning > 0 && !options.acceptWarnings)
      throw new ImportRefused(`有 ${state.problemCounts.warning} 个提醒：请先查看并确认接受，再写入。`);
    this.committing.add(id);
    const committingRow: ImportRow = { ...row, status: 'committing' };
    await this.alive(committingRow, state);
    const heartbeat = setInterval(() => void this.alive(committingRow, state).catch(() => {}), HEARTBEAT_MS);
    try {
      const tree = await this.stagedTree(id);
      if (tree) {
        await this.store.putRegions(tree, { ...who, source: row.recordsSource });
        // A store that starts from a district's own boundaries has no organisation yet, and a wall cannot sync
        // without one: the standard tasks, until the district platform puts its own (departments, people).
        if (!(await this.store.organisation())) await this.store.putOrganisation(STARTING_ORGANISATION, { ...who, source: row.recordsSource });
      }
      const progress = state.open311?.maxUpdated ? { key: open311SinceKey(row.recordsSource), value: state.open311.maxUpdated } : undefined;
      const outcome = await this.store.commitImport(
        id,
        { recordsSource: row.recordsSource, deleteMissing: options.deleteMissing },
        { ...who, source: row.recordsSource, progress },
      );
      if (state.mapping) await this.store.setMeta(`import.mapping.${row.source}`, JSON.stringify(state.mapping));
      if (tree) await this.store.deleteMeta(treeKey(id));
      const done: ImportRow = { ...row, status: 'committed', committedAt: toShanghaiIso(this.now()), state: JSON.stringify({ ...state, outcome }) };
      await this.store.saveImport(done);
      return view(done);
    } catch (error) {
      // The commit is one transaction: nothing of the records was written. The import can be committed again.
      await this.store.saveImport({
        ...row,
        status: 'ready',
        state: JSON.stringify({ ...state, message: `写入失败，没有写入任何数据：${(error as Error).message}` }),
      });
      throw error;
    } finally {
      clearInterval(heartbeat);
      this.committing.delete(id);
    }
  }

  async discard(id: string): Promise<ImportView | null> {
    const row = await this.store.getImport(id);
    if (!row) return null;
    if (row.status === 'committed') throw new ImportRefused('这次导入已经写入，不能再放弃；要撤销，请导入改正后的文件。');
    await this.running.get(id)?.catch(() => {});
    await this.store.dropStaged(id);
    await this.store.deleteMeta(treeKey(id));
    const discarded: ImportRow = { ...(await this.store.getImport(id))!, status: 'discarded' };
    await this.store.saveImport(discarded);
    return view(discarded);
  }

  /** Reading in the background: progress saved every SAVE_EVERY_MS, then the preview (ready) or the failure. */
  private async read(row: ImportRow, request: ImportRequest, uploadPath: string | undefined): Promise<void> {
    let lastSave = 0;
    let latest = emptyState();
    let saving: Promise<void> = Promise.resolve();
    const save = () => (saving = saving.then(() => this.alive(row, latest)).catch(() => {}));
    // Also while nothing moves (a slow Open311 server, the checks of 20,000 boundaries): still alive.
    const heartbeat = setInterval(save, HEARTBEAT_MS);
    try {
      await this.alive(row, latest);
      const { readImport } = await pipeline();
      const result = await readImport(this.store, row.id, request, {
        now: this.now,
        progress: (state) => {
          latest = state;
          const at = this.now();
          if (at - lastSave < SAVE_EVERY_MS) return;
          lastSave = at;
          save();
        },
      });
      clearInterval(heartbeat);
      await saving;
      if (result.tree) await this.store.setMeta(treeKey(row.id), JSON.stringify(result.tree));
      await this.store.saveImport({ ...row, status: 'ready', state: JSON.stringify(result.state) });
    } catch (error) {
      clearInterval(heartbeat);
      await saving;
      await this.store.dropStaged(row.id).catch(() => {});
      const state = { ...emptyState(), message: error instanceof Error ? error.message : String(error) };
      await this.store.saveImport({ ...row, status: 'failed', state: JSON.stringify(state) }).catch(() => {});
    } finally {
      if (uploadPath) await rm(uploadPath, { force: true }).catch(() => {});
    }
  }
}

/** The 46 grid tasks in their 5 duty categories (the same everywhere); no departments or people counts yet. */
const STARTING_ORGANISATION: OrganisationResponse = {
  departments: [],
  tasks: TASKS,
  people: {
    party_branches: 0,
    party_members: 0,
    full_time_workers: 0,
    community_workers: 0,
    public_health_posts: 0,
    enforcement_staff: 0,
    volunteer_teams: 0,
    volunteers: 0,
  },
};

const STATUS_TEXT: Record<ImportRow['status'], string> = {
  reading: '读取中',
  ready: '待确认',
  committing: '写入中',
  committed: '已写入',
  failed: '失败',
  discarded: '已放弃',
};

function view(row: ImportRow): ImportView {
  return { ...row, source: row.source as ImportView['source'], state: JSON.parse(row.state) as ImportState };
}
