/** The app follows the settings without a reload: theme, language, title; the wall's header, playlist and cursor. */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref, type Plugin } from 'vue';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { createBridgeClient, type Transport } from '../../shared/bridge/client';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { setBridge } from '../../renderer/src/common/bridge';
import { createAppI18n } from '../../renderer/src/common/i18n';
import { useSettingsStore } from '../../renderer/src/settings/store';
import WallHeader from '../../renderer/src/wall/WallHeader.vue';
import { useIdleCursor } from '../../renderer/src/wall/useIdleCursor';
import { useApplySettings } from '../../renderer/src/settings/apply';
import { usePlaylist } from '../../renderer/src/wall/usePlaylist';

/** A host that answers settings.get with `settings` and can push settings.changed. */
function fakeHost(settings: Settings) {
  const listeners = new Set<(name: string, payload: unknown) => void>();
  const transport: Transport = {
    kind: 'web',
    request: async (name) => {
      if (name === 'settings.get')
        return { settings, api: { baseUrl: null, tokenSet: false, caFile: null, proxy: null, source: 'demo', editable: false }, logFolder: null };
      if (name === 'app.info')
        return {
          name: 'Grid Command Center',
          version: '0',
          host: 'web',
          now: '2026-11-28T08:00:00+08:00',
          locale: 'zh-CN',
          districtName: '广安区',
          role: 'operator',
        };
      throw { code: 'unavailable', message: 'not in this test' };
    },
    onPush: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onConnection: () => () => {},
  };
  setBridge(createBridgeClient(transport));
  return { push: (next: Settings) => listeners.forEach((l) => l('settings.changed', next)) };
}

function router(): Router {
  const stub = { render: () => null };
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/wall/:scene?', name: 'wall', component: stub },
      { path: '/:rest(.*)*', component: stub },
    ],
  });
}

/** Mounts a component that only runs `use` in its setup, and hands back what `use` returned. */
function probe<T>(use: () => T, plugins: Plugin[] = []) {
  let result!: T;
  const Probe = defineComponent({
    setup() {
      result = use();
      return () => h('div');
    },
  });
  const wrapper = mount(Probe, { global: { plugins } });
  return { result, wrapper };
}

afterEach(() => {
  setBridge(undefined);
  vi.useRealTimers();
});

describe('page-wide settings', () => {
  it('theme, language and window title change as soon as new settings are pushed', async () => {
    const host = fakeHost(DEFAULT_SETTINGS);
    const pinia = createPinia();
    setActivePinia(pinia);
    useSettingsStore(pinia).start();
    const i18n = createAppI18n('zh-CN');
    const { wrapper } = probe(() => useApplySettings(), [pinia, i18n]);
    await flushPromises();
    expect(document.documentElement.dataset.theme).toBe('midnight');
    expect(document.title).toBe('广安区 · 网格化服务管理指挥中心');
    host.push({ ...DEFAULT_SETTINGS, theme: 'contrast', language: 'en-US' });
    await flushPromises();
    expect(document.documentElement.dataset.theme).toBe('contrast');
    expect(i18n.global.locale.value).toBe('en-US');
    expect(document.documentElement.lang).toBe('en-US');
    expect(document.title).toBe('Guang’an District · Grid Governance Command Center');
    wrapper.unmount();
  });
});

describe('a new intranet tile server', () => {
  it('reloads the page once, to get a security policy that allows it; other changes never reload', async () => {
    const reload = vi.fn();
    vi.stubGlobal('location', { ...window.location, reload });
    try {
      const tiles = (url: string): Settings => ({ ...DEFAULT_SETTINGS, basemap: { kind: 'tiles', url } });
      const host = fakeHost(tiles('https://tiles.a.example/{z}/{x}/{y}.png'));
      const pinia = createPinia();
      setActivePinia(pinia);
      useSettingsStore(pinia).start();
      const { wrapper } = probe(() => useApplySettings(), [pinia, createAppI18n('zh-CN')]);
      await flushPromises();
      host.push({ ...tiles('https://tiles.a.example/other/{z}/{x}/{y}.png'), theme: 'contrast' });
      host.push({ ...DEFAULT_SETTINGS });
      await flushPromises();
      expect(reload).not.toHaveBeenCalled();
      host.push(tiles('https://tiles.b.example/{z}/{x}/{y}.png'));
      await flushPromises();
      expect(reload).toHaveBeenCalledTimes(1);
      wrapper.unmount();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('wall header', () => {
  it('shows the default title in the interface language, then a title set in Settings as soon as it is pushed', async () => {
    const host = fakeHost(DEFAULT_SETTINGS);
    const pinia = createPinia();
    setActivePinia(pinia);
    useSettingsStore(pinia).start();
    const r = router();
    await r.push('/wall/overview');
    const props = { scene: 'overview', scenes: ['overview', 'appeals'], rotate: true, paused: false, remaining: 10, interval: 20, spotlight: null } as const;
    const wrapper = mount(WallHeader, { props, global: { plugins: [pinia, r, createAppI18n('zh-CN')] } });
    await flushPromises();
    expect(wrapper.get('[data-test=wall-title]').text()).toBe('广安区 · 网格化服务管理指挥中心');
    expect(wrapper.findAll('[data-scene-tab]').map((b) => b.attributes('data-scene-tab'))).toEqual(['overview', 'appeals']);
    host.push({ ...DEFAULT_SETTINGS, districtTitle: '前锋区网格化服务管理指挥中心' });
    await flushPromises();
    expect(wrapper.get('[data-test=wall-title]').text()).toBe('前锋区网格化服务管理指挥中心');
    wrapper.unmount();
  });
});

describe('wall header rotation progress', () => {
  it.each([
    ['full', 'scaleX(0.35)'],
    ['lite', 'scaleX(0.25)'],
  ])('%s rendering: 7 s of a 20 s scene gone shows as %s (lite moves in quarters: each step is a frame of the whole wall)', async (rendering, transform) => {
    window.history.replaceState(null, '', `/?rendering=${rendering}`);
    fakeHost(DEFAULT_SETTINGS);
    const pinia = createPinia();
    setActivePinia(pinia);
    useSettingsStore(pinia).start();
    const r = router();
    await r.push('/wall/overview');
    const props = { scene: 'overview', scenes: ['overview', 'appeals'], rotate: true, paused: false, remaining: 13, interval: 20, spotlight: null } as const;
    const wrapper = mount(WallHeader, { props, global: { plugins: [pinia, r, createAppI18n('zh-CN')] } });
    await flushPromises();
    expect(wrapper.get('.whead__progress').attributes('style')).toContain(`transform: ${transform}`);
    wrapper.unmount();
    window.history.replaceState(null, '', '/');
  });
});

describe('wall playlist from the settings', () => {
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    displays: [
      { displayKey: '*', scenes: ['appeals', 'overview'], rotate: true, rotateSeconds: 20, kiosk: true },
      { displayKey: 'left', scenes: ['disputes'], rotate: true, rotateSeconds: 60, kiosk: false },
      { displayKey: 'street', scenes: ['overview'], rotate: false, rotateSeconds: 30, kiosk: true, region: 's2' },
    ],
  };

  async function playlistAt(path: string) {
    fakeHost(settings);
    const pinia = createPinia();
    setActivePinia(pinia);
    useSettingsStore(pinia).start();
    const r = router();
    await r.push(path);
    const { result: playlist, wrapper } = probe(() => usePlaylist({ spotlightGrids: () => [], onSpotlight: () => {}, held: ref(false) }), [pinia, r]);
    await flushPromises();
    return { playlist, r, wrapper };
  }

  it('starts on the first scene of the "*" list and steps through that list only, at its seconds', async () => {
    const { playlist, r, wrapper } = await playlistAt('/wall');
    expect(playlist.scene.value).toBe('appeals');
    expect(playlist.interval.value).toBe(20);
    expect(playlist.rotate.value).toBe(true);
    expect(playlist.tabs.value).toEqual(['appeals', 'overview']);
    playlist.step(1);
    await flushPromises();
    expect(r.currentRoute.value.params.scene).toBe('overview');
    playlist.step(1);
    await flushPromises();
    expect(r.currentRoute.value.params.scene).toBe('appeals');
    wrapper.unmount();
  });

  it('?display=<key> picks that display’s list; one scene does not rotate', async () => {
    const { playlist, wrapper } = await playlistAt('/wall?display=left');
    expect(playlist.scene.value).toBe('disputes');
    expect(playlist.interval.value).toBe(60);
    expect(playlist.rotate.value).toBe(false);
    wrapper.unmount();
  });

  it('?rotate=0 and ?interval=N still override the settings; a scene outside the list shows as an extra tab', async () => {
    const { playlist, wrapper } = await playlistAt('/wall/services?rotate=0&interval=7');
    expect(playlist.rotate.value).toBe(false);
    expect(playlist.interval.value).toBe(7);
    expect(playlist.tabs.value).toEqual(['appeals', 'overview', 'services']);
    wrapper.unmount();
  });
});

describe('the region a display shows', () => {
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    displays: [
      { displayKey: '*', scenes: ['overview'], rotate: false, rotateSeconds: 30, kiosk: true },
      { displayKey: 'street', scenes: ['overview'], rotate: false, rotateSeconds: 30, kiosk: true, region: 's2' },
    ],
  };
  async function at(path: string) {
    fakeHost(settings);
    const pinia = createPinia();
    setActivePinia(pinia);
    useSettingsStore(pinia).start();
    const r = router();
    await r.push(path);
    const { result: playlist, wrapper } = probe(() => usePlaylist({ spotlightGrids: () => [], onSpotlight: () => {}, held: ref(false) }), [pinia, r]);
    await flushPromises();
    return { playlist, r, wrapper };
  }

  it('is the district by default, the URL’s ?region=, or the display playlist’s street', async () => {
    const district = await at('/wall/overview');
    expect(district.playlist.region.value).toBeNull();
    district.wrapper.unmount();
    const linked = await at('/wall/overview?region=c7');
    expect(linked.playlist.region.value).toBe('c7');
    linked.wrapper.unmount();
    const street = await at('/wall/overview?display=street');
    expect(street.playlist.region.value).toBe('s2');
    street.wrapper.unmount();
  });

  it('goes down and back up through the URL; back to the district on a street’s display says so in the URL', async () => {
    const { playlist, r, wrapper } = await at('/wall/overview?display=street');
    playlist.goRegion('c9');
    await flushPromises();
    expect(r.currentRoute.value.query).toEqual({ display: 'street', region: 'c9' });
    expect(playlist.region.value).toBe('c9');
    playlist.goRegion(null);
    await flushPromises();
    expect(r.currentRoute.value.query).toEqual({ display: 'street', region: 'district' });
    expect(playlist.region.value).toBeNull();
    // Its own street again: the URL no longer needs to say.
    playlist.goRegion('s2');
    await flushPromises();
    expect(r.currentRoute.value.query).toEqual({ display: 'street' });
    expect(r.currentRoute.value.params.scene).toBe('overview');
    wrapper.unmount();
  });
});

describe('idle cursor', () => {
  it('is hidden after 3 s without movement and shown again when the mouse moves', async () => {
    vi.useFakeTimers();
    const { result: idle, wrapper } = probe(() => useIdleCursor());
    expect(idle.value).toBe(false);
    vi.advanceTimersByTime(2900);
    expect(idle.value).toBe(false);
    vi.advanceTimersByTime(200);
    expect(idle.value).toBe(true);
    window.dispatchEvent(new MouseEvent('mousemove'));
    expect(idle.value).toBe(false);
    vi.advanceTimersByTime(3100);
    expect(idle.value).toBe(true);
    wrapper.unmount();
  });
});
