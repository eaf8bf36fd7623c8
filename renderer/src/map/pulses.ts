/**
 * New cases pulse on the map for a bounded time: which do (the scene's kinds, not closed), and which still are.
 * They are drawn above the map, not in it (MapPulses.vue).
 */
import type { EventKind } from '../../../shared/api/schemas';
import type { EventSummary } from '../../../shared/bridge/scene';

/** One ring of a pulse grows and fades over this long. */
export const PULSE_MS = 1800;
/** A new case pulses for two rings, then only its point stays. */
export const PULSE_LIFETIME_MS = PULSE_MS * 2;

/** A case pulsing since `start` (the pulse clock's time, performance.now()). */
export interface Pulse {
  event: EventSummary;
  start: number;
}

/** Does this scene's map pulse for this new case? Only for its kinds, and never for a case already closed. */
export function showsPulse(event: EventSummary, kinds: readonly EventKind[]): boolean {
  return kinds.includes(event.kind) && event.stage !== 'closed';
}

/** The pulses still running at `now`; the same array when none has ended (the clock stops when it is empty). */
export function alivePulses(pulses: readonly Pulse[], now: number): readonly Pulse[] {
  const alive = pulses.filter((p) => now - p.start <= PULSE_LIFETIME_MS);
  return alive.length === pulses.length ? pulses : alive;
}
