/**
 * The briefing and reports views over the real backend (in-process transport, the demo district's cache): figures
 * with 环比/同比, drill-down to masked cases, the editable narrative flowing into the 通报, presenter paging, the
 * period picker, exports and the audit log, in both languages.
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { createBackend, type Backend } from '../../core/backend';
import { createBridgeClient, type Transport } from '../../shared/bridge/client';
import { dispatch } from '../../shared/bridge/dispatch';
import { setBridge } from '../../renderer/src/common/bridge';
import { createAppI18n } from '../../renderer/src/common/i18n';
import { routes } from '../../renderer/src/router';
import BriefingView from '../../renderer/src/briefing/BriefingView.vue';
import ReportsView from '../../renderer/src/reports/ReportsView.vue';
import CompareView from '../../renderer/src/briefing/CompareView.vue';
import PeriodPicker from '../../renderer/src/briefing/PeriodPicker.vue';
import { useBriefingStore } from '../../renderer/src/briefing/store';
import { DEMO_NOW, DEMO_WEEK, demoCacheCopy } from '../../scripts/lib/demo-cache';
import type { Briefing } from '../../shared/bridge/briefing';

let backend: Backend;
let reference: Briefing;

beforeAll(async () => {
  const cache = demoCacheCopy();
  backend = createBackend({
    host: 'web',
    version: '0.0.0',
    now: () => DEMO_NOW,
    data: { cacheFile: cache.file, api: { baseUrl: 'http://127.0.0.1:9/', token: 't' }, demo: true, sync: 'off' },
  });
  const r = await dispatch(backend.handlers, 'briefing.get', { period: { kind: 'week', week: DEMO_WEEK } });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  reference = r.reply as Briefing;
});
afterAll(() => backend.close());

function transport(): Transport {
  return {
    kind: 'web',
    async request(name, payload) {
      const result = await dispatch(backend.handlers, name, payload);
      if (result.ok) return result.reply;
      throw result.error;
    },
    onPush: () => () => {},
    onConnection: () => () => {},
  };
}

const mounted: VueWrapper[] = [];
afterEach(() => {
  while (mounted.length) mounted.pop()!.unmount();
  setBridge(undefined);
});

async function mountView(component: typeof BriefingView | typeof ReportsView, path: string, locale: 'zh-CN' | 'en-US' = 'zh-CN') {
  setBridge(createBridgeClient(transport()));
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(path);
  await router.isReady();
  const wrapper = mount(component, { attachTo: document.body, global: { plugins: [pinia, router, createAppI18n(locale)], stubs: { EChart: true } } });
  mounted.push(wrapper);
  await vi.waitFor(async () => {
    await flushPromises();
    if (!useBriefingStore().briefing && component === BriefingView) throw new Error('not loaded yet');
  });
  await flushPromises();
  return { wrapper, router, store: useBriefingStore() };
}

const kpi = (metric: string) => reference.kpis.find((k) => k.metric === metric)!;

describe('briefing view', () => {
  it('shows the week’s key figures with 环比 and 同比 in words and arrows', async () => {
    const { wrapper } = await mountView(BriefingView, `/briefing?period=${DEMO_WEEK}`);
    expect(wrapper.get('[data-test=period-label]').text()).toBe('2023年第11周');
    expect(wrapper.get('[data-test=kpi-events] [data-test=kpi-value]').text()).toBe(`${kpi('events').value}件`);
    const wow = wrapper.get('[data-test=kpi-events] [data-test=kpi-wow]').text();
    expect(wow).toMatch(/^环比\s*[▲▼■]\s*(上升|下降|持平)/);
    expect(wrapper.get('[data-test=kpi-onTimeRate] [data-test=kpi-value]').text()).toBe(`${(kpi('onTimeRate').value! * 100).toFixed(1)}%`);
    expect(wrapper.get('[data-test=kpi-onTimeRate] [data-test=kpi-wow]').text()).toContain('个百分点');
    // Rankings, the worst named, exceptions.
    expect(wrapper.findAll('[data-test=rank-table-streets] tbody tr')).toHaveLength(reference.rankings.streets.length);
    expect(wrapper.get('[data-test=worst]').text()).toContain('最低');
    expect(wrapper.get('[data-test=exc-overdue]').text()).toContain(String(kpi('overdue').value));
  });

  it('drills a figure into its cases, masked, and pages through them', async () => {
    const { wrapper } = await mountView(BriefingView, `/briefing?period=${DEMO_WEEK}`);
    await wrapper.get('[data-test=kpi-overdue]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('[data-test=drill-case]').exists()).toBe(true);
    });
    expect(wrapper.get('[data-test=drill-total]').text()).toContain(`共 ${kpi('overdue').value} 件`);
    expect(wrapper.findAll('[data-test=drill-case]')).toHaveLength(Math.min(50, kpi('overdue').value!));
    for (const cell of wrapper.findAll('[data-test=drill-reporter]')) expect(cell.text()).toMatch(/^(—|.\*{1,3} 1\d\d\*{4}\d{4})$/);
    if (kpi('overdue').value! > 50) {
      await wrapper.get('[data-test=drill-more]').trigger('click');
      await vi.waitFor(async () => {
        await flushPromises();
        expect(wrapper.findAll('[data-test=drill-case]').length).toBeGreaterThan(50);
      });
    }
    await wrapper.get('[data-test=drill-close]').trigger('click');
    expect(wrapper.find('[data-test=case-drawer]').exists()).toBe(false);
  });

  it('drills a ranking cell and links the grid to the map', async () => {
    const { wrapper } = await mountView(BriefingView, `/briefing?period=${DEMO_WEEK}`);
    const row = wrapper.get(`[data-test=rank-table-streets] tbody tr`);
    await row.get('[data-test=cell-events]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('[data-test=drill-case]').exists()).toBe(true);
    });
    const street = reference.rankings.streets.find((s) => s.id === row.attributes('data-row'))!;
    expect(wrapper.get('[data-test=drill-total]').text()).toContain(`共 ${street.events} 件`);
    expect(wrapper.get('[data-test=drill-case] a').attributes('href')).toMatch(/^#\/wall\/overview\?grid=.+&rotate=0$/);
  });

  it('lets the narrative be edited, shows the figures behind each sentence, and carries the edit into the 通报', async () => {
    const { wrapper, store } = await mountView(BriefingView, `/briefing?period=${DEMO_WEEK}`);
    const first = reference.narrative[0];
    const sentence = wrapper.get(`[data-test=sentence-${first.id}]`);
    expect(sentence.text()).toContain(first.text);
    await sentence.trigger('mouseenter');
    const chips = wrapper.findAll('[data-test=sentence-figures] li');
    expect(chips.map((c) => c.attributes('data-figure'))).toEqual(first.refs);
    expect(chips[0].text()).toContain(reference.figures[first.refs[0]].text);
    await wrapper.get(`[data-test=sentence-toggle-${first.id}]`).trigger('click');
    await wrapper.get(`[data-test=sentence-edit-${first.id}]`).setValue('本周全区共受理各类事件若干件。');
    expect(store.currentEdits[first.id]).toBe('本周全区共受理各类事件若干件。');
    await store.loadTemplate(true);
    expect(store.texts!.overall.startsWith('本周全区共受理各类事件若干件。')).toBe(true);
    expect(store.textsFromBriefing).toBe(true);
  });

  it('presents one section a page, paged with the keyboard, and leaves with Esc', async () => {
    const { wrapper } = await mountView(BriefingView, `/briefing?period=${DEMO_WEEK}`);
    await wrapper.get('[data-test=presenter-start]').trigger('click');
    const presenter = () => wrapper.find('[data-test=presenter]');
    expect(presenter().attributes('data-page')).toBe('cover');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight' }));
    await flushPromises();
    expect(presenter().attributes('data-page')).toBe('narrative');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'End' }));
    await flushPromises();
    expect(presenter().attributes('data-page')).toBe('exceptions');
    expect(wrapper.get('[data-test=presenter-page]').text()).toBe('7 / 7');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft' }));
    await flushPromises();
    expect(presenter().attributes('data-page')).toBe('problems');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await flushPromises();
    expect(presenter().exists()).toBe(false);
  });

  it('follows the period in the URL and shows a watermark when asked', async () => {
    const { wrapper, router, store } = await mountView(BriefingView, `/briefing?period=${DEMO_WEEK}`);
    await wrapper.get('[data-test=period-prev]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(store.briefing?.period.key).toBe('2023-W10');
    });
    expect(router.currentRoute.value.query.period).toBe('2023-W10');
    store.operator = '赵六';
    await wrapper.get('[data-test=watermark-toggle] input').setValue(true);
    expect(wrapper.get('[data-test=watermark]').text()).toContain('赵六');
  });

  it('speaks English', async () => {
    const { wrapper } = await mountView(BriefingView, `/briefing?period=${DEMO_WEEK}`, 'en-US');
    expect(wrapper.get('[data-test=period-label]').text()).toBe('Week 11, 2023');
    expect(wrapper.get('[data-test=kpi-events]').text()).toContain('Cases received');
    expect(wrapper.get('[data-test=kpi-events] [data-test=kpi-wow]').text()).toMatch(/vs previous/);
  });
});

describe('briefing view at a scope', () => {
  const street = () => reference.rankings.streets[1];

  it('reads ?region= and shows the street’s briefing under its breadcrumb, which goes back to the district', async () => {
    const s = street();
    const { wrapper, router, store } = await mountView(BriefingView, `/briefing?period=${DEMO_WEEK}&region=${s.id}`);
    expect(wrapper.get('[data-test=briefing-body]').attributes('data-scope')).toBe(s.id);
    const crumbs = wrapper.get('[data-test=scope-breadcrumb]');
    expect(crumbs.get('[data-test=scope-current]').text()).toBe(s.name);
    expect(crumbs.get('[data-scope-step=district]').text()).toBe('广安区');
    // The street's own figures and its communities ranked; no streets tab.
    expect(wrapper.get('[data-test=kpi-events]').text()).toContain(String(s.events));
    expect(wrapper.find('[data-test=rank-level-streets]').exists()).toBe(false);
    const rows = wrapper.findAll('[data-test=rank-table-communities] tbody tr');
    expect(rows.map((r) => r.attributes('data-row')).sort()).toEqual(store.briefing!.rankings.communities.map((c) => c.id).sort());
    expect(store.briefing!.rankings.communities.length).toBeGreaterThan(1);
    // A ranking cell's cases are the street's: the drawer asks within the scope.
    await rows[0].get('[data-test=cell-events]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('[data-test=drill-case]').exists()).toBe(true);
    });
    const community = store.briefing!.rankings.communities.find((c) => c.id === rows[0].attributes('data-row'))!;
    expect(wrapper.get('[data-test=drill-total]').text()).toContain(`共 ${community.events} 件`);
    store.closeDrill();
    // The report link keeps the scope.
    expect(wrapper.get('[data-test=to-report]').attributes('href')).toContain(`region=${s.id}`);
    // Back up: the URL loses its region and the district's briefing comes back.
    await crumbs.get('[data-scope-step=district]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(store.briefing?.scope.id).toBeNull();
    });
    expect(router.currentRoute.value.query.region).toBeUndefined();
    expect(router.currentRoute.value.query.period).toBe(DEMO_WEEK);
    expect(wrapper.get('[data-test=briefing-body]').attributes('data-scope')).toBe('district');
    expect(wrapper.findAll('[data-test=rank-table-streets] tbody tr')).toHaveLength(reference.rankings.streets.length);
  });

  it('goes into a street from its name in the rankings, keeping its number for its cases', async () => {
    const { wrapper, router, store } = await mountView(BriefingView, `/briefing?period=${DEMO_WEEK}`);
    const row = wrapper.get('[data-test=rank-table-streets] tbody tr');
    const id = row.attributes('data-row')!;
    await row.get('[data-test=scope-to]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(store.briefing?.scope.id).toBe(id);
    });
    expect(router.currentRoute.value.query).toMatchObject({ period: DEMO_WEEK, region: id });
    expect(wrapper.get('[data-test=scope-breadcrumb] [data-test=scope-current]').text()).toBe(reference.rankings.streets.find((s) => s.id === id)!.name);
    // And on into one of its communities: the breadcrumb then has three steps.
    const community = wrapper.get('[data-test=rank-table-communities] tbody tr');
    await community.get('[data-test=scope-to]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(store.briefing?.scope.level).toBe('community');
    });
    expect(wrapper.findAll('[data-test=scope-breadcrumb] .crumbs__step')).toHaveLength(3);
    expect(wrapper.find('[data-test=rank-table-grids]').exists()).toBe(true);
    expect(wrapper.find('[data-test=rank-table-grids] [data-test=scope-to]').exists()).toBe(false);
  });
});

describe('period picker', () => {
  it('emits a week, a month and a valid custom range only', async () => {
    const wrapper = mount(PeriodPicker, { props: { modelValue: { kind: 'week', week: '2026-W47' } }, global: { plugins: [createAppI18n('zh-CN')] } });
    mounted.push(wrapper);
    await wrapper.get('[data-test=period-kind-month]').trigger('click');
    expect(wrapper.emitted('update:modelValue')!.at(-1)).toEqual([{ kind: 'month', month: '2026-11' }]);
    await wrapper.get('[data-test=period-kind-custom]').trigger('click');
    await wrapper.get('[data-test=period-from]').setValue('2026-11-20');
    await wrapper.get('[data-test=period-to]').setValue('2026-11-10');
    await wrapper.get('[data-test=period-apply]').trigger('click');
    expect(wrapper.get('[data-test=period-invalid]').text()).toContain('这个周期不存在');
    await wrapper.get('[data-test=period-to]').setValue('2026-11-25');
    await wrapper.get('[data-test=period-apply]').trigger('click');
    expect(wrapper.emitted('update:modelValue')!.at(-1)).toEqual([{ kind: 'custom', from: 20261120, to: 20261125 }]);
    await wrapper.setProps({ modelValue: { kind: 'week', week: '2026-W01' } });
    await wrapper.get('[data-test=period-prev]').trigger('click');
    expect(wrapper.emitted('update:modelValue')!.at(-1)).toEqual([{ kind: 'week', week: '2025-W52' }]);
  });
});

describe('reports view', () => {
  it('prefills the 通报, exports it, and shows the export in the audit log', async () => {
    const created: Blob[] = [];
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: (b: Blob) => (created.push(b), `blob:test/${created.length}`), revokeObjectURL: () => {} }));
    const { wrapper, store } = await mountView(ReportsView, `/reports?period=${DEMO_WEEK}`);
    await vi.waitFor(async () => {
      await flushPromises();
      expect(store.texts).not.toBeNull();
    });
    await flushPromises();
    expect((wrapper.get('[data-test=field-mark]').element as HTMLInputElement).value).toBe('广安区网格化服务管理中心文件');
    expect((wrapper.get('[data-test=field-overall]').element as HTMLTextAreaElement).value).toContain('全区共受理各类事件');
    await wrapper.get('[data-test=field-docNumber]').setValue('广网格通〔2026〕99号');
    expect(store.texts!.docNumber).toBe('广网格通〔2026〕99号');
    // Nobody named: the export asks who is exporting.
    store.operator = '';
    await wrapper.get('[data-test=export-docx]').trigger('click');
    expect(wrapper.get('[data-test=operator-required]').text()).toContain('导出人');
    await wrapper.get('[data-test=operator]').setValue('钱七');
    await wrapper.get('[data-test=export-docx]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('[data-test=download-docx]').exists()).toBe(true);
    });
    expect(wrapper.get('[data-test=download-docx]').attributes('download')).toBe(`网格化服务管理工作通报-${DEMO_WEEK}.docx`);
    expect(created.at(-1)!.type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.findAll('[data-test=audit-row]')[0]?.text()).toContain('钱七');
    });
    expect(wrapper.findAll('[data-test=audit-row]')[0].text()).toContain(DEMO_WEEK);
    vi.unstubAllGlobals();
  });

  it('prefills and exports a street’s 通报 when the URL names the street, and goes back up with the breadcrumb', async () => {
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:test/street', revokeObjectURL: () => {} }));
    const s = reference.rankings.streets[0];
    const { wrapper, router, store } = await mountView(ReportsView, `/reports?period=${DEMO_WEEK}&region=${s.id}`);
    await vi.waitFor(async () => {
      await flushPromises();
      expect(store.textsScope?.id).toBe(s.id);
    });
    await flushPromises();
    expect(wrapper.get('[data-test=scope-breadcrumb] [data-test=scope-current]').text()).toBe(s.name);
    expect((wrapper.get('[data-test=field-title]').element as HTMLTextAreaElement).value).toContain(s.name);
    expect((wrapper.get('[data-test=field-overall]').element as HTMLTextAreaElement).value).toContain(`${s.name}共受理各类事件${s.events}件`);
    store.operator = '孙八';
    await wrapper.get('[data-test=export-docx]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('[data-test=download-docx]').exists()).toBe(true);
    });
    expect(wrapper.get('[data-test=download-docx]').attributes('download')).toBe(`${s.name}网格化服务管理工作通报-${DEMO_WEEK}.docx`);
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.findAll('[data-test=audit-row]')[0]?.text()).toContain(`${DEMO_WEEK} ${s.name}`);
    });
    await wrapper.get('[data-test=scope-breadcrumb] [data-scope-step=district]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(store.textsScope?.id).toBeNull();
    });
    expect(router.currentRoute.value.query.region).toBeUndefined();
    expect(store.texts!.title).toContain('全区');
    vi.unstubAllGlobals();
  });
});

describe('compare view', () => {
  async function mountCompare(path: string) {
    setBridge(createBridgeClient(transport()));
    setActivePinia(createPinia());
    const router = createRouter({ history: createMemoryHistory(), routes });
    await router.push(path);
    await router.isReady();
    const wrapper = mount(CompareView, {
      attachTo: document.body,
      global: { plugins: [createPinia(), router, createAppI18n('zh-CN')], stubs: { EChart: true } },
    });
    mounted.push(wrapper);
    await vi.waitFor(async () => {
      await flushPromises();
      if (!wrapper.find('[data-test=compare-table]').exists()) throw new Error('not loaded yet');
    });
    return { wrapper, router };
  }
  const option = (side: ReturnType<VueWrapper['get']>, i: number) => side.findAllComponents({ name: 'EChart' })[i].props('option') as { yAxis: unknown };
  /** The count axis's top, and the rate axis's bottom where there is one. */
  const axes = (o: { yAxis: unknown }) =>
    Array.isArray(o.yAxis) ? [(o.yAxis[0] as { max?: number }).max, (o.yAxis[1] as { min?: unknown }).min] : [(o.yAxis as { max?: number }).max];
  const countMax = (o: { yAxis: unknown }) => axes(o)[0] as number;

  it('sets a week beside the week before, with the same scales and each figure’s difference', async () => {
    const { wrapper } = await mountCompare(`/compare?period=${DEMO_WEEK}`);
    const [a, b] = [wrapper.get('[data-test=compare-side-a]'), wrapper.get('[data-test=compare-side-b]')];
    expect(a.get('[data-test=compare-heading]').text()).toBe('广安区 · 2023年第11周');
    expect(b.get('[data-test=compare-heading]').text()).toBe('广安区 · 2023年第10周');
    expect(a.get('[data-test=kpi-events] [data-test=kpi-value]').text()).toBe(`${kpi('events').value}件`);
    for (const i of [0, 1]) expect(axes(option(a, i))).toEqual(axes(option(b, i)));
    expect(typeof axes(option(a, 0))[1]).toBe('number');
    expect(countMax(option(a, 0))).toBeGreaterThan(0);
    // The difference is A − B, in cases and in percentage points.
    const previous = kpi('events').previous!;
    const d = kpi('events').value! - previous;
    expect(wrapper.get('[data-test=compare-row-events] [data-test=compare-diff]').text()).toBe(
      `${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d).toLocaleString('zh-CN')}`,
    );
    expect(wrapper.get('[data-test=compare-row-onTimeRate] [data-test=compare-diff]').text()).toMatch(/^[+−±]\d+\.\d 个百分点$/);
  });

  it('sets two streets side by side in one period, chosen in the view', async () => {
    const { wrapper, router } = await mountCompare(`/compare?period=${DEMO_WEEK}&region=${reference.rankings.streets[0].id}`);
    const other = reference.rankings.streets[1];
    await wrapper.get('[data-test=compare-with]').setValue(other.id);
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.get('[data-test=compare-side-b]').attributes('data-scope')).toBe(other.id);
    });
    expect(router.currentRoute.value.query).toMatchObject({ with: other.id, region: reference.rankings.streets[0].id });
    expect(wrapper.get('[data-test=compare-side-a]').attributes('data-scope')).toBe(reference.rankings.streets[0].id);
    expect(wrapper.get('[data-test=compare-side-b] [data-test=compare-heading]').text()).toBe(`${other.name} · 2023年第11周`);
  });
});
