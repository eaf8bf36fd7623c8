/**
 * The app's settings (shared/settings.ts) as one JSON file in the data folder. Read once at start: a file that is
 * not JSON or does not pass the schema is moved aside, the defaults apply, and the log says so in a sentence.
 * Changed only through update(), which validates the merged result (and a new PMTiles basemap file, see
 * basemap-file.ts) before anything is written, writes a temporary file and renames it over the old one (a crash
 * never leaves half a file), then tells every listener.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BridgeError } from '../../shared/bridge/contract';
import { DEFAULT_SETTINGS, PMTILES_PROBLEMS, Settings, type SettingsPatch } from '../../shared/settings';
import { pmtilesProblem } from './basemap-file';

/** What hosts need to follow the settings (the Electron main process: displays, kiosk, updates). */
export interface SettingsSource {
  get(): Settings;
  onChange(listener: (settings: Settings) => void): () => void;
}

const FIELD_NAMES: Record<keyof Settings, string> = {
  districtTitle: 'the district title',
  language: 'the language',
  theme: 'the theme',
  rendering: 'the rendering (auto, full or lite)',
  alertSound: 'the alert sound',
  watermark: 'the watermark',
  basemap: 'the basemap',
  displays: 'the display playlists',
  updateUrl: 'the update server address',
};

function fieldName(issuePath: readonly PropertyKey[]): string {
  const [top, ...rest] = issuePath.map(String);
  const name = FIELD_NAMES[top as keyof Settings] ?? top ?? 'the settings';
  return rest.length ? `${name} (${rest.join('.')})` : name;
}

/** A refusal that names the field in a sentence, with every issue for the Settings page to place by its field. */
export function settingsRefused(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): BridgeError {
  const issues = error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
  const first = error.issues[0];
  return new BridgeError({
    code: 'invalid_payload',
    message: first
      ? `The settings were not saved: ${fieldName(first.path)} is not valid. ${first.message}`
      : 'The settings were not saved: they are not valid.',
    issues,
  });
}

/** A new PMTiles basemap must be a file the hosts can serve: checked on this computer, where they read it. */
function checkBasemapFile(basemap: Settings['basemap']): void {
  if (basemap.kind !== 'pmtiles') return;
  const problem = pmtilesProblem(basemap.path);
  if (problem) throw settingsRefused({ issues: [{ path: ['basemap', 'path'], message: PMTILES_PROBLEMS[problem] }] });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export class SettingsStore implements SettingsSource {
  private current: Settings;
  private readonly listeners = new Set<(settings: Settings) => void>();

  /** `file` null keeps the settings in memory only (a backend without a data folder, tests). */
  constructor(
    private readonly file: string | null,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.current = deepFreeze(file ? this.read(file) : structuredClone(DEFAULT_SETTINGS));
  }

  get(): Settings {
    return this.current;
  }

  /** Replace the given top-level fields; refused whole (nothing written) when the result is not valid. */
  update(patch: SettingsPatch): Settings {
    const given = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    const merged = Settings.safeParse({ ...this.current, ...given });
    if (!merged.success) throw settingsRefused(merged.error);
    // Only a basemap given now is checked: a file that went away since must not block saving anything else.
    if (given.basemap) checkBasemapFile(merged.data.basemap);
    const next = deepFreeze(merged.data);
    if (JSON.stringify(next) === JSON.stringify(this.current)) return this.current;
    if (this.file) this.write(this.file, next);
    this.current = next;
    for (const listener of [...this.listeners]) listener(next);
    return next;
  }

  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private read(file: string): Settings {
    if (!existsSync(file)) return structuredClone(DEFAULT_SETTINGS);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      return this.setAside(file, `it is not readable JSON (${(error as Error).message})`);
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return this.setAside(file, 'it does not hold a settings object');
    // Fields added since the file was written take their defaults; everything present must be valid.
    const parsed = Settings.safeParse({ ...DEFAULT_SETTINGS, ...raw });
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      return this.setAside(file, `${fieldName(first?.path ?? [])} is not valid: ${first?.message ?? 'unknown problem'}`);
    }
    return parsed.data;
  }

  private setAside(file: string, reason: string): Settings {
    const movedTo = `${file}.invalid-${Date.now()}`;
    try {
      renameSync(file, movedTo);
      this.log(
        `The settings file ${file} could not be used because ${reason}; it was moved to ${movedTo} and the default settings apply until they are saved again.`,
      );
    } catch (error) {
      this.log(
        `The settings file ${file} could not be used because ${reason}, and it could not be moved aside (${(error as Error).message}); the default settings apply.`,
      );
    }
    return structuredClone(DEFAULT_SETTINGS);
  }

  private write(file: string, settings: Settings) {
    const temporary = `${file}.tmp`;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(temporary, `${JSON.stringify(settings, null, 2)}\n`);
      renameSync(temporary, file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.log(`The settings could not be written to ${file}: ${(error as Error).message}`);
      throw new BridgeError({
        code: 'internal',
        message: `The settings were not saved: ${file} could not be written${code ? ` (${code})` : ''}. Check that the disk has space and the folder may be written to.`,
      });
    }
  }
}
