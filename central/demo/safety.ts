/**
 * 平安网格: which grids lose the title in each quarterly assessment, and for which of the eight criteria.
 *
 * The evaluation is decided first and the incidents follow from it: every criterion a grid breaks in a quarter
 * becomes one to three incidents placed in that grid during that quarter, and no other incident carries a
 * criterion. So an incident that breaks a criterion always means the grid is not safe in that quarter, and an
 * unsafe grid always has the incident that cost it the title.
 */
import { SAFE_CRITERIA } from '../../shared/api/schemas';
import type { Geography } from './geography';
import type { Organisation } from './organisation';
import { FIGURES, T_INCIDENT } from './plan';
import { hash3, hashString, Rng, unit } from './prng';

export interface QuarterSafety {
  quarter: number;
  /** Bitmask of broken criteria per grid (bit i = SAFE_CRITERIA[i]); 0 = safe. */
  broken: Uint8Array;
  /** The criterion-breaking incidents of the quarter: grid and criterion index, in a seeded order. */
  incidents: { grid: number; criterion: number }[];
  safeCount: number;
}

/** Relative frequency of each criterion (same order as SAFE_CRITERIA). */
const CRITERION_WEIGHTS = [34, 1, 5, 2, 10, 24, 4, 20];
/** How many incidents one broken criterion leaves behind: [min, max]. */
const INCIDENTS_PER_CRITERION: [number, number][] = [
  [1, 3],
  [1, 1],
  [1, 1],
  [1, 1],
  [1, 1],
  [1, 2],
  [1, 1],
  [1, 2],
];

/** Safe grids per quarter of 2022 as the re-division settled, then the article's 212 from 2022-Q4 on. */
const SAFE_2022 = [176, 188, 199];

export class Safety {
  private readonly quarters: QuarterSafety[] = [];
  private readonly risk: Float64Array;
  private readonly key: number;

  constructor(
    seed: number,
    private readonly geo: Geography,
    org: Organisation,
  ) {
    this.key = seed ^ hashString('safety');
    const r = new Rng(this.key);
    this.risk = Float64Array.from(geo.grids, (g) => org.streetFactor[g.street][T_INCIDENT] * (g.centrality < 3 ? 1.5 : 1) * r.spread(0.5));
  }

  safeTarget(quarter: number): number {
    const n = this.geo.grids.length;
    const safe = quarter < SAFE_2022.length ? SAFE_2022[quarter] : FIGURES.safeGrids;
    return Math.round((safe * n) / 297);
  }

  get(quarter: number): QuarterSafety {
    while (this.quarters.length <= quarter) this.quarters.push(this.compute(this.quarters.length));
    return this.quarters[quarter];
  }

  private compute(quarter: number): QuarterSafety {
    const n = this.geo.grids.length;
    const unsafe = n - this.safeTarget(quarter);
    const prev = quarter > 0 ? this.quarters[quarter - 1].broken : null;
    // Weighted sampling without replacement (Efraimidis-Spirakis): the riskiest grids, and those that lost the
    // title last quarter, are likelier to lose it again.
    const keys = new Float64Array(n);
    for (let g = 0; g < n; g++) {
      const w = this.risk[g] * (prev && prev[g] ? 1.8 : 1);
      keys[g] = Math.log(Math.max(unit(hash3(this.key, quarter, g)), 1e-12)) / w;
    }
    const order = Array.from({ length: n }, (_, g) => g).sort((a, b) => keys[b] - keys[a] || a - b);
    const broken = new Uint8Array(n);
    const incidents: { grid: number; criterion: number }[] = [];
    const r = new Rng(hash3(this.key, quarter, 0x51afe));
    for (let k = 0; k < unsafe; k++) {
      const g = order[k];
      const howMany = r.next() < 0.82 ? 1 : r.next() < 0.83 ? 2 : 3;
      const weights = [...CRITERION_WEIGHTS];
      for (let c = 0; c < howMany; c++) {
        const crit = r.weighted(weights);
        weights[crit] = 0;
        broken[g] |= 1 << crit;
        const [lo, hi] = INCIDENTS_PER_CRITERION[crit];
        const count = r.between(lo, hi);
        for (let e = 0; e < count; e++) incidents.push({ grid: g, criterion: crit });
      }
    }
    return { quarter, broken, incidents, safeCount: n - unsafe };
  }
}

export function criteriaOf(mask: number): (typeof SAFE_CRITERIA)[number][] {
  const out: (typeof SAFE_CRITERIA)[number][] = [];
  for (let i = 0; i < SAFE_CRITERIA.length; i++) if (mask & (1 << i)) out.push(SAFE_CRITERIA[i]);
  return out;
}
