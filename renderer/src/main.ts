import { createApp } from 'vue';
import { z } from 'zod';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createAppRouter } from './router';
import { createAppI18n, LOCALES, type Locale } from './i18n';
import './styles/theme.css';

// The CSP has no 'unsafe-eval': keep zod from probing `new Function` (it would log a CSP violation).
z.config({ jitless: true });

const requested = new URLSearchParams(window.location.search).get('lang');
const locale: Locale = LOCALES.includes(requested as Locale) ? (requested as Locale) : 'zh-CN';
document.documentElement.lang = locale;

createApp(App).use(createPinia()).use(createAppRouter()).use(createAppI18n(locale)).mount('#app');
