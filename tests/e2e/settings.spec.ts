/**
 * The Settings page in Chromium on the web host: a new district title and rotation seconds, saved once, reach a
 * wall open in another window and the wall in this one, without a reload. The settings are put back afterwards
 * (the web host keeps them in its data folder).
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { DEFAULT_SETTINGS } from '../../shared/settings';

const TITLE = '前锋区网格化服务管理指挥中心';

async function restoreDefaults(request: APIRequestContext) {
  const response = await request.post('bridge/settings.update', { data: DEFAULT_SETTINGS });
  expect(response.ok()).toBe(true);
}

/** A mark on the page's window: still there later means the page was not reloaded in between. */
async function mark(page: Page) {
  await page.evaluate(() => ((window as unknown as { __sameDocument?: boolean }).__sameDocument = true));
}
async function notReloaded(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
}

test.beforeEach(async ({ request }) => restoreDefaults(request));
test.afterEach(async ({ request }) => restoreDefaults(request));

test('a new title and rotation seconds reach the wall without a reload', async ({ browser }) => {
  const problems: string[] = [];
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const wall = await context.newPage();
  const settings = await context.newPage();
  for (const page of [wall, settings]) {
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
  }

  await wall.goto('./#/wall/overview');
  await expect(wall.getByTestId('wall-title')).toHaveText('广安区 · 网格化服务管理指挥中心');
  await expect(wall.getByTestId('playlist-state')).toContainText('轮播 30 秒');
  await mark(wall);

  await settings.goto('./#/settings');
  await expect(settings.getByTestId('view-settings')).toBeVisible();
  await expect(settings.getByTestId('api-readonly')).toContainText('GCC_API_URL');
  const title = settings.getByTestId('district-title');
  await expect(title).toHaveValue(DEFAULT_SETTINGS.districtTitle);

  // A value out of range gets its sentence and is not saved.
  const seconds = settings.getByTestId('rotate-seconds');
  await seconds.fill('3');
  await expect(settings.locator('.sfield', { has: seconds }).getByTestId('field-error')).toHaveText('⚠ 停留时间须为 5 至 3600 之间的整数秒。');
  await settings.getByTestId('settings-save').click();
  await expect(settings.getByTestId('settings-state')).toContainText('有 1 处填写不符合要求');

  await seconds.fill('15');
  await title.fill(TITLE);
  await expect(settings.getByTestId('settings-state')).toContainText('有 2 项更改尚未保存');
  await settings.getByTestId('settings-save').click();
  await expect(settings.getByTestId('settings-state')).toContainText('保存');
  await expect(settings.getByTestId('shell-title')).toHaveText(TITLE);

  // The wall in the other window follows at once.
  await expect(wall.getByTestId('wall-title')).toHaveText(TITLE);
  await expect(wall.getByTestId('playlist-state')).toContainText('轮播 15 秒');
  await notReloaded(wall);

  // And this window's wall, reached through the app's own link.
  await mark(settings);
  await settings.getByRole('link', { name: '大屏' }).click();
  await expect(settings.getByTestId('wall-title')).toHaveText(TITLE);
  await expect(settings.getByTestId('playlist-state')).toContainText('轮播 15 秒');
  await notReloaded(settings);

  await context.close();
  expect(problems, problems.join('\n')).toEqual([]);
});
