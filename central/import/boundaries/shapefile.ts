/**
 * The layers of a zipped Shapefile: every .shp with its .dbf (attributes), .prj (coordinate system) and .cpg
 * (the .dbf's text encoding), matched by name. Read with `shapefile`, projected coordinates converted with proj4.
 *
 * Encoding of the .dbf: the .cpg when there is one (GBK/GB2312/CP936/936 → GBK; UTF-8/65001 → UTF-8); without it,
 * UTF-8 when the .dbf's bytes are valid UTF-8, else GBK (what ArcGIS/SuperMap on a Chinese system write). The text
 * is decoded by `shapefile` itself with the WHATWG decoder of that name (Node's full ICU knows GBK/GB18030).
 */
import { readFile } from 'node:fs/promises';
import { open } from 'shapefile';
import type { Problem } from '../types';
import { crsFromWkt, type Crs } from './crs';
import { areaGeometryOf, notAreaWarning, type Layer } from './layer';
import type { BoundaryFeature } from './read';
import { extensionOf, type UnpackedEntry } from './zip';

/** "网格/网格.shp" → "网格/网格" in lower case: the key that ties a layer's files together. */
function layerKey(name: string): string {
  const ext = extensionOf(name);
  return name
    .replace(/\\/g, '/')
    .slice(0, name.length - ext.length)
    .toLowerCase();
}

/** The WHATWG label for a .cpg's code page, or null when it names something unknown. */
export function encodingOfCpg(cpg: string): string | null {
  const page = cpg
    .trim()
    .toUpperCase()
    .replace(/^ANSI\s*/, '');
  if (/^(UTF-?8|65001)$/.test(page)) return 'utf-8';
  if (/^(GBK|GB2312|GB_2312.*|CP_?936|936|MS936|EUC-CN|GB18030|54936)$/.test(page)) return page === 'GB18030' || page === '54936' ? 'gb18030' : 'gbk';
  if (/^(1252|CP1252|88591|8859_1|ISO-?8859-?1|LATIN1)$/.test(page)) return 'windows-1252';
  try {
    return new TextDecoder(page.toLowerCase()).encoding;
  } catch {
    return null;
  }
}

/**
 * No .cpg: UTF-8 when the text of the .dbf (its field names and records; not the binary header) is valid UTF-8,
 * pure ASCII included; otherwise GBK. (Two GBK characters rarely make valid UTF-8; a name that does is the rare miss.)
 */
export function guessDbfEncoding(dbf: Uint8Array): 'utf-8' | 'gbk' {
  const view = new DataView(dbf.buffer, dbf.byteOffset, dbf.byteLength);
  if (dbf.length < 32) return 'utf-8';
  const headerLength = view.getUint16(8, true);
  const texts: Uint8Array[] = [dbf.subarray(headerLength)];
  for (let at = 32; at + 32 <= headerLength && dbf[at] !== 0x0d; at += 32) {
    const name = dbf.subarray(at, at + 11);
    const end = name.indexOf(0);
    texts.push(end < 0 ? name : name.subarray(0, end));
  }
  const strict = new TextDecoder('utf-8', { fatal: true });
  try {
    for (const t of texts) strict.decode(t);
    return 'utf-8';
  } catch {
    return 'gbk';
  }
}

async function readLayer(shp: UnpackedEntry, parts: Map<string, UnpackedEntry>, problems: Problem[]): Promise<{ features: BoundaryFeature[]; crs: string }> {
  const file = shp.name;
  const dbf = parts.get('.dbf');
  const prj = parts.get('.prj');
  const cpg = parts.get('.cpg');
  let encoding = 'utf-8';
  if (!dbf) {
    problems.push({ severity: 'error', file, message: `“${file}”缺少同名的 .dbf 属性表，读不到编码和名称；请把 .shp、.shx、.dbf、.prj（及 .cpg）一起打包。` });
  } else if (cpg) {
    const declared = (await readFile(cpg.path, 'latin1')).trim();
    const label = encodingOfCpg(declared);
    if (label) encoding = label;
    else {
      encoding = guessDbfEncoding(await readFile(dbf.path));
      problems.push({
        severity: 'warning',
        file: cpg.name,
        value: declared,
        message: `“${cpg.name}”声明的编码“${declared}”系统不认识，已按 ${encoding.toUpperCase()} 读取属性；请核对名称是否有乱码。`,
      });
    }
  } else {
    encoding = guessDbfEncoding(await readFile(dbf.path));
  }

  let crs: Crs = { name: 'EPSG:4326', toLonLat: null };
  if (prj) {
    const wkt = await readFile(prj.path, 'utf8');
    try {
      crs = crsFromWkt(wkt);
    } catch (err) {
      problems.push({
        severity: 'error',
        file: prj.name,
        message: `“${prj.name}”中的坐标系无法识别（${(err as Error).message}），无法换算坐标；请用 GIS 软件导出 CGCS2000 经纬度或高斯-克吕格投影的 Shapefile。`,
      });
      return { features: [], crs: wkt.slice(0, 60) };
    }
    if (crs.datumWarning) problems.push({ severity: 'warning', file: prj.name, message: crs.datumWarning });
  }

  const features: BoundaryFeature[] = [];
  let notArea = 0;
  try {
    const source = await open(shp.path, dbf?.path, { encoding });
    for (let index = 0; ; index++) {
      const next = await source.read();
      if (next.done) break;
      const geometry = areaGeometryOf(next.value.geometry, crs.toLonLat);
      if (geometry === 'not-area') {
        notArea++;
        continue;
      }
      features.push({ file, index, properties: { ...(next.value.properties ?? {}) }, geometry });
    }
  } catch (err) {
    problems.push({ severity: 'error', file, message: `“${file}”读取失败（${(err as Error).message}），文件可能已损坏；请重新导出后打包。` });
  }
  if (notArea) problems.push(notAreaWarning(file, notArea));
  return { features, crs: crs.name };
}

/** Every layer (.shp) among the unpacked entries, in the zip's order. */
export async function readShapefiles(entries: UnpackedEntry[]): Promise<Layer> {
  const byKey = new Map<string, Map<string, UnpackedEntry>>();
  for (const e of entries) {
    const key = layerKey(e.name);
    const parts = byKey.get(key) ?? new Map<string, UnpackedEntry>();
    parts.set(extensionOf(e.name), e);
    byKey.set(key, parts);
  }
  const problems: Problem[] = [];
  const features: BoundaryFeature[] = [];
  const crsNames = new Set<string>();
  for (const parts of byKey.values()) {
    const shp = parts.get('.shp');
    if (!shp) continue;
    const layer = await readLayer(shp, parts, problems);
    features.push(...layer.features);
    crsNames.add(layer.crs);
  }
  return { features, crs: [...crsNames].join('; '), problems };
}
