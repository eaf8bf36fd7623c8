/**
 * How the main process learns the app's Settings (displays, kiosk, update server) and their changes. The core's
 * settings store provides one; until it is wired in, the app runs on the defaults.
 */
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';

export interface SettingsSource {
  get(): Settings;
  /** Called after every change with the new settings; returns an unsubscribe. */
  onChange(listener: (settings: Settings) => void): () => void;
}

/** Settings that never change. */
export function fixedSettings(settings: Settings = DEFAULT_SETTINGS): SettingsSource {
  return { get: () => settings, onChange: () => () => {} };
}
