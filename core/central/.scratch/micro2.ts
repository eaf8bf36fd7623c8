import { CentralEngine } from '../engine';
import { iso } from '../time';
import { pointInGrid } from '../geography';
import { placeName } from '../texts';
import { personName, phoneNumber } from '../names';
const e = new CentralEngine({ dataDir: '/work/main/resources/data', seed: 1, rate: 0, now: () => Date.parse('2026-11-27T12:00:00+08:00') });
const h = e.history;
const N = 200000;
function bench(name: string, f: (i: number) => unknown) {
  const t = performance.now(); let x: unknown;
  for (let i = 0; i < N; i++) x = f(i);
  console.log(name, (((performance.now() - t) * 1000) / N).toFixed(3), 'us', typeof x);
}
bench('iso', (i) => iso(100000000 + i * 997));
bench('pointInGrid', (i) => pointInGrid(e.geo, e.geo.grids[i % 297], Math.random));
bench('placeName', (i) => placeName('翠屏路社区', i * 2654435761));
bench('personName', (i) => personName(i));
bench('phone', (i) => phoneNumber(i));
bench('core', (i) => h.core(i));
const cores = Array.from({ length: 5000 }, (_, i) => h.core(i + 100000));
bench('change', (i) => h.change(cores[i % 5000], h.visibleStage(cores[i % 5000], 1e12)));
bench('change+stringify', (i) => JSON.stringify(h.change(cores[i % 5000], h.visibleStage(cores[i % 5000], 1e12))));
bench('changeJson', (i) => h.changeJson(cores[i % 5000], h.visibleStage(cores[i % 5000], 1e12)));
bench('core+changeJson', (i) => { const c = h.core(i + 50000); return h.changeJson(c, h.visibleStage(c, 1e12)); });
