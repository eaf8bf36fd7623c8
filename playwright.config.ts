import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

// Debian's Chromium (never a downloaded browser); WebGL2 through SwiftShader so MapLibre renders headless.
const PORT = Number(process.env.GCC_E2E_PORT ?? 4399);
// A data folder of the run's own: the tests never read or write the user's ~/.grid-command-center (its demo store,
// cache and settings), and every run starts from the same empty state, as on a fresh machine.
process.env.GCC_E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), 'gcc-e2e-data-'));

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  timeout: 180_000, // software WebGL on 2 cores: a 4K wall frame can take seconds
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [['list']],
  use: {
    testIdAttribute: 'data-test',
    baseURL: `http://127.0.0.1:${PORT}/`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
        '--ignore-gpu-blocklist',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `npx tsx scripts/serve.ts --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    env: { ...(process.env as Record<string, string>), GCC_DATA_DIR: process.env.GCC_E2E_DATA_DIR },
  },
});
