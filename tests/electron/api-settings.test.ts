import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron'));

import { ApiSettings } from '../../electron/main/api-settings';
import { BridgeError } from '../../shared/bridge/contract';
import { fake, safeStorage } from '../fakes/electron';

function folder() {
  return mkdtempSync(path.join(tmpdir(), 'gcc-settings-'));
}

function refusal(run: () => unknown): BridgeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BridgeError);
    return error as BridgeError;
  }
  throw new Error('expected the save to be refused');
}

describe('desktop central-API settings', () => {
  beforeEach(() => fake.reset());

  it('stores the token encrypted with safeStorage and never in clear', () => {
    const dir = folder();
    const settings = new ApiSettings(dir);
    expect(settings.load()).toBeNull();
    expect(settings.describe()).toBeNull();
    settings.save({ baseUrl: 'https://grid.example.gov.cn/api/', token: 'very-secret-token' });
    const raw = readFileSync(path.join(dir, 'central-api.json'), 'utf8');
    expect(raw).not.toContain('very-secret-token');
    expect(settings.load()).toMatchObject({ baseUrl: 'https://grid.example.gov.cn/api/', token: 'very-secret-token' });
    expect(settings.describe()).toEqual({ baseUrl: 'https://grid.example.gov.cn/api/', tokenSet: true, caFile: null, proxy: null });
    expect(JSON.stringify(settings.describe())).not.toContain('secret');
  });

  it('an omitted token keeps the stored one; CA file and proxy are replaced with the rest', () => {
    const settings = new ApiSettings(folder());
    settings.save({ baseUrl: 'https://grid.example.gov.cn/api/', token: 't1', caFile: '/etc/gcc/ca.pem', proxy: 'http://proxy.intranet:3128' });
    settings.save({ baseUrl: 'https://grid2.example.gov.cn/api/' });
    expect(settings.load()).toEqual({ baseUrl: 'https://grid2.example.gov.cn/api/', token: 't1', caFile: undefined, proxy: undefined });
    expect(settings.describe()).toEqual({ baseUrl: 'https://grid2.example.gov.cn/api/', tokenSet: true, caFile: null, proxy: null });
  });

  it('asks for the token when none is stored yet, naming the field', () => {
    const settings = new ApiSettings(folder());
    const error = refusal(() => settings.save({ baseUrl: 'https://grid.example.gov.cn/api/' }));
    expect(error.code).toBe('invalid_payload');
    expect(error.issues).toEqual([{ path: 'token', message: expect.stringMatching(/No token is stored yet/) }]);
    expect(settings.load()).toBeNull();
  });

  it('refuses invalid values with a sentence naming the field, and keeps what was stored', () => {
    const settings = new ApiSettings(folder());
    settings.save({ baseUrl: 'http://127.0.0.1:4310/', token: 't1' });
    const badUrl = refusal(() => settings.save({ baseUrl: 'ftp://x', token: 't2' }));
    expect(badUrl.code).toBe('invalid_payload');
    expect(badUrl.message).toMatch(/baseUrl: The central API address must/);
    expect(badUrl.issues?.[0]?.path).toBe('baseUrl');
    expect(refusal(() => settings.save({ baseUrl: 'http://x/', token: '' })).message).toMatch(/token: The token must not be empty/);
    expect(settings.load()?.token).toBe('t1');
  });

  it('says so when the OS has no secure storage, instead of storing the token in clear', () => {
    safeStorage.available = false;
    const settings = new ApiSettings(folder());
    expect(settings.canKeepSecrets()).toBe(false);
    const error = refusal(() => settings.save({ baseUrl: 'http://x/', token: 't' }));
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/no secure storage for the token/);
    expect(settings.load()).toBeNull();
  });

  it.runIf(process.platform === 'linux')('refuses Linux without a keyring, where safeStorage falls back to a hard-coded key', () => {
    safeStorage.backend = 'basic_text';
    const settings = new ApiSettings(folder());
    expect(settings.canKeepSecrets()).toBe(false);
    const error = refusal(() => settings.save({ baseUrl: 'http://x/', token: 't' }));
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/no secure storage for the token/);
    expect(settings.load()).toBeNull();
  });

  it('a damaged file is described as nothing stored and refused on load with a sentence', () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'central-api.json'), '{ half a file');
    const settings = new ApiSettings(dir);
    expect(settings.describe()).toBeNull();
    expect(() => settings.load()).toThrow(/are damaged; enter them again in Settings/);
  });

  it('a token the keychain can no longer decrypt is refused on load with a sentence', () => {
    const dir = folder();
    const settings = new ApiSettings(dir);
    settings.save({ baseUrl: 'http://x/', token: 't' });
    const file = path.join(dir, 'central-api.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), tokenEncrypted: Buffer.from('garbage').toString('base64') }));
    expect(() => settings.load()).toThrow(/cannot be decrypted on this computer/);
  });
});
