/**
 * Coordinate systems of boundary files: a Shapefile's .prj (WKT, OGC or Esri flavour) or a GeoJSON "crs" member,
 * read with proj4, and the conversion of projected coordinates (e.g. CGCS2000 3-degree Gauss-Krüger) to lon/lat.
 *
 * CGCS2000 is taken as WGS-84: the two frames differ by a few centimetres, far under the 20 m tolerance of the
 * boundary checks. Xi'an 1980 and Beijing 1954 are different datums; proj4 has no published shift for them, so
 * their coordinates are converted on their own ellipsoid and the operator is warned (tens of metres off, up to ~100 m).
 */
import proj4 from 'proj4';

export interface Crs {
  /** The system's name as the file gives it (the WKT's PROJCS/GEOGCS name, or "EPSG:4524"). */
  name: string;
  /** Converts a position to lon/lat, or null when the coordinates are lon/lat already. */
  toLonLat: ((xy: [number, number]) => [number, number]) | null;
  /** A sentence for the operator when the datum is not CGCS2000/WGS-84 (no shift applied). */
  datumWarning?: string;
}

const LON_LAT_DATUMS = new Set(['wgs84', 'china_2000', 'cgcs2000', 'grs80', undefined]);
const OLD_DATUMS: Record<string, string> = { xian_1980: '西安 1980', beijing_1954: '北京 1954' };

/** The EPSG codes of CGCS2000's Gauss-Krüger zones, as a proj4 definition (these are what Chinese GIS files use). */
export function cgcs2000ProjectionOf(epsg: number): string | null {
  const tmerc = (lon0: number, x0: number) => `+proj=tmerc +lat_0=0 +lon_0=${lon0} +k=1 +x_0=${x0} +y_0=0 +ellps=GRS80 +units=m +no_defs`;
  if (epsg >= 4491 && epsg <= 4501) return tmerc(75 + 6 * (epsg - 4491), (13 + epsg - 4491) * 1e6 + 500000); // 6-degree zones 13..23
  if (epsg >= 4502 && epsg <= 4512) return tmerc(75 + 6 * (epsg - 4502), 500000); // 6-degree, CM 75..135
  if (epsg >= 4513 && epsg <= 4533) return tmerc(75 + 3 * (epsg - 4513), (25 + epsg - 4513) * 1e6 + 500000); // 3-degree zones 25..45
  if (epsg >= 4534 && epsg <= 4554) return tmerc(75 + 3 * (epsg - 4534), 500000); // 3-degree, CM 75..135
  return null;
}

function fromProj4(definition: string, name: string): Crs {
  const projection = proj4.Proj(definition) as unknown as { projName?: string; datumCode?: string };
  const datum = projection.datumCode?.toLowerCase();
  const datumWarning =
    datum && OLD_DATUMS[datum]
      ? `坐标系“${name}”基于${OLD_DATUMS[datum]}坐标系，系统无法精确换算到 CGCS2000/WGS-84（未做基准转换，位置可能偏差数十米至百余米）；如有 CGCS2000 版本的文件请改用它。`
      : datum && !LON_LAT_DATUMS.has(datum)
        ? `坐标系“${name}”的基准面（${datum}）不是 CGCS2000/WGS-84，未做基准转换，位置可能有偏差；请核对。`
        : undefined;
  if (projection.projName === 'longlat') return { name, toLonLat: null, datumWarning };
  const converter = proj4(definition, 'WGS84');
  return { name, toLonLat: (xy) => converter.forward(xy) as [number, number], datumWarning };
}

/** A .prj's WKT read with proj4; throws (with proj4's reason) when proj4 cannot read it. */
export function crsFromWkt(wkt: string): Crs {
  const name = /^\s*(?:PROJCS|GEOGCS|PROJCRS|GEOGCRS|GEODCRS)\s*\[\s*"([^"]*)"/i.exec(wkt)?.[1] ?? wkt.slice(0, 60);
  return fromProj4(wkt.trim(), name);
}

/**
 * A GeoJSON "crs" member (the 2008 spec; RFC 7946 dropped it but Chinese GIS exports still write it).
 * Knows lon/lat (EPSG:4326, CGCS2000's EPSG:4490, CRS84) and CGCS2000 Gauss-Krüger zones; null for something else.
 */
export function crsFromGeoJsonName(name: string): Crs | null {
  const epsg = /EPSG:{1,2}(?:[\d.]*:)?(\d+)$/i.exec(name)?.[1];
  if (/CRS84$/i.test(name) || epsg === '4326' || epsg === '4490') return { name, toLonLat: null };
  const definition = epsg ? cgcs2000ProjectionOf(Number(epsg)) : null;
  return definition ? fromProj4(definition, `EPSG:${epsg}`) : null;
}
