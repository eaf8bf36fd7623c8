import { CentralEngine } from '../engine';
const t = performance.now();
const e = new CentralEngine({ seed: 1, rate: 0, scale: 'city', now: () => Date.parse('2026-11-27T12:00:00+08:00') });
console.log('city engine ms', Math.round(performance.now() - t), 'grids', e.geo.grids.length, 'regions MB', (e.regionsJson.length / 1e6).toFixed(1), 'rss', Math.round(process.memoryUsage().rss / 1e6));
