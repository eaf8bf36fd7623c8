/**
 * What the wall must say about its own data: pure functions of the sync state, the connection and the clock,
 * tested on their own. The banner is shown whenever the numbers on the wall may not be current.
 */
import type { SyncStatus } from '../../../shared/bridge/contract';

export type Banner =
  | { kind: 'hostDown' }
  | { kind: 'stale'; minutes: number; state: SyncStatus['state'] }
  | { kind: 'never'; state: SyncStatus['state'] }
  | { kind: 'error'; detail: string }
  | { kind: 'syncing'; records: number; total: number | null; etaSeconds: number | null }
  | null;

/** Beyond this the data is called stale even while the sync says "live" (a stream that went quiet). */
export const LIVE_QUIET_MINUTES = 15;

export function bannerFor(input: { connected: boolean; sync: SyncStatus | null; now: number; error: string | null; hasData: boolean }): Banner {
  if (!input.connected && input.hasData) return { kind: 'hostDown' };
  if (input.error && !input.hasData) return { kind: 'error', detail: input.error };
  const sync = input.sync;
  if (!sync) return null;
  const last = sync.lastContact ? Date.parse(sync.lastContact) : NaN;
  const minutes = Number.isFinite(last) ? Math.max(0, Math.floor((input.now - last) / 60_000)) : null;
  if (sync.state === 'live') {
    return minutes !== null && minutes >= LIVE_QUIET_MINUTES ? { kind: 'stale', minutes, state: sync.state } : null;
  }
  // First sync (or a long catch-up): the numbers on the wall are still growing.
  if (sync.state === 'syncing' && sync.progress && (sync.progress.total === null || sync.progress.records < sync.progress.total)) {
    return { kind: 'syncing', records: sync.progress.records, total: sync.progress.total, etaSeconds: sync.progress.etaSeconds };
  }
  if (sync.state === 'syncing' && minutes !== null && minutes < 1) return null;
  if (minutes === null) return { kind: 'never', state: sync.state };
  return { kind: 'stale', minutes, state: sync.state };
}
