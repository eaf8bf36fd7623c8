/** A file sent to a host for an import, streamed to a private temporary file (never held in memory). */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The largest file the app takes for an import (the central service's own limit is the same). */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

export class UploadTooLarge extends Error {}

export async function saveUpload(body: NodeJS.ReadableStream, dir = path.join(tmpdir(), 'gcc-uploads')): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${randomUUID()}.upload`);
  let bytes = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > MAX_UPLOAD_BYTES ? new UploadTooLarge('too large') : null, chunk);
    },
  });
  try {
    await pipeline(body instanceof Readable ? body : Readable.from(body), cap, createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
  return file;
}
