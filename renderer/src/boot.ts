/**
 * The page's entry. On a wall route it starts loading the wall's code (MapLibre and ECharts, most of the bytes) at
 * once, in parallel with the app's own; left to the router, that request would wait until the app has started.
 * Other routes do not load it.
 */
// The routes that are not the wall (router.ts sends everything else, '/' included, to the wall).
const NOT_WALL = /^#?\/(briefing|reports|import|settings)(?:[/?]|$)/;

if (!NOT_WALL.test(window.location.hash)) void import('./wall/WallView.vue').catch(() => {});
void import('./main');
