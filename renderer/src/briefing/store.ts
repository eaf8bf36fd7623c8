/**
 * The weekly briefing and the 通报 export, as the briefing and reports views share them: the chosen period, the
 * briefing of that period, the narrative as edited, the cases behind a figure (drill-down), presenter mode and the
 * watermark; the report's texts, exports and the audit log. Numbers come from the host; nothing here computes one.
 * Both are of a scope (`region`: a street's or community's id, null for the district), as the URL's ?region= says.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, watch } from 'vue';
import { BridgeError } from '../../../shared/bridge/contract';
import {
  type AuditRow,
  type Briefing,
  type CaseFilter,
  type CaseRow,
  type PeriodRequest,
  type ReportFormat,
  type ReportTexts,
} from '../../../shared/bridge/briefing';
import type { Scope } from '../../../shared/bridge/scene';
import { lastCompleteWeek, periodKey, shanghaiDay } from '../../../shared/time';
import { useBridge } from '../common/bridge';

const OPERATOR_KEY = 'gcc.operator';
const PAGE = 50;

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

function toBridgeError(e: unknown): BridgeError {
  return e instanceof BridgeError ? e : new BridgeError({ code: 'unavailable', message: e instanceof Error ? e.message : String(e) });
}

export interface DrillState {
  open: boolean;
  filter: CaseFilter | null;
  /** What the figure was, as the user saw it (e.g. "按期办结率 · 浓洄街道"). */
  title: string;
  total: number;
  cases: CaseRow[];
  loading: boolean;
  error: BridgeError | null;
}

export interface ExportedDownload {
  format: ReportFormat;
  fileName: string;
  bytes: number;
  url: string;
}

/** The key of a period's briefing at a scope: its edits and texts are of that briefing only. */
export function scopedKey(period: string, region: string | null): string {
  return region ? `${period}@${region}` : period;
}
/** Only a scope's region in a request: the district's requests stay as they were. */
const regionOf = (region: string | null) => (region ? { region } : {});

export const useBriefingStore = defineStore('briefing', () => {
  const bridge = () => useBridge();

  // ---- period and briefing -----------------------------------------------------------------------------------
  const period = ref<PeriodRequest>({ kind: 'week', week: lastCompleteWeek(shanghaiDay(Date.now())) });
  /** The street or community asked for (null: the district); the briefing's scope says what it resolved to. */
  const region = ref<string | null>(null);
  const briefing = ref<Briefing | null>(null);
  const loading = ref(false);
  const error = ref<BridgeError | null>(null);
  let requestSeq = 0;

  async function load(next: PeriodRequest = period.value, nextRegion: string | null = region.value) {
    period.value = next;
    region.value = nextRegion;
    const seq = ++requestSeq;
    loading.value = true;
    error.value = null;
    try {
      const reply = await bridge().request('briefing.get', { period: next, ...regionOf(nextRegion) });
      if (seq !== requestSeq) return;
      briefing.value = reply;
    } catch (e) {
      if (seq === requestSeq) error.value = toBridgeError(e);
    } finally {
      if (seq === requestSeq) loading.value = false;
    }
  }

  // ---- narrative edits (per period and scope) --------------------------------------------------------------------
  const edits = ref<Record<string, Record<string, string>>>({});
  /** The key of the briefing shown: its period, and its scope when it is a street's or community's. */
  const briefingKey = computed(() => (briefing.value ? scopedKey(briefing.value.period.key, briefing.value.scope.id) : null));
  const currentEdits = computed<Record<string, string>>(() => (briefingKey.value ? (edits.value[briefingKey.value] ?? {}) : {}));
  function sentenceText(id: string): string {
    return currentEdits.value[id] ?? briefing.value?.narrative.find((s) => s.id === id)?.text ?? '';
  }
  function editSentence(id: string, text: string) {
    const key = briefingKey.value;
    if (!key) return;
    const original = briefing.value!.narrative.find((s) => s.id === id)?.text;
    const forPeriod = { ...(edits.value[key] ?? {}) };
    if (text === original) delete forPeriod[id];
    else forPeriod[id] = text;
    edits.value = { ...edits.value, [key]: forPeriod };
  }
  function resetEdits() {
    const key = briefingKey.value;
    if (key) edits.value = { ...edits.value, [key]: {} };
  }

  // ---- drill-down --------------------------------------------------------------------------------------------
  const drill = reactive<DrillState>({ open: false, filter: null, title: '', total: 0, cases: [], loading: false, error: null });
  let drillSeq = 0;

  async function openDrill(filter: CaseFilter, title: string) {
    const seq = ++drillSeq;
    Object.assign(drill, { open: true, filter, title, total: 0, cases: [], loading: true, error: null });
    try {
      const page = await bridge().request('briefing.cases', { period: period.value, ...regionOf(region.value), filter, offset: 0, limit: PAGE });
      if (seq !== drillSeq) return;
      drill.total = page.total;
      drill.cases = page.cases;
    } catch (e) {
      if (seq === drillSeq) drill.error = toBridgeError(e);
    } finally {
      if (seq === drillSeq) drill.loading = false;
    }
  }

  async function loadMoreCases() {
    if (!drill.filter || drill.loading || drill.cases.length >= drill.total) return;
    const seq = drillSeq;
    drill.loading = true;
    try {
      const page = await bridge().request('briefing.cases', {
        period: period.value,
        ...regionOf(region.value),
        filter: drill.filter,
        offset: drill.cases.length,
        limit: PAGE,
      });
      if (seq === drillSeq) drill.cases = [...drill.cases, ...page.cases];
    } catch (e) {
      if (seq === drillSeq) drill.error = toBridgeError(e);
    } finally {
      if (seq === drillSeq) drill.loading = false;
    }
  }

  function closeDrill() {
    drillSeq++;
    Object.assign(drill, { open: false, loading: false });
  }

  // ---- presenter mode and watermark ----------------------------------------------------------------------------
  const presenter = ref(false);
  const watermark = ref(false);
  const operator = ref(storage()?.getItem(OPERATOR_KEY) ?? '');
  watch(operator, (name) => storage()?.setItem(OPERATOR_KEY, name.trim()));

  // ---- the 通报 ----------------------------------------------------------------------------------------------
  const texts = ref<ReportTexts | null>(null);
  const defaults = ref<ReportTexts | null>(null);
  /** Whose 通报 the texts are (the reports page's breadcrumb). */
  const textsScope = ref<Scope | null>(null);
  const textsKey = ref<string | null>(null);
  const textsFromBriefing = ref(false);
  const templateLoading = ref(false);
  const templateError = ref<BridgeError | null>(null);

  let templateSeq = 0;
  /**
   * Loads the default texts of the period and scope (with the narrative as edited in the briefing), keeping the
   * user's edits of the same period and scope.
   */
  async function loadTemplate(force = false) {
    const key = scopedKey(periodKey(period.value), region.value);
    if (!force && textsKey.value === key && texts.value) return;
    const seq = ++templateSeq;
    templateLoading.value = true;
    templateError.value = null;
    try {
      const narrative = edits.value[key] ?? {};
      const reply = await bridge().request('report.template', { period: period.value, ...regionOf(region.value), edits: narrative });
      // A reply for a period or scope left meanwhile would export one scope's texts under another's name.
      if (seq !== templateSeq) return;
      defaults.value = reply.texts;
      texts.value = { ...reply.texts };
      textsScope.value = reply.scope;
      textsKey.value = key;
      textsFromBriefing.value = Object.keys(narrative).length > 0;
    } catch (e) {
      if (seq === templateSeq) templateError.value = toBridgeError(e);
    } finally {
      if (seq === templateSeq) templateLoading.value = false;
    }
  }

  const exporting = ref<ReportFormat | null>(null);
  const exportError = ref<BridgeError | null>(null);
  const downloads = ref<Partial<Record<ReportFormat, ExportedDownload>>>({});
  const audit = ref<AuditRow[]>([]);

  async function loadAudit() {
    try {
      audit.value = await bridge().request('report.audit', { limit: 50 });
    } catch (e) {
      exportError.value = toBridgeError(e);
    }
  }

  /** Exports the report; resolves with the download (the caller saves it with a link). */
  async function exportReport(format: ReportFormat): Promise<ExportedDownload | null> {
    exporting.value = format;
    exportError.value = null;
    try {
      const file = await bridge().request('report.export', {
        period: period.value,
        ...regionOf(region.value),
        format,
        texts: texts.value ?? undefined,
        watermark: { enabled: watermark.value },
        operator: operator.value.trim() || undefined,
      });
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      const old = downloads.value[format];
      if (old) URL.revokeObjectURL(old.url);
      const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
      const download = { format, fileName: file.fileName, bytes: file.bytes, url };
      downloads.value = { ...downloads.value, [format]: download };
      void loadAudit();
      return download;
    } catch (e) {
      exportError.value = toBridgeError(e);
      return null;
    } finally {
      exporting.value = null;
    }
  }

  return {
    period,
    region,
    briefing,
    loading,
    error,
    load,
    edits,
    currentEdits,
    sentenceText,
    editSentence,
    resetEdits,
    drill,
    openDrill,
    loadMoreCases,
    closeDrill,
    presenter,
    watermark,
    operator,
    texts,
    defaults,
    textsScope,
    textsKey,
    textsFromBriefing,
    templateLoading,
    templateError,
    loadTemplate,
    exporting,
    exportError,
    downloads,
    audit,
    loadAudit,
    exportReport,
  };
});
