/**
 * The PMTiles basemap file named in Settings. Checked when it is saved (a PMTiles v3 archive this computer can
 * read, by its full path), and served to the page by both hosts — the web host at /basemap.pmtiles, Electron at
 * app://gcc/basemap.pmtiles — with HTTP Range, which is how the page's pmtiles reader fetches it: the header, then
 * directories, then one tile at a time. Only the configured file is ever served: nothing in a request names a file.
 */
import { closeSync, createReadStream, fstatSync, openSync, promises as fs, readSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Basemap, PmtilesProblem } from '../../shared/settings';

/** A PMTiles v3 archive starts with a 127-byte header: "PMTiles", then the spec version byte. */
const PMTILES_MAGIC = Buffer.from('PMTiles', 'ascii');
const PMTILES_HEADER_BYTES = 127;

/** What is wrong with the file at `file` as a PMTiles basemap, or null when it can be used. */
export function pmtilesProblem(file: string): PmtilesProblem | null {
  if (!path.isAbsolute(file)) return 'notAbsolute';
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable';
  }
  try {
    if (!fstatSync(fd).isFile()) return 'unreadable';
    const head = Buffer.alloc(PMTILES_HEADER_BYTES);
    const read = readSync(fd, head, 0, PMTILES_HEADER_BYTES, 0);
    const isV3 = read === PMTILES_HEADER_BYTES && head.subarray(0, 7).equals(PMTILES_MAGIC) && head[7] === 3;
    return isV3 ? null : 'notPmtiles';
  } catch {
    return 'unreadable';
  } finally {
    closeSync(fd);
  }
}

/** The file a basemap setting asks both hosts to serve, if any. */
export function basemapFile(basemap: Basemap): string | null {
  return basemap.kind === 'pmtiles' ? basemap.path : null;
}

export const BASEMAP_NOT_SET = 'No PMTiles basemap is set in Settings, so there is no basemap file to serve.';
export const BASEMAP_GONE = 'The PMTiles basemap file set in Settings can no longer be read on this computer; choose the file again in Settings.';

const BASE_HEADERS = {
  'Accept-Ranges': 'bytes',
  // Revalidated every time: the file may be replaced under the same name (the ETag then changes).
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * An answer as both hosts send it (Fastify takes it as is, Electron as a Response: see asResponse). A range of up
 * to READ_WHOLE_MAX bytes — every tile and directory — is read whole, so the answer ends as soon as it is written;
 * only a larger one (the whole file) streams.
 */
export interface BasemapAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | Readable | string | null;
}

const READ_WHOLE_MAX = 4 * 1024 * 1024;

function text(status: number, sentence: string, extra: Record<string, string> = {}): BasemapAnswer {
  return { status, headers: { ...BASE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra }, body: sentence };
}

async function readSlice(file: string, start: number, length: number): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The byte range a Range header asks for within `size` bytes: one range, or 'unsatisfiable' (answered 416), or
 * null for "send the whole file" (no header, another unit, or several ranges, which the pmtiles reader never asks).
 */
export function parseRange(header: string | null, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const [unit, spec = ''] = header.split('=', 2).map((s) => s.trim());
  if (unit.toLowerCase() !== 'bytes' || spec.includes(',')) return null;
  const match = /^(\d*)-(\d*)$/.exec(spec);
  if (!match || (match[1] === '' && match[2] === '')) return 'unsatisfiable';
  if (match[1] === '') {
    // A suffix: the last N bytes.
    const length = Number(match[2]);
    return length > 0 && size > 0 ? { start: Math.max(0, size - length), end: size - 1 } : 'unsatisfiable';
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start < size && start <= end ? { start, end } : 'unsatisfiable';
}

/**
 * The answer to GET or HEAD of the basemap file: 200 (whole file), 206 (one range), 304 (If-None-Match), 416 (a
 * range outside the file), or 404 with a sentence when none is set or the file is gone. `file` is the configured
 * path (basemapFile(settings.basemap)), never anything taken from the request.
 */
export async function answerBasemapFile(file: string | null, method: string, headers: Headers): Promise<BasemapAnswer> {
  if (method !== 'GET' && method !== 'HEAD') return text(405, 'Only GET and HEAD are answered here.', { Allow: 'GET, HEAD' });
  if (!file) return text(404, BASEMAP_NOT_SET);
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    return text(404, BASEMAP_GONE);
  }
  if (!stat.isFile()) return text(404, BASEMAP_GONE);

  const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  const lastModified = stat.mtime.toUTCString();
  const validators = { ETag: etag, 'Last-Modified': lastModified };
  const noneMatch = headers.get('if-none-match');
  if (noneMatch && (noneMatch.trim() === '*' || noneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag))) {
    return { status: 304, headers: { ...BASE_HEADERS, ...validators }, body: null };
  }
  // If-Range: the range holds only for the file the client has already seen; otherwise it gets the whole new file.
  const ifRange = headers.get('if-range');
  const rangeHeader = ifRange && ifRange !== etag && ifRange !== lastModified ? null : headers.get('range');
  const range = parseRange(rangeHeader, stat.size);
  if (range === 'unsatisfiable') {
    return text(416, `The range ${(rangeHeader ?? '').slice(0, 100)} lies outside the basemap file (${stat.size} bytes).`, {
      'Content-Range': `bytes */${stat.size}`,
      ...validators,
    });
  }

  const { start, end } = range ?? { start: 0, end: stat.size - 1 };
  const length = Math.max(0, end - start + 1);
  const answerHeaders: Record<string, string> = {
    ...BASE_HEADERS,
    ...validators,
    'Content-Type': 'application/vnd.pmtiles',
    'Content-Length': String(length),
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${stat.size}` } : {}),
  };
  let body: BasemapAnswer['body'] = null;
  if (method === 'GET' && length > 0) body = length <= READ_WHOLE_MAX ? await readSlice(file, start, length) : createReadStream(file, { start, end });
  return { status: range ? 206 : 200, headers: answerHeaders, body };
}

/** The answer as a fetch Response (Electron's protocol.handle wants one). */
export function asResponse(answer: BasemapAnswer): Response {
  const { body } = answer;
  const web =
    body instanceof Readable
      ? (Readable.toWeb(body) as unknown as ReadableStream<Uint8Array>)
      : Buffer.isBuffer(body)
        ? new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength)
        : body;
  return new Response(web, { status: answer.status, headers: answer.headers });
}
