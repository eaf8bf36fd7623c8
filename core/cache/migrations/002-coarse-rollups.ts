/**
 * 002: coarser rollups for long windows. A year of the daily grid rollup is up to 365 × grids × kinds rows, and
 * the wall's 本年累计 panels and the year trend read all of them on every snapshot (≈150 ms measured). Per month ×
 * grid × kind, per month × department × kind, and district-wide per day × kind, the same figures are a few
 * thousand rows. Kept in the same transaction as the daily ones (CacheStore); filled here from the daily tables.
 */
import type { Migration } from './types';

const EVENT_COUNTERS = `total, closed, on_time, joint, resolved, sat_satisfied, sat_basic, sat_dissatisfied, critical, breaking,
  st_reported, st_analysed, st_dispatched, st_supervised, st_evaluated`;
const sums = (columns: string) =>
  columns
    .split(',')
    .map((c) => `SUM(${c.trim()})`)
    .join(', ');
const counterColumns = (columns: string) =>
  columns
    .split(',')
    .map((c) => `${c.trim()} INTEGER NOT NULL DEFAULT 0`)
    .join(',\n      ');

const DEPT_COUNTERS = 'total, closed, on_time, joint, sat_satisfied, sat_basic, sat_dissatisfied';
const KIND_COUNTERS = 'total, closed, resolved';

export const migration002: Migration = {
  version: 2,
  name: 'coarse rollups',
  up: `
    -- month = yyyymm of the Shanghai day of reporting
    CREATE TABLE rollup_events_month (
      month INTEGER NOT NULL,
      grid_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      ${counterColumns(EVENT_COUNTERS)},
      PRIMARY KEY (month, grid_id, kind)
    ) WITHOUT ROWID;
    INSERT INTO rollup_events_month (month, grid_id, kind, ${EVENT_COUNTERS})
      SELECT day / 100, grid_id, kind, ${sums(EVENT_COUNTERS)} FROM rollup_events GROUP BY day / 100, grid_id, kind;

    CREATE TABLE rollup_departments_month (
      month INTEGER NOT NULL,
      department_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      ${counterColumns(DEPT_COUNTERS)},
      PRIMARY KEY (month, department_id, kind)
    ) WITHOUT ROWID;
    INSERT INTO rollup_departments_month (month, department_id, kind, ${DEPT_COUNTERS})
      SELECT day / 100, department_id, kind, ${sums(DEPT_COUNTERS)} FROM rollup_departments GROUP BY day / 100, department_id, kind;

    -- District-wide per day and kind: the trend lines.
    CREATE TABLE rollup_kinds (
      day INTEGER NOT NULL,
      kind TEXT NOT NULL,
      ${counterColumns(KIND_COUNTERS)},
      PRIMARY KEY (day, kind)
    ) WITHOUT ROWID;
    INSERT INTO rollup_kinds (day, kind, ${KIND_COUNTERS})
      SELECT day, kind, ${sums(KIND_COUNTERS)} FROM rollup_events GROUP BY day, kind;
  `,
};
