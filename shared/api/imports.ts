/**
 * The importers' half of the contract: what the central service's /v1/imports answers (central/http/imports.ts) and
 * what the 导入 page and `npm run import` read (core/imports/client.ts validates with these). Problems say where
 * they are in the operator's terms (sheet, row, column, value; or a boundary feature and a place) and what to do,
 * in Chinese.
 */
import { z } from 'zod';
import { EventKind, RecordType, Severity } from './schemas';

/** The sources `npm run import` and the 导入 page know. */
export const SOURCE_NAMES = ['boundaries', 'grid-info', 'disputes', 'hazards', 'safe-grids', 'services', 'hotline', 'open311'] as const;
export const SourceName = z.enum(SOURCE_NAMES);
export type SourceName = z.infer<typeof SourceName>;
/** The sources read from a table (xlsx / xls / csv), each with a template. */
export const TABLE_SOURCES = ['grid-info', 'disputes', 'hazards', 'safe-grids', 'services', 'hotline'] as const satisfies readonly SourceName[];
export type TableSourceName = (typeof TABLE_SOURCES)[number];

/** What each source is called where people see it (the templates' titles). */
export const SOURCE_TITLES: Record<SourceName, string> = {
  boundaries: '街道、社区、网格边界',
  'grid-info': '网格基础信息',
  disputes: '矛盾纠纷排查化解台账',
  hazards: '安全隐患排查台账',
  'safe-grids': '平安网格考核评定',
  services: '为民服务台账',
  hotline: '12345 热线工单',
  open311: 'Open311 诉求接口',
};

/** Where something is in what the operator gave us. Every field is optional: a problem says what it knows. */
export const Place = z.object({
  /** File name inside a zip, or the file's name. */
  file: z.string().optional(),
  sheet: z.string().optional(),
  /** 1-based row number as the spreadsheet program shows it. */
  row: z.number().int().optional(),
  /** The column's header text as in the file (or its letter when it has no header). */
  column: z.string().optional(),
  /** The cell's value as written, shortened to ~60 characters. */
  value: z.string().optional(),
  /** A boundary feature: its code or name, or its index in the file. */
  feature: z.string().optional(),
  /** A point the problem is at (the tree's datum), e.g. the centre of an overlap. */
  lonLat: z.tuple([z.number(), z.number()]).optional(),
});
export type Place = z.infer<typeof Place>;

export const Problem = Place.extend({
  /** Errors stop the import (until fixed or the row is excluded); warnings are listed and accepted by the operator. */
  severity: z.enum(['error', 'warning']),
  /** A sentence in Chinese: what is wrong and what to do. */
  message: z.string(),
});
export type Problem = z.infer<typeof Problem>;

/** Which column of the file each field is read from: field key → the header text in the file (null: not read). */
export const ColumnMapping = z.record(z.string(), z.string().nullable());
export type ColumnMapping = z.infer<typeof ColumnMapping>;

export const MappedColumn = z.object({
  field: z.string(),
  /** The field's header in the template. */
  header: z.string(),
  /** The file's header it is read from, or null when no column matches. */
  from: z.string().nullable(),
  /** How it was matched: by the template's header, a synonym, the operator's mapping, or not at all. */
  by: z.enum(['header', 'synonym', 'operator']).nullable(),
  required: z.boolean(),
});
export type MappedColumn = z.infer<typeof MappedColumn>;

/** What reading found about the file's layout, shown to the operator before the preview. */
export const TableLayout = z.object({
  fileName: z.string(),
  /** By content, not by name. */
  format: z.enum(['xlsx', 'xls', 'csv']),
  /** CSV only: how it was decoded. */
  encoding: z.enum(['utf-8', 'utf-8-bom', 'gbk']).optional(),
  sheet: z.string(),
  /** 1-based row of the header (2 or 3 under a merged title row is common). */
  headerRow: z.number().int(),
  columns: z.array(MappedColumn),
  /** Headers in the file that no field reads. */
  unused: z.array(z.string()),
  /** Problems with the file as a whole (not a spreadsheet, empty sheet, no header matching the template, a required column missing). */
  problems: z.array(Problem),
});
export type TableLayout = z.infer<typeof TableLayout>;

/** What an import does (or did) to the store. */
export const ImportOutcome = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  /** Records its source wrote before that the import does not have (not deleted unless asked). */
  missing: z.number().int(),
  /** Tombstones written (commit with deleteMissing). */
  deleted: z.number().int(),
  /** Up to 20 of the missing, for the operator to see. */
  missingSample: z.array(z.object({ type: RecordType, id: z.string() })),
});
export type ImportOutcome = z.infer<typeof ImportOutcome>;

export const ImportProgress = z.object({
  /** 0..1 */
  fraction: z.number(),
  rows: z.number().int(),
  ratePerSecond: z.number(),
  secondsLeft: z.number().nullable(),
});
export type ImportProgress = z.infer<typeof ImportProgress>;

/** An Open311 service code → our kind (and task), editable by the operator. */
export const ServiceMappingEntry = z.object({
  kind: EventKind,
  /** One of the organisation's tasks; default: the kind's usual task. */
  task_code: z.string().optional(),
  /** Default 'low' (most citizen requests are). */
  severity: Severity.optional(),
});
export type ServiceMappingEntry = z.infer<typeof ServiceMappingEntry>;
export const ServiceMapping = z.record(z.string(), ServiceMappingEntry);
export type ServiceMapping = z.infer<typeof ServiceMapping>;

/** An import's state: progress while reading, then the preview; after commit, what it did. */
export const ImportState = z.object({
  progress: ImportProgress,
  layout: TableLayout.optional(),
  /** The mapping the rows were read with (remembered for the source on commit). */
  mapping: ColumnMapping.optional(),
  /** Rows read, and rows refused (an error on the row: nothing of it is staged). */
  rows: z.number().int(),
  rejectedRows: z.number().int(),
  /** The first 200 errors and the first 200 warnings; problemCounts has them all. */
  problems: z.array(Problem),
  problemCounts: z.object({ error: z.number().int(), warning: z.number().int() }),
  outcome: ImportOutcome.optional(),
  /** Boundaries and grid-info: what the region tree import changes (region ids, first 50 each). */
  regions: z
    .object({
      created: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      removed: z.number().int(),
      sample: z.object({ created: z.array(z.string()), updated: z.array(z.string()), removed: z.array(z.string()) }),
    })
    .optional(),
  /** Open311: the service table used, and the newest updated_datetime seen (the next run starts there). */
  open311: z.object({ mapping: ServiceMapping, maxUpdated: z.string().nullable() }).optional(),
  /** A failure that stopped the import, in words. */
  message: z.string().optional(),
  /** While reading or committing: when the service working on it last said it is alive (a heartbeat). */
  updatedAt: z.string().optional(),
});
export type ImportState = z.infer<typeof ImportState>;

/** The state of an import that has read nothing yet. */
export function emptyImportState(): ImportState {
  return {
    progress: { fraction: 0, rows: 0, ratePerSecond: 0, secondsLeft: null },
    rows: 0,
    rejectedRows: 0,
    problems: [],
    problemCounts: { error: 0, warning: 0 },
  };
}

export const ImportStatus = z.enum(['reading', 'ready', 'committing', 'committed', 'failed', 'discarded']);
export type ImportStatus = z.infer<typeof ImportStatus>;

/** One import as GET /v1/imports/{id} answers. */
export const ImportView = z.object({
  id: z.string(),
  source: SourceName,
  /** records.source of what it writes. */
  recordsSource: z.string(),
  fileName: z.string(),
  sha256: z.string(),
  bytes: z.number().int(),
  tokenName: z.string(),
  createdAt: z.string(),
  status: ImportStatus,
  committedAt: z.string().nullable(),
  state: ImportState,
});
export type ImportView = z.infer<typeof ImportView>;

/** GET /v1/imports. */
export const ImportList = z.object({ imports: z.array(ImportView) });

/** POST /v1/imports/{id}/commit: what the operator accepted. */
export const ImportCommit = z.object({
  accept_warnings: z.boolean().default(false).describe('The warnings were read and accepted (required when there are any)'),
  delete_missing: z.boolean().default(false).describe('Also delete the records this source wrote before that the file no longer has'),
});

/** POST /v1/imports?source=open311: the endpoint to pull from. */
export const Open311Import = z.object({
  url: z.url({ protocol: /^https?$/ }).describe('The GeoReport v2 endpoint base (services.json and requests.json under it)'),
  api_key: z.string().max(200).optional(),
  jurisdiction_id: z.string().max(200).optional(),
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Pull requests updated after this; default: where the last committed pull ended, else 90 days back'),
  until: z.iso.datetime({ offset: true }).optional(),
  page_size: z.number().int().min(1).max(5000).optional(),
  mapping: ServiceMapping.optional().describe('service_code → our kind (and task); default: from the service names'),
});
