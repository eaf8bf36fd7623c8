import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useNavLinks } from '../../renderer/src/shell/nav';
import { useConnectionStore } from '../../renderer/src/shell/store';

const info = (role: 'viewer' | 'operator') => ({
  name: 'Grid Command Center',
  version: '0',
  host: 'web' as const,
  now: '2026-11-28T09:00:00+08:00',
  locale: 'zh-CN' as const,
  districtName: '广安区',
  role,
});

beforeEach(() => setActivePinia(createPinia()));

describe('navigation links', () => {
  it('an operator sees every page but the current one', () => {
    useConnectionStore().info = info('operator');
    expect(useNavLinks('/wall').value.map((l) => l.to)).toEqual(['/wall-compare', '/briefing', '/reports', '/import', '/settings']);
  });

  it('a read-only wall account gets no link to the 通报 export it may not use', () => {
    const connection = useConnectionStore();
    const links = useNavLinks();
    connection.info = info('viewer');
    expect(links.value.map((l) => l.to)).toEqual(['/wall', '/wall-compare', '/briefing', '/settings']);
  });
});
