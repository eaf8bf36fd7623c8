/**
 * The wall split in two (issue 17): two regions side by side, the same counters and panels, each chart pair on one
 * scale; the choice of either side in the URL.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { createBridgeClient } from '../../shared/bridge/client';
import { setBridge } from '../../renderer/src/common/bridge';
import { createAppI18n } from '../../renderer/src/common/i18n';
import EChart from '../../renderer/src/common/charts/EChart.vue';
import { barsOption, oneScale, sizes, stackedBarsOption } from '../../renderer/src/common/charts/options';
import { routes } from '../../renderer/src/router';
import WallCompare from '../../renderer/src/wall/WallCompare.vue';
import { DISTRICT_SCOPE, snapshot } from '../wall/fixtures';

/** Street s1's snapshots: half the district's funnel. */
function street(preset: 'today' | 'year') {
  const s = snapshot(preset, { scope: { ...DISTRICT_SCOPE, id: 's1', level: 'street', name: '浓洄街道', areaLevel: 'community' } });
  for (const k of Object.keys(s.funnel) as (keyof typeof s.funnel)[]) s.funnel[k] = Math.floor(s.funnel[k] / 2);
  return s;
}

afterEach(() => {
  setBridge(undefined);
  vi.restoreAllMocks();
});

async function mountCompare(path: string) {
  const asked: string[] = [];
  setBridge(
    createBridgeClient({
      kind: 'web',
      request: async (name, payload) => {
        if (name === 'regions.list')
          return {
            streets: [
              { id: 's1', name: '浓洄街道', communities: [{ id: 'c1', name: '翠屏路社区' }] },
              { id: 's2', name: '北辰街道', communities: [{ id: 'c2', name: '城北社区' }] },
            ],
          };
        const p = payload as { window: { preset: 'today' | 'year' }; region?: string };
        asked.push(`${p.window.preset}@${p.region ?? 'district'}`);
        return p.region === 's1' ? street(p.window.preset) : snapshot(p.window.preset);
      },
      onPush: () => () => {},
      onConnection: () => () => {},
    }),
  );
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(400);
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(path);
  await router.isReady();
  const wrapper = mount(WallCompare, { global: { plugins: [createPinia(), router, createAppI18n('zh-CN')], stubs: { EChart: true } } });
  await vi.waitFor(async () => {
    await flushPromises();
    expect(wrapper.findAllComponents(EChart).length).toBe(6);
  });
  return { wrapper, router, asked };
}

describe('the wall split in two', () => {
  it('shows a street beside the district: the same counters and panels, each chart pair on one scale', async () => {
    const { wrapper, asked } = await mountCompare('/wall-compare?region=s1');
    expect(asked.sort()).toEqual(['today@district', 'today@s1', 'year@district', 'year@s1']);
    const [a, b] = [wrapper.get('[data-test=wall-compare-side-a]'), wrapper.get('[data-test=wall-compare-side-b]')];
    expect([a.attributes('data-scope'), b.attributes('data-scope')]).toEqual(['s1', 'district']);
    expect(a.get('[data-test=wall-compare-name]').text()).toBe('浓洄街道');
    expect(a.findAll('[data-kpi]').map((k) => k.attributes('data-kpi'))).toEqual(b.findAll('[data-kpi]').map((k) => k.attributes('data-kpi')));
    const funnels = [a, b].map((s) => s.get('[data-panel=funnel]').findComponent(EChart).props('option') as { xAxis: { max: number } });
    expect(funnels[0].xAxis.max).toBe(funnels[1].xAxis.max);
    wrapper.unmount();
  });

  it('takes either side from its selector into the URL', async () => {
    const { wrapper, router } = await mountCompare('/wall-compare?region=s1');
    await wrapper.get('[data-test=wall-compare-with]').setValue('s2');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ region: 's1', with: 's2' });
    wrapper.unmount();
  });
});

describe('one scale for charts side by side', () => {
  it('gives every value axis the same round top, stacked series summed; charts without one stay as they are', () => {
    const s = sizes(19.2);
    const small = barsOption([{ name: 'a', value: 7 }], s);
    const big = barsOption([{ name: 'a', value: 52 }], s);
    const [x, y] = oneScale([small, big]);
    expect([(x.xAxis as { max: number }).max, (y.xAxis as { max: number }).max]).toEqual([100, 100]);
    // 30 + 40 stacked: 70, so 100 (each alone would give 50).
    const stacked = stackedBarsOption(
      ['d1', 'd2'],
      [
        { name: 'k1', values: [30, 10], color: '#fff' },
        { name: 'k2', values: [40, 5], color: '#000' },
      ],
      s,
    );
    expect((oneScale([stacked])[0].xAxis as { max: number }).max).toBe(100);
    const gauge = { series: [{ type: 'gauge', data: [{ value: 0.9 }] }] };
    expect(oneScale([gauge as never])[0]).toEqual(gauge);
  });
});
