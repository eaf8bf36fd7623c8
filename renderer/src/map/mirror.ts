/**
 * The map's frames shown through a copy read back without waiting: the lite rendering's answer to a PC that
 * composites in software (electron/main/gpu.ts, which a PC drawing WebGL in software does).
 *
 * Composited in software, a WebGL canvas is read back to the CPU for every frame it shows, synchronously on the
 * page's thread: the page stops until SwiftShader has finished the map frame. Measured at 50 cases/s on 1080p:
 * 31 long tasks in 15 s (2.3 s in all, up to 98 ms each), which is when new cases and figures wait to be shown.
 * Here the map's own canvas is hidden (so Chromium never reads it back) and each frame is copied into a pixel
 * buffer as it is drawn, behind a fence; when the fence has passed (polled), the pixels go into a 2D canvas in the
 * map's place: 0 long tasks. The copy is upside down (GL's rows run bottom-up), so the 2D canvas is flipped by CSS.
 *
 * Two buffers: a frame drawn while both wait takes the place of the newer of the two, so the older one, nearest to
 * done, is still shown, and the newest frame drawn is always the one shown last. (Taking the older one's place
 * showed nothing while frames kept coming: the cold start's first complete frame came 0.4–0.7 s late.)
 */
import type { Map as MapLibreMap } from 'maplibre-gl';

/** How often a waiting copy is looked at (ms): a frame shows within this of SwiftShader finishing it. */
const POLL_MS = 8;

interface Copy {
  buffer: WebGLBuffer;
  fence: WebGLSync | null;
  /** The frame it holds (1, 2, …). */
  frame: number;
}

/**
 * Shows the map through the copy until the returned function is called, calling `shown` after each copy is shown;
 * null without WebGL 2 (the map is then shown as it is).
 */
export function mirrorMap(map: MapLibreMap, shown: () => void = () => {}): (() => void) | null {
  const source = map.getCanvas();
  // The map's own context (a canvas has one): MapLibre draws with WebGL 2 where there is one.
  const context = source.getContext('webgl2');
  if (!context) return null;
  const gl: WebGL2RenderingContext = context;
  const mirror = document.createElement('canvas');
  mirror.dataset.test = 'map-mirror';
  Object.assign(mirror.style, { position: 'absolute', left: '0', top: '0', transform: 'scaleY(-1)' });
  // Pointer events reach MapLibre's canvas container through the copy, as they did through the map's canvas.
  source.after(mirror);
  source.style.visibility = 'hidden';
  // A canvas in the page's memory: shown as it is, with no GPU work.
  const ctx = mirror.getContext('2d', { willReadFrequently: true });
  const copies: Copy[] = [0, 1].map(() => ({ buffer: gl.createBuffer(), fence: null, frame: 0 }));
  let image: ImageData | null = null;
  let drawn = 0;
  let onScreen = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const drop = (copy: Copy) => {
    if (copy.fence) gl.deleteSync(copy.fence);
    copy.fence = null;
  };
  const fit = () => {
    mirror.style.width = source.style.width;
    mirror.style.height = source.style.height;
  };

  /** After each frame, in the same task (the drawing buffer still holds it): copy it, fence, flush. */
  function copyFrame() {
    const [w, h] = [gl.drawingBufferWidth, gl.drawingBufferHeight];
    if (!image || image.width !== w || image.height !== h) {
      image = new ImageData(w, h);
      [mirror.width, mirror.height] = [w, h];
      fit();
      for (const copy of copies) {
        drop(copy);
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, copy.buffer);
        gl.bufferData(gl.PIXEL_PACK_BUFFER, w * h * 4, gl.STREAM_READ);
      }
    }
    const copy = copies.find((c) => !c.fence) ?? copies.reduce((a, b) => (a.frame > b.frame ? a : b));
    drop(copy);
    const framebuffer = gl.getParameter(gl.READ_FRAMEBUFFER_BINDING) as WebGLFramebuffer | null;
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, copy.buffer);
    gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, 0);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, framebuffer);
    copy.fence = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    copy.frame = ++drawn;
    gl.flush();
    timer ??= setTimeout(poll, POLL_MS);
  }

  /** Shows the newest copy whose fence has passed; the others that passed are older and go. */
  function poll() {
    timer = null;
    const passed = copies.filter((c) => c.fence && gl.getSyncParameter(c.fence, gl.SYNC_STATUS) === gl.SIGNALED);
    const newest = passed.reduce<Copy | null>((a, b) => (a && a.frame > b.frame ? a : b), null);
    if (newest && image && ctx && newest.frame > onScreen) {
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, newest.buffer);
      gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, image.data);
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
      ctx.putImageData(image, 0, 0);
      onScreen = newest.frame;
      shown();
    }
    for (const copy of passed) drop(copy);
    if (copies.some((c) => c.fence)) timer = setTimeout(poll, POLL_MS);
  }

  map.on('render', copyFrame);
  map.on('resize', fit);
  map.triggerRepaint();
  return () => {
    map.off('render', copyFrame);
    map.off('resize', fit);
    if (timer) clearTimeout(timer);
    for (const copy of copies) {
      drop(copy);
      gl.deleteBuffer(copy.buffer);
    }
    mirror.remove();
    source.style.visibility = '';
  };
}
