/**
 * The weekly briefing and the 通报 export in Chromium, on the web host with the bundled demo server: pick a week,
 * open the briefing, drill into a figure, present it, then export DOCX, PDF and XLSX and check each file is what
 * it says it is (and that the export was logged). Screenshots go to test-results/ for a person to look at.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import JSZip from 'jszip';

test.setTimeout(1_200_000);

/**
 * The week the test reviews, and a later one whose figures prove the sync has gone past it for good: the demo
 * server's records change within 60 days of creation and arrive in time order, so once 13 weeks later has cases,
 * the reviewed week's figures are final (the whole history takes minutes to sync on a busy machine).
 */
const WEEK = '2022-W10';
const LATER = '2022-W23';

async function waitForData(page: Page) {
  await page.goto(`./#/briefing?period=${LATER}`);
  await expect(page.getByTestId('view-briefing')).toBeVisible();
  await expect
    .poll(
      async () => {
        await page.getByTestId('briefing-refresh').click();
        await expect(page.getByTestId('briefing-body')).toHaveAttribute('data-period', LATER, { timeout: 60_000 });
        const text = await page.getByTestId('kpi-events').getByTestId('kpi-value').textContent();
        return Number((text ?? '0').replace(/[^\d]/g, ''));
      },
      { timeout: 280_000, intervals: [2_000, 5_000, 10_000] },
    )
    .toBeGreaterThan(100);
}

test('pick a week, open the briefing, drill into a figure, export all three formats', async ({ page }, testInfo) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.setViewportSize({ width: 1920, height: 1080 });

  await waitForData(page);

  // Pick a week by typing it into the week field.
  await page.getByTestId('period-week').fill(WEEK);
  await page.getByTestId('period-week').dispatchEvent('change');
  await expect(page.getByTestId('briefing-body')).toHaveAttribute('data-period', WEEK, { timeout: 60_000 });
  await expect(page).toHaveURL(new RegExp(`period=${WEEK}`));
  await expect(page.getByTestId('period-label')).toHaveText('2022年第10周');
  const events = Number((await page.getByTestId('kpi-events').getByTestId('kpi-value').textContent())!.replace(/[^\d]/g, ''));
  expect(events).toBeGreaterThan(100);
  await expect(page.getByTestId('kpi-events').getByTestId('kpi-wow')).toContainText('环比');
  await expect(page.getByTestId('narrative')).toContainText('全区共受理各类事件');
  await expect(page.getByTestId('chart').first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('briefing-1920x1080.png'), fullPage: false });
  await page.screenshot({ path: 'test-results/briefing-1920x1080.png' });

  // Drill into a figure: the week's cases, masked, then on to a grid on the map.
  await page.getByTestId('kpi-events').click();
  await expect(page.getByTestId('case-drawer')).toBeVisible();
  await expect(page.getByTestId('drill-total')).toContainText(`共 ${events} 件`, { timeout: 120_000 });
  await expect(page.getByTestId('drill-case').first()).toBeVisible();
  const reporters = await page.getByTestId('drill-reporter').allTextContents();
  for (const r of reporters) expect(r.trim()).toMatch(/^(—|.\*{1,3}( 1\d\d\*{4}\d{4})?)$/);
  await page.screenshot({ path: 'test-results/briefing-drill-1920x1080.png' });
  await page.getByTestId('drill-close').click();

  // A sentence of the narrative shows the figures it states.
  await page.getByTestId('narrative').locator('[data-test^=sentence-overall-1]').first().hover();
  await expect(page.getByTestId('sentence-figures').first()).toBeVisible({ timeout: 30_000 });

  // Presenter mode: one section a page, keyboard paging.
  await page.getByTestId('presenter-start').click();
  await expect(page.getByTestId('presenter')).toHaveAttribute('data-page', 'cover');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('presenter')).toHaveAttribute('data-page', 'narrative');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('presenter')).toHaveAttribute('data-page', 'streets');
  await page.screenshot({ path: 'test-results/briefing-presenter-1920x1080.png' });
  await page.getByTestId('presenter-exit').click();
  await expect(page.getByTestId('presenter')).toHaveCount(0);

  // Export: the reports view for the same week.
  await page.getByTestId('to-report').click();
  await expect(page.getByTestId('view-reports')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`#/reports\\?period=${WEEK}`));
  await expect(page.getByTestId('field-title')).toHaveValue(new RegExp(`第${Number(WEEK.slice(6))}周`), { timeout: 60_000 });
  await page.getByTestId('operator').fill('测试员');
  await page.getByTestId('export-watermark').check();
  await page.screenshot({ path: 'test-results/reports-1920x1080.png' });

  // Exports read the whole cache; while the first sync is still bulk-loading (its indexes dropped) they are slow,
  // so they wait for it to finish.
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-state', 'live', { timeout: 900_000 });
  const saved: Record<string, string> = {};
  for (const format of ['docx', 'pdf', 'xlsx'] as const) {
    const downloading = page.waitForEvent('download', { timeout: 120_000 });
    await page.getByTestId(`export-${format}`).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(new RegExp(`^网格化服务管理工作通报-${WEEK}(-附件)?\\.${format}$`));
    const file = testInfo.outputPath(download.suggestedFilename());
    await download.saveAs(file);
    saved[format] = file;
    await expect(page.getByTestId(`export-done-${format}`)).toBeVisible();
  }

  const docx = await JSZip.loadAsync(readFileSync(saved.docx));
  const documentXml = await docx.file('word/document.xml')!.async('string');
  expect(documentXml).toContain('w:w="11906"');
  expect(documentXml).toContain('一、总体情况');
  const xlsx = await JSZip.loadAsync(readFileSync(saved.xlsx));
  expect(Object.keys(xlsx.files)).toContain('xl/workbook.xml');
  const pdf = readFileSync(saved.pdf);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const text = execFileSync('pdftotext', ['-raw', saved.pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  expect(text).toContain(`全区共受理各类事件${events}件`);
  expect(text).toContain('测试员'); // the watermark

  // Each export is in the audit log.
  await expect(page.getByTestId('audit-row').first()).toContainText('测试员');
  const rows = await page.getByTestId('audit-row').allTextContents();
  for (const format of ['DOCX', 'PDF', 'XLSX']) expect(rows.some((r) => r.includes(format) && r.includes(WEEK))).toBe(true);

  // A street: opened by its name in the rankings, its own briefing under the breadcrumb, its 通报 exported.
  await page.goto(`./#/briefing?period=${WEEK}`);
  const street = page.getByTestId('rank-table-streets').locator('tbody tr').first();
  const streetId = (await street.getAttribute('data-row'))!;
  const streetName = (await street.getByTestId('scope-to').textContent())!.trim();
  await street.getByTestId('scope-to').click();
  await expect(page).toHaveURL(new RegExp(`region=${streetId}`));
  await expect(page.getByTestId('briefing-body')).toHaveAttribute('data-scope', streetId, { timeout: 60_000 });
  await expect(page.getByTestId('scope-current')).toHaveText(streetName);
  await expect(page.getByTestId('narrative')).toContainText(`${streetName}共受理各类事件`);
  await expect(page.getByTestId('rank-table-communities')).toBeVisible();
  await page.screenshot({ path: 'test-results/briefing-street-1920x1080.png' });
  await page.getByTestId('to-report').click();
  await expect(page).toHaveURL(new RegExp(`#/reports\\?.*region=${streetId}`));
  await expect(page.getByTestId('field-title')).toHaveValue(new RegExp(streetName), { timeout: 60_000 });
  const downloading = page.waitForEvent('download', { timeout: 120_000 });
  await page.getByTestId('export-docx').click();
  expect((await downloading).suggestedFilename()).toBe(`${streetName}网格化服务管理工作通报-${WEEK}.docx`);
  await page.getByTestId('scope-breadcrumb').locator('[data-scope-step=district]').click();
  await expect(page.getByTestId('field-title')).toHaveValue(/全区/, { timeout: 60_000 });
  expect(page.url()).not.toContain('region=');
  expect(problems, problems.join('\n')).toEqual([]);
});
