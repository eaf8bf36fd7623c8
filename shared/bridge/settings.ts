/**
 * The Settings page as the bridge carries it: read everything it shows, change settings, change the central API
 * connection; and the push that lets every window follow a change at once. Schemas live in shared/settings.ts.
 */
import { z } from 'zod';
import { ApiConnectionInput, ApiConnectionView, Settings, SettingsPatch } from '../settings';

export const SettingsPage = z.object({
  settings: Settings,
  api: ApiConnectionView,
  /** Where the host writes its log files, for staff to find; null where it keeps none. */
  logFolder: z.string().nullable(),
});
export type SettingsPage = z.infer<typeof SettingsPage>;

/** The requests this module adds to the contract (spread into `requests` in contract.ts). */
export const settingsRequests = {
  'settings.get': { payload: z.object({}).strict(), reply: SettingsPage },
  // Replaces the given top-level fields; the merged result is validated before anything is stored.
  'settings.update': { payload: SettingsPatch, reply: Settings },
  // Stores the connection (desktop: token in the OS keychain) and switches syncing to it without a restart.
  'settings.api': { payload: ApiConnectionInput, reply: ApiConnectionView },
} as const;

/** The pushes this module adds to the contract (spread into `pushes` in contract.ts). */
export const settingsPushes = {
  'settings.changed': Settings,
} as const;
