/**
 * What Chromium draws with on this PC, said once in the log after start (issue 18): many command-center PCs
 * (信创 machines, Kylin/UOS on Phytium or Kunpeng) have weak or no GPU drivers, and Chromium then draws in software.
 * The page finds the same from WebGL's renderer name and switches to its lite rendering by itself
 * (renderer/src/common/rendering.ts); this line lets whoever reads the log see why a wall looks plainer.
 *
 * Chromium switches tried for software GL, measured with the wall benchmark (1920×1080, SwiftShader, 2 cores):
 * - `disable-gpu-compositing` (composite in software, only the damaged area): a map frame's GPU-process cost fell
 *   from ~250 to ~175 ms, but event-to-pixel at 50 cases/s got worse (p50 276 → 734 ms): the WebGL canvas is then
 *   read back on the page's own thread, which is where the wall's live updates run. Not set.
 * - `disable-smooth-scrolling`: nothing on the wall scrolls; no effect to measure. Not set.
 * - background throttling is turned off per window instead (window.ts): an occluded or unfocused wall window would
 *   otherwise stop its animation frames and slow its timers, i.e. stop drawing live cases and its clock.
 */
import { app } from 'electron';
import type { MainLog } from './log';

/** Features Chromium reports as drawn in software or not at all (values like 'disabled_software', 'unavailable_off'). */
function softwareFeatures(status: Record<string, string>): string[] {
  return ['gpu_compositing', 'webgl', 'webgl2', 'rasterization'].filter((k) => k in status && !/^enabled/.test(status[k]!));
}

export interface GpuReport {
  /** True when compositing or WebGL runs without a GPU. */
  software: boolean;
  /** The features not on the GPU, as Chromium names them. */
  features: string[];
  status: Record<string, string>;
}

/** Reads Chromium's GPU feature status (once 'gpu-info-update' has fired) and logs it in one line. */
export function reportGpu(log: MainLog): GpuReport {
  const status = app.getGPUFeatureStatus() as unknown as Record<string, string>;
  const features = softwareFeatures(status);
  const software = features.includes('gpu_compositing') || features.includes('webgl');
  const summary = Object.entries(status)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  log.info(
    software
      ? `Chromium draws without a GPU here (${features.join(', ')}); the wall picks its lite rendering unless Settings say otherwise. GPU features: ${summary}`
      : `Chromium draws with the GPU. GPU features: ${summary}`,
  );
  return { software, features, status };
}
