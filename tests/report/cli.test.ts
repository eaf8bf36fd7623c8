/** `npm run report`: writes the files and exits 0; a sentence and a non-zero exit otherwise. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCache } from '../../core/cache/database';
import { CacheReads } from '../../core/cache/reads';
import { chromiumPath } from '../../core/report/pdf';
import { DEMO_WEEK, demoCacheCopy } from '../../scripts/lib/demo-cache';

const root = path.resolve(import.meta.dirname, '../..');
const cache = demoCacheCopy();
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/report.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

describe('npm run report', () => {
  it('writes DOCX, XLSX and PDF for a week and exits 0', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'gcc-report-'));
    const formats = existsSync(chromiumPath()) ? 'docx,xlsx,pdf' : 'docx,xlsx';
    const r = run('--cache', cache.file, '--week', DEMO_WEEK, '--format', formats, '--out', out, '--operator', 'cron');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const files = r.stdout.trim().split('\n');
    expect(files).toHaveLength(formats.split(',').length);
    for (const f of files) expect(existsSync(f), f).toBe(true);
    expect(readFileSync(files[0]).subarray(0, 2).toString()).toBe('PK');
    if (formats.includes('pdf')) expect(readFileSync(files[2]).subarray(0, 5).toString()).toBe('%PDF-');
    const { db } = openCache(cache.file);
    const audit = new CacheReads(db).exports(10);
    db.close();
    expect(audit.slice(0, files.length).map((a) => [a.operator, a.period])).toEqual(files.map(() => ['cron', DEMO_WEEK]));
  }, 150_000);

  it('writes a street’s 通报 with --region, named after the street', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'gcc-report-'));
    const { db } = openCache(cache.file);
    const street = db.prepare("SELECT id, name FROM regions WHERE level = 'street' ORDER BY code").get() as { id: string; name: string };
    db.close();
    const r = run('--cache', cache.file, '--week', DEMO_WEEK, '--region', street.id, '--format', 'docx', '--out', out, '--operator', 'cron');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(path.basename(r.stdout.trim())).toBe(`${street.name}网格化服务管理工作通报-${DEMO_WEEK}.docx`);
  }, 150_000);

  it('says what is wrong and exits non-zero', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'gcc-report-'));
    const cases: [string[], RegExp][] = [
      [['--cache', cache.file, '--week', '2025-W53', '--out', out], /"2025-W53" is not an ISO week that exists/],
      [['--cache', cache.file, '--week', DEMO_WEEK, '--format', 'doc', '--out', out], /--format takes docx, xlsx and pdf/],
      [['--cache', path.join(out, 'missing.sqlite'), '--week', DEMO_WEEK, '--out', out], /There is no cache at/],
      [['--cache', cache.file, '--week', DEMO_WEEK, '--month', '2023-03'], /Give one period/],
      [['--bogus'], /Unknown option/],
      [['--cache', cache.file, '--week', DEMO_WEEK, '--region', 'no-such-street', '--out', out], /"no-such-street" is not the id of a street or community/],
    ];
    for (const [args, message] of cases) {
      const r = run(...args);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  }, 150_000);
});
