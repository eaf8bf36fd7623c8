import { expect, type APIRequestContext } from '@playwright/test';

/**
 * Waits for the host's first sync to finish (the state goes 'live'). Each run has a data folder of its own
 * (playwright.config.ts), so the embedded demo fills its store and the cache first: up to a minute or two here.
 */
export async function waitForLiveSync(request: APIRequestContext): Promise<void> {
  await expect
    .poll(async () => ((await (await request.post('bridge/sync.status', { data: {} })).json()) as { reply: { state: string } }).reply.state, {
      timeout: 200_000,
      intervals: [2000],
    })
    .toBe('live');
}
