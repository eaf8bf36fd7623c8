/**
 * "The cache is consistent" at the end of a soak: the web host's cache passes its own checks and equals a clean
 * `npm run sync` of the same server, rollups included. The demo's live cases (ids "L…") are part of the server's
 * timeline (its store keeps them across a SIGKILL), so nothing is taken out before comparing. The stream is
 * stopped first (the server runs with --rate 0), and a comparison only counts when the server's head did not move
 * while both caches were taken.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { openCache, type Db } from '../../core/cache/database';
import { cacheChecksum, checkCache } from '../../core/cache/inspect';
import { ROOT } from '../lib/renderer-build';
import type { FinalChecks } from './plan';
import { childEnv } from './processes';

type CacheCheck = FinalChecks['cache'];

export async function headRev(apiUrl: string, token: string): Promise<number> {
  const res = await fetch(new URL('v1/meta', apiUrl), { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET /v1/meta answered ${res.status}.`);
  return ((await res.json()) as { head_rev: number }).head_rev;
}

/** The newest rev of the server's timeline the cache holds, rows and deletions alike. */
export function timelineMaxRev(db: Db): number {
  return db
    .prepare(
      `SELECT max(m) FROM (SELECT max(rev) AS m FROM events UNION ALL SELECT max(rev) FROM services
        UNION ALL SELECT max(rev) FROM evaluations UNION ALL SELECT max(rev) FROM tombstones)`,
    )
    .pluck()
    .get() as number;
}

async function waitFor(what: string, test: () => boolean | Promise<boolean>, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > until) throw new Error(`${what} did not happen in ${timeoutMs / 1000} s.`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function runSync(apiUrl: string, token: string, cacheFile: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sync.ts', '--api', apiUrl, '--cache', cacheFile, '--quiet'], {
      cwd: ROOT,
      env: childEnv({ GCC_API_TOKEN: token }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`npm run sync exited ${code}: ${err.trim()}`))));
  });
}

/** Rows only in one of the two caches, per table, with a few ids: the evidence when checksums differ. */
function differences(db: Db, otherFile: string): string {
  db.prepare('ATTACH DATABASE ? AS other').run(otherFile);
  try {
    const parts: string[] = [];
    for (const table of ['events', 'services', 'evaluations', 'rollup_events', 'rollup_departments']) {
      const onlyHere = db.prepare(`SELECT * FROM main.${table} EXCEPT SELECT * FROM other.${table}`).raw().all() as unknown[][];
      const onlyThere = db.prepare(`SELECT * FROM other.${table} EXCEPT SELECT * FROM main.${table}`).raw().all() as unknown[][];
      const zero = (r: unknown[]) => table.startsWith('rollup') && r[3] === 0;
      const a = onlyHere.filter((r) => !zero(r));
      const b = onlyThere.filter((r) => !zero(r));
      if (a.length || b.length)
        parts.push(
          `${table}: ${a.length} rows only in the host cache (${a
            .slice(0, 3)
            .map((r) => r.slice(0, 3).join('/'))
            .join(', ')}), ${b.length} only in the clean sync (${b
            .slice(0, 3)
            .map((r) => r.slice(0, 3).join('/'))
            .join(', ')})`,
        );
    }
    return parts.join('; ') || 'no differing rows';
  } finally {
    db.prepare('DETACH DATABASE other').run();
  }
}

export async function compareWithCleanSync(options: {
  hostDb: Db;
  apiUrl: string;
  token: string;
  dir: string;
  log: (line: string) => void;
}): Promise<CacheCheck> {
  const { hostDb, apiUrl, token, dir, log } = options;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const head = await headRev(apiUrl, token);
    await waitFor('The web host catching up with the API', () => timelineMaxRev(hostDb) >= head, 180_000);
    const freshFile = path.join(dir, `clean-sync-${attempt}.sqlite`);
    const copyFile = path.join(dir, `host-copy-${attempt}.sqlite`);
    log(`cache check ${attempt}: server head ${head}; clean sync into ${freshFile}…`);
    const freshSyncSeconds = await runSync(apiUrl, token, freshFile);
    await hostDb.backup(copyFile);
    if ((await headRev(apiUrl, token)) !== head) {
      log('cache check: the server published a timeline change meanwhile; again.');
      continue;
    }
    const copy = openCache(copyFile).db;
    const fresh = openCache(freshFile, { readonly: true }).db;
    try {
      const hostProblems = checkCache(copy);
      const hostEvents = copy.prepare('SELECT count(*) FROM events').pluck().get() as number;
      const problems = [...hostProblems.map((p) => `host cache: ${p}`), ...checkCache(fresh).map((p) => `clean sync: ${p}`)];
      const hostChecksum = cacheChecksum(copy);
      const freshChecksum = cacheChecksum(fresh);
      const freshEvents = fresh.prepare('SELECT count(*) FROM events').pluck().get() as number;
      if (hostChecksum !== freshChecksum) problems.push(`checksums differ: ${differences(copy, freshFile)}`);
      const ok = problems.length === 0;
      return {
        ok,
        detail: ok ? 'host cache equals a clean sync' : problems.join('; '),
        hostEvents,
        freshEvents,
        hostChecksum,
        freshChecksum,
        freshSyncSeconds,
      };
    } finally {
      copy.close();
      fresh.close();
    }
  }
  throw new Error('The server kept publishing timeline changes during three cache checks in a row.');
}
