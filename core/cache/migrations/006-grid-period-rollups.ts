/**
 * 006: the week, month and year rollups become per grid, without the kind, carrying what the snapshot's map and
 * rankings need of a grid (GridSums in core/query/scene.ts). Since 005 the district totals per kind come from the
 * day × kind rollup, so nothing read these tables by kind any more, and the snapshot summed a city's year of
 * grid × kind rows (93,000 for 20,000 grids) with a CASE per kind on every read: 73 ms of a 144 ms snapshot
 * (measured). A grid's row of its period is now read as it stands. Filled from the daily rollup, which keeps the kind.
 */
import type { Migration } from './types';
import { mondayOfSql } from './004-week-year-rollups';

// Spelled out (not imported from the store): a migration must not change when the code's constants do.
const GRID_COUNTERS = ['total', 'closed', 'on_time', 'critical', 'disputes', 'disputes_resolved', 'appeal_satisfied', 'appeal_basic', 'appeal_dissatisfied'];
/** The daily rollup's columns summed into GRID_COUNTERS, in their order. */
const GRID_SUMS = `SUM(total), SUM(closed), SUM(on_time), SUM(critical),
  SUM(CASE kind WHEN 'dispute' THEN total ELSE 0 END), SUM(CASE kind WHEN 'dispute' THEN resolved ELSE 0 END),
  SUM(CASE kind WHEN 'appeal' THEN sat_satisfied ELSE 0 END), SUM(CASE kind WHEN 'appeal' THEN sat_basic ELSE 0 END),
  SUM(CASE kind WHEN 'appeal' THEN sat_dissatisfied ELSE 0 END)`;

const table = (name: string, period: string, periodOfDay: string) => `
    CREATE TABLE ${name} (
      ${period} INTEGER NOT NULL,
      grid_id TEXT NOT NULL,
      ${GRID_COUNTERS.map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(',\n      ')},
      PRIMARY KEY (${period}, grid_id)
    ) WITHOUT ROWID;
    INSERT INTO ${name} (${period}, grid_id, ${GRID_COUNTERS.join(', ')})
      SELECT ${periodOfDay}, grid_id, ${GRID_SUMS} FROM rollup_events GROUP BY 1, grid_id;`;

export const migration006: Migration = {
  version: 6,
  name: 'grid period rollups',
  up: `
    -- week = the Monday (yyyymmdd), month = yyyymm, year = yyyy of the Shanghai day of reporting
    ${table('rollup_grids_week', 'week', mondayOfSql('day'))}
    ${table('rollup_grids_month', 'month', 'day / 100')}
    ${table('rollup_grids_year', 'year', 'day / 10000')}
    DROP TABLE rollup_events_week;
    DROP TABLE rollup_events_month;
    DROP TABLE rollup_events_year;
  `,
};
