/**
 * New cases pulse on the wall map for a bounded time: which do (the scene's kinds, not closed), which still are,
 * and how a pulse is painted.
 *
 * Pulses are painted on a 2D canvas above the map, not as a map layer (issue 18). As a layer, each new case and
 * each step of its rings redrew the whole map: on software GL (SwiftShader, 2 cores) a 1080p map frame costs the
 * GPU process 115–160 ms, and at 50 cases/s the map drew 10 frames a second and saturated it (measured: 141 % of a
 * core, 10.6 map frames/s; with the pulses off the map 4.9 frames/s). Painting a few hundred circles on a canvas
 * costs the page well under a millisecond, and the map redraws only for its own sources (at most once a second).
 */
import type { EventKind } from '../../../shared/api/schemas';
import type { EventSummary } from '../../../shared/bridge/scene';
import { KIND_COLOR } from './palette';

/** One ring of a pulse grows and fades over this long. */
export const PULSE_MS = 1800;
/** A new case pulses for two rings, then only its point stays. */
export const PULSE_LIFETIME_MS = PULSE_MS * 2;
/** Lite rendering: a ring stands still at this phase, half grown and half faded, for the pulse's lifetime. */
export const STILL_PHASE = 0.5;

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

/** The ring's phase at `now`, 0..1 (grown and faded), or the still phase of lite rendering. */
export function pulsePhase(now: number, still: boolean): number {
  return still ? STILL_PHASE : (now % PULSE_MS) / PULSE_MS;
}

/** What a pulse canvas is painted for: the canvas's size in CSS px and its pixels per CSS px. */
export interface PulseFrame {
  width: number;
  height: number;
  /** Canvas pixels per CSS px (the map's pixel ratio: lite draws fewer pixels and lets the compositor scale). */
  ratio: number;
  /** CSS px per map-style px (the wall unit over the 1080p one), as the map's own symbols are scaled. */
  scale: number;
  phase: number;
}

/** The canvas calls painting needs (a CanvasRenderingContext2D has them; tests record them). */
export type PulseContext = Pick<
  CanvasRenderingContext2D,
  'setTransform' | 'clearRect' | 'beginPath' | 'arc' | 'fill' | 'stroke' | 'fillStyle' | 'strokeStyle' | 'lineWidth' | 'globalAlpha'
>;

/**
 * Paints the pulses at their places (CSS px within the map, as the map projects them): a ring that grows from 10 to
 * 44 px and fades, and the case's dot with a white edge, in its kind's colour — as the map's pulse layer drew them.
 * Places off the canvas (by more than a ring) are skipped.
 */
export function paintPulses(ctx: PulseContext, places: readonly { x: number; y: number; kind: EventKind }[], frame: PulseFrame): void {
  const { width, height, ratio, scale: s, phase } = frame;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const ring = (10 + 34 * phase) * s;
  const margin = 44 * s;
  const shown = places.filter((p) => p.x > -margin && p.y > -margin && p.x < width + margin && p.y < height + margin);
  if (!shown.length) return;
  ctx.lineWidth = 3 * s;
  ctx.globalAlpha = Math.max(0, 1 - phase);
  for (const p of shown) {
    ctx.beginPath();
    // MapLibre's circle stroke lies outside its radius; a canvas stroke is centred on its path.
    ctx.arc(p.x, p.y, ring + 1.5 * s, 0, 2 * Math.PI);
    ctx.strokeStyle = KIND_COLOR[p.kind] ?? '#ffffff';
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  ctx.lineWidth = 2 * s;
  ctx.strokeStyle = '#ffffff';
  for (const p of shown) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, 7 * s, 0, 2 * Math.PI);
    ctx.fillStyle = KIND_COLOR[p.kind] ?? '#ffffff';
    ctx.fill();
    ctx.stroke();
  }
}
