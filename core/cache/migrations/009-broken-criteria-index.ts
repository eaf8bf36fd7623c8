/**
 * 009: a partial index of the cases that break a safe-grid criterion, covering what the live status reads (which
 * grid broke which criterion in the quarter so far): that read went through the day index and visited every case
 * of the quarter, 15–43 ms of a city snapshot (20,000 grids, 5M events), measured; now only those few cases.
 */
import type { Migration } from './types';

export const migration009: Migration = {
  version: 9,
  name: 'broken criteria index',
  up: `
    CREATE INDEX events_broken ON events(day, grid_id, criterion) WHERE criterion IS NOT NULL;
  `,
};
