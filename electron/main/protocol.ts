/**
 * The app:// protocol: serves the built renderer (dist/renderer) to the window instead of file://.
 * Only GET/HEAD of files inside the renderer folder; anything that would escape it is a 404. HTML carries the
 * shared strict CSP. Extension-less paths that are not files fall back to index.html (client-side routes).
 * One more address: app://gcc/basemap.pmtiles is the PMTiles basemap file named in Settings, with HTTP Range.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { protocol } from 'electron';
import { answerBasemapFile, asResponse } from '../../core/settings/basemap-file';
import { CONTENT_SECURITY_POLICY, CSP_HEADER } from '../../shared/security/csp';
import { BASEMAP_FILE } from '../../shared/settings';
import type { MainLog } from './log';
import { mimeTypeFor } from './mime';
import { APP_SCHEME, isAppUrl } from './origin';

/** standard: relative URLs and web storage work; secure: counts as a secure context; fetch() may use it. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

/** Must run before the app's `ready` event (Electron allows it only then, and only once). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
}

/**
 * After `ready`: answer app:// requests from the renderer folder. `csp` gives the policy for the current settings
 * (an intranet tile server as basemap); by default the strict one. `basemapFile` gives the PMTiles file the
 * settings name (basemapFile(settings.get().basemap) from core/settings/basemap-file.ts); by default none.
 */
export function handleAppProtocol(
  rendererDir: string,
  log: MainLog,
  csp: () => string = () => CONTENT_SECURITY_POLICY,
  basemapFile: () => string | null = () => null,
): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(rendererDir, log, csp, basemapFile));
}

const BASE_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache', 'Referrer-Policy': 'no-referrer' };

function plain(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { ...BASE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra } });
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

async function statOrNull(file: string) {
  try {
    return await fs.stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw error;
  }
}

/** The protocol handler itself, free of Electron so it can be exercised with plain Requests. */
export function createAppRequestHandler(
  rendererDir: string,
  log: MainLog,
  csp: () => string = () => CONTENT_SECURITY_POLICY,
  basemapFile: () => string | null = () => null,
): (request: Request) => Promise<Response> {
  const root = path.resolve(rendererDir);
  let realRoot: Promise<string> | null = null;

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed', { Allow: 'GET, HEAD' });
    if (!isAppUrl(request.url)) return plain(404, 'Not found');

    let decoded: string;
    try {
      decoded = decodeURIComponent(new URL(request.url).pathname);
    } catch {
      return plain(400, 'Bad request');
    }
    // The basemap file comes from the settings, never from the address (which only says "the basemap").
    if (decoded === `/${BASEMAP_FILE}`) {
      try {
        return asResponse(await answerBasemapFile(basemapFile(), request.method, request.headers));
      } catch (error) {
        log.error(`app:// failed to serve the basemap file`, error);
        return plain(500, 'The basemap file could not be read; see the main process log.');
      }
    }
    // No NUL bytes, no backslashes (a path separator on Windows), nothing outside the renderer folder.
    const relative = decoded.replace(/^\/+/, '') || 'index.html';
    let file = path.resolve(root, relative);
    if (decoded.includes('\0') || decoded.includes('\\') || !isInside(root, file)) {
      log.warn(`app:// refused a path outside the renderer folder: ${request.url.slice(0, 200)}`);
      return plain(404, 'Not found');
    }

    try {
      let stat = await statOrNull(file);
      if (stat?.isDirectory()) {
        file = path.join(file, 'index.html');
        stat = await statOrNull(file);
      }
      if (!stat && path.extname(file) === '') {
        file = path.join(root, 'index.html'); // a client-side route such as app://gcc/wall
        stat = await statOrNull(file);
      }
      if (!stat?.isFile()) return plain(404, 'Not found');

      // A symlink inside the folder must not lead outside it either.
      realRoot ??= fs.realpath(root);
      if (!isInside(await realRoot, await fs.realpath(file))) {
        log.warn(`app:// refused a link that leaves the renderer folder: ${request.url.slice(0, 200)}`);
        return plain(404, 'Not found');
      }

      const type = mimeTypeFor(file);
      const headers: Record<string, string> = { ...BASE_HEADERS, 'Content-Type': type };
      if (type.startsWith('text/html')) headers[CSP_HEADER] = csp();
      if (request.method === 'HEAD') return new Response(null, { status: 200, headers: { ...headers, 'Content-Length': String(stat.size) } });
      return new Response(await fs.readFile(file), { status: 200, headers });
    } catch (error) {
      log.error(`app:// failed to serve ${request.url.slice(0, 200)}`, error);
      return plain(500, 'The app could not read one of its own files; see the main process log.');
    }
  };
}
