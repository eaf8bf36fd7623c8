/**
 * 008: rollups per street and per community, so a scope's figures (广安区 › 中桥街道 › a community) are read, not
 * summed from its grids at query time:
 * - rollup_region_kinds: per region, day and kind, every event counter: a scope's totals, funnel and trend (keyed
 *   by region first: a scope reads its own days, at most 366 × 5 rows for any window);
 * - rollup_regions_week / _month / _year: per period and region, the grid counters of 006: the rankings of a
 *   scope's streets or communities read one row each.
 * region_id is a street's or a community's id (ids are unique across levels). Kept in the same transaction as
 * the grid rollups (CacheStore); rebuilt from them when a grid changes street or community; filled here from them.
 * Events get indexes by street and by community and time, for a scope's newest cases.
 */
import type { Migration } from './types';

// Spelled out (not imported from the store): a migration must not change when the code's constants do.
const EVENT_COUNTERS = `total, closed, on_time, joint, resolved, sat_satisfied, sat_basic, sat_dissatisfied, critical, breaking,
  st_reported, st_analysed, st_dispatched, st_supervised, st_evaluated`;
const GRID_COUNTERS = 'total, closed, on_time, critical, disputes, disputes_resolved, appeal_satisfied, appeal_basic, appeal_dissatisfied';
const list = (columns: string) => columns.split(',').map((c) => c.trim());
const sums = (columns: string, of = '') =>
  list(columns)
    .map((c) => `SUM(${of}${c})`)
    .join(', ');
const counterColumns = (columns: string) =>
  list(columns)
    .map((c) => `${c} INTEGER NOT NULL DEFAULT 0`)
    .join(',\n      ');

/** The region columns of a grid in `regions`: a row per level it belongs to. */
const LEVELS = ['street_id', 'community_id'];

const periodTable = (period: string) => `
    CREATE TABLE rollup_regions_${period} (
      ${period} INTEGER NOT NULL,
      region_id TEXT NOT NULL,
      ${counterColumns(GRID_COUNTERS)},
      PRIMARY KEY (${period}, region_id)
    ) WITHOUT ROWID;
    ${LEVELS.map(
      (level) => `INSERT INTO rollup_regions_${period} (${period}, region_id, ${GRID_COUNTERS})
      SELECT g.${period}, r.${level}, ${sums(GRID_COUNTERS, 'g.')}
      FROM rollup_grids_${period} g JOIN regions r ON r.id = g.grid_id
      WHERE r.${level} IS NOT NULL GROUP BY 1, 2;`,
    ).join('\n    ')}`;

export const migration008: Migration = {
  version: 8,
  name: 'region rollups',
  up: `
    CREATE TABLE rollup_region_kinds (
      region_id TEXT NOT NULL,
      day INTEGER NOT NULL,
      kind TEXT NOT NULL,
      ${counterColumns(EVENT_COUNTERS)},
      PRIMARY KEY (region_id, day, kind)
    ) WITHOUT ROWID;
    ${LEVELS.map(
      (level) => `INSERT INTO rollup_region_kinds (region_id, day, kind, ${EVENT_COUNTERS})
      SELECT r.${level}, e.day, e.kind, ${sums(EVENT_COUNTERS, 'e.')}
      FROM rollup_events e JOIN regions r ON r.id = e.grid_id
      WHERE r.${level} IS NOT NULL GROUP BY 1, 2, 3;`,
    ).join('\n    ')}
    ${periodTable('week')}
    ${periodTable('month')}
    ${periodTable('year')}

    CREATE INDEX events_street_reported ON events(street_id, reported_at);
    CREATE INDEX events_community_reported ON events(community_id, reported_at);
  `,
};
