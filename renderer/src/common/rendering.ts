/**
 * Full or lite rendering. Many command-center PCs (信创 machines) have no working GPU driver, so Chromium draws in
 * software (SwiftShader) and every frame of a 1920×1080 wall costs tens of milliseconds of CPU. Lite draws the same
 * layout, colours and type flat (no glows, gradients, drop shadows) and ticks the clock once a minute, so an idle
 * wall draws one frame a minute instead of one a second. `auto` picks lite when WebGL names a software rasteriser.
 * The page's <html data-rendering> carries the result; the lite rules are in styles/theme.css.
 */
export type RenderingSetting = 'auto' | 'full' | 'lite';
export type Rendering = 'full' | 'lite';

/** Software rasterisers as WebGL names them: Chromium's SwiftShader, Mesa's llvmpipe and softpipe, Windows' WARP. */
export function isSoftwareRenderer(name: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software rasterizer|microsoft basic render/i.test(name);
}

let detected: string | null | undefined;

/** The GPU (or software rasteriser) WebGL draws with, as the driver names it; null when WebGL is unavailable. */
export function glRendererName(): string | null {
  if (detected !== undefined) return detected;
  try {
    const canvas = document.createElement('canvas');
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return (detected = null);
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    detected = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext(); // one context fewer for the map
  } catch {
    detected = null;
  }
  return detected;
}

/**
 * The rendering for a setting; `rendererName` (e.g. glRendererName) is asked only for `auto`, so a page set to full
 * or lite never opens a WebGL context to find out.
 */
export function resolveRendering(setting: RenderingSetting, rendererName: () => string | null): Rendering {
  if (setting !== 'auto') return setting;
  const name = rendererName();
  // No WebGL at all is software drawing too, at its worst.
  return name === null || isSoftwareRenderer(name) ? 'lite' : 'full';
}

/** `?rendering=full|lite` before the `#` (as `?lang=`; ops scripts, benchmarks): wins over the setting. */
export function urlRendering(search: string = window.location.search): Rendering | null {
  const value = new URLSearchParams(search).get('rendering');
  return value === 'full' || value === 'lite' ? value : null;
}
