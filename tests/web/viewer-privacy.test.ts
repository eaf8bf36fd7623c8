/** The viewer masks on their own: reporters in every shape the core could send, addresses with passwords, pushes. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { maskReporter, pushForViewer, replyForViewer } from '../../web/viewer-privacy';
import { SAMPLE_STATUS } from '../contract/bridge-contract';

describe('viewer masking', () => {
  it.each([
    ['张三丰 13812345678', '张** 138****5678'],
    ['欧阳娜娜 028-12345678', '欧*** 028****5678'],
    ['李四', '李*'],
    ['13812345678', '138****5678'],
    ['张** 138****5678', '张** 138****5678'],
    ['', ''],
  ])('masks the reporter %j as %j, and is idempotent', (raw, masked) => {
    expect(maskReporter(raw)).toBe(masked);
    expect(maskReporter(masked)).toBe(masked);
  });

  it('drops credentials from addresses a wall is shown, and keeps addresses without any as they are', () => {
    const page = {
      settings: DEFAULT_SETTINGS,
      api: {
        baseUrl: 'https://gcc:pa55@api.example/v1',
        tokenSet: true,
        caFile: '/home/zhangsan/ca/intranet.pem',
        proxy: 'http://proxy.example:3128',
        source: 'environment' as const,
        editable: false,
      },
      logFolder: '/home/zhangsan/.config/gcc/logs',
    };
    expect(replyForViewer('settings.get', page)).toEqual({
      settings: DEFAULT_SETTINGS,
      api: { ...page.api, baseUrl: 'https://api.example/v1', caFile: 'intranet.pem', proxy: 'http://proxy.example:3128' },
      logFolder: null,
    });
    expect(replyForViewer('sync.status', { ...SAMPLE_STATUS, source: 'https://u:p@api.example/' })).toMatchObject({ source: 'https://api.example/' });
    expect(replyForViewer('sync.status', SAMPLE_STATUS)).toEqual(SAMPLE_STATUS);
  });

  it('drops a push it cannot mask (unknown name, malformed payload) instead of passing it on or failing', () => {
    expect(pushForViewer('secret.push', { reporter: '张三丰 13812345678' })).toBeUndefined();
    expect(pushForViewer('scene.delta', { seq: 1 })).toBeUndefined();
    expect(pushForViewer('scene.delta', null)).toBeUndefined();
    expect(pushForViewer('sync.status', SAMPLE_STATUS)).toEqual(SAMPLE_STATUS);
  });
});
