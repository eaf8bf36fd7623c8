/**
 * The Chromium switches a PC that draws WebGL in software (SwiftShader, llvmpipe: many 信创 command-center PCs)
 * starts with: the desktop app sets them (electron/main/gpu.ts, which says why, with the figures), and the wall
 * benchmarks, which run on such a machine, start their browser with them so that they measure what the app does.
 */
export const SOFTWARE_GL_SWITCHES = ['disable-gpu-compositing'] as const;
