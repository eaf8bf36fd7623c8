import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';

// Hash history: the same URLs work under app://gcc/ and http://host/, and ops scripts can point a display at one.
export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/wall' },
  { path: '/wall/:scene?', name: 'wall', component: () => import('./views/WallView.vue') },
  { path: '/briefing', name: 'briefing', component: () => import('./views/BriefingView.vue') },
  { path: '/reports', name: 'reports', component: () => import('./views/ReportsView.vue') },
  { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue') },
  { path: '/:rest(.*)*', redirect: '/wall' },
];

export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes });
}
