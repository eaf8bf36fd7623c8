/**
 * The wall map's repaint budget (issue 18: the wall runs on software GL): the style changes in one place, only when
 * an input changed; grid polygons and clustered points together, at most once a second (two in lite); new cases'
 * pulses on a canvas above the map, never in it, stepped at 4 Hz for a bounded time. A fake MapLibre map records
 * every call the component makes, a fake canvas context every paint.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBridgeClient } from '../../shared/bridge/client';
import type { SceneDelta } from '../../shared/bridge/scene';
import { setBridge } from '../../renderer/src/common/bridge';
import { createAppI18n } from '../../renderer/src/common/i18n';
import { useSceneStore } from '../../renderer/src/wall/store';
import { PULSE_LIFETIME_MS } from '../../renderer/src/map/pulses';
import { SCENE_DECLARATIONS } from '../../renderer/src/wall/scenes';
import { event, regions, snapshot } from '../wall/fixtures';

/** Every style call of the fake map, as `kind id` (setData grids, paint pulse circle-radius, …). */
const calls: string[] = [];
const maps: FakeMap[] = [];
/** The pulse canvas's paints (each begins with clearRect) and the rings and dots drawn, as `clear` and `arc x,y`. */
const paints: string[] = [];
const fakeContext = {
  setTransform() {},
  clearRect: () => void paints.push('clear'),
  beginPath() {},
  arc: (x: number, y: number) => void paints.push(`arc ${x},${y}`),
  fill() {},
  stroke() {},
  fillStyle: '',
  strokeStyle: '',
  lineWidth: 1,
  globalAlpha: 1,
};

class FakeMap {
  private handlers = new Map<string, ((e?: unknown) => void)[]>();
  constructor() {
    maps.push(this);
  }
  once(name: string, handler: (e?: unknown) => void) {
    return this.on(name, handler);
  }
  on(name: string, layerOrHandler: unknown, handler?: (e?: unknown) => void) {
    const h = (handler ?? layerOrHandler) as (e?: unknown) => void;
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), h]);
    return this;
  }
  fire(name: string) {
    for (const h of this.handlers.get(name) ?? []) h();
  }
  getSource(id: string) {
    return { setData: () => calls.push(`setData ${id}`) };
  }
  getLayer(id: string) {
    return { id };
  }
  setPaintProperty(id: string, key: string) {
    calls.push(`paint ${id} ${key}`);
  }
  setLayoutProperty(id: string, key: string) {
    calls.push(`layout ${id} ${key}`);
  }
  setFilter(id: string) {
    calls.push(`filter ${id}`);
  }
  addSource(id: string) {
    calls.push(`addSource ${id}`);
  }
  removeSource(id: string) {
    calls.push(`removeSource ${id}`);
  }
  addLayer(layer: { id: string }) {
    calls.push(`addLayer ${layer.id}`);
  }
  removeLayer(id: string) {
    calls.push(`removeLayer ${id}`);
  }
  fitBounds() {}
  resize() {}
  remove() {}
  hasImage() {
    return true;
  }
  addImage() {}
  setFeatureState() {}
  isSourceLoaded() {
    return true;
  }
  querySourceFeatures() {
    return [];
  }
  getCanvas() {
    // jsdom has no WebGL: the lite map is shown as it is, not through a copy (mirror.ts).
    return { style: {}, getContext: () => null };
  }
  getContainer() {
    return { clientWidth: 1000 };
  }
  getPixelRatio() {
    return 1;
  }
  /** Every case at the same place (jsdom lays nothing out: the canvas is 0×0, and a ring's width around it is drawn). */
  project() {
    return { x: 10, y: 5 };
  }
}

vi.mock('../../renderer/src/common/maplibre', () => ({ maplibre: () => ({ Map: FakeMap }), liveMaps: new Set() }));
const { default: WallMap } = await import('../../renderer/src/map/WallMap.vue');

const NOW = Date.parse('2026-11-23T10:00:00.000+08:00');
const delta = (over: Partial<SceneDelta>): SceneDelta => ({
  seq: 9,
  events: [],
  removed: [],
  grids: [],
  counts: [],
  totalsChanged: false,
  referenceChanged: false,
  ...over,
});

/** `rendering`: as the address would fix it (jsdom has no WebGL, so auto would be lite). */
async function mountMap(rendering: 'full' | 'lite' = 'full') {
  window.history.replaceState(null, '', `/?rendering=${rendering}`);
  setBridge(
    createBridgeClient({
      kind: 'web',
      request: async (name, payload) => (name === 'map.regions' ? regions : snapshot((payload as { window: { preset: 'today' | 'year' } }).window.preset)),
      onPush: () => () => {},
      onConnection: () => () => {},
    }),
  );
  const pinia = createPinia();
  const store = useSceneStore(pinia);
  store.start();
  await flushPromises();
  const wrapper = mount(WallMap, {
    props: { options: SCENE_DECLARATIONS.overview.map, selectedGridId: null },
    global: { plugins: [pinia, createAppI18n('zh-CN')] },
  });
  maps.at(-1)!.fire('style.load');
  maps.at(-1)!.fire('load');
  await flushPromises();
  calls.length = 0;
  paints.length = 0;
  /** Advance the clock by `ms` and let Vue apply what changed. */
  const wait = async (ms: number) => {
    await vi.advanceTimersByTimeAsync(ms);
    await flushPromises();
  };
  return { wrapper, store, wait };
}

const count = (prefix: string) => calls.filter((c) => c.startsWith(prefix)).length;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
  // Frames on the fake clock, every 16 ms (jsdom's own run on real time).
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => setTimeout(() => cb(performance.now()), 16));
  vi.stubGlobal('cancelAnimationFrame', (id: number) => clearTimeout(id));
  vi.setSystemTime(NOW);
  calls.length = 0;
  paints.length = 0;
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(fakeContext as never);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  setBridge(undefined);
});

describe('the wall map', () => {
  it('says it is loading until the grids are drawn', async () => {
    const { wrapper } = await mountMap();
    expect(wrapper.get('[data-test=map-loading]').text()).toBe('地图加载中…');
    maps.at(-1)!.fire('render');
    await flushPromises();
    expect(wrapper.find('[data-test=map-loading]').exists()).toBe(false);
  });

  it('lite without WebGL 2 (no copy to show it through): the map is shown as it is, and says so when drawn', async () => {
    const { wrapper } = await mountMap('lite');
    maps.at(-1)!.fire('render');
    await flushPromises();
    expect(wrapper.find('[data-test=map-loading]').exists()).toBe(false);
  });

  it('changes nothing while nothing changes', async () => {
    const { wrapper, wait } = await mountMap();
    await wait(10_000);
    expect(calls).toEqual([]);
    wrapper.unmount();
  });

  it('re-tiles the grid polygons at most once a second, however many grid states arrive', async () => {
    const { wrapper, store, wait } = await mountMap();
    for (let i = 0; i < 5; i++) {
      store.applyDelta(delta({ grids: [{ id: 'g1', status: i % 2 ? 'safe' : 'at_risk', events: 3, open: 1, critical: 0, broken: i % 2 ? [] : ['fire'] }] }));
      await wait(150);
    }
    expect(count('setData grids')).toBe(0);
    await wait(300);
    expect(calls.sort()).toEqual(['setData grids', 'setData markers']);
    await wait(5000);
    expect(calls).toHaveLength(2);
    wrapper.unmount();
  });

  it('re-tiles the clustered points at most once a second', async () => {
    const { wrapper, store, wait } = await mountMap();
    // Cases reported an hour ago: known to the map as points, too old to pulse.
    const old = new Date(NOW - 3_600_000).toISOString();
    for (let i = 0; i < 4; i++) {
      store.applyDelta(delta({ events: [event({ id: `old${i}`, reportedAt: old })] }));
      await wait(200);
    }
    expect(calls).toEqual([]);
    await wait(200);
    // The heatmap's source stays empty on a scene that does not show it.
    expect(calls.sort()).toEqual(['setData points']);
    wrapper.unmount();
  });

  it('takes grid states and points that come at different times in one refresh', async () => {
    const { wrapper, store, wait } = await mountMap();
    const old = new Date(NOW - 3_600_000).toISOString();
    store.applyDelta(delta({ grids: [{ id: 'g1', status: 'at_risk', events: 3, open: 1, critical: 0, broken: ['fire'] }] }));
    await wait(600);
    store.applyDelta(delta({ events: [event({ id: 'old1', reportedAt: old })] }));
    await wait(300);
    expect(calls).toEqual([]);
    await wait(200);
    expect(calls.sort()).toEqual(['setData grids', 'setData markers', 'setData points']);
    wrapper.unmount();
  });

  it('lite rendering: the map refreshes its live sources every two seconds at most', async () => {
    const { wrapper, store, wait } = await mountMap('lite');
    const old = new Date(NOW - 3_600_000).toISOString();
    store.applyDelta(delta({ events: [event({ id: 'old1', reportedAt: old })] }));
    await wait(1500);
    expect(calls).toEqual([]);
    await wait(600);
    expect(calls).toEqual(['setData points']);
    wrapper.unmount();
  });

  it('pulses a new case above the map at once, steps its rings 4 times a second, and stops when it has pulsed', async () => {
    const { wrapper, store, wait } = await mountMap();
    store.applyDelta(delta({ events: [event({ id: 'new1', reportedAt: new Date(NOW).toISOString() })] }));
    await wait(20);
    // Painted in the next frame: a ring and a dot where the map puts the case.
    expect(paints).toEqual(['clear', 'arc 10,5', 'arc 10,5']);
    paints.length = 0;
    await wait(1000);
    expect(paints.filter((p) => p === 'clear')).toHaveLength(4);
    // The map itself only takes the new point, at its refresh.
    expect(calls).toEqual(['setData points']);
    await wait(PULSE_LIFETIME_MS);
    // The last paint leaves the canvas empty.
    expect(paints.at(-1)).toBe('clear');
    paints.length = 0;
    calls.length = 0;
    await wait(5000);
    expect(paints).toEqual([]);
    expect(calls).toEqual([]);
    wrapper.unmount();
  });

  it('lite rendering: a new case’s ring stands still — one paint when it comes, one when it goes', async () => {
    const { wrapper, store, wait } = await mountMap('lite');
    store.applyDelta(delta({ events: [event({ id: 'new1', reportedAt: new Date(NOW).toISOString() })] }));
    await wait(20);
    expect(paints).toEqual(['clear', 'arc 10,5', 'arc 10,5']);
    paints.length = 0;
    await wait(PULSE_LIFETIME_MS - 100);
    expect(paints).toEqual([]);
    await wait(200);
    expect(paints).toEqual(['clear']);
    paints.length = 0;
    await wait(5000);
    expect(paints).toEqual([]);
    expect(calls).toEqual(['setData points']);
    wrapper.unmount();
  });

  it('counts a new case as drawn once the frame after its paint has begun', async () => {
    const { wrapper, store, wait } = await mountMap('lite');
    const drawn = () => (window as unknown as { __gccWall?: { drawn: { id: string }[] } }).__gccWall?.drawn.map((d) => d.id) ?? [];
    store.applyDelta(delta({ events: [event({ id: 'seen1', reportedAt: new Date(NOW).toISOString() })] }));
    await wait(20);
    expect(drawn()).not.toContain('seen1');
    await wait(40);
    expect(drawn()).toContain('seen1');
    wrapper.unmount();
  });

  it('applies another scene’s options at once, in one go', async () => {
    const { wrapper, wait } = await mountMap();
    await wrapper.setProps({ options: SCENE_DECLARATIONS.disputes.map });
    await flushPromises();
    expect(calls).toContain('layout heat visibility');
    expect(calls).toContain('setData points');
    expect(new Set(calls).size).toBe(calls.length);
    calls.length = 0;
    await wait(5000);
    expect(calls).toEqual([]);
    await wrapper.setProps({ selectedGridId: 'g2' });
    await flushPromises();
    expect(calls).toEqual(['filter grid-selected']);
    wrapper.unmount();
  });
});
