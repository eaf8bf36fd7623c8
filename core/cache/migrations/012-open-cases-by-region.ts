/**
 * 012: the open-cases index (003) also carries each case's street and community, so a scope's overdue cases are
 * counted per community and department, and a street's or community's open cases are found for its map, without
 * visiting the events table. Partial (open cases only): rebuilt in moments.
 */
import type { Migration } from './types';

export const migration012: Migration = {
  version: 12,
  name: 'open cases by region',
  up: `
    DROP INDEX IF EXISTS events_open;
    CREATE INDEX events_open ON events(deadline, id, kind, stage, severity, lon, lat, grid_id, department_id, street_id, community_id)
      WHERE stage <> 'closed';
  `,
};
