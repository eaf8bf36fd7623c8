/** The GPU line in the main log (issue 18): a wall PC drawing in software says so, once Chromium knows. */
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { reportGpu } from '../../electron/main/gpu';
import { app, fake, SOFTWARE_GPU_STATUS } from '../fakes/electron';
import { boot, recordingLog } from './harness';

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
});
