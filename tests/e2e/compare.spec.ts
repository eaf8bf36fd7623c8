/**
 * The compare views in Chromium on the web host with the demo (issue 17): the briefing's 对比 button sets a week beside
 * the week before, then a street beside another; the wall split in two draws both streets' charts. Screenshots go
 * to test-results/ for a person to look at.
 */
import { expect, test } from '@playwright/test';
import { waitForLiveSync } from './sync';

test('a week beside the week before, two streets side by side, and the wall split in two', async ({ page, request }) => {
  test.setTimeout(300_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await waitForLiveSync(request);
  await page.setViewportSize({ width: 1920, height: 1080 });

  await page.goto('./#/briefing?period=2026-W48');
  await expect(page.getByTestId('briefing-body')).toHaveAttribute('data-period', '2026-W48', { timeout: 60_000 });
  await page.getByTestId('to-compare').click();
  await expect(page).toHaveURL(/#\/compare\?period=2026-W48/);
  await expect(page.getByTestId('compare-side-a').getByTestId('compare-heading')).toHaveText('广安区 · 2026年第48周');
  await expect(page.getByTestId('compare-side-b').getByTestId('compare-heading')).toHaveText('广安区 · 2026年第47周');
  await expect(page.getByTestId('compare-row-events').getByTestId('compare-diff')).toHaveText(/^[+−±][\d,]+$/);
  await expect(page.getByTestId('compare-side-b').getByTestId('chart').first()).toBeVisible();

  // Two streets in one week: the first street beside the second, chosen in the view.
  const streets = (await (await request.post('bridge/map.regions', { data: {} })).json()) as {
    reply: { streets: { features: { properties: { id: string; name: string } }[] } };
  };
  const [a, b] = streets.reply.streets.features.map((f) => f.properties);
  await page.goto(`./#/compare?period=2026-W48&region=${a.id}`);
  await page.getByTestId('compare-with').selectOption(b.id);
  await expect(page.getByTestId('compare-side-b')).toHaveAttribute('data-scope', b.id, { timeout: 30_000 });
  await expect(page.getByTestId('compare-side-a').getByTestId('compare-heading')).toHaveText(`${a.name} · 2026年第48周`);
  await page.screenshot({ path: 'test-results/compare-streets-1920x1080.png', fullPage: true });

  // The wall split in two, from the wall header's 对比.
  await page.goto(`./#/wall/overview?rotate=0`);
  await page.getByRole('link', { name: '对比' }).click();
  await expect(page.getByTestId('view-wall-compare')).toBeVisible();
  await page.getByTestId('wall-compare-region').selectOption(a.id);
  await page.getByTestId('wall-compare-with').selectOption(b.id);
  await expect(page.getByTestId('wall-compare-side-a').getByTestId('wall-compare-name')).toHaveText(a.name, { timeout: 30_000 });
  await expect(page.getByTestId('wall-compare-side-b').getByTestId('wall-compare-name')).toHaveText(b.name, { timeout: 30_000 });
  for (const side of ['wall-compare-side-a', 'wall-compare-side-b']) await expect(page.getByTestId(side).locator('[data-kpi=todayCases]')).toBeVisible();
  await expect(page.getByTestId('wall-compare-side-b').getByTestId('chart')).toHaveCount(3);
  // Each side ranks its street's communities (the year's snapshot carries its rankings, not figures only).
  for (const side of ['wall-compare-side-a', 'wall-compare-side-b'])
    await expect(page.getByTestId(side).getByTestId('rank-table').locator('.rank__row').first()).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: 'test-results/wall-compare-1920x1080.png' });
  expect(problems).toEqual([]);
});
