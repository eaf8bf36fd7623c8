/** GeoJSON (.geojson/.json): a FeatureCollection, a Feature or a bare geometry; an old-style "crs" member is honoured. */
import type { Problem } from '../types';
import { crsFromGeoJsonName, type Crs } from './crs';
import { areaGeometryOf, notAreaWarning, type Layer } from './layer';
import type { BoundaryFeature } from './read';

interface GeoJsonLike {
  type?: unknown;
  features?: unknown;
  properties?: unknown;
  geometry?: unknown;
  crs?: { properties?: { name?: unknown } };
}

export function readGeoJson(text: string, file: string): Layer {
  const problems: Problem[] = [];
  let doc: GeoJsonLike;
  try {
    doc = JSON.parse(text) as GeoJsonLike;
  } catch (err) {
    return {
      features: [],
      crs: '',
      problems: [{ severity: 'error', file, message: `“${file}”不是有效的 JSON（${(err as Error).message}），无法读取；请用 GIS 软件重新导出为 GeoJSON。` }],
    };
  }
  const rawFeatures: { properties: unknown; geometry: unknown }[] =
    doc.type === 'FeatureCollection' && Array.isArray(doc.features)
      ? (doc.features as { properties: unknown; geometry: unknown }[])
      : doc.type === 'Feature'
        ? [{ properties: doc.properties, geometry: doc.geometry }]
        : typeof doc.type === 'string' && /Polygon|GeometryCollection/.test(doc.type)
          ? [{ properties: {}, geometry: doc }]
          : [];
  if (rawFeatures.length === 0) {
    problems.push({ severity: 'error', file, message: `“${file}”中没有要素（不是 GeoJSON 的 FeatureCollection/Feature），无法导入；请确认导出的是边界图层。` });
  }
  const crsName = typeof doc.crs?.properties?.name === 'string' ? doc.crs.properties.name : null;
  let crs: Crs = { name: 'EPSG:4326', toLonLat: null };
  if (crsName) {
    const known = crsFromGeoJsonName(crsName);
    if (known) crs = known;
    else
      problems.push({
        severity: 'error',
        file,
        value: crsName,
        message: `“${file}”声明的坐标系“${crsName}”系统不认识；请导出为经纬度（WGS-84/CGCS2000，EPSG:4326 或 4490）的 GeoJSON，或打包成带 .prj 的 Shapefile。`,
      });
  }
  if (crs.datumWarning) problems.push({ severity: 'warning', file, message: crs.datumWarning });
  const features: BoundaryFeature[] = [];
  let notArea = 0;
  rawFeatures.forEach((f, index) => {
    const geometry = areaGeometryOf(f?.geometry, crs.toLonLat);
    if (geometry === 'not-area') {
      notArea++;
      return;
    }
    const properties = f?.properties && typeof f.properties === 'object' ? (f.properties as Record<string, unknown>) : {};
    features.push({ file, index, properties, geometry });
  });
  if (notArea) problems.push(notAreaWarning(file, notArea));
  return { features, crs: crs.name, problems };
}
