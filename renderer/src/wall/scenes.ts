/**
 * The wall's scenes, in playlist order, each with its URL id (`#/wall/<id>`) and what its map shows.
 */
import type { EventKind } from '../../../shared/api/schemas';
import type { SceneMapOptions } from '../map/style';

export const SCENES = ['overview', 'safe-grids', 'disputes', 'appeals', 'services'] as const;
export type SceneId = (typeof SCENES)[number];

export function isScene(value: unknown): value is SceneId {
  return typeof value === 'string' && (SCENES as readonly string[]).includes(value);
}

const ALL: EventKind[] = ['incident', 'dispute', 'hazard', 'appeal', 'service'];

export const SCENE_MAP: Record<SceneId, SceneMapOptions> = {
  overview: { mode: 'status', kinds: ALL, gridEmphasis: 'full', showPoints: true },
  'safe-grids': { mode: 'status', kinds: ['incident', 'hazard'], gridEmphasis: 'full', showPoints: true },
  disputes: { mode: 'heatmap', kinds: ['dispute'], gridEmphasis: 'quiet', showPoints: false },
  appeals: { mode: 'status', kinds: ['appeal'], gridEmphasis: 'quiet', showPoints: true },
  services: { mode: 'status', kinds: ['service'], gridEmphasis: 'quiet', showPoints: true },
};

/**
 * Seconds each scene stays on the wall.
 * TODO(settings issue): read the rotation interval from the settings store once it exists; until then this
 * constant, overridable per display with `?interval=N` in the URL.
 */
export const DEFAULT_ROTATE_SECONDS = 30;
/** Seconds the spotlight stays on each grid. */
export const SPOTLIGHT_SECONDS = 12;
/**
 * Sound with the critical-event alert.
 * TODO(settings issue): a setting, default off; until then `?sound=1` in the URL turns it on.
 */
export const DEFAULT_ALERT_SOUND = false;
