import { createApp } from 'vue';
import { z } from 'zod';
import { createPinia } from 'pinia';
import App from './shell/App.vue';
import { createAppRouter } from './router';
import { createAppI18n, urlLocale } from './common/i18n';
import './common/styles/theme.css';
import { milestone } from './common/wall-metrics';

milestone('script');
// The CSP has no 'unsafe-eval': keep zod from probing `new Function` (it would log a CSP violation).
z.config({ jitless: true });

// Until the settings arrive (App.vue applies them): the address's language, else Chinese.
const locale = urlLocale() ?? 'zh-CN';
document.documentElement.lang = locale;

createApp(App).use(createPinia()).use(createAppRouter()).use(createAppI18n(locale)).mount('#app');
milestone('app mounted');
