import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBridgeClient, type Transport } from '../../shared/bridge/client';
import StatusBar from '../../renderer/src/shell/StatusBar.vue';
import { setBridge } from '../../renderer/src/common/bridge';
import { createAppI18n } from '../../renderer/src/common/i18n';
import { useConnectionStore } from '../../renderer/src/shell/store';
import { useSettingsStore } from '../../renderer/src/settings/store';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { createBackend } from '../../core/backend';
import { dispatch } from '../../shared/bridge/dispatch';

/** An in-process transport over the real backend handlers: what the host would answer, without a host. */
function inProcessTransport(up = true): Transport {
  const backend = createBackend({ host: 'web', version: '9.9.9' });
  return {
    kind: 'web',
    async request(name, payload) {
      if (!up) throw new TypeError('fetch failed');
      const result = await dispatch(backend.handlers, name, payload);
      if (result.ok) return result.reply;
      throw result.error;
    },
    onPush: () => () => {},
    onConnection: () => () => {},
  };
}

afterEach(() => setBridge(undefined));

async function mountBar(transport: Transport, locale: 'zh-CN' | 'en-US' = 'zh-CN', rendering: Settings['rendering'] = 'full') {
  setActivePinia(createPinia());
  setBridge(createBridgeClient(transport));
  const pinia = createPinia();
  useSettingsStore(pinia).settings = { ...DEFAULT_SETTINGS, rendering };
  const wrapper = mount(StatusBar, { global: { plugins: [pinia, createAppI18n(locale)] } });
  useConnectionStore(pinia).start();
  await flushPromises();
  return wrapper;
}

describe('StatusBar', () => {
  it('shows the bridge as connected, with host kind and version, in Chinese', async () => {
    const wrapper = await mountBar(inProcessTransport());
    expect(wrapper.get('[data-test=bridge-state]').text()).toContain('主机已连接');
    expect(wrapper.get('[data-test=bridge-state]').text()).toContain('网页端 v9.9.9');
    expect(wrapper.get('[data-test=sync-state]').text()).toBe('尚未同步');
    expect(wrapper.get('[data-test=clock]').text()).toMatch(/^\d{4}-\d{2}-\d{2} 星期. \d{2}:\d{2}:\d{2}$/);
  });

  it('ticks at each second; in lite rendering shows minutes and changes only when the minute does', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      vi.setSystemTime(Date.parse('2026-11-23T10:00:58.300+08:00'));
      const full = await mountBar(inProcessTransport());
      expect(full.get('[data-test=clock]').text()).toMatch(/ 10:00:58$/);
      await vi.advanceTimersByTimeAsync(800);
      expect(full.get('[data-test=clock]').text()).toMatch(/ 10:00:59$/);
      full.unmount();

      vi.setSystemTime(Date.parse('2026-11-23T10:00:58.300+08:00'));
      const lite = await mountBar(inProcessTransport(), 'zh-CN', 'lite');
      expect(lite.get('[data-test=clock]').text()).toMatch(/^\d{4}-\d{2}-\d{2} 星期. 10:00$/);
      await vi.advanceTimersByTimeAsync(1500); // 10:00:59.8
      expect(lite.get('[data-test=clock]').text()).toMatch(/ 10:00$/);
      await vi.advanceTimersByTimeAsync(300); // 10:01:00.1
      expect(lite.get('[data-test=clock]').text()).toMatch(/ 10:01$/);
      await vi.advanceTimersByTimeAsync(59_800); // 10:01:59.9
      expect(lite.get('[data-test=clock]').text()).toMatch(/ 10:01$/);
      await vi.advanceTimersByTimeAsync(200); // 10:02:00.1
      expect(lite.get('[data-test=clock]').text()).toMatch(/ 10:02$/);
      // Back to full mid-minute: seconds at once, ticking each second again.
      await vi.advanceTimersByTimeAsync(20_000); // 10:02:20.1
      useSettingsStore(lite.vm.$pinia).settings = { ...DEFAULT_SETTINGS, rendering: 'full' };
      await flushPromises();
      expect(lite.get('[data-test=clock]').text()).toMatch(/ 10:02:20$/);
      await vi.advanceTimersByTimeAsync(1000);
      expect(lite.get('[data-test=clock]').text()).toMatch(/ 10:02:21$/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says in words when the host cannot be reached', async () => {
    const wrapper = await mountBar(inProcessTransport(false));
    expect(wrapper.get('[data-test=bridge-state]').text()).toContain('与主机的连接已断开');
    expect(wrapper.get('[data-test=bridge-error]').text()).toMatch(/^无法连接主机/);
  });

  it('speaks English when asked', async () => {
    const wrapper = await mountBar(inProcessTransport(), 'en-US');
    expect(wrapper.get('[data-test=bridge-state]').text()).toContain('Host connected');
  });
});

describe('StatusBar sync details', () => {
  it('words a sync problem in the user language and shows progress and quarantine', async () => {
    setActivePinia(createPinia());
    const pinia = createPinia();
    setBridge(createBridgeClient(inProcessTransport()));
    const wrapper = mount(StatusBar, { global: { plugins: [pinia, createAppI18n('zh-CN')] } });
    const store = useConnectionStore(pinia);
    store.sync = {
      state: 'syncing',
      source: 'demo',
      demo: true,
      lastContact: '2026-11-28T09:15:00+08:00',
      progress: { records: 12000, total: 197308, perSecond: 8000, etaSeconds: 23.1 },
      retryInSeconds: null,
      quarantined: 3,
      message: 'The disk holding x is full.',
      problem: { code: 'disk_full', detail: 'The disk holding x is full.' },
    };
    await flushPromises();
    expect(wrapper.get('[data-test=sync-detail]').text()).toBe(
      '12,000 / 197,308 条，8,000 条/秒，约 24 秒 · 数据更新于 2026-11-28 09:15 · 3 条记录校验未通过，已隔离',
    );
    expect(wrapper.get('[data-test=sync-message]').text()).toMatch(/^缓存所在磁盘已满/);
  });
});
