import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN';
import enUS from './en-US';

export type Locale = 'zh-CN' | 'en-US';
export const LOCALES: Locale[] = ['zh-CN', 'en-US'];

/** `?lang=en-US` in the address fixes the language of that window over the setting (ops scripts, tests). */
export function urlLocale(search: string = window.location.search): Locale | null {
  const requested = new URLSearchParams(search).get('lang');
  return LOCALES.includes(requested as Locale) ? (requested as Locale) : null;
}

export function createAppI18n(locale: Locale = 'zh-CN') {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': zhCN, 'en-US': enUS },
  });
}
