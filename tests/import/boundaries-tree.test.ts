/** From boundary features to the region tree: levels, parents, checks, and the merge with the existing tree. */
import { describe, expect, it } from 'vitest';
import * as turf from '@turf/turf';
import { RegionsResponse, type GridProfile, type Region } from '../../shared/api/schemas';
import { regionTreeProblems } from '../../central/http/regions';
import { buildBoundaryTree, type BoundaryImport } from '../../central/import/boundaries/tree';
import type { Problem } from '../../central/import/types';
import { districtSpecs, lonLat, poly, readOf, rect, shape, type Spec } from './fixtures/boundary-files';

const errors = (r: { problems: Problem[] }) => r.problems.filter((p) => p.severity === 'error');
const warnings = (r: { problems: Problem[] }) => r.problems.filter((p) => p.severity === 'warning');
const all = (over: Partial<Record<keyof ReturnType<typeof districtSpecs>, Partial<Spec> | null>> = {}): Spec[] => {
  const specs = districtSpecs();
  return Object.entries(specs)
    .filter(([k]) => over[k as keyof typeof specs] !== null)
    .map(([k, s]) => ({ ...s, ...(over[k as keyof typeof specs] ?? {}) }));
};
const region = (r: BoundaryImport, code: string): Region => {
  const found = r.tree.regions.find((x) => x.code === code);
  if (!found) throw new Error(`no region ${code}`);
  return found;
};
const near = (a: [number, number] | undefined, b: [number, number], metres: number) => {
  expect(a).toBeDefined();
  expect(turf.distance(a!, b, { units: 'meters' })).toBeLessThan(metres);
};

const PROFILE: GridProfile = {
  leader: '张三',
  full_time_worker: '李四',
  workforce: 3,
  party_branch: '第一党支部',
  party_members: 12,
  population: 1500,
  households: 500,
  ledgers: { resident_population: 1, key_groups: 2, community_resources: 3, special_groups: 4, premises: 5, businesses: 6, hazards: 7 },
  service_lists: { demands: 1, resources: 2, projects: 3 },
  new_in_2022: false,
};

describe('a clean district', () => {
  const r = buildBoundaryTree(readOf(all()), null);

  it('becomes a tree the service accepts, with no problems', () => {
    expect(r.problems).toEqual([]);
    expect(RegionsResponse.safeParse(r.tree).success).toBe(true);
    expect(regionTreeProblems(r.tree)).toEqual([]);
    expect(r.tree.datum).toBe('WGS-84');
    expect(r.tree.regions.map((x) => x.level)).toEqual([
      'district',
      'street',
      'street',
      'community',
      'community',
      'community',
      'grid',
      'grid',
      'grid',
      'grid',
      'grid',
    ]);
    expect(r.diff).toEqual({ created: r.tree.regions.map((x) => x.id), updated: [], unchanged: [], removed: [] });
  });

  it('gives parents by code prefix, ids by code, real geometry and no profile', () => {
    expect(region(r, '511602001001002')).toMatchObject({
      id: '511602001001002',
      parent_id: '511602001001',
      synthetic_geometry: false,
      profile: null,
      name: '翠屏路社区第2网格',
    });
    expect(region(r, '511602001001').parent_id).toBe('511602001');
    expect(region(r, '511602002').parent_id).toBe('511602');
  });

  it('puts each center inside its region', () => {
    for (const x of r.tree.regions) expect(turf.booleanPointInPolygon(x.center, x.geometry)).toBe(true);
  });
});

describe('levels and parents', () => {
  it('reads the level from code length when no level property says it (9/12/15 digits)', () => {
    const r = buildBoundaryTree(readOf(all().map((s) => ({ ...s, level: undefined }))), null);
    expect(r.problems).toEqual([]);
    expect(region(r, '511602001').level).toBe('street');
    expect(region(r, '511602001001').level).toBe('community');
    expect(region(r, '511602001001001').level).toBe('grid');
  });

  it('reads English level words and a named level property', () => {
    const specs = all().map((s) => ({
      ...s,
      level: undefined,
      props: { kind: { 区县: 'district', 街道: 'street', 社区: 'community', 网格: 'grid' }[s.level!] },
    }));
    const r = buildBoundaryTree(readOf(specs), null, { fields: { level: 'kind' } });
    expect(r.problems).toEqual([]);
  });

  it('reads the level from the file name when neither the property nor the code length tells', () => {
    const specs = all({ g1: null, g2: null, g3: null, g4: null, g5: null });
    const grid = { code: '5116020010', name: '特殊编码网格', parent: '511602001001', geometry: poly(rect(0, 0, 1000, 1000)) };
    const r = buildBoundaryTree([readOf(specs, 'all.geojson'), readOf([grid], '网格.geojson')], null);
    expect(errors(r)).toEqual([]);
    expect(region(r, '5116020010')).toMatchObject({ level: 'grid', parent_id: '511602001001' });
  });

  it('refuses a feature whose level nothing tells', () => {
    const r = buildBoundaryTree(readOf(all({ g1: { code: '5116020010', level: undefined } })), null);
    expect(errors(r)).toContainEqual(
      expect.objectContaining({ feature: '5116020010 翠屏路社区第1网格', message: expect.stringMatching(/无法判断是街道、社区还是网格/) }),
    );
  });

  it('takes the parent from a parent-code property before the prefix', () => {
    // A grid whose code extends 001001 but whose property says it belongs to 001002 (and lies there).
    const r = buildBoundaryTree(readOf(all({ g3: { parent: '511602001002', code: '511602001001009' } })), null);
    expect(errors(r)).toEqual([]);
    expect(region(r, '511602001001009').parent_id).toBe('511602001002');
  });

  it('finds the parent by containment when there is no parent code and the code extends no community, and says so', () => {
    const r = buildBoundaryTree(readOf(all({ g5: { code: '511602999000005' } })), null);
    expect(errors(r)).toEqual([]);
    expect(region(r, '511602999000005').parent_id).toBe('511602002001');
    expect(warnings(r)).toEqual([
      expect.objectContaining({ feature: '511602999000005 北辰社区第2网格', message: expect.stringMatching(/已按位置归入社区“511602002001 北辰社区”/) }),
    ]);
  });

  it('refuses a missing parent (a parent code that exists nowhere, or no parent at all)', () => {
    const byCode = buildBoundaryTree(readOf(all({ g1: { parent: '511602001099' } })), null);
    expect(errors(byCode)).toContainEqual(
      expect.objectContaining({
        feature: '511602001001001 翠屏路社区第1网格',
        message: expect.stringMatching(/上级社区（编码 511602001099）在文件和现有区划中都找不到/),
      }),
    );
    const nowhere = buildBoundaryTree(readOf(all({ g5: { code: '511602999000005', geometry: poly(rect(9000, 9000, 9500, 9500)) } })), null);
    expect(errors(nowhere)).toContainEqual(
      expect.objectContaining({ feature: '511602999000005 北辰社区第2网格', message: expect.stringMatching(/找不到所属社区/) }),
    );
  });

  it('says once that a level has no parents anywhere (grids alone into an empty tree)', () => {
    const r = buildBoundaryTree(readOf(all({ d: null, s1: null, s2: null, c1: null, c2: null, c3: null })), null, {
      district: { code: '511602', name: '广安区' },
    });
    expect(errors(r).filter((p) => /网格/.test(p.message))).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/有 5 个网格，但文件和现有区划中都没有社区/) }),
    ]);
  });

  it('adds nothing of its own when nothing was read (the read says why)', () => {
    const existing = buildBoundaryTree(readOf(all()), null).tree;
    const r = buildBoundaryTree({ features: [], datum: 'WGS-84', crs: '', problems: [{ severity: 'error', message: 'x' }] }, existing);
    expect(r.problems).toEqual([]);
    expect(r.tree).toBe(existing);
    expect(r.diff.unchanged).toHaveLength(11);
  });

  it('refuses a parent code of the wrong level', () => {
    const r = buildBoundaryTree(readOf(all({ g1: { parent: '511602001' } })), null);
    expect(errors(r)[0].message).toMatch(/上级编码 511602001 是街道“浓洄街道”，不是社区/);
  });
});

describe('codes', () => {
  it('refuses a missing code, naming the feature', () => {
    const r = buildBoundaryTree(readOf(all({ g2: { code: undefined } })), null);
    expect(errors(r)).toEqual([
      expect.objectContaining({ file: 'boundaries.geojson', feature: '翠屏路社区第2网格', message: expect.stringMatching(/没有编码/) }),
    ]);
  });

  it('refuses a code that is not 6–15 digits, naming the feature', () => {
    const r = buildBoundaryTree(readOf(all({ g2: { code: 'WG-0002' }, g4: { code: '5116020020010010001' } })), null);
    expect(errors(r).map((p) => p.feature)).toEqual(['WG-0002 翠屏路社区第2网格', '5116020020010010001 北辰社区第1网格']);
    expect(errors(r)[0].message).toMatch(/编码“WG-0002”不是 6 到 15 位数字/);
  });

  it('reads full-width digits and numbers (a .dbf N field) as codes', () => {
    const r = buildBoundaryTree(readOf(all({ g1: { code: '５１１６０２００１００１００１' }, g2: { code: 511602001001002 } })), null);
    expect(r.problems).toEqual([]);
    expect(region(r, '511602001001001').name).toBe('翠屏路社区第1网格');
  });

  it('refuses a duplicate code, naming both', () => {
    const r = buildBoundaryTree(readOf(all({ g2: { code: '511602001001001' } })), null);
    expect(errors(r)).toContainEqual(
      expect.objectContaining({
        feature: '511602001001001 翠屏路社区第2网格',
        message: expect.stringMatching(/编码 511602001001001 重复.*“511602001001001 翠屏路社区第1网格”/),
      }),
    );
  });

  it('refuses a file without any code property, once', () => {
    const specs = all().map((s) => ({ ...s, code: undefined, props: { 编号: s.code } }));
    const r = buildBoundaryTree(readOf(specs), null);
    expect(errors(r).filter((p) => /编码字段|没有编码/.test(p.message))).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/找不到编码字段/) }),
    ]);
    expect(buildBoundaryTree(readOf(specs), null, { fields: { code: '编号' } }).problems).toEqual([]);
  });
});

describe('geometry of one feature', () => {
  it('refuses empty and null geometry', () => {
    const r = buildBoundaryTree(readOf(all({ g1: { geometry: null }, g2: { geometry: { type: 'Polygon', coordinates: [] } } })), null);
    expect(errors(r).map((p) => [p.feature, p.message.includes('没有边界')])).toEqual([
      ['511602001001001 翠屏路社区第1网格', true],
      ['511602001001002 翠屏路社区第2网格', true],
    ]);
  });

  it('refuses coordinates outside lon/lat, saying it is probably projected without a .prj', () => {
    const projected = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [36368421, 3371904],
          [36369421, 3371904],
          [36369421, 3372904],
          [36368421, 3371904],
        ],
      ],
    };
    const r = buildBoundaryTree(readOf(all({ g1: { geometry: projected } }), '网格.shp'), null);
    expect(errors(r)).toEqual([
      expect.objectContaining({ feature: '511602001001001 翠屏路社区第1网格', message: expect.stringMatching(/超出经纬度范围.*投影坐标.*缺少 \.prj/) }),
    ]);
  });

  it('closes a ring whose ends are within the tolerance (a warning), refuses one that is open wider', () => {
    const nearlyClosed = poly(
      shape(
        [
          [0, 0],
          [1000, 0],
          [1000, 1000],
          [0, 1000],
          [0, 5],
        ],
        true,
      ),
    );
    const open = poly(
      shape(
        [
          [1000, 0],
          [2000, 0],
          [2000, 1000],
          [1000, 1000],
        ],
        true,
      ),
    );
    const r = buildBoundaryTree(readOf(all({ g1: { geometry: nearlyClosed }, g2: { geometry: open } })), null);
    expect(warnings(r).filter((p) => p.feature !== '511602001001 翠屏路社区')).toEqual([
      expect.objectContaining({ feature: '511602001001001 翠屏路社区第1网格', message: expect.stringMatching(/没有闭合.*已自动闭合/) }),
    ]);
    expect(errors(r)).toEqual([
      expect.objectContaining({ feature: '511602001001002 翠屏路社区第2网格', message: expect.stringMatching(/没有闭合（起点与终点相距约 10\d\d 米）/) }),
    ]);
    const ring = (region(r, '511602001001001').geometry.coordinates as number[][][])[0];
    expect(ring[0]).toEqual(ring[ring.length - 1]);
  });

  it('refuses a self-intersecting ring (a bow tie), with where', () => {
    const bowTie = poly(
      shape([
        [0, 0],
        [1000, 1000],
        [1000, 0],
        [0, 1000],
      ]),
    );
    const r = buildBoundaryTree(readOf(all({ g1: { geometry: bowTie } })), null);
    const [e] = errors(r);
    expect(e).toMatchObject({ feature: '511602001001001 翠屏路社区第1网格', message: expect.stringMatching(/自相交/) });
    near(e.lonLat, lonLat(500, 500), 5);
  });
});

describe('checks between boundaries', () => {
  it('warns of a grid beyond its community by more than the tolerance, refuses one mostly outside', () => {
    const r = buildBoundaryTree(readOf(all({ g1: { geometry: poly(rect(-300, 0, 1000, 1000)) }, g3: { geometry: poly(rect(5000, 0, 6000, 1000)) } })), null);
    const sliver = r.problems.find((p) => p.feature === '511602001001001 翠屏路社区第1网格');
    expect(sliver).toMatchObject({
      severity: 'warning',
      message: expect.stringMatching(/有一部分（\d+ 平方米，约 23%.*在所属社区“511602001001 翠屏路社区”之外/),
    });
    near(sliver!.lonLat, lonLat(-150, 500), 60);
    expect(errors(r)).toContainEqual(
      expect.objectContaining({
        feature: '511602001002001 厚街社区第1网格',
        message: expect.stringMatching(/大部分（100%.*在所属社区“511602001002 厚街社区”之外/),
      }),
    );
  });

  it('lets a grid out by less than the tolerance (a 10 m strip) pass', () => {
    const r = buildBoundaryTree(readOf(all({ g1: { geometry: poly(rect(-10, 0, 1000, 1000)) } })), null);
    expect(r.problems).toEqual([]);
    // ...and the tolerance is the operator's: at 5 m the same strip is reported.
    expect(warnings(buildBoundaryTree(readOf(all({ g1: { geometry: poly(rect(-10, 0, 1000, 1000)) } })), null, { toleranceMetres: 5 }))).toHaveLength(1);
  });

  it('warns of a small overlap between sibling grids, refuses a large one, with area and place', () => {
    const small = buildBoundaryTree(readOf(all({ g2: { geometry: poly(rect(970, 0, 2000, 1000)) } })), null);
    expect(small.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        feature: '511602001001001 翠屏路社区第1网格；511602001001002 翠屏路社区第2网格',
        message: expect.stringMatching(/有 3\d{4} 平方米的重叠（占较小者的 3(\.\d)?%/),
      }),
    ]);
    near(small.problems[0].lonLat, lonLat(985, 500), 30);
    const large = buildBoundaryTree(readOf(all({ g2: { geometry: poly(rect(800, 0, 2000, 1000)) } })), null);
    expect(errors(large)).toEqual([expect.objectContaining({ message: expect.stringMatching(/重叠 \d+ 平方米（占较小者的 20(\.\d)?%）/) })]);
  });

  it('warns of a gap between sibling grids inside their community, with area and place', () => {
    const r = buildBoundaryTree(readOf(all({ g2: { geometry: poly(rect(1100, 0, 2000, 1000)) } })), null);
    expect(r.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        feature: '511602001001 翠屏路社区',
        message: expect.stringMatching(/有一块 \d+ 平方米的地方不属于任何网格/),
      }),
    ]);
    expect(r.problems[0].message).toMatch(/ (99|10[01])\d{3} 平方米/);
    near(r.problems[0].lonLat, lonLat(1050, 500), 60);
  });

  it('does not check against a parent boundary that is made from these very children', () => {
    const r = buildBoundaryTree(readOf(all({ d: null, s1: null, s2: null, c1: null, c2: null, c3: null })), existingSynthetic());
    expect(r.problems).toEqual([]);
  });
});

describe('center', () => {
  it('is inside a U-shaped grid whose centroid is not', () => {
    const u = poly(
      shape([
        [0, 0],
        [1000, 0],
        [1000, 1000],
        [800, 1000],
        [800, 200],
        [200, 200],
        [200, 1000],
        [0, 1000],
      ]),
    );
    const centroid = turf.centroid({ type: 'Feature', properties: {}, geometry: u as never }).geometry.coordinates;
    expect(turf.booleanPointInPolygon(centroid, u as never)).toBe(false);
    const r = buildBoundaryTree(readOf(all({ g1: { geometry: u } })), null, { toleranceMetres: 1000 });
    expect(turf.booleanPointInPolygon(region(r, '511602001001001').center, u as never)).toBe(true);
  });
});

/** The demo's kind of tree: every boundary synthetic (here: the clean district shifted 300 m east), GCJ-02. */
function existingSynthetic(datum: RegionsResponse['datum'] = 'WGS-84'): RegionsResponse {
  const built = buildBoundaryTree(readOf(all()), null).tree;
  const shift = (g: Region['geometry']) => JSON.parse(JSON.stringify(g).replace(/106\.6\d*/g, (x) => String(Number(x) + 0.003)));
  return {
    datum,
    attribution: 'synthetic',
    regions: built.regions.map((x) => ({
      ...x,
      id: `id-${x.code}`,
      parent_id: x.parent_id && `id-${x.parent_id}`,
      geometry: shift(x.geometry),
      synthetic_geometry: true,
      profile: x.level === 'grid' ? PROFILE : null,
    })),
  };
}

describe('merge with the existing tree', () => {
  it('keeps ids and profiles of grids matched by code, takes the file’s names and real geometry', () => {
    const r = buildBoundaryTree(readOf(all({ g2: { name: '翠屏路社区新2网格' } })), existingSynthetic());
    expect(r.problems).toEqual([]);
    expect(region(r, '511602001001002')).toMatchObject({
      id: 'id-511602001001002',
      parent_id: 'id-511602001001',
      name: '翠屏路社区新2网格',
      synthetic_geometry: false,
      profile: PROFILE,
    });
    expect(r.diff.updated).toHaveLength(11);
    expect(r.diff.created).toEqual([]);
  });

  it('removes regions of a covered level the file lacks, and creates the new ones', () => {
    const r = buildBoundaryTree(readOf(all({ g5: null, g4: { code: '511602002001003', geometry: poly(rect(2000, 0, 4000, 2000)) } })), existingSynthetic());
    expect(r.diff.removed.sort()).toEqual(['id-511602002001001', 'id-511602002001002']);
    expect(r.diff.created).toEqual(['511602002001003']);
    expect(region(r, '511602002001003')).toMatchObject({ parent_id: 'id-511602002001', profile: null });
  });

  it('keeps levels the file does not cover, their synthetic boundaries replaced by the union of the file’s children', () => {
    const r = buildBoundaryTree(readOf(all({ d: null, s1: null, s2: null, c1: null, c2: null, c3: null })), existingSynthetic());
    expect(r.problems).toEqual([]);
    const c1 = region(r, '511602001001');
    expect(c1).toMatchObject({ id: 'id-511602001001', synthetic_geometry: false, level: 'community' });
    expect(turf.area(c1.geometry)).toBeCloseTo(turf.area(turf.polygon(rect(0, 0, 2000, 1000))), -3);
    expect(region(r, '511602')).toMatchObject({ synthetic_geometry: false });
    expect(r.diff.removed).toEqual([]);
    expect(r.diff.updated).toHaveLength(11);
  });

  it('leaves regions unchanged when the same file is imported again', () => {
    const first = buildBoundaryTree(readOf(all()), null).tree;
    const again = buildBoundaryTree(readOf(all()), first);
    expect(again.diff).toEqual({ created: [], updated: [], unchanged: first.regions.map((x) => x.id), removed: [] });
  });

  it('keeps a real existing boundary of an uncovered level only in the same datum', () => {
    const real = buildBoundaryTree(readOf(all()), null).tree;
    const gcj = { ...real, datum: 'GCJ-02' as const };
    // Streets only, in WGS-84: the kept real communities and grids cannot stay in GCJ-02.
    const r = buildBoundaryTree(readOf(all({ c1: null, c2: null, c3: null, g1: null, g2: null, g3: null, g4: null, g5: null })), gcj);
    expect(errors(r).map((p) => p.feature)).toContain('511602001001 翠屏路社区');
    expect(errors(r)[0].message).toMatch(/GCJ-02 坐标，本次文件是 WGS-84 坐标/);
    expect(buildBoundaryTree(readOf(all({ c1: null, c2: null, c3: null, g1: null, g2: null, g3: null, g4: null, g5: null })), real).problems).toEqual([]);
  });

  it('replaces a real existing boundary in the other datum by the union of the file’s children, and says so', () => {
    const gcj = { ...buildBoundaryTree(readOf(all()), null).tree, datum: 'GCJ-02' as const };
    const r = buildBoundaryTree(readOf(all({ d: null, s1: null, s2: null, c1: null, c2: null, c3: null })), gcj);
    expect(errors(r)).toEqual([]);
    expect(warnings(r).map((p) => p.feature)).toEqual([
      '511602001001 翠屏路社区',
      '511602001002 厚街社区',
      '511602002001 北辰社区',
      '511602001 浓洄街道',
      '511602002 北辰街道',
      '511602 广安区',
    ]);
    expect(warnings(r)[0].message).toMatch(/GCJ-02 坐标，与本次文件（WGS-84）不同，已改用其下级边界合并而成的边界/);
    expect(r.tree.datum).toBe('WGS-84');
  });
});

describe('the district', () => {
  const noDistrict = () => all({ d: null });

  it('is the existing tree’s when the file has none', () => {
    const existing = buildBoundaryTree(readOf(all()), null).tree;
    const r = buildBoundaryTree(readOf(noDistrict()), existing);
    expect(r.problems).toEqual([]);
    expect(region(r, '511602')).toEqual(existing.regions[0]);
  });

  it('is options.district, its boundary the union of its streets, when neither has one', () => {
    const r = buildBoundaryTree(readOf(noDistrict()), null, { district: { code: '511602', name: '广安区' } });
    expect(r.problems).toEqual([]);
    const d = region(r, '511602');
    expect(d).toMatchObject({ name: '广安区', parent_id: null, synthetic_geometry: false });
    expect(turf.area(d.geometry)).toBeCloseTo(turf.area(turf.polygon(rect(0, 0, 4000, 2000))), -3);
  });

  it('is asked for when there is none anywhere', () => {
    const r = buildBoundaryTree(readOf(noDistrict()), null);
    expect(errors(r)).toEqual([expect.objectContaining({ message: expect.stringMatching(/都没有区县.*请在导入选项中给出区县的编码和名称/) })]);
  });
});

describe('several files', () => {
  it('builds one tree from one file per level', () => {
    const s = districtSpecs();
    const r = buildBoundaryTree(
      [readOf([s.d, s.s1, s.s2], '街道.geojson'), readOf([s.c1, s.c2, s.c3], '社区.geojson'), readOf([s.g1, s.g2, s.g3, s.g4, s.g5], '网格.geojson')],
      null,
    );
    expect(r.problems).toEqual([]);
    expect(r.tree.regions).toHaveLength(11);
  });

  it('refuses files declared in different datums', () => {
    const s = districtSpecs();
    const r = buildBoundaryTree([readOf([s.d, s.s1, s.s2], 'a.geojson', 'WGS-84'), readOf([s.c1, s.c2, s.c3], 'b.geojson', 'GCJ-02')], null);
    expect(errors(r)[0].message).toMatch(/坐标系不同/);
  });
});
