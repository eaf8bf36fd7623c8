/**
 * PDF of the 通报: Chromium prints the HTML of html.ts with its print stylesheet (A4, CSS page size, outer-side
 * page numbers). Headless (CLI, web host, tests) it is Debian's Chromium driven by playwright-core — never a
 * downloaded browser; CHROMIUM_PATH points at another one. The desktop app passes its own printer to the core
 * (printerFromWebContents(...)) so Electron's webContents.printToPDF prints the same HTML.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { ReportDocument } from './template';
import { renderReportHtml } from './html';

export type PdfPrinter = (html: string) => Promise<Buffer>;

export class PdfUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfUnavailableError';
  }
}

/** What Electron's BrowserWindow offers, without importing electron into the core. */
export interface PrintableWindow {
  loadURL(url: string): Promise<void>;
  printToPDF(options: { preferCSSPageSize: boolean; printBackground: boolean; generateDocumentOutline?: boolean }): Promise<Buffer>;
  close(): void;
}

/**
 * A printer over a hidden Electron window (e.g. `() => { const w = new BrowserWindow({ show: false, webPreferences:
 * { sandbox: true, javascript: false } }); return { loadURL: (u) => w.loadURL(u), printToPDF: (o) => w.webContents.printToPDF(o), close: () => w.destroy() }; }`).
 */
export function printerFromWebContents(open: () => PrintableWindow | Promise<PrintableWindow>): PdfPrinter {
  return async (html) => {
    const win = await open();
    try {
      await win.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
      return await win.printToPDF({ preferCSSPageSize: true, printBackground: true });
    } finally {
      win.close();
    }
  };
}

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH || '/usr/bin/chromium';
}

let browser: Promise<Browser> | null = null;
let page: Promise<Page> | null = null;
let queue: Promise<unknown> = Promise.resolve();
let idle: NodeJS.Timeout | null = null;
const IDLE_MS = 60_000;

async function launch(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new PdfUnavailableError(
      `PDF export needs Chromium, and there is none at ${executablePath}. Install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable, then export again.`,
    );
  }
  const { chromium } = await import('playwright-core');
  try {
    const b = await chromium.launch({
      executablePath,
      headless: true,
      args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--font-render-hinting=none'],
    });
    b.on('disconnected', () => {
      browser = null;
      page = null;
    });
    return b;
  } catch (error) {
    throw new PdfUnavailableError(
      `Chromium at ${executablePath} could not be started to print the PDF: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
}

/**
 * One page, kept between prints: its renderer has the CJK fonts loaded already (loading Noto CJK costs seconds).
 * JavaScript is off and the context is offline; the page only ever holds report HTML made by html.ts.
 */
async function printingPage(): Promise<Page> {
  browser ??= launch().catch((error) => {
    browser = null;
    throw error;
  });
  page ??= (async () => {
    const b = await browser!;
    const context = await b.newContext({ javaScriptEnabled: false, offline: true });
    return context.newPage();
  })().catch((error) => {
    page = null;
    throw error;
  });
  return page;
}

/** Prints HTML to PDF with the shared headless Chromium (closed after a minute idle): the printer by default. */
export async function printHtmlToPdf(html: string): Promise<Buffer> {
  const job = queue.then(async () => {
    if (idle) clearTimeout(idle);
    try {
      const p = await printingPage();
      await p.setContent(html, { waitUntil: 'load' });
      return Buffer.from(await p.pdf({ preferCSSPageSize: true, printBackground: true }));
    } finally {
      idle = setTimeout(() => void closePdfBrowser(), IDLE_MS);
      idle.unref();
    }
  });
  queue = job.catch(() => {});
  return job;
}

/** Closes the shared Chromium (the CLI and tests call this before exiting). */
export async function closePdfBrowser(): Promise<void> {
  if (idle) clearTimeout(idle);
  idle = null;
  const b = browser;
  browser = null;
  page = null;
  if (b) await (await b.catch(() => null))?.close();
}

/** Pages of a PDF Chromium wrote (its page tree's /Count). */
export function pdfPageCount(pdf: Buffer): number {
  const text = pdf.toString('latin1');
  const counts = [...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g)].map((m) => Number(m[1] ?? m[2]));
  if (counts.length) return Math.max(...counts);
  return (text.match(/\/Type\s*\/Page\b(?!s)/g) ?? []).length;
}

/**
 * Two prints: the first counts the pages, the second pins the 版记 to the foot of the last one. The first draws
 * nothing (visibility: hidden keeps every box and line break where it was), so it embeds no fonts and is cheap.
 */
export async function renderPdf(doc: ReportDocument, print: PdfPrinter = printHtmlToPdf): Promise<Buffer> {
  const first = await print(renderReportHtml(doc, { layoutOnly: true }));
  const pages = pdfPageCount(first);
  if (pages < 1) return first;
  return print(renderReportHtml(doc, { colophonPage: pages }));
}
