/** Scenes drawn from their declarations: the panels and counters each scene declares, filled from shared computeds. */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import { createBridgeClient } from '../../shared/bridge/client';
import type { SceneDelta } from '../../shared/bridge/scene';
import { setBridge } from '../../renderer/src/common/bridge';
import { createAppI18n } from '../../renderer/src/common/i18n';
import EChart from '../../renderer/src/common/charts/EChart.vue';
import { useSceneStore } from '../../renderer/src/wall/store';
import WallScene from '../../renderer/src/wall/WallScene.vue';
import { SCENE_DECLARATIONS, SCENES, type SceneId } from '../../renderer/src/wall/scenes';
import { useWallDerived } from '../../renderer/src/wall/useWallDerived';
import { event, rankingRow, regions, snapshot } from '../wall/fixtures';

const year = snapshot('year', {
  streets: [rankingRow({ id: 's1', name: '浓洄街道', events: 12, overdue: 1 }), rankingRow({ id: 's2', name: '北辰街道' })],
  communities: [rankingRow({ id: 'c1', name: '翠屏路社区', parentName: '浓洄街道' })],
  departments: [rankingRow({ id: 'd1', name: '综合执法局', overdue: 2 })],
});

/** A wall on the fixture snapshots: the scene shown is `scene`, over one set of shared computeds. */
async function wall(first: SceneId, snapshotsIn: Promise<void> = Promise.resolve()) {
  const pushes = new Set<(name: string, payload: unknown) => void>();
  setBridge(
    createBridgeClient({
      kind: 'web',
      request: async (name, payload) => {
        if (name === 'map.regions') return regions;
        await snapshotsIn;
        return (payload as { window: { preset: 'today' | 'year' } }).window.preset === 'year' ? year : snapshot('today');
      },
      onPush: (l) => (pushes.add(l), () => pushes.delete(l)),
      onConnection: () => () => {},
    }),
  );
  // Room for a few rows of the tables and lists (the DOM here has no layout).
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(400);
  const pinia = createPinia();
  const scene = ref<SceneId>(first);
  const Wall = defineComponent({
    setup() {
      const derived = useWallDerived();
      return () => h(WallScene, { key: scene.value, scene: SCENE_DECLARATIONS[scene.value], derived, ready: useSceneStore().ready });
    },
  });
  const wrapper = mount(Wall, { global: { plugins: [pinia, createAppI18n('zh-CN')], stubs: { EChart: true } } });
  useSceneStore(pinia).start();
  await flushPromises();
  const push = async (delta: SceneDelta) => {
    pushes.forEach((l) => l('scene.delta', delta));
    await flushPromises();
  };
  return { wrapper, scene, push };
}

const option = (wrapper: Awaited<ReturnType<typeof wall>>['wrapper'], panel: string) =>
  wrapper.get(`[data-panel=${panel}]`).findComponent(EChart).props('option');

afterEach(() => {
  setBridge(undefined);
  vi.restoreAllMocks();
});

describe('a scene drawn from its declaration', () => {
  it.each([...SCENES])('%s: its counters and panels, in its order', async (id) => {
    const { wrapper } = await wall(id);
    const declared = SCENE_DECLARATIONS[id];
    expect(wrapper.findAll('[data-kpi]').map((k) => k.attributes('data-kpi'))).toEqual(declared.kpis);
    expect(wrapper.findAll('[data-test=wall-panel]').map((p) => p.attributes('data-panel'))).toEqual(['kpi', ...declared.panels.map((p) => p.id)]);
    expect(wrapper.findAll('[data-test=wall-panel]').map((p) => p.attributes('data-area'))).toEqual(['kpi', ...declared.panels.map((p) => p.area)]);
    wrapper.unmount();
  });

  it.each(SCENES)('%s: until the snapshots are in, its counters and every panel say they are loading', async (id) => {
    let release!: () => void;
    const { wrapper } = await wall(id, new Promise<void>((r) => (release = r)));
    const panels = wrapper.findAll('[data-test=wall-panel]');
    expect(panels.length).toBe(SCENE_DECLARATIONS[id].panels.length + 1);
    for (const p of panels) expect(p.find('[data-test=panel-loading]').text(), p.attributes('data-panel')).toBe('加载中…');
    expect(wrapper.findAllComponents(EChart)).toHaveLength(0);
    release();
    await flushPromises();
    if (SCENE_DECLARATIONS[id].panels.some((p) => p.body.kind === 'chart')) expect(wrapper.findAllComponents(EChart).length).toBeGreaterThan(0);
    expect(wrapper.findAll('[data-test=panel-loading]')).toHaveLength(0);
    expect(wrapper.findAll('[data-test=kpi-value]').length).toBeGreaterThan(0);
  });

  it('fills the panels with the figures of the snapshots', async () => {
    const { wrapper, scene } = await wall('overview');
    expect(wrapper.get('[data-kpi=satisfaction] [data-test=kpi-value]').text()).toBe('80.0%');
    expect(wrapper.get('[data-kpi=openCases]').text()).toContain('▲');
    expect(wrapper.get('[data-panel=funnel] .panel__sub').text()).toBe(createAppI18n('zh-CN').global.t('wall.panel.funnelSub', { closed: '5', rate: '80.0%' }));
    expect(wrapper.get('[data-panel=satisfaction]').text()).toContain('满意');
    expect(
      wrapper
        .get('[data-panel=street-rank]')
        .findAll('.rank__row')
        .map((r) => r.find('.rank__label').text()),
    ).toEqual(['浓洄街道', '北辰街道']);
    expect(wrapper.find('[data-panel=ticker] [data-event-id=e1]').exists()).toBe(true);
    scene.value = 'safe-grids';
    await flushPromises();
    expect(wrapper.get('[data-panel=safe-progress] .panel__sub').text()).toBe('2026-Q3');
    expect(wrapper.findAll('[data-test=at-risk-list] li').map((r) => r.text())).toEqual([
      expect.stringContaining('翠屏路社区第2网格'),
      expect.stringContaining('城北社区第1网格'),
    ]);
    scene.value = 'appeals';
    await flushPromises();
    expect(wrapper.get('[data-panel=dept-quality] .rank__num--alarm').text()).toBe('▲2');
    expect(wrapper.get('[data-kpi=overdue]').classes()).toContain('kpi--alarm');
    wrapper.unmount();
  });

  it('computes a panel two scenes share once, and gives a chart no new option when only the ticker moved', async () => {
    const { wrapper, scene, push } = await wall('overview');
    const trend = option(wrapper, 'dispute-trend');
    const funnel = option(wrapper, 'funnel');
    await push({ seq: 9, events: [event({ id: 'e7' })], removed: [], grids: [], counts: [], totalsChanged: false, referenceChanged: false });
    expect(wrapper.find('[data-event-id=e7]').exists()).toBe(true);
    expect(option(wrapper, 'funnel')).toBe(funnel);
    scene.value = 'disputes';
    await flushPromises();
    expect(option(wrapper, 'dispute-trend')).toBe(trend);
    wrapper.unmount();
  });

  it('moves the counters and charts by a live delta’s counts, without a re-read', async () => {
    const { wrapper, push } = await wall('overview');
    const today = () => wrapper.get('[data-kpi=todayCases] [data-test=kpi-value]').text();
    const funnel = option(wrapper, 'funnel');
    expect(today()).toBe('9');
    // A new case today in g1 (total 1, reported 1): a snapshot of a lower sequence gets it, once.
    const counts = [{ day: 20261123, gridId: 'g1', kind: 'incident' as const, departmentId: null, d: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0] }];
    await push({ seq: 9, events: [], removed: [], grids: [], counts, totalsChanged: false, referenceChanged: false });
    expect(today()).toBe('10');
    expect(option(wrapper, 'funnel')).not.toBe(funnel);
    await push({ seq: 9, events: [], removed: [], grids: [], counts, totalsChanged: false, referenceChanged: false });
    expect(today()).toBe('10');
    wrapper.unmount();
  });

  it('redraws the criteria matrix when a grid state changes live', async () => {
    const { wrapper, push } = await wall('safe-grids');
    const matrix = option(wrapper, 'criteria-where');
    const criteria = option(wrapper, 'criteria');
    await push({
      seq: 9,
      events: [],
      removed: [],
      grids: [{ id: 'g1', status: 'at_risk', events: 3, open: 1, critical: 0, broken: ['vice'] }],
      counts: [],
      totalsChanged: false,
      referenceChanged: false,
    });
    expect(option(wrapper, 'criteria-where')).not.toBe(matrix);
    // The grid's broken criterion is counted in the criteria chart at once.
    expect(option(wrapper, 'criteria')).not.toBe(criteria);
    expect(wrapper.findAll('[data-test=at-risk-list] li')).toHaveLength(3);
    wrapper.unmount();
  });
});
