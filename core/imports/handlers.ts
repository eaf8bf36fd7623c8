/**
 * Bridge handlers of the 导入 page: the central service's importers (ImportsClient), reached with the connection the
 * app syncs from, or with a write token the operator entered for this session (kept in memory, never stored: a wall
 * PC's stored token should only read). Failures are the service's sentences.
 */
import { BridgeError, type BridgeHandlers } from '../../shared/bridge/contract';
import type { RegionChange } from '../../shared/bridge/imports';
import type { Region } from '../../shared/api/schemas';
import type { ApiConfig } from '../sync/api-client';
import { ImportsClient, ImportsError } from './client';
import type { Uploads } from './uploads';

export type ImportRequestName =
  'import.list' | 'import.start' | 'import.open311' | 'import.get' | 'import.regions' | 'import.commit' | 'import.discard' | 'import.template' | 'import.token';

export interface ImportHandlerDeps {
  /** The central API the app syncs from now, and whether it is the embedded demo service. */
  target: () => { api: ApiConfig; demo: boolean } | null;
  uploads: Uploads;
}

const MIME_XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function importHandlers(deps: ImportHandlerDeps): Pick<BridgeHandlers, ImportRequestName> {
  let writeToken: string | null = null;
  const client = () => {
    const target = deps.target();
    if (!target) throw new BridgeError({ code: 'unavailable', message: 'The app is not connected to a central service yet.' });
    return new ImportsClient({ baseUrl: target.api.baseUrl, token: writeToken ?? target.api.token, caFile: target.api.caFile });
  };
  const targetView = () => {
    const target = deps.target();
    return { baseUrl: target?.api.baseUrl ?? '', demo: target?.demo ?? false, writeTokenSet: writeToken !== null };
  };
  /** The service's sentence as a bridge error the page shows as it is. */
  const call = async <T>(fn: (c: ImportsClient) => Promise<T>): Promise<T> => {
    try {
      return await fn(client());
    } catch (error) {
      if (error instanceof ImportsError) {
        const code =
          error.status === 401 ? 'unauthorized' : error.status === 403 ? 'forbidden' : error.status === undefined ? 'unavailable' : 'invalid_payload';
        throw new BridgeError({ code, message: error.message });
      }
      throw error;
    }
  };

  return {
    'import.list': async () => {
      try {
        return { target: targetView(), imports: await client().list(), problem: null };
      } catch (error) {
        return { target: targetView(), imports: [], problem: error instanceof Error ? error.message : String(error) };
      }
    },
    'import.start': async ({ source, upload, fileName, mapping, excludeRows, datum }) => {
      const file = deps.uploads.take(upload);
      try {
        return await call((c) => c.start({ source, file: { path: file.path }, fileName, mapping, excludeRows, datum }));
      } finally {
        file.done();
      }
    },
    'import.open311': async ({ url, apiKey, since, mapping }) => call((c) => c.startOpen311({ url, apiKey, since, mapping })),
    'import.get': async ({ id }) => call((c) => c.get(id)),
    'import.regions': async ({ id }) =>
      call(async (c) => {
        const [staged, current] = await Promise.all([c.stagedTree(id), c.currentTree()]);
        const before = new Map((current?.regions ?? []).map((r) => [r.id, r]));
        const regions: RegionChange[] = staged.regions.map((r) => ({
          id: r.id,
          name: r.name,
          level: r.level,
          geometry: r.geometry,
          change: changeOf(before.get(r.id), r),
        }));
        const after = new Set(staged.regions.map((r) => r.id));
        for (const r of before.values())
          if (!after.has(r.id)) regions.push({ id: r.id, name: r.name, level: r.level, geometry: r.geometry, change: 'removed' });
        return { datum: staged.datum, regions };
      }),
    'import.commit': async ({ id, acceptWarnings, deleteMissing }) => call((c) => c.commit(id, { acceptWarnings, deleteMissing })),
    'import.discard': async ({ id }) => call((c) => c.discard(id)),
    'import.template': async ({ source }) =>
      call(async (c) => {
        const bytes = await c.template(source);
        return { fileName: `${source}.xlsx`, mime: MIME_XLSX, base64: bytes.toString('base64'), bytes: bytes.length };
      }),
    'import.token': async ({ token }) => {
      writeToken = token;
      return targetView();
    },
  };
}

function changeOf(before: Region | undefined, after: Region): RegionChange['change'] {
  if (!before) return 'created';
  // What the service's own diff compares: everything of the region.
  const same = JSON.stringify(before) === JSON.stringify(after);
  return same ? 'unchanged' : 'updated';
}
