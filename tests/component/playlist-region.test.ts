/**
 * A display's default region in Settings (issue 17: a street's command room shows its street): the choice lists
 * the district's streets and their communities from regions.list (names only, no boundaries) and writes the id.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { ref } from 'vue';
import { createBridgeClient } from '../../shared/bridge/client';
import { setBridge } from '../../renderer/src/common/bridge';
import { createAppI18n } from '../../renderer/src/common/i18n';
import PlaylistEditor from '../../renderer/src/settings/PlaylistEditor.vue';
import type { DisplayPlaylist } from '../../shared/settings';

afterEach(() => setBridge(undefined));

describe("a display's region in the playlist editor", () => {
  it('lists streets and their communities by name and saves the one chosen', async () => {
    const asked: string[] = [];
    setBridge(
      createBridgeClient({
        kind: 'web',
        request: async (name) => {
          asked.push(name);
          return {
            streets: [
              { id: 's1', name: '浓洄街道', communities: [{ id: 'c1', name: '翠屏路社区' }] },
              { id: 's2', name: '北辰街道', communities: [] },
            ],
          };
        },
        onPush: () => () => {},
        onConnection: () => () => {},
      }),
    );
    const displays = ref<DisplayPlaylist[]>([{ displayKey: '*', scenes: ['overview'], rotate: true, rotateSeconds: 30, kiosk: true }]);
    const wrapper = mount(PlaylistEditor, {
      props: { modelValue: displays.value, 'onUpdate:modelValue': (v: DisplayPlaylist[]) => (displays.value = v), errors: {} },
      global: { plugins: [createAppI18n('zh-CN')] },
    });
    await flushPromises();
    expect(asked).toEqual(['regions.list']);
    const select = wrapper.get('[data-test=display-region]');
    expect(select.findAll('optgroup').map((g) => g.attributes('label'))).toEqual(['浓洄街道', '北辰街道']);
    expect(select.findAll('option').map((o) => [o.attributes('value'), o.text()])).toEqual([
      ['', '全区'],
      ['s1', '浓洄街道'],
      ['c1', '浓洄街道 › 翠屏路社区'],
      ['s2', '北辰街道'],
    ]);
    await select.setValue('c1');
    expect(displays.value[0].region).toBe('c1');
    wrapper.unmount();
  });
});
