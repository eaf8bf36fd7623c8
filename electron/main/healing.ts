/**
 * Self-healing for the wall's pages. A page whose renderer process is gone, that stays hung past a grace period, or
 * whose GPU process died, is reloaded on the URL it was last showing (its scene), after a back-off that doubles
 * with each failure in a row (1 s, 2 s, 4 s … at most 60 s) and starts again once the page has stayed up for a few
 * minutes. Every failure and every reload is logged.
 */
import { app, type Details, type RenderProcessGoneDetails, type WebContents } from 'electron';
import type { MainLog } from './log';
import { isAppUrl } from './origin';

export interface HealingOptions {
  log: MainLog;
  /** How long a page may stay unresponsive before its renderer is restarted. */
  hangGraceMs?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Up this long after a reload, the next failure counts as the first again. */
  stableMs?: number;
}

export const HEALING_DEFAULTS = { hangGraceMs: 15_000, firstDelayMs: 1_000, maxDelayMs: 60_000, stableMs: 3 * 60_000 } as const;

export interface Healer {
  /** Looks after one page, starting at `url`; stops by itself when the page is destroyed. */
  watch(contents: WebContents, name: string, url: string): void;
  /** Stops looking after every page (the app is quitting). */
  dispose(): void;
}

interface Patient {
  contents: WebContents;
  name: string;
  url: string;
  failuresInARow: number;
  lastReloadAt: number | null;
  reload: ReturnType<typeof setTimeout> | null;
  hang: ReturnType<typeof setTimeout> | null;
  forget(): void;
}

export function createHealer(options: HealingOptions): Healer {
  const { log } = options;
  const { hangGraceMs, firstDelayMs, maxDelayMs, stableMs } = { ...HEALING_DEFAULTS, ...options };
  const patients = new Set<Patient>();

  function scheduleReload(patient: Patient, what: string) {
    if (patient.reload || patient.contents.isDestroyed()) return; // one reload at a time
    clearTimeout(patient.hang ?? undefined);
    patient.hang = null;
    if (patient.lastReloadAt !== null && Date.now() - patient.lastReloadAt >= stableMs) patient.failuresInARow = 0;
    patient.failuresInARow++;
    const delay = Math.min(firstDelayMs * 2 ** (patient.failuresInARow - 1), maxDelayMs);
    log.error(`Wall window "${patient.name}": ${what}. Reloading ${patient.url} in ${delay / 1000} s (failure ${patient.failuresInARow} in a row).`);
    patient.reload = setTimeout(() => {
      patient.reload = null;
      patient.lastReloadAt = Date.now();
      const { contents, url } = patient;
      if (contents.isDestroyed()) return;
      log.info(`Wall window "${patient.name}": reloading ${url}.`);
      // Same URL: reload() makes a new document (and renderer); a loadURL that only changes the #fragment would not.
      if (contents.getURL() === url) contents.reload();
      else contents.loadURL(url).catch(() => {}); // a failure arrives as did-fail-load
    }, delay);
  }

  function watch(contents: WebContents, name: string, url: string) {
    const patient: Patient = { contents, name, url, failuresInARow: 0, lastReloadAt: null, reload: null, hang: null, forget: () => {} };
    const follow = (to: string) => {
      if (isAppUrl(to)) patient.url = to;
    };
    const onNavigate = (_event: unknown, to: string) => follow(to);
    const onNavigateInPage = (_event: unknown, to: string, isMainFrame: boolean) => {
      if (isMainFrame) follow(to);
    };
    const onGone = (_event: unknown, details: RenderProcessGoneDetails) =>
      scheduleReload(patient, `its page's process is gone (${details.reason}, exit code ${details.exitCode})`);
    const onFailLoad = (_event: unknown, code: number, description: string, failedUrl: string, isMainFrame: boolean) => {
      // -3 (ERR_ABORTED): a newer navigation replaced this one, nothing failed.
      if (isMainFrame && code !== -3) scheduleReload(patient, `its page failed to load ${failedUrl} (${description}, ${code})`);
    };
    const onUnresponsive = () => {
      if (patient.hang || patient.reload) return;
      log.warn(`Wall window "${patient.name}" stopped responding; its page restarts if it still hangs in ${hangGraceMs / 1000} s.`);
      patient.hang = setTimeout(() => {
        patient.hang = null;
        if (contents.isDestroyed()) return;
        log.error(`Wall window "${patient.name}" still hangs after ${hangGraceMs / 1000} s; ending its renderer process.`);
        // Ending it emits render-process-gone, which reloads the page like any other crash.
        contents.forcefullyCrashRenderer();
      }, hangGraceMs);
    };
    const onResponsive = () => {
      if (!patient.hang) return;
      clearTimeout(patient.hang);
      patient.hang = null;
      log.info(`Wall window "${patient.name}" responds again.`);
    };

    contents.on('did-navigate', onNavigate);
    contents.on('did-navigate-in-page', onNavigateInPage);
    contents.on('render-process-gone', onGone);
    contents.on('did-fail-load', onFailLoad);
    contents.on('unresponsive', onUnresponsive);
    contents.on('responsive', onResponsive);
    patient.forget = () => {
      clearTimeout(patient.reload ?? undefined);
      clearTimeout(patient.hang ?? undefined);
      patients.delete(patient);
      if (contents.isDestroyed()) return;
      contents.off('did-navigate', onNavigate);
      contents.off('did-navigate-in-page', onNavigateInPage);
      contents.off('render-process-gone', onGone);
      contents.off('did-fail-load', onFailLoad);
      contents.off('unresponsive', onUnresponsive);
      contents.off('responsive', onResponsive);
    };
    contents.once('destroyed', () => patient.forget());
    patients.add(patient);
  }

  // Chromium restarts a dead GPU process, but the pages it drew for may stay black: reload them.
  const onChildGone = (_event: unknown, details: Details) => {
    if (details.type !== 'GPU') return;
    for (const patient of patients) scheduleReload(patient, `the GPU process is gone (${details.reason}, exit code ${details.exitCode})`);
  };
  app.on('child-process-gone', onChildGone);

  return {
    watch,
    dispose() {
      app.off('child-process-gone', onChildGone);
      for (const patient of [...patients]) patient.forget();
    },
  };
}
