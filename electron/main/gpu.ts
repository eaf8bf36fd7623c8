/**
 * What Chromium draws with on this PC, said once in the log after start (issue 18): many command-center PCs
 * (信创 machines, Kylin/UOS on Phytium or Kunpeng) have weak or no GPU drivers, and Chromium then draws in software.
 * The page finds the same from WebGL's renderer name and switches to its lite rendering by itself
 * (renderer/src/common/rendering.ts); this line lets whoever reads the log see why a wall looks plainer.
 *
 * Chromium switches tried for software GL, measured with the wall benchmark (1920×1080, SwiftShader, 2 cores):
 * - `disable-gpu-compositing` (composite in software, only the damaged area) — set on a PC whose WebGL is drawn in
 *   software. Composited by SwiftShader, every frame of the page cost the GPU process ~40 ms at 1080p however little
 *   changed (a pulse on the map's canvas overlay at 13 frames/s: 88 % of a core); composited in software, ~6 ms
 *   (13 %). Its cost, the map's WebGL canvas read back on the page's thread for every map frame (the page waits for
 *   SwiftShader to finish it), lite avoids by showing the map through a copy read back without waiting
 *   (renderer/src/map/mirror.ts); and new cases pulse on a canvas above the map, not in it. With the three, event →
 *   pixel at 50 cases/s (bench-wall e2p) went from p95 0.64–0.91 s to 129 ms at 1080p, 1.5–3.0 s to 224 ms at 4K.
 *   Set alone, before the pulses left the map, it made things worse (p50 276 → 734 ms): each pulse was a map frame
 *   read back.
 *   Chromium can only take it at start, and only the GPU info after start says whether WebGL is software: so the
 *   finding is kept (gpu.json in the user-data folder) and applies from the next start; a PC that gets a GPU driver
 *   reports WebGL on the GPU again and goes back the same way. Without it a wall at 50 cases/s is worse than with
 *   no change at all (event → pixel p95 2.8 s at 1080p, measured), so the app restarts itself once when the finding
 *   is new (app.ts), not waiting for someone to restart it.
 * - `disable-smooth-scrolling`: nothing on the wall scrolls; no effect to measure. Not set.
 * - background throttling is turned off per window instead (window.ts): an occluded or unfocused wall window would
 *   otherwise stop its animation frames and slow its timers, i.e. stop drawing live cases and its clock.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { app } from 'electron';
import { SOFTWARE_GL_SWITCHES } from '../../shared/software-gl';
import type { MainLog } from './log';

/** What the last start found, in the user-data folder. */
const STATE_FILE = 'gpu.json';

interface GpuState {
  /** WebGL was drawn in software (SwiftShader, llvmpipe…). */
  softwareWebgl: boolean;
}

function readState(userData: string): GpuState | null {
  try {
    const state = JSON.parse(readFileSync(path.join(userData, STATE_FILE), 'utf8')) as Partial<GpuState>;
    return typeof state.softwareWebgl === 'boolean' ? { softwareWebgl: state.softwareWebgl } : null;
  } catch {
    return null; // first start, or a file no one should have edited: start as Chromium would
  }
}

/**
 * Before `ready`: the switches for software GL when the last start found WebGL drawn in software. Returns whether
 * they were set.
 */
export function applySoftwareGlSwitches(userData: string): boolean {
  if (!readState(userData)?.softwareWebgl) return false;
  for (const name of SOFTWARE_GL_SWITCHES) app.commandLine.appendSwitch(name);
  return true;
}

/** Features Chromium reports as drawn in software or not at all (values like 'disabled_software', 'unavailable_off'). */
function softwareFeatures(status: Record<string, string>): string[] {
  return ['gpu_compositing', 'webgl', 'webgl2', 'rasterization'].filter((k) => k in status && !/^enabled/.test(status[k]!));
}

export interface GpuReport {
  /** True when compositing or WebGL runs without a GPU. */
  software: boolean;
  /** True when WebGL does (compositing may be in software by our own switch). */
  softwareWebgl: boolean;
  /** The finding differs from this start's switches and is kept for the next start: a restart would apply it. */
  restartApplies: boolean;
  /** The features not on the GPU, as Chromium names them. */
  features: string[];
  status: Record<string, string>;
}

/**
 * Reads Chromium's GPU feature status (once 'gpu-info-update' has fired) and logs it in one line. With `userData`,
 * keeps whether WebGL is drawn in software for the next start's switches (`switched`: whether this one has them).
 */
export function reportGpu(log: MainLog, userData?: string, switched = false): GpuReport {
  const status = app.getGPUFeatureStatus() as unknown as Record<string, string>;
  const features = softwareFeatures(status);
  const softwareWebgl = features.includes('webgl');
  const software = features.includes('gpu_compositing') || softwareWebgl;
  const summary = Object.entries(status)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  log.info(
    software
      ? `Chromium draws without a GPU here (${features.join(', ')}); the wall picks its lite rendering unless Settings say otherwise. GPU features: ${summary}`
      : `Chromium draws with the GPU. GPU features: ${summary}`,
  );
  let restartApplies = false;
  if (userData !== undefined && readState(userData)?.softwareWebgl !== softwareWebgl) {
    try {
      writeFileSync(path.join(userData, STATE_FILE), JSON.stringify({ softwareWebgl } satisfies GpuState));
      restartApplies = softwareWebgl !== switched;
      if (restartApplies)
        log.info(
          softwareWebgl
            ? 'WebGL is drawn in software: from the next start the page is composited in software too (much cheaper than by SwiftShader).'
            : 'WebGL is drawn on the GPU: from the next start the page is composited on the GPU again.',
        );
    } catch (error) {
      log.warn(`Could not keep the GPU finding in ${userData}: ${String(error)}`);
    }
  }
  return { software, softwareWebgl, restartApplies, features, status };
}
