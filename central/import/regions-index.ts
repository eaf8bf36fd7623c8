/**
 * Finds regions for the rows of a ledger, an export or a feed: a grid by its code, id or name as people write it,
 * a region of any level, the names nearest to a misspelt one, and the grid containing a point.
 *
 * Names are compared normalised (normaliseName): people write "翠屏路社区第3网格", "翠屏路社区 3网格",
 * "浓洄街道翠屏路社区第三网格" or just "第3网格" for the same grid. A grid is found by its own name or by its
 * short name (its name without the names of the regions above it) prefixed by any of those regions' names. A text
 * that fits more than one grid finds none (the caller asks the operator to be precise).
 */
import { booleanPointInPolygon } from '@turf/turf';
import type { Region, RegionsResponse } from '../../shared/api/schemas';
import { bboxOf, BoxIndex, type Bbox } from './spatial';
import type { RegionIndex } from './types';

const COMMITTEE_SUFFIX = /(居民委员会|村民委员会|居委会|村委会)/g;
const SEPARATORS = /[\s\-—–_·・/\\|()（）[\]【】<>《》,，、.。:：;；'"“”‘’]/g;
const CHINESE_DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 一 … 九十九 as a number (the numbers grids are named with), or null. */
function chineseNumber(text: string): number | null {
  const m = /^([一二两三四五六七八九])?(十)?([〇零一二三四五六七八九])?$/.exec(text);
  if (!m || text === '') return null;
  const [, tens, ten, units] = m;
  if (!ten) return tens && !units ? CHINESE_DIGITS[tens] : units && !tens ? CHINESE_DIGITS[units] : null;
  return (tens ? CHINESE_DIGITS[tens] : 1) * 10 + (units ? CHINESE_DIGITS[units] : 0);
}

/** Full-width → half-width, lower case, without spaces, punctuation and 居委会/村委会: as written otherwise. */
function lightlyNormalised(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(SEPARATORS, '').replace(COMMITTEE_SUFFIX, '');
}

/**
 * A name as compared: full-width → half-width (NFKC), no spaces or punctuation, no 居委会/村委会, Chinese grid
 * numbers as digits, no 第 before a grid number and no trailing 网格 ("第三网格" → "3"), Latin letters lower-case.
 */
export function normaliseName(text: string): string {
  let s = lightlyNormalised(text);
  s = s.replace(/第?([〇零一二两三四五六七八九十]{1,3})(?=网格)/g, (whole, digits: string) => {
    const n = chineseNumber(digits);
    return n === null ? whole : String(n);
  });
  s = s.replace(/第(\d+)(?=网格|$)/g, '$1');
  const bare = s.replace(/网格$/, '');
  return bare || s;
}

/** A level's usual suffix, dropped for a second try ("浓洄" for 浓洄街道). */
const LEVEL_SUFFIX = /(街道办事处|街道|镇|乡|社区|村)$/;

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

/** The one region of a key, or undefined when none or several. */
function only<T>(list: T[] | undefined): T | undefined {
  return list && list.length === 1 ? list[0] : undefined;
}

/** Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > limit) return limit + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/** All ordered sub-sequences of a list (the ancestor prefixes a short name may be written with). */
function subsequences<T>(items: T[]): T[][] {
  let out: T[][] = [[]];
  for (const item of items) out = [...out, ...out.map((s) => [...s, item])];
  return out;
}

/**
 * Names nearest to a text by edit distance without computing it for every name: the characters a text shares with
 * a name bound the distance from below (at least the longer length minus the shared characters), so only names
 * whose bound is within reach are compared, closest bound first. 20,000 grids answer in a few milliseconds.
 */
class NameMatcher {
  /** Character → [key index, count in that key, …]. */
  private readonly postings = new Map<string, number[]>();

  constructor(readonly keys: readonly string[]) {
    keys.forEach((key, i) => {
      for (const [ch, n] of charCounts(key)) {
        const list = this.postings.get(ch);
        if (list) list.push(i, n);
        else this.postings.set(ch, [i, n]);
      }
    });
  }

  /** Keys that may be within `limit` of the text, as [index, lower bound], closest bound first. */
  candidates(text: string, limit: number): [index: number, bound: number][] {
    const shared = new Int32Array(this.keys.length);
    for (const [ch, n] of charCounts(text)) {
      const list = this.postings.get(ch);
      if (list) for (let j = 0; j < list.length; j += 2) shared[list[j]] += Math.min(n, list[j + 1]);
    }
    const out: [number, number][] = [];
    for (let i = 0; i < this.keys.length; i++) {
      const bound = Math.max(text.length, this.keys[i].length) - shared[i];
      if (bound <= limit) out.push([i, bound]);
    }
    return out.sort((a, b) => a[1] - b[1]);
  }
}

function charCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < text.length; i++) counts.set(text[i], (counts.get(text[i]) ?? 0) + 1);
  return counts;
}

/** The grid holding a point: the few grids whose box holds it (an R-tree), then point-in-polygon. */
class PointLocator {
  private readonly index: BoxIndex<{ bbox: Bbox; grid: Region }>;

  constructor(grids: Region[]) {
    this.index = new BoxIndex(grids.map((grid) => ({ bbox: boxOf(grid.geometry), grid })));
  }

  at(lon: number, lat: number): Region | undefined {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return undefined;
    const point: [number, number] = [lon, lat];
    return this.index.search([lon, lat, lon, lat]).find(({ item }) => booleanPointInPolygon(point, item.grid.geometry))?.item.grid;
  }
}

function boxOf(geometry: Region['geometry']): Bbox {
  return bboxOf(geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates);
}

export function buildRegionIndex(tree: RegionsResponse | null): RegionIndex {
  const regions = tree?.regions ?? [];
  const byId = new Map<string, Region>();
  const byCode = new Map<string, Region[]>();
  for (const r of regions) {
    byId.set(r.id, r);
    addTo(byCode, r.code, r);
  }
  const ancestorsOf = (r: Region): Region[] => {
    const out: Region[] = [];
    const seen = new Set<string>([r.id]);
    for (let p = r.parent_id ? byId.get(r.parent_id) : undefined; p && !seen.has(p.id); p = p.parent_id ? byId.get(p.parent_id) : undefined) {
      seen.add(p.id);
      out.unshift(p);
    }
    return out;
  };

  const grids = regions.filter((r) => r.level === 'grid');
  // A grid's own name, then its short name written with any of the names above it.
  const gridByName = new Map<string, Region[]>();
  const gridByAlias = new Map<string, Region[]>();
  /** What grids are compared with for suggestions: their names, and their parents' names with their short names. */
  const suggestionKeys: string[] = [];
  const suggestionGrids: Region[] = [];
  const normalised = new Map<string, string>();
  const normalisedName = (r: Region): string => {
    let n = normalised.get(r.id);
    if (n === undefined) normalised.set(r.id, (n = normaliseName(r.name)));
    return n;
  };
  for (const g of grids) {
    const name = normalisedName(g);
    addTo(gridByName, name, g);
    const above = ancestorsOf(g).map(normalisedName);
    let short = name;
    for (const a of above) if (short.startsWith(a) && short.length > a.length) short = short.slice(a.length);
    for (const prefix of subsequences(above)) addTo(gridByAlias, prefix.join('') + short, g);
    // As normalised and as written (a slip like 网络 for 网格 hides the grid number from the normaliser).
    const keys = new Set([name, lightlyNormalised(g.name)]);
    const parent = g.parent_id ? byId.get(g.parent_id) : undefined;
    if (parent && !name.startsWith(normalisedName(parent))) {
      keys.add(normalisedName(parent) + short);
      keys.add(lightlyNormalised(parent.name) + lightlyNormalised(g.name));
    }
    for (const key of keys) {
      suggestionKeys.push(key);
      suggestionGrids.push(g);
    }
  }
  let matcher: NameMatcher | null = null;
  const regionByName = new Map<string, Region[]>();
  const regionByBareName = new Map<string, Region[]>();
  for (const r of regions) {
    if (r.level === 'grid') continue;
    const name = normaliseName(r.name);
    addTo(regionByName, name, r);
    const bare = name.replace(LEVEL_SUFFIX, '');
    if (bare && bare !== name) addTo(regionByBareName, bare, r);
  }

  const grid = (text: string): Region | undefined => {
    const t = String(text).normalize('NFKC').trim();
    if (!t) return undefined;
    const coded = only(byCode.get(t)) ?? byId.get(t);
    if (coded) return coded.level === 'grid' ? coded : undefined;
    const key = normaliseName(t);
    // Its own name or a short name with the regions above it: a text that fits two grids either way fits none.
    const named = gridByName.get(key) ?? [];
    const aliased = gridByAlias.get(key) ?? [];
    return only([...new Set([...named, ...aliased])]);
  };

  /** How a grid is offered to the operator: a text that finds it (its name, else with its community's before it). */
  const labelOf = (g: Region): string => {
    if (grid(g.name) === g) return g.name;
    const community = g.parent_id ? byId.get(g.parent_id) : undefined;
    return community ? `${community.name}${g.name}` : g.name;
  };

  const region = (text: string, level?: Region['level']): Region | undefined => {
    if (level === 'grid') return grid(text);
    const t = String(text).normalize('NFKC').trim();
    if (!t) return undefined;
    const fits = (r: Region | undefined) => (r && (!level || r.level === level) ? r : undefined);
    const coded = fits(only(byCode.get(t))) ?? fits(byId.get(t));
    if (coded) return coded;
    const key = normaliseName(t);
    const ofLevel = (list: Region[] | undefined) => (list ?? []).filter((r) => !level || r.level === level);
    const named = ofLevel(regionByName.get(key));
    if (named.length) return only(named);
    const bare = ofLevel(regionByBareName.get(key.replace(LEVEL_SUFFIX, '') || key));
    if (bare.length) return only(bare);
    return level ? undefined : grid(t);
  };

  const nearestCache = new Map<string, string[]>();
  const nearestGridNames = (text: string, count = 3): string[] => {
    if (count <= 0) return [];
    const key = normaliseName(String(text));
    const cacheKey = `${count}\u0001${key}`;
    const cached = nearestCache.get(cacheKey);
    if (cached) return cached;
    // Only names close enough to be a slip: at most about half the text may differ.
    const limit = Math.max(2, Math.ceil(key.length * 0.5));
    // The grids the text fits equally (a short name several communities have) are the nearest of all.
    const fitting = [...new Set([...(gridByName.get(key) ?? []), ...(gridByAlias.get(key) ?? [])])];
    const best = fitting.map((g) => ({ label: labelOf(g), distance: 0 })).sort((a, b) => a.label.localeCompare(b.label, 'zh'));
    best.length = Math.min(best.length, count);
    let worst = best.length === count ? 0 : limit;
    const typed = [...new Set([key, lightlyNormalised(String(text))])];
    matcher ??= new NameMatcher(suggestionKeys);
    for (const t of typed)
      for (const [index, bound] of matcher.candidates(t, limit)) {
        if (bound > worst) break;
        const d = editDistance(t, suggestionKeys[index], worst);
        if (d > worst) continue;
        const label = labelOf(suggestionGrids[index]);
        const known = best.find((b) => b.label === label);
        if (known) known.distance = Math.min(known.distance, d);
        else best.push({ label, distance: d });
        best.sort((a, b) => a.distance - b.distance || a.label.localeCompare(b.label, 'zh'));
        if (best.length > count) best.length = count;
        if (best.length === count) worst = best[best.length - 1].distance;
      }
    const names = best.map((b) => b.label);
    if (nearestCache.size > 10_000) nearestCache.clear();
    nearestCache.set(cacheKey, names);
    return names;
  };

  let locator: PointLocator | null = null;
  return {
    tree,
    byId: (id) => byId.get(id),
    grid,
    region,
    nearestGridNames,
    gridAt(lon, lat) {
      locator ??= new PointLocator(grids);
      return locator.at(lon, lat);
    },
  };
}
