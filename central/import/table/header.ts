/**
 * Finding the header row and which column each field is read from. Ledgers put a merged title above the header,
 * sometimes a group header above that (两行表头), and name columns their own way (所属网格 for 网格).
 */
import type { ColumnMapping, FieldSpec, MappedColumn, Problem, TableTemplate } from '../types';
import { formatDateCell, headerKey } from './cells';
import { columnLetter, isBlankValue, type SheetRow, type SheetValue } from './sheet';

/** A cell as text (for headers, previews and problems). */
export function cellText(v: SheetValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return formatDateCell(v);
  return v.error;
}

export interface ColumnMatch {
  columns: MappedColumn[];
  /** Field key → 0-based column index. */
  index: Map<string, number>;
  unused: string[];
  /** How many fields found a column. */
  matched: number;
  problems: Problem[];
}

interface Candidate {
  col: number;
  text: string;
}

/**
 * Field → column: the operator's mapping first, then in tiers over all fields — the template's header, a synonym,
 * then both again ignoring what is in parentheses — so an exact header is never taken by another field's synonym.
 * In each tier the first column (left to right) wins; a second column with the same name is reported.
 */
export function matchColumns(texts: readonly string[], template: TableTemplate, mapping: ColumnMapping = {}): ColumnMatch {
  const candidates: Candidate[] = texts.map((text, col) => ({ col, text })).filter((c) => c.text !== '');
  const taken = new Map<number, string>(); // column → field key
  const found = new Map<string, { col: number; by: MappedColumn['by'] }>();
  const problems: Problem[] = [];
  const headersFound = candidates.map((c) => `“${c.text}”`).join('、');

  for (const field of template.fields) {
    if (!(field.key in mapping)) continue;
    const wanted = mapping[field.key];
    if (wanted === null || wanted === undefined) continue;
    const exact = candidates.find((c) => c.text === wanted.trim() && !taken.has(c.col));
    const hit = exact ?? candidates.find((c) => headerKey(c.text) === headerKey(wanted) && !taken.has(c.col));
    if (!hit) {
      problems.push({
        severity: 'error',
        column: wanted,
        message: `列映射里“${field.header}”对应的列“${wanted}”在表头里找不到。表头有：${headersFound || '（空）'}。请重新选择这一列。`,
      });
      continue;
    }
    taken.set(hit.col, field.key);
    found.set(field.key, { col: hit.col, by: 'operator' });
  }

  const tiers: { by: 'header' | 'synonym'; loose: boolean; names: (f: FieldSpec) => readonly string[] }[] = [
    { by: 'header', loose: false, names: (f) => [f.header] },
    { by: 'synonym', loose: false, names: (f) => f.synonyms ?? [] },
    { by: 'header', loose: true, names: (f) => [f.header] },
    { by: 'synonym', loose: true, names: (f) => f.synonyms ?? [] },
  ];
  const auto = template.fields.filter((f) => !(f.key in mapping));
  for (const tier of tiers) {
    for (const field of auto) {
      if (found.has(field.key)) continue;
      const keys = new Set(
        tier
          .names(field)
          .map((n) => headerKey(n, tier.loose))
          .filter((k) => k !== ''),
      );
      const hit = candidates.find((c) => !taken.has(c.col) && keys.has(headerKey(c.text, tier.loose)));
      if (!hit) continue;
      taken.set(hit.col, field.key);
      found.set(field.key, { col: hit.col, by: tier.by });
    }
  }

  const unused: string[] = [];
  for (const c of candidates) {
    if (taken.has(c.col)) continue;
    unused.push(c.text);
    const twin = [...taken].find(([col]) => headerKey(texts[col]) === headerKey(c.text));
    if (twin) {
      const field = template.fields.find((f) => f.key === twin[1]);
      problems.push({
        severity: 'warning',
        column: c.text,
        message: `表头里有两列都叫“${c.text}”（第 ${columnLetter(twin[0])} 列和第 ${columnLetter(c.col)} 列），“${field?.header ?? c.text}”只读第 ${columnLetter(twin[0])} 列。如要读另一列，请在列映射里指定。`,
      });
    }
  }

  const columns: MappedColumn[] = template.fields.map((f) => {
    const hit = found.get(f.key);
    return { field: f.key, header: f.header, from: hit ? texts[hit.col] : null, by: hit ? hit.by : null, required: Boolean(f.required) };
  });
  const index = new Map([...found].map(([key, { col }]) => [key, col]));
  return { columns, index, unused, matched: found.size, problems };
}

/** The header texts of a row, with blanks taken from the row just above when that row is a (group) header too. */
export function headerTexts(row: SheetRow, above: SheetRow | undefined): string[] {
  const lower = row.cells.map(cellText);
  // A title row above (one merged cell) is no header: only a row with several labels lends its text.
  const upper = above && above.row === row.row - 1 ? above.cells.map(cellText) : [];
  if (upper.filter((t) => t !== '').length < 2) return lower;
  const width = Math.max(lower.length, upper.length);
  return Array.from({ length: width }, (_, i) => lower[i] || upper[i] || '');
}

export interface HeaderFound {
  /** Index in `head` of the header row (the lower row of a two-row header), or -1 when nothing matched. */
  at: number;
  texts: string[];
  match: ColumnMatch;
}

/** The header: the row among the first ones that gives the most fields a column (the earliest on a tie). */
export function findHeader(head: readonly SheetRow[], template: TableTemplate, mapping?: ColumnMapping): HeaderFound {
  let best: HeaderFound = { at: -1, texts: [], match: matchColumns([], template, {}) };
  head.forEach((row, i) => {
    if (row.cells.filter((c) => !isBlankValue(c)).length === 0) return;
    const texts = headerTexts(row, head[i - 1]);
    const match = matchColumns(texts, template, mapping);
    if (match.matched > best.match.matched) best = { at: i, texts, match };
  });
  return best;
}

/** The row with the most filled cells, as texts (to tell the operator what the file's header looks like). */
export function likelyHeaderTexts(head: readonly SheetRow[]): string[] {
  let best: string[] = [];
  for (const row of head) {
    const texts = row.cells.map(cellText).filter((t) => t !== '');
    if (texts.length > best.length) best = texts;
  }
  return best;
}
