/**
 * The PMTiles basemap in the page. Both hosts serve the file named in Settings at `basemap.pmtiles` next to the
 * page (same origin, so the CSP needs nothing more; HTTP Range, which the pmtiles reader uses). MapLibre reads the
 * tiles through the `pmtiles://` protocol, registered once; the archive's header, read here first, tells the style
 * what to draw (raster images or vector tiles, zoom range, bounds).
 */
import { PMTiles, Protocol, TileType, type Header } from 'pmtiles';
import type { addProtocol } from 'maplibre-gl';
import { BASEMAP_FILE } from '../../../shared/settings';
import type { PmtilesArchive } from './style';

let protocol: Protocol | null = null;

/** The one `pmtiles://` protocol of the page, registered with MapLibre on first use. */
export function pmtilesProtocol(lib: { addProtocol: typeof addProtocol }): Protocol {
  if (!protocol) {
    protocol = new Protocol();
    lib.addProtocol('pmtiles', protocol.tile as unknown as Parameters<typeof addProtocol>[1]);
  }
  return protocol;
}

/**
 * The archive's address for a setting, resolved against the page. `?v=` is a hash of the path, so a new setting
 * gets a new address and nothing the page (or the protocol) cached for the previous file is used for it; a file
 * replaced under the same name is caught by its ETag.
 */
export function archiveUrl(path: string, pageUrl: string): string {
  let hash = 0x811c9dc5; // FNV-1a, 32 bits
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193) >>> 0;
  return new URL(`${BASEMAP_FILE}?v=${hash.toString(16).padStart(8, '0')}`, pageUrl).href;
}

const FORMATS: Partial<Record<TileType, string>> = {
  [TileType.Png]: 'png',
  [TileType.Jpeg]: 'jpg',
  [TileType.Webp]: 'webp',
  [TileType.Avif]: 'avif',
  [TileType.Mvt]: 'mvt',
};

/** What the style needs from a header; null for tiles MapLibre cannot draw here (MLT, unknown). */
export function archiveFromHeader(url: string, header: Header): PmtilesArchive | null {
  const format = FORMATS[header.tileType];
  if (!format) return null;
  return {
    url,
    tiles: format === 'mvt' ? 'vector' : 'raster',
    format,
    minzoom: header.minZoom,
    maxzoom: header.maxZoom,
    bounds: [header.minLon, header.minLat, header.maxLon, header.maxLat],
  };
}

/**
 * Reads the header of the archive at `url` (one Range request). Given the map's protocol, the reader is handed to
 * it, so the tiles come through the same reader and its cached header and directories.
 */
export async function readArchive(url: string, into?: Protocol): Promise<PmtilesArchive | null> {
  const reader = into?.get(url) ?? new PMTiles(url);
  into?.add(reader);
  return archiveFromHeader(url, await reader.getHeader());
}
