/**
 * What every tabular source does with a row: read its values by field key (the reader has parsed them by type),
 * name what is wrong with the place it is at (sheet, row, the column's header, the cell as written), find the
 * row's grid, department and task, and make the record's id.
 */
import { createHash } from 'node:crypto';
import type { Department, Region } from '../../../shared/api/schemas';
import { normaliseName } from '../regions-index';
import type { FieldSpec, MapContext, MappedRow, OutgoingRecord, ParsedRow, Place, Problem, TableTemplate } from '../types';
import { instantOf, isDateOnly } from './time';

const MAX_ID = 64;

/** A cell for a message: at most ~60 characters. */
export function shorten(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Text on one line (a title, an id part): no control characters (U+0000 cannot be stored), runs of white space as one space. */
export function oneLine(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** One row being mapped: its values, the problems found so far, and where they are. */
export class RowMapper {
  readonly problems: Problem[] = [];
  private readonly fields: Map<string, FieldSpec>;

  constructor(
    readonly row: ParsedRow,
    readonly template: TableTemplate,
    readonly ctx: MapContext,
  ) {
    this.fields = new Map(template.fields.map((f) => [f.key, f]));
  }

  header(key: string): string {
    return this.fields.get(key)?.header ?? key;
  }

  /** The place of a cell (or of the row when no key). */
  place(key?: string): Place {
    const place: Place = { sheet: this.row.sheet, row: this.row.row };
    if (key) {
      place.column = this.header(key);
      const raw = this.row.raw[key];
      if (raw !== undefined && raw !== '') place.value = shorten(raw);
    }
    return place;
  }

  error(key: string | undefined, message: string): void {
    this.problems.push({ ...this.place(key), severity: 'error', message });
  }

  warning(key: string | undefined, message: string): void {
    this.problems.push({ ...this.place(key), severity: 'warning', message });
  }

  get failed(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }

  /** The cell as written (trimmed), '' when empty. */
  raw(key: string): string {
    return (this.row.raw[key] ?? '').trim();
  }

  /** Whether the cell holds something that could not be read as its type (the reader said why). */
  unreadable(key: string): boolean {
    const v = this.row.values[key];
    return (v === null || v === undefined) && this.raw(key) !== '';
  }

  text(key: string): string | null {
    const v = this.row.values[key];
    if (v === null || v === undefined) return null;
    const s = oneLine(Array.isArray(v) ? v.join('、') : String(v));
    return s || null;
  }

  number(key: string): number | null {
    const v = this.row.values[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    return null;
  }

  boolean(key: string): boolean | null {
    const v = this.row.values[key];
    return typeof v === 'boolean' ? v : null;
  }

  list(key: string): string[] {
    const v = this.row.values[key];
    if (v === null || v === undefined) return [];
    const items = Array.isArray(v) ? v : String(v).split(/[、,，;；\n]/);
    return items.map((s) => oneLine(String(s))).filter(Boolean);
  }

  /**
   * A date or date-time cell as its instant. A date-time at midnight is how the reader gives a cell written as a
   * date only, so it counts as a date: at the start of the day, or at its last second with `endOfDay`.
   */
  time(key: string, endOfDay = false): { ms: number; dateOnly: boolean } | null {
    const v = this.row.values[key];
    if (typeof v !== 'string') return null;
    const text = v.trim();
    const dateOnly = isDateOnly(text) || /T00:00:00(\.0+)?\+08:00$/.test(text);
    const ms = instantOf(dateOnly ? text.slice(0, 10) : text, endOfDay && dateOnly);
    return ms === null ? null : { ms, dateOnly };
  }

  /**
   * A required value: whether it is there. The reader names an empty cell of a field the template marks required
   * (and a cell it could not read), so only other fields get a message here.
   */
  require(key: string, present: boolean, what = ''): boolean {
    if (present) return true;
    if (!this.fields.get(key)?.required && !this.unreadable(key)) this.error(key, `“${this.header(key)}”不能为空：请填写${what || this.header(key)}。`);
    return false;
  }

  result(records: OutgoingRecord[], profiles?: MappedRow['profiles']): MappedRow {
    if (this.failed) return { records: [], problems: this.problems };
    return profiles ? { records, profiles, problems: this.problems } : { records, problems: this.problems };
  }
}

/**
 * The row's grid by the name or code in `key`; when none, an error offering the nearest names. A name several grids
 * share (e.g. "第3网格" without its community) is named as such.
 */
export function findGrid(m: RowMapper, key: string): Region | undefined {
  const text = m.text(key);
  if (!m.require(key, text !== null, '网格名称或网格编码')) return undefined;
  const regions = m.ctx.regions;
  const grid = regions.grid(text!);
  if (grid) return grid;
  if (!regions.tree || !regions.tree.regions.some((r) => r.level === 'grid')) {
    m.error(key, `还没有网格边界，无法识别网格“${text}”：请先导入网格边界（区域树），再导入这张表。`);
    return undefined;
  }
  const near = regions.nearestGridNames(text!, 3);
  const typed = normaliseName(text!);
  const sharing = typed ? near.filter((name) => normaliseName(name).endsWith(typed)) : [];
  if (sharing.length > 1) {
    m.error(key, `“${text}”对应不止一个网格（${sharing.join('、')}）：请写明所属社区（如“${sharing[0]}”）或填写网格编码。`);
  } else if (near.length) {
    m.error(key, `没有名为“${text}”的网格，是否是：${near.join('、')}？请改为区域树中的网格名称或编码。`);
  } else {
    m.error(key, `没有名为“${text}”的网格：请填写区域树中的网格名称或网格编码。`);
  }
  return undefined;
}

/** The department a unit's name means (full name, short name, or a name ending with either), or null. */
export function findDepartment(departments: readonly Department[], text: string): Department | null {
  const t = normaliseName(text);
  if (!t) return null;
  const exact = departments.filter((d) => normaliseName(d.name) === t || normaliseName(d.short_name) === t);
  if (exact.length === 1) return exact[0];
  // "区司法局", "广安区司法局" for 司法局; "广安区公安分局" for 广安市公安局广安区分局 (短名 公安分局).
  const near = departments.filter((d) => {
    const name = normaliseName(d.name);
    const short = normaliseName(d.short_name);
    return (t.length >= 3 && (t.endsWith(short) || name.endsWith(t))) || (t.length >= 4 && name.includes(t));
  });
  return near.length === 1 ? near[0] : null;
}

/** The units named in a cell (several make a joint case). */
export function unitsOf(text: string | null): string[] {
  return (text ?? '')
    .split(/[、,，;；/\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A task's code by its name in the organisation, else the fallback (the demo organisation's code for it). */
export function taskCode(ctx: MapContext, name: string, fallback: string): string {
  return ctx.organisation?.tasks.find((t) => t.name === name)?.code ?? fallback;
}

/** sha1 of the parts, in base 36 (about 31 characters). */
export function digest(parts: readonly string[]): string {
  const hex = createHash('sha1').update(parts.join('\u001f')).digest('hex');
  return BigInt(`0x${hex}`).toString(36);
}

/**
 * A record id from the row's own number: `${prefix}:${number}` (full-width made half-width, spaces removed).
 * A number too long for the contract's 64 characters is replaced by its digest, which stays as stable.
 */
export function ownId(prefix: string, number: string): string {
  const own = number.normalize('NFKC').replace(/\s+/g, '');
  const id = `${prefix}:${own}`;
  return id.length <= MAX_ID ? id : `${prefix}:#${digest([own])}`;
}

/** A record id from the fields that identify the row (not those that change as a case goes on). */
export function hashId(prefix: string, parts: readonly string[]): string {
  return `${prefix}:${digest(parts.map((p) => oneLine(p.normalize('NFKC'))))}`.slice(0, MAX_ID);
}
