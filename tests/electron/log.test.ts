/**
 * The main process's log file: written with electron-log into the app's logs folder, rotated past its size with
 * the previous file kept.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { createFileLog, LOG_FILE_NAME, LOG_MAX_BYTES, logFolder } from '../../electron/main/log';
import { app, fake } from '../fakes/electron';

beforeEach(() => fake.reset());

const tempFolder = () => mkdtempSync(path.join(os.tmpdir(), 'gcc-logs-'));

describe('the main-process log file', () => {
  it('lives in the app’s logs folder, which the Settings page can show', () => {
    const folder = tempFolder();
    app.setPath('logs', folder);
    expect(logFolder()).toBe(folder);
    const log = createFileLog({ console: false });
    expect(log.file()).toBe(path.join(folder, LOG_FILE_NAME));
    expect(LOG_MAX_BYTES).toBe(5 * 1024 * 1024);
  });

  it('writes each line with its time and level, details included', () => {
    const folder = tempFolder();
    const log = createFileLog({ folder: () => folder, console: false });
    log.info('Opening the wall on display "primary".');
    log.warn('Blocked navigation to https://evil.example/');
    log.error('Wall window "primary": its page\'s process is gone.', new Error('renderer exploded'));
    const text = readFileSync(path.join(folder, 'main.log'), 'utf8');
    expect(text).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[info\] {2}Opening the wall on display "primary"\.$/m);
    expect(text).toMatch(/\[warn\] {2}Blocked navigation to https:\/\/evil\.example\//);
    expect(text).toMatch(/\[error\] Wall window "primary": its page's process is gone\. Error: renderer exploded/);
  });

  it('starts a new file past its size and keeps the previous one as main.old.log', () => {
    const folder = tempFolder();
    const log = createFileLog({ folder: () => folder, maxBytes: 4096, console: false });
    for (let i = 0; i < 100; i++) log.info(`line ${i} ${'x'.repeat(80)}`);
    const current = path.join(folder, 'main.log');
    const old = path.join(folder, 'main.old.log');
    expect(existsSync(old)).toBe(true);
    expect(statSync(current).size).toBeLessThanOrEqual(4096 + 200);
    expect(readFileSync(current, 'utf8')).toContain('line 99 ');
    expect(readFileSync(old, 'utf8')).not.toContain('line 99 ');
  });

  it('two logs never write into each other’s files', () => {
    const a = tempFolder();
    const b = tempFolder();
    createFileLog({ folder: () => a, console: false }).info('to a');
    createFileLog({ folder: () => b, console: false }).info('to b');
    expect(readFileSync(path.join(a, 'main.log'), 'utf8')).not.toContain('to b');
    expect(readFileSync(path.join(b, 'main.log'), 'utf8')).not.toContain('to a');
  });
});
