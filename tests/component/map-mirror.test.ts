/**
 * The lite map shown through a copy read back without waiting (renderer/src/map/mirror.ts): the map's own canvas
 * hidden, each frame copied into a pixel buffer behind a fence, and the newest copy whose fence has passed shown —
 * never a wait on the GPU. A fake WebGL 2 context records the calls and says which fences have passed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { mirrorMap } from '../../renderer/src/map/mirror';

const SIGNALED = 0x9119;
const UNSIGNALED = 0x9118;

/** A WebGL 2 context as far as the mirror uses it: buffers, fences and what each read back holds. */
function fakeGl(width: number, height: number) {
  const calls: string[] = [];
  const passed = new Set<object>();
  let bound: { id: number; frame: number } | null = null;
  let frame = 0;
  let nextBuffer = 0;
  const gl = {
    PIXEL_PACK_BUFFER: 0x88eb,
    READ_FRAMEBUFFER: 0x8ca8,
    READ_FRAMEBUFFER_BINDING: 0x8caa,
    STREAM_READ: 0x88e1,
    RGBA: 0x1908,
    UNSIGNED_BYTE: 0x1401,
    SYNC_GPU_COMMANDS_COMPLETE: 0x9117,
    SYNC_STATUS: 0x9114,
    SIGNALED,
    drawingBufferWidth: width,
    drawingBufferHeight: height,
    createBuffer: () => ({ id: ++nextBuffer, frame: 0 }),
    deleteBuffer: (b: { id: number }) => void calls.push(`deleteBuffer ${b.id}`),
    bindBuffer: (_t: number, b: { id: number; frame: number } | null) => void (bound = b),
    bufferData: (_t: number, size: number) => void calls.push(`bufferData ${bound?.id} ${size}`),
    getParameter: () => 'map framebuffer',
    bindFramebuffer: (_t: number, fb: unknown) => void calls.push(`bindFramebuffer ${String(fb)}`),
    readPixels: () => {
      bound!.frame = frame;
      calls.push(`readPixels ${bound!.id} frame ${frame}`);
    },
    fenceSync: () => ({ frame }),
    getSyncParameter: (fence: object) => (passed.has(fence) ? SIGNALED : UNSIGNALED),
    deleteSync: () => {},
    flush: () => {},
    getBufferSubData: (_t: number, _o: number, out: Uint8ClampedArray) => {
      out[0] = bound!.frame;
      calls.push(`getBufferSubData ${bound!.id}`);
    },
  };
  return {
    gl,
    calls,
    /** The map draws a frame (and fires 'render', which the mirror copies it in). */
    draw: () => ++frame,
    /** SwiftShader has finished every frame drawn so far. */
    finishAll: (fences: object[]) => fences.forEach((f) => passed.add(f)),
    passed,
  };
}

/** The frames shown on the mirror, as the first byte each put (the frame its copy held). */
const shown: number[] = [];
let handlers: Record<string, (() => void)[]> = {};
const fences: object[] = [];

function setup(width = 4, height = 2) {
  handlers = {};
  fences.length = 0;
  const fake = fakeGl(width, height);
  const fence = fake.gl.fenceSync;
  fake.gl.fenceSync = () => {
    const f = fence();
    fences.push(f);
    return f;
  };
  const container = document.createElement('div');
  const source = document.createElement('canvas');
  source.style.width = '400px';
  source.style.height = '200px';
  container.append(source);
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement, kind: string) {
    if (this === source) return kind === 'webgl2' ? (fake.gl as never) : null;
    return { putImageData: (image: ImageData) => void shown.push(image.data[0]) } as never;
  });
  const map = {
    getCanvas: () => source,
    on: (name: string, h: () => void) => void (handlers[name] = [...(handlers[name] ?? []), h]),
    off: (name: string, h: () => void) => void (handlers[name] = (handlers[name] ?? []).filter((x) => x !== h)),
    triggerRepaint: () => {},
  } as unknown as MapLibreMap;
  const render = () => {
    fake.draw();
    for (const h of handlers.render ?? []) h();
  };
  return { fake, map, source, container, render };
}

beforeEach(() => {
  vi.useFakeTimers();
  shown.length = 0;
  // happy-dom has no ImageData.
  vi.stubGlobal(
    'ImageData',
    class {
      data: Uint8ClampedArray;
      constructor(
        public width: number,
        public height: number,
      ) {
        this.data = new Uint8ClampedArray(width * height * 4);
      }
    },
  );
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('the map seen through a copy', () => {
  it('hides the map’s canvas and shows a flipped copy in its place, at its size; undone on dispose', () => {
    const { map, source, container, fake } = setup();
    const dispose = mirrorMap(map)!;
    const mirror = container.querySelector<HTMLCanvasElement>('[data-test=map-mirror]')!;
    expect(source.style.visibility).toBe('hidden');
    expect(mirror.previousElementSibling).toBe(source);
    expect(mirror.style.transform).toBe('scaleY(-1)');
    dispose();
    expect(container.querySelector('[data-test=map-mirror]')).toBeNull();
    expect(source.style.visibility).toBe('');
    expect(fake.calls.filter((c) => c.startsWith('deleteBuffer'))).toHaveLength(2);
    expect(handlers.render).toEqual([]);
  });

  it('copies each frame as it is drawn, and shows it only once its fence has passed — never waiting', async () => {
    const { map, container, fake, render } = setup(4, 2);
    const onShown = vi.fn();
    mirrorMap(map, onShown);
    render();
    expect(fake.calls).toContain('bufferData 1 32');
    expect(fake.calls).toContain('readPixels 1 frame 1');
    // Read from the screen's framebuffer, then MapLibre's put back.
    expect(fake.calls.filter((c) => c.startsWith('bindFramebuffer'))).toEqual(['bindFramebuffer null', 'bindFramebuffer map framebuffer']);
    const mirror = container.querySelector<HTMLCanvasElement>('[data-test=map-mirror]')!;
    expect([mirror.width, mirror.height, mirror.style.width]).toEqual([4, 2, '400px']);
    await vi.advanceTimersByTimeAsync(50);
    expect(shown).toEqual([]);
    expect(fake.calls.some((c) => c.startsWith('getBufferSubData'))).toBe(false);
    fake.finishAll(fences);
    await vi.advanceTimersByTimeAsync(10);
    expect(shown).toEqual([1]);
    expect(onShown).toHaveBeenCalledTimes(1);
    // Nothing waits any more: the poll stops.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with both copies waiting, a new frame takes the newer one’s place: the older is still shown, then the newest', async () => {
    const { map, fake, render } = setup();
    mirrorMap(map);
    render(); // frame 1 → copy 1
    render(); // frame 2 → copy 2
    render(); // frame 3 → copy 2 again (frame 2 dropped)
    render(); // frame 4 → copy 2 again (frame 3 dropped)
    expect(fake.calls.filter((c) => c.startsWith('readPixels'))).toEqual([
      'readPixels 1 frame 1',
      'readPixels 2 frame 2',
      'readPixels 2 frame 3',
      'readPixels 2 frame 4',
    ]);
    // Frames keep coming, and the first is done: it is shown (a copy is never starved by newer frames).
    fake.passed.add(fences[0]);
    await vi.advanceTimersByTimeAsync(10);
    expect(shown).toEqual([1]);
    fake.finishAll(fences);
    await vi.advanceTimersByTimeAsync(10);
    expect(shown).toEqual([1, 4]);
    expect(fake.calls.filter((c) => c.startsWith('getBufferSubData'))).toEqual(['getBufferSubData 1', 'getBufferSubData 2']);
  });

  it('a frame whose fence passed after a newer one was shown is not shown over it', async () => {
    const { map, fake, render } = setup();
    mirrorMap(map);
    render(); // frame 1 → copy 1
    render(); // frame 2 → copy 2
    fake.passed.add(fences[1]);
    await vi.advanceTimersByTimeAsync(10);
    expect(shown).toEqual([2]);
    fake.passed.add(fences[0]);
    await vi.advanceTimersByTimeAsync(10);
    expect(shown).toEqual([2]);
  });

  it('without WebGL 2 the map is shown as it is', () => {
    const { map, source, container } = setup();
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    expect(mirrorMap(map)).toBeNull();
    expect(source.style.visibility).toBe('');
    expect(container.querySelector('[data-test=map-mirror]')).toBeNull();
  });
});
