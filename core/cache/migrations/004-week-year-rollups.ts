/**
 * 004: week and year rollups, so every window the wall shows (今日 / 本周 / 本月 / 本年) reads one period's rows
 * (at most grids × kinds) instead of summing days or months: the year read 11 months × 1,485 rows and a week 7
 * days of them per snapshot (p95 54–65 ms on a 1,000,000-event cache, measured). Services get a district-wide
 * day × type rollup (the snapshot only needs totals per type). Kept in the same transaction as the daily rows
 * (CacheStore); filled here from the daily tables.
 */
import type { Migration } from './types';

// Spelled out (not imported from the store): a migration must not change when the code's constants do.
const EVENT_COUNTERS = `total, closed, on_time, joint, resolved, sat_satisfied, sat_basic, sat_dissatisfied, critical, breaking,
  st_reported, st_analysed, st_dispatched, st_supervised, st_evaluated`;
const SERVICE_COUNTERS = 'count, people_reached, volunteers';
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

/** SQL for the Monday (yyyymmdd) of the week of a yyyymmdd day column. */
export const mondayOfSql = (day: string) =>
  `CAST(replace(date(printf('%04d-%02d-%02d', ${day} / 10000, ${day} / 100 % 100, ${day} % 100), '-6 days', 'weekday 1'), '-', '') AS INTEGER)`;

export const migration004: Migration = {
  version: 4,
  name: 'week and year rollups',
  up: `
    -- week = the Monday (yyyymmdd) of the Shanghai day of reporting
    CREATE TABLE rollup_events_week (
      week INTEGER NOT NULL,
      grid_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      ${counterColumns(EVENT_COUNTERS)},
      PRIMARY KEY (week, grid_id, kind)
    ) WITHOUT ROWID;
    INSERT INTO rollup_events_week (week, grid_id, kind, ${EVENT_COUNTERS})
      SELECT ${mondayOfSql('day')}, grid_id, kind, ${sums(EVENT_COUNTERS)} FROM rollup_events GROUP BY 1, grid_id, kind;

    CREATE TABLE rollup_events_year (
      year INTEGER NOT NULL,
      grid_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      ${counterColumns(EVENT_COUNTERS)},
      PRIMARY KEY (year, grid_id, kind)
    ) WITHOUT ROWID;
    INSERT INTO rollup_events_year (year, grid_id, kind, ${EVENT_COUNTERS})
      SELECT month / 100, grid_id, kind, ${sums(EVENT_COUNTERS)} FROM rollup_events_month GROUP BY month / 100, grid_id, kind;

    -- District-wide per day and service type: the services panel.
    CREATE TABLE rollup_service_types (
      day INTEGER NOT NULL,
      type TEXT NOT NULL,
      ${counterColumns(SERVICE_COUNTERS)},
      PRIMARY KEY (day, type)
    ) WITHOUT ROWID;
    INSERT INTO rollup_service_types (day, type, ${SERVICE_COUNTERS})
      SELECT day, type, ${sums(SERVICE_COUNTERS)} FROM rollup_services GROUP BY day, type;
  `,
};
