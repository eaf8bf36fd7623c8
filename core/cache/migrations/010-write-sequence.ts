/**
 * 010: a write sequence, moved by every transaction that changes what the cache holds. A wall adds a live delta's
 * counts to a snapshot only if the delta's write came after the snapshot's read; the sync cursor could not say so,
 * because stream batches leave it where it is (the stream may come out of order) — so every live case looked
 * already counted, and the wall's figures stood still.
 */
import type { Migration } from './types';

export const migration010: Migration = {
  version: 10,
  name: 'write sequence',
  up: `
    ALTER TABLE sync_state ADD COLUMN write_seq INTEGER NOT NULL DEFAULT 0;
  `,
};
