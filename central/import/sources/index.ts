/** The ledgers and exports read as tables, by source name. */
import type { TabularSource } from '../types';
import { disputes } from './disputes';
import { gridInfo } from './grid-info';
import { hazards } from './hazards';
import { hotline } from './hotline';
import { safeGrids } from './safe-grids';
import { services } from './services';

export type TabularSourceName = 'grid-info' | 'disputes' | 'hazards' | 'safe-grids' | 'services' | 'hotline';

export const TABULAR_SOURCES: Record<TabularSourceName, TabularSource> = {
  'grid-info': gridInfo,
  disputes,
  hazards,
  'safe-grids': safeGrids,
  services,
  hotline,
};
