/**
 * The desktop app prints the 通报 PDF with Electron's own Chromium (webContents.printToPDF), so no second browser
 * is needed on a government PC. Each print gets a hidden, sandboxed window with JavaScript off: the page is only
 * ever the report HTML made by core/report/html.ts, loaded as a data: URL and destroyed after printing.
 */
import { BrowserWindow } from 'electron';
import { printerFromWebContents, type PdfPrinter } from '../../core/report/pdf';

/** Chromium refuses URLs over 2 MiB; the report HTML (fonts are local(), not embedded) is far below. */
const MAX_HTML_BYTES = 1.5 * 1024 * 1024;

export function electronPdfPrinter(): PdfPrinter {
  const print = printerFromWebContents(() => {
    // The app window's security settings (window.ts), written out here for electronegativity, minus the preload.
    const win = new BrowserWindow({
      show: false,
      width: 794,
      height: 1123,
      webPreferences: {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        spellcheck: false,
        disableBlinkFeatures: 'Auxclick',
        javascript: false,
        images: true,
        backgroundThrottling: false,
      },
    });
    return {
      loadURL: (url) => win.loadURL(url),
      printToPDF: (options) => win.webContents.printToPDF(options),
      close: () => {
        if (!win.isDestroyed()) win.destroy();
      },
    };
  });
  return async (html) => {
    if (Buffer.byteLength(html, 'utf8') > MAX_HTML_BYTES) throw new Error('The report is too large to print as one PDF; export a shorter period.');
    return print(html);
  };
}
