/**
 * Renders the demo's grids to PNG so a person can check they look like a city partition inside the real outline:
 * left, the whole 广安区 with the urban area; right, the urban area with streets coloured, communities and grids
 * outlined. Writes an SVG and screenshots it with headless Chromium.
 *
 *   npm exec tsx scripts/render-grids.ts -- [--seed S] [--scale city] [--out out/grids.png]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildGeography, type Geometry, type LonLat } from '../central/demo/geography';
import { seedFromText } from '../central/demo/prng';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    scale: { type: 'string', default: 'district' },
    out: { type: 'string', default: 'out/grids.png' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});

const scale = values.scale === 'city' ? 'city' : 'district';
const t0 = performance.now();
const geo = buildGeography({ seed: seedFromText(values.seed ?? '1'), scale });
console.log(
  `geography built in ${Math.round(performance.now() - t0)} ms: ${geo.streets.length} streets, ${geo.communities.length} communities, ${geo.grids.length} grids`,
);

const W = 1600;
const H = 1200;
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac'];

type Frame = { x0: number; y0: number; w: number; h: number; minLon: number; maxLat: number; s: number; k: number };

function frameFor(rings: LonLat[][], x0: number, y0: number, w: number, h: number): Frame {
  let minLon = Infinity;
  let maxLon = -Infinity;
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (const r of rings)
    for (const [lon, lat] of r) {
      minLon = Math.min(minLon, lon);
      maxLon = Math.max(maxLon, lon);
      minLat = Math.min(minLat, lat);
      maxLat = Math.max(maxLat, lat);
    }
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const s = Math.min((w - 40) / ((maxLon - minLon) * k), (h - 40) / (maxLat - minLat));
  return { x0: x0 + 20 + (w - 40 - (maxLon - minLon) * k * s) / 2, y0: y0 + 20 + (h - 40 - (maxLat - minLat) * s) / 2, w, h, minLon, maxLat, s, k };
}

function pathOf(g: Geometry, f: Frame): string {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let d = '';
  for (const poly of polys)
    for (const ring of poly) {
      ring.forEach(([lon, lat], i) => {
        const x = f.x0 + (lon - f.minLon) * f.k * f.s;
        const y = f.y0 + (f.maxLat - lat) * f.s;
        d += `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
      });
      d += 'Z';
    }
  return d;
}

function ringsOf(g: Geometry): LonLat[][] {
  return g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
}

function point(f: Frame, [lon, lat]: LonLat): [number, number] {
  return [f.x0 + (lon - f.minLon) * f.k * f.s, f.y0 + (f.maxLat - lat) * f.s];
}

const left = frameFor(ringsOf(geo.district.geometry), 0, 60, 560, H - 60);
const urbanRings = geo.streets.flatMap((s) => ringsOf(s.geometry));
const right = frameFor(urbanRings, 560, 60, W - 560, H - 60);

const parts: string[] = [];
parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Noto Sans CJK SC, sans-serif">`);
parts.push(`<rect width="${W}" height="${H}" fill="#f7f5ef"/>`);
parts.push(
  `<text x="20" y="38" font-size="24" fill="#222">${geo.district.name} · ${geo.streets.length} 街道 · ${geo.communities.length} 社区 · ${geo.grids.length} 网格（${geo.grids.filter((g) => g.newIn2022).length} 个新增，虚线）— 街道/社区/网格边界为演示用合成数据</text>`,
);
// Left: whole district.
parts.push(`<path d="${pathOf(geo.district.geometry, left)}" fill="#e8e4d8" stroke="#555" stroke-width="1.5"/>`);
for (const s of geo.streets)
  parts.push(`<path d="${pathOf(s.geometry, left)}" fill="${PALETTE[s.index % PALETTE.length]}" fill-opacity="0.8" stroke="#333" stroke-width="0.4"/>`);
const [cx, cy] = point(left, [106.633, 30.462]);
parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="#000"/>`);
parts.push(`<text x="30" y="${H - 30}" font-size="16" fill="#444">广安区 outline (real); urban area (synthetic)</text>`);
// Right: the urban area.
for (const g of geo.grids) {
  const street = geo.streets[g.street];
  const shade = 0.45 + 0.4 * (((g.community * 7) % 5) / 5);
  parts.push(
    `<path d="${pathOf(g.geometry, right)}" fill="${PALETTE[street.index % PALETTE.length]}" fill-opacity="${shade.toFixed(2)}" stroke="#fff" stroke-width="${geo.grids.length > 2000 ? 0.2 : 0.8}"${g.newIn2022 ? ' stroke-dasharray="3,2"' : ''}/>`,
  );
}
for (const c of geo.communities)
  parts.push(`<path d="${pathOf(c.geometry, right)}" fill="none" stroke="#333" stroke-width="${geo.grids.length > 2000 ? 0.4 : 1.3}"/>`);
for (const s of geo.streets) parts.push(`<path d="${pathOf(s.geometry, right)}" fill="none" stroke="#000" stroke-width="3"/>`);
parts.push(`<path d="${pathOf(geo.district.geometry, right)}" fill="none" stroke="#a33" stroke-width="2" stroke-dasharray="8,4"/>`);
if (geo.grids.length <= 2000)
  for (const c of geo.communities) {
    const [x, y] = point(right, c.center);
    parts.push(
      `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="11" text-anchor="middle" fill="#111" stroke="#fff" stroke-width="2.5" paint-order="stroke">${c.name}</text>`,
    );
  }
for (const s of geo.streets) {
  const [x, y] = point(right, s.center);
  parts.push(
    `<text x="${x.toFixed(1)}" y="${(y - 14).toFixed(1)}" font-size="22" font-weight="bold" text-anchor="middle" fill="#000" stroke="#fff" stroke-width="4" paint-order="stroke">${s.name}</text>`,
  );
}
// A 1 km scale bar.
const kmPx = right.s / 110.57;
parts.push(
  `<line x1="${W - 260}" y1="${H - 40}" x2="${W - 260 + 2 * kmPx}" y2="${H - 40}" stroke="#000" stroke-width="3"/><text x="${W - 260}" y="${H - 50}" font-size="14">2 km</text>`,
);
parts.push('</svg>');

const out = resolve(values.out ?? 'out/grids.png');
mkdirSync(dirname(out), { recursive: true });
const svgPath = out.replace(/\.png$/, '') + '.svg';
writeFileSync(svgPath, parts.join('\n'));
if (!existsSync(values.chromium ?? '')) {
  console.log(`wrote ${svgPath} (no chromium at ${values.chromium}; open the SVG instead)`);
} else {
  execFileSync(
    values.chromium!,
    ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${out}`, `--window-size=${W},${H}`, `file://${svgPath}`],
    {
      stdio: 'ignore',
    },
  );
  console.log(`wrote ${out}`);
}
