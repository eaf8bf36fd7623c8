import { describe, expect, it } from 'vitest';
import {
  alivePulses,
  paintPulses,
  pulsePhase,
  PULSE_LIFETIME_MS,
  PULSE_MS,
  showsPulse,
  STILL_PHASE,
  type PulseContext,
  type Pulse,
} from '../../renderer/src/map/pulses';
import { KIND_COLOR } from '../../renderer/src/map/palette';
import { event } from './fixtures';

const pulse = (id: string, start: number, over: Partial<Parameters<typeof event>[0]> = {}): Pulse => ({ event: event({ id, ...over }), start });

/** A canvas context that records what is drawn: each arc with the stroke or fill it got, and its alpha and width. */
function recorder() {
  const drawn: string[] = [];
  let arc = '';
  const ctx = {
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    globalAlpha: 1,
    setTransform: (a: number) => void drawn.push(`transform ${a}`),
    clearRect: (_x: number, _y: number, w: number, h: number) => void drawn.push(`clear ${w}×${h}`),
    beginPath: () => void (arc = ''),
    arc: (x: number, y: number, r: number) => void (arc = `${x},${y} r${r}`),
    stroke: () => void drawn.push(`stroke ${arc} ${ctx.strokeStyle} w${ctx.lineWidth} a${ctx.globalAlpha}`),
    fill: () => void drawn.push(`fill ${arc} ${ctx.fillStyle}`),
  };
  return { ctx: ctx as unknown as PulseContext, drawn };
}

describe('pulses', () => {
  it('a pulse lives for two rings; the same array while none has ended', () => {
    const pulses = [pulse('n1', 1000), pulse('n2', 2000)];
    expect(alivePulses(pulses, 1000 + PULSE_LIFETIME_MS)).toBe(pulses);
    expect(alivePulses(pulses, 1000 + PULSE_LIFETIME_MS + 1).map((p) => p.event.id)).toEqual(['n2']);
    expect(alivePulses(pulses, 2000 + PULSE_LIFETIME_MS + 1)).toEqual([]);
  });

  it('only cases of the scene’s kinds pulse, and never closed ones', () => {
    expect(showsPulse(event({ id: 'a', kind: 'appeal' }), ['appeal'])).toBe(true);
    expect(showsPulse(event({ id: 'd', kind: 'dispute' }), ['appeal'])).toBe(false);
    expect(showsPulse(event({ id: 'c', kind: 'appeal', stage: 'closed' }), ['appeal'])).toBe(false);
  });

  it('the ring’s phase follows the clock; in lite it stands still, half grown', () => {
    expect(pulsePhase(1250, false)).toBeCloseTo(1250 / PULSE_MS, 9);
    expect(pulsePhase(PULSE_MS + 450, false)).toBeCloseTo(0.25, 9);
    expect(pulsePhase(1250, true)).toBe(STILL_PHASE);
    expect(pulsePhase(9999, true)).toBe(STILL_PHASE);
  });

  it('paints a ring and a dot per case in its kind’s colour, at the canvas’s pixel ratio and the wall’s scale', () => {
    const { ctx, drawn } = recorder();
    paintPulses(ctx, [{ x: 100, y: 50, kind: 'dispute' }], { width: 800, height: 600, ratio: 0.5, scale: 2, phase: 0.5 });
    expect(drawn).toEqual([
      'transform 0.5',
      'clear 800×600',
      // (10 + 34 × 0.5) × 2 = 54, its 6 px stroke outside it as MapLibre's circle stroke is: centred at 57
      `stroke 100,50 r57 ${KIND_COLOR.dispute} w6 a0.5`,
      `fill 100,50 r14 ${KIND_COLOR.dispute}`,
      'stroke 100,50 r14 #ffffff w4 a1',
    ]);
  });

  it('a ring grows and fades with its phase', () => {
    const at = (phase: number) => {
      const { ctx, drawn } = recorder();
      paintPulses(ctx, [{ x: 0, y: 0, kind: 'appeal' }], { width: 100, height: 100, ratio: 1, scale: 1, phase });
      return drawn[2];
    };
    expect(at(0)).toBe(`stroke 0,0 r11.5 ${KIND_COLOR.appeal} w3 a1`);
    expect(at(1)).toBe(`stroke 0,0 r45.5 ${KIND_COLOR.appeal} w3 a0`);
  });

  it('clears the canvas and draws nothing for no pulse, or for places off the canvas by more than a ring', () => {
    const { ctx, drawn } = recorder();
    paintPulses(ctx, [], { width: 100, height: 100, ratio: 1, scale: 1, phase: 0 });
    expect(drawn).toEqual(['transform 1', 'clear 100×100']);
    drawn.length = 0;
    paintPulses(
      ctx,
      [
        { x: -60, y: 10, kind: 'appeal' },
        { x: 10, y: 150, kind: 'appeal' },
        { x: 130, y: 10, kind: 'hazard' },
      ],
      { width: 100, height: 100, ratio: 1, scale: 1, phase: 0 },
    );
    // The third is 30 px right of the canvas: its ring (44 px at its largest) still reaches in.
    expect(drawn.filter((d) => d.startsWith('fill'))).toEqual([`fill 130,10 r7 ${KIND_COLOR.hazard}`]);
  });
});
