/**
 * The files the importers' benchmark (scripts/bench-import.ts) feeds the central service, made here:
 *
 *  - a district's boundaries as GeoJSON: the demo's district-scale geography (central/demo/geography.ts: its real
 *    street and community names, 297 grids of irregular shape), the district drawn as the union of its streets;
 *  - a city's boundaries as a zipped Shapefile of four layers (区县, 街道, 社区, 网格; UTF-8 .dbf with a .cpg),
 *    the demo's city-scale geography (25 streets, 332 communities, 20,000 grids), and the same layers unzipped for
 *    the bare `shapefile` baseline;
 *  - a 矛盾纠纷排查化解台账 as staff keep it, written with exceljs's streaming WorkbookWriter: a merged title row,
 *    the template's headers, then one dispute a row — numbers, date-time cells over the past year, the district's
 *    grid names, types, summaries, outcomes and the times they were reached, units, parties and phone numbers.
 *    Optionally a second copy of the same rows with a few bad ones (for the preview that names them).
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import pc from 'polygon-clipping';
import { buildGeography, type Geography } from '../../central/demo/geography';
import { DISPUTES_TEMPLATE } from '../../central/import/sources/disputes';
import { addDays, DAY_MS, dayStart, HOUR_MS, SHANGHAI_OFFSET_MS, shanghaiDay, yearOf } from '../../shared/time';

type Coordinates = number[][][] | number[][][][];
interface Unit {
  code: string;
  name: string;
  geometry: { type: string; coordinates: unknown };
}

/** A unit's geometry as a list of polygons (each a list of rings). */
function polygonsOf(unit: Unit): number[][][][] {
  const g = unit.geometry as { type: 'Polygon' | 'MultiPolygon'; coordinates: Coordinates };
  return g.type === 'Polygon' ? [g.coordinates as number[][][]] : (g.coordinates as number[][][][]);
}

/** The district's boundary as the union of its streets' (the outline the demo ships crosses itself in a few places). */
function districtOf(geo: Geography): Unit {
  const union = pc.union(...(geo.streets.map((s) => polygonsOf(s)) as unknown as Parameters<typeof pc.union>));
  return { code: geo.district.code, name: geo.district.name, geometry: { type: 'MultiPolygon', coordinates: union } };
}

export interface DistrictBoundaries {
  /** The GeoJSON file written. */
  file: string;
  /** Every grid's full name (翠屏路社区第3网格), as the ledger's 网格 column has them. */
  gridNames: string[];
  features: number;
}

/** The demo's district (297 grids) as a GeoJSON FeatureCollection with 编码 and 名称 properties. */
export function writeDistrictGeoJson(file: string, seed = 1): DistrictBoundaries {
  const geo = buildGeography({ seed, scale: 'district' });
  const units: Unit[] = [districtOf(geo), ...geo.streets, ...geo.communities, ...geo.grids];
  const features = units.map((u) => ({ type: 'Feature', properties: { 编码: u.code, 名称: u.name }, geometry: u.geometry }));
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
  return { file, gridNames: geo.grids.map((g) => g.name), features: features.length };
}

// ---- Shapefile ------------------------------------------------------------------------------------------------

/**
 * One polygon layer's .shp, .shx and .dbf (dBASE III, text fields 编码 and 名称 in UTF-8), written here: the writer
 * of @mapbox/shp-write gathers every coordinate with repeated Array.concat, which takes half a minute on 20,000
 * grids. Outer rings clockwise, as the Shapefile standard has them (GeoJSON's are counter-clockwise).
 */
export function shapefileLayer(units: Unit[]): { shp: Buffer; shx: Buffer; dbf: Buffer } {
  const features = units.map((u) => polygonsOf(u).flatMap((polygon) => polygon.map((ring) => [...ring].reverse())));
  const box = (rings: number[][][]) => {
    const b = [Infinity, Infinity, -Infinity, -Infinity];
    for (const ring of rings)
      for (const [x, y] of ring) {
        if (x < b[0]) b[0] = x;
        if (y < b[1]) b[1] = y;
        if (x > b[2]) b[2] = x;
        if (y > b[3]) b[3] = y;
      }
    return b;
  };
  const contentBytes = (rings: number[][][]) => 44 + 4 * rings.length + 16 * rings.reduce((n, r) => n + r.length, 0);
  const shpBytes = 100 + features.reduce((n, rings) => n + 8 + contentBytes(rings), 0);
  const shp = Buffer.alloc(shpBytes);
  const shx = Buffer.alloc(100 + 8 * features.length);
  const all = box(features.flat());
  for (const [buffer, bytes] of [
    [shp, shpBytes],
    [shx, shx.length],
  ] as const) {
    buffer.writeInt32BE(9994, 0);
    buffer.writeInt32BE(bytes / 2, 24);
    buffer.writeInt32LE(1000, 28);
    buffer.writeInt32LE(5, 32);
    all.forEach((v, i) => buffer.writeDoubleLE(v, 36 + 8 * i));
  }
  let at = 100;
  features.forEach((rings, i) => {
    const length = contentBytes(rings);
    shx.writeInt32BE(at / 2, 100 + 8 * i);
    shx.writeInt32BE(length / 2, 104 + 8 * i);
    shp.writeInt32BE(i + 1, at);
    shp.writeInt32BE(length / 2, at + 4);
    shp.writeInt32LE(5, at + 8);
    box(rings).forEach((v, k) => shp.writeDoubleLE(v, at + 12 + 8 * k));
    shp.writeInt32LE(rings.length, at + 44);
    shp.writeInt32LE(
      rings.reduce((n, r) => n + r.length, 0),
      at + 48,
    );
    let p = at + 52;
    let first = 0;
    for (const ring of rings) {
      shp.writeInt32LE(first, p);
      p += 4;
      first += ring.length;
    }
    for (const ring of rings)
      for (const [x, y] of ring) {
        shp.writeDoubleLE(x, p);
        shp.writeDoubleLE(y, p + 8);
        p += 16;
      }
    at += 8 + length;
  });

  const fields: [name: string, values: Buffer[]][] = [
    ['编码', units.map((u) => Buffer.from(u.code, 'utf8'))],
    ['名称', units.map((u) => Buffer.from(u.name, 'utf8'))],
  ];
  const widths = fields.map(([, values]) => Math.min(254, Math.max(1, ...values.map((v) => v.length))));
  const headerBytes = 32 + 32 * fields.length + 1;
  const recordBytes = 1 + widths.reduce((a, b) => a + b, 0);
  const dbf = Buffer.alloc(headerBytes + recordBytes * units.length + 1, 0x20);
  dbf.fill(0, 0, headerBytes);
  const today = new Date();
  dbf.writeUInt8(0x03, 0);
  dbf.writeUInt8(today.getFullYear() - 1900, 1);
  dbf.writeUInt8(today.getMonth() + 1, 2);
  dbf.writeUInt8(today.getDate(), 3);
  dbf.writeUInt32LE(units.length, 4);
  dbf.writeUInt16LE(headerBytes, 8);
  dbf.writeUInt16LE(recordBytes, 10);
  fields.forEach(([name], f) => {
    Buffer.from(name, 'utf8').copy(dbf, 32 + 32 * f, 0, 10);
    dbf.write('C', 32 + 32 * f + 11, 'latin1');
    dbf.writeUInt8(widths[f], 32 + 32 * f + 16);
  });
  dbf.writeUInt8(0x0d, headerBytes - 1);
  units.forEach((_, i) => {
    let p = headerBytes + i * recordBytes + 1; // the deletion flag is the fill's space
    fields.forEach(([, values], f) => {
      values[i].copy(dbf, p, 0, widths[f]);
      p += widths[f];
    });
  });
  dbf.writeUInt8(0x1a, dbf.length - 1);
  return { shp, shx, dbf };
}

/** WGS-84 lon/lat, as a GIS writes it in the .prj. */
const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

export interface CityShapefile {
  /** The zip the service is sent. */
  zip: string;
  /** The same layers unzipped (for the bare baseline): [.shp, .dbf] of each. */
  layers: { shp: string; dbf: string }[];
  grids: number;
  features: number;
  bytes: number;
}

/** The demo's city-scale geography as a zipped Shapefile of four layers (and unzipped in `dir`/layers). */
export async function writeCityShapefile(dir: string, seed = 1): Promise<CityShapefile> {
  const geo = buildGeography({ seed, scale: 'city' });
  const layers: [string, Unit[]][] = [
    ['区县', [districtOf(geo)]],
    ['街道', geo.streets],
    ['社区', geo.communities],
    ['网格', geo.grids],
  ];
  const zip = new JSZip();
  const unzipped = path.join(dir, 'layers');
  mkdirSync(unzipped, { recursive: true });
  const out: CityShapefile['layers'] = [];
  for (const [name, units] of layers) {
    const files = shapefileLayer(units);
    const parts: Record<string, Uint8Array | string> = { '.shp': files.shp, '.shx': files.shx, '.dbf': files.dbf, '.prj': WGS84_PRJ, '.cpg': 'UTF-8' };
    for (const [ext, data] of Object.entries(parts)) {
      zip.file(`${name}${ext}`, data);
      writeFileSync(path.join(unzipped, `${name}${ext}`), data);
    }
    out.push({ shp: path.join(unzipped, `${name}.shp`), dbf: path.join(unzipped, `${name}.dbf`) });
  }
  const file = path.join(dir, '广安区网格边界.zip');
  const buffer = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  writeFileSync(file, buffer);
  return { zip: file, layers: out, grids: geo.grids.length, features: layers.reduce((n, [, units]) => n + units.length, 0), bytes: buffer.length };
}

// ---- the ledger ------------------------------------------------------------------------------------------------

/** A small, seeded generator (mulberry32): the same ledger every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES: [type: string, weight: number, summaries: string[]][] = [
  [
    '邻里纠纷',
    30,
    [
      '楼上卫生间漏水，与楼下住户因维修费用分担发生争执',
      '邻居在楼道堆放杂物，双方多次口角',
      '装修噪音扰民，楼上楼下发生矛盾',
      '相邻住户因采光遮挡发生争执',
      '饲养宠物扰邻引发纠纷',
    ],
  ],
  ['婚姻家庭', 18, ['夫妻因子女抚养问题发生争吵', '兄弟姐妹因老人赡养费用分担产生矛盾', '婆媳关系紧张，多次发生口角', '离婚后财产分割未达成一致']],
  [
    '物业纠纷',
    14,
    ['业主拒交物业费，与物业公司发生争执', '小区电梯长期故障，业主与物业矛盾', '小区停车位收费标准引发争议', '物业维修基金使用不透明引发业主不满'],
  ],
  ['劳动争议', 10, ['工地务工人员反映被拖欠工资', '员工离职后经济补偿未结清', '餐馆员工工伤赔偿存在争议']],
  ['房屋宅基地', 8, ['宅基地边界不清，相邻两户发生争执', '房屋买卖过户手续引发纠纷', '房屋租赁押金退还产生争议']],
  ['土地承包', 5, ['土地流转租金未按期支付', '承包地边界划分引发争议']],
  ['损害赔偿', 7, ['电动车剐蹭行人，赔偿金额未谈拢', '宠物咬伤路人，医疗费用承担有争议', '高空坠物砸坏车辆，赔偿存在分歧']],
  ['合同债务', 5, ['个人借款到期未还引发纠纷', '装修合同工程款结算发生争议']],
  ['其他', 3, ['广场舞噪音扰民引发群众不满', '小区公共绿地被占用种菜引发矛盾']],
];
const TYPE_WEIGHT = TYPES.reduce((n, [, w]) => n + w, 0);
const UNITS = ['社区居委会', '街道综治中心', '区司法局', '街道派出所', '区人社局', '区住建局', '街道人民调解委员会'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏宇浩凯晨欣怡梅琳';
/** A Date whose UTC fields are Shanghai's wall clock at `ms` (what exceljs writes as the cell's serial). */
const wallClock = (ms: number) => new Date(Math.floor((ms + SHANGHAI_OFFSET_MS) / 60_000) * 60_000);

export interface LedgerOptions {
  rows: number;
  gridNames: string[];
  /** Rows end a day before this instant (default now), and span the year before it. */
  now?: number;
  seed?: number;
}

/**
 * The bad rows a second copy carries, file row → the column spoilt and what is written there instead: a date that
 * is no date (row 1,236), a grid the district does not have (a row past the middle), and no 简要情况 (the last row).
 */
export function badRows(rows: number): Map<number, { column: string; value: string | null }> {
  return new Map([
    [1_236, { column: '发现时间', value: '2025-02-30' }],
    [Math.floor(rows * 0.55) + 2, { column: '网格', value: '翠屏路社区第99网格' }],
    [rows + 2, { column: '简要情况', value: null }],
  ]);
}

export interface Ledger {
  file: string;
  bad?: { file: string; rows: number[] };
  rows: number;
  bytes: number;
  seconds: number;
}

/**
 * Writes the ledger (and, with `badFile`, a copy of it with the badRows spoilt) by exceljs's streaming writer:
 * shared strings as Excel writes them, and styles, so the date-time cells are dates.
 */
export async function writeDisputesLedger(file: string, options: LedgerOptions, badFile?: string): Promise<Ledger> {
  const started = performance.now();
  const rnd = random(options.seed ?? 7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const now = options.now ?? Date.now();
  const headers = DISPUTES_TEMPLATE.fields.map((f) => f.header);
  const column = (header: string) => headers.indexOf(header);
  const bad = badRows(options.rows);

  const open = (target: string) => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: target, useSharedStrings: true, useStyles: true });
    const sheet = workbook.addWorksheet(DISPUTES_TEMPLATE.sheet);
    sheet.columns = headers.map((h) => ({ width: h === '简要情况' ? 48 : h.includes('时间') ? 17 : 12 }));
    const title = sheet.addRow([`广安区${DISPUTES_TEMPLATE.title}（近一年）`]);
    title.font = { bold: true, size: 14 };
    sheet.mergeCells(1, 1, 1, headers.length);
    title.commit();
    const head = sheet.addRow(headers);
    head.font = { bold: true };
    head.commit();
    return { workbook, sheet };
  };
  const books = [open(file), ...(badFile ? [open(badFile)] : [])];
  const dateTime = 'yyyy-mm-dd hh:mm';
  const dateOnly = 'yyyy-mm-dd';
  const [found, closedAt, deadlineAt] = [column('发现时间'), column('化解时间'), column('化解期限')];

  for (let i = 0; i < options.rows; i++) {
    const fileRow = i + 3;
    // Found in the year before yesterday, in working hours (08:00–18:59 Shanghai), spread evenly.
    const day = addDays(shanghaiDay(now), -1 - Math.floor(rnd() * 365));
    const foundMs = dayStart(day) + (8 + Math.floor(rnd() * 11)) * HOUR_MS + Math.floor(rnd() * 60) * 60_000;
    let w = rnd() * TYPE_WEIGHT;
    const [type, , summaries] = TYPES.find(([, weight]) => (w -= weight) < 0) ?? TYPES[0];
    const roll = rnd();
    let status = roll < 0.8 ? '已化解' : roll < 0.95 ? '化解中' : '未化解';
    let closedMs: number | null = status === '化解中' ? null : foundMs + Math.floor((0.1 + rnd() * 20) * DAY_MS);
    if (closedMs !== null && closedMs > now - HOUR_MS) [status, closedMs] = ['化解中', null];
    const units = rnd() < 0.12 ? [pick(UNITS), pick(UNITS.slice(2))] : [pick(UNITS)];
    const level = rnd() < 0.9 ? '一般' : rnd() < 0.8 ? '较大' : '重大';
    const parties = [`${pick([...SURNAMES])}${pick([...GIVEN])}${rnd() < 0.5 ? pick([...GIVEN]) : ''}`, `${pick([...SURNAMES])}${pick([...GIVEN])}`];
    const phone = `1${pick(['3', '5', '7', '8', '9'])}${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}`;
    const values: (string | Date | null)[] = [
      `JF${yearOf(day)}-${String(i + 1).padStart(6, '0')}`,
      wallClock(foundMs),
      options.gridNames[Math.floor(rnd() * options.gridNames.length)],
      type,
      `${pick(summaries)}（${pick(['社区网格员走访发现', '群众来电反映', '网格员排查发现', '当事人到社区反映'])}）`,
      status,
      closedMs === null ? null : wallClock(closedMs),
      [...new Set(units)].join('、'),
      level,
      rnd() < 0.3 ? wallClock(dayStart(addDays(day, 30))) : null,
      units.length > 1 ? '是' : '否',
      null,
      null,
      parties.join('、'),
      phone,
    ];
    books.forEach((book, b) => {
      const cells = [...values];
      const spoil = b === 1 ? bad.get(fileRow) : undefined;
      if (spoil) cells[column(spoil.column)] = spoil.value;
      const row = book.sheet.addRow(cells);
      if (cells[found] instanceof Date) row.getCell(found + 1).numFmt = dateTime;
      if (cells[closedAt] instanceof Date) row.getCell(closedAt + 1).numFmt = dateTime;
      if (cells[deadlineAt] instanceof Date) row.getCell(deadlineAt + 1).numFmt = dateOnly;
      row.commit();
    });
  }
  for (const book of books) {
    book.sheet.commit();
    await book.workbook.commit();
  }
  return {
    file,
    bad: badFile ? { file: badFile, rows: [...bad.keys()].sort((a, b) => a - b) } : undefined,
    rows: options.rows,
    bytes: statSync(file).size,
    seconds: (performance.now() - started) / 1000,
  };
}
