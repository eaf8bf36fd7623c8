import { describe, expect, it } from 'vitest';
import zhCN from '../../renderer/src/common/i18n/zh-CN';
import enUS from '../../renderer/src/common/i18n/en-US';
import { BridgeErrorCode } from '../../shared/bridge/contract';

function keys(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [`${prefix}[${value.length}]`];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
  return [prefix];
}

describe('i18n catalogues', () => {
  it('en-US has exactly the keys of zh-CN', () => {
    expect(keys(enUS).sort()).toEqual(keys(zhCN).sort());
  });
  it('no message is left empty or untranslated Chinese in en-US', () => {
    const leaves = (value: unknown): string[] =>
      Array.isArray(value) ? value.flatMap(leaves) : value && typeof value === 'object' ? Object.values(value).flatMap(leaves) : [String(value)];
    for (const text of leaves(enUS)) {
      expect(text.trim()).not.toBe('');
      expect(text, text).not.toMatch(/[\u4e00-\u9fff]{3,}/);
    }
  });
  it('every bridge error code has a sentence in both languages', () => {
    for (const code of BridgeErrorCode.options) {
      expect((zhCN.errors as Record<string, string>)[code], code).toMatch(/./);
      expect((enUS.errors as Record<string, string>)[code], code).toMatch(/./);
    }
  });
});
