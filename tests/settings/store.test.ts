import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsStore } from '../../core/settings/store';
import { BridgeError } from '../../shared/bridge/contract';
import { DEFAULT_SETTINGS, playlistFor, type Settings } from '../../shared/settings';

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
  throw new Error('expected the update to be refused');
}

describe('settings store', () => {
  it('starts from the defaults when there is no file, and writes nothing until something changes', () => {
    const dir = folder();
    const store = new SettingsStore(path.join(dir, 'settings.json'));
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('persists an update as JSON, and a new store reads it back', () => {
    const file = path.join(folder(), 'nested', 'settings.json');
    const store = new SettingsStore(file);
    const next = store.update({ districtTitle: '  前锋区网格化服务管理指挥中心 ', theme: 'contrast' });
    expect(next.districtTitle).toBe('前锋区网格化服务管理指挥中心');
    expect(next.theme).toBe('contrast');
    expect(next.language).toBe('zh-CN');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(next);
    expect(existsSync(`${file}.tmp`)).toBe(false);
    expect(new SettingsStore(file).get()).toEqual(next);
  });

  it('tells listeners about each change, once, and not after they unsubscribe', () => {
    const store = new SettingsStore(null);
    const seen: Settings[] = [];
    const off = store.onChange((s) => seen.push(s));
    store.update({ alertSound: true });
    store.update({ alertSound: true }); // no change: no news
    off();
    store.update({ alertSound: false });
    expect(seen.map((s) => s.alertSound)).toEqual([true]);
  });

  it('hands out settings nobody can change behind its back', () => {
    const store = new SettingsStore(null);
    expect(() => {
      (store.get() as { districtTitle: string }).districtTitle = 'x';
    }).toThrow();
    expect(() => store.get().displays[0].scenes.push('overview')).toThrow();
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['an empty title', { districtTitle: '   ' }, 'districtTitle', /the district title is not valid/],
    [
      'scenes rotating faster than 5 s',
      { displays: [{ ...DEFAULT_SETTINGS.displays[0], rotateSeconds: 2 }] },
      'displays.0.rotateSeconds',
      /the display playlists \(0\.rotateSeconds\) is not valid/,
    ],
    ['a display with no scene', { displays: [{ ...DEFAULT_SETTINGS.displays[0], scenes: [] }] }, 'displays.0.scenes', /at least one scene/],
    ['a display twice', { displays: [DEFAULT_SETTINGS.displays[0], DEFAULT_SETTINGS.displays[0]] }, 'displays', /Each display appears once/],
    ['a tile address without {z}', { basemap: { kind: 'tiles', url: 'http://tiles.intranet/{x}/{y}.png' } }, 'basemap.url', /needs \{z\}, \{x\} and \{y\}/],
    ['an update server that is not http', { updateUrl: 'ftp://updates.intranet/' }, 'updateUrl', /the update server address is not valid/],
  ])('refuses %s with invalid_payload naming the field, and keeps what it had', (_what, patch, field, sentence) => {
    const file = path.join(folder(), 'settings.json');
    const store = new SettingsStore(file);
    store.update({ districtTitle: '保存过的标题' });
    const before = readFileSync(file, 'utf8');
    const error = refusal(() => store.update(patch as never));
    expect(error.code).toBe('invalid_payload');
    expect(error.message).toMatch(/^The settings were not saved: /);
    expect(error.message).toMatch(sentence);
    expect(error.issues?.map((i) => i.path)).toContain(field);
    expect(store.get().districtTitle).toBe('保存过的标题');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it.each([
    ['not JSON', '{ "districtTitle": "半个文件'],
    ['not an object', '[1, 2, 3]'],
    ['a value the schema refuses', JSON.stringify({ ...DEFAULT_SETTINGS, theme: 'neon' })],
    ['a key the schema does not know', JSON.stringify({ ...DEFAULT_SETTINGS, fontSize: 40 })],
  ])('a damaged file (%s) gives the defaults, is kept aside and is logged in a sentence', (_what, content) => {
    const dir = folder();
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, content);
    const lines: string[] = [];
    const store = new SettingsStore(file, (line) => lines.push(line));
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    const aside = readdirSync(dir).filter((f) => f.startsWith('settings.json.invalid-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(path.join(dir, aside[0]), 'utf8')).toBe(content);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^The settings file .* could not be used because .*; it was moved to .* and the default settings apply/);
    // The next save starts a good file again.
    store.update({ alertSound: true });
    expect(new SettingsStore(file).get().alertSound).toBe(true);
  });

  it('a file from an older version lacking a newer field keeps what it has and takes the default for the rest', () => {
    const file = path.join(folder(), 'settings.json');
    const { updateUrl: _dropped, ...older } = { ...DEFAULT_SETTINGS, districtTitle: '旧版本的标题' };
    writeFileSync(file, JSON.stringify(older));
    const store = new SettingsStore(file);
    expect(store.get().districtTitle).toBe('旧版本的标题');
    expect(store.get().updateUrl).toBeNull();
  });

  it('a display without its own playlist follows the "*" one', () => {
    const store = new SettingsStore(null);
    store.update({
      displays: [
        { displayKey: '*', scenes: ['overview', 'appeals'], rotate: true, rotateSeconds: 20, kiosk: true },
        { displayKey: '2779098405', scenes: ['disputes'], rotate: false, rotateSeconds: 60, kiosk: false },
      ],
    });
    expect(playlistFor(store.get(), '2779098405').scenes).toEqual(['disputes']);
    expect(playlistFor(store.get(), 'primary').rotateSeconds).toBe(20);
  });

  it('says in a sentence when the file cannot be written, and changes nothing', () => {
    const dir = folder();
    const blocker = path.join(dir, 'not-a-folder');
    writeFileSync(blocker, '');
    const lines: string[] = [];
    const store = new SettingsStore(path.join(blocker, 'settings.json'), (line) => lines.push(line));
    const error = refusal(() => store.update({ alertSound: true }));
    expect(error.code).toBe('internal');
    expect(error.message).toMatch(/could not be written .*Check that the disk has space/);
    expect(store.get().alertSound).toBe(false);
    expect(lines.join('\n')).toMatch(/could not be written/);
  });
});
