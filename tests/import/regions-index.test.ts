import { describe, expect, it } from 'vitest';
import type { Region, RegionsResponse } from '../../shared/api/schemas';
import { buildRegionIndex, editDistance, normaliseName } from '../../central/import/regions-index';

type Box = [number, number, number, number];

function square([x0, y0, x1, y1]: Box): Region['geometry'] {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  };
}

function region(id: string, level: Region['level'], name: string, parent: string | null, box: Box): Region {
  return {
    id,
    code: id,
    level,
    name,
    parent_id: parent,
    center: [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2],
    geometry: square(box),
    synthetic_geometry: true,
    profile: null,
  };
}

/** 广安区 › 浓洄街道 › 翠屏路社区 (3 grids, named with the community) and 厚街社区 (2 grids named "第N网格" alone). */
function smallTree(): RegionsResponse {
  return {
    datum: 'GCJ-02',
    attribution: 'test',
    regions: [
      region('511602', 'district', '广安区', null, [106, 30, 107, 31]),
      region('511602001', 'street', '浓洄街道', '511602', [106, 30, 107, 31]),
      region('511602001001', 'community', '翠屏路社区', '511602001', [106, 30, 106.5, 31]),
      region('511602001002', 'community', '厚街社区', '511602001', [106.5, 30, 107, 31]),
      region('511602001001001', 'grid', '翠屏路社区第1网格', '511602001001', [106, 30, 106.1, 30.1]),
      region('511602001001002', 'grid', '翠屏路社区第2网格', '511602001001', [106.1, 30, 106.2, 30.1]),
      region('511602001001003', 'grid', '翠屏路社区第3网格', '511602001001', [106.2, 30, 106.3, 30.1]),
      region('511602001002001', 'grid', '第1网格', '511602001002', [106.5, 30, 106.6, 30.1]),
      region('511602001002002', 'grid', '第2网格', '511602001002', [106.6, 30, 106.7, 30.1]),
    ],
  };
}

describe('normaliseName', () => {
  it('makes the ways people write one grid the same', () => {
    const same = ['翠屏路社区第3网格', ' 翠屏路社区第三网格 ', '翠屏路社区　3网格', '翠屏路社区３网格', '翠屏路社区居委会第3网格', '翠屏路社区3'];
    expect(new Set(same.map(normaliseName)).size).toBe(1);
    expect(normaliseName('第十二网格')).toBe(normaliseName('12网格'));
    expect(normaliseName('中桥街道1网格')).not.toBe(normaliseName('1网格'));
  });
});

describe('editDistance', () => {
  it('counts edits and gives up past the limit', () => {
    expect(editDistance('翠屏路社区3', '翠平路社区3')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
  });
});

describe('buildRegionIndex', () => {
  const index = buildRegionIndex(smallTree());

  it('finds a grid by code, id and name as people write it', () => {
    expect(index.grid('511602001001003')?.name).toBe('翠屏路社区第3网格');
    expect(index.grid('翠屏路社区第3网格')?.id).toBe('511602001001003');
    expect(index.grid('翠屏路社区第三网格')?.id).toBe('511602001001003');
    expect(index.grid('翠屏路社区３网格')?.id).toBe('511602001001003');
    expect(index.grid('浓洄街道翠屏路社区第3网格')?.id).toBe('511602001001003');
    expect(index.grid('广安区浓洄街道翠屏路社区第3网格')?.id).toBe('511602001001003');
    // A grid named without its community is found with it, and alone when the name is unique.
    expect(index.grid('厚街社区第1网格')?.id).toBe('511602001002001');
    expect(index.grid('厚街社区1网格')?.id).toBe('511602001002001');
    expect(index.grid('第3网格')?.id).toBe('511602001001003');
  });

  it('finds nothing for an ambiguous or unknown name, nor for a code of another level', () => {
    expect(index.grid('第1网格')).toBeUndefined(); // 翠屏路社区第1网格 and 厚街社区第1网格
    expect(index.grid('1网格')).toBeUndefined();
    expect(index.grid('翠屏路社区第9网格')).toBeUndefined();
    expect(index.grid('511602001001')).toBeUndefined();
    expect(index.grid('')).toBeUndefined();
  });

  it('finds regions of any level', () => {
    expect(index.region('浓洄街道', 'street')?.id).toBe('511602001');
    expect(index.region('浓洄', 'street')?.id).toBe('511602001');
    expect(index.region('翠屏路社区居委会', 'community')?.id).toBe('511602001001');
    expect(index.region('511602001002')?.name).toBe('厚街社区');
    expect(index.region('511602001002', 'street')).toBeUndefined();
    expect(index.region('翠屏路社区第2网格')?.id).toBe('511602001001002');
    expect(index.byId('511602')?.level).toBe('district');
  });

  it('offers the nearest names, best first, with the community where a name is shared', () => {
    expect(index.nearestGridNames('翠平路社区第3网格')[0]).toBe('翠屏路社区第3网格');
    expect(index.nearestGridNames('翠平路社区第3网格')).toHaveLength(3);
    expect(index.nearestGridNames('厚街社区第1网络', 2)).toContain('厚街社区第1网格');
    expect(index.nearestGridNames('完全不相干的一个很长的名字啊')).toEqual([]);
    // A name two grids share: both, each as a text that finds it.
    expect(index.nearestGridNames('第1网格').slice(0, 2).sort()).toEqual(['厚街社区第1网格', '翠屏路社区第1网格'].sort());
  });

  it('finds the grid containing a point', () => {
    expect(index.gridAt(106.25, 30.05)?.id).toBe('511602001001003');
    expect(index.gridAt(106.65, 30.05)?.id).toBe('511602001002002');
    expect(index.gridAt(106.4, 30.05)).toBeUndefined();
    expect(index.gridAt(120, 40)).toBeUndefined();
    expect(index.gridAt(Number.NaN, 30)).toBeUndefined();
  });

  it('works without a tree', () => {
    const empty = buildRegionIndex(null);
    expect(empty.tree).toBeNull();
    expect(empty.grid('翠屏路社区第3网格')).toBeUndefined();
    expect(empty.nearestGridNames('翠屏路社区第3网格')).toEqual([]);
    expect(empty.gridAt(106.25, 30.05)).toBeUndefined();
  });

  it('locates 100,000 points among 20,000 grids quickly', () => {
    const cols = 200;
    const rows = 100;
    const size = 0.01;
    const all: Box = [100, 20, 100 + cols * size, 20 + rows * size];
    // 20 streets of 10 communities of 100 grids, named as the demo names them.
    const regions: Region[] = [region('D', 'district', '区', null, all)];
    for (let s = 0; s < 20; s++) regions.push(region(`S${s}`, 'street', `第${s}街道`, 'D', all));
    for (let k = 0; k < 200; k++) regions.push(region(`C${k}`, 'community', `社区${k}`, `S${k % 20}`, all));
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const k = Math.floor((r * cols + c) / 100);
        const n = ((r * cols + c) % 100) + 1;
        const x = 100 + c * size;
        const y = 20 + r * size;
        // Diamonds a little larger than the cell: boxes overlap, the polygon test decides, and some points fall in none.
        const h = size * 0.75;
        const [cx, cy] = [x + size / 2, y + size / 2];
        const geometry: Region['geometry'] = {
          type: 'Polygon',
          coordinates: [
            [
              [cx, cy - h],
              [cx + h, cy],
              [cx, cy + h],
              [cx - h, cy],
              [cx, cy - h],
            ],
          ],
        };
        regions.push({ ...region(`G${r}-${c}`, 'grid', `社区${k}第${n}网格`, `C${k}`, [x, y, x + size, y + size]), geometry });
      }
    const building = performance.now();
    const big = buildRegionIndex({ datum: 'GCJ-02', attribution: 'test', regions });
    expect(big.grid('社区7第3网格')?.id).toBe('G3-102');
    expect(big.grid(`第${7 % 20}街道社区7第三网格`)?.id).toBe('G3-102');
    expect(big.nearestGridNames('社区7第3网络')[0]).toBe('社区7第3网格');
    expect((performance.now() - building) / 1000).toBeLessThan(5);
    let state = 12345;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const points = Array.from({ length: 100_000 }, () => [100 + random() * cols * size, 20 + random() * rows * size] as const);
    const started = performance.now();
    const found = points.map(([lon, lat]) => big.gridAt(lon, lat));
    const seconds = (performance.now() - started) / 1000;
    // The same answers as testing every grid, on a sample.
    const inside = (g: Region, lon: number, lat: number) => {
      const [cx, cy] = g.center;
      return Math.abs(lon - cx) + Math.abs(lat - cy) <= size * 0.75 + 1e-12;
    };
    for (let i = 0; i < 500; i++) {
      const [lon, lat] = points[i];
      const any = regions.some((g) => g.level === 'grid' && inside(g, lon, lat));
      expect(found[i] !== undefined).toBe(any);
      if (found[i]) expect(inside(found[i]!, lon, lat)).toBe(true);
    }
    expect(found.filter(Boolean).length).toBeGreaterThan(80_000);
    expect(big.gridAt(100 + 20.5 * size, 20 + 10.5 * size)?.id).toBe('G10-20');
    expect(seconds).toBeLessThan(8);
  });
});
