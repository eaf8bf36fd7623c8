/**
 * 007: quarantine that heals, and evaluations ordered by when their period ends.
 * - quarantine.waiting_for names the reference data a record waits for ('grid:<id>', 'department:<id>',
 *   'task:<code>'); such records are applied again whenever the reference data changes, and land when they fit.
 *   Records quarantined as "not a grid" by an older version get it too, and the reference ETags are forgotten, so
 *   the next sync fetches the regions again and lands what now fits (they were lost for good before).
 * - evaluations.period_key orders periods by their end, a half-year after its quarters (periodOrder in
 *   shared/kpi/formulas.ts): "2023-H1" sorted before "2023-Q1" as text, so half-year evaluations never counted.
 */
import type { Migration } from './types';

// Spelled out here (not imported): a migration must not change when the code does. Same as periodOrder().
const PERIOD_KEY = `(CAST(substr(period, 1, 4) AS INTEGER) * 100
    + CAST(substr(period, 7, 1) AS INTEGER) * (CASE substr(period, 6, 1) WHEN 'H' THEN 6 ELSE 3 END)) * 10
    + (substr(period, 6, 1) = 'H')`;
const NOT_A_GRID = `grid_id "%" is not a grid in the reference data`;

export const migration007: Migration = {
  version: 7,
  name: 'healing quarantine, period order',
  up: `
    ALTER TABLE quarantine ADD COLUMN waiting_for TEXT;
    UPDATE quarantine SET waiting_for = 'grid:' || substr(reason, 10, instr(substr(reason, 10), '"') - 1)
      WHERE reason LIKE '${NOT_A_GRID}';
    CREATE INDEX quarantine_waiting ON quarantine (waiting_for) WHERE waiting_for IS NOT NULL;
    UPDATE sync_state SET regions_etag = NULL, organisation_etag = NULL
      WHERE EXISTS (SELECT 1 FROM quarantine WHERE waiting_for IS NOT NULL);

    ALTER TABLE evaluations ADD COLUMN period_key INTEGER NOT NULL DEFAULT 0;
    UPDATE evaluations SET period_key = ${PERIOD_KEY};
    CREATE INDEX evaluations_grid_period ON evaluations (grid_id, period_key);
  `,
};
