import { expect, test } from '@playwright/test';

test('the Chinese shell renders and the bridge answers', async ({ page }, testInfo) => {
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));

  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('./#/wall');
  await expect(page.locator('h1')).toContainText('网格化服务管理指挥中心');
  await expect(page.getByRole('link', { name: '周报研判' })).toBeVisible();
  await expect(page.getByTestId('bridge-state')).toContainText('主机已连接');
  await expect(page.getByTestId('bridge-state')).toContainText('网页端');

  // The bridge answers a round trip from inside the page, through the same transport the app uses.
  const echoed = await page.evaluate(async () => {
    const response = await fetch('./bridge/app.echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '你好' }),
    });
    return response.json();
  });
  expect(echoed).toMatchObject({ ok: true, reply: { text: '你好' } });

  for (const [link, testId] of [
    ['周报研判', 'view-briefing'],
    ['通报导出', 'view-reports'],
    ['设置', 'view-settings'],
  ] as const) {
    await page.getByRole('link', { name: link }).click();
    await expect(page.getByTestId(testId)).toBeVisible();
  }
  await page.getByRole('link', { name: '大屏' }).click();
  await page.screenshot({ path: testInfo.outputPath('shell-1920x1080.png') });
  await page.screenshot({ path: 'test-results/shell-1920x1080.png' });
  expect(problems, problems.join('\n')).toEqual([]);
});

test('the English catalogue is complete enough to render the shell', async ({ page }) => {
  await page.goto('./?lang=en-US#/wall');
  await expect(page.locator('h1')).toContainText('Grid Governance Command Center');
  await expect(page.getByTestId('bridge-state')).toContainText('Host connected');
});
