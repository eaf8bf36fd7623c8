/**
 * Seeded randomness for the demo generator. Everything is keyed by (seed, index, salt) so that any record can be
 * generated on its own, without generating the ones before it: that is what lets the server page through millions
 * of records without holding them.
 */

/** 32-bit finaliser (from murmur3/lowbias32): a cheap, well-mixed hash step. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hash2(a: number, b: number): number {
  return mix32(Math.imul(mix32(a ^ 0x9e3779b9) ^ b, 0x85ebca6b) ^ 0x27d4eb2f);
}

export function hash3(a: number, b: number, c: number): number {
  return hash2(hash2(a, b), c);
}

export function hash4(a: number, b: number, c: number, d: number): number {
  return hash2(hash2(hash2(a, b), c), d);
}

/** A string (seed given on the command line, a salt name) to 32 bits, FNV-1a then mixed. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Uniform [0,1) from a 32-bit hash. */
export function unit(h: number): number {
  return (h >>> 0) / 4294967296;
}

/** mulberry32: small, fast, good enough for synthetic data. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed | 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Integer in [a, b] inclusive. */
  between(a: number, b: number): number {
    return a + Math.floor(this.next() * (b - a + 1));
  }
  range(a: number, b: number): number {
    return a + this.next() * (b - a);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** Standard normal (Box-Muller; one value per call is plenty here). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** Log-normal-ish positive factor with median 1. */
  spread(sigma: number): number {
    return Math.exp(this.normal() * sigma);
  }
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
}

/**
 * A pseudo-random bijection of [0, n) (4-round Feistel network with cycle walking). It lets the generator pick
 * exactly k records out of n ("the 79 jointly handled appeals of 2022") by testing `permute(j) < k` for record j
 * alone, without materialising the whole cohort.
 */
export function permute(x: number, n: number, key: number): number {
  if (n <= 1) return 0;
  let bits = 1;
  while (1 << bits < n && bits < 30) bits++;
  const half = (bits + 1) >> 1;
  const mask = (1 << half) - 1;
  let v = x;
  do {
    let l = v >>> half;
    let r = v & mask;
    for (let round = 0; round < 4; round++) {
      const f = hash3(key, round, r) & mask;
      const t = r;
      r = l ^ f;
      l = t;
    }
    v = ((l << half) | r) >>> 0;
  } while (v >= n);
  return v;
}

/** Vose's alias table: O(1) draws from a fixed discrete distribution (which grid a case happens in). */
export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;
  readonly size: number;
  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i];
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = total > 0 ? (weights[i] * n) / total : 1;
      (scaled[i] < 1 ? small : large).push(i);
    }
    while (small.length && large.length) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }
  /** Draw with one uniform u in [0,1). */
  draw(u: number): number {
    const x = u * this.size;
    const i = Math.min(Math.floor(x), this.size - 1);
    return x - i < this.prob[i] ? i : this.alias[i];
  }
}

/**
 * Largest-remainder apportionment: split `total` into integers proportional to `weights` that add up exactly.
 * Ties are broken by index, so the result is deterministic.
 */
export function apportion(total: number, weights: ArrayLike<number>): Int32Array {
  const n = weights.length;
  const out = new Int32Array(n);
  if (n === 0 || total <= 0) return out;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i];
  if (sum <= 0) {
    for (let i = 0; i < total; i++) out[i % n]++;
    return out;
  }
  const rem = new Float64Array(n);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const exact = (total * weights[i]) / sum;
    out[i] = Math.floor(exact);
    rem[i] = exact - out[i];
    given += out[i];
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rem[b] - rem[a] || a - b);
  for (let k = 0; given < total; k = (k + 1) % n, given++) out[order[k]]++;
  return out;
}

/** A seed from the command line: a number is used as is (mod 2^32), anything else is hashed. */
export function seedFromText(text: string | number): number {
  if (typeof text === 'number') return text >>> 0;
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return Number(BigInt.asUintN(32, BigInt(t)));
  return hashString(t);
}
