/**
 * The 导入 page's state, kept while the operator visits other pages: the import list and its target, the chosen
 * source and file, and the import being worked on (read → preview → commit or discard). An upload id is good for
 * one import.start only, so the File stays here: a changed mapping or excluded rows upload it again and read anew
 * (the old preview is discarded first). Polls import.get every 500 ms while the service reads.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import { BridgeError, type Reply } from '../../../shared/bridge/contract';
import type { ImportPage } from '../../../shared/bridge/imports';
import type { ColumnMapping, ImportView, ServiceMapping, SourceName } from '../../../shared/api/imports';
import { useBridge } from '../common/bridge';
import { base64Blob, hasRegions, isOpen, listProblemKind, sinceIso, type ImportDatum } from './format';

export const POLL_MS = 500;
/** import.get failures in a row before the page says so (a host restarting answers again soon). */
const POLL_RETRIES = 4;

export type ImportAction = 'list' | 'start' | 'poll' | 'commit' | 'discard' | 'template' | 'token' | 'regions';
export type Busy = 'uploading' | 'starting' | 'committing' | 'discarding' | null;
export type RegionsReply = Reply<'import.regions'>;

function toBridgeError(e: unknown): BridgeError {
  return e instanceof BridgeError ? e : new BridgeError({ code: 'unavailable', message: e instanceof Error ? e.message : String(e) });
}

/** How the current import was asked for, to ask again with a new mapping or excluded rows. */
interface FileRequest {
  source: Exclude<SourceName, 'open311'>;
  datum?: ImportDatum;
  mapping?: ColumnMapping;
  excludeRows: number[];
}

export const useImportStore = defineStore('imports', () => {
  const bridge = () => useBridge();

  // ---- the list and where imports go ---------------------------------------------------------------------------
  const page = shallowRef<ImportPage | null>(null);
  const listLoading = ref(false);
  const tokenSaving = ref(false);

  // ---- what the operator chose -----------------------------------------------------------------------------------
  const source = ref<SourceName | null>(null);
  const file = shallowRef<File | null>(null);
  const datum = ref<ImportDatum>('WGS-84');
  const open311 = reactive({ url: '', apiKey: '', since: '' });

  // ---- the import being worked on --------------------------------------------------------------------------------
  const current = shallowRef<ImportView | null>(null);
  /** The file the current import was read from (null: resumed from the list, or open311). */
  const currentFile = shallowRef<File | null>(null);
  const request = shallowRef<FileRequest | null>(null);
  const mappingEdits = ref<Record<string, string | null>>({});
  /** Error rows ticked for exclusion (not yet re-read). */
  const ticked = ref<number[]>([]);
  const acceptWarnings = ref(false);
  const deleteMissing = ref(false);
  const busy = ref<Busy>(null);
  const regions = shallowRef<RegionsReply | null>(null);
  const regionsLoading = ref(false);
  /** The last failure of an action, with what was being done. */
  const failure = shallowRef<{ action: ImportAction; error: BridgeError } | null>(null);
  /** The last import was discarded (the page says nothing was written). */
  const discarded = ref(false);

  let pollTimer: ReturnType<typeof setTimeout> | null = null;
  let pollFailures = 0;

  const tokenProblem = computed(() => {
    const p = page.value?.problem;
    if (p && listProblemKind(p) === 'token') return true;
    const code = failure.value?.error.code;
    return code === 'unauthorized' || code === 'forbidden';
  });

  function fail(action: ImportAction, e: unknown) {
    failure.value = { action, error: toBridgeError(e) };
  }

  async function loadList() {
    listLoading.value = true;
    try {
      page.value = await bridge().request('import.list', {});
      if (failure.value?.action === 'list') failure.value = null;
    } catch (e) {
      fail('list', e);
    } finally {
      listLoading.value = false;
    }
  }

  async function setToken(token: string | null): Promise<boolean> {
    tokenSaving.value = true;
    try {
      const target = await bridge().request('import.token', { token });
      if (page.value) page.value = { ...page.value, target };
      if (failure.value && ['token', 'list'].includes(failure.value.action)) failure.value = null;
      if (failure.value && ['unauthorized', 'forbidden'].includes(failure.value.error.code)) failure.value = null;
      await loadList();
      return true;
    } catch (e) {
      fail('token', e);
      return false;
    } finally {
      tokenSaving.value = false;
    }
  }

  async function downloadTemplate(which: Exclude<SourceName, 'boundaries' | 'open311'>): Promise<{ url: string; fileName: string } | null> {
    try {
      const reply = await bridge().request('import.template', { source: which });
      const url = URL.createObjectURL(base64Blob(reply.base64, reply.mime));
      // The link is clicked at once; the URL is let go once the browser has the bytes.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      return { url, fileName: reply.fileName };
    } catch (e) {
      fail('template', e);
      return null;
    }
  }

  // ---- reading ------------------------------------------------------------------------------------------------------

  function stopPolling() {
    if (pollTimer !== null) clearTimeout(pollTimer);
    pollTimer = null;
  }

  function schedulePoll() {
    stopPolling();
    pollTimer = setTimeout(() => void poll(), POLL_MS);
  }

  async function poll() {
    pollTimer = null;
    const id = current.value?.id;
    if (!id) return;
    try {
      const view = await bridge().request('import.get', { id });
      if (current.value?.id !== id) return;
      pollFailures = 0;
      show(view);
    } catch (e) {
      if (current.value?.id !== id) return;
      if (++pollFailures > POLL_RETRIES) return fail('poll', e);
      schedulePoll();
    }
  }

  /** Shows an import's latest state; keeps polling while it reads, fetches its map once it is ready. */
  function show(view: ImportView) {
    const before = current.value;
    current.value = view;
    if (before?.id !== view.id) {
      regions.value = null;
      acceptWarnings.value = false;
      deleteMissing.value = false;
      ticked.value = [];
    }
    if (view.status === 'reading' || view.status === 'committing') return schedulePoll();
    stopPolling();
    if (view.status === 'ready' && hasRegions(view.source) && view.state.regions && !regions.value) void loadRegions(view.id);
    if (before?.status === 'reading') void loadList();
  }

  async function loadRegions(id: string) {
    regionsLoading.value = true;
    try {
      const reply = await bridge().request('import.regions', { id });
      if (current.value?.id === id) regions.value = reply;
    } catch (e) {
      if (current.value?.id === id) fail('regions', e);
    } finally {
      regionsLoading.value = false;
    }
  }

  /**
   * Starts an import and shows it; remembers the file and request it was read with (the page reads them again with
   * a new mapping or excluded rows), none for Open311.
   */
  async function begin(first: Busy, send: () => Promise<ImportView>, read: { file: File; request: FileRequest } | null) {
    busy.value = first;
    try {
      const view = await send();
      currentFile.value = read?.file ?? null;
      request.value = read?.request ?? null;
      mappingEdits.value = {};
      show(view);
    } catch (e) {
      fail('start', e);
    } finally {
      busy.value = null;
    }
  }

  async function readFile(f: File, req: FileRequest) {
    await begin(
      'uploading',
      async () => {
        const upload = await bridge().upload(f);
        busy.value = 'starting';
        return bridge().request('import.start', {
          source: req.source,
          upload,
          fileName: f.name.slice(0, 255) || 'file',
          ...(req.mapping ? { mapping: req.mapping } : {}),
          ...(req.excludeRows.length ? { excludeRows: req.excludeRows } : {}),
          ...(req.source === 'boundaries' && req.datum ? { datum: req.datum } : {}),
        });
      },
      { file: f, request: req },
    );
  }

  /** 开始读取: the chosen source and file (or the Open311 address). */
  async function start() {
    const chosen = source.value;
    if (!chosen || busy.value) return;
    // One import at a time: an open preview is written or discarded first (the page says so).
    if (current.value && isOpen(current.value)) return;
    failure.value = null;
    discarded.value = false;
    current.value = null;
    regions.value = null;
    if (chosen === 'open311') return pullOpen311();
    if (!file.value) return;
    await readFile(file.value, { source: chosen, datum: chosen === 'boundaries' ? datum.value : undefined, excludeRows: [] });
  }

  /** Pulls the Open311 endpoint of the form, with the operator's table of service codes when given. */
  async function pullOpen311(services?: ServiceMapping) {
    const since = sinceIso(open311.since);
    await begin(
      'starting',
      () =>
        bridge().request('import.open311', {
          url: open311.url.trim(),
          ...(open311.apiKey.trim() ? { apiKey: open311.apiKey.trim() } : {}),
          ...(since ? { since } : {}),
          ...(services ? { mapping: services } : {}),
        }),
      null,
    );
  }

  /** Pulls the same Open311 endpoint again with an edited service table; the old preview is discarded. */
  async function repullOpen311(services: ServiceMapping) {
    const view = current.value;
    if (!view || view.source !== 'open311' || busy.value) return;
    failure.value = null;
    busy.value = 'discarding';
    await discardQuietly(view.id);
    current.value = null;
    busy.value = null;
    await pullOpen311(services);
  }

  /** Reads the same file again with a new mapping and/or more excluded rows; the old preview is discarded. */
  async function reread(next: { mapping?: ColumnMapping; excludeRows?: number[] }) {
    const view = current.value;
    const f = currentFile.value;
    const req = request.value;
    if (!view || !f || !req || busy.value) return;
    failure.value = null;
    busy.value = 'discarding';
    await discardQuietly(view.id);
    current.value = null;
    regions.value = null;
    busy.value = null;
    await readFile(f, { ...req, mapping: next.mapping ?? req.mapping, excludeRows: next.excludeRows ?? req.excludeRows });
  }

  async function discardQuietly(id: string) {
    stopPolling();
    try {
      await bridge().request('import.discard', { id });
    } catch {
      // Already gone or failed: nothing was written either way; the list says what became of it.
    }
  }

  async function commit() {
    const view = current.value;
    if (!view || view.status !== 'ready' || busy.value) return;
    busy.value = 'committing';
    failure.value = null;
    try {
      const done = await bridge().request('import.commit', { id: view.id, acceptWarnings: acceptWarnings.value, deleteMissing: deleteMissing.value });
      show(done);
      await loadList();
    } catch (e) {
      fail('commit', e);
      // The service may have noted why on the import (a commit that failed is ready again, with a message).
      try {
        const again = await bridge().request('import.get', { id: view.id });
        if (current.value?.id === view.id) show(again);
      } catch {
        // keep what is shown
      }
    } finally {
      busy.value = null;
    }
  }

  async function discard() {
    const view = current.value;
    if (!view || view.status === 'committed' || busy.value) return;
    busy.value = 'discarding';
    failure.value = null;
    stopPolling();
    try {
      if (view.status !== 'discarded') await bridge().request('import.discard', { id: view.id });
      current.value = null;
      regions.value = null;
      request.value = null;
      discarded.value = true;
      await loadList();
    } catch (e) {
      fail('discard', e);
      if (view.status === 'reading') schedulePoll();
    } finally {
      busy.value = null;
    }
  }

  /** Picks up an import from the list (left ready when the page was closed); re-reading needs its file again. */
  function resume(view: ImportView) {
    if (busy.value) return;
    failure.value = null;
    discarded.value = false;
    source.value = view.source;
    const f = file.value && file.value.name === view.fileName ? file.value : null;
    currentFile.value = f;
    request.value = f && view.source !== 'open311' ? { source: view.source, excludeRows: [], mapping: view.state.mapping } : null;
    mappingEdits.value = {};
    current.value = null;
    show(view);
  }

  /** 导入下一个文件: the done import leaves the page (it stays in the list). */
  function next() {
    stopPolling();
    current.value = null;
    currentFile.value = null;
    request.value = null;
    regions.value = null;
    file.value = null;
    failure.value = null;
    discarded.value = false;
  }

  return {
    page,
    listLoading,
    tokenSaving,
    tokenProblem,
    source,
    file,
    datum,
    open311,
    repullOpen311,
    current,
    currentFile,
    request,
    mappingEdits,
    ticked,
    acceptWarnings,
    deleteMissing,
    busy,
    regions,
    regionsLoading,
    failure,
    discarded,
    loadList,
    setToken,
    downloadTemplate,
    start,
    reread,
    commit,
    discard,
    resume,
    next,
    stopPolling,
  };
});
