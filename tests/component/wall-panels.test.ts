import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBridgeClient, type Transport } from '../../shared/bridge/client';
import type { GridDetail, SceneDelta } from '../../shared/bridge/scene';
import { setBridge } from '../../renderer/src/common/bridge';
import { createAppI18n } from '../../renderer/src/common/i18n';
import GridProfile from '../../renderer/src/wall/GridProfile.vue';
import CriticalAlert from '../../renderer/src/wall/CriticalAlert.vue';
import KpiStrip from '../../renderer/src/wall/KpiStrip.vue';
import EventTicker from '../../renderer/src/wall/EventTicker.vue';
import { useSceneStore } from '../../renderer/src/wall/store';
import { event, regions, snapshot } from '../wall/fixtures';

const detail: GridDetail = {
  id: 'g2',
  code: '511602001001002',
  name: '翠屏路社区第2网格',
  communityName: '翠屏路社区',
  streetName: '浓洄街道',
  profile: {
    leader: '王**',
    full_time_worker: '李**',
    workforce: 7,
    party_branch: '翠屏路社区第2网格党支部',
    party_members: 42,
    population: 2000,
    households: 700,
    ledgers: { resident_population: 2000, key_groups: 5, community_resources: 8, special_groups: 3, premises: 20, businesses: 12, hazards: 2 },
    service_lists: { demands: 10, resources: 6, projects: 2 },
    new_in_2022: true,
  },
  status: 'at_risk',
  officialSafe: true,
  period: '2026-Q3',
  broken: ['fire', 'crime'],
  openCases: [event({ id: 'e5', gridId: 'g2', title: '电动车违规充电', kind: 'hazard', severity: 'high', overdue: true })],
};

function bridgeWith(reply: unknown) {
  const transport: Transport = {
    kind: 'web',
    request: async () => reply,
    onPush: () => () => {},
    onConnection: () => () => {},
  };
  setBridge(createBridgeClient(transport));
}

afterEach(() => {
  setBridge(undefined);
  vi.restoreAllMocks();
});

describe('wall panels', () => {
  it('the grid profile names the people, the ledgers, the open cases, and marks the broken criteria in words', async () => {
    bridgeWith(detail);
    const wrapper = mount(GridProfile, { props: { gridId: 'g2' }, global: { plugins: [createPinia(), createAppI18n('zh-CN')] } });
    await flushPromises();
    const text = wrapper.text();
    expect(text).toContain('翠屏路社区第2网格');
    expect(text).toContain('⚠ 风险网格');
    expect(text).toContain('王**');
    expect(text).toContain('翠屏路社区第2网格党支部');
    expect(text).toContain('七本台账');
    expect(text).toContain('电动车违规充电');
    expect(text).toContain('超期');
    const criteria = wrapper.findAll('[data-criterion]');
    expect(criteria).toHaveLength(8);
    const broken = criteria.filter((c) => c.attributes('data-broken') === 'true').map((c) => c.attributes('data-criterion'));
    expect(broken.sort()).toEqual(['crime', 'fire']);
    expect(wrapper.get('[data-criterion=fire]').text()).toContain('✕');
    expect(wrapper.get('[data-criterion=fire]').text()).toContain('已触发');
    expect(wrapper.get('[data-criterion=cult]').text()).toContain('未触发');
  });

  it('the grid profile says so when the grid is unknown', async () => {
    bridgeWith(null);
    const wrapper = mount(GridProfile, { props: { gridId: 'nope' }, global: { plugins: [createPinia(), createAppI18n('zh-CN')] } });
    await flushPromises();
    expect(wrapper.find('[data-criterion]').exists()).toBe(false);
  });

  it('the critical alert says what, where and how to acknowledge, and emits ack', async () => {
    const wrapper = mount(CriticalAlert, {
      props: { event: event({ id: 'x1', severity: 'critical', kind: 'incident', title: '持刀伤人', criterion: 'crime' }), more: 2 },
      global: { plugins: [createAppI18n('zh-CN')] },
    });
    const text = wrapper.text();
    expect(text).toContain('特别重大事件');
    expect(text).toContain('持刀伤人');
    expect(text).toContain('浓洄街道 · 翠屏路社区第1网格');
    expect(text).toContain('发案');
    expect(text).toContain('按 Enter 或 Esc 确认');
    expect(text).toContain('另有 2 条待确认');
    await wrapper.get('[data-test=alert-ack]').trigger('click');
    expect(wrapper.emitted('ack')).toHaveLength(1);
  });

  it('the ticker flashes the cases that arrive live, not the rows it opens with', async () => {
    const pushes = new Set<(name: string, payload: unknown) => void>();
    setBridge(
      createBridgeClient({
        kind: 'web',
        request: async (name, payload) => (name === 'map.regions' ? regions : snapshot((payload as { window: { preset: 'today' | 'year' } }).window.preset)),
        onPush: (l) => (pushes.add(l), () => pushes.delete(l)),
        onConnection: () => () => {},
      }),
    );
    // Room for a few rows (the DOM here has no layout).
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(400);
    const pinia = createPinia();
    const wrapper = mount(EventTicker, { global: { plugins: [pinia, createAppI18n('zh-CN')] } });
    useSceneStore(pinia).start();
    await flushPromises();
    expect(wrapper.get('[data-event-id=e1]').classes()).not.toContain('ticker__row--new');
    const delta: SceneDelta = {
      seq: 5,
      events: [event({ id: 'e9' })],
      removed: [],
      grids: [],
      counts: [],
      totalsChanged: false,
      referenceChanged: false,
    };
    pushes.forEach((l) => l('scene.delta', delta));
    await flushPromises();
    expect(wrapper.get('[data-event-id=e9]').classes()).toContain('ticker__row--new');
    expect(wrapper.get('[data-event-id=e1]').classes()).not.toContain('ticker__row--new');
  });

  it('the counters mark an alarm value with ▲, not only with colour', () => {
    const wrapper = mount(KpiStrip, {
      props: {
        items: [
          { key: 'a', label: '超期', value: '7', tone: 'alarm' },
          { key: 'b', label: '在办', value: '12', sub: '超期 7 件', subAlarm: true },
        ],
      },
    });
    expect(wrapper.get('[data-kpi=a]').text()).toContain('▲');
    expect(wrapper.get('[data-kpi=b] .kpi__sub').text()).toBe('▲ 超期 7 件');
  });
});
