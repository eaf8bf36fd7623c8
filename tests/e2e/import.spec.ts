/**
 * The 导入 page in Chromium on the web host (the embedded demo service): a 矛盾纠纷 ledger with a bad date and an
 * unknown grid is read and previewed, 写入 stays disabled while errors remain, the two rows are excluded and read
 * again, the import is written, and the history lists it with its SHA-256; then the same file again changes nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { expect, test, type Page } from '@playwright/test';

async function gridNames(page: Page): Promise<string[]> {
  for (let i = 0; i < 60; i++) {
    const res = await page.request.post('bridge/map.regions', { data: {} });
    const body = (await res.json()) as { ok: boolean; reply?: { grids: { features: { properties: { name: string } }[] } } };
    const names = body.ok ? body.reply!.grids.features.map((f) => f.properties.name) : [];
    if (names.length) return names;
    await page.waitForTimeout(1000);
  }
  throw new Error('the demo regions never came');
}

async function ledger(grids: string[]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('矛盾纠纷台账');
  sheet.mergeCells('A1:F1');
  sheet.getCell('A1').value = '矛盾纠纷排查化解台账（端到端测试）';
  sheet.addRow(['纠纷编号', '发现时间', '所属网格', '纠纷类型', '简要情况', '化解情况']);
  const stamp = Date.now().toString(36);
  for (let i = 1; i <= 6; i++)
    sheet.addRow([`E2E-${stamp}-${i}`, `2026-11-${String(i + 10).padStart(2, '0')} 09:30`, grids[i * 5], '邻里纠纷', `端到端测试纠纷 ${i}`, '化解中']);
  sheet.getCell('B5').value = '去年冬天'; // row 5: not a date
  sheet.getCell('C7').value = '不存在社区第99网格'; // row 7: no such grid
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gcc-e2e-import-')), '矛盾纠纷台账.xlsx');
  await workbook.xlsx.writeFile(file);
  return file;
}

test('a ledger with errors is previewed, its bad rows excluded, written, and listed', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('./#/import');
  const file = await ledger(await gridNames(page));

  await page.locator('[data-test=import-source][value=disputes]').check({ force: true });
  await page.setInputFiles('[data-test=import-file]', file);
  await page.getByTestId('import-start').click();
  await expect(page.getByTestId('import-commit-bar')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('count-errors')).toContainText('2');
  await expect(page.getByTestId('import-problems')).toContainText('去年冬天');
  await expect(page.getByTestId('import-problems')).toContainText('不存在社区第99网格');
  await expect(page.getByTestId('import-commit')).toBeDisabled();
  await expect(page.getByTestId('commit-blocked')).toContainText('错误');

  await page.getByTestId('problems-tick-all').click();
  await page.getByTestId('problems-exclude').click();
  await expect(page.getByTestId('problems-excluded')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('count-errors')).toContainText('0');
  await expect(page.getByTestId('count-created')).toContainText('4');
  await expect(page.getByTestId('import-commit')).toBeEnabled();
  await page.getByTestId('import-commit').click();
  await expect(page.getByTestId('import-result')).toBeVisible({ timeout: 60_000 });

  const latest = page.getByTestId('history-row').first();
  await expect(latest).toContainText('矛盾纠纷台账.xlsx');
  await expect(latest.getByTestId('history-sha')).toHaveAttribute('title', /^[0-9a-f]{64}$/);
  expect(problems).toEqual([]);
});
