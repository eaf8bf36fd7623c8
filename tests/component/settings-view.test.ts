import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBackend, type ApiConnectionControl } from '../../core/backend';
import { answerBasemapFile, asResponse } from '../../core/settings/basemap-file';
import { SettingsStore } from '../../core/settings/store';
import { createBridgeClient, type Transport } from '../../shared/bridge/client';
import { BridgeError } from '../../shared/bridge/contract';
import { dispatch } from '../../shared/bridge/dispatch';
import type { ApiConnectionView } from '../../shared/settings';
import { setBridge } from '../../renderer/src/common/bridge';
import { createAppI18n } from '../../renderer/src/common/i18n';
import { useConnectionStore } from '../../renderer/src/shell/store';
import { useSettingsStore } from '../../renderer/src/settings/store';
import SettingsView from '../../renderer/src/settings/SettingsView.vue';
import { writeGuanganFixture } from '../fixtures/pmtiles';

const SECRET = 'tok-3f9a-very-secret';

interface Rig {
  wrapper: VueWrapper;
  settings: SettingsStore;
  applied: unknown[];
  requests: string[];
}

/** The page over the real backend handlers in-process, with a stand-in for the runtime's API switch. */
async function mountPage(options: { api?: Partial<ApiConnectionView>; host?: 'electron' | 'web'; apply?: ApiConnectionControl['apply'] } = {}): Promise<Rig> {
  let view: ApiConnectionView = {
    baseUrl: 'https://wgh.example.gov.cn/api/',
    tokenSet: true,
    caFile: null,
    proxy: null,
    source: 'settings',
    editable: true,
    ...options.api,
  };
  const applied: unknown[] = [];
  const settings = new SettingsStore(null);
  const backend = createBackend({
    host: options.host ?? 'electron',
    version: '1.2.3',
    settings,
    logFolder: '/home/duty/.config/gcc/logs',
    apiConnection: {
      view: () => view,
      apply:
        options.apply ??
        (async (input) => {
          applied.push(input);
          view = { ...view, baseUrl: input.baseUrl, tokenSet: true, source: 'settings' };
          return view;
        }),
    },
  });
  const requests: string[] = [];
  const pushListeners = new Set<(name: string, payload: unknown) => void>();
  backend.onPush((name, payload) => pushListeners.forEach((l) => l(name, payload)));
  const transport: Transport = {
    kind: options.host ?? 'electron',
    async request(name, payload) {
      requests.push(name);
      const result = await dispatch(backend.handlers, name, payload);
      if (result.ok) return result.reply;
      throw result.error;
    },
    onPush: (listener) => {
      pushListeners.add(listener);
      return () => pushListeners.delete(listener);
    },
    onConnection: () => () => {},
  };
  setBridge(createBridgeClient(transport));
  const pinia = createPinia();
  setActivePinia(pinia);
  useConnectionStore(pinia).start();
  useSettingsStore(pinia).start();
  const wrapper = mount(SettingsView, { global: { plugins: [pinia, createAppI18n('zh-CN')] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, settings, applied, requests };
}

afterEach(() => {
  setBridge(undefined);
  document.body.innerHTML = '';
});

function errorNextTo(wrapper: VueWrapper, selector: string): string | null {
  const field = wrapper.get(selector).element.closest('.sfield');
  return field?.querySelector('[data-test=field-error]')?.textContent?.trim() ?? null;
}

describe('Settings page', () => {
  it('shows the stored settings, the log folder and the version', async () => {
    const { wrapper } = await mountPage();
    expect((wrapper.get('[data-test=district-title]').element as HTMLInputElement).value).toBe('广安区网格化服务管理指挥中心');
    expect(wrapper.get('[data-test=log-folder]').text()).toBe('/home/duty/.config/gcc/logs');
    expect(wrapper.text()).toContain('v1.2.3 · 桌面端');
    expect(wrapper.findAll('[data-test=display-playlist]')).toHaveLength(1);
    expect(wrapper.get('[data-test=settings-state]').text()).toContain('所有更改已保存');
  });

  it('an emptied title gets a sentence next to the field, and saving sends nothing and keeps the page', async () => {
    const { wrapper, settings, requests } = await mountPage();
    await wrapper.get('[data-test=district-title]').setValue('   ');
    expect(errorNextTo(wrapper, '[data-test=district-title]')).toBe('⚠ 请填写指挥中心名称，不超过 40 个字。');
    expect(wrapper.get('[data-test=settings-state]').text()).toContain('有 1 处填写不符合要求');
    await wrapper.get('[data-test=settings-save]').trigger('click');
    await flushPromises();
    expect(requests).not.toContain('settings.update');
    expect(settings.get().districtTitle).toBe('广安区网格化服务管理指挥中心');
    expect(wrapper.find('[data-test=view-settings]').exists()).toBe(true);
  });

  it('rotation below 5 seconds gets the rule as a sentence next to the seconds', async () => {
    const { wrapper } = await mountPage();
    await wrapper.get('[data-test=rotate-seconds]').setValue('2');
    expect(errorNextTo(wrapper, '[data-test=rotate-seconds]')).toBe('⚠ 停留时间须为 5 至 3600 之间的整数秒。');
    await wrapper.get('[data-test=rotate-seconds]').setValue('20');
    expect(errorNextTo(wrapper, '[data-test=rotate-seconds]')).toBeNull();
  });

  it('a display with no scene left, and a tile address without {z}, are refused with their sentences', async () => {
    const { wrapper } = await mountPage();
    for (const box of wrapper.findAll('[data-test=scene-check]')) await box.setValue(false);
    expect(wrapper.text()).toContain('每台显示器至少选择一个场景。');
    await wrapper.get('input[name=basemap][value=tiles]').setValue(true);
    await wrapper.get('[data-test=basemap-url]').setValue('http://tiles.intranet/{x}/{y}.png');
    expect(errorNextTo(wrapper, '[data-test=basemap-url]')).toBe('⚠ 请填写以 http:// 或 https:// 开头、包含 {z}、{x}、{y} 的瓦片地址。');
  });

  it('saves the changed fields; the host pushes them back and the page says it is saved', async () => {
    const { wrapper, settings } = await mountPage();
    await wrapper.get('[data-test=district-title]').setValue('前锋区网格化服务管理指挥中心');
    await wrapper.get('[data-test=rotate-seconds]').setValue('45');
    expect(wrapper.get('[data-test=settings-state]').text()).toContain('有 2 项更改尚未保存');
    await wrapper.get('[data-test=settings-save]').trigger('click');
    await flushPromises();
    expect(settings.get().districtTitle).toBe('前锋区网格化服务管理指挥中心');
    expect(settings.get().displays[0].rotateSeconds).toBe(45);
    expect(wrapper.get('[data-test=settings-state]').text()).toMatch(/已于 .* 保存/);
    expect((wrapper.get('[data-test=settings-save]').element as HTMLButtonElement).disabled).toBe(true);
  });

  it('rendering: auto by default, says what this PC draws with, and saves lite when chosen', async () => {
    const { wrapper, settings } = await mountPage();
    const choice = wrapper.get('[data-test=rendering]');
    expect((choice.get('input[value=auto]').element as HTMLInputElement).checked).toBe(true);
    // No WebGL in the test DOM: auto draws lite, and the hint says why.
    expect(choice.element.closest('.sfield')!.textContent).toContain('本机图形：无 WebGL（软件绘图），当前为精简');
    await choice.get('input[value=lite]').setValue(true);
    await wrapper.get('[data-test=settings-save]').trigger('click');
    await flushPromises();
    expect(settings.get().rendering).toBe('lite');
  });

  it('follows a change saved elsewhere for the fields it has not edited', async () => {
    const { wrapper, settings } = await mountPage();
    await wrapper.get('[data-test=rotate-seconds]').setValue('40');
    settings.update({ districtTitle: '另一窗口改的标题', displays: [{ ...settings.get().displays[0], rotateSeconds: 90 }] });
    await flushPromises();
    expect((wrapper.get('[data-test=district-title]').element as HTMLInputElement).value).toBe('另一窗口改的标题');
    expect((wrapper.get('[data-test=rotate-seconds]').element as HTMLInputElement).value).toBe('40');
  });

  it('never shows the stored token: only that one is set; a new one is sent once and cleared from the field', async () => {
    const { wrapper, applied } = await mountPage();
    expect(wrapper.get('[data-test=api-token-state]').text()).toBe('已设置');
    const token = wrapper.get('[data-test=api-token]');
    expect((token.element as HTMLInputElement).value).toBe('');
    expect(token.attributes('type')).toBe('password');
    await token.setValue(SECRET);
    await wrapper.get('[data-test=api-base-url]').setValue('https://wgh2.example.gov.cn/api/');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(applied).toEqual([{ baseUrl: 'https://wgh2.example.gov.cn/api/', token: SECRET }]);
    expect((wrapper.get('[data-test=api-token]').element as HTMLInputElement).value).toBe('');
    expect(wrapper.html()).not.toContain(SECRET);
    expect(wrapper.get('[data-test=api-result]').text()).toContain('已切换到新的中心接口');
  });

  it('leaving the token empty keeps the stored one (nothing sent for it)', async () => {
    const { wrapper, applied } = await mountPage();
    await wrapper.get('[data-test=api-proxy]').setValue('http://proxy.local:3128');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(applied).toEqual([{ baseUrl: 'https://wgh.example.gov.cn/api/', proxy: 'http://proxy.local:3128' }]);
  });

  it('the first connection needs a token, said next to the field', async () => {
    const { wrapper, applied } = await mountPage({ api: { baseUrl: null, tokenSet: false, source: 'demo' } });
    expect(wrapper.get('[data-test=api-token-state]').text()).toBe('未设置');
    await wrapper.get('[data-test=api-base-url]').setValue('https://wgh.example.gov.cn/api/');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(applied).toEqual([]);
    expect(errorNextTo(wrapper, '[data-test=api-token]')).toBe('⚠ 请填写访问令牌（首次设置时必填，不超过 4096 个字符）。');
  });

  it('a CA file the host cannot use comes back as the sentence next to that field', async () => {
    const { wrapper } = await mountPage({
      apply: async () => {
        throw new BridgeError({
          code: 'invalid_payload',
          message: 'The CA file /x.pem cannot be used (ENOENT).',
          issues: [{ path: 'caFile', message: 'The CA file /x.pem cannot be used (ENOENT).' }],
        });
      },
    });
    await wrapper.get('[data-test=api-ca-file]').setValue('/x.pem');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(errorNextTo(wrapper, '[data-test=api-ca-file]')).toBe('⚠ 无法使用该证书文件，请填写本机上 PEM 格式证书文件的完整路径。');
  });

  it('on the web host the connection is read-only, with the sentence saying where it comes from', async () => {
    const { wrapper } = await mountPage({ host: 'web', api: { source: 'environment', editable: false } });
    expect(wrapper.get('[data-test=api-readonly]').text()).toMatch(/^网页端不保存中心接口设置。.*GCC_API_URL、GCC_API_TOKEN_FILE/);
    expect((wrapper.get('[data-test=api-base-url]').element as HTMLInputElement).disabled).toBe(true);
    expect((wrapper.get('[data-test=api-token]').element as HTMLInputElement).disabled).toBe(true);
    expect(wrapper.find('[data-test=api-apply]').exists()).toBe(false);
  });

  it('a PMTiles path with no file there is refused by the host, with its sentence next to the path', async () => {
    const { wrapper, settings } = await mountPage();
    await wrapper.get('input[name=basemap][value=pmtiles]').setValue(true);
    await wrapper.get('[data-test=basemap-path]').setValue(path.join(tmpdir(), 'no-such-basemap.pmtiles'));
    await wrapper.get('[data-test=settings-save]').trigger('click');
    await flushPromises();
    expect(errorNextTo(wrapper, '[data-test=basemap-path]')).toBe('⚠ 该路径下没有文件（网页端指服务器上的路径），请检查路径。');
    expect(settings.get().basemap).toEqual({ kind: 'none' });
  });

  it('a PMTiles file once saved: what it holds, as the wall reads it from the host', async () => {
    const file = writeGuanganFixture(mkdtempSync(path.join(tmpdir(), 'gcc-settings-basemap-')));
    // The page reads the archive's header at basemap.pmtiles; here the host's answer comes without a server.
    vi.stubGlobal('fetch', async (_url: string, init?: RequestInit) => asResponse(await answerBasemapFile(file, 'GET', new Headers(init?.headers))));
    try {
      const { wrapper, settings } = await mountPage();
      await wrapper.get('input[name=basemap][value=pmtiles]').setValue(true);
      await wrapper.get('[data-test=basemap-path]').setValue(file);
      expect(wrapper.find('[data-test=pmtiles-archive]').exists()).toBe(false);
      await wrapper.get('[data-test=settings-save]').trigger('click');
      await flushPromises();
      expect(settings.get().basemap).toEqual({ kind: 'pmtiles', path: file });
      await vi.waitFor(() => expect(wrapper.find('[data-test=pmtiles-archive]').exists()).toBe(true));
      expect(wrapper.get('[data-test=pmtiles-archive]').text()).toBe(
        '已读取：栅格瓦片（PNG），缩放级别 6–12，范围 东经 106.000°–107.500°、北纬 30.000°–31.200°',
      );
      expect(wrapper.text()).not.toContain('尚不能显示');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
