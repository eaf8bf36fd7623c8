/**
 * The electronegativity gate (scripts/electronegativity.ts, `npm run security`): the app's Electron code is clean,
 * insecure code is caught, and the allow-list only excuses what it names, with a reason.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { judge, loadAllowList, runSecurityScan, withServedCsp, type Finding, type Verdict } from '../../scripts/electronegativity';
import { CONTENT_SECURITY_POLICY } from '../../shared/security/csp';

/** What Vite builds: a module script and a stylesheet from the app's own origin. */
const PAGE = path.join(mkdtempSync(path.join(os.tmpdir(), 'gcc-page-')), 'index.html');
writeFileSync(
  PAGE,
  '<!doctype html><html lang="zh-CN"><head><meta charset="UTF-8" /><script type="module" crossorigin src="/assets/index.js"></script><link rel="stylesheet" href="/assets/index.css"></head><body><div id="app"></div></body></html>',
);

function insecureElectronDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gcc-insecure-'));
  mkdirSync(path.join(dir, 'main'));
  writeFileSync(
    path.join(dir, 'main', 'window.ts'),
    `import { BrowserWindow } from 'electron';
export const open = () => new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });
`,
  );
  return dir;
}

const finding = (check: string, file: string): Finding => ({ check, file, line: 1, column: 0, severity: 'HIGH', confidence: 'FIRM', description: '', url: '' });

describe('electronegativity over the app', () => {
  let verdict: Verdict;
  beforeAll(async () => {
    verdict = await runSecurityScan({ rendererHtml: PAGE });
  }, 120_000);

  it('finds nothing in electron/ beyond the allow-listed, explained entries', () => {
    expect(verdict.unreadable).toEqual([]);
    expect(verdict.failures).toEqual([]);
    expect(verdict.unusedAllowances).toEqual([]);
    expect(verdict.findings.map((f) => `${f.check} ${f.file}`).sort()).toEqual([
      'CSP_GLOBAL_CHECK renderer/index.html',
      'PRELOAD_JS_CHECK electron/main/window.ts',
    ]);
  });
});

describe('the gate', () => {
  it('fails insecure window settings', async () => {
    const verdict = await runSecurityScan({ electronDir: insecureElectronDir(), rendererHtml: PAGE, allowList: [] });
    const checks = verdict.failures.map((f) => f.check);
    expect(checks).toEqual(expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'AUXCLICK_JS_CHECK']));
    // With no will-navigate handler and no permission handler, the global checks fire too.
    expect(checks).toEqual(expect.arrayContaining(['LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']));
  }, 120_000);

  it('excuses only the check and file an allow-list entry names, and flags entries that match nothing', () => {
    const allowList = [{ check: 'PRELOAD_JS_CHECK', file: 'electron/main/window.ts', reason: 'x'.repeat(40) }];
    const { failures, unusedAllowances } = judge(
      [finding('PRELOAD_JS_CHECK', 'electron/main/window.ts'), finding('PRELOAD_JS_CHECK', 'electron/main/other.ts')],
      allowList,
    );
    expect(failures).toEqual([finding('PRELOAD_JS_CHECK', 'electron/main/other.ts')]);
    expect(unusedAllowances).toEqual([]);
    expect(judge([], allowList).unusedAllowances).toEqual(allowList);
  });

  it('every allow-list entry carries a reason', () => {
    for (const entry of loadAllowList()) expect(entry.reason.length).toBeGreaterThan(40);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gcc-allow-')), 'allow.json');
    writeFileSync(file, JSON.stringify([{ check: 'SANDBOX_JS_CHECK', file: 'electron/main/window.ts', reason: 'fine' }]));
    expect(() => loadAllowList(file)).toThrow(/needs a reason/);
  });

  it('scans the page with the Content-Security-Policy the app:// protocol sends with it', () => {
    const page = withServedCsp('<!doctype html><html><head lang="zh"><title>t</title></head></html>');
    expect(page).toContain(`<head lang="zh"><meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}"><title>`);
  });

  it('says what to do when the renderer has not been built', async () => {
    await expect(runSecurityScan({ rendererHtml: path.join(os.tmpdir(), 'no-such-dist', 'index.html') })).rejects.toThrow(
      /is missing: run `npm run build:renderer` first/,
    );
  });
});
