/**
 * A 200 MB ledger is streamed, not held: uploaded to disk, read row by row, staged in batches. The import runs in
 * processes of its own with a small JavaScript heap (128 MB: reading the file whole as text cannot fit), once with a
 * 1 MB file and once with the 200 MB one: the big file may cost at most half its size more memory than the small
 * one (holding it whole, as axios did when it followed redirects, costs all of it and more).
 */
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SIZE = 200 * 1024 * 1024;

/** A ledger of about `size` bytes with long case descriptions (as pasted from reports): few rows, many bytes. */
async function ledger(file: string, size: number): Promise<{ file: string; rows: number }> {
  const out = createWriteStream(file);
  out.write('编号,发现时间,网格,简要情况\n');
  const text = '群众反映楼上卫生间漏水，网格员上门调解，双方协商赔偿。'.repeat(1500);
  let written = 0;
  let rows = 0;
  while (written < size) {
    const line = `MD-${++rows},2026-11-${String((rows % 28) + 1).padStart(2, '0')} 09:00,翠屏路社区第1网格,${text}\n`;
    written += Buffer.byteLength(line);
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return { file, rows };
}

/** Imports the ledger through a real service in a process of its own (128 MB heap); its result and peak RSS. */
async function importIn(ledgerFile: { file: string; rows: number }, parent: string): Promise<{ peakRssMb: number }> {
  const dir = mkdtempSync(path.join(parent, 'run-'));
  const child = await run(
    process.execPath,
    ['--max-old-space-size=128', '--import', 'tsx', path.join(__dirname, 'fixtures/big-file-child.ts'), ledgerFile.file, dir],
    {
      cwd: path.resolve(__dirname, '../..'),
      maxBuffer: 1 << 20,
    },
  );
  const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
    status: string;
    rows: number;
    created: number;
    errors: number;
    message: string | null;
    peakRssMb: number;
  };
  expect(result, result.message ?? '').toMatchObject({ status: 'ready', rows: ledgerFile.rows, created: ledgerFile.rows, errors: 0 });
  return result;
}

describe('a 200 MB ledger', () => {
  it('is imported with a peak memory below its own size', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gcc-big-file-'));
    const file = path.join(dir, 'big.csv');
    const small = await importIn(await ledger(path.join(dir, 'small.csv'), 1024 * 1024), dir);
    const big = await importIn(await ledger(file, SIZE), dir);
    expect(statSync(file).size).toBeGreaterThanOrEqual(SIZE);
    expect(big.peakRssMb - small.peakRssMb, `peak RSS ${small.peakRssMb} MB for 1 MB, ${big.peakRssMb} MB for 200 MB`).toBeLessThan(SIZE / 2 / 1024 / 1024);
  }, 180_000);
});
