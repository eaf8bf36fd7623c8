/**
 * The GPU line in the main log (issue 18): a wall PC drawing in software says so, once Chromium knows; and from its
 * next start composites the page in software (gpu.ts says why, with the figures).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { applySoftwareGlSwitches, reportGpu } from '../../electron/main/gpu';
import { RELAUNCHED_FOR_GPU } from '../../electron/main/app';
import { SOFTWARE_GL_SWITCHES } from '../../shared/software-gl';
import { app, fake, SOFTWARE_GPU_STATUS } from '../fakes/electron';
import { boot, freshUserData, recordingLog } from './harness';

beforeEach(() => fake.reset());

describe('what Chromium draws with', () => {
  it('without a GPU: names the features drawn in software and says the wall goes lite', () => {
    const log = recordingLog();
    const report = reportGpu(log);
    expect(report.software).toBe(true);
    expect(report.features).toEqual(['gpu_compositing', 'webgl', 'webgl2', 'rasterization']);
    const line = log.lines.find((l) => l.level === 'info')!.message;
    expect(line).toContain('without a GPU');
    expect(line).toContain('gpu_compositing=disabled_software');
  });

  it('with a GPU: says so, nothing in software', () => {
    app.gpuFeatureStatus = Object.fromEntries(Object.keys(SOFTWARE_GPU_STATUS).map((k) => [k, 'enabled']));
    const log = recordingLog();
    expect(reportGpu(log)).toMatchObject({ software: false, features: [] });
    expect(log.lines.find((l) => l.level === 'info')!.message).toMatch(/^Chromium draws with the GPU/);
  });

  it('the app logs it once, when Chromium reports its GPU info (not before: the status is not usable then)', async () => {
    const log = recordingLog();
    await boot({ log });
    expect(log.lines.some((l) => /GPU features/.test(l.message))).toBe(false);
    app.emit('gpu-info-update');
    app.emit('gpu-info-update');
    expect(log.lines.filter((l) => /GPU features/.test(l.message))).toHaveLength(1);
  });

  it('a PC found drawing WebGL in software composites in software from its next start, and back when it has a GPU', async () => {
    const userData = freshUserData();
    const state = path.join(userData, 'gpu.json');
    // First start: nothing known, Chromium starts as it would.
    expect(applySoftwareGlSwitches(userData)).toBe(false);
    const first = recordingLog();
    expect(reportGpu(first, userData, false).softwareWebgl).toBe(true);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual({ softwareWebgl: true });
    expect(first.lines.some((l) => /from the next start the page is composited in software/.test(l.message))).toBe(true);
    // Next start: the switches, before ready; the same finding is not said again.
    expect(applySoftwareGlSwitches(userData)).toBe(true);
    for (const name of SOFTWARE_GL_SWITCHES) expect(app.commandLine.hasSwitch(name)).toBe(true);
    const second = recordingLog();
    reportGpu(second, userData, true);
    expect(second.lines.some((l) => /next start/.test(l.message))).toBe(false);
    // A GPU driver installed: WebGL on the GPU (compositing still in software, by our switch) — back to the GPU.
    app.gpuFeatureStatus = { ...Object.fromEntries(Object.keys(SOFTWARE_GPU_STATUS).map((k) => [k, 'enabled'])), gpu_compositing: 'disabled_software' };
    const third = recordingLog();
    expect(reportGpu(third, userData, true)).toMatchObject({ softwareWebgl: false });
    expect(third.lines.some((l) => /composited on the GPU again/.test(l.message))).toBe(true);
    app.commandLine.removeSwitch(SOFTWARE_GL_SWITCHES[0]);
    expect(applySoftwareGlSwitches(userData)).toBe(false);
    expect(app.commandLine.hasSwitch(SOFTWARE_GL_SWITCHES[0])).toBe(false);
  });

  it('a damaged gpu.json is as none: Chromium starts as it would, and the finding is written again', () => {
    const userData = freshUserData();
    writeFileSync(path.join(userData, 'gpu.json'), '{"softwareWebgl": "yes"');
    expect(applySoftwareGlSwitches(userData)).toBe(false);
    reportGpu(recordingLog(), userData, false);
    expect(JSON.parse(readFileSync(path.join(userData, 'gpu.json'), 'utf8'))).toEqual({ softwareWebgl: true });
  });

  it('the app applies the switches before ready, from what its last start found', async () => {
    const userData = freshUserData();
    writeFileSync(path.join(userData, 'gpu.json'), JSON.stringify({ softwareWebgl: true }));
    await boot();
    expect(app.commandLine.hasSwitch('disable-gpu-compositing')).toBe(true);
    app.emit('gpu-info-update');
    expect(existsSync(path.join(userData, 'gpu.json'))).toBe(true);
  });

  it('a first start that finds WebGL in software restarts once, gracefully, with the switches; not again in a row', async () => {
    freshUserData();
    const log = recordingLog();
    await boot({ log });
    app.emit('gpu-info-update');
    await vi.waitFor(() => expect(app.ended?.how).toBe('quit'));
    expect(app.relaunches).toHaveLength(1);
    expect((app.relaunches[0] as { args: string[] }).args).toContain(RELAUNCHED_FOR_GPU);
    expect(log.lines.some((l) => /Restarting once/.test(l.message))).toBe(true);

    // The restarted app (same finding kept, switches on) stays; so would one started with the argument.
    fake.reset();
    const argv = process.argv;
    process.argv = [...argv, RELAUNCHED_FOR_GPU];
    try {
      freshUserData();
      await boot();
      app.emit('gpu-info-update');
      await new Promise((r) => setTimeout(r, 50));
      expect(app.relaunches).toEqual([]);
      expect(app.ended).toBeNull();
    } finally {
      process.argv = argv;
    }
  });

  it('a PC whose finding is known starts with its switches and does not restart', async () => {
    const userData = freshUserData();
    writeFileSync(path.join(userData, 'gpu.json'), JSON.stringify({ softwareWebgl: true }));
    await boot();
    app.emit('gpu-info-update');
    await new Promise((r) => setTimeout(r, 50));
    expect(app.relaunches).toEqual([]);
    expect(app.ended).toBeNull();
  });
});
