/**
 * A file for the 导入 page over the web host: operators only, the body streamed to a private temporary file the core
 * takes once by its id (and removes); viewers refused; the bridge's JSON limit does not apply to files.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from '../../core/backend';
import { bearer, hostPool, makeRendererDir } from './helpers';

const OPERATOR = 'operator-token-0123';
const VIEWER = 'viewer-token-4567';
const pool = hostPool(makeRendererDir());
afterEach(() => pool.closeAll());

const upload = (url: string, body: Uint8Array<ArrayBuffer> | string, headers: Record<string, string>) =>
  fetch(new URL('bridge/upload', url), { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...headers }, body: new Blob([body]) });

describe('files for imports over the web host', () => {
  it('takes a file from an operator (larger than the bridge’s JSON limit), keeps it privately, and hands it to the core once', async () => {
    const backend = createBackend({ host: 'web', version: '0.0.0-test' });
    const host = await pool.start({ backend, token: OPERATOR, viewerToken: VIEWER });
    const bytes = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    const res = await upload(host.url, bytes, bearer(OPERATOR));
    expect(res.status).toBe(200);
    const { reply } = (await res.json()) as { reply: { upload: string } };
    const taken = backend.uploads.take(reply.upload);
    expect(statSync(taken.path).mode & 0o077).toBe(0);
    expect(readFileSync(taken.path).equals(Buffer.from(bytes))).toBe(true);
    taken.done();
    expect(existsSync(taken.path)).toBe(false);
    expect(() => backend.uploads.take(reply.upload)).toThrow(/drop it again/);
  });

  it('refuses a viewer, a missing token, and a body that is not a file', async () => {
    const host = await pool.start({ token: OPERATOR, viewerToken: VIEWER });
    const viewer = await upload(host.url, 'x', bearer(VIEWER));
    expect(viewer.status).toBe(403);
    expect(((await viewer.json()) as { error: { message: string } }).error.message).toMatch(/Only operators may import files/);
    expect((await upload(host.url, 'x', {})).status).toBe(401);
    const json = await fetch(new URL('bridge/upload', host.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(OPERATOR) },
      body: '{}',
    });
    expect(json.status).toBe(415);
  });
});
