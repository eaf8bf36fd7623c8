/**
 * The app's settings: one zod schema shared by the core (which stores them), both hosts (which apply the desktop
 * parts: displays, kiosk, updates) and the renderer (the Settings page and everything that follows them: title,
 * theme, language, alert sound, watermark, basemap, rotation). The central API's token is not a setting: it is a
 * secret kept by the host (Electron safeStorage) and only ever reported as "set" or "not set".
 */
import { z } from 'zod';

/** The wall's scenes in playlist order; their URL ids (`#/wall/<id>`). */
export const SCENE_IDS = ['overview', 'safe-grids', 'disputes', 'appeals', 'services'] as const;
export const SceneId = z.enum(SCENE_IDS);
export type SceneId = z.infer<typeof SceneId>;

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .max(2048)
    .url(`${what} must be a full address such as https://intranet.example/…`)
    .refine((u) => /^https?:\/\//i.test(u), `${what} must start with http:// or https://.`);

/** One wall display's playlist. `displayKey` is the host's stable name for a display ("primary", or Electron's
 * display id as a string); the entry with key "*" applies to displays that have no entry of their own. */
export const DisplayPlaylist = z
  .object({
    displayKey: z.string().trim().min(1).max(64),
    scenes: z.array(SceneId).min(1, 'A display needs at least one scene.').max(SCENE_IDS.length),
    rotate: z.boolean(),
    rotateSeconds: z.number().int().min(5, 'Scenes must stay at least 5 seconds.').max(3600, 'Scenes rotate at least once an hour.'),
    /** Kiosk (no window chrome, cannot be left with the mouse) on this display. */
    kiosk: z.boolean(),
    /** The street or community this display shows by default (a street's own command room); none: the district. */
    region: z.string().trim().min(1).max(64).nullable().optional(),
  })
  .strict();
export type DisplayPlaylist = z.infer<typeof DisplayPlaylist>;

export const Basemap = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  /** A PMTiles file on this computer (desktop) or next to the web host, as an absolute path. */
  z.object({ kind: z.literal('pmtiles'), path: z.string().trim().min(1).max(1024) }).strict(),
  /** An intranet raster tile URL with {z}/{x}/{y}. */
  z
    .object({
      kind: z.literal('tiles'),
      url: httpUrl('The tile address').refine((u) => /\{z\}/.test(u) && /\{x\}/.test(u) && /\{y\}/.test(u), 'The tile address needs {z}, {x} and {y}.'),
    })
    .strict(),
]);
export type Basemap = z.infer<typeof Basemap>;

/** Where both hosts serve the PMTiles basemap file, next to the page (same origin: the CSP needs nothing more). */
export const BASEMAP_FILE = 'basemap.pmtiles';

/**
 * Why a PMTiles path is refused when saved (the core checks the file). The Settings page recognises these
 * sentences in a host's issue and shows its own wording in the user's language.
 */
export const PMTILES_PROBLEMS = {
  notAbsolute: 'Give the full path of the .pmtiles file, starting with / (or a drive letter on Windows).',
  missing: 'No file exists at that path on this computer (on the server, for the web host).',
  unreadable: 'That file cannot be read: it is a folder, or the app has no permission to read it.',
  notPmtiles: 'That file is not a PMTiles version 3 archive (it does not start with the PMTiles v3 header).',
} as const;
export type PmtilesProblem = keyof typeof PMTILES_PROBLEMS;

export const Settings = z
  .object({
    /** Shown in the wall's header, e.g. 广安区网格化服务管理指挥中心. */
    districtTitle: z.string().trim().min(1, 'The title must not be empty.').max(40, 'The title fits the header in at most 40 characters.'),
    language: z.enum(['zh-CN', 'en-US']),
    theme: z.enum(['midnight', 'contrast']),
    /**
     * How the wall is drawn: `lite` is the same layout, colours and type drawn flat (no glows, gradients or
     * seconds on the clock), for PCs whose Chromium draws in software; `auto` picks it when WebGL reports a
     * software rasteriser (SwiftShader, llvmpipe).
     */
    rendering: z.enum(['auto', 'full', 'lite']),
    /** A sound with the full-screen alert for a new event of the highest severity. */
    alertSound: z.boolean(),
    watermark: z.object({ enabled: z.boolean(), operator: z.string().trim().max(40) }).strict(),
    basemap: Basemap,
    displays: z
      .array(DisplayPlaylist)
      .min(1)
      .max(16)
      .refine((list) => new Set(list.map((d) => d.displayKey)).size === list.length, 'Each display appears once.'),
    /** Auto-update from an intranet server (electron-updater generic provider); off while null. */
    updateUrl: httpUrl('The update server').nullable(),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

/** A change from the Settings page: any top-level fields, each replaced whole. */
export const SettingsPatch = Settings.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const DEFAULT_SETTINGS: Settings = {
  districtTitle: '广安区网格化服务管理指挥中心',
  language: 'zh-CN',
  theme: 'midnight',
  rendering: 'auto',
  alertSound: false,
  watermark: { enabled: false, operator: '' },
  basemap: { kind: 'none' },
  displays: [{ displayKey: '*', scenes: [...SCENE_IDS], rotate: true, rotateSeconds: 30, kiosk: true }],
  updateUrl: null,
};

/** The playlist a display follows: its own entry, else the "*" entry, else the first. */
export function playlistFor(settings: Settings, displayKey: string): DisplayPlaylist {
  return settings.displays.find((d) => d.displayKey === displayKey) ?? settings.displays.find((d) => d.displayKey === '*') ?? settings.displays[0];
}

/** The central API connection as Settings may show it: never the token itself. */
export const ApiConnectionView = z.object({
  /** null: no central API configured, the embedded demo server runs. */
  baseUrl: z.string().nullable(),
  tokenSet: z.boolean(),
  caFile: z.string().nullable(),
  proxy: z.string().nullable(),
  /** Where the connection comes from; only 'settings' (or none) may be changed from the Settings page. */
  source: z.enum(['settings', 'environment', 'demo']),
  /** False on hosts that cannot keep a secret (the web host: set GCC_API_URL / GCC_API_TOKEN_FILE instead). */
  editable: z.boolean(),
});
export type ApiConnectionView = z.infer<typeof ApiConnectionView>;

/** A new central API connection from the Settings page. An omitted token keeps the stored one. */
export const ApiConnectionInput = z
  .object({
    baseUrl: httpUrl('The central API address'),
    token: z.string().min(1, 'The token must not be empty.').max(4096).optional(),
    caFile: z.string().trim().max(1024).optional(),
    proxy: httpUrl('The proxy').optional(),
  })
  .strict();
export type ApiConnectionInput = z.infer<typeof ApiConnectionInput>;
