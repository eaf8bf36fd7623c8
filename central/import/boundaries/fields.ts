/**
 * What a feature says about itself: its level, code, name and parent's code, read from its properties (the
 * property names guessed per file unless the operator names them).
 *
 * Levels when no level property says it: by the file's (layer's) name (…网格.shp, 社区.kml), else by the code's
 * length — this district's rule, from GB/T 2260 and the statistics bureau's division codes: 6 digits a district,
 * 9 a street (township), 12 a community (village committee), 13–15 a grid (CJ/T 349-style: the community's code
 * and a grid number). A district whose codes differ names a level property instead.
 */
import type { Region } from '../../../shared/api/schemas';
import type { BoundaryFeature } from './read';

export type Level = Region['level'];

export interface BoundaryFields {
  level?: string;
  code?: string;
  name?: string;
  parent?: string;
}

/** Property names tried in order (case-insensitive for Latin letters). */
const GUESSES = {
  level: ['级别', '层级', '区划级别', '类型', '类别', 'level', 'lvl', 'type', 'kind'],
  code: [
    '网格编码',
    '网格代码',
    '编码',
    '代码',
    '区划代码',
    '区划编码',
    '行政区划代码',
    '社区编码',
    '社区代码',
    '街道编码',
    '街道代码',
    'code',
    'grid_code',
    'gridcode',
    'wgbm',
    'adcode',
    'dm',
    'bm',
  ],
  name: ['网格名称', '网格名', '名称', '社区名称', '街道名称', 'name', 'grid_name', 'gridname', 'mc', 'wgmc'],
  // (.dbf field names stop at 10 bytes: "parent_cod", and 5 Chinese characters in GBK.)
  parent: [
    '上级编码',
    '上级代码',
    '所属社区编码',
    '所属社区代码',
    '所属社区编',
    '社区编码',
    '社区代码',
    '所属街道编码',
    '所属街道编',
    '街道编码',
    'parent_code',
    'parent_cod',
    'parentcode',
    'pcode',
    'parent',
    'sjbm',
    'p_code',
  ],
} as const;

const LEVEL_WORDS: [RegExp, Level][] = [
  [/^(district|county|区县?|县|县级|区县级)$/i, 'district'],
  [/^(street|township|town|subdistrict|街道|乡镇|乡|镇|街道办事处|街道办|乡镇街道|街道级)$/i, 'street'],
  [/^(community|village|社区|村|居委会|村委会|社区居委会|村（社区）|村社区|社区级)$/i, 'community'],
  [/^(grid|网格|网格级)$/i, 'grid'],
];

export const LEVEL_NAMES: Record<Level, string> = { district: '区县', street: '街道', community: '社区', grid: '网格' };

/** The level a property's value names, or null. */
export function levelOfWord(value: unknown): Level | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  for (const [pattern, level] of LEVEL_WORDS) if (pattern.test(text)) return level;
  return null;
}

/** The level a file's name suggests (网格.shp, communities.geojson), or null. */
export function levelOfFileName(file: string): Level | null {
  const base = file.replace(/\\/g, '/').split('/').pop() ?? file;
  if (/网格|grid/i.test(base)) return 'grid';
  if (/社区|村|community|village/i.test(base)) return 'community';
  if (/街道|乡镇|street|township/i.test(base)) return 'street';
  if (/区县|district|county/i.test(base)) return 'district';
  return null;
}

/** The level a code's length says by this district's rule (see the file's comment), or null. */
export function levelOfCode(code: string): Level | null {
  if (code.length === 6) return 'district';
  if (code.length === 9) return 'street';
  if (code.length === 12) return 'community';
  if (code.length >= 13 && code.length <= 15) return 'grid';
  return null;
}

/** Full-width digits to ASCII, spaces dropped; numbers (a .dbf's N fields) written out without exponent. */
export function codeText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? (Number.isInteger(value) ? BigInt(value).toString() : String(value)) : null;
  const text = String(value)
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '');
  return text === '' ? null : text;
}

export function nameText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}

/** The property names to read, per file: the operator's, else the first guess the file's features have. */
export function resolveFields(features: BoundaryFeature[], given: BoundaryFields | undefined): Required<{ [K in keyof BoundaryFields]: string | null }> {
  const keys = new Set<string>();
  for (const f of features) for (const k of Object.keys(f.properties)) keys.add(k);
  const byLower = new Map([...keys].map((k) => [k.trim().toLowerCase(), k]));
  const find = (names: readonly string[], not: (string | null)[] = []) => {
    for (const n of names) {
      const key = byLower.get(n.toLowerCase());
      if (key !== undefined && !not.includes(key)) return key;
    }
    return null;
  };
  const code = given?.code ?? find(GUESSES.code);
  return {
    level: given?.level ?? find(GUESSES.level),
    code,
    name: given?.name ?? find(GUESSES.name),
    parent: given?.parent ?? find(GUESSES.parent, [code]),
  };
}
