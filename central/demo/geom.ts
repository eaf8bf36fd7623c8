/**
 * Plane geometry for the synthetic partitions. Work is done in a local projection in kilometres (equirectangular
 * around the urban centre: at 30.5°N the distortion over a district is far below what a demo map shows) and only the
 * output is turned back into longitude/latitude.
 */
export type Pt = [number, number];
export type Ring = Pt[];
export type Poly = Ring[];
export type MPoly = Poly[];

export interface Projection {
  lon0: number;
  lat0: number;
  kx: number;
  ky: number;
}

export function makeProjection(lon0: number, lat0: number): Projection {
  return { lon0, lat0, kx: 111.32 * Math.cos((lat0 * Math.PI) / 180), ky: 110.57 };
}

export function toKm(p: Projection, lon: number, lat: number): Pt {
  return [(lon - p.lon0) * p.kx, (lat - p.lat0) * p.ky];
}

/**
 * Back to lon/lat, rounded to 1e-7 degree (about 1 cm): fine enough that rounding leaves no visible slivers
 * between neighbouring cells, coarse enough to keep the payload small.
 */
export function toLonLat(p: Projection, x: number, y: number, scale = 1e7): Pt {
  return [Math.round((p.lon0 + x / p.kx) * scale) / scale, Math.round((p.lat0 + y / p.ky) * scale) / scale];
}

export function ringArea(r: Ring): number {
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j][0] + r[i][0]) * (r[j][1] - r[i][1]);
  return a / 2;
}

export function polyArea(p: Poly): number {
  let a = Math.abs(ringArea(p[0]));
  for (let k = 1; k < p.length; k++) a -= Math.abs(ringArea(p[k]));
  return a;
}

export function mpolyArea(m: MPoly): number {
  let a = 0;
  for (const p of m) a += polyArea(p);
  return a;
}

/** Area-weighted centroid of a ring (sign handled). */
export function ringCentroid(r: Ring): { x: number; y: number; a: number } {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const f = r[j][0] * r[i][1] - r[i][0] * r[j][1];
    a += f;
    cx += (r[j][0] + r[i][0]) * f;
    cy += (r[j][1] + r[i][1]) * f;
  }
  a /= 2;
  if (Math.abs(a) < 1e-15) return { x: r[0][0], y: r[0][1], a: 0 };
  return { x: cx / (6 * a), y: cy / (6 * a), a };
}

export function mpolyCentroid(m: MPoly): Pt {
  let sx = 0;
  let sy = 0;
  let sa = 0;
  for (const p of m) {
    for (let k = 0; k < p.length; k++) {
      const c = ringCentroid(p[k]);
      const a = k === 0 ? Math.abs(c.a) : -Math.abs(c.a);
      sx += c.x * a;
      sy += c.y * a;
      sa += a;
    }
  }
  return sa > 0 ? [sx / sa, sy / sa] : m[0][0][0];
}

export function pointInRing(x: number, y: number, r: Ring): boolean {
  let inside = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const xi = r[i][0];
    const yi = r[i][1];
    const xj = r[j][0];
    const yj = r[j][1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function pointInPoly(x: number, y: number, p: Poly): boolean {
  if (!pointInRing(x, y, p[0])) return false;
  for (let k = 1; k < p.length; k++) if (pointInRing(x, y, p[k])) return false;
  return true;
}

export function pointInMPoly(x: number, y: number, m: MPoly): boolean {
  for (const p of m) if (pointInPoly(x, y, p)) return true;
  return false;
}

export interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function bboxOf(m: MPoly): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of m)
    for (const [x, y] of p[0]) {
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  return { minX, minY, maxX, maxY };
}

/** Keep the part of a convex ring where a*x + b*y <= c (one Sutherland-Hodgman step). */
export function clipHalfPlane(ring: Ring, a: number, b: number, c: number): Ring {
  const out: Ring = [];
  const n = ring.length;
  if (n === 0) return out;
  for (let i = 0; i < n; i++) {
    const p = ring[i];
    const q = ring[(i + 1) % n];
    const fp = a * p[0] + b * p[1] - c;
    const fq = a * q[0] + b * q[1] - c;
    if (fp <= 0) out.push(p);
    if ((fp < 0 && fq > 0) || (fp > 0 && fq < 0)) {
      const t = fp / (fp - fq);
      out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
    }
  }
  return out;
}

/** Close a ring (GeoJSON wants first == last). */
export function closeRing(r: Ring): Ring {
  if (r.length === 0) return r;
  const a = r[0];
  const b = r[r.length - 1];
  return a[0] === b[0] && a[1] === b[1] ? r : [...r, [a[0], a[1]]];
}

/** Drop the closing point if present. */
export function openRing(r: Ring): Ring {
  if (r.length > 1) {
    const a = r[0];
    const b = r[r.length - 1];
    if (a[0] === b[0] && a[1] === b[1]) return r.slice(0, -1);
  }
  return r;
}
