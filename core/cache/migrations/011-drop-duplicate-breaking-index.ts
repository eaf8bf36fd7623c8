/**
 * 011: drops events_breaking, which 001 made with the very definition 009 gave events_broken (day, grid_id,
 * criterion where a criterion is broken). Every case written kept both up to date; reads use events_broken.
 */
import type { Migration } from './types';

export const migration011: Migration = {
  version: 11,
  name: 'drop duplicate breaking index',
  up: `
    DROP INDEX IF EXISTS events_breaking;
  `,
};
