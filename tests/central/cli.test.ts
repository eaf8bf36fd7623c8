/**
 * The central data service's command line as an operator uses it, on a real throw-away PostgreSQL: `npm run central
 * -- --store postgres://… --port 0 --token-file F` serves the contract and the app's own SyncEngine syncs from it;
 * `token create NAME --scope write` prints a token that can write, a read token gets 403 with a sentence on a write.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openCache } from '../../core/cache/database';
import { cacheStats, checkCache } from '../../core/cache/inspect';
import { CacheStore } from '../../core/cache/store';
import { ApiClient } from '../../core/sync/api-client';
import { SyncEngine } from '../../core/sync/engine';
import { ChangesPage, MetaResponse, RegionsResponse } from '../../shared/api/schemas';
import { organisation, regions } from '../fixtures/records';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { killAll, REPO, run, startService } from './fixtures/child-service';
import { call, until } from './fixtures/http';
import { posted } from './store-suite';

const NPM_CENTRAL = ['npm', 'run', '--silent', 'central', '--'];

let server: TestPostgres | undefined;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.destroy());
afterEach(killAll);

/** `npm run central -- token create NAME [--scope S] --store URL`: the token, alone on stdout. */
async function createToken(url: string, name: string, scope?: 'read' | 'write') {
  const result = await run('npm', ['run', '--silent', 'central', '--', 'token', 'create', name, ...(scope ? ['--scope', scope] : []), '--store', url]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toMatch(new RegExp(`Token "${name}" \\((${scope === 'write' ? 'read, write' : 'read'})\\) created\\. It is shown only now`));
  const token = result.stdout.trim();
  expect(token).toMatch(/^\S{20,}$/);
  return token;
}

describe('npm run central -- --store postgres://…', () => {
  it('serves the contract from PostgreSQL; made tokens write or get 403 in words; the app syncs from it', async () => {
    if (!server) throw new Error('The PostgreSQL test cluster did not start (see the error of beforeAll).');
    const url = server.createDatabase('cli');
    const dir = mkdtempSync(path.join(tmpdir(), 'gcc-cli-'));
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, 'token-from-a-file\n');

    const svc = await startService(['--store', url, '--port', '0', '--token-file', tokenFile], { command: NPM_CENTRAL });
    await until(
      'its start-up line',
      () =>
        /central data service: postgres store postgres:\/\/postgres@127\.0\.0\.1:\d+\/cli, head rev 0; a command-line token and the store's tokens accepted/.test(
          svc.stderr(),
        ) || undefined,
      5000,
    );
    const importer = await createToken(url, 'importer', 'write');
    const wall = await createToken(url, 'wall-1');

    // The contract: its document, and answers in its shapes, to the token from the file.
    const doc = await fetch(new URL('/openapi.json', svc.url));
    expect(doc.status).toBe(200);
    expect(await doc.text()).toBe(readFileSync(path.join(REPO, 'resources', 'openapi.json'), 'utf8'));
    const meta = await call(svc.url, 'GET', '/v1/meta', 'token-from-a-file');
    expect(MetaResponse.parse(meta.body)).toMatchObject({ head_rev: 0, demo: false });

    // The importer's token writes; the wall's may only read, and is told so.
    expect((await call(svc.url, 'PUT', '/v1/regions', importer, regions)).status).toBe(200);
    expect((await call(svc.url, 'PUT', '/v1/organisation', importer, organisation)).status).toBe(200);
    const records = Array.from({ length: 600 }, (_, i) => posted({ id: `e${i}`, grid_id: i % 3 ? 'g1' : 'g2' }));
    const written = await call(svc.url, 'POST', '/v1/events', importer, { source: 'cli-test', records });
    expect(written.body).toMatchObject({ counts: { created: 600 }, head_rev: 600 });
    const refused = await call(svc.url, 'POST', '/v1/events', wall, { records: [posted({ id: 'from-the-wall' })] });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'forbidden' });
    expect(refused.body!.message).toBe(
      'This token ("wall-1") may only read; POST /v1/events needs a token with the write scope (npm run central -- token create NAME --scope write).',
    );
    expect(RegionsResponse.parse((await call(svc.url, 'GET', '/v1/regions', wall)).body).regions).toHaveLength(regions.regions.length);
    expect(ChangesPage.parse((await call(svc.url, 'GET', '/v1/changes?after_rev=0&limit=10', wall)).body)).toMatchObject({ has_more: true, head_rev: 600 });

    // The app's own sync engine, with the wall's token, into a cache.
    const { db } = openCache(path.join(dir, 'cache.sqlite'));
    try {
      await new SyncEngine(new ApiClient({ baseUrl: svc.url, token: wall }), new CacheStore(db), {}, { pageSize: 250 }).syncOnce();
      expect(cacheStats(db)).toMatchObject({ events: 600, grids: 2, departments: 2, cursorRev: 600, quarantined: 0 });
      expect(checkCache(db)).toEqual([]);
    } finally {
      db.close();
    }
  }, 90_000);
});
