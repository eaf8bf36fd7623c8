/**
 * WGS-84 ↔ GCJ-02. GeoReport v2 sends lat/long in WGS-84; the region tree (and so every record's location) may be
 * in GCJ-02, the datum Chinese maps are drawn in, whose offset of a few hundred metres is enough to put a point in
 * the neighbouring grid. proj4 has no GCJ-02 (it is an obfuscation, not a projection), so this is the published
 * transform; outside mainland China GCJ-02 equals WGS-84.
 */
const A = 6378245.0;
const EE = 0.00669342162296594323;

type LonLat = [number, number];

function outsideChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function transformLon(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

export function wgs84ToGcj02([lon, lat]: LonLat): LonLat {
  if (outsideChina(lon, lat)) return [lon, lat];
  const radLat = (lat / 180) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (transformLat(lon - 105, lat - 35) * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLon = (transformLon(lon - 105, lat - 35) * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

/** The inverse, by a few fixed-point steps (well under a metre after three). */
export function gcj02ToWgs84([lon, lat]: LonLat): LonLat {
  let guess: LonLat = [lon, lat];
  for (let i = 0; i < 5; i++) {
    const [gLon, gLat] = wgs84ToGcj02(guess);
    guess = [guess[0] - (gLon - lon), guess[1] - (gLat - lat)];
  }
  return guess;
}
