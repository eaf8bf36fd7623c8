/**
 * Splits a parent area into children of given relative "mass" (how many grids each will hold), as a relaxed power
 * diagram (capacity-constrained Lloyd). Cells are convex power cells intersected with the parent, so children never
 * overlap, always nest inside their parent and together cover it exactly: the three properties the map relies on.
 *
 * The relaxation works on a cloud of sample points drawn with the population density (discrete CCVT): each child
 * ends up holding the share of samples it asked for, and sites move to the mean of their samples. That is simpler
 * and far more robust than clipping polygons on every iteration; exact polygons are cut once at the end.
 */
import pc from 'polygon-clipping';
import { bboxOf, clipHalfPlane, closeRing, mpolyArea, pointInMPoly, type MPoly, type Pt, type Ring } from './geom';
import type { Rng } from './prng';

export interface PartitionInput {
  parent: MPoly;
  /** Relative mass wanted by each child. */
  targets: number[];
  /** Starting sites (km) for the first children; the rest are placed by k-means++ on the samples. */
  initial?: Pt[];
  /** Relative density of people (higher = smaller cells for the same mass). */
  density: (x: number, y: number) => number;
  samplesPerChild: number;
  iterations: number;
  rng: Rng;
}

export interface PartitionResult {
  sites: Pt[];
  cells: MPoly[];
  /** Convex power cells before clipping (useful for the quick inside test). */
  convex: Ring[];
}

export function samplePoints(parent: MPoly, count: number, density: (x: number, y: number) => number, rng: Rng): Float64Array {
  const bb = bboxOf(parent);
  const w = bb.maxX - bb.minX;
  const h = bb.maxY - bb.minY;
  // Estimate the density ceiling for rejection sampling.
  let maxD = 0;
  for (let i = 0; i < 400; i++) maxD = Math.max(maxD, density(bb.minX + rng.next() * w, bb.minY + rng.next() * h));
  maxD *= 1.2;
  const out = new Float64Array(count * 2);
  let k = 0;
  let guard = 0;
  while (k < count && guard < count * 400) {
    guard++;
    const x = bb.minX + rng.next() * w;
    const y = bb.minY + rng.next() * h;
    if (rng.next() * maxD > density(x, y)) continue;
    if (!pointInMPoly(x, y, parent)) continue;
    out[2 * k] = x;
    out[2 * k + 1] = y;
    k++;
  }
  if (k < count) throw new Error(`could not sample the parent area (${k}/${count})`);
  return out;
}

function kmeansPlusPlus(samples: Float64Array, n: number, rng: Rng, initial: Pt[] = []): Pt[] {
  const m = samples.length / 2;
  const sites: Pt[] = [];
  const d2 = new Float64Array(m).fill(Infinity);
  let idx = rng.int(m);
  for (let s = 0; s < n; s++) {
    const sx = s < initial.length ? initial[s][0] : samples[2 * idx];
    const sy = s < initial.length ? initial[s][1] : samples[2 * idx + 1];
    sites.push([sx, sy]);
    let total = 0;
    for (let i = 0; i < m; i++) {
      const dx = samples[2 * i] - sx;
      const dy = samples[2 * i + 1] - sy;
      const d = dx * dx + dy * dy;
      if (d < d2[i]) d2[i] = d;
      total += d2[i];
    }
    let r = rng.next() * total;
    idx = m - 1;
    for (let i = 0; i < m; i++) {
      r -= d2[i];
      if (r <= 0) {
        idx = i;
        break;
      }
    }
  }
  return sites;
}

/** The convex power cell of site i within a bounding rectangle. */
export function powerCell(i: number, sites: Pt[], weights: ArrayLike<number>, bounds: Ring): Ring {
  let ring = bounds;
  const [six, siy] = sites[i];
  const si2 = six * six + siy * siy;
  for (let j = 0; j < sites.length && ring.length > 0; j++) {
    if (j === i) continue;
    const [sjx, sjy] = sites[j];
    const a = 2 * (sjx - six);
    const b = 2 * (sjy - siy);
    const c = sjx * sjx + sjy * sjy - si2 - weights[j] + weights[i];
    ring = clipHalfPlane(ring, a, b, c);
  }
  return ring;
}

export function partition(input: PartitionInput): PartitionResult {
  const { parent, targets, density, rng } = input;
  const n = targets.length;
  if (n === 1) {
    const bb = bboxOf(parent);
    const ring: Ring = [
      [bb.minX - 1, bb.minY - 1],
      [bb.maxX + 1, bb.minY - 1],
      [bb.maxX + 1, bb.maxY + 1],
      [bb.minX - 1, bb.maxY + 1],
    ];
    const c = samplePoints(parent, 200, density, rng);
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < 200; i++) {
      sx += c[2 * i];
      sy += c[2 * i + 1];
    }
    return { sites: [[sx / 200, sy / 200]], cells: [parent], convex: [ring] };
  }
  const total = targets.reduce((a, b) => a + b, 0);
  const m = Math.max(1500, Math.round(input.samplesPerChild * n));
  const samples = samplePoints(parent, m, density, rng);
  const sites: Pt[] = kmeansPlusPlus(samples, n, rng, input.initial ?? []);
  const weights = new Float64Array(n);
  const expected = targets.map((t) => (t / total) * m);
  const parentArea = mpolyArea(parent);
  const areaShare = targets.map((t) => (t / total) * parentArea);
  const count = new Float64Array(n);
  const sumX = new Float64Array(n);
  const sumY = new Float64Array(n);
  for (let it = 0; it < input.iterations; it++) {
    count.fill(0);
    sumX.fill(0);
    sumY.fill(0);
    for (let p = 0; p < m; p++) {
      const x = samples[2 * p];
      const y = samples[2 * p + 1];
      let best = 0;
      let bestD = Infinity;
      for (let i = 0; i < n; i++) {
        const dx = x - sites[i][0];
        const dy = y - sites[i][1];
        const d = dx * dx + dy * dy - weights[i];
        if (d < bestD) {
          bestD = d;
          best = i;
        }
      }
      count[best]++;
      sumX[best] += x;
      sumY[best] += y;
    }
    let meanW = 0;
    for (let i = 0; i < n; i++) {
      if (count[i] > 0) {
        sites[i] = [sumX[i] / count[i], sumY[i] / count[i]];
      } else {
        // A starved site: move it to a random sample and give it the largest weight so it grows back.
        const p = rng.int(m);
        sites[i] = [samples[2 * p], samples[2 * p + 1]];
        let maxW = -Infinity;
        for (let j = 0; j < n; j++) if (j !== i) maxW = Math.max(maxW, weights[j]);
        weights[i] = maxW;
        continue;
      }
      // Grow cells that hold too little mass, shrink the greedy ones (boundary shift ~ r * f).
      const f = Math.max(-0.5, Math.min(0.5, (expected[i] - count[i]) / expected[i]));
      weights[i] += 0.6 * f * (areaShare[i] / Math.PI);
      meanW += weights[i];
    }
    meanW /= n;
    for (let i = 0; i < n; i++) weights[i] -= meanW;
  }
  const bb = bboxOf(parent);
  const pad = Math.max(bb.maxX - bb.minX, bb.maxY - bb.minY);
  const bounds: Ring = [
    [bb.minX - pad, bb.minY - pad],
    [bb.maxX + pad, bb.minY - pad],
    [bb.maxX + pad, bb.maxY + pad],
    [bb.minX - pad, bb.maxY + pad],
  ];
  const convex: Ring[] = [];
  const cells: MPoly[] = [];
  for (let i = 0; i < n; i++) {
    const ring = powerCell(i, sites, weights, bounds);
    convex.push(ring);
    const cell = ring.length >= 3 ? (pc.intersection([closeRing(ring)], parent as never) as MPoly) : [];
    if (cell.length === 0) throw new Error(`partition produced an empty cell (${i} of ${n})`);
    cells.push(cell);
  }
  return { sites, cells, convex };
}
