/**
 * The importers' common words: every source (boundaries, the 台账 ledgers, 12345 exports, Open311) runs the same
 * pipeline — read → map → validate → preview → commit (pipeline.ts) — and names what is wrong with a Problem that
 * says where it is, in the operator's terms (sheet, row, column, value; or a boundary feature and a place), in Chinese.
 */
import type { Problem, SourceName } from '../../shared/api/imports';
import type { OrganisationResponse, RecordType, Region, RegionsResponse } from '../../shared/api/schemas';

// The words the 导入 page and the command line see too live in the contract (shared/api/imports.ts).
export { SOURCE_NAMES } from '../../shared/api/imports';
export type { ColumnMapping, MappedColumn, Place, Problem, SourceName, TableLayout } from '../../shared/api/imports';

// ---- tables (xlsx / xls / csv) --------------------------------------------------------------------------------

/**
 * How a cell is read. Dates come back as 'YYYY-MM-DD', date-times as 'YYYY-MM-DDTHH:mm:ss+08:00' (the ledgers are
 * kept in Asia/Shanghai); integers and numbers as numbers (full-width digits, thousands separators understood);
 * booleans from 是/否, Y/N, √/×, true/false; enums as the option's label as written in `options`; lists (several
 * values in one cell, split on 、,，;； and newlines) as string arrays.
 */
export type FieldType = 'text' | 'integer' | 'number' | 'date' | 'datetime' | 'boolean' | 'enum' | 'list';

export interface FieldSpec {
  /** The field's key in ParsedRow.values (English, snake_case). */
  key: string;
  /** The template's header (Chinese). */
  header: string;
  /** Other headers the same column goes by in files people have (e.g. 发生时间 / 登记时间 for 发现时间). */
  synonyms?: readonly string[];
  type: FieldType;
  required?: boolean;
  /** For enum (and list of enum values): the labels the template's drop-down offers; a cell must be one of them (or a synonym in optionSynonyms). */
  options?: readonly string[];
  /** Other ways people write an option: label as written → the option it means. */
  optionSynonyms?: Readonly<Record<string, string>>;
  /** The template's example row's value. */
  example: string | number | boolean;
  /** A short hint shown under the header in the template (e.g. 日期格式 2023-03-05). */
  note?: string;
  /** Personal data (names, phone numbers): masked in previews, marked personal end to end. */
  personal?: boolean;
}

export interface TableTemplate {
  source: SourceName;
  /** The ledger's name, the template's title row (e.g. 矛盾纠纷排查化解台账). */
  title: string;
  sheet: string;
  fields: readonly FieldSpec[];
}

export type CellValue = string | number | boolean | string[] | null;

export interface ParsedRow {
  sheet: string;
  /** 1-based row number in the file. */
  row: number;
  /** Field key → the cell read as its type; null when empty or unreadable (then a problem says why). */
  values: Record<string, CellValue>;
  /** The cells as written, by field key (for problems and previews). */
  raw: Record<string, string>;
  /** Cells that could not be read as their type (a date that is no date, an enum value not in the list). */
  problems: Problem[];
}

// ---- what sources map rows into ------------------------------------------------------------------------------

/** Finds grids for the rows of a ledger, an export or a feed (built from the store's region tree). */
export interface RegionIndex {
  readonly tree: RegionsResponse | null;
  byId(id: string): Region | undefined;
  /** A grid by its code, its id or its name (exact after trimming, full-width → half-width); undefined when none or ambiguous. */
  grid(text: string): Region | undefined;
  /** A region of any level by code, id or name. */
  region(text: string, level?: Region['level']): Region | undefined;
  /** The names nearest to a text that matched nothing (for "did you mean"), best first. */
  nearestGridNames(text: string, count?: number): string[];
  /** The grid containing a point (in the tree's datum), or undefined. */
  gridAt(lon: number, lat: number): Region | undefined;
}

export interface MapContext {
  regions: RegionIndex;
  organisation: OrganisationResponse | null;
  /** The name the records are written under (records.source in the store): one per source, so a re-import knows what it wrote before. */
  source: string;
  now: () => number;
}

/** A record for the write API (without rev), of one type. */
export interface OutgoingRecord {
  type: RecordType;
  record: { id: string; [field: string]: unknown };
}

/** What a row became: records for the write API, grid profiles for the region tree, or nothing with problems. */
export interface MappedRow {
  records: OutgoingRecord[];
  /** grid-info: the profile of one grid (merged into the region tree, which is written whole). */
  profiles?: { gridId: string; profile: NonNullable<Region['profile']> }[];
  problems: Problem[];
}

/** A ledger or export read as a table. */
export interface TabularSource {
  name: SourceName;
  template: TableTemplate;
  /** The store's records.source for what this source writes (e.g. "excel:矛盾纠纷台账"). */
  sourceName: string;
  map(row: ParsedRow, ctx: MapContext): MappedRow;
}
