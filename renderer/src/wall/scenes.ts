/**
 * The wall's scenes, in their default playlist order, each with its URL id (`#/wall/<id>`) and what its map
 * shows. The ids are defined once, with the settings (a display's playlist names them).
 */
import type { EventKind } from '../../../shared/api/schemas';
import { SCENE_IDS, type SceneId } from '../../../shared/settings';
import type { SceneMapOptions } from '../map/style';

export const SCENES = SCENE_IDS;
export type { SceneId };

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

/** Seconds the spotlight stays on each grid. */
export const SPOTLIGHT_SECONDS = 12;
