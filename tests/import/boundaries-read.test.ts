/** Reading boundary files: GeoJSON, zipped Shapefiles (GBK/UTF-8, projected), KML/KMZ, and hostile input refused. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { readBoundaries, type ReadBoundaries } from '../../central/import/boundaries/read';
import { buildBoundaryTree } from '../../central/import/boundaries/tree';
import {
  byteString,
  districtSpecs,
  EPSG_4524_WKT,
  ESRI_CM_108_WKT,
  geoJsonText,
  kmlText,
  lieAboutSizes,
  lonLat,
  projector,
  rect,
  shapefileZip,
  tempDir,
  zipOf,
  type TempDir,
} from './fixtures/boundary-files';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.remove();
});

const errors = (r: ReadBoundaries) => r.problems.filter((p) => p.severity === 'error');
const specs = districtSpecs();
const grids = [specs.g1, specs.g2, specs.g3];

function firstRing(r: ReadBoundaries, i = 0): number[][] {
  return (r.features[i].geometry!.coordinates as number[][][])[0];
}

function expectClose(a: number[], b: number[], digits = 7): void {
  expect(a[0]).toBeCloseTo(b[0], digits);
  expect(a[1]).toBeCloseTo(b[1], digits);
}

describe('GeoJSON', () => {
  it('reads a FeatureCollection by content, whatever the name, in the declared datum', async () => {
    const path = await tmp.write('upload.bin', geoJsonText(grids));
    const r = await readBoundaries(path, '网格.json', { datum: 'GCJ-02' });
    expect(errors(r)).toEqual([]);
    expect(r.datum).toBe('GCJ-02');
    expect(r.features).toHaveLength(3);
    expect(r.features[1]).toMatchObject({ file: '网格.json', index: 1, properties: { 编码: '511602001001002', 名称: '翠屏路社区第2网格' } });
    expectClose(firstRing(r)[0], lonLat(0, 0));
  });

  it('takes CGCS2000 as WGS-84', async () => {
    const path = await tmp.write('a.geojson', geoJsonText(grids));
    expect((await readBoundaries(path, 'a.geojson', { datum: 'CGCS2000' })).datum).toBe('WGS-84');
  });

  it('converts a projected GeoJSON whose old-style crs names a CGCS2000 Gauss-Krüger zone', async () => {
    const project = projector(EPSG_4524_WKT);
    const projected = grids.map((s) => ({
      ...s,
      geometry: {
        type: 'Polygon' as const,
        coordinates: (s.geometry!.coordinates as number[][][]).map((ring) => ring.map((p) => project(p as [number, number]))),
      },
    }));
    const path = await tmp.write('p.geojson', geoJsonText(projected, { crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4524' } } }));
    const r = await readBoundaries(path, 'p.geojson');
    expect(errors(r)).toEqual([]);
    expect(r.crs).toBe('EPSG:4524');
    expectClose(firstRing(r)[2], lonLat(1000, 1000));
  });

  it('says so when the file is no JSON, and when the format is unknown', async () => {
    const broken = await readBoundaries(await tmp.write('b.geojson', '{"type": "FeatureCollection", '), 'b.geojson');
    expect(errors(broken)[0].message).toMatch(/不是有效的 JSON/);
    const other = await readBoundaries(await tmp.write('c.geojson', 'name,code\n'), 'c.geojson');
    expect(errors(other)[0].message).toMatch(/无法识别/);
  });

  it('skips points and lines with a warning', async () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { 编码: '511602001001001' }, geometry: specs.g1.geometry },
        { type: 'Feature', properties: { 编码: 'label' }, geometry: { type: 'Point', coordinates: lonLat(10, 10) } },
      ],
    });
    const r = await readBoundaries(await tmp.write('d.geojson', text), 'd.geojson');
    expect(r.features).toHaveLength(1);
    expect(r.problems).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/1 个要素是点或线/) })]);
  });
});

describe('zipped Shapefile', () => {
  const rowsOf = (encoding: 'gbk' | 'utf-8', codeField = 'CODE', nameField = 'NAME') =>
    grids.map((s) => ({ [byteString(codeField, encoding)]: String(s.code), [byteString(nameField, encoding)]: byteString(s.name!, encoding) }));
  const polygons = grids.map((s) => s.geometry!.coordinates as number[][][]);

  it('reads names in GBK when the .cpg says GBK, field names included', async () => {
    const zip = await shapefileZip([{ name: '网格', rows: rowsOf('gbk', '编码', '名称'), polygons, cpg: 'GBK' }]);
    const r = await readBoundaries(await tmp.write('grids.zip', zip), 'grids.zip');
    expect(errors(r)).toEqual([]);
    expect(r.features.map((f) => f.properties['名称'])).toEqual(grids.map((s) => s.name));
    expect(r.features[0]).toMatchObject({ file: '网格.shp', index: 0, properties: { 编码: '511602001001001' } });
    // Written clockwise, as the standard has it: read back as one polygon with its corners where they were.
    expect(r.features[0].geometry!.type).toBe('Polygon');
    expect(firstRing(r)).toHaveLength(5);
    for (const corner of [lonLat(0, 0), lonLat(1000, 0), lonLat(1000, 1000), lonLat(0, 1000)]) {
      expect(firstRing(r).some((p) => Math.abs(p[0] - corner[0]) < 1e-9 && Math.abs(p[1] - corner[1]) < 1e-9)).toBe(true);
    }
  });

  it('reads the 936 code page of ArcGIS .cpg files as GBK', async () => {
    const zip = await shapefileZip([{ name: 'grids', rows: rowsOf('gbk'), polygons, cpg: 'ANSI 936\r\n' }]);
    const r = await readBoundaries(await tmp.write('g.zip', zip), 'g.zip');
    expect(r.features[2].properties['NAME']).toBe('厚街社区第1网格');
  });

  it('without a .cpg: UTF-8 when the bytes are UTF-8, GBK when they are not', async () => {
    const utf8 = await shapefileZip([{ name: 'grids', rows: rowsOf('utf-8'), polygons }]);
    const gbk = await shapefileZip([{ name: 'grids', rows: rowsOf('gbk'), polygons }]);
    const a = await readBoundaries(await tmp.write('u.zip', utf8), 'u.zip');
    const b = await readBoundaries(await tmp.write('g.zip', gbk), 'g.zip');
    expect(a.features.map((f) => f.properties['NAME'])).toEqual(grids.map((s) => s.name));
    expect(b.features.map((f) => f.properties['NAME'])).toEqual(grids.map((s) => s.name));
    // Not a UTF-8 decoder that happens to pass GBK through: these bytes are not UTF-8.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(iconv.encode(grids[0].name!, 'gbk'))).toThrow();
  });

  it('converts CGCS2000 3-degree Gauss-Krüger coordinates (EPSG:4524, zone 36) from the .prj with proj4', async () => {
    const zip = await shapefileZip([{ name: 'grids', rows: rowsOf('utf-8'), polygons, project: projector(EPSG_4524_WKT), prj: EPSG_4524_WKT, cpg: 'UTF-8' }]);
    const r = await readBoundaries(await tmp.write('p.zip', zip), 'p.zip');
    expect(errors(r)).toEqual([]);
    expect(r.crs).toBe('CGCS2000 / 3-degree Gauss-Kruger zone 36');
    expect(r.datum).toBe('WGS-84');
    const ring = firstRing(r);
    expect(Math.abs(ring[0][0])).toBeLessThan(180); // no longer metres
    for (const corner of [lonLat(0, 0), lonLat(1000, 1000)]) {
      expect(ring.some((p) => Math.abs(p[0] - corner[0]) < 1e-8 && Math.abs(p[1] - corner[1]) < 1e-8)).toBe(true);
    }
  });

  it('converts the Esri flavour of the same projection (central meridian 108°E, no zone prefix)', async () => {
    const zip = await shapefileZip([{ name: 'grids', rows: rowsOf('utf-8'), polygons, project: projector(ESRI_CM_108_WKT), prj: ESRI_CM_108_WKT }]);
    const r = await readBoundaries(await tmp.write('e.zip', zip), 'e.zip');
    expect(r.crs).toBe('CGCS2000_3_Degree_GK_CM_108E');
    expect(firstRing(r).some((p) => Math.abs(p[0] - lonLat(1000, 1000)[0]) < 1e-8 && Math.abs(p[1] - lonLat(1000, 1000)[1]) < 1e-8)).toBe(true);
  });

  it('warns that Xi’an 1980 coordinates are not shifted to CGCS2000', async () => {
    const xian = ESRI_CM_108_WKT.replace('GCS_China_Geodetic_Coordinate_System_2000', 'GCS_Xian_1980')
      .replace('D_China_2000', 'D_Xian_1980')
      .replace('SPHEROID["CGCS2000",6378137.0,298.257222101]', 'SPHEROID["Xian_1980",6378140.0,298.257]');
    const zip = await shapefileZip([{ name: 'grids', rows: rowsOf('utf-8'), polygons, project: projector(xian), prj: xian }]);
    const r = await readBoundaries(await tmp.write('x.zip', zip), 'x.zip');
    expect(r.problems).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/西安 1980.*未做基准转换/) }));
  });

  it('refuses a .prj proj4 cannot read', async () => {
    const zip = await shapefileZip([{ name: 'grids', rows: rowsOf('utf-8'), polygons, prj: 'PROJCS["nonsense",FOO[1]]' }]);
    const r = await readBoundaries(await tmp.write('n.zip', zip), 'n.zip');
    expect(errors(r)[0]).toMatchObject({ file: 'grids.prj', message: expect.stringMatching(/坐标系无法识别/) });
  });

  it('reads several layers of one zip (one per level)', async () => {
    const zip = await shapefileZip([
      {
        name: '社区',
        rows: [specs.c1, specs.c2].map((s) => ({ CODE: String(s.code), NAME: byteString(s.name!, 'utf-8') })),
        polygons: [specs.c1, specs.c2].map((s) => s.geometry!.coordinates as number[][][]),
        cpg: 'UTF-8',
      },
      { name: '网格', rows: rowsOf('utf-8'), polygons, cpg: 'UTF-8' },
    ]);
    const r = await readBoundaries(await tmp.write('two.zip', zip), 'two.zip');
    expect(r.features.map((f) => `${f.file}#${f.index}`)).toEqual(['社区.shp#0', '社区.shp#1', '网格.shp#0', '网格.shp#1', '网格.shp#2']);
  });

  it('says so when the zip holds no boundary file', async () => {
    const r = await readBoundaries(await tmp.write('e.zip', await zipOf({ 'readme.txt': 'hello' })), 'e.zip');
    expect(errors(r)[0].message).toMatch(/没有 \.shp、\.kml 或 \.geojson/);
  });
});

describe('KML', () => {
  it('reads Placemarks with their ExtendedData, dropping heights', async () => {
    const r = await readBoundaries(await tmp.write('grids.kml', kmlText(grids)), 'grids.kml');
    expect(errors(r)).toEqual([]);
    expect(r.features).toHaveLength(3);
    expect(r.features[0].properties).toMatchObject({ name: '翠屏路社区第1网格', 编码: '511602001001001', 级别: '网格' });
    expect(firstRing(r)[0]).toHaveLength(2);
    expectClose(firstRing(r)[1], lonLat(1000, 0));
  });

  it('reads the doc.kml of a KMZ', async () => {
    const kmz = await zipOf({ 'doc.kml': kmlText(grids), 'files/icon.png': new Uint8Array([1, 2, 3]) });
    const r = await readBoundaries(await tmp.write('grids.kmz', kmz), 'grids.kmz');
    expect(r.features.map((f) => f.properties['编码'])).toEqual(grids.map((s) => s.code));
  });

  it('reads a KML that declares GBK', async () => {
    const text = kmlText(grids, '<?xml version="1.0" encoding="GBK"?>');
    const r = await readBoundaries(await tmp.write('gbk.kml', iconv.encode(text, 'gbk')), 'gbk.kml');
    expect(r.features[1].properties['name']).toBe('翠屏路社区第2网格');
  });

  it('refuses a DOCTYPE: an external entity is never read (XXE)', async () => {
    const secretPath = await tmp.write('secret.txt', 'TOP-SECRET-7f3a');
    const text = kmlText(grids, `<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY xxe SYSTEM "file://${secretPath}">]>`).replace(
      '<name>翠屏路社区第1网格</name>',
      '<name>&xxe;</name>',
    );
    const r = await readBoundaries(await tmp.write('xxe.kml', text), 'xxe.kml');
    expect(r.features).toEqual([]);
    expect(errors(r)).toEqual([expect.objectContaining({ file: 'xxe.kml', message: expect.stringMatching(/文档类型声明.*已拒绝导入/) })]);
    expect(JSON.stringify(r)).not.toContain('TOP-SECRET');
  });

  it('refuses a DOCTYPE inside a KMZ too', async () => {
    const kmz = await zipOf({ 'doc.kml': kmlText(grids, '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>') });
    const r = await readBoundaries(await tmp.write('laughs.kmz', kmz), 'laughs.kmz');
    expect(errors(r)[0]).toMatchObject({ file: 'doc.kml', message: expect.stringMatching(/<!DOCTYPE>/) });
  });

  it('says so for XML that is not KML', async () => {
    const r = await readBoundaries(await tmp.write('x.kml', '<?xml version="1.0"?><gpx></gpx>'), 'x.kml');
    expect(errors(r)[0].message).toMatch(/不是 KML/);
  });
});

describe('hostile zips', () => {
  const shp = () => shapefileZip([{ name: 'grids', rows: [{ CODE: '511602001001001' }], polygons: [rect(0, 0, 10, 10)] }]);

  it('refuses an entry name climbing out with ..', async () => {
    const zip = await zipOf({ 'grids.shp': 'x', '../../etc/cron.d/evil': 'boom' });
    const r = await readBoundaries(await tmp.write('evil.zip', zip), 'evil.zip');
    expect(r.features).toEqual([]);
    // (JSZip also writes the folder entries "../" and "../../": whichever comes first is named.)
    expect(errors(r)).toEqual([expect.objectContaining({ message: expect.stringMatching(/“\.\.\/[^”]*”含有“\.\.”.*已拒绝导入/) })]);
  });

  it('refuses an absolute entry name (Unix or a Windows drive), even one it would not unpack', async () => {
    for (const name of ['/etc/passwd', 'C:\\Windows\\evil.dll']) {
      const zip = await zipOf({ 'a.txt': 'x', [name]: 'boom' });
      const r = await readBoundaries(await tmp.write('abs.zip', zip), 'abs.zip');
      expect(errors(r)[0].message).toMatch(/是绝对路径.*已拒绝导入/);
    }
  });

  it('stops inflating a zip bomb by its ratio, counting the bytes that come out', async () => {
    // 40 MiB of zeros deflate to ~40 KB (1000:1): over the 200:1 cap once past 32 MiB.
    const zip = await zipOf({ 'grids.shp': new Uint8Array(40 * 1024 * 1024) });
    expect(zip.length).toBeLessThan(200_000);
    const r = await readBoundaries(await tmp.write('bomb.zip', zip), 'bomb.zip');
    expect(errors(r)).toEqual([expect.objectContaining({ message: expect.stringMatching(/压缩比超过 200:1.*压缩炸弹/) })]);
  });

  it('stops at the total cap, whatever the ratio', async () => {
    const noise = new Uint8Array(300_000).map(() => Math.floor(Math.random() * 256));
    const zip = await zipOf({ 'a.shp': noise, 'a.dbf': noise });
    const r = await readBoundaries(await tmp.write('big.zip', zip), 'big.zip', { zipLimits: { maxTotalBytes: 400_000 } });
    expect(errors(r)).toEqual([expect.objectContaining({ message: expect.stringMatching(/解压后超过 390\.6 KB.*压缩炸弹/) })]);
  });

  it('refuses a zip whose size fields lie', async () => {
    const zip = lieAboutSizes(await zipOf({ 'grids.shp': new Uint8Array(40 * 1024 * 1024) }), 1024);
    const r = await readBoundaries(await tmp.write('liar.zip', zip), 'liar.zip');
    expect(r.features).toEqual([]);
    expect(errors(r)).toEqual([expect.objectContaining({ message: expect.stringMatching(/无法解压.*大小信息不实|压缩炸弹/) })]);
  });

  it('reads a well-formed zip with the same limits (the caps do not get in the way)', async () => {
    const r = await readBoundaries(await tmp.write('ok.zip', await shp()), 'ok.zip');
    expect(errors(r)).toEqual([]);
    expect(r.features).toHaveLength(1);
  });
});

describe('end to end', () => {
  it('a GBK Shapefile of the whole district, projected, with Chinese field names and no level field, becomes a clean tree', async () => {
    const all = Object.values(specs);
    const rows = all.map((s) => ({ [byteString('编码', 'gbk')]: String(s.code), [byteString('名称', 'gbk')]: byteString(s.name!, 'gbk') }));
    const zip = await shapefileZip([
      {
        name: '广安区边界',
        rows,
        polygons: all.map((s) => s.geometry!.coordinates as number[][][]),
        project: projector(EPSG_4524_WKT),
        prj: EPSG_4524_WKT,
        cpg: 'GBK',
      },
    ]);
    const read = await readBoundaries(await tmp.write('广安区.zip', zip), '广安区.zip', { datum: 'CGCS2000' });
    const built = buildBoundaryTree(read, null);
    expect([...read.problems, ...built.problems]).toEqual([]);
    expect(built.tree.regions.map((r) => `${r.level}:${r.code}:${r.name}`)).toContain('grid:511602001002001:厚街社区第1网格');
    expect(built.tree.regions.find((r) => r.code === '511602001002001')?.parent_id).toBe('511602001002');
  });
});
