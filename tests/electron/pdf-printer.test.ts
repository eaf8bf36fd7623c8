import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { electronPdfPrinter } from '../../electron/main/pdf-printer';
import { createBackend, type BackendOptions } from '../../core/backend';
import { pdfPageCount } from '../../core/report/pdf';
import { fake, type FakeBrowserWindow } from '../fakes/electron';
import { boot } from './harness';

beforeEach(() => fake.reset());

const HTML = '<!doctype html><html lang="zh-CN"><body><h1>关于本周网格化服务管理工作情况的通报</h1></body></html>';

/** Windows the printer opened: every one but the wall's. */
function printWindows(wall: FakeBrowserWindow): FakeBrowserWindow[] {
  return fake.windows().filter((w) => w !== wall);
}

describe('PDF printing in the desktop app', () => {
  it('prints the report HTML in a hidden, sandboxed window without JavaScript, honouring the CSS page size', async () => {
    const { win } = await boot();
    const printing = electronPdfPrinter()(HTML);
    const opened = printWindows(win); // the print window exists from the first synchronous step
    const pdf = await printing;

    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfPageCount(pdf)).toBe(1);
    expect(opened).toHaveLength(1);
    const [printWin] = opened;
    expect(printWin.options.show).toBe(false);
    expect(printWin.webContents.effectiveWebPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      javascript: false,
      webSecurity: true,
    });
    expect(printWin.options.webPreferences?.preload).toBeUndefined();
    // pdf-printer.ts spells the wall window's security settings out again (electronegativity reads literals only):
    // they must stay the same, apart from what a print of static HTML needs differently.
    const { preload: _preload, ...wallPreferences } = win.options.webPreferences ?? {};
    const { javascript, images, ...printPreferences } = printWin.options.webPreferences ?? {};
    expect(printPreferences).toEqual(wallPreferences);
    expect({ javascript, images }).toEqual({ javascript: false, images: true });
    expect(printPreferences.backgroundThrottling).toBe(false);
    const [job] = printWin.webContents.printed;
    expect(job.options).toMatchObject({ preferCSSPageSize: true, printBackground: true });
    expect(Buffer.from(job.url.split(',')[1], 'base64').toString('utf8')).toBe(HTML);
    // Nothing left behind: the print window is destroyed, the wall is untouched.
    expect(printWin.isDestroyed()).toBe(true);
    expect(printWindows(win)).toEqual([]);
    expect(win.isDestroyed()).toBe(false);
  });

  it('destroys the print window when printing fails', async () => {
    const { win } = await boot();
    const printer = electronPdfPrinter();
    const failing = printer(HTML);
    const [printWin] = printWindows(win);
    printWin.webContents.printToPDF = async () => {
      throw new Error('Printing failed');
    };
    await expect(failing).rejects.toThrow('Printing failed');
    expect(printWin.isDestroyed()).toBe(true);
  });

  it('refuses a report too large for one data: URL with a sentence', async () => {
    await boot();
    await expect(electronPdfPrinter()('<p>' + '字'.repeat(600_000) + '</p>')).rejects.toThrow(/too large to print/);
  });

  it('startApp hands it to the core, so exports print through Electron rather than a separate Chromium', async () => {
    let given: BackendOptions | null = null;
    const { win } = await boot({ createBackend: (options) => createBackend((given = options)) });
    expect(given!.pdfPrinter, 'the core got a printer').toBeTypeOf('function');
    const printing = given!.pdfPrinter!(HTML);
    const [printWin] = printWindows(win);
    const pdf = await printing;
    expect(printWin, 'a print window opened').toBeDefined();
    expect(printWin!.webContents.printed).toHaveLength(1);
    expect(pdfPageCount(pdf)).toBe(1);
    expect(printWindows(win)).toEqual([]);
  });
});
