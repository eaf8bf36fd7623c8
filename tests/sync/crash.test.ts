/**
 * The sync CLI killed with SIGKILL at random points and restarted: the cache must end equal to a clean sync.
 * And its failures end in one sentence and a non-zero exit.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openCache } from '../../core/cache/database';
import { cacheChecksum, checkCache } from '../../core/cache/inspect';
import { cleanChecksum, server, tempCache } from './harness';

function runSync(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sync.ts', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

describe('sync CLI under SIGKILL', { timeout: 240_000 }, () => {
  it('killed at random points and restarted, the cache equals a clean sync', async () => {
    const s = await server({ faults: { latencyMs: 2 } });
    const cache = tempCache();
    const args = ['--api', s.url, '--token', 'demo-token', '--cache', cache, '--page-size', '700'];
    let seed = 20261127;
    const rand = () => (seed = (seed * 48271) % 0x7fffffff) / 0x7fffffff;
    for (let round = 0; round < 4; round++) {
      const run = runSync(args);
      await new Promise((r) => setTimeout(r, 1500 + rand() * 2500));
      run.child.kill('SIGKILL');
      await run.exited;
    }
    const last = runSync(args);
    expect(await last.exited).toBe(0);
    const { db } = openCache(cache);
    expect(checkCache(db)).toEqual([]);
    expect(cacheChecksum(db)).toBe(await cleanChecksum());
    db.close();
    await s.close();
  });

  it('a wrong token: exit code 1 and a sentence', async () => {
    const s = await server();
    const run = runSync(['--api', s.url, '--token', 'nope', '--cache', tempCache()]);
    expect(await run.exited).toBe(1);
    expect(run.stderr().trim()).toMatch(/^The central API at .* refused the access token \(401\)\. Enter the correct token in Settings\./);
    expect(run.stderr()).not.toMatch(/\n\s+at /);
    await s.close();
  });

  it('an unreachable API: retried for --retry-for, then exit code 1 and one sentence naming the fault', async () => {
    const run = runSync(['--api', 'http://127.0.0.1:9/', '--token', 'x', '--cache', tempCache(), '--retry-for', '1']);
    expect(await run.exited).toBe(1);
    expect(run.stderr().trim()).toMatch(
      /^Gave up after \d+ s of retries: the central API at http:\/\/127\.0\.0\.1:9\/ cannot be reached \(ECONNREFUSED on v1\/\w+\) \(\d+ attempts?\)\.$/,
    );
    expect(run.stderr()).not.toMatch(/retrying/i);
  });
});
