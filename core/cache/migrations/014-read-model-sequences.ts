/**
 * 014: two sequences a reader can hold its own derived figures against, moved by triggers so every write path
 * (sync pages, the stream, tombstones, a resync, a grid moving) moves them in its own transaction:
 * - breaks_seq: a case breaking a safe-grid criterion was written, changed its criterion, day or grid, or went.
 *   A city snapshot read the quarter's broken criteria (8,000 cases, 5,800 grid × criterion pairs) every time,
 *   ~15 ms; they change with a small share of the cases.
 * - evaluations_seq: an evaluation was written or went. Each read thread kept the official titles of the quarter
 *   until the next quarter, and only the thread that turned the batch into a live delta forgot them: a briefing
 *   or 通报 read on another thread showed the titles from before a new evaluation.
 */
import type { Migration } from './types';

const bump = (column: string) => `UPDATE sync_state SET ${column} = ${column} + 1 WHERE id = 1;`;

export const migration014: Migration = {
  version: 14,
  name: 'read model sequences',
  up: `
    ALTER TABLE sync_state ADD COLUMN breaks_seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE sync_state ADD COLUMN evaluations_seq INTEGER NOT NULL DEFAULT 0;
    CREATE TRIGGER events_breaks_insert AFTER INSERT ON events WHEN NEW.criterion IS NOT NULL
      BEGIN ${bump('breaks_seq')} END;
    CREATE TRIGGER events_breaks_update AFTER UPDATE ON events
      WHEN NEW.criterion IS NOT OLD.criterion
        OR (NEW.criterion IS NOT NULL AND (NEW.day IS NOT OLD.day OR NEW.grid_id IS NOT OLD.grid_id))
      BEGIN ${bump('breaks_seq')} END;
    CREATE TRIGGER events_breaks_delete AFTER DELETE ON events WHEN OLD.criterion IS NOT NULL
      BEGIN ${bump('breaks_seq')} END;
    CREATE TRIGGER evaluations_insert AFTER INSERT ON evaluations BEGIN ${bump('evaluations_seq')} END;
    CREATE TRIGGER evaluations_update AFTER UPDATE ON evaluations BEGIN ${bump('evaluations_seq')} END;
    CREATE TRIGGER evaluations_delete AFTER DELETE ON evaluations BEGIN ${bump('evaluations_seq')} END;
  `,
};
