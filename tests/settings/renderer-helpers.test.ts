/** Pure pieces of the Settings page and the wall: field errors from issues, the basemap a setting gives the map. */
import { describe, expect, it } from 'vitest';
import { fieldErrors, fieldKey, zodIssues } from '../../renderer/src/settings/issues';
import { basemapFromSetting } from '../../renderer/src/map/style';
import { DEFAULT_SETTINGS, PMTILES_PROBLEMS, Settings } from '../../shared/settings';

const t = (key: string, params: Record<string, string>) => `${key}|${Object.values(params).join('')}`;

describe('field errors', () => {
  it('names each field once, by the rule it must follow', () => {
    const parsed = Settings.safeParse({
      ...DEFAULT_SETTINGS,
      districtTitle: '',
      displays: [{ displayKey: '*', scenes: ['overview', 'weather'], rotate: true, rotateSeconds: 1, kiosk: true }],
    });
    expect(parsed.success).toBe(false);
    const errors = fieldErrors(zodIssues(parsed.error!), t);
    expect(errors).toEqual({
      districtTitle: 'settings.rule.districtTitle|{z}{x}{y}',
      'displays.0.scenes': 'settings.rule.scenes|{z}{x}{y}',
      'displays.0.rotateSeconds': 'settings.rule.rotateSeconds|{z}{x}{y}',
    });
  });

  it('keeps the host’s sentence for a field the page does not know', () => {
    expect(fieldErrors([{ path: '(root)', message: 'Unrecognized key: "fontSize"' }], t)).toEqual({ '(root)': 'Unrecognized key: "fontSize"' });
  });

  it('drops a scene’s index so the error sits with the scene list', () => {
    expect(fieldKey('displays.2.scenes.4')).toBe('displays.2.scenes');
    expect(fieldKey('displays.2.rotateSeconds')).toBe('displays.2.rotateSeconds');
  });
});

describe('basemap from the settings', () => {
  it('an intranet tile URL becomes a raster source; none draws nothing; PMTiles waits for its header', () => {
    expect(basemapFromSetting({ kind: 'tiles', url: 'http://tiles.intranet/{z}/{x}/{y}.png' })).toEqual({
      kind: 'raster',
      tiles: ['http://tiles.intranet/{z}/{x}/{y}.png'],
    });
    expect(basemapFromSetting({ kind: 'none' })).toBeNull();
    expect(basemapFromSetting({ kind: 'pmtiles', path: '/data/guangan.pmtiles' })).toBeNull();
  });

  it('a PMTiles file becomes a pmtiles:// source of the kind, zooms and bounds its header gives', () => {
    const archive = {
      url: 'app://gcc/basemap.pmtiles?v=0a1b2c3d',
      tiles: 'vector' as const,
      format: 'mvt',
      minzoom: 0,
      maxzoom: 14,
      bounds: [106, 30, 107.5, 31.2] as [number, number, number, number],
    };
    expect(basemapFromSetting({ kind: 'pmtiles', path: '/data/guangan.pmtiles' }, archive)).toEqual({
      kind: 'vector',
      tiles: ['pmtiles://app://gcc/basemap.pmtiles?v=0a1b2c3d/{z}/{x}/{y}'],
      minzoom: 0,
      maxzoom: 14,
      bounds: [106, 30, 107.5, 31.2],
    });
  });
});

describe('a PMTiles file the host refused', () => {
  it('gets the page’s own sentence for each reason; other host sentences stay as they are', () => {
    for (const problem of Object.keys(PMTILES_PROBLEMS) as (keyof typeof PMTILES_PROBLEMS)[]) {
      expect(fieldErrors([{ path: 'basemap.path', message: PMTILES_PROBLEMS[problem] }], t)).toEqual({
        'basemap.path': `settings.rule.pmtiles.${problem}|{z}{x}{y}`,
      });
    }
    expect(fieldErrors([{ path: 'basemap.path', message: 'Too small' }], t)).toEqual({ 'basemap.path': 'settings.rule.basemapPath|{z}{x}{y}' });
  });
});
