/** What the 导入 page shows in words and numbers: helpers without state. */
import type { ColumnMapping, ImportOutcome, ImportView, MappedColumn, Problem, SourceName } from '../../../shared/api/imports';
import { TABLE_SOURCES } from '../../../shared/api/imports';

export const DATUMS = ['WGS-84', 'CGCS2000', 'GCJ-02'] as const;
export type ImportDatum = (typeof DATUMS)[number];

export function isTableSource(source: SourceName | null): source is (typeof TABLE_SOURCES)[number] {
  return source !== null && (TABLE_SOURCES as readonly string[]).includes(source);
}

/** Sources whose preview changes the region tree (and so gets the map). */
export function hasRegions(source: SourceName): boolean {
  return source === 'boundaries' || source === 'grid-info';
}

/** Whether an import's record counts mean anything: not for boundaries (a tree), for grid-info only when it has some. */
export function recordsMatter(source: SourceName, outcome: ImportOutcome | null | undefined): boolean {
  if (!outcome || source === 'boundaries') return false;
  if (source !== 'grid-info') return true;
  return outcome.created + outcome.updated + outcome.unchanged + outcome.missing + outcome.deleted > 0;
}

/** What the file input accepts for a source (the service tells formats apart by content; this only helps the picker). */
export function acceptOf(source: SourceName | null): string {
  if (source === 'boundaries') return '.zip,.geojson,.json,.kml,.kmz';
  return '.xlsx,.xls,.csv';
}

/** The preview map's colours of a region change (the legend uses the same). */
export const REGION_COLORS = { created: '#19b77f', updated: '#f2b01e', removed: '#ff4d3d', unchanged: '#7f8fa6' } as const;

export const num = (n: number): string => n.toLocaleString('zh-CN');

export function fileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** "2026-11-28T09:30:12+08:00" → "2026-11-28 09:30" (the service writes Beijing time). */
export function hhmm(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '';
}

export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

/**
 * What kind of failure the import list answered (core/imports/handlers.ts gives the service's sentence or the
 * client's): the service not answering, the token refused (401) or not allowed to import (403), or something else.
 */
export type ListProblemKind = 'unreachable' | 'token' | 'other';

export function listProblemKind(problem: string): ListProblemKind {
  if (/did not answer|not connected|无法连接|连接不上|ECONNREFUSED|ENOTFOUND|ETIMEDOUT/i.test(problem)) return 'unreachable';
  if (/token|令牌|scope|\b40[13]\b|unauthori[sz]ed|forbidden/i.test(problem)) return 'token';
  return 'other';
}

/** `<input type="datetime-local">` (Beijing time) → ISO 8601 with offset, as import.open311 takes `since`. */
export function sinceIso(local: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?$/.exec(local.trim());
  return m ? `${m[1]}T${m[2]}:${m[3] ?? '00'}+08:00` : undefined;
}

/** The mapping the rows were read with, from the layout, with the operator's edits over it. */
export function mappingOf(columns: readonly MappedColumn[], edits: Readonly<Record<string, string | null>>): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const c of columns) mapping[c.field] = Object.prototype.hasOwnProperty.call(edits, c.field) ? (edits[c.field] ?? null) : c.from;
  return mapping;
}

/** Every header of the file, in the order the layout names them: the choices of the mapping's selects. */
export function fileHeaders(columns: readonly MappedColumn[], unused: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const c of columns) if (c.from !== null) seen.add(c.from);
  for (const u of unused) seen.add(u);
  return [...seen];
}

/** The rows of the listed errors that can be excluded (a problem of the file as a whole has no row). */
export function errorRows(problems: readonly Problem[]): number[] {
  return [...new Set(problems.filter((p) => p.severity === 'error' && typeof p.row === 'number' && p.row > 0).map((p) => p.row!))].sort((a, b) => a - b);
}

/** "5、7、12" — rows as a Chinese list, the first `max` of them and "…" after. */
export function rowList(rows: readonly number[], max = 12): string {
  const shown = rows.slice(0, max).join('、');
  return rows.length > max ? `${shown}…` : shown;
}

export function truncate(text: string | undefined, max: number): string {
  if (!text) return '';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Whether an import can still be worked on (committed or discarded are done; failed is shown, not resumed). */
export function isOpen(view: ImportView): boolean {
  return view.status === 'reading' || view.status === 'ready' || view.status === 'committing';
}

/** Saves base64 bytes the host sent as a file (the template). */
export function base64Blob(base64: string, mime: string): Blob {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: mime });
}
