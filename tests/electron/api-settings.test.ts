import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { ApiSettings } from '../../electron/main/api-settings';
import { fake, safeStorage } from '../fakes/electron';

describe('desktop central-API settings', () => {
  beforeEach(() => fake.reset());

  it('stores the token encrypted with safeStorage and never in clear', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gcc-settings-'));
    const settings = new ApiSettings(dir);
    expect(settings.load()).toBeNull();
    settings.save({ baseUrl: 'https://grid.example.gov.cn/api/', token: 'very-secret-token' });
    const raw = readFileSync(path.join(dir, 'central-api.json'), 'utf8');
    expect(raw).not.toContain('very-secret-token');
    expect(settings.load()).toMatchObject({ baseUrl: 'https://grid.example.gov.cn/api/', token: 'very-secret-token' });
    expect(settings.describe()).toEqual({ baseUrl: 'https://grid.example.gov.cn/api/', tokenSet: true });
    expect(JSON.stringify(settings.describe())).not.toContain('secret');
  });

  it('refuses invalid values with a sentence and keeps what was stored', () => {
    const settings = new ApiSettings(mkdtempSync(path.join(tmpdir(), 'gcc-settings-')));
    settings.save({ baseUrl: 'http://127.0.0.1:4310/', token: 't1' });
    expect(() => settings.save({ baseUrl: 'ftp://x', token: 't2' })).toThrow(/must start with http/);
    expect(() => settings.save({ baseUrl: 'http://x/', token: '' })).toThrow(/must not be empty/);
    expect(settings.load()?.token).toBe('t1');
  });

  it('says so when the OS has no secure storage, instead of storing the token in clear', () => {
    safeStorage.available = false;
    const settings = new ApiSettings(mkdtempSync(path.join(tmpdir(), 'gcc-settings-')));
    expect(() => settings.save({ baseUrl: 'http://x/', token: 't' })).toThrow(/no secure storage for the token/);
    expect(settings.load()).toBeNull();
  });
});
