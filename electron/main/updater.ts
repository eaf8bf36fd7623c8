/**
 * Auto-update from the district's intranet server (electron-updater, generic provider), only while Settings name
 * one. Checks at start and every few hours; an update downloads in the background and installs the next time the
 * app quits. The updater never restarts the wall itself.
 */
import type { AppUpdater } from 'electron-updater';
import type { Settings } from '../../shared/settings';
import type { MainLog } from './log';
import type { SettingsSource } from './settings-source';

/** The parts of electron-updater's autoUpdater the app uses. */
export type Updater = Pick<AppUpdater, 'autoDownload' | 'autoInstallOnAppQuit' | 'logger' | 'setFeedURL' | 'checkForUpdates' | 'on'>;

export const UPDATE_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;

export interface AutoUpdateOptions {
  settings: SettingsSource;
  /** electron-updater's autoUpdater; loaded only once an update server is configured. */
  loadUpdater: () => Promise<Updater>;
  log: MainLog;
  checkEveryMs?: number;
}

export function startAutoUpdate(options: AutoUpdateOptions): { stop(): void } {
  const { log } = options;
  const every = options.checkEveryMs ?? UPDATE_CHECK_INTERVAL_MS;
  const hours = `${Math.round((every / 3_600_000) * 10) / 10} h`;
  let url: string | null | undefined;
  let timer: ReturnType<typeof setInterval> | null = null;
  let updater: Promise<Updater> | null = null;
  let stopped = false;

  const load = () =>
    (updater ??= options.loadUpdater().then((loaded) => {
      loaded.autoDownload = true;
      loaded.autoInstallOnAppQuit = true;
      loaded.logger = { info: (m) => log.info(`Auto-update: ${m}`), warn: (m) => log.warn(`Auto-update: ${m}`), error: (m) => log.error(`Auto-update: ${m}`) };
      loaded.on('error', (error) => log.warn(`Auto-update failed; this version keeps running and the next check is in ${hours}.`, error));
      loaded.on('update-downloaded', (info) =>
        log.info(`Update ${info.version} is downloaded; it installs the next time the app quits. The wall is not restarted for it.`),
      );
      return loaded;
    }));

  async function check() {
    const from = url;
    if (!from) return;
    try {
      const loaded = await load();
      if (stopped || url !== from) return;
      loaded.setFeedURL({ provider: 'generic', url: from });
      log.info(`Auto-update: checking ${from}.`);
      await loaded.checkForUpdates();
    } catch (error) {
      log.warn(`Auto-update could not check ${from}; the next check is in ${hours}.`, error);
    }
  }

  function apply(settings: Settings) {
    if (settings.updateUrl === url) return;
    url = settings.updateUrl;
    if (timer) clearInterval(timer);
    timer = null;
    if (!url) return log.info('Auto-update is off: no update server is set in Settings.');
    log.info(`Auto-update is on: ${url}, checked now and every ${hours}.`);
    void check();
    timer = setInterval(() => void check(), every);
  }

  apply(options.settings.get());
  const unsubscribe = options.settings.onChange(apply);
  return {
    stop() {
      stopped = true;
      unsubscribe();
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
