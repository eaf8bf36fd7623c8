/**
 * The 导入 page as the bridge carries it (operator role only): the importers of the central service the app syncs
 * from, reached through the host (core/imports/). A file goes up in two steps: the host takes the file itself first
 * (web host: POST /bridge/upload; desktop: the preload hands over the dropped file's path, never the page), and the
 * request names it by the upload id it got.
 */
import { z } from 'zod';
import { ColumnMapping, ImportView, ServiceMapping, SourceName, TABLE_SOURCES } from '../api/imports';
import { Datum, RegionLevel } from '../api/schemas';

const Id = z.string().min(1).max(64);

/** Where imports go: the central service the app syncs from. */
export const ImportTarget = z.object({
  baseUrl: z.string(),
  /** The embedded demo service: imports land beside the demo data. */
  demo: z.boolean(),
  /** A write token was entered on the page (else the connection's own token is used, which may only read). */
  writeTokenSet: z.boolean(),
});
export type ImportTarget = z.infer<typeof ImportTarget>;

export const ImportPage = z.object({
  target: ImportTarget,
  imports: z.array(ImportView),
  /** Set when the service could not be asked (unreachable, the token may not import): a sentence. */
  problem: z.string().nullable(),
});
export type ImportPage = z.infer<typeof ImportPage>;

/** A region of a boundaries or grid-info import's preview map, and what the import does to it. */
export const RegionChange = z.object({
  id: z.string(),
  name: z.string(),
  level: RegionLevel,
  change: z.enum(['created', 'updated', 'unchanged', 'removed']),
  geometry: z.object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.unknown()) }),
});
export type RegionChange = z.infer<typeof RegionChange>;

export const ImportTemplateFile = z.object({ fileName: z.string(), mime: z.string(), base64: z.string(), bytes: z.number().int().nonnegative() });

export const importRequests = {
  'import.list': { payload: z.object({}).strict(), reply: ImportPage },
  'import.start': {
    payload: z
      .object({
        source: SourceName.exclude(['open311']),
        /** The id the host gave the uploaded file. */
        upload: z.string().uuid(),
        fileName: z.string().min(1).max(255),
        mapping: ColumnMapping.optional(),
        excludeRows: z.array(z.number().int().positive()).max(100_000).optional(),
        datum: z.enum(['WGS-84', 'GCJ-02', 'CGCS2000']).optional(),
      })
      .strict(),
    reply: ImportView,
  },
  'import.open311': {
    payload: z
      .object({
        url: z.url({ protocol: /^https?$/ }).max(2000),
        apiKey: z.string().max(200).optional(),
        since: z.iso.datetime({ offset: true }).optional(),
        mapping: ServiceMapping.optional(),
      })
      .strict(),
    reply: ImportView,
  },
  'import.get': { payload: z.object({ id: Id }).strict(), reply: ImportView },
  'import.regions': { payload: z.object({ id: Id }).strict(), reply: z.object({ datum: Datum, regions: z.array(RegionChange) }) },
  'import.commit': { payload: z.object({ id: Id, acceptWarnings: z.boolean(), deleteMissing: z.boolean() }).strict(), reply: ImportView },
  'import.discard': { payload: z.object({ id: Id }).strict(), reply: ImportView },
  'import.template': { payload: z.object({ source: z.enum(TABLE_SOURCES) }).strict(), reply: ImportTemplateFile },
  // A token with the write scope for this session's imports (kept in memory only); null forgets it.
  'import.token': { payload: z.object({ token: z.string().min(8).max(500).nullable() }).strict(), reply: ImportTarget },
} as const;
