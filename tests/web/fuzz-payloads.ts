/** Arbitraries for fuzzing the bridge: hostile values, and contract payloads with one thing broken. */
import fc from 'fast-check';
import type { Payload, RequestName } from '../../shared/bridge/contract';

/**
 * A valid payload of every request, about the demo district's cache (DEMO_NOW, DEMO_WEEK); the fuzzers break them. A
 * new request must add one here.
 */
export const VALID_PAYLOADS: { [N in RequestName]: Payload<N> } = {
  'app.info': {},
  'app.echo': { text: 'ping' },
  'sync.status': {},
  'scene.snapshot': { window: { preset: 'custom', from: 20230301, to: 20230319 } },
  'map.regions': {},
  'regions.list': {},
  'grid.detail': { gridId: '511602001001001' },
  'briefing.get': { period: { kind: 'week', week: '2023-W11' } },
  'briefing.cases': { period: { kind: 'month', month: '2023-03' }, filter: { kind: 'appeal', status: 'late' }, offset: 0, limit: 20 },
  'report.template': { period: { kind: 'custom', from: 20230301, to: 20230315 }, edits: { 'overall-1': '本周受理事件。' } },
  'report.export': {
    period: { kind: 'week', week: '2023-W11' },
    format: 'xlsx',
    texts: { title: '通报' },
    watermark: { enabled: true, text: '内部' },
    operator: '值班员',
  },
  'report.audit': { limit: 10 },
  'settings.get': {},
  'settings.update': { alertSound: true, theme: 'contrast', watermark: { enabled: true, operator: '值班员' } },
  'settings.api': { baseUrl: 'https://api.example/', token: 'secret', proxy: 'http://proxy.example:3128' },
  'import.list': {},
  'import.start': {
    source: 'hotline',
    upload: '00000000-0000-4000-8000-000000000000',
    fileName: '12345工单.xlsx',
    mapping: { accepted_at: '受理日期' },
    excludeRows: [7, 12],
    datum: 'CGCS2000',
  },
  'import.open311': { url: 'https://311.example/open311/v2', apiKey: 'k', since: '2026-11-01T00:00:00+08:00', mapping: { '001': { kind: 'appeal' } } },
  'import.get': { id: 'i1' },
  'import.regions': { id: 'i1' },
  'import.commit': { id: 'i1', acceptWarnings: true, deleteMissing: false },
  'import.discard': { id: 'i1' },
  'import.template': { source: 'grid-info' },
  'import.token': { token: 'gcc_write_token_0123' },
};

/** Requests that change something when their payload is valid; fuzzing only sends them invalid ones. */
export const WRITING_REQUESTS: ReadonlySet<RequestName> = new Set([
  'report.export',
  'settings.update',
  'settings.api',
  'import.start',
  'import.open311',
  'import.commit',
  'import.discard',
  'import.token',
]);

const EDGE_VALUES = [
  null,
  undefined,
  NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  -1,
  2 ** 53,
  1e308,
  5e-324,
  true,
  '',
  ' ',
  '\u0000',
  '\ud800',
  '0',
  '[]',
  '{}',
  'x'.repeat(5000),
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  "'; DROP TABLE events; --",
  '2026-W99',
  '2026-13',
  99999999,
  19691231,
  [],
  [[]],
  {},
  { __proto__: null },
];

/** Anything at all: primitives, deep and odd objects, edge values. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...EDGE_VALUES),
  fc.anything({
    maxDepth: 3,
    maxKeys: 6,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withDate: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
    withObjectString: true,
  }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.double(),
);

/** JSON-representable values only (what an HTTP body can carry). */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...EDGE_VALUES.filter((v) => JSON.stringify(v) !== undefined && !Number.isNaN(v))),
  fc.jsonValue({ maxDepth: 3 }),
);

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, Array.isArray(value) ? Number(k) : k]));
  return out;
}

function edit(value: unknown, path: Path, change: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  if (!path.length) return value;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  change(parent, path[path.length - 1]);
  return copy;
}

const KEYS = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'extra', ''), fc.string({ maxLength: 12 }));

/** A valid payload with one thing changed: a value replaced, a key removed or a key added (own __proto__ included). */
export function broken(valid: unknown, values: fc.Arbitrary<unknown> = hostile): fc.Arbitrary<unknown> {
  const all = paths(valid);
  const objects = all.filter((p) => {
    const at = p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], valid);
    return at !== null && typeof at === 'object' && !Array.isArray(at);
  });
  const removable = all.filter((p) => p.length);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...all), values).map(([path, v]) => (path.length ? edit(valid, path, (parent, key) => (parent[key] = v)) : v)),
    fc.tuple(fc.constantFrom(...objects), KEYS, values).map(([path, key, v]) => {
      const copy = structuredClone(valid) as Record<string, unknown>;
      const parent = path.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, copy);
      Object.defineProperty(parent, key, { value: v, enumerable: true, configurable: true, writable: true });
      return copy;
    }),
    ...(removable.length ? [fc.constantFrom(...removable).map((path) => edit(valid, path, (parent, key) => delete parent[key]))] : []),
  );
}
