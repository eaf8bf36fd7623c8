/**
 * 013: a street's or community's departments and services are read from rollups too, like its cases (008). A scope's
 * department ranking counted the scope's cases of the window one by one, and its services joined every grid's
 * service rows of the window to the regions: 437 and 627 ms of a 1.4 s snapshot of a city's street (measured).
 * - rollup_region_departments: per region, day, department and kind, the counters of rollup_departments;
 * - rollup_region_services: per region, day and type, the counters of rollup_services.
 * Keyed by region first (a scope reads its own days). Kept in the same transaction as the others (CacheStore);
 * rebuilt when a grid changes street or community; filled here from the cases and the grid service rollup.
 */
import type { Migration } from './types';

// Spelled out (not imported from the store): a migration must not change when the code's constants do.
const LEVELS = ['street_id', 'community_id'];

export const migration013: Migration = {
  version: 13,
  name: 'region departments and services',
  up: `
    CREATE TABLE rollup_region_departments (
      region_id TEXT NOT NULL,
      day INTEGER NOT NULL,
      department_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      total INTEGER NOT NULL DEFAULT 0,
      closed INTEGER NOT NULL DEFAULT 0,
      on_time INTEGER NOT NULL DEFAULT 0,
      joint INTEGER NOT NULL DEFAULT 0,
      sat_satisfied INTEGER NOT NULL DEFAULT 0,
      sat_basic INTEGER NOT NULL DEFAULT 0,
      sat_dissatisfied INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (region_id, day, department_id, kind)
    ) WITHOUT ROWID;
    ${LEVELS.map(
      (
        level,
      ) => `INSERT INTO rollup_region_departments (region_id, day, department_id, kind, total, closed, on_time, joint, sat_satisfied, sat_basic, sat_dissatisfied)
      SELECT ${level}, day, department_id, kind, count(*), SUM(stage = 'closed'), SUM(ifnull(stage = 'closed' AND closed_at <= deadline, 0)), SUM(joint),
        SUM(ifnull(satisfaction = 'satisfied', 0)), SUM(ifnull(satisfaction = 'basically_satisfied', 0)), SUM(ifnull(satisfaction = 'dissatisfied', 0))
      FROM events WHERE ${level} IS NOT NULL AND department_id IS NOT NULL GROUP BY 1, 2, 3, 4;`,
    ).join('\n    ')}

    CREATE TABLE rollup_region_services (
      region_id TEXT NOT NULL,
      day INTEGER NOT NULL,
      type TEXT NOT NULL,
      count INTEGER NOT NULL DEFAULT 0,
      people_reached INTEGER NOT NULL DEFAULT 0,
      volunteers INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (region_id, day, type)
    ) WITHOUT ROWID;
    ${LEVELS.map(
      (level) => `INSERT INTO rollup_region_services (region_id, day, type, count, people_reached, volunteers)
      SELECT r.${level}, s.day, s.type, SUM(s.count), SUM(s.people_reached), SUM(s.volunteers)
      FROM rollup_services s JOIN regions r ON r.id = s.grid_id WHERE r.${level} IS NOT NULL GROUP BY 1, 2, 3;`,
    ).join('\n    ')}
  `,
};
