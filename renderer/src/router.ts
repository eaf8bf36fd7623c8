import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import { useSceneStore } from './wall/store';

const wallView = () => import('./wall/WallView.vue');

// Hash history: the same URLs work under app://gcc/ and http://host/, and ops scripts can point a display at one.
export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/wall' },
  {
    path: '/wall/:scene?',
    name: 'wall',
    component: wallView,
    // Ask for the wall's data while its code (MapLibre, ECharts) loads, not once it has: the two run in parallel.
    // The code is asked for first (boot.ts usually has already): the host answers in order, and the data take it
    // longer to compute than the files to send.
    beforeEnter: (to) => {
      void wallView().catch(() => {});
      const store = useSceneStore();
      // The first snapshots are read for the URL's region (usePlaylist also knows the display's default region,
      // once the settings are in).
      const region = Array.isArray(to.query.region) ? to.query.region[0] : to.query.region;
      if (region && region !== 'district' && !store.ready) store.region = region;
      store.start();
    },
  },
  { path: '/briefing', name: 'briefing', component: () => import('./briefing/BriefingView.vue') },
  { path: '/compare', name: 'compare', component: () => import('./briefing/CompareView.vue') },
  { path: '/wall-compare', name: 'wall-compare', component: () => import('./wall/WallCompare.vue') },
  { path: '/reports', name: 'reports', component: () => import('./reports/ReportsView.vue') },
  { path: '/import', name: 'import', component: () => import('./imports/ImportView.vue') },
  { path: '/settings', name: 'settings', component: () => import('./settings/SettingsView.vue') },
  { path: '/:rest(.*)*', redirect: '/wall' },
];

export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes });
}
