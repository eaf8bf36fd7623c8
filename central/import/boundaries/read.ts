/**
 * Reads a district's boundary file — GeoJSON, a zipped Shapefile (one or several layers) or KML/KMZ, told apart by
 * content, not by name — into lon/lat features of the datum the operator declares. Problems say what could not be
 * read and where; nothing here judges the boundaries themselves (tree.ts does).
 */
import { open as openFile, readFile } from 'node:fs/promises';
import type { Problem } from '../types';
import { readGeoJson } from './geojson';
import { decodeKml, readKml } from './kml';
import type { Layer } from './layer';
import { readShapefiles } from './shapefile';
import { extensionOf, looksLikeZip, unpackZip, ZipRefused, type ZipLimits } from './zip';

export interface BoundaryFeature {
  /** Where it came from, for problems: file name inside the zip + index. */
  file: string;
  index: number;
  properties: Record<string, unknown>;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] } | null;
}

export interface ReadBoundaries {
  features: BoundaryFeature[];
  datum: 'WGS-84' | 'GCJ-02';
  crs: string;
  problems: Problem[];
}

export interface ReadBoundariesOptions {
  /**
   * The datum the operator says the file's coordinates are in (default WGS-84). CGCS2000 counts as WGS-84: the
   * frames differ by centimetres, far under the checks' 20 m tolerance. Coordinates are not shifted between
   * WGS-84 and GCJ-02: the tree is written in the datum declared here.
   */
  datum?: 'WGS-84' | 'GCJ-02' | 'CGCS2000';
  /** Caps on what a zip may inflate to (zip.ts has the defaults: 2 GiB in all, 200:1 on an entry over 32 MiB). */
  zipLimits?: ZipLimits;
}

const ZIP_PARTS = new Set(['.shp', '.dbf', '.prj', '.cpg', '.kml', '.geojson', '.json']);

async function head(path: string, bytes: number): Promise<Buffer> {
  const handle = await openFile(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function failed(file: string, message: string): Layer {
  return { features: [], crs: '', problems: [{ severity: 'error', file, message }] };
}

/** What a text file is by its first character: '<' XML (KML), '{' JSON (GeoJSON). */
function readText(bytes: Buffer, file: string): Layer {
  const start = bytes
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (start.startsWith('<')) return readKml(decodeKml(bytes), file);
  if (start.startsWith('{')) return readGeoJson(bytes.toString('utf8').replace(/^\uFEFF/, ''), file);
  return failed(file, `“${file}”既不是 GeoJSON、KML，也不是 Shapefile 压缩包，无法识别；请上传 .geojson、.kml/.kmz，或把 .shp/.dbf/.prj/.cpg 打成 .zip 上传。`);
}

async function readZip(path: string, file: string, limits: ZipLimits | undefined): Promise<Layer> {
  let unpacked;
  try {
    unpacked = await unpackZip(path, (name) => ZIP_PARTS.has(extensionOf(name)) && !/(^|\/)(__MACOSX\/|\._)/.test(name.replace(/\\/g, '/')), limits);
  } catch (err) {
    if (err instanceof ZipRefused)
      return { features: [], crs: '', problems: [{ severity: 'error', file: err.entry ? `${file}/${err.entry}` : file, message: err.message }] };
    return failed(file, `“${file}”无法解压（${(err as Error).message}），压缩包可能已损坏或大小信息不实；请重新打包后上传。`);
  }
  try {
    const { entries } = unpacked;
    if (entries.some((e) => extensionOf(e.name) === '.shp')) return await readShapefiles(entries);
    const kml = entries.find((e) => extensionOf(e.name) === '.kml');
    if (kml) return readKml(decodeKml(await readFile(kml.path)), kml.name);
    const json = entries.find((e) => ['.geojson', '.json'].includes(extensionOf(e.name)));
    if (json) return readGeoJson((await readFile(json.path, 'utf8')).replace(/^\uFEFF/, ''), json.name);
    return failed(file, `压缩包“${file}”中没有 .shp、.kml 或 .geojson 文件；请把边界的 .shp、.shx、.dbf、.prj（及 .cpg）一起打包后上传。`);
  } finally {
    await unpacked.dispose();
  }
}

/**
 * Reads GeoJSON (.geojson/.json), a zipped Shapefile (.zip with .shp/.dbf/.prj/.cpg; several layers allowed) or
 * KML (.kml, or .kmz). Detected by content. Coordinates come back in lon/lat of the declared datum; projected ones
 * (e.g. CGCS2000 3-degree Gauss-Krüger from a .prj) converted with proj4 from the .prj's WKT.
 */
export async function readBoundaries(path: string, fileName: string, options: ReadBoundariesOptions = {}): Promise<ReadBoundaries> {
  const datum = options.datum === 'GCJ-02' ? 'GCJ-02' : 'WGS-84';
  let layer: Layer;
  try {
    const first = await head(path, 4);
    layer = looksLikeZip(first) ? await readZip(path, fileName, options.zipLimits) : readText(await readFile(path), fileName);
  } catch (err) {
    layer = failed(fileName, `“${fileName}”读取失败（${(err as Error).message}）；请重新上传。`);
  }
  if (layer.features.length === 0 && !layer.problems.some((p) => p.severity === 'error')) {
    layer.problems.push({ severity: 'error', file: fileName, message: `“${fileName}”中没有面要素，无法导入；请确认导出的是街道/社区/网格的边界图层。` });
  }
  return { features: layer.features, datum, crs: layer.crs, problems: layer.problems };
}
