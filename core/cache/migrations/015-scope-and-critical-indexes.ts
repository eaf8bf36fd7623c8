/**
 * 015: indexes for the spotlight's pick of a scope's most critical grids (the grids with open cases of the window
 * that had the most critical cases). At city scale (20,000 grids) the district's pick sorted the whole year rollup
 * (1.1 ms of a snapshot) and a street's scanned the regions table, geometry and all, for its grids (4.8 ms); read by
 * critical count, and by a street's or community's grid ids, they take 0.03 and 1.1 ms, measured.
 */
import type { Migration } from './types';

export const migration015: Migration = {
  version: 15,
  name: 'scope and critical indexes',
  up: `
    CREATE INDEX regions_street ON regions(street_id, id);
    CREATE INDEX regions_community ON regions(community_id, id);
    CREATE INDEX rollup_grids_week_critical ON rollup_grids_week(week, critical);
    CREATE INDEX rollup_grids_month_critical ON rollup_grids_month(month, critical);
    CREATE INDEX rollup_grids_year_critical ON rollup_grids_year(year, critical);
  `,
};
